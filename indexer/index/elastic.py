"""The scale-out backend: Elasticsearch 8.x through the official `elasticsearch` client.

It implements the same contract as the SQLite reference backend (sqlite.py) and is held to
it by the same suite (tests/test_index_contract.py, run when DISCLOSURE_ES_URL is set).

Layout (see docs/elasticsearch.md):

* Two indices per deployment, each a versioned concrete index behind an alias:
  `<name>` → `<name>-v<UTC timestamp>` holds one ES document per index record (section,
  table, line item, form, self-evaluation, metric) carrying its parent `doc_id` and the
  document facets; `<name>-documents` → `<name>-documents-v<same timestamp>` holds one
  small entry per disclosure (facets, path, content hash, warnings, and `parse_json` kept
  in `_source` only, never indexed).
* Index templates (`<name>-records`, `<name>-documents`) carry the settings and mappings, so
  every new version gets them: facets as `keyword` (year `integer`), amounts as `long`
  fen (exact sums, no doubles), text pre-tokenised by our own jieba analyzer into
  `precise` and `recall` fields analysed by `whitespace` only — both backends match and
  rank the same tokens — with a `synonym_graph` filter (analyzers.lexicon.SYNONYMS) in the
  search analyzer. The original `text` is stored unindexed; snippets are made in Python
  (snippets.snippet), exactly as the SQLite backend makes them.
* Queries are bool queries of `match_phrase` clauses on the pre-tokenised fields and
  `term`/`terms`/`range`/`prefix`/escaped `wildcard` clauses on keyword fields. Nothing a
  user types is ever parsed as query syntax: there is no `query_string` or
  `simple_query_string` anywhere in this module.
* A full rebuild (`with index.rebuild(): ...`, or `begin_rebuild()` / `finish_rebuild()`)
  writes a fresh pair of versioned indices and moves both aliases in one atomic
  `_aliases` call only when it is complete; readers keep searching the old version
  until then, and a failed rebuild (`abort_rebuild()`) leaves it untouched.

Elasticsearch has no multi-document transactions, so `add_document` orders its writes to
stay recoverable: the document entry is written first marked incomplete (with the doc ids
it replaces), then the records in bulk under a fresh generation, then older entries and
records are removed, and only then is the entry marked complete. `has_content` counts
complete entries only, so a crash anywhere in between makes the next `disclosure index`
re-index that file, which removes whatever the crashed attempt left. Readers may briefly
see both versions of a replaced document while it is written (never neither).
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from indexer.index.contract import (
    MAX_LIMIT,
    MAX_OFFSET,
    TYPE_WEIGHTS,
    Hit,
    IndexUnavailable,
    MetricValue,
    metric_order,
    SearchRequest,
    SearchResult,
    TextQuery,
)
from indexer.index.snippets import snippet
from indexer.records import IndexedDocument, IndexRecord

log = logging.getLogger(__name__)

DEFAULT_URL = "http://localhost:9200"
DEFAULT_INDEX = "disclosures"
SCHEMA_VERSION = 1
# The client is pinned to the server's major version (pyproject: elasticsearch>=8.13,<9):
# a 9.x client refuses 8.x servers, and 7.x servers refuse an 8.x client.
SERVER_MAJOR = 8

# Analyzer names in the index settings.
TOKENS = "disclosure_tokens"                     # index time, and exact "phrases"
TOKENS_SYNONYMS = "disclosure_tokens_synonyms"   # search time: whitespace + synonym_graph
SYNONYM_FILTER = "disclosure_synonyms"

PRECISE_BOOST, RECALL_BOOST = 2.0, 1.0  # a whole word above a sub-word (培训费 above 培训 in 培训费)
FACET_COLUMNS = ("unit", "year", "kind", "scope", "province", "city", "county", "record_type", "table_kind")
EQUALITY_FILTERS = ("year", "kind", "scope", "record_type", "table_kind", "doc_id", "province", "city", "county")
DOCUMENT_FILTERS = ("unit", "year", "kind", "province", "city", "county")
FACET_SIZE = 100
TEMPLATE_PRIORITY = 500  # above the built-in templates (priority 100–200, e.g. logs-*-*)

# Index names: lower case, no separators Elasticsearch forbids; the versions add "-v…".
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,150}$")

_KEYWORD = {"type": "keyword"}
_LONG_KEYWORD = {"type": "keyword", "ignore_above": 2048}
_STORED_ONLY = {"type": "object", "enabled": False}


# ---------------------------------------------------------------------- names and money

def versioned_names(name: str, stamp: str) -> tuple[str, str]:
    """The concrete (records, documents) index names of one version."""
    return f"{name}-v{stamp}", f"{name}-documents-v{stamp}"


def documents_alias(name: str) -> str:
    return f"{name}-documents"


def swap_actions(name: str, records: str, documents: str, old: Iterable[str]) -> list[dict[str, Any]]:
    """One atomic `_aliases` request: both aliases onto the new version, the old one deleted."""
    actions: list[dict[str, Any]] = [{"add": {"index": records, "alias": name}},
                                     {"add": {"index": documents, "alias": documents_alias(name)}}]
    actions += [{"remove_index": {"index": index}} for index in sorted(set(old) - {records, documents})]
    return actions


def new_stamp() -> str:
    """A version stamp: the UTC time to the microsecond (sorts by age, lower case)."""
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")


def fen(yuan: Decimal | int | float | str) -> int:
    """Yuan → integer fen, rounded exactly as the SQLite backend rounds."""
    return int((Decimal(str(yuan)) * 100).to_integral_value())


def wildcard_escape(value: str) -> str:
    """A value as a literal inside a Lucene wildcard pattern (`*`, `?` and `\\` escaped)."""
    return re.sub(r"([\\*?])", r"\\\1", value)


def synonym_rules(rules: Iterable[str]) -> list[str]:
    """The analyzer's synonym rules that say something (a one-word group is no rule)."""
    return [r for r in rules if r.strip() and ("," in r or "=>" in r)]


# ---------------------------------------------------------------------- templates

def analysis_settings(rules: Iterable[str]) -> dict[str, Any]:
    """Whitespace analysis of our pre-tokenised text, with search-time synonyms."""
    return {
        "tokenizer": {
            # jieba tokens are joined by single spaces; allow long tokens (default 255).
            "disclosure_whitespace": {"type": "whitespace", "max_token_length": 1024},
        },
        "filter": {
            SYNONYM_FILTER: {"type": "synonym_graph", "synonyms": synonym_rules(rules),
                             "expand": True, "lenient": True},
        },
        "analyzer": {
            TOKENS: {"type": "custom", "tokenizer": "disclosure_whitespace"},
            TOKENS_SYNONYMS: {"type": "custom", "tokenizer": "disclosure_whitespace",
                              "filter": [SYNONYM_FILTER]},
        },
    }


def _index_settings(shards: int, replicas: str) -> dict[str, Any]:
    return {
        "number_of_shards": shards,
        # 0 replicas on a single node (green health), 1 as soon as a second node joins.
        "auto_expand_replicas": replicas,
        # Deep pages are capped by the contract; the window must admit the last page.
        "max_result_window": MAX_OFFSET + MAX_LIMIT,
    }


def records_template(name: str, rules: Iterable[str], shards: int = 1, replicas: str = "0-1") -> dict[str, Any]:
    """The index template of the records indices `<name>-v*`."""
    text_field = {"type": "text", "analyzer": TOKENS, "search_analyzer": TOKENS_SYNONYMS}
    properties: dict[str, Any] = {
        "record_id": _KEYWORD, "doc_id": _KEYWORD, "record_type": _KEYWORD,
        "name": _LONG_KEYWORD, "title": _LONG_KEYWORD, "group": _LONG_KEYWORD,
        "table_kind": _KEYWORD, "code": _KEYWORD, "metric_key": _KEYWORD,
        "is_subtotal": {"type": "boolean"},
        # Exact money: integer fen in a long (sums and range bounds never go through doubles).
        "amount_fen": {"type": "long"},
        "unit": _LONG_KEYWORD, "year": {"type": "integer"}, "kind": _KEYWORD, "scope": _KEYWORD,
        "province": _KEYWORD, "city": _KEYWORD, "county": _KEYWORD,
        "path": _LONG_KEYWORD, "content_hash": _KEYWORD,
        # The original text, for snippets made in Python; not indexed.
        "text": {"type": "text", "index": False},
        # The analyzer's tokens, space-joined: jieba `cut`, and the words' sub-words (search mode).
        "precise": text_field, "recall": dict(text_field),
        "location": _STORED_ONLY, "payload": _STORED_ONLY,
        # Insertion order (the SQLite rowid's role in tie-breaks) and the write generation.
        "seq": {"type": "long"}, "generation": {"type": "long"},
    }
    return {
        "index_patterns": [f"{name}-v*"],
        "priority": TEMPLATE_PRIORITY,
        "template": {
            "settings": {"index": _index_settings(shards, replicas), "analysis": analysis_settings(rules)},
            "mappings": {"dynamic": "strict", "properties": properties},
        },
        "_meta": {"description": "disclosure-search index records", "schema_version": SCHEMA_VERSION},
    }


def documents_template(name: str, shards: int = 1, replicas: str = "0-1") -> dict[str, Any]:
    """The index template of the document-metadata indices `<name>-documents-v*`."""
    properties: dict[str, Any] = {
        "doc_id": _KEYWORD, "content_hash": _KEYWORD, "path": _LONG_KEYWORD,
        "unit": _LONG_KEYWORD, "year": {"type": "integer"}, "kind": _KEYWORD, "scope": _KEYWORD,
        "province": _KEYWORD, "city": _KEYWORD, "county": _KEYWORD, "title": _LONG_KEYWORD,
        "warnings": {"type": "keyword", "index": False, "doc_values": False},
        # The whole parse, returned by document(); stored in _source, never indexed.
        "parse_json": _STORED_ONLY,
        "record_count": {"type": "integer"}, "indexed_at": {"type": "date"},
        # Write protocol (module docstring): complete entries only count for has_content.
        "complete": {"type": "boolean"}, "generation": {"type": "long"}, "replaces": _KEYWORD,
    }
    return {
        "index_patterns": [f"{name}-documents-v*"],
        "priority": TEMPLATE_PRIORITY,
        "template": {
            "settings": {"index": _index_settings(shards, replicas)},
            "mappings": {"dynamic": "strict", "properties": properties},
        },
        "_meta": {"description": "disclosure-search documents", "schema_version": SCHEMA_VERSION},
    }


# ---------------------------------------------------------------------- queries

def _either_column(tokens: str) -> list[dict[str, Any]]:
    """One alternative (a token, or space-joined tokens = a phrase) in precise or recall."""
    return [{"match_phrase": {"precise": {"query": tokens, "boost": PRECISE_BOOST}}},
            {"match_phrase": {"recall": {"query": tokens, "boost": RECALL_BOOST}}}]


def text_clauses(text: TextQuery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(must, must_not) for an analysed query; every token is a literal match_phrase value.

    A required group is its alternatives OR'ed, each in either column (the SQLite backend's
    `{precise recall} : ("a" OR "b")`); the fields' search analyzer adds the synonym graph.
    An exact "phrase" matches the precise column with the plain whitespace analyzer, so it
    stays exact (the SQLite backend's `precise : "a b"`). Excluded groups must not match.
    """
    must: list[dict[str, Any]] = []
    for group in text.required:
        should = [clause for token in group if token for clause in _either_column(token)]
        if should:
            must.append({"bool": {"should": should, "minimum_should_match": 1}})
    for phrase in text.phrases:
        tokens = [t for t in phrase if t]
        if tokens:
            must.append({"match_phrase": {"precise": {"query": " ".join(tokens), "analyzer": TOKENS,
                                                      "boost": PRECISE_BOOST}}})
    must_not = [clause for group in text.excluded for token in group if token
                for clause in _either_column(token)]
    return must, must_not


def filter_clauses(filters: dict[str, list[str]], *, min_amount: Decimal | None = None,
                   min_inclusive: bool = True, max_amount: Decimal | None = None,
                   max_inclusive: bool = True, include_subtotals: bool = True) -> list[dict[str, Any]]:
    """Filter clauses with the SQLite backend's semantics: `unit` is a case-insensitive
    substring, `region` a prefix of province, city or county, the rest equality; amount
    bounds in fen, inclusive or strict; subtotal rows out on request."""
    clauses: list[dict[str, Any]] = []
    for name, values in filters.items():
        values = [v for v in values if v not in (None, "")]
        if not values:
            continue
        if name == "unit":
            clauses.append({"bool": {"should": [
                {"wildcard": {"unit": {"value": f"*{wildcard_escape(str(v))}*", "case_insensitive": True}}}
                for v in values], "minimum_should_match": 1}})
        elif name == "region":
            clauses.append({"bool": {"should": [
                {"prefix": {column: {"value": str(v), "case_insensitive": True}}}
                for v in values for column in ("province", "city", "county")], "minimum_should_match": 1}})
        elif name in EQUALITY_FILTERS:
            clauses.append({"terms": {name: [int(v) if name == "year" else str(v) for v in values]}})
    bounds: dict[str, int] = {}
    if min_amount is not None:
        bounds["gte" if min_inclusive else "gt"] = fen(min_amount)
    if max_amount is not None:
        bounds["lte" if max_inclusive else "lt"] = fen(max_amount)
    if bounds:
        clauses.append({"range": {"amount_fen": bounds}})
    if not include_subtotals:
        clauses.append({"term": {"is_subtotal": False}})
    return clauses


def build_query(request: SearchRequest) -> tuple[dict[str, Any], bool]:
    """The query of a search request, and whether it scores (has text to match)."""
    must, must_not = text_clauses(request.text)
    filters = filter_clauses(request.filters, min_amount=request.min_amount, min_inclusive=request.min_inclusive,
                             max_amount=request.max_amount, max_inclusive=request.max_inclusive,
                             include_subtotals=request.include_subtotals)
    query: dict[str, Any] = {"bool": {}}
    if must:
        query["bool"]["must"] = must
    if filters:
        query["bool"]["filter"] = filters
    if must_not:
        query["bool"]["must_not"] = must_not
    if not query["bool"]:
        query = {"match_all": {}}
    if not must:
        return query, False
    # Rank rows, forms and figures above long prose: the SQLite backend's type weights.
    return {"function_score": {
        "query": query,
        "functions": [{"filter": {"term": {"record_type": t}}, "weight": w} for t, w in TYPE_WEIGHTS.items()],
        "score_mode": "first", "boost_mode": "multiply",
    }}, True


def sort_clause(sort: str, scored: bool) -> list[Any]:
    """The SQLite backend's orders: missing amounts/years last, insertion order breaks ties."""
    seq = {"seq": {"order": "asc"}}
    if sort == "amount":
        return [{"amount_fen": {"order": "asc", "missing": "_last"}}, seq]
    if sort == "-amount":
        return [{"amount_fen": {"order": "desc", "missing": "_last"}}, seq]
    if sort == "year":
        return [{"year": {"order": "desc", "missing": "_last"}}, {"_score": {"order": "desc"}}, seq]
    if scored:
        return [{"_score": {"order": "desc"}}, seq]
    return [{"year": {"order": "desc", "missing": "_last"}}, seq]


def facet_aggs(facets: Iterable[str]) -> dict[str, Any]:
    """Facet counts as terms aggregations: most frequent first, then by value."""
    return {name: {"terms": {"field": name, "size": FACET_SIZE, "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            for name in facets if name in FACET_COLUMNS}


def search_body(request: SearchRequest) -> dict[str, Any]:
    """The whole search request body (JSON keys as Elasticsearch spells them)."""
    query, scored = build_query(request)
    body: dict[str, Any] = {
        "query": query,
        "sort": sort_clause(request.sort, scored),
        "from": min(max(0, request.offset), MAX_OFFSET),
        "size": max(1, min(request.limit, MAX_LIMIT)),
        "track_total_hits": True,
        "_source": {"excludes": ["precise", "recall"]},
    }
    if scored:
        body["track_scores"] = True
    aggs = facet_aggs(request.facets)
    if aggs:
        body["aggs"] = aggs
    return body


# ---------------------------------------------------------------------- sources and hits

def record_source(document: IndexedDocument, record: IndexRecord, tokens: tuple[str, str],
                  seq: int, generation: int) -> dict[str, Any]:
    location = {k: v for k, v in vars(record.location).items() if v is not None}
    precise, recall = tokens
    return {
        "record_id": record.record_id, "doc_id": document.doc_id, "record_type": record.record_type,
        "name": record.name, "text": record.text, "precise": precise, "recall": recall,
        "amount_fen": None if record.amount_yuan is None else fen(record.amount_yuan),
        "table_kind": record.table_kind, "group": record.group, "is_subtotal": bool(record.is_subtotal),
        "code": record.code, "metric_key": record.metric_key, "location": location, "payload": record.payload,
        "unit": document.unit, "year": document.year, "kind": document.kind, "scope": document.scope,
        "province": document.province, "city": document.city, "county": document.county,
        "title": document.title, "path": document.path, "content_hash": document.content_hash,
        "seq": seq, "generation": generation,
    }


def document_source(document: IndexedDocument, record_count: int, *, complete: bool, generation: int,
                    replaces: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id, "content_hash": document.content_hash, "path": document.path,
        "unit": document.unit, "year": document.year, "kind": document.kind, "scope": document.scope,
        "province": document.province, "city": document.city, "county": document.county,
        "title": document.title, "warnings": list(document.warnings), "parse_json": document.parse(),
        "record_count": record_count, "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": complete, "generation": generation, "replaces": sorted(set(replaces)),
    }


def hit_from_source(source: dict[str, Any], score: float | None, words: tuple[str, ...]) -> Hit:
    amount = source.get("amount_fen")
    return Hit(
        record_type=source["record_type"], record_id=source["record_id"], doc_id=source["doc_id"],
        unit=source.get("unit"), year=source.get("year"), kind=source.get("kind"), title=source.get("title"),
        name=source.get("name") or "", table_kind=source.get("table_kind"), group=source.get("group"),
        is_subtotal=bool(source.get("is_subtotal")),
        amount_yuan=None if amount is None else Decimal(int(amount)) / 100,
        snippet=snippet(source.get("text") or "", words), location=source.get("location") or {},
        payload=source.get("payload") or {}, score=float(score or 0),
    )


def indexed_document_from_source(source: dict[str, Any], with_parse: bool) -> IndexedDocument:
    return IndexedDocument(
        doc_id=source["doc_id"], content_hash=source["content_hash"], path=source["path"],
        unit=source.get("unit"), year=source.get("year"), kind=source.get("kind"), scope=source.get("scope"),
        province=source.get("province"), city=source.get("city"), county=source.get("county"),
        title=source.get("title"), warnings=list(source.get("warnings") or []),
        parse_json=(source.get("parse_json") or {}) if with_parse else {},
        indexed_at=source.get("indexed_at"),
    )


def redact_url(url: str) -> str:
    """The URL without user:password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _bilingual_unreachable(url: str, reason: str) -> str:
    return (f"无法连接 Elasticsearch（{url}）：{reason}。请确认服务已启动（docker compose up -d elasticsearch）"
            f"并检查 DISCLOSURE_ES_URL。 / Elasticsearch at {url} is unreachable: {reason}. Start it "
            f"(docker compose up -d elasticsearch) and check DISCLOSURE_ES_URL.")


# ---------------------------------------------------------------------- the backend

class ElasticIndex:
    """`IndexBackend` on an Elasticsearch 8.x cluster.

    `url` and `index_name` default to $DISCLOSURE_ES_URL and $DISCLOSURE_ES_INDEX
    (`disclosures`). `refresh=True` makes every write visible to the next search at once
    (tests); otherwise records appear within the index refresh interval (1 s). Bulk writes
    go through `helpers.streaming_bulk`, retrying documents the cluster rejects with 429
    (`bulk_max_retries` times, backing off from `initial_backoff` seconds, doubling up to
    `max_backoff`).
    """

    def __init__(self, url: str | None = None, index_name: str | None = None, *, refresh: bool = False,
                 analyzer: Any = None, timeout: float = 30.0, connect_timeout: float = 5.0,
                 max_retries: int = 3, chunk_size: int = 500, max_chunk_bytes: int = 10 * 1024 * 1024,
                 bulk_max_retries: int = 8, initial_backoff: float = 1.0, max_backoff: float = 60.0,
                 shards: int = 1, replicas: str = "0-1", readonly: bool = False):
        self.url = url or os.environ.get("DISCLOSURE_ES_URL") or DEFAULT_URL
        self.name = index_name or os.environ.get("DISCLOSURE_ES_INDEX") or DEFAULT_INDEX
        if not _NAME.match(self.name):
            raise IndexUnavailable(f"索引名无效：{self.name!r}（只能用小写字母、数字、-、_、.）"
                                   f" / invalid Elasticsearch index name {self.name!r}")
        self.documents_alias = documents_alias(self.name)
        self._display_url = redact_url(self.url)
        self._refresh = refresh
        self._analyzer = analyzer
        self._timeout = timeout
        self._chunk_size = chunk_size
        self._max_chunk_bytes = max_chunk_bytes
        self._bulk_max_retries = bulk_max_retries
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._shards = shards
        self._replicas = replicas
        self._lock = threading.Lock()
        self._last_seq = 0
        # Where writes go: the aliases, or a new version's concrete indices during a rebuild.
        self._records_target = self.name
        self._documents_target = self.documents_alias
        self._rebuilding: tuple[str, str] | None = None
        try:
            from elasticsearch import Elasticsearch
        except ImportError as error:  # pragma: no cover - a declared dependency
            raise IndexUnavailable("未安装 elasticsearch 客户端：pip install 'elasticsearch>=8.13,<9' "
                                   "/ the elasticsearch client (8.x) is not installed") from error
        try:
            self._client = Elasticsearch(self.url, request_timeout=timeout, max_retries=max_retries,
                                         retry_on_timeout=True)
        except (ValueError, TypeError) as error:
            raise IndexUnavailable(f"DISCLOSURE_ES_URL 无效：{self._display_url}（{error}）"
                                   f" / invalid Elasticsearch URL {self._display_url}: {error}") from error
        self._check_server(connect_timeout)
        if not readonly:
            self._ensure_indices()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Client failures → IndexUnavailable with a message a person can act on."""
        from elastic_transport import TransportError
        from elasticsearch import ApiError, NotFoundError

        try:
            yield
        except NotFoundError as error:
            raise IndexUnavailable(
                f"Elasticsearch 索引 {self.name} 不存在（请先运行 disclosure index）/ index {self.name} "
                f"not found on {self._display_url} ({action}): {error.message}") from error
        except ApiError as error:
            raise IndexUnavailable(f"Elasticsearch {action}失败 / Elasticsearch {action} failed: "
                                   f"{error.meta.status} {error.message} {_reason(error)}".rstrip()) from error
        except TransportError as error:
            raise IndexUnavailable(_bilingual_unreachable(self._display_url, _transport_reason(error))) from error

    def _check_server(self, connect_timeout: float) -> None:
        from elastic_transport import TransportError
        from elasticsearch import ApiError, UnsupportedProductError

        try:
            info = self._client.options(request_timeout=connect_timeout, max_retries=0).info()
        except UnsupportedProductError as error:
            raise IndexUnavailable(f"{self._display_url} 不是 Elasticsearch 服务 / {self._display_url} is not "
                                   f"an Elasticsearch server: {error}") from error
        except ApiError as error:
            raise IndexUnavailable(
                f"Elasticsearch（{self._display_url}）拒绝了请求：{error.meta.status} {error.message} / "
                f"Elasticsearch at {self._display_url} refused the request") from error
        except TransportError as error:
            raise IndexUnavailable(_bilingual_unreachable(self._display_url, _transport_reason(error))) from error
        number = str(info.get("version", {}).get("number", "0"))
        head = number.split(".")[0]
        major = int(head) if head.isdecimal() else 0
        if major < SERVER_MAJOR:
            raise IndexUnavailable(f"需要 Elasticsearch {SERVER_MAJOR}.x，服务器为 {number} / "
                                   f"Elasticsearch {SERVER_MAJOR}.x required, server is {number}")

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from analyzers.tokenizer import get_analyzer

            self._analyzer = get_analyzer()
        return self._analyzer

    @property
    def client(self) -> Any:
        return self._client

    def _next_seq(self, count: int) -> int:
        """A base for `count` consecutive insertion numbers, increasing within the process."""
        with self._lock:
            base = max(time.time_ns(), self._last_seq + 1)
            self._last_seq = base + count
            return base

    def _after_write(self, *indices: str) -> None:
        if self._refresh:
            self._client.indices.refresh(index=",".join(indices))

    # ------------------------------------------------------------------ templates, versions, aliases

    def _put_templates(self) -> None:
        rules = self.analyzer.synonym_rules()
        for template_name, body in ((f"{self.name}-records", records_template(self.name, rules, self._shards,
                                                                              self._replicas)),
                                    (f"{self.name}-documents", documents_template(self.name, self._shards,
                                                                                  self._replicas))):
            self._client.indices.put_index_template(
                name=template_name, index_patterns=body["index_patterns"], priority=body["priority"],
                template=body["template"], meta=body["_meta"])

    def _create_version(self) -> tuple[str, str]:
        """A fresh pair of concrete indices (no aliases yet), from the current templates."""
        self._put_templates()
        records, documents = versioned_names(self.name, new_stamp())
        self._client.indices.create(index=records)
        try:
            self._client.indices.create(index=documents)
        except Exception:
            self._client.options(ignore_status=404).indices.delete(index=records)
            raise
        return records, documents

    def _alias_indices(self, alias: str) -> list[str]:
        response = self._client.options(ignore_status=404).indices.get_alias(name=alias)
        body = response.body if hasattr(response, "body") else response
        if not isinstance(body, dict) or "error" in body or body.get("status") == 404:
            return []
        return sorted(index for index, value in body.items() if alias in (value or {}).get("aliases", {}))

    def _ensure_indices(self) -> None:
        """Create the first version on first use; repair a half-created one."""
        with self._errors("创建索引 (create index)"):
            records = self._alias_indices(self.name)
            documents = self._alias_indices(self.documents_alias)
            if records and documents:
                return
            for alias in (self.name, self.documents_alias):
                if self._client.indices.exists(index=alias) and not self._alias_indices(alias):
                    raise IndexUnavailable(
                        f"{alias} 是一个普通索引而不是别名；请删除它或换一个 DISCLOSURE_ES_INDEX / {alias} is a "
                        f"concrete index, not an alias: delete it or choose another DISCLOSURE_ES_INDEX")
            new_records, new_documents = self._create_version()
            log.info("created %s and %s", new_records, new_documents)
            actions = []
            if not records:
                actions.append({"add": {"index": new_records, "alias": self.name}})
            if not documents:
                actions.append({"add": {"index": new_documents, "alias": self.documents_alias}})
            self._client.indices.update_aliases(actions=actions)
            unused = [i for i, alias in ((new_records, self.name), (new_documents, self.documents_alias))
                      if not any(a["add"]["alias"] == alias for a in actions)]
            if unused:
                self._client.indices.delete(index=",".join(unused))
            self._settle_creation_race(new_records, new_documents)

    def _settle_creation_race(self, *ours: str) -> None:
        """Two processes opening a fresh cluster at once may both create a first version;
        the oldest stamp wins, and each process removes its own losing indices."""
        for alias in (self.name, self.documents_alias):
            indices = self._alias_indices(alias)
            if len(indices) > 1:
                losers = [i for i in indices[1:] if i in ours]
                if losers:
                    self._client.indices.update_aliases(actions=[{"remove_index": {"index": i}} for i in losers])

    def begin_rebuild(self) -> tuple[str, str]:
        """Start a full rebuild: later writes go to a new version `<name>-v<stamp>` (and its
        documents index) while searches keep reading the current one through the aliases."""
        if self._rebuilding:
            raise RuntimeError("a rebuild is already in progress")
        with self._errors("创建新版本索引 (create new index version)"):
            self._rebuilding = self._create_version()
        self._records_target, self._documents_target = self._rebuilding
        return self._rebuilding

    def finish_rebuild(self) -> None:
        """Move both aliases to the new version in one atomic `_aliases` call and delete the
        old version. Searches see the old index until this call and the new one after it."""
        if not self._rebuilding:
            raise RuntimeError("no rebuild in progress")
        records, documents = self._rebuilding
        with self._errors("切换索引别名 (swap aliases)"):
            self._client.indices.refresh(index=f"{records},{documents}")
            old = set(self._alias_indices(self.name)) | set(self._alias_indices(self.documents_alias))
            self._client.indices.update_aliases(actions=swap_actions(self.name, records, documents, old))
        log.info("aliases %s, %s now on %s, %s; removed %s", self.name, self.documents_alias, records, documents,
                 sorted(old) or "nothing")
        self._rebuilding = None
        self._records_target, self._documents_target = self.name, self.documents_alias

    def abort_rebuild(self) -> None:
        """Drop the unfinished new version; the aliases never moved."""
        if not self._rebuilding:
            return
        indices = ",".join(self._rebuilding)
        self._rebuilding = None
        self._records_target, self._documents_target = self.name, self.documents_alias
        with self._errors("删除未完成的索引 (drop unfinished index)"):
            self._client.options(ignore_status=404).indices.delete(index=indices)

    @contextmanager
    def rebuild(self) -> Iterator[ElasticIndex]:
        """`with index.rebuild(): ingest(...)` — swap in the new version only on success."""
        self.begin_rebuild()
        try:
            yield self
        except BaseException:
            self.abort_rebuild()
            raise
        self.finish_rebuild()

    def drop(self) -> None:
        """Delete every version of this deployment's indices and its templates (tests)."""
        with self._errors("删除索引 (delete indices)"):
            concrete: set[str] = set()
            for pattern in (f"{self.name}-v*", f"{self.name}-documents-v*"):
                response = self._client.indices.get(index=pattern, allow_no_indices=True, expand_wildcards="all")
                concrete.update(response.body if hasattr(response, "body") else response)
            # One name at a time: wildcard deletes are refused (action.destructive_requires_name).
            for index in sorted(concrete):
                self._client.options(ignore_status=404).indices.delete(index=index)
            for template in (f"{self.name}-records", f"{self.name}-documents"):
                self._client.options(ignore_status=404).indices.delete_index_template(name=template)
        self._rebuilding = None
        self._records_target, self._documents_target = self.name, self.documents_alias

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------ writing

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send actions through streaming_bulk; the items that failed for good."""
        from elasticsearch import helpers

        failures: list[dict[str, Any]] = []
        # raise_on_error=False: with True the helper raises BulkIndexError for a chunk with a
        # 429 item instead of retrying it; failures are collected and rolled back instead.
        for ok, item in helpers.streaming_bulk(
                self._client, actions, chunk_size=self._chunk_size, max_chunk_bytes=self._max_chunk_bytes,
                max_retries=self._bulk_max_retries, initial_backoff=self._initial_backoff,
                max_backoff=self._max_backoff, raise_on_error=False, raise_on_exception=True, yield_ok=False):
            if not ok:
                failures.append(item)
        return failures

    def _existing(self, document: IndexedDocument) -> set[str]:
        """The doc ids this document replaces: entries with its doc_id or its path, and
        whatever those entries were themselves replacing when a write was interrupted."""
        response = self._client.search(
            index=self._documents_target, size=1000, source_includes=["doc_id", "replaces"],
            query={"bool": {"should": [{"term": {"doc_id": document.doc_id}}, {"term": {"path": document.path}}],
                            "minimum_should_match": 1}})
        ids: set[str] = set()
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            ids.add(source["doc_id"])
            ids.update(source.get("replaces") or [])
        return ids

    def add_document(self, document: IndexedDocument, records: list[IndexRecord]) -> None:
        tokens = [r.tokens or self.analyzer.index_text(r.text) for r in records]
        generation = self._next_seq(len(records))
        records_index, documents_index = self._records_target, self._documents_target
        with self._errors("写入索引 (index write)"):
            previous = self._existing(document)
            # 1. The entry, incomplete, naming what it replaces (so a crash is repaired later).
            self._client.index(index=documents_index, id=document.doc_id, refresh=True,
                               document=document_source(document, len(records), complete=False,
                                                        generation=generation, replaces=previous - {document.doc_id}))
            # 2. The records, under a fresh generation (never overwriting the previous version).
            actions = ({"_op_type": "index", "_index": records_index, "_id": f"{record.record_id}@{generation}",
                        "_source": record_source(document, record, pair, generation + i, generation)}
                       for i, (record, pair) in enumerate(zip(records, tokens)))
            failures = self._bulk(actions)
            if failures:
                self._client.delete_by_query(index=records_index, conflicts="proceed", refresh=True,
                                             query={"term": {"generation": generation}})
                first = next(iter(failures[0].values()), {})
                raise IndexUnavailable(
                    f"{len(failures)} 条记录写入失败 / {len(failures)} record(s) failed to index: "
                    f"{first.get('status')} {first.get('error')}")
            # 3. Older entries at the same path go; the records of every replaced version go.
            for old in sorted(previous - {document.doc_id}):
                self._client.options(ignore_status=404).delete(index=documents_index, id=old, refresh=True)
            self._client.delete_by_query(
                index=records_index, conflicts="proceed", refresh=self._refresh,
                query={"bool": {"filter": [{"terms": {"doc_id": sorted(previous | {document.doc_id})}}],
                                "must_not": [{"term": {"generation": generation}}]}})
            # 4. Commit point: the entry is complete.
            self._client.index(index=documents_index, id=document.doc_id, refresh=True,
                               document=document_source(document, len(records), complete=True,
                                                        generation=generation))
            self._after_write(records_index)

    def delete_document(self, doc_id: str) -> bool:
        records_index, documents_index = self._records_target, self._documents_target
        with self._errors("删除文档 (delete document)"):
            entry = self._client.options(ignore_status=404).get(index=documents_index, id=doc_id,
                                                                source_includes=["replaces"])
            found = bool(entry.get("found"))
            replaced = set((entry.get("_source") or {}).get("replaces") or []) if found else set()
            self._client.delete_by_query(index=records_index, conflicts="proceed", refresh=self._refresh,
                                         query={"terms": {"doc_id": sorted(replaced | {doc_id})}})
            if found:
                self._client.options(ignore_status=404).delete(index=documents_index, id=doc_id, refresh=True)
            self._after_write(records_index)
        return found

    def batch(self, wait: bool = True) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # each document is already one bulk request; no lock to wait for

    def settle(self, written: int) -> None:
        pass  # Elasticsearch merges its segments itself, in the background

    def generation(self) -> int | None:
        return None  # other writers may change a cluster at any time: nothing to key a cache on

    def has_content(self, content_hash: str) -> bool:
        with self._errors("查询 (lookup)"):
            response = self._client.count(index=self._documents_target, query={"bool": {"filter": [
                {"term": {"content_hash": content_hash}}, {"term": {"complete": True}}]}})
        return response["count"] > 0

    # ------------------------------------------------------------------ reading

    def search(self, request: SearchRequest) -> SearchResult:
        body = search_body(request)
        with self._errors("检索 (search)"):
            response = self._client.search(
                index=self.name, query=body["query"], sort=body["sort"], from_=body["from"], size=body["size"],
                track_total_hits=True, track_scores=body.get("track_scores"), aggs=body.get("aggs"),
                source_excludes=body["_source"]["excludes"])
        words = request.text.highlight
        hits = [hit_from_source(h["_source"], h.get("_score"), words) for h in response["hits"]["hits"]]
        aggregations = response.get("aggregations") or {}
        facets = {name: {str(b["key"]): b["doc_count"] for b in aggregations.get(name, {}).get("buckets", [])}
                  for name in request.facets if name in FACET_COLUMNS}
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _scan(self, index: str, query: dict[str, Any], **kwargs: Any) -> Iterator[dict[str, Any]]:
        from elasticsearch import helpers

        yield from helpers.scan(self._client, query={"query": query}, index=index, size=1000, **kwargs)

    def aggregate_metric(self, metric_key: str, filters: dict[str, list[str]] | None = None) -> list[MetricValue]:
        clauses = filter_clauses({**(filters or {}), "record_type": ["metric"]})
        clauses.append({"term": {"metric_key": metric_key}})
        with self._errors("汇总 (aggregate)"):
            rows = [h["_source"] for h in self._scan(
                self.name, {"bool": {"filter": clauses}},
                source_includes=["doc_id", "unit", "year", "kind", "payload", "location", "seq"])]
        rows.sort(key=lambda s: metric_order(s.get("year"), s.get("unit"), s.get("seq") or 0))
        values: dict[str, MetricValue] = {}
        for source in rows:
            location = source.get("location") or {}
            current = values.get(source["doc_id"])
            # The table figure wins over a sentence figure of the same document.
            if current is None or ("table" in location and "table" not in current.location):
                value = (source.get("payload") or {}).get("value")
                if value is None:
                    continue
                values[source["doc_id"]] = MetricValue(source["doc_id"], source.get("unit"), source.get("year"),
                                                       source.get("kind"), Decimal(str(value)), location)
        return list(values.values())

    def documents(self, filters: dict[str, list[str]] | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[IndexedDocument]:
        clauses = []
        for name in DOCUMENT_FILTERS:
            values = [v for v in (filters or {}).get(name) or [] if v not in (None, "")]
            if values:
                clauses.append({"terms": {name: [int(v) if name == "year" else str(v) for v in values]}})
        with self._errors("列出文档 (list documents)"):
            sources = [h["_source"] for h in self._scan(self.documents_alias, {"bool": {"filter": clauses}},
                                                        source_excludes=["parse_json"])]
        # The SQLite order: year descending (missing last), then unit (missing first).
        sources.sort(key=lambda s: (s.get("year") is None, -(s.get("year") or 0),
                                    s.get("unit") is not None, s.get("unit") or ""))
        sources = sources[offset:None if limit is None else offset + limit]
        return [indexed_document_from_source(s, with_parse=False) for s in sources]

    def document(self, doc_id: str) -> IndexedDocument | None:
        with self._errors("读取文档 (get document)"):
            response = self._client.options(ignore_status=404).get(index=self.documents_alias, id=doc_id)
        if not response.get("found"):
            return None
        return indexed_document_from_source(response["_source"], with_parse=True)

    def _distinct(self, index: str, field: str) -> list[Any]:
        """Every distinct value of a keyword/integer field, in order (composite paging)."""
        values: list[Any] = []
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": 1000, "sources": [{"v": {"terms": {"field": field}}}]}
            if after:
                composite["after"] = after
            response = self._client.search(index=index, size=0, aggs={"values": {"composite": composite}})
            aggregation = response["aggregations"]["values"]
            values.extend(b["key"]["v"] for b in aggregation["buckets"])
            after = aggregation.get("after_key")
            if not aggregation["buckets"] or not after:
                return values

    def stats(self) -> dict[str, Any]:
        with self._errors("统计 (stats)"):
            records = self._client.search(index=self.name, size=0, track_total_hits=True, aggs={
                "types": {"terms": {"field": "record_type", "size": 100, "order": {"_key": "asc"}}}})
            documents = self._client.search(index=self.documents_alias, size=0, track_total_hits=True, aggs={
                "kinds": {"terms": {"field": "kind", "size": 100, "missing": "None", "order": {"_key": "asc"}}}})
            units = [u for u in self._distinct(self.documents_alias, "unit") if u]
            years = [y for y in self._distinct(self.documents_alias, "year") if y]
        by_type = {b["key"]: b["doc_count"] for b in records["aggregations"]["types"]["buckets"]}
        by_kind = {str(b["key"]): b["doc_count"] for b in documents["aggregations"]["kinds"]["buckets"]}
        return {
            "documents": documents["hits"]["total"]["value"],
            "records": records["hits"]["total"]["value"],
            "records_by_type": by_type,
            "documents_by_kind": by_kind,
            "units": units,
            "years": years,
        }


def _reason(error: Any) -> str:
    """The root cause Elasticsearch gave for an API error, if any."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        cause = (body.get("error") or {}) if isinstance(body.get("error"), dict) else {}
        root = (cause.get("root_cause") or [{}])[0]
        return str(root.get("reason") or cause.get("reason") or "")
    return ""


def _transport_reason(error: Any) -> str:
    message = str(getattr(error, "message", "") or error)
    if "refused" in message.lower():
        return "连接被拒绝 (connection refused)"
    if "timed out" in message.lower() or "timeout" in type(error).__name__.lower():
        return "连接超时 (connection timed out)"
    return message
