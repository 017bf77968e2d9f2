"""The ingest pipeline: files → parsed, analysed records (in a process pool) → one writer.

Every file gets a line in the report: indexed, unchanged (same bytes already indexed),
or failed with the stage and reason. One bad file never stops the others, and each
document is written in one transaction, so the index stays valid if the process dies.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from indexer.index.contract import IndexBackend
from indexer.records import IndexRecord, IndexedDocument, content_hash, indexed_document, records_of

SUFFIXES = {".txt", ".pdf", ".md", ".tsv"}


@dataclass
class FileReport:
    path: str
    status: str  # "indexed" | "unchanged" | "failed"
    stage: str | None = None  # "read" | "parse" | "write" when failed
    reason: str | None = None
    doc_id: str | None = None
    records: int = 0
    warnings: int = 0


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "failed": 0}
        for report in self.files:
            counts[report.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"counts": self.counts(), "files": [asdict(f) for f in self.files]}


def discover(paths: list[str | Path]) -> tuple[list[Path], list[FileReport]]:
    """The files under the given paths (folders recursively, hidden files skipped)."""
    files: list[Path] = []
    missing: list[FileReport] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileReport(str(path), "failed", "read", "文件不存在 (no such file or folder)"))
    return files, missing


@dataclass
class _Parsed:
    path: str
    document: IndexedDocument | None = None
    records: list[IndexRecord] = field(default_factory=list)
    stage: str | None = None
    reason: str | None = None


def parse_and_analyse(path: str, digest: str) -> _Parsed:
    """Worker: read, parse and tokenise one file. Never raises."""
    from analyzers.tokenizer import get_analyzer
    from indexer.parsers.document import parse_file
    from indexer.readers import UnreadableDocument

    try:
        document = parse_file(path)
    except UnreadableDocument as error:
        return _Parsed(path, stage="read" if error.reason != "not_a_disclosure" else "parse", reason=str(error))
    except Exception as error:  # a parser bug is reported against its file, not raised
        return _Parsed(path, stage="parse", reason=f"解析失败 (parser error: {type(error).__name__}: {error})")
    indexed = indexed_document(document, path, digest)
    records = records_of(document, indexed.doc_id)
    analyzer = get_analyzer()
    for record in records:
        record.tokens = analyzer.index_text(record.text)
    return _Parsed(path, indexed, records)


def ingest(paths: list[str | Path], backend: IndexBackend, *, rebuild: bool = False,
           workers: int | None = None, progress: bool = True) -> IngestReport:
    files, report_missing = discover(paths)
    report = IngestReport(files=list(report_missing))
    todo: list[tuple[str, str]] = []
    for path in files:
        try:
            digest = content_hash(path)
        except OSError as error:
            report.files.append(FileReport(str(path), "failed", "read", f"无法读取 (cannot read: {error})"))
            continue
        if not rebuild and backend.has_content(digest):
            report.files.append(FileReport(str(path), "unchanged", doc_id=digest[:16]))
            continue
        todo.append((str(path), digest))
    bar = _progress(len(todo), progress)
    for parsed in _parsed_files(todo, workers):
        bar.update(1)
        report.files.append(_write(parsed, backend))
    bar.close()
    return report


def _parsed_files(todo: list[tuple[str, str]], workers: int | None) -> Iterator[_Parsed]:
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) <= 1:
        for path, digest in todo:
            yield parse_and_analyse(path, digest)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        yield from pool.map(parse_and_analyse, *zip(*todo), chunksize=1)


def _write(parsed: _Parsed, backend: IndexBackend) -> FileReport:
    if parsed.document is None:
        return FileReport(parsed.path, "failed", parsed.stage, parsed.reason)
    try:
        backend.add_document(parsed.document, parsed.records)
    except Exception as error:
        return FileReport(parsed.path, "failed", "write", f"写入索引失败 (index write failed: {error})")
    return FileReport(parsed.path, "indexed", doc_id=parsed.document.doc_id, records=len(parsed.records),
                      warnings=len(parsed.document.warnings))


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="份", desc="索引", disable=not enabled or total == 0,
                file=sys.stderr, dynamic_ncols=True)
