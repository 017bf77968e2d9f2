"""The search service shared by the CLI and the web app: what a person asks (a query in
the query language plus options) → an analysed `SearchRequest` → results.

Every option is validated here with a message that names it, so both surfaces reject bad
input the same way (the web turns `QueryError` into a 400).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from analyzers.amounts import parse_money
from indexer.index.contract import MAX_LIMIT, MAX_OFFSET, SORTS, IndexBackend, SearchRequest, SearchResult, TextQuery
from indexer.parsers.catalog import KIND_BY_KEY
from indexer.query import ParsedQuery, QueryError, parse_query, required_year
from indexer.records import RECORD_TYPES, RECORD_TYPE_LABELS

KINDS = {"budget": "budget", "预算": "budget", "final_account": "final_account", "决算": "final_account"}


@dataclass
class SearchOptions:
    query: str = ""
    unit: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    table_kind: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    min: str | None = None
    max: str | None = None
    sort: str = "relevance"
    page: int | str = 1
    limit: int | str = 20


def build_request(options: SearchOptions, analyzer: Any) -> tuple[SearchRequest, ParsedQuery]:
    parsed = parse_query(options.query or "")
    filters: dict[str, list[str]] = {}
    for name, values in parsed.filters.items():
        filters.setdefault(_filter_name(name), []).extend(values)
    for name in ("unit", "year", "kind", "type", "table_kind", "region"):
        filters.setdefault(_filter_name(name), []).extend(v for v in getattr(options, name) if v)
    filters = {k: _validated(k, v) for k, v in filters.items() if v}
    request = SearchRequest(text=text_query(parsed, analyzer), filters=filters)
    _apply_amounts(request, parsed, options)
    request.sort = _choice("sort", options.sort or "relevance", SORTS)
    request.limit = integer_option("limit", options.limit, 1, MAX_LIMIT)
    request.page = integer_option("page", options.page, 1, MAX_OFFSET // request.limit + 1)
    return request, parsed


def search(backend: IndexBackend, options: SearchOptions, analyzer: Any = None) -> SearchResult:
    if analyzer is None:
        from analyzers.tokenizer import get_analyzer

        analyzer = get_analyzer()
    request, _ = build_request(options, analyzer)
    return backend.search(request)


def text_query(parsed: ParsedQuery, analyzer: Any) -> TextQuery:
    required: list[tuple[str, ...]] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    highlight: list[str] = []
    for term in parsed.terms:
        if term.phrase and not term.negated:
            tokens = tuple(analyzer.cut(term.text))
            if tokens:
                phrases.append(tokens)
                highlight.append(analyzer.normalize(term.text))
            continue
        groups = [tuple(g) for g in analyzer.query_terms(term.text) if g]
        if term.negated:
            excluded.extend(groups)
        else:
            required.extend(groups)
            highlight.extend(alternative for group in groups for alternative in group)
    return TextQuery(tuple(required), tuple(phrases), tuple(excluded), tuple(dict.fromkeys(highlight)))


def _filter_name(name: str) -> str:
    return {"type": "record_type"}.get(name, name)


def _validated(name: str, values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        value = str(raw).strip()
        if name == "year":
            value = str(required_year(value))
        elif name == "kind":
            if value not in KINDS:
                raise QueryError("kind", f"类型“{value}”无效：可选 budget（预算）或 final_account（决算）")
            value = KINDS[value]
        elif name == "record_type":
            by_label = {label: key for key, label in RECORD_TYPE_LABELS.items()}
            value = by_label.get(value, value)
            if value not in RECORD_TYPES:
                raise QueryError("type", f"记录类型“{value}”无效：可选 {', '.join(RECORD_TYPES)}")
        elif name == "table_kind":
            if value not in KIND_BY_KEY:
                by_title = {kind.title: key for key, kind in KIND_BY_KEY.items()}
                if value not in by_title:
                    raise QueryError("table_kind", f"报表种类“{value}”无效")
                value = by_title[value]
        if len(value) > 200:
            raise QueryError(name, f"{name} 过长")
        out.append(value)
    return out


def _apply_amounts(request: SearchRequest, parsed: ParsedQuery, options: SearchOptions) -> None:
    if parsed.min_amount is not None:
        request.min_amount, request.min_inclusive = parsed.min_amount.yuan, parsed.min_amount.inclusive
    if parsed.max_amount is not None:
        request.max_amount, request.max_inclusive = parsed.max_amount.yuan, parsed.max_amount.inclusive
    for name in ("min", "max"):
        raw = getattr(options, name)
        if raw in (None, ""):
            continue
        try:
            value = parse_money(str(raw))
        except ValueError as error:
            raise QueryError(name, f"{name}：{error}") from None
        if value < 0 or value > Decimal("1e15"):
            raise QueryError(name, f"{name}：金额超出范围")
        if name == "min":
            request.min_amount, request.min_inclusive = value, True
        else:
            request.max_amount, request.max_inclusive = value, True
    if request.min_amount is not None and request.max_amount is not None and request.min_amount > request.max_amount:
        raise QueryError("min", "金额下限大于上限")


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise QueryError(name, f"{name}“{value}”无效：可选 {', '.join(allowed)}")
    return value


def integer_option(name: str, value: int | str, low: int, high: int) -> int:
    """A whole number within [low, high], or a QueryError naming the option."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise QueryError(name, f"{name}“{value}”不是整数") from None
    if not low <= number <= high:
        raise QueryError(name, f"{name} 应在 {low} 到 {high} 之间")
    return number
