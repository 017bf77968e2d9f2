"""One ingest worker's path, in one process, for counting its instructions.

    python -m bench.worker_path --corpus DIR --docs N --index FILE [--first K]

Parses, analyses and prepares N text documents of a corpus (sorted by name, from the K-th:
1 000 by default) and writes them in rowid-ordered batches of 32 into a staging index, as a worker of
`disclosure index` does — without the pool, so nothing but this path runs. Under callgrind
it gives the same instruction count run after run, whatever else the machine is doing
(docs/benchmarks.md, "Ingest, seventh round"), which wall time on a shared machine cannot:

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python -m bench.worker_path --corpus /tmp/bench3k/corpus --docs 82 --index /tmp/w.sqlite

less the same command with --docs 2 (start-up and the dictionary): the cost of 80 documents.
"""
from __future__ import annotations

import argparse
import functools
from pathlib import Path

from indexer.index.sqlite import SQLiteIndex, staged_rebuild
from indexer.ingest import _analysed_and_prepared, _tune_garbage_collector, _write_batch, parse_and_analyse
from indexer.records import content_hash

BATCH = 32


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--index", type=Path, required=True, help="index to write (replaced)")
    parser.add_argument("--first", type=int, default=1000, help="documents to skip (default 1000)")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.txt"))[args.first:args.first + args.docs]
    prepared = functools.partial(_analysed_and_prepared, parse_and_analyse, SQLiteIndex.prepare)
    _tune_garbage_collector()
    with staged_rebuild(args.index) as index:
        batch = []
        for path in files:
            batch.append(prepared(str(path), content_hash(path)))
            if len(batch) >= BATCH:
                _write_batch(batch, index)
                batch = []
        if batch:
            _write_batch(batch, index)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
