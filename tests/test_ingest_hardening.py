"""Ingest that survives anything (issue 6/6, part 1).

A folder mixing good disclosures with corrupt, truncated, encrypted, scanned, zero-byte,
huge, wrongly-encoded, duplicate and non-disclosure files goes through the real
`disclosure index`: every good file is indexed, every bad one is in the machine-readable
report with its stage and reason and in the printed summary, and the exit status says that
something failed. Then the per-file limits: a file that hangs, one that eats memory and one
that crashes its worker are each reported against their file while the others are indexed.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.index_checks import assert_index_whole, fts_rows
from tests.pdf_factory import (
    _items_of_text_extraction,
    make_corrupt_pdf,
    make_encrypted_pdf,
    make_garbled_pdf,
    make_pdf,
    make_scanned_pdf,
    make_zero_page_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DATONG = DATA / "2023-budget-datong-yungang-government-office.txt"
SANMENXIA = DATA / "2023-final-sanmenxia-government-office.txt"


def disclosure(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})


def huge_disclosure_pdf(path: Path) -> Path:
    """A real disclosure (the Datong sample drawn as a PDF) followed by 210 pages of prose:
    229 pages in all."""
    items = _items_of_text_extraction(DATONG.read_text(encoding="utf-8"))
    appendix = [[f"附件{n}：预算执行情况补充说明，第{n}页。" + "本页为说明文字。" * 20] for n in range(1, 211)]
    return make_pdf(path, [items, *appendix])


# What each bad file must be reported as: (stage, words of the reason).
BAD = {
    "zero-byte.txt": ("read", "空文件"),
    "truncated.pdf": ("read", "损坏"),
    "corrupt.pdf": ("read", "损坏"),
    "encrypted.pdf": ("read", "加密"),
    "scanned.pdf": ("read", "扫描件"),
    "no-pages.pdf": ("read", "没有页面"),
    "garbled-font.pdf": ("read", "无法解码"),
    "utf16.txt": ("read", "二进制"),
    "big5.txt": ("read", "编码"),
    "random-bytes.txt": ("read", "二进制"),
    "meeting-notes.txt": ("parse", "不是预算"),
    "empty-lines.md": ("read", "没有文字"),
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The mixed folder, indexed once by the real command; (folder, index, result, report)."""
    from bench.generate import generate

    folder = tmp_path_factory.mktemp("mixed")
    generate(4, 11, folder)  # d000000…d000003 (+ manifest.jsonl, not a disclosure type)
    # Good files in other encodings: GB18030 and UTF-8 with a byte-order mark.
    gb = folder / "d000001-gb18030.txt"
    first = sorted(folder.glob("d000001-*.txt"))[0]
    gb.write_bytes(first.read_text(encoding="utf-8").encode("gb18030"))
    first.unlink()
    second = sorted(folder.glob("d000002-*.txt"))[0]
    second.write_bytes(b"\xef\xbb\xbf" + second.read_bytes())
    sub = folder / "sub" / "deeper"
    sub.mkdir(parents=True)
    huge_disclosure_pdf(sub / "huge-229-pages.pdf")
    # A duplicate: the same bytes under another name (and in another folder).
    original = sorted(folder.glob("d000000-*.txt"))[0]
    (sub / "copy-of-d000000.txt").write_bytes(original.read_bytes())
    # The bad ones.
    (folder / "zero-byte.txt").write_bytes(b"")
    make_corrupt_pdf(folder / "truncated.pdf", keep=0.6)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    make_encrypted_pdf(folder / "encrypted.pdf")
    make_scanned_pdf(folder / "scanned.pdf")
    make_zero_page_pdf(folder / "no-pages.pdf")
    make_garbled_pdf(folder / "garbled-font.pdf")
    sample = SANMENXIA.read_text(encoding="utf-8")
    (folder / "utf16.txt").write_bytes(sample.encode("utf-16"))
    (folder / "big5.txt").write_bytes(sample.encode("big5", errors="replace"))
    (folder / "random-bytes.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "meeting-notes.txt").write_text("会议纪要\n今天讨论了食堂菜单和停车位。\n", encoding="utf-8")
    (folder / "empty-lines.md").write_text("\n \n\t\n", encoding="utf-8")
    # Not a supported type, and hidden: skipped, never parsed.
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / ".hidden.txt").write_bytes(b"")
    index = folder / "index.sqlite"
    result = disclosure("index", str(folder), "--index", str(index), "--json", "--workers", "2")
    report = json.loads(result.stdout) if result.stdout.strip() else None
    return folder, index, result, report


def by_name(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def test_every_good_file_is_indexed(mixed):
    folder, index, result, report = mixed
    assert report is not None, result.stderr
    files = by_name(report)
    good = [name for name in files if name.startswith("d00000") or name.startswith("huge")]
    assert len(good) == 5, sorted(files)
    for name in good:
        assert files[name]["status"] == "indexed", files[name]
        assert files[name]["records"] > 0 and files[name]["doc_id"]
    huge = files["huge-229-pages.pdf"]
    assert huge["records"] > 100 and huge["seconds"] is not None
    with sqlite3.connect(index) as connection:
        units = {row[0] for row in connection.execute("SELECT unit FROM documents")}
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    assert "大同市云冈区人民政府办公室" in units  # the huge PDF, read whole
    gb = files["d000001-gb18030.txt"]
    assert gb["warnings"] >= 1  # "文件编码为gb18030，已转换"


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_bad_file_is_reported_with_stage_and_reason(mixed, name):
    _, _, result, report = mixed
    entry = by_name(report)[name]
    stage, words = BAD[name]
    assert entry["status"] == "failed", entry
    assert entry["stage"] == stage and words in entry["reason"], entry
    assert "Traceback" not in entry["reason"]
    # and in the summary a person reads (the --json run prints no lines; see the next test)


def test_duplicates_are_recognised_and_not_indexed_twice(mixed):
    _, index, _, report = mixed
    files = by_name(report)
    copy = files["copy-of-d000000.txt"]
    original = next(f for name, f in files.items() if name.startswith("d000000-"))
    assert copy["status"] == "unchanged" and copy["duplicate_of"] == original["path"]
    assert copy["doc_id"] == original["doc_id"] and "duplicate" in copy["reason"]
    with sqlite3.connect(index) as connection:
        paths = [row[0] for row in connection.execute("SELECT path FROM documents WHERE doc_id = ?",
                                                      (original["doc_id"],))]
    assert paths == [original["path"]]


def test_report_is_complete_and_machine_readable(mixed):
    folder, _, result, report = mixed
    assert result.returncode == 1  # something failed
    names = set(by_name(report))
    assert "photo.png" not in names and ".hidden.txt" not in names
    skipped = {Path(s["path"]).name: s for s in report["skipped"]}
    assert set(skipped) == {"manifest.jsonl", "photo.png"}
    assert all(s["stage"] == "discover" and "unsupported" in s["reason"] for s in skipped.values())
    assert report["counts"] == {"indexed": 5, "unchanged": 1, "failed": len(BAD)}
    assert report["limits"] == {"timeout_seconds": 120.0, "memory_mb": 1536}
    for entry in report["files"]:
        assert set(entry) >= {"path", "status", "stage", "reason"}
        assert (entry["status"] == "failed") == (entry["stage"] is not None)
    assert "Traceback" not in result.stderr


def test_rerun_prints_the_summary_skips_what_is_done_and_still_fails(mixed):
    folder, index, _, _ = mixed
    again = disclosure("index", str(folder), "--index", str(index), "--quiet")
    assert again.returncode == 1
    lines = again.stdout.splitlines()
    for name in BAD:
        [line] = [line for line in lines if line.split()[1].endswith(name)]
        assert line.startswith("失败") and f"[{BAD[name][0]}]" in line and BAD[name][1] in line
    assert sum(line.startswith("未变化") for line in lines) == 6
    assert lines[-1].endswith(f"已索引 0，未变化 6，失败 {len(BAD)}")


def test_a_changed_file_replaces_its_old_version(tmp_path):
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    path = tmp_path / "unit.txt"
    text = SANMENXIA.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    first = ingest([tmp_path], backend, workers=1, progress=False)
    [old] = first.files
    assert old.status == "indexed"
    path.write_text(text.replace("2023年", "2023年 ", 1) + "\n补充说明：本文件已更正。\n", encoding="utf-8")
    second = ingest([tmp_path], backend, workers=1, progress=False)
    [new] = second.files
    assert new.status == "indexed" and new.doc_id != old.doc_id
    documents = backend.documents()
    assert [d.doc_id for d in documents] == [new.doc_id]
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    assert connection.execute("SELECT count(*) FROM records WHERE doc_id = ?", (old.doc_id,)).fetchone()[0] == 0
    assert connection.execute("SELECT count(*) FROM records").fetchone()[0] == new.records
    assert fts_rows(connection) == new.records
    third = ingest([tmp_path], backend, workers=1, progress=False)
    assert [f.status for f in third.files] == ["unchanged"]
    backend.close()


def test_a_file_that_cannot_be_written_fails_alone_and_leaves_nothing_behind(tmp_path, monkeypatch):
    """One batch of six files; the index refuses one of them half-way through its rows (a
    real SQLite trigger on its record keys, after its document and record rows went in).
    The batch is undone and written again file by file: that file is reported at stage
    "write" with the index's reason, the five others are indexed, and none of its rows —
    nor any of the first, undone attempt — is left in the index."""
    from bench.generate import generate
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest
    from indexer.records import content_hash

    monkeypatch.setenv("DISCLOSURE_INGEST_BATCH", "32")  # all six in one transaction
    folder = tmp_path / "docs"
    generate(6, 5, folder)
    files = sorted(folder.glob("*.txt"))
    refused = files[3]
    refused_id = content_hash(refused)[:16]
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    backend._connection().execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON record_keys WHEN (SELECT doc_id FROM records WHERE rowid = NEW.rowid) = "
        f"'{refused_id}' BEGIN SELECT RAISE(ABORT, '磁盘拒绝写入 (refused by the test)'); END")
    report = ingest([folder], backend, workers=2, progress=False)
    outcome = {Path(f.path).name: f for f in report.files}
    assert outcome[refused.name].status == "failed" and outcome[refused.name].stage == "write"
    assert "磁盘拒绝写入" in outcome[refused.name].reason
    assert sorted(name for name, f in outcome.items() if f.status == "indexed") == sorted(
        f.name for f in files if f != refused)
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    assert connection.execute("SELECT count(*) FROM documents WHERE doc_id = ?", (refused_id,)).fetchone()[0] == 0
    assert connection.execute("SELECT count(*) FROM records WHERE doc_id = ?", (refused_id,)).fetchone()[0] == 0
    connection.close()
    assert assert_index_whole(tmp_path / "index.sqlite") == sum(f.records for f in report.files if f.status == "indexed")
    backend.close()


def test_report_file_and_in_process_mode(tmp_path):
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_bytes(DATONG.read_bytes())
    (tmp_path / "docs" / "b.txt").write_bytes(DATONG.read_bytes())
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    target = tmp_path / "out" / "report.json"
    # The same folder given twice and a file inside it: each file is looked at once.
    report = ingest([tmp_path / "docs", tmp_path / "docs", tmp_path / "docs" / "a.txt"], backend, workers=0,
                    progress=False, report_path=target, timeout=30, memory_mb=0)
    backend.close()
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert [(Path(f["path"]).name, f["status"]) for f in written["files"]] == [
        ("a.txt", "indexed"), ("b.txt", "unchanged"), ("empty.txt", "failed")]
    assert written["files"][1]["duplicate_of"].endswith("a.txt")
    assert written["limits"] == {"timeout_seconds": 30.0, "memory_mb": None}
    assert not list(target.parent.glob("*.partial"))


def test_limits_come_from_arguments_then_environment(monkeypatch):
    from indexer.ingest import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Limits

    assert Limits.resolve() == Limits(DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB)
    monkeypatch.setenv("DISCLOSURE_FILE_TIMEOUT", "7.5")
    monkeypatch.setenv("DISCLOSURE_FILE_MEMORY_MB", "0")
    assert Limits.resolve() == Limits(7.5, None)
    assert Limits.resolve(timeout=3, memory_mb=100) == Limits(3.0, 100)
    monkeypatch.setenv("DISCLOSURE_FILE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="DISCLOSURE_FILE_TIMEOUT"):
        Limits.resolve()


# ---------------------------------------------------------------- per-file limits


def pathological(path: str, digest: str):
    """The real worker function, except for files whose names ask for trouble."""
    from indexer.ingest import parse_and_analyse

    name = Path(path).name
    if name.startswith("hang"):
        time.sleep(600)
    elif name.startswith("hog"):
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(100)]  # 6.4 GB, touched below
        blocks[0][0] = 1
    elif name.startswith("segfault"):
        import faulthandler

        faulthandler.disable()  # pytest's handler would print this deliberate crash
        os.kill(os.getpid(), signal.SIGSEGV)
    elif name.startswith("exit"):
        os._exit(3)
    elif name.startswith("raise"):
        raise KeyboardInterrupt  # even a BaseException stays with its file
    return parse_and_analyse(path, digest)


def test_hanging_hogging_and_crashing_files_fail_alone(tmp_path):
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    text = SANMENXIA.read_text(encoding="utf-8")
    # Bad files first, so every replaced worker goes on to parse good ones.
    for name in ("hang.txt", "hog.txt", "segfault.txt", "exit.txt", "raise.txt"):
        (folder / name).write_text(text + f"\n{name}\n", encoding="utf-8")
    for n in range(4):
        (folder / f"zz-good-{n}.txt").write_text(text + f"\n副本{n}\n", encoding="utf-8")
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    start = time.monotonic()
    report = ingest([folder], backend, workers=2, progress=False, timeout=4, memory_mb=400,
                    analyse=pathological)
    elapsed = time.monotonic() - start
    files = {Path(f.path).name: f for f in report.files}
    assert all(files[f"zz-good-{n}.txt"].status == "indexed" for n in range(4)), report.to_json()
    hang, hog, segfault, exited, raised = (files[n] for n in ("hang.txt", "hog.txt", "segfault.txt",
                                                               "exit.txt", "raise.txt"))
    assert hang.status == "failed" and hang.stage == "parse"
    assert "time limit of 4 s" in hang.reason and "时间限制" in hang.reason and hang.seconds >= 4
    assert hog.status == "failed" and hog.stage == "parse" and "memory limit of 400 MB" in hog.reason
    assert segfault.status == "failed" and "SIGSEGV" in segfault.reason and "worker died" in segfault.reason
    assert exited.status == "failed" and "exit code 3" in exited.reason
    assert raised.status == "failed" and "KeyboardInterrupt" in raised.reason
    assert elapsed < 60, elapsed  # the hanging file cost its limit, not its 600 s
    assert len(backend.documents()) == 4
    backend.close()
    assert not _workers_left(), "every worker is stopped when ingest returns"


def test_a_huge_real_pdf_over_the_time_limit_is_stopped(tmp_path):
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    pdf = huge_disclosure_pdf(tmp_path / "huge.pdf")
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    start = time.monotonic()
    report = ingest([pdf], backend, workers=1, progress=False, timeout=0.5)
    elapsed = time.monotonic() - start
    [entry] = report.files
    assert entry.status == "failed" and entry.stage == "parse" and "time limit of 0.5 s" in entry.reason
    assert elapsed < 15, elapsed
    assert backend.documents() == []
    backend.close()


def _workers_left() -> list[int]:
    """This process's children that are still ingest workers."""
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.name == "disclosure-ingest-worker"]


# ---------------------------------------------------------------- workers that write

def _copies(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir()
    text = SANMENXIA.read_text(encoding="utf-8")
    for name in names:
        (folder / name).write_text(text + f"\n{name}\n", encoding="utf-8")
    return [folder / name for name in names]


def test_files_a_dead_worker_parsed_but_had_not_written_are_indexed_by_the_next(tmp_path, monkeypatch):
    """Workers write their own batches. One worker parses five good files, holds them for
    its batch, then crashes on the sixth: the five are parsed again by its replacement and
    indexed once each; only the crashing file fails."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    monkeypatch.setenv("DISCLOSURE_INGEST_BATCH", "32")  # nothing is written before the crash
    _copies(tmp_path / "docs", [f"a-good-{n}.txt" for n in range(5)] + ["exit.txt"])
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    report = ingest([tmp_path / "docs"], backend, workers=1, progress=False, analyse=pathological)
    files = {Path(f.path).name: f for f in report.files}
    assert [files[f"a-good-{n}.txt"].status for n in range(5)] == ["indexed"] * 5, report.to_json()
    assert files["exit.txt"].status == "failed" and "exit code 3" in files["exit.txt"].reason
    assert len(backend.documents()) == 5
    backend.close()
    assert assert_index_whole(tmp_path / "index.sqlite") == 5 * files["a-good-0.txt"].records
    assert not _workers_left()


def _die_writing_poison(self, prepared):
    """SQLiteIndex.add_prepared, as a worker that the kernel kills while it writes one
    document would run it (forked workers inherit this process's patch)."""
    if prepared.path.endswith("poison.txt"):
        os._exit(7)
    return _ADD_PREPARED(self, prepared)


_ADD_PREPARED = None


def test_a_document_whose_write_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    """A worker dies while writing a batch (an out-of-memory kill, a crash in SQLite): no
    file it was parsing is blamed; its batch is parsed again and each file written on its
    own, so the one document whose write kills every worker fails at stage "write" after
    three tries, and every other file is indexed once."""
    global _ADD_PREPARED
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    _ADD_PREPARED = SQLiteIndex.add_prepared
    monkeypatch.setattr(SQLiteIndex, "add_prepared", _die_writing_poison)
    monkeypatch.setenv("DISCLOSURE_INGEST_BATCH", "4")
    _copies(tmp_path / "docs", [f"good-{n}.txt" for n in range(9)] + ["good-1-poison.txt"])  # sorts third
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    report = ingest([tmp_path / "docs"], backend, workers=2, progress=False)
    files = {Path(f.path).name: f for f in report.files}
    poison = files["good-1-poison.txt"]
    assert poison.status == "failed" and poison.stage == "write", report.to_json()
    assert "died while writing" in poison.reason
    assert all(files[f"good-{n}.txt"].status == "indexed" for n in range(9)), report.to_json()
    assert len(backend.documents()) == 9
    backend.close()
    assert assert_index_whole(tmp_path / "index.sqlite") == 9 * files["good-0.txt"].records
    assert not _workers_left()


def test_a_full_index_says_so_and_keeps_every_document_that_fit(tmp_path):
    """The index file reaches its size limit part-way (SQLite's max_page_count: a real
    SQLITE_FULL, as a full disk gives). SQLite undoes the transaction itself; the files
    that did not fit fail with its own words, not with an error of the undo, and the
    index holds exactly the documents reported indexed."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    _copies(tmp_path / "docs", [f"doc-{n}.txt" for n in range(6)])
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    connection = backend._connection()  # workers=0: this process writes, through this connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count={pages + 40}")  # room for a few documents
    report = ingest([tmp_path / "docs"], backend, workers=0, progress=False)
    failed = [f for f in report.files if f.status == "failed"]
    indexed = [f for f in report.files if f.status == "indexed"]
    assert failed and indexed, report.to_json()
    assert all(f.stage == "write" and "database or disk is full" in f.reason for f in failed), report.to_json()
    assert len(backend.documents()) == len(indexed)
    backend.close()
    assert assert_index_whole(tmp_path / "index.sqlite") == sum(f.records for f in indexed)


_PRELOAD_PROBE = """
import sys
from indexer.index.sqlite import SQLiteIndex
from indexer.ingest import _Parsed, ingest

def what_the_worker_found(path, digest):
    from analyzers import tokenizer
    from indexer.parsers import regions
    loaded = tokenizer._build.cache_info().currsize > 0 and regions._gazetteer.cache_info().currsize > 0
    return _Parsed(path, stage="parse", reason=f"loaded before the first file: {loaded}")

report = ingest([sys.argv[1]], SQLiteIndex(sys.argv[2]), workers=1, progress=False,
                analyse=what_the_worker_found)
print(report.files[0].reason)
"""


def test_workers_start_with_the_dictionary_and_gazetteer_loaded(tmp_path):
    """Ingest loads the jieba dictionary and the gazetteer once, before its workers fork,
    so each worker shares them instead of spending ~0.5 s loading its own. Run in a fresh
    interpreter: this one may have loaded both for earlier tests."""
    result = subprocess.run([sys.executable, "-c", _PRELOAD_PROBE, str(SANMENXIA), str(tmp_path / "i.sqlite")],
                            capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "loaded before the first file: True", result.stderr[-2000:]


_UNCHANGED_RERUN = """
import sys
from analyzers import tokenizer
from indexer.index.sqlite import SQLiteIndex
from indexer.ingest import ingest

report = ingest([sys.argv[1]], SQLiteIndex(sys.argv[2]), workers=1, progress=False)
print(report.counts()["unchanged"], tokenizer._build.cache_info().currsize)
"""


def test_a_rerun_with_nothing_to_parse_loads_no_dictionary(tmp_path):
    """The preload starts at the first file there is to parse: a re-run that finds every
    file unchanged loads neither the dictionary nor the gazetteer (~0.3 s of a 0.5 s run)."""
    index = str(tmp_path / "i.sqlite")
    for expected in ("0 1", "1 0"):  # first run: indexed, dictionary loaded; then unchanged, not loaded
        result = subprocess.run([sys.executable, "-c", _UNCHANGED_RERUN, str(SANMENXIA), index],
                                capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
        assert result.stdout.strip() == expected, result.stderr[-2000:]
