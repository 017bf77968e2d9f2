"""The index contract: what every backend (SQLite FTS5, Elasticsearch) does, and the
request/result types the CLI and the web app use. One contract test suite
(tests/test_index_contract.py) runs against each backend.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ContextManager, Protocol

from indexer.records import IndexedDocument, IndexRecord

SORTS = ("relevance", "amount", "-amount", "year")
FACET_FIELDS = ("unit", "year", "kind", "province", "city", "county", "record_type", "table_kind")
# Filters a request may carry: field → the record column it constrains.
FILTER_FIELDS = ("unit", "year", "kind", "scope", "province", "city", "county", "record_type",
                 "table_kind", "doc_id", "region")
# Relevance, in every backend: record types people look for (rows, forms, figures) above long prose.
TYPE_WEIGHTS = {"line_item": 1.4, "form": 1.4, "metric": 1.2, "self_evaluation": 1.2, "table": 1.0, "section": 0.8}
MAX_LIMIT = 100
# Deep pages cost as much as all pages before them: beyond this offset, narrow the search.
MAX_OFFSET = 10_000


class IndexUnavailable(Exception):
    """A backend failure a user should read (a locked or corrupt index, an unreachable server)."""


class WriterBusy(Exception):
    """`batch(wait=False)`: another process is writing the index right now."""


@dataclass(frozen=True)
class TextQuery:
    """What to match, already analysed: every group must match (a group is alternatives:
    a term and its synonyms); phrases match token sequences; excluded groups must not."""

    required: tuple[tuple[str, ...], ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    highlight: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.required or self.phrases)


@dataclass
class SearchRequest:
    text: TextQuery = field(default_factory=TextQuery)
    filters: dict[str, list[str]] = field(default_factory=dict)
    min_amount: Decimal | None = None
    min_inclusive: bool = True
    max_amount: Decimal | None = None
    max_inclusive: bool = True
    sort: str = "relevance"
    page: int = 1
    limit: int = 20
    facets: tuple[str, ...] = FACET_FIELDS
    include_subtotals: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


@dataclass
class Hit:
    record_type: str
    record_id: str
    doc_id: str
    unit: str | None
    year: int | None
    kind: str | None
    title: str | None
    name: str
    table_kind: str | None
    group: str | None
    is_subtotal: bool
    amount_yuan: Decimal | None
    snippet: str  # HTML: escaped text with <mark> around matched words
    location: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0

    def to_json(self) -> dict[str, Any]:
        amount = self.amount_yuan
        return {
            "record_type": self.record_type, "record_id": self.record_id, "doc_id": self.doc_id,
            "unit": self.unit, "year": self.year, "kind": self.kind, "title": self.title, "name": self.name,
            "table_kind": self.table_kind, "group": self.group, "is_subtotal": self.is_subtotal,
            "amount_yuan": None if amount is None else (int(amount) if amount == amount.to_integral_value() else float(amount)),
            "snippet": self.snippet, "location": self.location,
        }


@dataclass
class SearchResult:
    """One page of hits. Work that grows with the corpus is bounded: when a search matches
    more rows than a backend counts exactly, `total_exact` is False and `total` is an
    estimate; when facets were counted over a sample of the matches, `facets_sample` is the
    sample's size (counts are then the sample's, scaled to the estimated total)."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    total_exact: bool = True
    facets_sample: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "total_exact": self.total_exact, "facets_sample": self.facets_sample,
                "hits": [h.to_json() for h in self.hits], "facets": self.facets}


@dataclass
class MetricValue:
    doc_id: str
    unit: str | None
    year: int | None
    kind: str | None
    value: Decimal
    location: dict[str, Any]


def metric_order(year: int | None, unit: str | None, position: int) -> tuple:
    """The order `aggregate_metric` returns values in, on every backend: by year, then unit
    (a missing one first, as SQL sorts NULL), then the record's place in the index."""
    return (year is not None, year or 0, unit is not None, unit or "", position)


class IndexBackend(Protocol):
    """What the indexer writes through and the CLI and web app read through."""

    def add_document(self, document: IndexedDocument, records: list[IndexRecord]) -> None:
        """Add a document with its records, replacing any document with the same doc_id or
        path, atomically: a crash leaves the old version or the new one, never half."""

    def delete_document(self, doc_id: str) -> bool: ...

    def batch(self, wait: bool = True) -> ContextManager[None]:
        """Group the documents added inside into fewer commits. The group is all-or-nothing:
        an error inside may undo every document of it and propagates, so the caller adds
        them again one at a time. A backend without the notion returns a context that does
        nothing. `wait=False`: raise `WriterBusy` at once, rather than wait, while another
        process writes.

        A backend that several processes can write at once (taking turns) also offers
        `worker_writer()`: a picklable callable that opens the same index anew in a parser
        process, where ingest then writes each worker's own batches (indexer/ingest.py)."""

    def settle(self, written: int) -> None:
        """Called once an ingest has written `written` documents: the backend's chance to
        merge what many small writes left (a backend that merges on its own does nothing)."""

    def has_content(self, content_hash: str) -> bool:
        """Whether a document with these exact bytes is indexed already."""

    def generation(self) -> int | None:
        """A number that changes whenever the index is written, so callers can cache what
        they derive from it (the QA catalogue of units); None when the backend cannot tell."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def aggregate_metric(self, metric_key: str, filters: dict[str, list[str]] | None = None) -> list[MetricValue]:
        """The metric's table figure (else its sentence figure) per document, for
        comparisons by unit and year."""

    def documents(self, filters: dict[str, list[str]] | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[IndexedDocument]:
        """The documents (without their parse), newest first; a page of them with `limit`."""

    def document(self, doc_id: str) -> IndexedDocument | None: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
