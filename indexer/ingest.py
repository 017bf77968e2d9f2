"""The ingest pipeline: files → parsed, analysed records (in worker processes) → one writer.

Every file gets a line in the report: indexed, unchanged (same bytes already indexed, or a
duplicate of another file in the same run), or failed with the stage and reason. One bad
file never stops the others, and each document is written whole or not at all (documents go
to the index in batches, one transaction each; a batch with a file that cannot be
written is undone and its files written one by one), so the index stays
valid if the process dies; a re-run finishes the job (unchanged files are skipped).
Parser processes also prepare the backend's rows (SQLiteIndex.prepare), so the writer only
inserts.

Workers are long-lived processes (each loads the jieba analyzer once) watched by the main
process, which also writes:

* a file that takes longer than the per-file time limit (`timeout`, default 120 s, or
  $DISCLOSURE_FILE_TIMEOUT) has its worker killed and replaced and is reported failed at
  stage "parse" with a reason naming the limit;
* each worker's address space may grow by at most `memory_mb` (default 1536 MB, or
  $DISCLOSURE_FILE_MEMORY_MB) beyond its size at start (RLIMIT_AS): a file that needs more
  gets a MemoryError, reported against it, and the worker is replaced;
* a worker that dies (segfault in a PDF library, killed by the kernel) is reported against
  the file it held and replaced.

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

from indexer.index.contract import IndexBackend
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
        todo.append((str(path), digest))
    digests = dict(todo)
    for digest, others in copies.items():
        if first_of[digest] not in digests:  # the first copy was unchanged
            report.files.extend(_duplicate(path, first_of[digest], FileReport(first_of[digest], "unchanged",
                                                                               doc_id=digest[:16]))
                                for path in others)
    bar = _progress(len(todo), progress)
    try:
        prepare = getattr(type(backend), "prepare", None)
        if prepare is not None:
            analyse = functools.partial(_analysed_and_prepared, analyse, prepare)
        written = 0
        for batch in _batches(_parsed_files(todo, workers, limits, analyse)):
            for parsed, outcome in zip(batch, _write_batch(batch, backend)):
                bar.update(1)
                written += outcome.status == "indexed"
                report.files.append(outcome)
                report.files.extend(_duplicate(path, parsed.path, outcome)
                                    for path in copies.get(digests.get(parsed.path, ""), ()))
        if written:
            bar.set_postfix_str("合并全文索引…")
            _settle(backend, written)
    finally:
        bar.close()
    report.files.sort(key=lambda item: order.get(item.path, -1))
    if report_path is not None:
        report.write(report_path)
    return report


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


def _parsed_files(todo: list[tuple[str, str]], workers: int | None, limits: Limits,
                  analyse: Analyse = parse_and_analyse) -> Iterator[_Parsed]:
    """Parsed files in the order they complete."""
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
    pool = _Pool(min(workers, len(todo)), limits, analyse)
    try:
        yield from pool.run(todo)
    finally:
        pool.close()


# ---------------------------------------------------------------- the worker pool


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers start in milliseconds and share what this process already loaded.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _worker_main(connection: Any, analyse: Analyse, memory_mb: int | None, parent: int) -> None:
    """A worker: take (path, digest), answer `_Parsed`, until the pipe closes.

    Results leave through a sender thread, so the next file is parsed while the main
    process is still busy writing the previous one (it reads the pipe between writes)."""
    global _WORKER_MEMORY_MB
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _WORKER_MEMORY_MB = memory_mb
    _limit_memory(memory_mb)
    _tune_garbage_collector()
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_results, args=(connection, outbox), daemon=True)
    sender.start()
    try:
        while True:
            try:
                if not connection.poll(1.0):
                    if os.getppid() != parent:
                        return
                    continue
                task = connection.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            path, digest = task
            start = time.perf_counter()
            try:
                result = analyse(path, digest)
            except MemoryError:
                result = _Parsed(path, stage="parse", reason=_memory_reason(), recycle=True)
            except BaseException as error:  # noqa: BLE001 — reported against the file
                result = _Parsed(path, stage="parse",
                                 reason=f"解析失败 (parser error: {type(error).__name__}: {error})")
            result.seconds = round(time.perf_counter() - start, 3)
            recycle = result.recycle
            outbox.put(result)
            del result
            if recycle or not sender.is_alive():
                return
    finally:
        outbox.put(None)
        sender.join()


def _send_results(connection: Any, outbox: queue.SimpleQueue) -> None:
    while True:
        result = outbox.get()
        if result is None:
            return
        path, recycle = result.path, result.recycle
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


class _Pool:
    """Long-lived worker processes with a watchdog.

    Each worker holds up to `DEPTH` files: the one it parses and those after it. The pool
    only sends files between the writer's batches, and a batch takes as long as a worker
    needs for several files: with two files a worker sat idle for most of every batch.
    The time limit of a file runs from when it was sent to an idle worker, or from when
    the file before it came back — never less than the limit."""

    DEPTH = 16

    def __init__(self, size: int, limits: Limits, analyse: Analyse):
        self.size = size
        self.limits = limits
        self.analyse = analyse
        self.context = _context()
        self.slots: list[_Slot] = []
        self.pending: deque = deque()
        self.broken = 0  # workers in a row that died before taking a file

    def _start(self) -> _Slot:
        mine, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, name="disclosure-ingest-worker", daemon=True,
                                       args=(theirs, self.analyse, self.limits.memory_mb, os.getpid()))
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

    def _replace(self, slot: _Slot, kill: bool) -> None:
        """A new worker for this one; the files it held but had not started go back in line."""
        self.pending.extendleft(reversed(slot.tasks))
        slot.tasks.clear()
        self._stop(slot, kill=kill)
        self._start()

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
            if slot.tasks:  # it died on the file it held: that file is reported, the worker replaced
                return [self._collect(slot)]
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

    def run(self, todo: list[tuple[str, str]]) -> Iterator[_Parsed]:
        self.pending.extend(todo)
        while len(self.slots) < self.size:
            self._start()
        while True:
            done = self._fill()  # before results are written: workers stay busy
            busy = [slot for slot in self.slots if slot.tasks]
            if not busy:
                yield from done
                if self.pending:
                    continue
                return
            timeout = None
            if self.limits.timeout:
                now = time.monotonic()
                timeout = max(0.0, min(slot.started + self.limits.timeout - now for slot in busy))
            if done:
                timeout = 0.0
            ready = set(wait_for([s.connection for s in busy] + [s.process.sentinel for s in busy], timeout))
            for slot in busy:
                if slot.connection in ready or slot.process.sentinel in ready:
                    done.append(self._collect(slot))
                elif self.limits.timeout and time.monotonic() - slot.started >= self.limits.timeout:
                    if slot.connection.poll():  # finished just in time
                        done.append(self._collect(slot))
                    else:
                        path = slot.tasks.popleft()[0]
                        done.append(_Parsed(path, stage="parse", reason=_timeout_reason(self.limits.timeout),
                                            seconds=round(time.monotonic() - slot.started, 3)))
                        self._replace(slot, kill=True)
            if done:
                done.extend(self._fill())
                yield from done

    def _collect(self, slot: _Slot) -> _Parsed:
        """The slot's next result, or a failure naming how its worker died (then replaced)."""
        path = slot.tasks[0][0]
        try:
            if slot.connection.poll():
                result = slot.connection.recv()
                slot.tasks.popleft()
                slot.started = time.monotonic()
                if result.recycle:
                    self._replace(slot, kill=False)
                return result
        except (EOFError, OSError):
            pass
        except Exception as error:  # a result that cannot be unpickled
            slot.tasks.popleft()
            self._replace(slot, kill=True)
            return _Parsed(path, stage="parse", reason=f"结果无法读取 (result unreadable: {error})")
        seconds = round(time.monotonic() - slot.started, 3)
        slot.tasks.popleft()
        slot.process.join(5)
        code = slot.process.exitcode
        self._replace(slot, kill=True)
        return _Parsed(path, stage="parse", reason=_death_reason(code), seconds=seconds)

    def close(self) -> None:
        for slot in list(self.slots):
            if slot.tasks:  # abandoned mid-file (an error or Ctrl-C in the caller)
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


def _write_batch(batch: list[_Parsed], backend: IndexBackend) -> list[FileReport]:
    """Reports for a batch, once it is committed. The batch is one transaction; when a file
    of it cannot be written, or the commit itself fails (a full disk), the batch is undone
    whole and its files are written one at a time, so each gets its own outcome."""
    try:
        with backend.batch():
            for parsed in batch:
                if parsed.document is not None:
                    _store(parsed, backend)
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
