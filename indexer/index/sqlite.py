"""The embedded default backend: one SQLite file with an FTS5 full-text table.

Text is pre-tokenised by the analyzer into two FTS5 columns — `precise` (jieba `cut`, for
phrases) and `recall` (`cut_for_search`, whose overlapping sub-words let 培训 find 培训费
but break phrase matching). Every query token is quoted, so nothing a user types is FTS5
syntax. Filters, amounts and facets are plain SQL on ordinary columns (never through FTS5:
unicode61 would split 13954.08 in two). WAL mode lets readers search while a writer
commits; each document is one transaction, so a crash leaves the index valid.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from indexer.index.contract import (
    MAX_LIMIT, MAX_OFFSET, Hit, IndexUnavailable, MetricValue, SearchRequest, SearchResult, TextQuery,
)
from indexer.index.snippets import snippet
from indexer.records import IndexedDocument, IndexRecord

SCHEMA_VERSION = 1
# Rank record types people look for (rows, forms, figures) above long prose.
TYPE_WEIGHTS = {"line_item": 1.4, "form": 1.4, "metric": 1.2, "self_evaluation": 1.2, "table": 1.0, "section": 0.8}
COLUMN_WEIGHTS = (2.0, 1.0)  # precise, recall

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, path TEXT NOT NULL,
    unit TEXT, year INTEGER, kind TEXT, scope TEXT, province TEXT, city TEXT, county TEXT, title TEXT,
    warnings TEXT NOT NULL, parse_json TEXT NOT NULL, record_count INTEGER NOT NULL, indexed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    record_type TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL, amount_fen INTEGER,
    table_kind TEXT, grp TEXT, is_subtotal INTEGER NOT NULL, code TEXT, metric_key TEXT,
    location TEXT NOT NULL, payload TEXT NOT NULL,
    unit TEXT, year INTEGER, kind TEXT, scope TEXT, province TEXT, city TEXT, county TEXT, title TEXT
);
CREATE INDEX IF NOT EXISTS records_doc ON records(doc_id);
CREATE INDEX IF NOT EXISTS records_amount ON records(amount_fen);
CREATE INDEX IF NOT EXISTS records_unit_year ON records(unit, year);
CREATE INDEX IF NOT EXISTS records_type ON records(record_type, table_kind);
CREATE INDEX IF NOT EXISTS records_metric ON records(metric_key);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    precise, recall, tokenize = "unicode61 remove_diacritics 0 tokenchars '.%'"
);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""

_FACET_COLUMNS = {"unit": "unit", "year": "year", "kind": "kind", "scope": "scope", "province": "province",
                  "city": "city", "county": "county", "record_type": "record_type", "table_kind": "table_kind"}
_EQUALITY_FILTERS = {"year": "year", "kind": "kind", "scope": "scope", "record_type": "record_type",
                     "table_kind": "table_kind", "doc_id": "doc_id", "province": "province",
                     "city": "city", "county": "county"}


def fts_quote(token: str) -> str:
    """A token as an FTS5 string literal: whatever it contains stays data."""
    return '"' + token.replace('"', '""') + '"'


def match_expression(text: TextQuery) -> str | None:
    """The FTS5 MATCH string for an analysed query, every token quoted."""
    parts: list[str] = []
    for group in text.required:
        alternatives = [fts_quote(t) for t in group if t]
        if alternatives:
            parts.append("{precise recall} : (" + " OR ".join(alternatives) + ")")
    for phrase in text.phrases:
        tokens = [t.replace('"', '""') for t in phrase if t]
        if tokens:
            parts.append('precise : "' + " ".join(tokens) + '"')
    if not parts:
        return None
    expression = " AND ".join(parts)
    excluded = [fts_quote(t) for group in text.excluded for t in group if t]
    if excluded:
        expression = f"({expression}) NOT {{precise recall}} : ({' OR '.join(excluded)})"
    return expression


class SQLiteIndex:
    """`IndexBackend` on one SQLite file."""

    def __init__(self, path: str | Path, analyzer: Any = None, readonly: bool = False):
        self.path = Path(path)
        self._analyzer = analyzer
        self._readonly = readonly
        self._local = threading.local()
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as connection:
                connection.executescript(_SCHEMA)

    # ------------------------------------------------------------------ connections

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._readonly and not self.path.exists():
                raise IndexUnavailable(f"索引文件不存在：{self.path}（请先运行 disclosure index）")
            uri = f"file:{self.path}?mode=ro" if self._readonly else f"file:{self.path}"
            try:
                connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None,
                                             check_same_thread=False)
                connection.row_factory = sqlite3.Row
                if not self._readonly:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("PRAGMA busy_timeout=30000")
            except sqlite3.DatabaseError as error:
                raise IndexUnavailable(f"无法打开索引 {self.path}：{error}") from error
            self._local.connection = connection
        return connection

    def connection_checkpoint(self) -> None:
        """Fold the WAL into the main file (before the file is moved or copied)."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from analyzers.tokenizer import get_analyzer

            self._analyzer = get_analyzer()
        return self._analyzer

    # ------------------------------------------------------------------ writing

    def add_document(self, document: IndexedDocument, records: list[IndexRecord]) -> None:
        rows = [self._record_row(document, r) for r in records]
        # Workers analyse records in parallel during ingest; anything else is analysed here.
        texts = [r.tokens or self.analyzer.index_text(r.text) for r in records]
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            for (old,) in connection.execute(
                    "SELECT doc_id FROM documents WHERE doc_id = ? OR path = ?",
                    (document.doc_id, document.path)).fetchall():
                self._delete(connection, old)
            connection.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (document.doc_id, document.content_hash, document.path, document.unit, document.year,
                 document.kind, document.scope, document.province, document.city, document.county,
                 document.title, json.dumps(document.warnings, ensure_ascii=False),
                 json.dumps(document.parse_json, ensure_ascii=False), len(records),
                 datetime.now(timezone.utc).isoformat(timespec="seconds")))
            for row, (precise, recall) in zip(rows, texts):
                cursor = connection.execute(
                    "INSERT INTO records (record_id, doc_id, record_type, name, text, amount_fen, table_kind,"
                    " grp, is_subtotal, code, metric_key, location, payload, unit, year, kind, scope,"
                    " province, city, county, title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
                connection.execute("INSERT INTO records_fts (rowid, precise, recall) VALUES (?,?,?)",
                                   (cursor.lastrowid, precise, recall))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @staticmethod
    def _record_row(document: IndexedDocument, record: IndexRecord) -> tuple:
        location = {k: v for k, v in vars(record.location).items() if v is not None}
        fen = None if record.amount_yuan is None else int((record.amount_yuan * 100).to_integral_value())
        return (record.record_id, record.doc_id, record.record_type, record.name, record.text, fen,
                record.table_kind, record.group, int(record.is_subtotal), record.code, record.metric_key,
                json.dumps(location, ensure_ascii=False), json.dumps(record.payload, ensure_ascii=False),
                document.unit, document.year, document.kind, document.scope, document.province,
                document.city, document.county, document.title)

    def delete_document(self, doc_id: str) -> bool:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            found = self._delete(connection, doc_id)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return found

    @staticmethod
    def _delete(connection: sqlite3.Connection, doc_id: str) -> bool:
        connection.execute("DELETE FROM records_fts WHERE rowid IN (SELECT rowid FROM records WHERE doc_id = ?)",
                           (doc_id,))
        connection.execute("DELETE FROM records WHERE doc_id = ?", (doc_id,))
        return connection.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    def has_content(self, content_hash: str) -> bool:
        return self._connection().execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)).fetchone() is not None

    # ------------------------------------------------------------------ reading

    def _where(self, request: SearchRequest) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for name, values in request.filters.items():
            values = [v for v in values if v not in (None, "")]
            if not values:
                continue
            if name == "unit":
                clauses.append("(" + " OR ".join("r.unit LIKE ? ESCAPE '\\'" for _ in values) + ")")
                params.extend(f"%{_like_escape(v)}%" for v in values)
            elif name == "region":
                ors = []
                for value in values:
                    ors.append("(r.province LIKE ? ESCAPE '\\' OR r.city LIKE ? ESCAPE '\\' OR r.county LIKE ? ESCAPE '\\')")
                    params.extend([f"{_like_escape(value)}%"] * 3)
                clauses.append("(" + " OR ".join(ors) + ")")
            elif name in _EQUALITY_FILTERS:
                column = _EQUALITY_FILTERS[name]
                clauses.append(f"r.{column} IN ({','.join('?' for _ in values)})")
                params.extend(int(v) if name == "year" else v for v in values)
        if request.min_amount is not None:
            clauses.append("r.amount_fen " + (">=" if request.min_inclusive else ">") + " ?")
            params.append(_fen(request.min_amount))
        if request.max_amount is not None:
            clauses.append("r.amount_fen " + ("<=" if request.max_inclusive else "<") + " ?")
            params.append(_fen(request.max_amount))
        if not request.include_subtotals:
            clauses.append("r.is_subtotal = 0")
        excluded = [fts_quote(t) for group in request.text.excluded for t in group if t]
        if request.text.is_empty and excluded:
            clauses.append("r.rowid NOT IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
            params.append("{precise recall} : (" + " OR ".join(excluded) + ")")
        return clauses, params

    def search(self, request: SearchRequest) -> SearchResult:
        limit = max(1, min(request.limit, MAX_LIMIT))
        offset = min(request.offset, MAX_OFFSET)
        match = match_expression(request.text)
        clauses, params = self._where(request)
        if match:
            source = "records_fts JOIN records r ON r.rowid = records_fts.rowid"
            clauses.insert(0, "records_fts MATCH ?")
            params.insert(0, match)
            weights = " ".join(f"WHEN '{t}' THEN {w}" for t, w in TYPE_WEIGHTS.items())
            score = f"bm25(records_fts, {COLUMN_WEIGHTS[0]}, {COLUMN_WEIGHTS[1]}) * (CASE r.record_type {weights} ELSE 1 END)"
        else:
            source, score = "records r", "0"
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        order = {
            "amount": "r.amount_fen IS NULL, r.amount_fen ASC, r.rowid",
            "-amount": "r.amount_fen IS NULL, r.amount_fen DESC, r.rowid",
            "year": "r.year IS NULL, r.year DESC, score, r.rowid",
        }.get(request.sort, "score, r.rowid" if match else "r.year DESC, r.rowid")
        connection = self._connection()
        try:
            total, facets = self._total_and_facets(connection, source, where, params,
                                                   [n for n in request.facets if n in _FACET_COLUMNS])
            rows = connection.execute(
                f"SELECT r.*, {score} AS score FROM {source}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset]).fetchall()
        except sqlite3.OperationalError as error:
            raise IndexUnavailable(f"检索失败：{error}") from error
        words = request.text.highlight
        return SearchResult(total=total, hits=[self._hit(row, words) for row in rows], facets=facets)

    @staticmethod
    def _total_and_facets(connection: sqlite3.Connection, source: str, where: str, params: list[Any],
                          names: list[str]) -> tuple[int, dict[str, dict[str, int]]]:
        """The match count and every facet in ONE pass over the matches: a GROUP BY over all
        facet columns together (their combinations are few), summed per field in Python.
        Eight separate GROUP BYs re-ran the full-text match eight times."""
        if not names:
            return connection.execute(f"SELECT count(*) FROM {source}{where}", params).fetchone()[0], {}
        columns = [f"r.{_FACET_COLUMNS[name]}" for name in names]
        rows = connection.execute(
            f"SELECT {', '.join(columns)}, count(*) FROM {source}{where} GROUP BY {', '.join(columns)}",
            params).fetchall()
        total = 0
        counts: dict[str, dict[Any, int]] = {name: {} for name in names}
        for row in rows:
            n = row[-1]
            total += n
            for position, name in enumerate(names):
                value = row[position]
                if value is not None:
                    counts[name][value] = counts[name].get(value, 0) + n
        facets = {}
        for name, values in counts.items():
            ranked = sorted(values.items(), key=lambda item: (-item[1], item[0]))[:100]
            facets[name] = {str(value): n for value, n in ranked}
        return total, facets

    @staticmethod
    def _hit(row: sqlite3.Row, words: tuple[str, ...]) -> Hit:
        fen = row["amount_fen"]
        return Hit(
            record_type=row["record_type"], record_id=row["record_id"], doc_id=row["doc_id"],
            unit=row["unit"], year=row["year"], kind=row["kind"], title=row["title"], name=row["name"],
            table_kind=row["table_kind"], group=row["grp"], is_subtotal=bool(row["is_subtotal"]),
            amount_yuan=None if fen is None else Decimal(fen) / 100,
            snippet=snippet(row["text"], words), location=json.loads(row["location"]),
            payload=json.loads(row["payload"]), score=float(row["score"] or 0),
        )

    def aggregate_metric(self, metric_key: str, filters: dict[str, list[str]] | None = None) -> list[MetricValue]:
        request = SearchRequest(filters={**(filters or {}), "record_type": ["metric"]}, facets=())
        clauses, params = self._where(request)
        clauses.append("r.metric_key = ?")
        params.append(metric_key)
        rows = self._connection().execute(
            "SELECT r.doc_id, r.unit, r.year, r.kind, r.payload, r.location FROM records r WHERE "
            + " AND ".join(clauses) + " ORDER BY r.year, r.unit, r.rowid", params).fetchall()
        values: dict[str, MetricValue] = {}
        for row in rows:
            location = json.loads(row["location"])
            current = values.get(row["doc_id"])
            # The table figure wins over a sentence figure of the same document.
            if current is None or ("table" in location and "table" not in current.location):
                value = json.loads(row["payload"])["value"]
                values[row["doc_id"]] = MetricValue(row["doc_id"], row["unit"], row["year"], row["kind"],
                                                    Decimal(str(value)), location)
        return list(values.values())

    def documents(self, filters: dict[str, list[str]] | None = None) -> list[IndexedDocument]:
        clauses, params = [], []
        for name in ("unit", "year", "kind", "province", "city", "county"):
            values = (filters or {}).get(name)
            if values:
                clauses.append(f"{name} IN ({','.join('?' for _ in values)})")
                params.extend(values)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._connection().execute(
            f"SELECT * FROM documents{where} ORDER BY indexed_at DESC, year DESC, unit", params).fetchall()
        return [self._document(row, with_parse=False) for row in rows]

    def document(self, doc_id: str) -> IndexedDocument | None:
        row = self._connection().execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return self._document(row, with_parse=True) if row else None

    @staticmethod
    def _document(row: sqlite3.Row, with_parse: bool) -> IndexedDocument:
        return IndexedDocument(
            doc_id=row["doc_id"], content_hash=row["content_hash"], path=row["path"], unit=row["unit"],
            year=row["year"], kind=row["kind"], scope=row["scope"], province=row["province"], city=row["city"],
            county=row["county"], title=row["title"], warnings=json.loads(row["warnings"]),
            parse_json=json.loads(row["parse_json"]) if with_parse else {}, indexed_at=row["indexed_at"],
        )

    def stats(self) -> dict[str, Any]:
        connection = self._connection()
        by_type = dict(connection.execute("SELECT record_type, count(*) FROM records GROUP BY record_type").fetchall())
        by_kind = dict(connection.execute("SELECT kind, count(*) FROM documents GROUP BY kind").fetchall())
        return {
            "documents": connection.execute("SELECT count(*) FROM documents").fetchone()[0],
            "records": sum(by_type.values()),
            "records_by_type": by_type,
            "documents_by_kind": {str(k): v for k, v in by_kind.items()},
            "units": [r[0] for r in connection.execute("SELECT DISTINCT unit FROM documents ORDER BY unit") if r[0]],
            "years": [r[0] for r in connection.execute("SELECT DISTINCT year FROM documents ORDER BY year") if r[0]],
        }


def _fen(yuan: Decimal) -> int:
    return int((Decimal(yuan) * 100).to_integral_value())


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

