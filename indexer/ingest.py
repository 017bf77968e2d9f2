"""The ingest pipeline: files → parsed, analysed records (in worker processes) → the index.

Every file gets a line in the report: indexed, unchanged (same bytes already indexed, or a
duplicate of another file in the same run), or failed with the stage and reason. One bad
file never stops the others, and each document is written whole or not at all (documents go
to the index in batches, one transaction each; a batch with a file that cannot be
written is undone and its files written one by one), so the index stays
valid if the process dies; a re-run finishes the job (unchanged files are skipped).

Workers are long-lived processes watched by the main process, forked once the main process
has loaded the jieba dictionary and the gazetteer (while it hashes the files), so they share
them. Where the backend can be written by several processes (SQLite: `worker_writer`),
each worker also prepares its documents' rows and writes its own batches, taking turns on
the index's write lock; a file it parsed but had not written when it died is parsed again
by another. Otherwise (Elasticsearch) the main process writes what the workers parsed.
The main process watches the workers:

* a file that takes longer than the per-file time limit (`timeout`, default 120 s, or
  $DISCLOSURE_FILE_TIMEOUT) has its worker killed and replaced and is reported failed at
  stage "parse" with a reason naming the limit;
* each worker's address space may grow by at most `memory_mb` (default 1536 MB, or
  $DISCLOSURE_FILE_MEMORY_MB) beyond its size at start (RLIMIT_AS): a file that needs more
  gets a MemoryError, reported against it, and the worker is replaced;
* a worker that dies (segfault in a PDF library, killed by the kernel) is reported against
  the file it was parsing and replaced; one that dies while writing blames no file, and a
  document whose write kills its worker three times fails at stage "write".

A worker dies with the main process (PR_SET_PDEATHSIG on Linux, a parent check elsewhere),
so killing the indexer leaves no orphans.

`ingest(..., report_path=FILE)` (and `IngestReport.write`) writes the machine-readable
report: counts, one entry per file (path, status, stage, reason, ...), the files skipped
as not a supported type, and the limits in force.
"""
from __future__ import annotations

import functools
import json
import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, Callable, Iterator

from indexer.index.contract import IndexBackend, WriterBusy
from indexer.records import IndexRecord, IndexedDocument, content_hash, indexed_document, records_of

SUFFIXES = {".txt", ".pdf", ".md", ".tsv"}
# Index files (data/index.sqlite sits beside the samples): neither parsed nor listed as skipped.
_INDEX_FILE = re.compile(r"\.(sqlite3?|db)(\.rebuild)?(-wal|-shm|-journal)?$", re.IGNORECASE)
DEFAULT_TIMEOUT = 120.0  # seconds of parsing per file
DEFAULT_MEMORY_MB = 1536  # address space a worker may add beyond its size at start
ENV_TIMEOUT = "DISCLOSURE_FILE_TIMEOUT"
ENV_MEMORY = "DISCLOSURE_FILE_MEMORY_MB"


@dataclass
class FileReport:
    path: str
    status: str  # "indexed" | "unchanged" | "failed"
    stage: str | None = None  # "read" | "parse" | "write" when failed
    reason: str | None = None
    doc_id: str | None = None
    records: int = 0
    warnings: int = 0
    duplicate_of: str | None = None  # same bytes as this file of the same run
    seconds: float | None = None  # parse and analysis time in a worker


@dataclass
class Limits:
    """Per-file limits. `None` or 0 means no limit."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB

    @classmethod
    def resolve(cls, timeout: float | None = None, memory_mb: int | None = None) -> Limits:
        """Explicit values first, then the environment, then the defaults."""
        return cls(timeout=_setting(timeout, ENV_TIMEOUT, float, DEFAULT_TIMEOUT) or None,
                   memory_mb=_setting(memory_mb, ENV_MEMORY, int, DEFAULT_MEMORY_MB) or None)

    def to_json(self) -> dict[str, Any]:
        return {"timeout_seconds": self.timeout, "memory_mb": self.memory_mb}


def _setting(value: Any, variable: str, kind: type, default: Any) -> Any:
    if value is not None:
        return kind(value)
    raw = os.environ.get(variable, "").strip()
    if raw:
        try:
            return kind(raw)
        except ValueError:
            raise ValueError(f"{variable}={raw!r} 不是有效的数值 (not a number)") from None
    return default


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[FileReport] = field(default_factory=list)  # not a supported file type
    limits: Limits | None = None

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "failed": 0}
        for report in self.files:
            counts[report.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"counts": self.counts(), "files": [asdict(f) for f in self.files],
                                   "skipped": [asdict(f) for f in self.skipped]}
        if self.limits is not None:
            payload["limits"] = self.limits.to_json()
        return payload

    def write(self, path: str | Path) -> None:
        """The machine-readable report as a JSON file (written whole, then renamed)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)


def discover(paths: list[str | Path], skipped: list[FileReport] | None = None
             ) -> tuple[list[Path], list[FileReport]]:
    """The files under the given paths (folders recursively, hidden files skipped), each once.
    Files of other types inside folders go to `skipped` when a list is given."""
    files: list[Path] = []
    missing: list[FileReport] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if not candidate.is_file() or any(part.startswith(".")
                                                  for part in candidate.relative_to(path).parts):
                    continue
                if candidate.suffix.lower() in SUFFIXES:
                    add(candidate)
                elif skipped is not None and not _INDEX_FILE.search(candidate.name):
                    skipped.append(FileReport(str(candidate), "skipped", "discover",
                                              f"不支持的文件类型 (unsupported file type: "
                                              f"{candidate.suffix or 'no suffix'})"))
        elif path.is_file():
            add(path)
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
    recycle: bool = False  # the worker should be replaced (it ran out of memory)
    seconds: float | None = None
    prepared: Any = None  # the backend's rows for it, when the backend prepares in workers
    record_count: int = 0
    held: bool = False  # parsed; the worker writes it itself and reports it in a later `_Written`


@dataclass
class _Written:
    """A worker's message once it has written a batch of the files it parsed (committed,
    or each failed on its own): their reports (none when the index was busy and it wrote
    nothing)."""

    reports: list[FileReport]


class _Writing:
    """A worker's message before it writes: until its `_Written`, it is not parsing, so its
    time is not a file's, and if it dies then, no file it parses is to blame."""


# Set in each worker process: the memory allowance, for messages.
_WORKER_MEMORY_MB: int | None = None


def _memory_reason() -> str:
    limit = f"{_WORKER_MEMORY_MB} MB" if _WORKER_MEMORY_MB else "available memory"
    return f"超过单个文件的内存限制（{limit}） (exceeded the per-file memory limit of {limit})"


def parse_and_analyse(path: str, digest: str) -> _Parsed:
    """Worker: read, parse and tokenise one file. Never raises."""
    from analyzers.tokenizer import get_analyzer
    from indexer.parsers.document import parse_file
    from indexer.readers import UnreadableDocument

    try:
        document = parse_file(path)
    except UnreadableDocument as error:
        return _Parsed(path, stage="read" if error.reason != "not_a_disclosure" else "parse", reason=str(error))
    except MemoryError:
        return _Parsed(path, stage="parse", reason=_memory_reason(), recycle=True)
    except Exception as error:  # a parser bug is reported against its file, not raised
        return _Parsed(path, stage="parse", reason=f"解析失败 (parser error: {type(error).__name__}: {error})")
    try:
        indexed = indexed_document(document, path, digest)
        records = records_of(document, indexed.doc_id)
        analyzer = get_analyzer()
        for record in records:
            record.tokens = analyzer.index_text(record.text)
    except MemoryError:
        return _Parsed(path, stage="parse", reason=_memory_reason(), recycle=True)
    except Exception as error:
        return _Parsed(path, stage="parse", reason=f"分析失败 (analysis error: {type(error).__name__}: {error})")
    return _Parsed(path, indexed, records)


Analyse = Callable[[str, str], _Parsed]


def _analysed_and_prepared(analyse: Analyse, prepare: Callable[..., Any], path: str, digest: str) -> _Parsed:
    """Worker: analyse a file, then turn it into the backend's rows (SQLiteIndex.prepare), so
    the one writer only inserts and what crosses the pipe is plain strings and numbers."""
    parsed = analyse(path, digest)
    if parsed.document is None:
        return parsed
    try:
        parsed.prepared = prepare(parsed.document, parsed.records)
    except MemoryError:
        return _Parsed(path, stage="parse", reason=_memory_reason(), recycle=True)
    except Exception as error:
        return _Parsed(path, stage="write", reason=f"写入索引失败 (index write failed: {error})")
    parsed.record_count = len(parsed.records)
    parsed.records = []
    parsed.document = replace(parsed.document, parse_json={}, parse_bytes=None)  # it travels inside `prepared`
    return parsed


def ingest(paths: list[str | Path], backend: IndexBackend, *, rebuild: bool = False,
           workers: int | None = None, progress: bool = True, timeout: float | None = None,
           memory_mb: int | None = None, report_path: str | Path | None = None,
           analyse: Analyse = parse_and_analyse) -> IngestReport:
    """Index the files under `paths`. `workers` parser processes (default: all cores; 0 parses
    in this process, without limits — for debugging). `timeout` and `memory_mb` are the
    per-file limits (see the module docstring); `report_path` also writes the report as JSON."""
    limits = Limits.resolve(timeout, memory_mb)
    preloading: threading.Thread | None = None  # started at the first file there is to parse
    skipped: list[FileReport] = []
    files, report_missing = discover(paths, skipped)
    order = {str(path): number for number, path in enumerate(files)}
    report = IngestReport(files=list(report_missing), skipped=skipped, limits=limits)
    todo: list[tuple[str, str]] = []
    copies: dict[str, list[str]] = {}  # digest → the other paths with the same bytes
    first_of: dict[str, str] = {}
    for path in files:
        try:
            digest = content_hash(path)
        except OSError as error:
            report.files.append(FileReport(str(path), "failed", "read", f"无法读取 (cannot read: {error})"))
            continue
        if digest in first_of:
            copies.setdefault(digest, []).append(str(path))
            continue
        first_of[digest] = str(path)
        if not rebuild and backend.has_content(digest):
            report.files.append(FileReport(str(path), "unchanged", doc_id=digest[:16]))
            continue
        if preloading is None and (workers is None or workers > 0):
            preloading = _preload_in_background()
        todo.append((str(path), digest))
    digests = dict(todo)
    for digest, others in copies.items():
        if first_of[digest] not in digests:  # the first copy was unchanged
            report.files.extend(_duplicate(path, first_of[digest], FileReport(first_of[digest], "unchanged",
                                                                               doc_id=digest[:16]))
                                for path in others)
    if preloading is not None:
        preloading.join()  # before the workers fork: no thread may be running then
    bar = _progress(len(todo), progress)
    try:
        prepare = getattr(type(backend), "prepare", None)
        if prepare is not None:
            analyse = functools.partial(_analysed_and_prepared, analyse, prepare)
        written = 0
        for outcome in _outcomes(todo, backend, workers, limits, analyse):
            bar.update(1)
            written += outcome.status == "indexed"
            report.files.append(outcome)
            report.files.extend(_duplicate(path, outcome.path, outcome)
                                for path in copies.get(digests.get(outcome.path, ""), ()))
        if written:
            bar.set_postfix_str("合并全文索引…")
            _settle(backend, written)
    finally:
        bar.close()
    report.files.sort(key=lambda item: order.get(item.path, -1))
    if report_path is not None:
        report.write(report_path)
    return report


def _preload_in_background() -> threading.Thread:
    """Load what every worker needs — the parser, the jieba dictionary, the gazetteer — in
    this process while it hashes the rest of the files, so the workers fork with it loaded
    and share it, instead of each spending ~0.5 s loading its own. (A re-run that finds
    every file unchanged starts no worker, and loads none of it.)"""
    thread = threading.Thread(target=_preload, name="disclosure-preload", daemon=True)
    thread.start()
    return thread


def _preload() -> None:
    try:
        from analyzers.tokenizer import get_analyzer
        from indexer.parsers import document, regions  # noqa: F401 — the parser's modules

        get_analyzer()
        regions.load_gazetteer()
    except Exception:  # noqa: BLE001 — a worker meets the same error and reports it against a file
        pass


def _settle(backend: IndexBackend, written: int) -> None:
    """The backend's merge after writing. Every document is committed by then, so a merge
    that fails (a full disk) costs search speed, not data: it is reported, not raised."""
    try:
        backend.settle(written)
    except Exception as error:  # noqa: BLE001 — the index is complete and valid without it
        # Not retried by itself: the next ingest that writes documents merges again.
        print(f"警告：索引已完整写入，但合并全文索引失败（{error}），检索可能变慢 "
              f"(warning: the index is complete, but merging it failed: {error}; search may be slower)",
              file=sys.stderr)


def _duplicate(path: str, original: str, outcome: FileReport) -> FileReport:
    """A file with the same bytes as `original`: not indexed twice; it shares its outcome."""
    if outcome.status == "failed":
        return FileReport(path, "failed", outcome.stage, f"{outcome.reason}（与 {original} 内容相同）",
                          duplicate_of=original)
    return FileReport(path, "unchanged", reason=f"与 {original} 内容相同，不重复索引 (duplicate of {original})",
                      doc_id=outcome.doc_id, duplicate_of=original)


def _outcomes(todo: list[tuple[str, str]], backend: IndexBackend, workers: int | None, limits: Limits,
              analyse: Analyse) -> Iterator[FileReport]:
    """The report of every file of `todo`, once it is written or has failed.

    Where the backend can be written by several processes (`worker_writer`), each parser
    process writes its own batches, taking turns on the index's write lock: a writer of its
    own beside the parsers was a third process on the cores, and handing it each document
    cost pickling, unpickling and, through the switching, a tenth more CPU in the parsers
    (docs/benchmarks.md, "Ingest, sixth round"). Otherwise (Elasticsearch, or parsing in
    this process) this process writes what the workers parsed, in batches."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    opener = getattr(backend, "worker_writer", None)
    if opener is not None and workers > 0 and todo:
        writer = opener()
        backend.close()  # no open connection crosses a fork into the workers
        for item in _parsed_files(todo, workers, limits, analyse, writer):
            if isinstance(item, _Written):
                yield from item.reports
            elif not item.held:
                yield _report(item)
        return
    for batch in _batches(_parsed_files(todo, workers, limits, analyse)):
        yield from _write_batch(batch, backend)


def _parsed_files(todo: list[tuple[str, str]], workers: int | None, limits: Limits,
                  analyse: Analyse = parse_and_analyse,
                  writer: Callable[[], IndexBackend] | None = None) -> Iterator[_Parsed | _Written]:
    """Parsed files in the order they complete; with a `writer`, the workers write what they
    parse and their `_Written` reports come too."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers <= 0:
        for path, digest in todo:
            start = time.perf_counter()
            parsed = analyse(path, digest)
            parsed.seconds = round(time.perf_counter() - start, 3)
            yield parsed
        return
    if not todo:
        return
    pool = _Pool(min(workers, len(todo)), limits, analyse, writer)
    try:
        yield from pool.run(todo)
    finally:
        pool.close()


# ---------------------------------------------------------------- the worker pool


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers start in milliseconds and share what this process already loaded.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _worker_main(connection: Any, analyse: Analyse, memory_mb: int | None, parent: int,
                 writer: Callable[[], IndexBackend] | None = None) -> None:
    """A worker: take (path, digest), answer `_Parsed`, until the pipe closes.

    Without a `writer`, results (whole parsed documents) leave through a sender thread, so
    the next file is parsed while the main process is still busy writing the previous one.
    With a `writer`, the worker writes what it parses (`_WorkerBatch`) and its messages are
    small and sent at once, in order: each file is answered `held` before the next is
    started, `_Writing` before a write and `_Written` after it — so the main process always
    knows what a worker that dies was doing."""
    global _WORKER_MEMORY_MB
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _WORKER_MEMORY_MB = memory_mb
    _limit_memory(memory_mb)
    _tune_garbage_collector()
    if writer is None:
        outbox: queue.SimpleQueue = queue.SimpleQueue()
        sender = threading.Thread(target=_send_results, args=(connection, outbox), daemon=True)
        sender.start()
        post, batch = outbox.put, None
    else:
        post = functools.partial(_send_result, connection)
        batch = _WorkerBatch(writer, post)
    try:
        while True:
            try:
                if not connection.poll(0 if batch and batch.files else 1.0):
                    if batch and batch.files:  # nothing else to do: write now
                        batch.write(wait=True)
                        continue
                    if os.getppid() != parent:
                        return
                    continue
                task = connection.recv()
            except (EOFError, OSError):
                return
            if task is None:
                if batch:
                    batch.write(wait=True)
                return
            path, digest, *again = task
            if again and batch:  # parsed once by a worker that died writing: written alone, blamed alone
                batch.write(wait=True)
            result = _analysed(analyse, path, digest)
            recycle = result.recycle
            if batch and result.document is not None:
                batch.add(result)
                post(_Parsed(path, held=True, seconds=result.seconds))
                if again or batch.full():
                    batch.write(wait=bool(again) or batch.overfull())
            else:
                post(result)
            del result
            if recycle or (batch is None and not sender.is_alive()):
                return  # with a writer, a recycled result has ended this process already (_send_result)
    finally:
        if batch is None:
            outbox.put(None)
            sender.join()
        elif batch.backend is not None:
            batch.backend.close()


def _analysed(analyse: Analyse, path: str, digest: str) -> _Parsed:
    """`analyse` of one file, timed; whatever it raises becomes the file's failure."""
    start = time.perf_counter()
    try:
        result = analyse(path, digest)
    except MemoryError:
        result = _Parsed(path, stage="parse", reason=_memory_reason(), recycle=True)
    except BaseException as error:  # noqa: BLE001 — reported against the file
        result = _Parsed(path, stage="parse", reason=f"解析失败 (parser error: {type(error).__name__}: {error})")
    result.seconds = round(time.perf_counter() - start, 3)
    return result


class _WorkerBatch:
    """The files a worker parsed and has yet to write. A batch is written when it is full
    (`BATCH_FILES`, `BATCH_SECONDS`) and the index's write lock is free, or whatever the
    lock when it is twice full or the worker has nothing else to do: while the other worker
    writes, this one parses on rather than waits."""

    def __init__(self, writer: Callable[[], IndexBackend], post: Callable[[Any], None]) -> None:
        self.opener = writer
        self.backend: IndexBackend | None = None  # opened at the first write, in this process
        self.post = post
        self.files: list[_Parsed] = []
        self.started = 0.0
        self.size = max(1, _setting(None, BATCH_VARIABLE, int, BATCH_FILES))

    def add(self, parsed: _Parsed) -> None:
        if not self.files:
            self.started = time.monotonic()
        self.files.append(parsed)

    def full(self) -> bool:
        return len(self.files) >= self.size or time.monotonic() - self.started >= BATCH_SECONDS

    def overfull(self) -> bool:
        return len(self.files) >= 2 * self.size

    def write(self, wait: bool) -> None:
        """Write the batch and report it; `wait=False`: unless another worker is writing."""
        if not self.files:
            return
        if self.backend is None:
            self.backend = self.opener()
        self.post(_Writing())
        try:
            reports = _write_batch(self.files, self.backend, wait=wait)
        except WriterBusy:
            self.post(_Written([]))
            return  # the other worker is writing: parse on, try again after the next file
        self.files = []
        self.post(_Written(reports))


def _send_results(connection: Any, outbox: queue.SimpleQueue) -> None:
    """The sender thread: results in the order they were put, until None."""
    while (result := outbox.get()) is not None:
        _send_result(connection, result)


def _send_result(connection: Any, result: Any) -> None:
    """One message to the main process. A result that cannot travel is replaced by a
    failure naming why; out of memory once, this process is replaced."""
    path, recycle = getattr(result, "path", None), getattr(result, "recycle", False)
    try:
        connection.send(result)
    except (EOFError, OSError):
        os._exit(0)  # the main process is gone
    except MemoryError:
        result = None
        recycle = True
        connection.send(_Parsed(path, stage="parse", reason=_memory_reason(), recycle=True))
    except Exception as error:  # the result cannot be pickled
        connection.send(_Parsed(path, stage="parse", reason=f"结果无法传回 (result not transferable: {error})"))
    if recycle:  # out of memory once: this process is replaced
        connection.close()
        os._exit(0)


def _tune_garbage_collector() -> None:
    """Parsing allocates millions of small objects and frees them with the document, so the
    cyclic collector's default (a pass every 700 allocations) kept re-scanning what was
    loaded at start-up. That is frozen out of its sight and passes come less often: 5–7 %
    less CPU per file, the same peak memory within a few MB."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the main process dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001 — the poll loop's parent check still applies
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on this platform
        return
    allowance = memory_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + allowance
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's virtual size in bytes (0 where /proc is missing)."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class _Slot:
    process: Any
    connection: Any
    tasks: deque = field(default_factory=deque)  # sent, not answered; the first is being parsed
    started: float = 0.0  # when the first task started (as far as this process can tell)
    unwritten: dict = field(default_factory=dict)  # path → task: parsed, held by the worker to write
    writing: bool = False  # between the worker's _Writing and _Written


class _Pool:
    """Long-lived worker processes with a watchdog.

    Each worker holds up to `DEPTH` files: the one it parses and those after it, so it
    never waits for this process to send the next. The time limit of a file runs from when
    it was sent to an idle worker, or from when the file before it came back — never less
    than the limit. With a `writer`, workers also write what they parse: the files a worker
    parsed but has not yet written are parsed again elsewhere if it dies (a killed
    transaction leaves nothing in the index), at most `REPARSE` times each."""

    DEPTH = 16
    REPARSE = 2

    def __init__(self, size: int, limits: Limits, analyse: Analyse,
                 writer: Callable[[], IndexBackend] | None = None):
        self.size = size
        self.limits = limits
        self.analyse = analyse
        self.writer = writer
        self.context = _context()
        self.slots: list[_Slot] = []
        self.pending: deque = deque()
        self.broken = 0  # workers in a row that died before taking a file
        self.reparsed: dict[str, int] = {}  # path → times its worker died before writing it

    def _start(self) -> _Slot:
        mine, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, name="disclosure-ingest-worker", daemon=True,
                                       args=(theirs, self.analyse, self.limits.memory_mb, os.getpid(),
                                             self.writer))
        process.start()
        theirs.close()
        slot = _Slot(process, mine)
        self.slots.append(slot)
        return slot

    def _stop(self, slot: _Slot, kill: bool = False) -> None:
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.connection.close()
        if slot in self.slots:
            self.slots.remove(slot)

    def _replace(self, slot: _Slot, kill: bool) -> list[_Parsed]:
        """A new worker for this one. The files it held but had not started go back in line,
        and so do those it parsed but had not written; failures for those already parsed
        again too often."""
        self.pending.extendleft(reversed(slot.tasks))
        slot.tasks.clear()
        failures = self._requeue_unwritten(slot)
        self._stop(slot, kill=kill)
        self._start()
        return failures

    def _requeue_unwritten(self, slot: _Slot) -> list[_Parsed]:
        failures: list[_Parsed] = []
        for path, task in reversed(list(slot.unwritten.items())):
            self.reparsed[path] = self.reparsed.get(path, 0) + 1
            if self.reparsed[path] > self.REPARSE:
                failures.append(_Parsed(path, stage="write", reason=(
                    "写入索引时解析进程多次意外退出 (the worker died while writing this file, "
                    f"{self.REPARSE + 1} times)")))
            else:
                self.pending.appendleft((*task[:2], True))  # written alone next time
        slot.unwritten.clear()
        return failures

    def _fill(self) -> list[_Parsed]:
        """Send waiting files to workers with room: idle ones first, then one ahead each."""
        failures: list[_Parsed] = []
        for depth in range(1, self.DEPTH + 1):
            for slot in list(self.slots):
                if self.pending and len(slot.tasks) < depth and slot in self.slots:
                    failures.extend(self._send(slot))
        return failures

    def _send(self, slot: _Slot) -> list[_Parsed]:
        task = self.pending.popleft()
        try:
            slot.connection.send(task)
        except (OSError, EOFError, ValueError):  # the worker is gone
            self.pending.appendleft(task)
            if slot.tasks or slot.unwritten:  # it died holding files: they are reported, the worker replaced
                return self._collect(slot)
            self._replace(slot, kill=True)
            self.broken += 1
            if self.broken > 3:  # workers die before taking any file: give up on this one
                self.pending.popleft()
                return [_Parsed(task[0], stage="parse", reason="无法启动解析进程 (cannot start a worker process)")]
            return []
        self.broken = 0
        if not slot.tasks:
            slot.started = time.monotonic()
        slot.tasks.append(task)
        return []

    def run(self, todo: list[tuple[str, str]]) -> Iterator[_Parsed | _Written]:
        self.pending.extend(todo)
        while len(self.slots) < self.size:
            self._start()
        while True:
            done: list[_Parsed | _Written] = list(self._fill())
            busy = [slot for slot in self.slots if slot.tasks or slot.unwritten]
            if not busy:
                yield from done
                if self.pending:
                    continue
                return
            timeout = None
            parsing = [slot for slot in busy if slot.tasks]
            if self.limits.timeout and parsing:
                now = time.monotonic()
                timeout = max(0.0, min(slot.started + self.limits.timeout - now for slot in parsing))
            if done:
                timeout = 0.0
            ready = set(wait_for([s.connection for s in busy] + [s.process.sentinel for s in busy], timeout))
            for slot in busy:
                if slot.connection in ready or slot.process.sentinel in ready:
                    done.extend(self._collect(slot))
                elif (self.limits.timeout and slot.tasks and not slot.writing
                      and time.monotonic() - slot.started >= self.limits.timeout):
                    if slot.connection.poll():  # finished just in time
                        done.extend(self._collect(slot))
                    else:
                        path = slot.tasks.popleft()[0]
                        done.append(_Parsed(path, stage="parse", reason=_timeout_reason(self.limits.timeout),
                                            seconds=round(time.monotonic() - slot.started, 3)))
                        done.extend(self._replace(slot, kill=True))
            if done:
                done.extend(self._fill())
                yield from done

    def _collect(self, slot: _Slot) -> list[_Parsed | _Written]:
        """The slot's next message, or failures naming how its worker died (then replaced)."""
        path = slot.tasks[0][0] if slot.tasks else None
        try:
            if slot.connection.poll():
                result = slot.connection.recv()
                if isinstance(result, _Writing):
                    slot.writing = True
                    return []
                if isinstance(result, _Written):
                    slot.writing = False
                    slot.started = time.monotonic()  # the next file's time starts now, not before the write
                    for report in result.reports:
                        slot.unwritten.pop(report.path, None)
                    return [result]
                task = slot.tasks.popleft()
                slot.started = time.monotonic()
                if result.held:
                    slot.unwritten[result.path] = task
                if result.recycle:
                    return [result, *self._replace(slot, kill=False)]
                return [result]
        except (EOFError, OSError):
            pass
        except Exception as error:  # a result that cannot be unpickled
            if path is None:
                return self._replace(slot, kill=True)
            slot.tasks.popleft()
            return [_Parsed(path, stage="parse", reason=f"结果无法读取 (result unreadable: {error})"),
                    *self._replace(slot, kill=True)]
        seconds = round(time.monotonic() - slot.started, 3)
        slot.process.join(5)
        code = slot.process.exitcode
        if path is None or slot.writing:  # it died writing: what it held is parsed again
            return self._replace(slot, kill=True)
        slot.tasks.popleft()
        return [_Parsed(path, stage="parse", reason=_death_reason(code), seconds=seconds),
                *self._replace(slot, kill=True)]

    def close(self) -> None:
        for slot in list(self.slots):
            if slot.tasks or slot.unwritten:  # abandoned mid-file (an error or Ctrl-C in the caller)
                self._stop(slot, kill=True)
                continue
            try:
                slot.connection.send(None)
            except (OSError, EOFError, ValueError):
                pass
        for slot in list(self.slots):
            slot.process.join(2)
            self._stop(slot, kill=True)


def _timeout_reason(limit: float) -> str:
    return (f"超过单个文件的时间限制（{limit:g} 秒），解析已中止 "
            f"(exceeded the per-file time limit of {limit:g} s; the worker was stopped)")


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"被信号 {name} 终止" + ("，可能超出内存" if -code == signal.SIGKILL else "")
        english = f"killed by {name}"
    else:
        how, english = f"退出码 {code}", f"exit code {code}"
    return f"解析进程意外退出（{how}） (worker died: {english})"


# ---------------------------------------------------------------- writing and progress


# A batch is written in one transaction (see SQLiteIndex.batch): this many files, or what
# arrived within this many seconds, whichever comes first. A kill loses at most one batch,
# which a re-run indexes again.
BATCH_FILES = 32
BATCH_SECONDS = 1.0
BATCH_VARIABLE = "DISCLOSURE_INGEST_BATCH"  # files per batch, e.g. 1 for a commit per file


def _batches(parsed: Iterator[_Parsed]) -> Iterator[list[_Parsed]]:
    size = max(1, _setting(None, BATCH_VARIABLE, int, BATCH_FILES))
    batch: list[_Parsed] = []
    started = time.monotonic()
    for item in parsed:
        if not batch:
            started = time.monotonic()
        batch.append(item)
        if len(batch) >= size or time.monotonic() - started >= BATCH_SECONDS:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_batch(batch: list[_Parsed], backend: IndexBackend, wait: bool = True) -> list[FileReport]:
    """Reports for a batch, once it is committed. The batch is one transaction; when a file
    of it cannot be written, or the commit itself fails (a full disk), the batch is undone
    whole and its files are written one at a time, so each gets its own outcome.
    `wait=False`: WriterBusy, with nothing written, while another process writes."""
    order = getattr(backend, "write_order", None)
    if order is not None:
        batch = sorted(batch, key=lambda parsed: order(parsed.document.year if parsed.document else None))
    try:
        with backend.batch(wait=wait):
            for parsed in batch:
                if parsed.document is not None:
                    _store(parsed, backend)
    except WriterBusy:
        raise
    except Exception:
        return [_write(parsed, backend) for parsed in batch]
    return [_report(parsed) for parsed in batch]


def _write(parsed: _Parsed, backend: IndexBackend) -> FileReport:
    """One file written on its own (its own transaction), and its report."""
    if parsed.document is not None:
        try:
            _store(parsed, backend)
        except Exception as error:
            return FileReport(parsed.path, "failed", "write", f"写入索引失败 (index write failed: {error})",
                              seconds=parsed.seconds)
    return _report(parsed)


def _store(parsed: _Parsed, backend: IndexBackend) -> None:
    if parsed.prepared is not None:
        backend.add_prepared(parsed.prepared)
    else:
        backend.add_document(parsed.document, parsed.records)


def _report(parsed: _Parsed) -> FileReport:
    """The report of a file that was written, or failed before writing."""
    if parsed.document is None:
        return FileReport(parsed.path, "failed", parsed.stage, parsed.reason, seconds=parsed.seconds)
    return FileReport(parsed.path, "indexed", doc_id=parsed.document.doc_id,
                      records=parsed.record_count or len(parsed.records),
                      warnings=len(parsed.document.warnings), seconds=parsed.seconds)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: workers are forked from this process

    return Bar(total=total, unit="份", desc="索引", disable=not enabled or total == 0,
               file=sys.stderr, dynamic_ncols=True)
