"""How the embedded index is written and merged (issue 5/6, the ingest budget).

A new index file has 8 KiB pages; a rebuild writes a staging file beside the index and
swaps it in once complete and FTS5's incremental merging off; an ingest ends with
`settle`: a bulk load leaves the full-text index in one segment, a small incremental one
does a bounded merge and its documents are searchable at once, and a merge that fails is
reported while every document stays indexed.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.index.contract import SearchRequest, TextQuery
from indexer.index.sqlite import FTS_CRISISMERGE, PAGE_SIZE, SQLiteIndex, staged_rebuild
from indexer.ingest import ingest, parse_and_analyse
from tests.index_checks import assert_index_whole, fts_rows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DATONG = DATA / "2023-budget-datong-yungang-government-office.txt"


def _segments(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(DISTINCT segid) FROM records_fts_idx WHERE segid > 0").fetchone()[0]
    finally:
        connection.close()


def test_a_new_index_has_large_pages_no_automerge_and_no_copy_of_the_tokens(tmp_path):
    SQLiteIndex(tmp_path / "index.sqlite").close()
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    assert connection.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 8192
    config = dict(connection.execute("SELECT k, v FROM records_fts_config").fetchall())
    assert config["automerge"] == 0
    assert config["crisismerge"] == FTS_CRISISMERGE == 64
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert "records_fts_idx" in tables and "records_fts_content" not in tables  # contentless


def test_a_bulk_load_ends_in_one_segment(tmp_path, monkeypatch):
    """One commit per file would leave one segment per file (four here) — merging is off
    until 64 — so the single segment is the work of the final optimize."""
    monkeypatch.setenv("DISCLOSURE_INGEST_BATCH", "1")
    files = sorted(DATA.glob("*.txt"))
    assert len(files) >= 4
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    report = ingest(files, backend, workers=1, progress=False)
    backend.close()
    assert [f.status for f in report.files] == ["indexed"] * len(files)
    assert _segments(tmp_path / "index.sqlite") == 1
    assert_index_whole(tmp_path / "index.sqlite")


def test_a_small_incremental_ingest_is_searchable_at_once(tmp_path, monkeypatch):
    from bench.generate import generate

    monkeypatch.setenv("DISCLOSURE_INGEST_BATCH", "1")
    generate(12, 3, tmp_path / "docs")
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    ingest([tmp_path / "docs"], backend, workers=1, progress=False)
    assert _segments(tmp_path / "index.sqlite") == 1
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / DATONG.name).write_bytes(DATONG.read_bytes())
    report = ingest([tmp_path / "more"], backend, workers=1, progress=False)  # 1 of 13: below the share
    [added] = report.files
    assert added.status == "indexed"
    # The sample's 办公费 rows (line 281: 办公费 办公经费 14.55), read by hand from the document.
    unit = "大同市云冈区人民政府办公室"
    request = SearchRequest(text=TextQuery(required=(("办公费",),), highlight=("办公费",)), filters={"unit": [unit]})
    hits = backend.search(request).hits
    backend.close()
    assert hits and {hit.unit for hit in hits} == {unit}
    assert any(hit.name == "办公费" and hit.year == 2023 for hit in hits)
    assert _segments(tmp_path / "index.sqlite") == 2  # the old segment and the new: no full rewrite
    assert_index_whole(tmp_path / "index.sqlite")


class _FullDisk(SQLiteIndex):
    """The disk fills up just as the merge starts — after every document was committed."""

    def settle(self, written: int) -> None:
        raise sqlite3.OperationalError("database or disk is full")


def test_a_merge_that_fails_is_reported_and_loses_nothing(tmp_path, capsys):
    files = sorted(DATA.glob("*.txt"))
    backend = _FullDisk(tmp_path / "index.sqlite")
    report = ingest(files, backend, workers=1, progress=False)
    backend.close()
    assert [f.status for f in report.files] == ["indexed"] * len(files)
    error = capsys.readouterr().err
    assert "合并全文索引失败" in error and "database or disk is full" in error
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == len(files)
    records = sum(f.records for f in report.files)
    assert fts_rows(connection) == records
    connection.close()
    assert_index_whole(tmp_path / "index.sqlite")



def test_a_staged_rebuild_serves_the_old_index_until_it_is_swapped_in(tmp_path):
    target = tmp_path / "index.sqlite"
    old = SQLiteIndex(target)
    ingest([DATONG], old, workers=1, progress=False)
    old.close()
    files = sorted(DATA.glob("*.txt"))
    with staged_rebuild(target) as fresh:
        report = ingest(files, fresh, rebuild=True, workers=1, progress=False)
        reader = sqlite3.connect(f"file:{target}?mode=ro", uri=True)  # the old index, still serving
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        reader.close()
    assert [f.status for f in report.files] == ["indexed"] * len(files)
    assert not list(tmp_path.glob("*.rebuild*"))
    connection = sqlite3.connect(target)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == len(files)
    connection.close()
    assert _segments(target) == 1
    assert_index_whole(target)


def test_a_rebuild_that_fails_leaves_the_old_index_whole(tmp_path):
    target = tmp_path / "index.sqlite"
    old = SQLiteIndex(target)
    ingest([DATONG], old, workers=1, progress=False)
    old.close()
    before = target.read_bytes()
    try:
        with staged_rebuild(target) as fresh:
            ingest(sorted(DATA.glob("*.txt")), fresh, rebuild=True, workers=1, progress=False)
            raise KeyboardInterrupt  # the user stops it before the swap
    except KeyboardInterrupt:
        pass
    assert target.read_bytes() == before
    # The next rebuild starts its staging file over and completes.
    with staged_rebuild(target) as fresh:
        ingest([DATONG], fresh, rebuild=True, workers=1, progress=False)
    assert not list(tmp_path.glob("*.rebuild*"))
    assert_index_whole(target)


def test_a_staging_file_is_written_with_a_rollback_journal_and_served_through_the_wal(tmp_path):
    target = tmp_path / "index.sqlite"
    with staged_rebuild(target) as fresh:
        ingest([DATONG], fresh, rebuild=True, workers=0, progress=False)
        header = (tmp_path / "index.sqlite.rebuild").read_bytes()[:20]
        assert header[18] == header[19] == 1  # a rollback-journal file (2 would be a WAL file)
        assert not Path(f"{tmp_path / 'index.sqlite.rebuild'}-wal").exists()
    connection = sqlite3.connect(target)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]
    assert_index_whole(target)


_KILLED_MID_BATCH = """
import os, sys
from indexer.index.sqlite import staged_rebuild
from indexer.ingest import parse_and_analyse
from indexer.records import content_hash
path = sys.argv[2]
parsed = parse_and_analyse(path, content_hash(path))
with staged_rebuild(sys.argv[1]) as fresh:
    fresh.add_document(parsed.document, parsed.records)  # committed
    with fresh.batch():
        fresh.delete_document(parsed.document.doc_id)  # changes committed pages: they go to the journal
        os._exit(9)  # killed mid-batch: the journal is hot
"""


def test_a_rebuild_after_one_killed_mid_batch_starts_over_and_completes(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "index.sqlite"
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_BATCH, str(target), str(DATONG)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr[-2000:]
    journal = Path(f"{target}.rebuild-journal")
    assert journal.stat().st_size > 0
    with staged_rebuild(target) as fresh:  # starts over: the file and its journal go
        report = ingest(sorted(DATA.glob("*.txt")), fresh, rebuild=True, workers=0, progress=False)
    assert report.counts()["failed"] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]
    assert assert_index_whole(target) > 0


def test_a_batch_of_mixed_years_goes_into_one_full_text_segment(tmp_path):
    """FTS5 starts a new segment whenever a rowid comes below the one before, and the newest
    years have the lowest rowids: a batch is written in rowid order, so it makes one."""
    from bench.generate import generate
    from indexer.ingest import _analysed_and_prepared, _write_batch
    from indexer.records import content_hash

    generate(8, 3, tmp_path / "docs")
    files = sorted((tmp_path / "docs").glob("*.txt"))
    parsed = [_analysed_and_prepared(parse_and_analyse, SQLiteIndex.prepare, str(f), content_hash(f))
              for f in files]
    years = [p.document.year for p in parsed]
    assert years != sorted(years, reverse=True) and len(set(years)) >= 3  # mixed, not already in order
    backend = SQLiteIndex(tmp_path / "index.sqlite")
    reports = _write_batch(parsed, backend)
    backend.close()
    assert sorted(r.path for r in reports if r.status == "indexed") == [str(f) for f in files]
    assert _segments(tmp_path / "index.sqlite") == 1
    assert_index_whole(tmp_path / "index.sqlite")


def test_a_batch_that_will_not_wait_says_so_while_another_process_writes(tmp_path):
    """Ingest workers take turns on the write lock: `batch(wait=False)` raises WriterBusy at
    once (no 30 s busy wait) while another connection writes, and gets the lock after it."""
    import time

    from indexer.index.contract import WriterBusy

    writer, other = SQLiteIndex(tmp_path / "index.sqlite"), SQLiteIndex(tmp_path / "index.sqlite")
    with writer.batch():
        start = time.monotonic()
        try:
            with other.batch(wait=False):
                raise AssertionError("the lock is held: no batch may begin")
        except WriterBusy:
            pass
        assert time.monotonic() - start < 1.0
    with other.batch(wait=False):
        pass  # free now
    writer.close()
    other.close()
