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
        assert connection.execute("SELECT count(*) FROM record_keys").fetchone()[0] == records, "record_keys"
        assert fts_rows(connection) == records, "records_fts"
        # FTS5's own check: the full-text index matches the rows it was built from.
        connection.execute("INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1)")
        return records
    finally:
        connection.close()


def fts_rows(connection: sqlite3.Connection) -> int:
    """The rows of the full-text index: contentless, it cannot be scanned, but every row
    holds the `any` filter token."""
    return connection.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'any'").fetchone()[0]


def fts_terms(connection: sqlite3.Connection) -> int:
    """How many distinct (term, column) entries the full-text index holds, read from its own
    vocabulary: a row deleted with tokens other than those it was written with leaves its
    real ones behind here, where counting rows does not see them."""
    connection.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocabulary"
                       " USING fts5vocab(main, records_fts, col)")
    return connection.execute("SELECT count(*) FROM temp.fts_vocabulary").fetchone()[0]
