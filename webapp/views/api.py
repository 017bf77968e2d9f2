"""The JSON API: the pages' data as DESIGN.md §4 contracts, and its OpenAPI document.

    GET /api/search                             SearchResult.to_json() + query, page, limit, links
    GET /api/documents                          the indexed documents (metadata, no parse)
    GET /api/documents/<doc_id>                 the whole parse contract plus index metadata
    GET /api/documents/<doc_id>/tables/<n>      one table of a document
    GET /api/documents/<doc_id>/forms/<n>       one performance form of a document
    GET /api/ask?q=…                            DESIGN.md §4's ask contract (+ links, nearest, rows,
                                                understood), every evidence with the URL of its source
    GET /api/compare?measure=…&unit=…&year=…    a metric or item by unit × year, 预算/决算/执行率
    GET /api/openapi.json                       OpenAPI 3.1 description of all of the above
                                                and of /search.csv, /search.xlsx, /search.atom,
                                                /compare.csv, /compare.xlsx

Amounts are numbers in yuan, missing values null. Bad parameters answer 400 with
{"error": "<中文说明>", "parameter": "<name>"}; unknown documents, tables and forms 404 with
the same shape. Unknown query parameters are ignored. The views catch `QueryError` and
`IndexUnavailable` themselves, so they never depend on an app-wide error handler.

The helpers here (search plumbing, URLs) are shared with views/exports.py; where a hit or a cited
figure leads is webapp/links.py, the same for the pages, this API and the exports.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from indexer.index.contract import (
    FACET_FIELDS,
    MAX_LIMIT,
    MAX_OFFSET,
    SORTS,
    Hit,
    IndexUnavailable,
    SearchRequest,
    SearchResult,
)
from indexer.parsers.catalog import KIND_BY_KEY
from indexer.query import AmountBound, ParsedQuery, QueryError, required_year
from indexer.records import RECORD_TYPE_LABELS, RECORD_TYPES, IndexedDocument
from indexer.search import KINDS, SearchOptions, build_request, integer_option
from webapp.backend import analyzer, backend
from webapp.links import absolute, document_path, hit_source, source
from webapp.params import KNOWN, MAX_LENGTH, MAX_VALUES, MONEY_UNITS, search_options
from webapp.qa import MAX_MEASURE, MAX_QUESTION, MAX_UNIT

blueprint = Blueprint("api", __name__)

DOCUMENT_FILTERS = ("unit", "year", "kind", "region")
MAX_DOC_ID = 128

# ------------------------------------------------------------------ errors


def error_response(message: str, parameter: str | None, status: int, **extra: Any) -> Response:
    response = jsonify({"error": message, "parameter": parameter, **extra})
    response.status_code = status
    return response


def parameter_of(error: QueryError) -> tuple[str, dict[str, Any]]:
    """The request parameter at fault. Options name themselves (year, min, …); problems
    inside the query language name the part (金额, 年度 …), which the person typed into `q`."""
    name = error.field
    if name in request.args or name in KNOWN or name in ("doc_id", "n", "measure"):
        return name, {}
    return "q", {"field": name}


def json_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """QueryError → 400, IndexUnavailable → 503, both as JSON naming the parameter."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            check_query_string()
            return view(*args, **kwargs)
        except QueryError as error:
            parameter, extra = parameter_of(error)
            return error_response(error.message or str(error), parameter, 400, **extra)
        except IndexUnavailable as error:
            return error_response(f"索引暂时不可用：{error}", None, 503)

    return wrapper


def check_query_string() -> None:
    limit = current_app.config.get("MAX_QUERY_STRING", 4_000)
    if len(request.query_string) > limit:
        sizes = {name: sum(len(v) for v in request.args.getlist(name)) for name in request.args}
        name = max(sizes, key=sizes.get) if sizes else "q"
        raise QueryError(name, f"查询参数过长（整个查询字符串最多 {limit} 个字符），请缩短参数 {name}")


def not_found(message: str, parameter: str) -> Response:
    return error_response(message, parameter, 404)


# ------------------------------------------------------------------ search plumbing


@dataclass
class Search:
    """One validated search of the current request."""

    options: SearchOptions
    request: SearchRequest
    parsed: ParsedQuery
    description: str = ""
    args: list[tuple[str, str]] = field(default_factory=list)


def current_search(default_limit: int = 20) -> Search:
    options = search_options(request, default_limit=default_limit)
    search_request, parsed = build_request(options, analyzer())
    return Search(options, search_request, parsed, describe(parsed, search_request), search_args())


def describe(parsed: ParsedQuery, search_request: SearchRequest) -> str:
    """What the whole search means in Chinese: the query text and every filter option."""
    filters: dict[str, list[str]] = {}
    for name, values in search_request.filters.items():
        key = {"record_type": "type"}.get(name, name)
        filters[key] = list(dict.fromkeys(filters.get(key, []) + list(values)))
    low = (AmountBound(search_request.min_amount, search_request.min_inclusive)
           if search_request.min_amount is not None else None)
    high = (AmountBound(search_request.max_amount, search_request.max_inclusive)
            if search_request.max_amount is not None else None)
    return ParsedQuery(terms=list(parsed.terms), filters=filters, min_amount=low, max_amount=high).describe()


def search_args(drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The request's search parameters, in order, without unknown ones (and without `drop`)."""
    dropped = set(drop)
    return [(name, value) for name, value in request.args.items(multi=True)
            if name in KNOWN and name not in dropped and value != ""]


def site_url(path: str, args: list[tuple[str, str]] | None = None) -> str:
    """An absolute URL on this site (respecting a script root)."""
    url = request.url_root.rstrip("/") + path
    return url + ("?" + urlencode(args) if args else "")


def iterate_hits(search_request: SearchRequest, limit: int) -> Iterable[tuple[SearchResult, list[Hit]]]:
    """The whole result set in chunks of MAX_LIMIT (never more than `limit` hits, and never
    deeper than the backend pages: MAX_OFFSET + MAX_LIMIT): page 1, 2, … of MAX_LIMIT hits,
    each one backend search without facets, until a short page. An estimated total
    (`total_exact` False) does not end it early: the estimate may be low."""
    limit = min(limit, MAX_OFFSET + MAX_LIMIT)
    seen = 0
    page = 1
    while seen < limit:
        chunk = SearchRequest(text=search_request.text, filters=search_request.filters,
                              min_amount=search_request.min_amount, min_inclusive=search_request.min_inclusive,
                              max_amount=search_request.max_amount, max_inclusive=search_request.max_inclusive,
                              sort=search_request.sort, page=page, limit=MAX_LIMIT, facets=(),
                              include_subtotals=search_request.include_subtotals)
        result = backend().search(chunk)
        hits = result.hits[:limit - seen]
        if not hits:
            return
        yield result, hits
        seen += len(hits)
        if len(result.hits) < MAX_LIMIT or (result.total_exact and seen >= result.total):
            return
        page += 1


def export_capacity() -> int:
    """Rows one download may hold: EXPORT_LIMIT, within what the backend can page to."""
    try:
        limit = int(current_app.config.get("EXPORT_LIMIT", 10_000))
    except (TypeError, ValueError):
        limit = 10_000
    return max(1, min(limit, MAX_OFFSET + MAX_LIMIT))


# ------------------------------------------------------------------ documents


def _document_summary(document: IndexedDocument) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id, "unit": document.unit, "year": document.year, "kind": document.kind,
        "scope": document.scope, "province": document.province, "city": document.city,
        "county": document.county, "title": document.title, "warning_count": len(document.warnings or []),
        "url": site_url(document_path(document.doc_id)),
        "api_url": site_url("/api" + document_path(document.doc_id)),
    }


def _document_filters() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """year/kind go to the backend (exact); unit (contains) and region (prefix of 省/市/区县)
    are matched here the way /api/search matches them."""
    backend_filters: dict[str, list[str]] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if name in DOCUMENT_FILTERS and len(values) > MAX_VALUES:
            raise QueryError(name, f"参数 {name} 的取值过多（最多 {MAX_VALUES} 个）")
        if name in DOCUMENT_FILTERS and any(len(v) > MAX_LENGTH for v in values):
            raise QueryError(name, f"参数 {name} 过长（最多 {MAX_LENGTH} 个字符）")
    years = []
    for raw in request.args.getlist("year"):
        if not raw.strip().rstrip("年"):
            continue
        years.append(str(required_year(raw)))
    kinds = []
    for raw in request.args.getlist("kind"):
        value = raw.strip()
        if not value:
            continue
        if value not in KINDS:
            raise QueryError("kind", f"类型“{raw[:30]}”无效：可选 budget（预算）或 final_account（决算）")
        kinds.append(KINDS[value])
    if years:
        backend_filters["year"] = years
    if kinds:
        backend_filters["kind"] = kinds
    units = [v.strip() for v in request.args.getlist("unit") if v.strip()]
    regions = [v.strip() for v in request.args.getlist("region") if v.strip()]
    return backend_filters, units, regions


@blueprint.get("/api/documents")
@json_errors
def documents() -> Any:
    backend_filters, units, regions = _document_filters()
    page = integer_option("page", request.args.get("page") or 1, 1, 10**6)
    limit = integer_option("limit", request.args.get("limit") or DOCUMENTS_LIMIT, 1, DOCUMENTS_MAX_LIMIT)
    start = (page - 1) * limit
    if units or regions:  # matched here: the whole filtered list, then the page
        listed = backend().documents(backend_filters or None)
        if units:
            listed = [d for d in listed if d.unit and any(u in d.unit for u in units)]
        if regions:
            listed = [d for d in listed
                      if any((place or "").startswith(r) for r in regions for place in (d.province, d.city, d.county))]
        total, listed = len(listed), listed[start:start + limit]
    elif backend_filters:
        listed = backend().documents(backend_filters)
        total, listed = len(listed), listed[start:start + limit]
    else:
        total = backend().stats()["documents"]
        listed = backend().documents(limit=limit, offset=start)
    return jsonify({"total": total, "page": page, "limit": limit,
                    "documents": [_document_summary(d) for d in listed]})


# A page of the document list: at 10 000 documents the whole list is 3 MB of JSON.
DOCUMENTS_LIMIT = 100
DOCUMENTS_MAX_LIMIT = 1000



def _lookup(doc_id: str) -> IndexedDocument | None:
    if not doc_id or len(doc_id) > MAX_DOC_ID:
        return None
    return backend().document(doc_id)


def _missing_document(doc_id: str) -> Response:
    return not_found(f"没有找到文档 {doc_id[:MAX_DOC_ID]}：索引中没有这个文档ID", "doc_id")


@blueprint.get("/api/documents/<doc_id>")
@json_errors
def document(doc_id: str) -> Any:
    found = _lookup(doc_id)
    if found is None:
        return _missing_document(doc_id)
    parse = dict(found.parse_json or {})
    body = {
        "doc_id": found.doc_id, "content_hash": found.content_hash,
        "url": site_url(document_path(found.doc_id)), "api_url": site_url("/api" + document_path(found.doc_id)),
        "metadata": _document_summary(found),
        **parse,
    }
    body.setdefault("document", {k: v for k, v in found.facets.items()} | {"title": found.title})
    body.setdefault("warnings", list(found.warnings or []))
    return jsonify(body)


def _part(doc_id: str, n: int, key: str, noun: str, parameter: str = "n") -> tuple[IndexedDocument | None, Any]:
    found = _lookup(doc_id)
    if found is None:
        return None, _missing_document(doc_id)
    items = (found.parse_json or {}).get(key) or []
    if not 0 <= n < len(items):
        return None, not_found(f"文档 {doc_id} 没有第 {n} 个{noun}（共 {len(items)} 个，编号从 0 开始）", parameter)
    return found, items[n]


def _part_body(found: IndexedDocument, n: int, kind: str, item: dict[str, Any]) -> dict[str, Any]:
    info = (found.parse_json or {}).get("document") or {}
    count = len((found.parse_json or {}).get(f"{kind}s") or [])
    path = f"{document_path(found.doc_id)}/{kind}s/{n}"
    return {
        "doc_id": found.doc_id, "index": n, "count": count,
        "document": {"title": info.get("title", found.title), "unit": info.get("unit", found.unit),
                     "year": info.get("year", found.year), "kind": info.get("kind", found.kind)},
        "url": site_url(path), "api_url": site_url("/api" + path),
        kind: item,
    }


@blueprint.get("/api/documents/<doc_id>/tables/<int:n>")
@json_errors
def table(doc_id: str, n: int) -> Any:
    found, item = _part(doc_id, n, "tables", "报表")
    if found is None:
        return item
    body = _part_body(found, n, "table", item)
    kind = item.get("kind")
    body["table_kind_label"] = KIND_BY_KEY[kind].title if kind in KIND_BY_KEY else None
    return jsonify(body)


@blueprint.get("/api/documents/<doc_id>/forms/<int:n>")
@json_errors
def form(doc_id: str, n: int) -> Any:
    found, item = _part(doc_id, n, "forms", "绩效目标表")
    if found is None:
        return item
    return jsonify(_part_body(found, n, "form", item))


# ------------------------------------------------------------------ search


def last_page(total: int, limit: int) -> int:
    return max(1, min(math.ceil(total / limit), MAX_OFFSET // limit + 1))


@blueprint.get("/api/search")
@json_errors
def search() -> Any:
    current = current_search()
    result = backend().search(current.request)
    page, limit = current.request.page, current.request.limit
    pages = last_page(result.total, limit)
    body = result.to_json()
    query = current.options.query
    for hit, data in zip(result.hits, body["hits"]):  # links from the hit alone (webapp/links.py)
        data["url"] = absolute(hit_source(hit, query)["url"])
        data["document_url"] = site_url(document_path(hit.doc_id))
    args = search_args(drop=("page",))

    def at(path: str, number: int | None = None) -> str:
        return site_url(path, args + ([("page", str(number))] if number and number > 1 else []))

    export_args = search_args(drop=("page", "limit"))
    body.update({
        "query": current.description,
        "page": page, "limit": limit, "pages": pages, "sort": current.request.sort,
        "links": {
            "self": at("/api/search", page),
            "first": at("/api/search", 1),
            "prev": at("/api/search", page - 1) if page > 1 else None,
            "next": at("/api/search", page + 1) if page < pages else None,
            "last": at("/api/search", pages),
            "html": at("/search", page),
            "csv": site_url("/search.csv", export_args),
            "xlsx": site_url("/search.xlsx", export_args),
            "atom": site_url("/search.atom", export_args),
        },
    })
    return jsonify(body)


# ------------------------------------------------------------------ questions and comparisons


def source_url(doc_id: str, location: dict[str, Any] | None, record_type: str | None = None) -> str:
    """The absolute URL of the page where a cited figure is seen (webapp/links.py; a bare
    location, so the document is loaded to find its table, form or section)."""
    return absolute(source(doc_id, location, record_type)["url"])


@blueprint.get("/api/ask")
@json_errors
def ask() -> Any:
    from indexer.qa import ask as answer_question
    from webapp.qa import question_param

    question = question_param(request.args)
    body = answer_question(backend(), question).to_json()
    for key in ("evidence", "nearest", "rows"):
        for item in body[key]:
            if item.get("doc_id"):
                item["url"] = source_url(item["doc_id"], item.get("location"))
                item["document_url"] = site_url(document_path(item["doc_id"]))
    body["links"] = {
        "self": site_url("/api/ask", [("q", question)]),
        "html": site_url("/ask", [("q", question)]),
        "search": site_url("/search", [("q", question)]),
    }
    return jsonify(body)


@blueprint.get("/api/compare")
@json_errors
def compare() -> Any:
    from webapp.qa import compare_params
    from webapp.views.qa import run_compare

    params = compare_params(request.args)
    comparison = run_compare(params)
    body = comparison.to_json()
    for row, data in zip(comparison.rows, body["rows"]):
        data["projects_url"] = site_url("/projects", [("unit", row.unit)])
        for year, cell in row.cells.items():
            for slot in ("budget", "final"):
                value = getattr(cell, slot)
                if value is not None:
                    data["cells"][str(year)][slot]["url"] = source_url(value.doc_id, value.location)
    args = params.args()
    body["links"] = {
        "self": site_url("/api/compare", args), "html": site_url("/compare", args),
        "csv": site_url("/compare.csv", args), "xlsx": site_url("/compare.xlsx", args),
    }
    return jsonify(body)


# ------------------------------------------------------------------ OpenAPI

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
_AMOUNT = {"type": ["number", "null"], "description": "金额（元），数字；缺失为 null"}
_LOCATION = {
    "type": "object", "description": "出处：PDF 的页码或文本的行号，以及报表/绩效目标表和表内行",
    "properties": {"page": {"type": "integer"}, "line": {"type": "integer"}, "end_line": {"type": "integer"},
                   "table": {"type": "string"}, "form": {"type": "string"}, "row": {"type": "integer"}},
}


def _list_param(name: str, description: str, items: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "style": "form", "explode": True, "schema": {"type": "array", "items": items, "maxItems": MAX_VALUES}}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def search_parameters(paged: bool = True) -> list[dict[str, str]]:
    names = ["q", "unit", "year", "kind", "type", "table_kind", "region", "min", "max", "unit_money", "sort"]
    if paged:
        names += ["page", "limit"]
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _components() -> dict[str, Any]:
    kinds = list(KINDS)
    record_types = list(RECORD_TYPES) + list(RECORD_TYPE_LABELS.values())
    table_kinds = list(KIND_BY_KEY)
    parameters = {
        "q": _param("q", "查询语言：词语（全部须出现）、\"短语\"、-排除、单位:… 年度:2023 类型:预算 地区:晋城 "
                         "记录:项目 表:项目支出、金额>=100万 / 10万-50万。可为空（只用筛选）。",
                    {"type": "string", "maxLength": MAX_LENGTH}),
        "unit": _list_param("unit", "单位名称（包含即可），可重复", {"type": "string"}),
        "year": _list_param("year", "年度，如 2023，可重复", {"type": "string", "pattern": "^\\d{4}年?$"}),
        "kind": _list_param("kind", "类型：budget（预算）或 final_account（决算），可重复",
                            {"type": "string", "enum": kinds}),
        "type": _list_param("type", "记录类型，可重复", {"type": "string", "enum": record_types}),
        "table_kind": _list_param("table_kind", "报表种类（英文键，或其中文表名），可重复",
                                  {"type": "string", "enum": table_kinds}),
        "region": _list_param("region", "地区（省、市或区县名称的开头，如 晋城），可重复", {"type": "string"}),
        "min": _param("min", "金额下限（含）：500000、50万、50万元、0.5亿；不带单位的数字按 unit_money 理解",
                      {"type": "string"}),
        "max": _param("max", "金额上限（含），写法同 min", {"type": "string"}),
        "unit_money": _param("unit_money", "min/max 不带单位时的金额单位", {"type": "string", "enum": list(MONEY_UNITS),
                                                                    "default": "万元"}),
        "sort": _param("sort", "排序：relevance 相关度、amount 金额升序、-amount 金额降序、year 年度（新在前）",
                       {"type": "string", "enum": list(SORTS), "default": "relevance"}),
        "page": _param("page", f"页码（从 1 开始；偏移不超过 {MAX_OFFSET}）",
                       {"type": "integer", "minimum": 1, "default": 1}),
        "limit": _param("limit", "每页条数", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}),
        "question": {"name": "q", "in": "query", "required": True,
                     "description": "一句话的问题，如 晋城市财政局2024年“三公”经费预算是多少？",
                     "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION}},
        "measure": {"name": "measure", "in": "query", "required": True,
                    "description": "要对比的指标（三公经费、公务接待费、机关运行经费、项目支出、公务用车数 …，"
                                   "或指标键 three_public_total 等）或一笔支出/项目的名称（培训费、物业管理费 …）",
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_MEASURE}},
        "compare_unit": _list_param("unit", "单位：全称或常用简称（市财政局、云冈区政府办），可重复；不给即全部单位。"
                                            "索引中没有的单位写入 notes", {"type": "string", "maxLength": MAX_UNIT}),
        "compare_year": _list_param("year", "年度，如 2023，可重复；不给即全部年度",
                                    {"type": "string", "pattern": "^\\d{4}年?度?$"}),
        "doc_id": {"name": "doc_id", "in": "path", "required": True, "description": "文档ID（/api/documents 列出）",
                   "schema": {"type": "string", "maxLength": MAX_DOC_ID}},
        "n": {"name": "n", "in": "path", "required": True, "description": "序号，从 0 开始",
              "schema": {"type": "integer", "minimum": 0}},
    }
    hit = {
        "type": "object",
        "required": ["record_type", "record_id", "doc_id", "unit", "year", "kind", "title", "name", "table_kind",
                     "group", "is_subtotal", "amount_yuan", "snippet", "location"],
        "properties": {
            "record_type": {"type": "string", "enum": list(RECORD_TYPES)},
            "record_id": {"type": "string"}, "doc_id": {"type": "string"},
            "unit": _NULLABLE_STRING, "year": _NULLABLE_INT,
            "kind": {"type": ["string", "null"], "enum": ["budget", "final_account", None]},
            "title": _NULLABLE_STRING, "name": {"type": "string"},
            "table_kind": _NULLABLE_STRING, "group": _NULLABLE_STRING, "is_subtotal": {"type": "boolean"},
            "amount_yuan": _AMOUNT,
            "snippet": {"type": "string", "description": "HTML：已转义的文本，匹配词以 <mark> 标出"},
            "location": {"$ref": "#/components/schemas/Location"},
            "url": {"type": "string", "format": "uri", "description": "出处页面（报表、绩效目标表、章节或文档）"},
            "document_url": {"type": "string", "format": "uri"},
        },
    }
    link = {"type": ["string", "null"], "format": "uri"}
    schemas = {
        "Error": {
            "type": "object", "required": ["error", "parameter"],
            "properties": {"error": {"type": "string", "description": "中文说明，指出出错的参数"},
                           "parameter": {"type": ["string", "null"], "description": "出错的参数名"},
                           "field": {"type": "string", "description": "查询语言中出错的部分（如 金额、年度）"}},
        },
        "Location": _LOCATION,
        "Hit": hit,
        "Facets": {"type": "object", "description": "字段 → {取值: 条数}（unit, year, kind, province, city, "
                                                    "county, record_type, table_kind）",
                   "propertyNames": {"enum": list(FACET_FIELDS)},
                   "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "SearchResponse": {
            "type": "object",
            "required": ["total", "total_exact", "facets_sample", "hits", "facets", "query", "page", "limit",
                         "pages", "links"],
            "properties": {
                "total": {"type": "integer", "minimum": 0,
                          "description": "结果总数；total_exact 为 false 时是估计值（页面显示为“约 N 条结果”）"},
                "total_exact": {"type": "boolean",
                                "description": "total 是否精确：极常见的词在大索引中只计到上限，其余按比例估算"},
                "facets_sample": {"type": ["integer", "null"], "minimum": 1,
                                  "description": "分面计数所基于的抽样条数（按比例换算到估计总数）；null 表示分面是精确计数"},
                "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                "facets": {"$ref": "#/components/schemas/Facets"},
                "query": {"type": "string", "description": "理解到的检索条件（中文）"},
                "page": {"type": "integer"}, "limit": {"type": "integer"}, "pages": {"type": "integer"},
                "sort": {"type": "string", "enum": list(SORTS)},
                "links": {"type": "object", "properties": {name: link for name in (
                    "self", "first", "prev", "next", "last", "html", "csv", "xlsx", "atom")}},
            },
        },
        "DocumentSummary": {
            "type": "object",
            "required": ["doc_id", "unit", "year", "kind", "scope", "province", "city", "county", "title",
                         "warning_count", "url"],
            "properties": {
                "doc_id": {"type": "string"}, "unit": _NULLABLE_STRING, "year": _NULLABLE_INT,
                "kind": {"type": ["string", "null"], "enum": ["budget", "final_account", None]},
                "scope": {"type": ["string", "null"], "enum": ["unit", "department", None]},
                "province": _NULLABLE_STRING, "city": _NULLABLE_STRING, "county": _NULLABLE_STRING,
                "title": _NULLABLE_STRING, "warning_count": {"type": "integer", "minimum": 0},
                "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"},
            },
        },
        "DocumentList": {
            "type": "object", "required": ["total", "page", "limit", "documents"],
            "properties": {"total": {"type": "integer"}, "page": {"type": "integer", "minimum": 1},
                           "limit": {"type": "integer", "minimum": 1, "maximum": DOCUMENTS_MAX_LIMIT},
                           "documents": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentSummary"}}},
        },
        "Table": {
            "type": "object", "required": ["title", "kind", "money_unit", "header", "rows", "empty", "location"],
            "properties": {
                "title": {"type": "string"}, "kind": {"type": ["string", "null"]},
                "money_unit": _NULLABLE_STRING,
                "header": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                "empty": {"type": "boolean"}, "location": {"$ref": "#/components/schemas/Location"},
            },
        },
        "Form": {
            "type": "object",
            "required": ["project", "total_funds_yuan", "annual_funds_yuan", "indicators", "location"],
            "properties": {
                "project": _NULLABLE_STRING, "department": _NULLABLE_STRING, "implementer": _NULLABLE_STRING,
                "attribute": _NULLABLE_STRING, "period": _NULLABLE_STRING,
                "total_funds_yuan": _AMOUNT, "annual_funds_yuan": _AMOUNT,
                "funding": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": _AMOUNT}},
                "texts": {"type": "object", "additionalProperties": {"type": "string"}},
                "indicators": {"type": "array", "items": {"type": "object", "properties": {
                    "level1": _NULLABLE_STRING, "level2": _NULLABLE_STRING, "level3": {"type": "string"},
                    "value": {"type": "string"}, "op": _NULLABLE_STRING, "number": {"type": ["number", "null"]},
                    "unit": _NULLABLE_STRING, "side": {"type": "string", "enum": ["period", "annual"]}}}},
                "location": {"$ref": "#/components/schemas/Location"},
            },
        },
        "PartContext": {
            "type": "object", "required": ["doc_id", "index", "count", "document", "url"],
            "properties": {
                "doc_id": {"type": "string"}, "index": {"type": "integer"}, "count": {"type": "integer"},
                "document": {"type": "object", "properties": {"title": _NULLABLE_STRING, "unit": _NULLABLE_STRING,
                                                              "year": _NULLABLE_INT, "kind": _NULLABLE_STRING}},
                "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"},
            },
        },
        "TableResponse": {"allOf": [{"$ref": "#/components/schemas/PartContext"}, {
            "type": "object", "required": ["table"],
            "properties": {"table": {"$ref": "#/components/schemas/Table"},
                           "table_kind_label": _NULLABLE_STRING}}]},
        "FormResponse": {"allOf": [{"$ref": "#/components/schemas/PartContext"}, {
            "type": "object", "required": ["form"], "properties": {"form": {"$ref": "#/components/schemas/Form"}}}]},
        "DocumentDetail": {
            "type": "object", "description": "`disclosure parse --json` 的完整解析结果（DESIGN.md §4），加上索引元数据",
            "required": ["doc_id", "metadata", "document", "sections", "tables", "line_items", "forms",
                         "self_evaluations", "metrics", "warnings"],
            "properties": {
                "doc_id": {"type": "string"}, "content_hash": {"type": "string"},
                "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"},
                "metadata": {"$ref": "#/components/schemas/DocumentSummary"},
                "document": {"type": "object", "properties": {
                    "unit": _NULLABLE_STRING, "year": _NULLABLE_INT, "kind": _NULLABLE_STRING,
                    "scope": _NULLABLE_STRING, "province": _NULLABLE_STRING, "city": _NULLABLE_STRING,
                    "county": _NULLABLE_STRING, "title": _NULLABLE_STRING}},
                "sections": {"type": "array", "items": {"type": "object", "properties": {
                    "heading_path": {"type": "array", "items": {"type": "string"}}, "text": {"type": "string"},
                    "location": {"$ref": "#/components/schemas/Location"}}}},
                "tables": {"type": "array", "items": {"$ref": "#/components/schemas/Table"}},
                "line_items": {"type": "array", "items": {"type": "object", "properties": {
                    "table_kind": _NULLABLE_STRING, "code": _NULLABLE_STRING, "name": {"type": "string"},
                    "amount_yuan": _AMOUNT, "amounts_yuan": {"type": "object", "additionalProperties": _AMOUNT},
                    "is_subtotal": {"type": "boolean"}, "group": _NULLABLE_STRING,
                    "location": {"$ref": "#/components/schemas/Location"}}}},
                "forms": {"type": "array", "items": {"$ref": "#/components/schemas/Form"}},
                "self_evaluations": {"type": "array", "items": {"type": "object", "properties": {
                    "project": {"type": "string"}, "budget_yuan": _AMOUNT, "executed_yuan": _AMOUNT,
                    "execution_rate": {"type": ["number", "null"]}, "score": {"type": ["number", "null"]},
                    "location": {"$ref": "#/components/schemas/Location"}}}},
                "metrics": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string"}, "label": {"type": "string"}, "value": {"type": "number"},
                    "unit": {"type": "string"}, "source": {"$ref": "#/components/schemas/Location"}}}},
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
    schemas.update(_qa_schemas(link))
    error = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses = {
        "BadRequest": error | {"description": "参数有误：error 说明原因，parameter 指出参数"},
        "NotFound": error | {"description": "没有这个文档、报表或绩效目标表"},
        "Unavailable": error | {"description": "索引暂时不可用"},
    }
    return {"parameters": parameters, "schemas": schemas, "responses": responses}


def _qa_schemas(link: dict[str, Any]) -> dict[str, Any]:
    """The ask contract (DESIGN.md §4) and the comparison, as /api/ask and /api/compare return them."""
    location = {"$ref": "#/components/schemas/Location"}
    number_or_text = {"type": ["number", "string", "null"]}
    cited = {  # a cited fact of `nearest` and `rows`
        "type": "object",
        "properties": {
            "unit": _NULLABLE_STRING, "year": _NULLABLE_INT,
            "kind": {"type": ["string", "null"], "enum": ["budget", "final_account", None]},
            "basis": {"type": ["string", "null"], "enum": ["budget", "final_account", None]},
            "label": {"type": "string"}, "value": number_or_text, "value_unit": _NULLABLE_STRING,
            "display": {"type": "string", "description": "数字在句子中的写法：4.00万元（40,000元）"},
            "doc_id": {"type": "string"}, "location": location, "location_text": {"type": "string"},
            "excerpt": {"type": "string"}, "url": {"type": "string", "format": "uri"},
            "document_url": {"type": "string", "format": "uri"},
        },
    }
    value = {
        "type": ["object", "null"], "required": ["value", "display", "doc_id", "location"],
        "properties": {
            "value": number_or_text, "display": {"type": "string"}, "doc_id": {"type": "string"},
            "name": {"type": "string", "description": "文件中的名称（如 2023培训费）"},
            "location": location, "location_text": {"type": "string"}, "excerpt": {"type": "string"},
            "source": {"type": "string", "description": "table | sentence | form | self_evaluation | line_item | derived"},
            "url": {"type": "string", "format": "uri", "description": "出处页面（报表该行、绩效目标表或章节）"},
        },
    }
    return {
        "Evidence": {
            "type": "object", "required": ["doc_id", "unit", "year", "title", "location", "excerpt"],
            "properties": {
                "doc_id": {"type": "string"}, "unit": _NULLABLE_STRING, "year": _NULLABLE_INT,
                "title": _NULLABLE_STRING, "location": location,
                "location_text": {"type": "string", "description": "第402行 › 报表 › 表内第8行"},
                "excerpt": {"type": "string", "description": "原文：表格一行的各单元格，或一句话"},
                "url": {"type": "string", "format": "uri", "description": "出处页面（报表该行、绩效目标表或章节）"},
                "document_url": {"type": "string", "format": "uri"},
            },
        },
        "CitedFact": cited,
        "AskResponse": {
            "type": "object", "description": "DESIGN.md §4 的 ask 契约，另加 nearest、rows、understood、links",
            "required": ["question", "found", "answer", "value", "unit", "evidence"],
            "properties": {
                "question": {"type": "string"}, "found": {"type": "boolean"},
                "answer": {"type": "string", "description": "一句中文回答；found 为 false 时以“无相关数据”开头"},
                "value": {"type": ["number", "string", "null"],
                          "description": "金额为元（unit 为 元）；计数配量词（个、辆）；比率为百分数（%）；未找到为 null"},
                "unit": _NULLABLE_STRING,
                "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}},
                "nearest": {"type": "array", "description": "未找到时，找到的相近数据（并非所问）",
                            "items": {"$ref": "#/components/schemas/CitedFact"}},
                "rows": {"type": "array", "description": "排名与列表的逐项数据",
                         "items": {"$ref": "#/components/schemas/CitedFact"}},
                "understood": {"type": "object", "description": "对问题的理解：单位、年度、口径、指标、问题类型"},
                "links": {"type": "object", "properties": {name: link for name in ("self", "html", "search")}},
            },
        },
        "CompareValue": value,
        "CompareCell": {
            "type": "object", "required": ["budget", "final", "execution_rate"],
            "properties": {"budget": {"$ref": "#/components/schemas/CompareValue"},
                           "final": {"$ref": "#/components/schemas/CompareValue"},
                           "execution_rate": {"type": ["number", "null"], "description": "决算 ÷ 预算，百分数"}},
        },
        "CompareResponse": {
            "type": "object",
            "required": ["measure", "label", "kind", "key", "value_unit", "years", "rows", "notes"],
            "properties": {
                "measure": {"type": "string", "description": "所问"}, "label": {"type": "string", "description": "理解为"},
                "kind": {"type": "string", "enum": ["metric", "item", "unknown"]}, "key": _NULLABLE_STRING,
                "value_unit": {"type": "string", "description": "数值的单位：元、个、辆"},
                "years": {"type": "array", "items": {"type": "integer"}},
                "rows": {"type": "array", "items": {
                    "type": "object", "required": ["unit", "cells"],
                    "properties": {"unit": {"type": "string"},
                                   "cells": {"type": "object", "description": "年度 → 预算、决算与执行率",
                                             "additionalProperties": {"$ref": "#/components/schemas/CompareCell"}},
                                   "projects_url": {"type": "string", "format": "uri"}}}},
                "notes": {"type": "array", "items": {"type": "string"}},
                "links": {"type": "object", "properties": {name: link for name in ("self", "html", "csv", "xlsx")}},
            },
        },
    }


def _json_ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_ERRORS = {"400": {"$ref": "#/components/responses/BadRequest"},
           "503": {"$ref": "#/components/responses/Unavailable"}}
_ERRORS_404 = _ERRORS | {"404": {"$ref": "#/components/responses/NotFound"}}
_EXPORT_HEADERS = {
    "Content-Disposition": {"description": "attachment; filename*=UTF-8''disclosure-search-<查询>-<日期>.<扩展名>",
                            "schema": {"type": "string"}},
    "X-Export-Truncated": {"description": "结果超过导出上限时为 true（文件名也带“前N条”）",
                           "schema": {"type": "string", "enum": ["true", "false"]}},
    "X-Export-Total": {"description": "检索结果总数（X-Export-Total-Exact 为 false 时是估计值）",
                       "schema": {"type": "integer"}},
    "X-Export-Total-Exact": {"description": "结果总数是否精确；为 false 时 X-Export-Total、X-Export-Rows 是估计值",
                             "schema": {"type": "string", "enum": ["true", "false"]}},
    "X-Export-Rows": {"description": "文件中的数据行数", "schema": {"type": "integer"}},
    "X-Export-Sort": {"description": "文件中各行的顺序（同 sort 参数）：结果极多、总数为估计值时，相关度只对抽样排序，"
                                     "文件改按年度（year）排列，以导出全部行",
                      "schema": {"type": "string", "enum": list(SORTS)}},
}


_DOWNLOAD_HEADERS = {"Content-Disposition": {
    "description": "attachment; filename*=UTF-8''disclosure-compare-<指标>-<日期>.<扩展名>", "schema": {"type": "string"}}}


def _compare_parameters() -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in ("measure", "compare_unit", "compare_year")]


def openapi_document() -> dict[str, Any]:
    from webapp.views.exports import COMPARE_COLUMNS

    compare_columns = ", ".join(COMPARE_COLUMNS)
    limit = export_capacity()
    columns = "单位, 年度, 类型, 记录类型, 名称, 所属单位/分组, 金额（元）, 金额（万元）, 报表, 来源位置, 文档ID, 链接"
    doc_path = [{"$ref": "#/components/parameters/doc_id"}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "disclosure-search API",
            "version": "1.0.0",
            "summary": "预算/决算公开文件检索的 JSON 接口",
            "description": ("参数与命令行 `disclosure search`、`disclosure ask` 相同（`-` 换成 `_`）。金额一律为以元计的数字，"
                            "缺失为 null。参数有误返回 400 与 {\"error\", \"parameter\"}；未知参数被忽略。"),
        },
        "servers": [{"url": request.url_root.rstrip("/") or "/"}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "检索（同 /search 页面）",
                "parameters": search_parameters(),
                "responses": {"200": _json_ok("SearchResponse", "检索结果、分面计数与翻页链接"), **_ERRORS},
            }},
            "/api/documents": {"get": {
                "operationId": "listDocuments", "summary": "已收录的文档",
                "parameters": [{"$ref": f"#/components/parameters/{n}"} for n in ("unit", "year", "kind", "region")]
                + [{"$ref": "#/components/parameters/page"},
                   _param("limit", "每页文档数", {"type": "integer", "minimum": 1, "maximum": DOCUMENTS_MAX_LIMIT,
                                                  "default": DOCUMENTS_LIMIT})],
                "responses": {"200": _json_ok("DocumentList", "文档列表（不含解析内容），最近收录的在前，分页"), **_ERRORS},
            }},
            "/api/documents/{doc_id}": {"get": {
                "operationId": "getDocument", "summary": "一份文档的完整解析结果",
                "parameters": doc_path,
                "responses": {"200": _json_ok("DocumentDetail", "解析结果加元数据"), **_ERRORS_404},
            }},
            "/api/documents/{doc_id}/tables/{n}": {"get": {
                "operationId": "getTable", "summary": "文档中的第 n 张报表（从 0 开始）",
                "parameters": doc_path + [{"$ref": "#/components/parameters/n"}],
                "responses": {"200": _json_ok("TableResponse", "报表"), **_ERRORS_404},
            }},
            "/api/documents/{doc_id}/forms/{n}": {"get": {
                "operationId": "getForm", "summary": "文档中的第 n 张项目支出绩效目标表（从 0 开始）",
                "parameters": doc_path + [{"$ref": "#/components/parameters/n"}],
                "responses": {"200": _json_ok("FormResponse", "绩效目标表"), **_ERRORS_404},
            }},
            "/api/ask": {"get": {
                "operationId": "ask", "summary": "问答：一句话的问题 → 回答、数值与出处（同 /ask 页面）",
                "description": ("与命令行 `disclosure ask QUESTION --json` 相同的结果，另加每条依据的出处链接。"
                                "文件中没有答案时 found 为 false、answer 以“无相关数据”开头，value 为 null，"
                                "nearest 列出找到的相近数据；从不猜测。q 为空或过长时返回 400。"),
                "parameters": [{"$ref": "#/components/parameters/question"}],
                "responses": {"200": _json_ok("AskResponse", "回答"), **_ERRORS},
            }},
            "/api/compare": {"get": {
                "operationId": "compare", "summary": "对比：一项指标或支出按单位（行）× 年度（列），预算、决算与执行率",
                "description": ("每个数字带出处（文档、报表/绩效目标表、行）与出处页面链接。同一份决算的“三公”表、"
                                "自评表同时列出预算数与决算数；同一单位同一年度的预算与决算文件也会配对。"),
                "parameters": _compare_parameters(),
                "responses": {"200": _json_ok("CompareResponse", "对比表"), **_ERRORS},
            }},
            "/compare.csv": {"get": {
                "operationId": "compareCsv", "summary": "对比表导出为 CSV（UTF-8 带 BOM）",
                "description": (f"参数同 /api/compare；每个单位每个年度一行，列：{compare_columns}。"
                                "以 = + - @ 开头的文本前加 '，防止公式注入。"),
                "parameters": _compare_parameters(),
                "responses": {"200": {"description": "CSV 文件", "headers": _DOWNLOAD_HEADERS,
                                      "content": {"text/csv": {"schema": {"type": "string"}}}}, **_ERRORS},
            }},
            "/compare.xlsx": {"get": {
                "operationId": "compareXlsx", "summary": "对比表导出为 Excel（XLSX）",
                "description": "同 CSV；金额为数字，表头加粗并冻结；第二张工作表“对比条件”说明指标、单位、年度与说明。",
                "parameters": _compare_parameters(),
                "responses": {"200": {"description": "XLSX 文件", "headers": _DOWNLOAD_HEADERS, "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "contentMediaType":
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}}},
                              **_ERRORS},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "本文档（OpenAPI 3.1）",
                "responses": {"200": {"description": "OpenAPI 文档",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/search.csv": {"get": {
                "operationId": "exportCsv", "summary": "检索结果全部导出为 CSV（UTF-8 带 BOM）",
                "description": (f"当前检索的全部结果（不止一页），最多 {limit} 行；列：{columns}。"
                                "page、limit 被忽略。以 = + - @ 开头的文本前加 '，防止公式注入。"),
                "parameters": search_parameters(paged=False),
                "responses": {"200": {"description": "CSV 文件（流式）", "headers": _EXPORT_HEADERS,
                                      "content": {"text/csv": {"schema": {"type": "string"}}}}, **_ERRORS},
            }},
            "/search.xlsx": {"get": {
                "operationId": "exportXlsx", "summary": "检索结果全部导出为 Excel（XLSX）",
                "description": (f"同 CSV，最多 {limit} 行；金额为数字（万元保留两位小数），表头加粗并冻结；"
                                "第二张工作表“检索条件”说明检索、总数与是否截断。"),
                "parameters": search_parameters(paged=False),
                "responses": {"200": {"description": "XLSX 文件", "headers": _EXPORT_HEADERS, "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "contentMediaType":
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}}},
                              **_ERRORS},
            }},
            "/search.atom": {"get": {
                "operationId": "searchFeed", "summary": "检索的 Atom 订阅：匹配的文档，最新收录在前",
                "description": "每份匹配的文档一条：标题为文档标题，摘要列出匹配记录的名称，链接到 /documents/<id>。",
                "parameters": search_parameters(paged=False),
                "responses": {"200": {"description": "Atom 1.0", "content": {
                    "application/atom+xml": {"schema": {"type": "string"}}}}, **_ERRORS},
            }},
        },
        "components": _components(),
    }


@blueprint.get("/api/openapi.json")
@json_errors
def openapi() -> Any:
    return jsonify(openapi_document())


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: /api/documents/<doc_id>/tables/<int:n> → …/{doc_id}/tables/{n}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)
