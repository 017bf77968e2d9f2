"""The embedded default backend: one SQLite file with an FTS5 full-text table.

Text is pre-tokenised by the analyzer into two FTS5 columns — `precise` (jieba `cut`, for
phrases) and `recall` (`cut_for_search`, whose overlapping sub-words let 培训 find 培训费
but break phrase matching) — and every filter value into a third, `facets`
(indexer/index/filter_tokens.py), so words and filters are intersected inside FTS5. Every
query token is quoted: nothing a user types is FTS5 syntax. WAL mode lets readers search
while a writer commits; a document is written whole or not at all (its own transaction,
or part of a batch's), so a crash leaves the index valid.

Bounded work. A search first counts its matches inside FTS5, stopping at `exact_limit`.
Below it, everything is exact: every match ranked, facets and total counted. Above it
(a word like 经费 or 合计 in thousands of documents), ranking and facets use a sample of
`sample_size` matches drawn evenly across the index (strata of equal record counts), the
total is estimated from how far each stratum's sample reached, and the result says so
(`total_exact`, `facets_sample`). Orders that users read as facts stay exact at any size:
by year (the rowid order, see `_rowid_base`) and by amount (walking amount buckets from the
largest down, stopping once the page is full).
"""
from __future__ import annotations

import bisect
import copy
import functools
import itertools
import os
import sqlite3
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, replace
from operator import add, itemgetter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import zstandard

from indexer import jsonio
from indexer.index import filter_tokens as ft
from indexer.index.contract import (
    MAX_LIMIT,
    MAX_OFFSET,
    TYPE_WEIGHTS,
    Hit,
    IndexUnavailable,
    MetricValue,
    WriterBusy,
    metric_order,
    SearchRequest,
    SearchResult,
    TextQuery,
)
from indexer.index.snippets import snippet
from indexer.query import typed_year
from indexer.records import IndexedDocument, IndexRecord

SCHEMA_VERSION = 3
# Write settings, measured on 9 000 benchmark documents (docs/benchmarks.md, "Ingest, third round"):
# 8 KiB pages held a record row and its neighbours with less B-tree overhead than 4 KiB
# (writer −12 %, file −8 %); FTS5's incremental merging, at its default of 4 segments a
# level, rewrote every posting several times as the index grew — with it off, a level
# merges at 64 segments (crisismerge) and a bulk load ends in one `optimize` (writer −16 %,
# and one segment to search).
PAGE_SIZE = 8192
FTS_CRISISMERGE = 64
OPTIMIZE_SHARE = 0.2  # an ingest that wrote this share of the documents merges the index whole
MERGE_PAGES = 4_000  # otherwise a bounded incremental merge: at most this many pages
# Relevance is BM25 with one occurrence of each word: records of the kinds people look for,
# and short (specific) records, first. FTS5's own bm25() first counts every row holding each
# term, the filter tokens among them — 27 ms for 经费 in 10 000 documents, 44 ms for a year —
# on every query, whatever the page; the length and the type come from record_keys.
BM25_K1, BM25_B = 1.2, 0.75
RESULT_CACHE_SIZE = 256
EXACT_LIMIT = 5_000
SAMPLE_SIZE = 2_000
BUSY_TIMEOUT_MS = 30_000  # how long a write waits for another process's transaction
STRATA = 8

# A record's rowid says where it sorts: newest year first, then document, then its place in
# the document. "Sort by year" is then the order FTS5 already returns matches in.
_RECORD_BITS = 18  # records per document < 262 144
_DOC_BITS = 26  # documents < 67 million
_YEAR_SHIFT = _RECORD_BITS + _DOC_BITS
MAX_RECORDS_PER_DOCUMENT = 1 << _RECORD_BITS

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_seq INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL, path TEXT NOT NULL,
    unit TEXT, year INTEGER, kind TEXT, scope TEXT, province TEXT, city TEXT, county TEXT, title TEXT,
    warnings TEXT NOT NULL, parse_json BLOB NOT NULL, record_count INTEGER NOT NULL, indexed_at TEXT NOT NULL,
    rowid_base INTEGER NOT NULL, token_count INTEGER NOT NULL,
    -- What its records gave the full-text index's text columns, compressed: a contentless
    -- index takes a row out only when told the row's exact tokens again. (The filter tokens
    -- are not kept: they are made again from this row and the records' columns.)
    fts_rows BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE INDEX IF NOT EXISTS documents_base ON documents(rowid_base);
-- A record's document facets (unit, year, title …) are its document's row: filters read
-- them as full-text tokens, a page of hits joins `documents` for them.
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY, record_type TEXT NOT NULL, table_kind TEXT, is_subtotal INTEGER NOT NULL,
    amount_fen INTEGER, doc_id TEXT NOT NULL, record_id TEXT NOT NULL, metric_key TEXT, code TEXT, grp TEXT,
    name TEXT NOT NULL, location TEXT NOT NULL, payload TEXT NOT NULL, text TEXT NOT NULL
);
-- What a search reads for every match (type weight, facets, amount check and sort): a narrow
-- copy of those columns. Read from `records`, whose rows hold whole texts, each match costs a
-- page of its own (~4 µs); here a page holds a hundred neighbouring records.
CREATE TABLE IF NOT EXISTS record_keys (
    rowid INTEGER PRIMARY KEY, record_type TEXT NOT NULL, table_kind TEXT, amount_fen INTEGER,
    length INTEGER NOT NULL
);
-- The analyzer's tokens are the index's: text arrives cut and space-joined, so FTS5's
-- `ascii` tokenizer (splits at ASCII spaces and punctuation only, folds ASCII case, which the
-- analyzer already did) keeps each one whole — and costs less than unicode61, which would
-- look every character up again. No column sizes (columnsize=0): relevance comes from
-- record_keys.length, never from FTS5's bm25(), and a size row per record was ~4 % of ingest.
-- Contentless (content=''): a search reads rowids only, and the records' texts are in
-- `records`; a copy of every token string was a third of the file (docs/benchmarks.md).
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    precise, recall, facets, content = '', columnsize = 0, tokenize = "ascii tokenchars '.%'"
);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""

_FACET_COLUMNS = {"unit": "unit", "year": "year", "kind": "kind", "scope": "scope", "province": "province",
                  "city": "city", "county": "county", "record_type": "record_type", "table_kind": "table_kind"}
_EXACT_FILTERS = ("year", "kind", "scope", "record_type", "table_kind", "doc_id", "province", "city", "county")
_DOCUMENT_FACETS = ("unit", "year", "kind", "scope", "province", "city", "county")


def fts_quote(token: str) -> str:
    """A token as an FTS5 string literal: whatever it contains stays data."""
    return '"' + token.replace('"', '""') + '"'


def text_expression(text: TextQuery) -> str | None:
    """The FTS5 expression of a query's words and phrases (filters come separately)."""
    parts: list[str] = []
    for group in text.required:
        alternatives = [fts_quote(t) for t in group if t]
        if alternatives:
            parts.append("{precise recall} : (" + " OR ".join(alternatives) + ")")
    for phrase in text.phrases:
        tokens = [t.replace('"', '""') for t in phrase if t]
        if tokens:
            parts.append('precise : "' + " ".join(tokens) + '"')
    return " AND ".join(parts) if parts else None


def _facets_any(tokens: list[str]) -> str:
    return "facets : (" + " OR ".join(fts_quote(t) for t in tokens) + ")"


@contextmanager
def _snapshot(connection: sqlite3.Connection) -> Iterator[None]:
    """Reads that must see one state of the index: a read transaction (WAL readers keep
    their snapshot while a writer commits), or the transaction already open."""
    if connection.in_transaction:
        yield
        return
    connection.execute("BEGIN")
    try:
        connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # the snapshot starts at a read
        yield
    finally:
        connection.execute("COMMIT")


def _rowid_base(year: int | None, doc_seq: int) -> int:
    """The first rowid of a document's records: year key (newest first), then sequence."""
    year_key = 255 if year is None else max(0, min(254, 2100 - year))
    return (year_key << _YEAR_SHIFT) | (doc_seq << _RECORD_BITS)


@dataclass
class _Plan:
    """A request as FTS5 sees it, plus the exact amount check done in SQL on candidates."""

    match: str
    amount_sql: str = ""  # " AND r.amount_fen >= ? ..." or ""
    amount_params: tuple = ()
    low_fen: int | None = None
    high_fen: int | None = None


@dataclass
class _Layout:
    """What a search needs to know of the index as a whole, read once per index change:
    filter vocabularies (to resolve 单位:财政局 to exact units) and record positions
    (to draw the sample evenly and to estimate totals from it)."""

    generation: int  # counts the index's write transactions: a cached result is of one generation
    vocabulary: dict[str, list[str]]
    bases: list[int]  # each document's first rowid, ascending
    before: list[int]  # records before each document (by rowid order)
    counts: list[int]
    average_length: float  # tokens per record
    # per document facet (_DOCUMENT_FACETS): each document's value as a code, and the values
    facet_codes: dict[str, tuple[Any, list[Any]]] = field(default_factory=dict)

    @classmethod
    def read(cls, connection: sqlite3.Connection, generation: int) -> "_Layout":
        import numpy as np

        vocabulary = {name: [r[0] for r in connection.execute(
            f"SELECT DISTINCT {name} FROM documents WHERE {name} IS NOT NULL")]
            for name in ("unit", "province", "city", "county")}
        rows = connection.execute(
            f"SELECT rowid_base, record_count, token_count, {', '.join(_DOCUMENT_FACETS)} FROM documents"
            " ORDER BY rowid_base").fetchall()
        before, running = [], 0
        for row in rows:
            before.append(running)
            running += row[1]
        layout = cls(generation, vocabulary, [r[0] for r in rows], before, [r[1] for r in rows],
                     sum(r[2] for r in rows) / max(1, running))
        for position, name in enumerate(_DOCUMENT_FACETS, start=3):
            values = sorted({row[position] for row in rows if row[position] is not None}, key=str)
            code = {value: number for number, value in enumerate(values)}
            layout.facet_codes[name] = (np.array([code.get(row[position], len(values)) for row in rows],
                                                 dtype=np.int64), values)
        layout._bases = np.array(layout.bases, dtype=np.int64)
        return layout

    def _documents_of(self, rowids: list[int]) -> Any:
        """Each record's document, as its position in `bases` (a numpy array)."""
        import numpy as np

        return np.searchsorted(self._bases, np.array(rowids, dtype=np.int64), side="right") - 1

    def document_counts(self, rowids: list[int], share: float) -> dict[str, dict[Any, float]]:
        """Per document facet, each value's number of matches among `rowids` × `share`."""
        import numpy as np

        if not rowids:
            return {name: {} for name in self.facet_codes}
        documents = self._documents_of(rowids)
        out: dict[str, dict[Any, float]] = {}
        for name, (codes, values) in self.facet_codes.items():
            counts = np.bincount(codes[documents], minlength=len(values) + 1)
            out[name] = {values[i]: float(n) * share for i, n in enumerate(counts[:len(values)]) if n}
        return out

    def document_facets(self, rowids: list[int], names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """Each record's document facets `names` (from `_DOCUMENT_FACETS`), found by its rowid
        in the layout rather than joining `documents` once per record."""
        if not rowids:
            return []
        documents = self._documents_of(rowids)
        columns = []
        for name in names:
            codes, values = self.facet_codes[name]
            present = [*values, None]  # the code len(values) stands for no value
            columns.append([present[code] for code in codes[documents].tolist()])
        return list(zip(*columns))

    @property
    def score_sql(self) -> str:
        """The relevance of record `r` (higher is better), as SQL."""
        weights = " ".join(f"WHEN '{t}' THEN {w}" for t, w in TYPE_WEIGHTS.items())
        return (f"(CASE r.record_type {weights} ELSE 1.0 END) * {BM25_K1 + 1} / "
                f"(1 + {BM25_K1} * ({1 - BM25_B} + {BM25_B} * r.length / {max(1.0, self.average_length)!r}))")

    @property
    def records(self) -> int:
        return (self.before[-1] + self.counts[-1]) if self.counts else 0

    def records_up_to(self, rowid: int) -> int:
        """How many records have a rowid <= `rowid`."""
        i = bisect.bisect_right(self.bases, rowid) - 1
        if i < 0:
            return 0
        return self.before[i] + min(rowid - self.bases[i] + 1, self.counts[i])

    def strata(self, n: int) -> list[tuple[int, int]]:
        """About `n` rowid ranges [low, high) holding about equal numbers of records."""
        total = self.records
        if total == 0:
            return [(0, 1 << 62)]
        cuts = {0, 1 << 62}
        for k in range(1, n):
            target = total * k // n
            i = bisect.bisect_right(self.before, target) - 1
            cuts.add(self.bases[i] + (target - self.before[i]))
        # Records cluster by year (the rowid's high bits): a stratum never spans two years, or a
        # year filter would see a stratum's density vary and the total estimate drift.
        cuts.update((base >> _YEAR_SHIFT) << _YEAR_SHIFT for base in self.bases)
        return list(itertools.pairwise(sorted(cuts)))


class SQLiteIndex:
    """`IndexBackend` on one SQLite file."""

    def __init__(self, path: str | Path, analyzer: Any = None, readonly: bool = False, *,
                 exact_limit: int = EXACT_LIMIT, sample_size: int = SAMPLE_SIZE, staging: bool = False):
        """`staging`: a file that nobody reads until it is complete and sealed (see
        `staged_rebuild`), written without the WAL and without syncs."""
        self.path = Path(path)
        self._analyzer = analyzer
        self._readonly = readonly
        self._staging = staging
        self._local = threading.local()
        self.exact_limit = exact_limit
        self.sample_size = sample_size
        # DISCLOSURE_SEARCH_CACHE=0 turns the result cache off (the benchmark's uncached rows).
        self._results: OrderedDict | None = (
            None if os.environ.get("DISCLOSURE_SEARCH_CACHE", "1") == "0" else OrderedDict())
        self._results_lock = threading.Lock()
        self._shared_layout: _Layout | None = None
        self._layout_lock = threading.Lock()
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as connection:
                new = connection.execute(
                    "SELECT 1 FROM sqlite_schema WHERE name = 'records_fts'").fetchone() is None
                connection.executescript(_SCHEMA)
                if new:
                    connection.execute("INSERT INTO records_fts(records_fts, rank) VALUES ('automerge', 0)")
                    connection.execute("INSERT INTO records_fts(records_fts, rank) VALUES ('crisismerge', ?)",
                                       (FTS_CRISISMERGE,))
        self._check_schema()

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
                    connection.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect on a new file only
                    # An optimize rewrites the whole full-text index in one transaction: the
                    # WAL (or journal) grows to its size, and is cut back to this afterwards.
                    connection.execute("PRAGMA journal_size_limit=67108864")
                    if self._staging:
                        _write_unshared(connection)
                    else:
                        connection.execute("PRAGMA journal_mode=WAL")
                        connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                # 16 MiB of pages per connection: a web worker holds one per thread, and the
                # operating system caches the file for all of them anyway.
                connection.execute("PRAGMA cache_size=-16384")
            except sqlite3.DatabaseError as error:
                raise IndexUnavailable(f"无法打开索引 {self.path}：{error}") from error
            self._local.connection = connection
        return connection

    def _check_schema(self) -> None:
        try:
            row = self._connection().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as error:
            raise IndexUnavailable(f"无法读取索引 {self.path}：{error}") from error
        if row is None or str(row[0]) != str(SCHEMA_VERSION):
            raise IndexUnavailable(
                f"索引 {self.path} 的格式（版本 {row[0] if row else '未知'}）与本程序（版本 {SCHEMA_VERSION}）不符："
                "请运行 disclosure index --rebuild 重建索引")

    def seal(self) -> None:
        """A staging file made ready to serve: the WAL mode readers and writers share, and
        every byte on disk (its writes were unsynced) before anyone may open it."""
        connection = self._connection()
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.close()
        with open(self.path, "rb") as handle:
            os.fsync(handle.fileno())
        self._staging = False

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
            self._local.layout = None

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from analyzers.tokenizer import get_analyzer

            self._analyzer = get_analyzer()
        return self._analyzer

    # ------------------------------------------------------------------ writing

    def add_document(self, document: IndexedDocument, records: list[IndexRecord]) -> None:
        if any(r.tokens is None for r in records):  # analysed here unless a worker did it
            for record in records:
                record.tokens = record.tokens or self.analyzer.index_text(record.text)
        self.add_prepared(self.prepare(document, records))

    @staticmethod
    def prepare(document: IndexedDocument, records: list[IndexRecord]) -> PreparedDocument:
        """Everything a document's rows hold but their rowids, from analysed records. Ingest
        runs this in its parser processes, so the one writer only inserts."""
        if len(records) >= MAX_RECORDS_PER_DOCUMENT:
            raise ValueError(f"文档记录过多（{len(records)} 条，上限 {MAX_RECORDS_PER_DOCUMENT - 1}）")
        analysed = [r.tokens or ("", "") for r in records]
        lengths = [precise.count(" ") + 1 if precise else 0 for precise, _ in analysed]
        document_tokens = _document_tokens(document.doc_id, document.facets)
        fens = [_record_fen(r) for r in records]
        texts = [(precise, recall, _record_tokens(document_tokens, r.record_type, r.table_kind, r.metric_key,
                                                  r.is_subtotal, fen))
                 for r, fen, (precise, recall) in zip(records, fens, analysed)]
        d = document
        return PreparedDocument(
            doc_id=d.doc_id, path=d.path, year=d.year,
            document=(d.doc_id, d.content_hash, d.path, d.unit, d.year, d.kind, d.scope, d.province, d.city,
                      d.county, d.title, jsonio.dumps(d.warnings),
                      _pack(d.parse_encoded()),
                      len(records), sum(lengths)),
            records=[_record_row(r, fen) for r, fen in zip(records, fens)],
            keys=[(r.record_type, r.table_kind, fen, length) for r, fen, length in zip(records, fens, lengths)],
            texts=texts,
            fts_rows=_pack(jsonio.dumps_bytes(analysed)),
        )

    def add_prepared(self, prepared: PreparedDocument) -> None:
        """Write a prepared document, replacing any with its doc_id or path."""
        with self._transaction() as connection:
            for (old,) in connection.execute(
                    "SELECT doc_id FROM documents WHERE doc_id = ? OR path = ?",
                    (prepared.doc_id, prepared.path)).fetchall():
                self._delete(connection, old)
            _next_generation(connection)
            seq = connection.execute("SELECT coalesce(max(doc_seq), 0) + 1 FROM documents").fetchone()[0]
            base = _rowid_base(prepared.year, seq)
            connection.execute(
                "INSERT INTO documents (doc_id, content_hash, path, unit, year, kind, scope, province, city,"
                " county, title, warnings, parse_json, record_count, token_count, doc_seq, indexed_at, rowid_base,"
                " fts_rows) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*prepared.document, seq, datetime.now(UTC).isoformat(timespec="seconds"), base,
                 prepared.fts_rows))
            connection.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                   _with_rowids(base, prepared.records))
            connection.executemany("INSERT INTO record_keys VALUES (?,?,?,?,?)", _with_rowids(base, prepared.keys))
            connection.executemany("INSERT INTO records_fts (rowid, precise, recall, facets) VALUES (?,?,?,?)",
                                   _with_rowids(base, prepared.texts))

    def settle(self, written: int) -> None:
        """After an ingest that wrote `written` documents: merge the full-text index whole
        when they are a good share of it (a bulk load: one segment, the fastest to search),
        else do a bounded part of the merging that incremental writes leave."""
        if written <= 0:
            return
        total = self._connection().execute("SELECT count(*) FROM documents").fetchone()[0]
        with self._transaction() as connection:
            if written >= OPTIMIZE_SHARE * total:
                connection.execute("INSERT INTO records_fts(records_fts) VALUES ('optimize')")
            else:
                connection.execute("INSERT INTO records_fts(records_fts, rank) VALUES ('merge', ?)", (MERGE_PAGES,))
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def delete_document(self, doc_id: str) -> bool:
        with self._transaction() as connection:
            return self._delete(connection, doc_id)

    @staticmethod
    def write_order(year: int | None) -> int:
        """Where a document of this year goes among a batch's: in rowid order. FTS5 flushes
        its pending terms into a new segment whenever a rowid comes below the one before
        (newest years have the lowest rowids), so a batch of mixed years made a segment per
        turn of year — and the merges after them. In order: one segment a batch, and the
        B-trees take their rows in order too (writer −18 %, docs/benchmarks.md)."""
        return _rowid_base(year, 0)

    def worker_writer(self) -> Callable[[], SQLiteIndex]:
        """How a parser process opens this index for its own writes (ingest: workers write
        their batches themselves, taking turns on SQLite's write lock)."""
        return functools.partial(SQLiteIndex, self.path, staging=self._staging)

    @contextmanager
    def batch(self, wait: bool = True) -> Iterator[None]:
        """Write several documents in one transaction, all or nothing. FTS5 turns every
        commit — and every savepoint — into a new index segment that later merges rewrite,
        so a commit or a savepoint per document made the writer the slowest stage of
        ingest. An error inside rolls the whole batch back and propagates: the caller
        writes its documents again one at a time (indexer/ingest.py), so one document that
        cannot be written fails alone, and a crash loses the uncommitted batch, never part
        of a document."""
        connection = self._connection()
        if getattr(self._local, "batch", False):
            yield
            return
        if wait:
            connection.execute("BEGIN IMMEDIATE")
        else:
            _begin_unless_busy(connection)
        self._local.batch = True
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            _roll_back(connection)
            raise
        finally:
            self._local.batch = False

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One document's writes: its own transaction, or part of the batch's."""
        connection = self._connection()
        if getattr(self._local, "batch", False):
            yield connection
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            _roll_back(connection)
            raise

    @staticmethod
    def _delete(connection: sqlite3.Connection, doc_id: str) -> bool:
        row = connection.execute(
            f"SELECT rowid_base, fts_rows, {', '.join(_DOCUMENT_FACETS)} FROM documents WHERE doc_id = ?",
            (doc_id,)).fetchone()
        if row is None:
            return False
        _next_generation(connection)
        base, fts_rows, *facet_values = row
        span = (base, base + MAX_RECORDS_PER_DOCUMENT)
        document_tokens = _document_tokens(doc_id, dict(zip(_DOCUMENT_FACETS, facet_values)))
        keys = connection.execute(
            "SELECT record_type, table_kind, metric_key, is_subtotal, amount_fen FROM records"
            " WHERE rowid >= ? AND rowid < ? ORDER BY rowid", span).fetchall()
        texts = jsonio.loads(_unpack(fts_rows))
        connection.executemany(
            "INSERT INTO records_fts (records_fts, rowid, precise, recall, facets) VALUES ('delete', ?, ?, ?, ?)",
            ((base + i, text[0], text[1], text[2] if len(text) > 2 else _record_tokens(document_tokens, *key))
             for i, (text, key) in enumerate(zip(texts, keys, strict=True))))
        connection.execute("DELETE FROM records WHERE rowid >= ? AND rowid < ?", span)
        connection.execute("DELETE FROM record_keys WHERE rowid >= ? AND rowid < ?", span)
        connection.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        return True

    def generation(self) -> int:
        """A number that changes whenever the index is written (for caches of what it holds)."""
        return self._layout(self._connection()).generation

    def has_content(self, content_hash: str) -> bool:
        return self._connection().execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)).fetchone() is not None

    # ------------------------------------------------------------------ the index as a whole

    def _layout(self, connection: sqlite3.Connection) -> _Layout:
        # data_version changes when another connection commits; total_changes when this one does.
        version = (connection.execute("PRAGMA data_version").fetchone()[0], connection.total_changes)
        cached = getattr(self._local, "layout", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        # Shared by the threads of a process (a web worker has eight): reading it means
        # reading every document's row, and each thread doing so stalled the first requests.
        generation = int(connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        with self._layout_lock:
            layout = self._shared_layout
            if layout is None or layout.generation != generation:
                layout = self._shared_layout = _Layout.read(connection, generation)
        self._local.layout = (version, layout)
        return layout

    # ------------------------------------------------------------------ planning

    @staticmethod
    def _plan(layout: _Layout, request: SearchRequest, extra_tokens: tuple[str, ...] = ()) -> _Plan | None:
        """The request as one FTS5 expression (None: a filter value matches nothing)."""
        parts: list[str] = []
        text = text_expression(request.text)
        if text:
            parts.append(f"({text})")
        for name, values in sorted(request.filters.items()):
            values = [v for v in values if v not in (None, "")]
            if not values:
                continue
            tokens = _filter_tokens(layout, name, values)
            if tokens is None:
                continue
            if not tokens:
                return None
            parts.append(_facets_any(tokens))
        parts.extend(f"facets : {fts_quote(t)}" for t in extra_tokens)
        plan = _Plan(match="")
        clauses, params = [], []
        if request.min_amount is not None:
            clauses.append("r.amount_fen " + (">=" if request.min_inclusive else ">") + " ?")
            params.append(_fen(request.min_amount))
            plan.low_fen = int((Decimal(request.min_amount) * 100).to_integral_value(rounding="ROUND_FLOOR"))
        if request.max_amount is not None:
            clauses.append("r.amount_fen " + ("<=" if request.max_inclusive else "<") + " ?")
            params.append(_fen(request.max_amount))
            plan.high_fen = int((Decimal(request.max_amount) * 100).to_integral_value(rounding="ROUND_CEILING"))
        if clauses:
            if plan.low_fen is not None and plan.high_fen is not None and plan.low_fen > plan.high_fen:
                return None
            plan.amount_sql = " AND " + " AND ".join(clauses)
            plan.amount_params = tuple(params)
            parts.append(_facets_any(ft.range_cover(plan.low_fen, plan.high_fen)))
        if not parts:
            parts.append(f"facets : {fts_quote(ft.ANY)}")
        negatives = [f"{{precise recall}} : ({' OR '.join(fts_quote(t) for g in request.text.excluded for t in g if t)})"] \
            if any(t for g in request.text.excluded for t in g) else []
        if not request.include_subtotals:
            negatives.append(f"facets : {fts_quote(ft.SUBTOTAL)}")
        plan.match = " AND ".join(parts)
        if negatives:
            plan.match = f"({plan.match}) NOT ({' OR '.join(negatives)})"
        return plan

    # ------------------------------------------------------------------ searching

    def search(self, request: SearchRequest) -> SearchResult:
        """One page of results. Identical requests against an unchanged index are answered
        from a small per-process cache (as Elasticsearch's request cache does): popular
        searches repeat, and a result is a few kilobytes."""
        connection = self._connection()
        try:
            layout = self._layout(connection)
            key = (_request_key(request), layout.generation)
            cached = self._cached_result(key)
            if cached is not None:
                return cached
            result = self._search(connection, layout, request)
        except sqlite3.OperationalError as error:
            raise IndexUnavailable(f"检索失败：{error}") from error
        if self._results is not None:
            with self._results_lock:
                self._results[key] = _copy_result(result)
                while len(self._results) > RESULT_CACHE_SIZE:
                    self._results.popitem(last=False)
        return result

    def _cached_result(self, key: tuple) -> SearchResult | None:
        if self._results is None:
            return None
        with self._results_lock:
            cached = self._results.get(key)
            if cached is None:
                return None
            self._results.move_to_end(key)
        return _copy_result(cached)

    def _search(self, connection: sqlite3.Connection, layout: _Layout, request: SearchRequest) -> SearchResult:
        limit = max(1, min(request.limit, MAX_LIMIT))
        offset = max(0, min(request.offset, MAX_OFFSET))
        names = [n for n in request.facets if n in _FACET_COLUMNS]
        plan = self._plan(layout, request)
        if plan is None:
            return SearchResult(total=0, hits=[], facets={n: {} for n in names})
        matches = connection.execute(
            "SELECT count(*) FROM (SELECT rowid FROM records_fts WHERE records_fts MATCH ? LIMIT ?)",
            (plan.match, self.exact_limit + 1)).fetchone()[0]
        exact = matches <= self.exact_limit
        if exact:
            candidates, total = self._candidates(connection, plan, layout, [(0, 1 << 62)], self.exact_limit)
        else:
            strata = layout.strata(STRATA)
            candidates, total = self._candidates(connection, plan, layout, strata,
                                                 max(1, self.sample_size // len(strata)))
        share = total / len(candidates) if candidates else 0
        facets = _facet_counts([(c[0], c[2], c[3]) for c in candidates], names, layout, share)
        has_words = bool(request.text.required or request.text.phrases)
        if request.sort in ("amount", "-amount"):
            page = (_amount_order(candidates, request.sort == "-amount")[offset:offset + limit] if exact
                    else self._amount_page(connection, plan, request.sort == "-amount", offset, limit))
        elif request.sort == "year" or not has_words:
            page = (sorted(candidates, key=lambda c: (c[0] >> _YEAR_SHIFT, -c[1], c[0]))[offset:offset + limit]
                    if exact else self._rowid_page(connection, plan, offset, limit))
        else:
            page = sorted(candidates, key=lambda c: (-c[1], c[0]))[offset:offset + limit]
        scores = {c[0]: c[1] for c in page if len(c) > 1} if has_words else {}
        hits = self._hits_by_rowid(connection, [c[0] for c in page], request.text.highlight, scores)
        return SearchResult(total=total, hits=hits, facets=facets, total_exact=exact,
                            facets_sample=None if exact else len(candidates))

    def _candidates(self, connection: sqlite3.Connection, plan: _Plan, layout: _Layout,
                    strata: list[tuple[int, int]], per_stratum: int) -> tuple[list[tuple], int]:
        """Matches as (rowid, score, record type, table kind, amount) — up to `per_stratum`
        from each rowid range, and more from the ranges that still have some when others ran
        dry (a year filter empties most ranges) — and the number of matches, estimated from
        how far into its range each stratum's share reached (exact where every range ran out)."""
        amount_check = plan.amount_sql[len(" AND "):] if plan.amount_sql else "1"
        sql = (f"SELECT m.id, {layout.score_sql}, r.record_type, r.table_kind, r.amount_fen, ({amount_check}) "
               "FROM (SELECT rowid AS id FROM records_fts WHERE records_fts MATCH ? AND rowid >= ? AND rowid < ? "
               "ORDER BY rowid LIMIT ?) m JOIN record_keys r ON r.rowid = m.id")
        candidates: list[tuple] = []
        # per stratum: [start of what is left to read, matches passing so far, exhausted]
        state = {stratum: [stratum[0], 0, False] for stratum in strata}
        wanted, limit = per_stratum * len(strata), per_stratum
        while True:
            for (low, high), left in state.items():
                if left[2]:
                    continue
                rows = connection.execute(sql, (*plan.amount_params, plan.match, left[0], high, limit)).fetchall()
                passing = [row[:5] for row in rows if row[5]]
                candidates.extend(passing)
                left[1] += len(passing)
                left[2] = len(rows) < limit
                if rows:
                    left[0] = rows[-1][0] + 1
            open_strata = [left for left in state.values() if not left[2]]
            if not open_strata or len(candidates) >= wanted // 2:
                break
            limit = max(1, (wanted - len(candidates)) // len(open_strata))
        estimate = 0.0
        for (low, high), (next_start, passing, exhausted) in state.items():
            if exhausted:
                estimate += passing
            elif passing:
                scanned = layout.records_up_to(next_start - 1) - layout.records_up_to(low - 1)
                in_stratum = layout.records_up_to(high - 1) - layout.records_up_to(low - 1)
                estimate += passing * in_stratum / max(1, scanned)
        return candidates, max(len(candidates), round(estimate))

    def _rowid_page(self, connection: sqlite3.Connection, plan: _Plan, offset: int, limit: int) -> list[tuple]:
        """A page in rowid order (newest year first, then document order), read from FTS5 in
        that order and stopped at the page's end."""
        return connection.execute(
            "SELECT f.rowid FROM records_fts f JOIN record_keys r ON r.rowid = f.rowid WHERE records_fts MATCH ?"
            f"{plan.amount_sql} ORDER BY f.rowid LIMIT ? OFFSET ?",
            (plan.match, *plan.amount_params, limit, offset)).fetchall()

    def _amount_page(self, connection: sqlite3.Connection, plan: _Plan, descending: bool,
                     offset: int, limit: int) -> list[tuple]:
        """Rowids of one page in amount order, exact at any size: amount buckets from the
        largest (or smallest) on, each sorted, until the page is full; then records without
        an amount, as the exact sort puts them last."""
        need = offset + limit
        found: list[int] = []
        direction = "DESC" if descending else "ASC"
        buckets = list(ft.buckets_descending(plan.low_fen, plan.high_fen))
        if not descending:
            buckets.reverse()
        skip_digits: set[str] = set()
        for token in buckets:
            digits = token.split("x")[0] if "x" in token else None
            if digits in skip_digits:
                continue
            if digits and not connection.execute(  # one probe per digit count skips empty magnitudes
                    "SELECT 1 FROM records_fts WHERE records_fts MATCH ? LIMIT 1",
                    (f"({plan.match}) AND facets : {fts_quote(digits)}",)).fetchone():
                skip_digits.add(digits)
                continue
            order = "f.rowid" if token == ft.ZERO else f"r.amount_fen {direction}, f.rowid"
            found.extend(r[0] for r in connection.execute(
                "SELECT f.rowid FROM records_fts f JOIN record_keys r ON r.rowid = f.rowid WHERE records_fts MATCH ?"
                f"{plan.amount_sql} ORDER BY {order} LIMIT ?",
                (f"({plan.match}) AND facets : {fts_quote(token)}", *plan.amount_params, need - len(found))))
            if len(found) >= need:
                return [(rowid,) for rowid in found[offset:need]]
        if plan.low_fen is None and plan.high_fen is None:
            found.extend(r[0] for r in connection.execute(
                "SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rowid LIMIT ?",
                (f"({plan.match}) NOT facets : {fts_quote(ft.HAS_AMOUNT)}", need - len(found))))
        return [(rowid,) for rowid in found[offset:need]]

    def _hits_by_rowid(self, connection: sqlite3.Connection, rowids: list[int], words: tuple[str, ...],
                       scores: dict[int, float]) -> list[Hit]:
        if not rowids:
            return []
        rows = {row["rowid"]: row for row in connection.execute(
            "SELECT r.*, d.unit, d.year, d.kind, d.title FROM records r JOIN documents d ON d.doc_id = r.doc_id "
            f"WHERE r.rowid IN ({','.join('?' for _ in rowids)})", rowids)}
        return [self._hit(rows[i], words, scores.get(i, 0.0)) for i in rowids if i in rows]

    @staticmethod
    def _hit(row: sqlite3.Row, words: tuple[str, ...], score: float | None) -> Hit:
        fen = row["amount_fen"]
        return Hit(
            record_type=row["record_type"], record_id=row["record_id"], doc_id=row["doc_id"],
            unit=row["unit"], year=row["year"], kind=row["kind"], title=row["title"], name=row["name"],
            table_kind=row["table_kind"], group=row["grp"], is_subtotal=bool(row["is_subtotal"]),
            amount_yuan=None if fen is None else Decimal(fen) / 100,
            snippet=snippet(row["text"], words), location=jsonio.loads(row["location"]),
            payload=jsonio.loads(row["payload"]), score=float(score or 0),
        )

    # ------------------------------------------------------------------ other reads

    def aggregate_metric(self, metric_key: str, filters: dict[str, list[str]] | None = None) -> list[MetricValue]:
        connection = self._connection()
        # The documents' unit, year and kind come from the layout: a join of `documents` per
        # record was a third of a ranking question's time at 50 000 documents. One snapshot,
        # so a document replaced between the query and the layout cannot lend a record its
        # neighbour's unit.
        with _snapshot(connection):
            layout = self._layout(connection)
            request = SearchRequest(filters={**(filters or {}), "record_type": ["metric"]}, facets=())
            plan = self._plan(layout, request, extra_tokens=(ft.value_token("metric_key", metric_key),))
            if plan is None:
                return []
            return self._metric_values(connection, layout, plan, metric_key)

    @staticmethod
    def _metric_values(connection: sqlite3.Connection, layout: _Layout, plan: _Plan,
                       metric_key: str) -> list[MetricValue]:
        rows = connection.execute(
            "SELECT r.rowid, r.doc_id, json_extract(r.payload, '$.value'), r.location, "
            "json_extract(r.location, '$.table') IS NOT NULL FROM records_fts f "
            "JOIN records r ON r.rowid = f.rowid WHERE records_fts MATCH ? AND r.metric_key = ? "
            "ORDER BY r.rowid", (plan.match, metric_key)).fetchall()
        chosen: dict[str, tuple] = {}
        for row in rows:
            current = chosen.get(row[1])
            # The table figure wins over a sentence figure of the same document.
            if current is None or (row[4] and not current[4]):
                chosen[row[1]] = row
        picked = list(chosen.values())
        facets = layout.document_facets([row[0] for row in picked], ("unit", "year", "kind"))
        ordered = sorted(zip(picked, facets), key=lambda pair: metric_order(pair[1][1], pair[1][0], pair[0][0]))
        return [MetricValue(doc_id, unit, year, kind, Decimal(str(value)), jsonio.loads(location))
                for (_, doc_id, value, location, _), (unit, year, kind) in ordered]

    def documents(self, filters: dict[str, list[str]] | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[IndexedDocument]:
        clauses, params = [], []
        for name in ("unit", "year", "kind", "province", "city", "county"):
            values = (filters or {}).get(name)
            if values:
                clauses.append(f"{name} IN ({','.join('?' for _ in values)})")
                params.extend(values)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._connection().execute(
            "SELECT doc_id, content_hash, path, unit, year, kind, scope, province, city, county, title, warnings,"
            f" indexed_at FROM documents{where} ORDER BY indexed_at DESC, year DESC, unit LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset]).fetchall()
        return [self._document(row, with_parse=False) for row in rows]

    def document(self, doc_id: str) -> IndexedDocument | None:
        row = self._connection().execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return self._document(row, with_parse=True) if row else None

    @staticmethod
    def _document(row: sqlite3.Row, with_parse: bool) -> IndexedDocument:
        return IndexedDocument(
            doc_id=row["doc_id"], content_hash=row["content_hash"], path=row["path"], unit=row["unit"],
            year=row["year"], kind=row["kind"], scope=row["scope"], province=row["province"], city=row["city"],
            county=row["county"], title=row["title"], warnings=jsonio.loads(row["warnings"]),
            parse_json=jsonio.loads(_unpack(row["parse_json"])) if with_parse else {},
            indexed_at=row["indexed_at"],
        )

    def stats(self) -> dict[str, Any]:
        """Counts of what the index holds; computed once per index generation (a count of
        every record reads the whole table: a second at 10 000 documents)."""
        connection = self._connection()
        generation = self._layout(connection).generation
        cached = getattr(self._local, "stats", None)
        if cached is None or cached[0] != generation:
            cached = (generation, self._stats(connection))
            self._local.stats = cached
        return copy.deepcopy(cached[1])

    @staticmethod
    def _stats(connection: sqlite3.Connection) -> dict[str, Any]:
        by_type = dict(connection.execute(
            "SELECT record_type, count(*) FROM record_keys GROUP BY record_type").fetchall())
        by_kind = dict(connection.execute("SELECT kind, count(*) FROM documents GROUP BY kind").fetchall())
        return {
            "documents": connection.execute("SELECT count(*) FROM documents").fetchone()[0],
            "records": sum(by_type.values()),
            "records_by_type": by_type,
            "documents_by_kind": {str(k): v for k, v in by_kind.items()},
            "units": [r[0] for r in connection.execute("SELECT DISTINCT unit FROM documents ORDER BY unit") if r[0]],
            "years": [r[0] for r in connection.execute("SELECT DISTINCT year FROM documents ORDER BY year") if r[0]],
        }


@contextmanager
def staged_rebuild(target: str | Path) -> Iterator[SQLiteIndex]:
    """A fresh index built beside `target` (`<target>.rebuild`) and swapped in only when the
    block completes, so a failed or killed rebuild leaves the old index serving; the next
    rebuild starts its staging file over."""
    target = Path(target)
    staging = target.with_name(target.name + ".rebuild")
    # A killed run leaves its journal too (hot: SQLite would not apply it to a new, empty
    # file, but nothing of a killed run is kept).
    for leftover in (staging, Path(f"{staging}-journal"), Path(f"{staging}-wal"), Path(f"{staging}-shm")):
        leftover.unlink(missing_ok=True)
    backend = SQLiteIndex(staging, staging=True)
    try:
        yield backend
        backend.seal()
    finally:
        backend.close()
    os.replace(staging, target)
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)


@dataclass
class PreparedDocument:
    """A document's rows but for their rowids (assigned when written): what crosses from a
    parser process to the writer, plain strings and numbers, cheap to pickle."""

    doc_id: str
    path: str
    year: int | None
    document: tuple
    records: list[tuple]
    keys: list[tuple]
    texts: list[tuple[str, str, str]]  # (precise, recall, facets) of each record, for FTS5
    fts_rows: bytes  # the same, compressed, as the document row keeps them


def _with_rowids(base: int, rows: list[tuple]) -> Iterator[tuple]:
    """Each row with its rowid in front (base, base + 1, …), joined in C by map and zip:
    no Python frame per row (ingest −0.4 % of instructions against a generator)."""
    return map(add, zip(range(base, base + len(rows))), rows)


def _record_row(record: IndexRecord, fen: int | None) -> tuple:
    return (record.record_type, record.table_kind, int(record.is_subtotal), fen, record.doc_id,
            record.record_id, record.metric_key, record.code, record.group, record.name,
            jsonio.dumps(record.location), jsonio.dumps(record.payload), record.text)


# The two blobs of a document row (its parse and its full-text rows) are zstd frames at
# level 1: a third of zlib's CPU at its fastest level, and smaller (docs/benchmarks.md,
# "Ingest, seventh round"). Indexes written before hold zlib streams; both are read.
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CODECS = threading.local()  # a zstd (de)compressor is not shared between threads: one each


def _pack(data: bytes) -> bytes:
    """`data` compressed for a blob column."""
    compressor = getattr(_CODECS, "compressor", None)
    if compressor is None:
        compressor = _CODECS.compressor = zstandard.ZstdCompressor(level=1)
    return compressor.compress(data)


def _unpack(blob: bytes) -> bytes:
    """A blob column's bytes, zstd (this version) or zlib (indexes written before)."""
    if blob[:4] != _ZSTD_MAGIC:
        return zlib.decompress(blob)
    decompressor = getattr(_CODECS, "decompressor", None)
    if decompressor is None:
        decompressor = _CODECS.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(blob)


def _write_unshared(connection: sqlite3.Connection) -> None:
    """Settings for a file no reader opens before it is sealed. A rollback journal kept on
    disk writes each new page once (the WAL writes it twice, once more at its checkpoint),
    and without syncs a commit costs no flush: writer CPU −18 % (docs/benchmarks.md, "Ingest,
    sixth round"). A batch's ROLLBACK still works, and a killed process leaves a file that
    its journal restores; what syncs would add — surviving a power cut — a staging file
    does not need: the next rebuild starts it over."""
    connection.execute("PRAGMA journal_mode=PERSIST")
    connection.execute("PRAGMA synchronous=OFF")


def _roll_back(connection: sqlite3.Connection) -> None:
    """Undo the open transaction. After some errors (a full disk, a full FTS5 index) SQLite
    has undone it already, and a ROLLBACK then fails with "no transaction is active" —
    an error that would hide the one that matters."""
    if connection.in_transaction:
        connection.execute("ROLLBACK")


def _begin_unless_busy(connection: sqlite3.Connection) -> None:
    """A write transaction now, or WriterBusy while another connection holds the lock."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_BUSY:
            raise WriterBusy(str(error)) from error
        raise
    finally:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _next_generation(connection: sqlite3.Connection) -> None:
    connection.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def _document_tokens(doc_id: str, facets: dict[str, Any]) -> str:
    """The filter tokens every record of a document carries (`facets` in _DOCUMENT_FACETS
    order: a row is deleted by repeating its tokens in the order they were written)."""
    tokens = [ft.ANY, ft.value_token("doc_id", doc_id)]
    tokens += [ft.value_token(name, facets[name]) for name in _DOCUMENT_FACETS if facets[name] is not None]
    return " ".join(tokens)


def _record_tokens(document_tokens: str, record_type: str, table_kind: str | None, metric_key: str | None,
                   is_subtotal: bool | int, fen: int | None) -> str:
    """A record's `facets` column: written from the record, made again from its row on delete."""
    tokens = [document_tokens, ft.value_token("record_type", record_type)]
    if table_kind:
        tokens.append(ft.value_token("table_kind", table_kind))
    if metric_key:
        tokens.append(ft.value_token("metric_key", metric_key))
    if is_subtotal:
        tokens.append(ft.SUBTOTAL)
    tokens.extend(ft.amount_tokens(fen))
    return " ".join(tokens)


def _record_fen(record: IndexRecord) -> int | None:
    return None if record.amount_yuan is None else _fen(record.amount_yuan)


def _filter_tokens(layout: _Layout, name: str, values: list[str]) -> list[str] | None:
    """A filter's values as facet tokens ([] when none is in the index; None: not a filter)."""
    if name == "unit":  # 单位:财政局 means any unit whose name contains it
        return [ft.value_token("unit", u) for u in layout.vocabulary["unit"] if any(v in u for v in values)]
    if name == "region":  # 地区:河南 means a province, city or county that starts with it
        return [ft.value_token(level, place) for level in ("province", "city", "county")
                for place in layout.vocabulary[level] if any(place.startswith(v) for v in values)]
    if name not in _EXACT_FILTERS:
        return None
    if name == "year":
        years = (typed_year(v) for v in values)
        return [ft.value_token("year", y) for y in years if y is not None]
    return [ft.value_token(name, v) for v in values]


def _copy_result(result: SearchResult) -> SearchResult:
    """A copy a caller may change (hits, facets) without changing the cached result; the
    hits' location and payload dicts are shared and must be treated as read-only."""
    return replace(result, hits=[copy.copy(hit) for hit in result.hits],
                   facets={name: dict(values) for name, values in result.facets.items()})


def _request_key(request: SearchRequest) -> tuple:
    """Everything that makes one request's result differ from another's."""
    return (astuple(request.text), tuple(sorted((k, tuple(v)) for k, v in request.filters.items())),
            str(request.min_amount), request.min_inclusive, str(request.max_amount), request.max_inclusive,
            request.sort, request.page, request.limit, tuple(request.facets), request.include_subtotals)


def _amount_order(candidates: list[tuple], descending: bool) -> list[tuple]:
    """Candidates by amount (rowid breaking ties), those without an amount last."""
    with_amount = sorted((c for c in candidates if c[4] is not None),
                         key=lambda c: (-c[4] if descending else c[4], c[0]))
    return with_amount + sorted((c for c in candidates if c[4] is None), key=lambda c: c[0])


def _facet_counts(keys: list[tuple[int, str, str | None]], names: list[str], layout: _Layout,
                  share: float = 1.0) -> dict[str, dict[str, int]]:
    """Facet counts of matches given as (rowid, record type, table kind), each standing for
    `share` matches (1 when every match is there, more for a sample); counts are rounded and
    a value seen at all stays ≥ 1."""
    per_document = layout.document_counts([key[0] for key in keys], share)
    facets: dict[str, dict[str, int]] = {}
    for name in names:
        if name in ("record_type", "table_kind"):
            counts = Counter(map(itemgetter(1 if name == "record_type" else 2), keys))
            counts.pop(None, None)
            facets[name] = _top({value: n * share for value, n in counts.items()})
        else:
            facets[name] = _top(per_document[name])
    return facets


def _top(values: dict[Any, float]) -> dict[str, int]:
    ranked = sorted(values.items(), key=lambda item: (-item[1], item[0]))[:100]
    return {str(value): max(1, round(n)) for value, n in ranked}


def _fen(yuan: Decimal) -> int:
    return int((Decimal(yuan) * 100).to_integral_value())
