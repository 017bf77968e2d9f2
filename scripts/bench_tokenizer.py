"""Tokenizer throughput on the sample documents, per engine.

    python scripts/bench_tokenizer.py [--runs N] [--engine jieba --engine rjieba]

Tokenises the four samples in data/ N times with each engine and prints the median MB/s
(UTF-8 bytes of input per second) of: the bare engine cut, the analyzer's precise cut,
and index_text (precise + recall, what indexing stores). Also prints how long building
the analyzer took in this process (jieba: warm if its dictionary cache exists).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers import tokenizer


def samples() -> list[str]:
    paths = sorted((ROOT / "data").glob("*.txt"))
    if not paths:
        raise SystemExit("no samples in data/*.txt")
    return [path.read_text(encoding="utf-8") for path in paths]


def median_mb_per_s(texts: list[str], work: Callable[[str], object], runs: int) -> float:
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    work(texts[0])  # warm-up: first-call caches (sub-words, regexes) are not the steady state
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        for text in texts:
            work(text)
        timings.append(time.perf_counter() - started)
    return megabytes / statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median is reported)")
    parser.add_argument("--engine", action="append", choices=tokenizer.ENGINES,
                        help="engine to measure (repeatable; default: all)")
    args = parser.parse_args(argv)
    texts = samples()
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} samples, {size:.2f} MB, median of {args.runs} runs")
    print(f"{'engine':8} {'init s':>7} {'engine cut':>11} {'cut':>8} {'index_text':>11}   (MB/s)")
    for name in args.engine or tokenizer.ENGINES:
        started = time.perf_counter()
        analyzer = tokenizer.get_analyzer(name)
        init = time.perf_counter() - started
        bare = analyzer._engine.cut  # the engine alone, without normalisation and filtering
        results = [median_mb_per_s(texts, work, args.runs) for work in (bare, analyzer.cut, analyzer.index_text)]
        print(f"{name:8} {init:7.3f} " + " ".join(f"{r:{w}.2f}" for r, w in zip(results, (11, 8, 11))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
