"""Checks a test runs on an index file after bad things happened to it (a crash, a full
disk, a failed merge): the one place that knows what "the index is whole" means."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def assert_index_whole(path: Path) -> int:
    """SQLite's and FTS5's integrity checks pass and the three record tables hold the same
    rows. Returns the number of records."""
    connection = sqlite3.connect(path)  # read-write, as the next `disclosure index` opens it
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        records = connection.execute("SELECT count(*) FROM records").fetchone()[0]
        for table in ("record_keys", "records_fts"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == records, table
        # FTS5's own check: the full-text index matches the rows it was built from.
        connection.execute("INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1)")
        return records
    finally:
        connection.close()
