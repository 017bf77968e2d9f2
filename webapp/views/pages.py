"""The HTML pages: home, search results, document, table, performance form, section, and
the original file of an indexed document.

Every page state lives in its URL (GET forms, links that add or remove one filter), so a
result can be bookmarked, shared and cited. Everything a document or a query contributes
is autoescaped by Jinja; the one exception is `Hit.snippet` and the section/table
highlighter below, which escape the text first and only then add <mark>.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup

from analyzers.normalize import fold_width, join_broken_label
from indexer.index.contract import MAX_LIMIT, MAX_OFFSET
from indexer.index.snippets import _match_spans
from indexer.query import QueryError, parse_query
from indexer.records import IndexedDocument
from indexer.search import build_request, integer_option, text_query
from webapp import links
from webapp.backend import analyzer, backend
from webapp.params import LIST_PARAMS, MONEY_UNITS, search_options
from webapp.qa import QUESTION_EXAMPLES, looks_like_question

blueprint = Blueprint("pages", __name__)

EXAMPLES = (
    ("培训费", "每一处培训经费：项目、经济科目、绩效目标、情况说明"),
    ("公务用车", "公务用车购置与运行维护"),
    ("项目支出≥100万", "金额不少于100万元的项目支出"),
    ("公务接待费 金额>1万", "超过1万元的公务接待费"),
    ("“三公”经费 年度:2024", "2024年的“三公”经费"),
    ("类型:决算 绩效自评", "决算中的项目绩效自评"),
)
SORT_LABELS = {"relevance": "相关度", "-amount": "金额从高到低", "amount": "金额从低到高", "year": "年度从新到旧"}
# Facet field (index) → the URL parameter that filters on it.
FACET_PARAMS = {"record_type": "type", "unit": "unit", "year": "year", "kind": "kind",
                "province": "region", "city": "region", "county": "region", "table_kind": "table_kind"}
PARAM_LABELS = {"unit": "单位", "year": "年度", "kind": "类型", "type": "记录类型", "table_kind": "报表种类",
                "region": "地区"}
METRIC_ORDER = ("income_total", "expenditure_total", "yoy_change", "basic_expenditure", "project_expenditure",
                "personnel", "public_funds", "agency_operation", "three_public_total", "three_public_abroad",
                "three_public_reception", "three_public_vehicle_purchase", "three_public_vehicle_operation",
                "procurement_total", "procurement_goods", "procurement_works", "procurement_services",
                "performance_projects", "official_vehicles")
SIDES = (("period", "实施期"), ("annual", "年度"))
_NUMERIC = re.compile(r"^[\s+\-−]*[\d,，.]+\s*%?$")
TEXT_SUFFIXES = {".txt", ".md", ".tsv"}


# ------------------------------------------------------------------ pages

@blueprint.before_request
def _limit_query_string():
    if len(request.query_string) > current_app.config.get("MAX_QUERY_STRING", 4_000):
        abort(414)


@blueprint.route("/")
def home():
    stats = backend().stats()
    documents = backend().documents(limit=HOME_DOCUMENTS)
    return render_template("home.html", stats=stats, documents=documents, examples=EXAMPLES,
                           questions=QUESTION_EXAMPLES[:4])


# The listings are pages: at 10 000 documents the whole list was 4 MB of HTML.
HOME_DOCUMENTS = 20
DOCUMENTS_PER_PAGE = 100


@blueprint.route("/documents")
def documents():
    total = backend().stats()["documents"]
    last_page = max(1, math.ceil(total / DOCUMENTS_PER_PAGE))
    page = integer_option("page", request.args.get("page", "1")[:20], 1, last_page)
    listed = backend().documents(limit=DOCUMENTS_PER_PAGE, offset=(page - 1) * DOCUMENTS_PER_PAGE)
    return render_template("documents.html", documents=listed, total=total, page=page, last_page=last_page,
                           page_links=_page_links(page, last_page), pages_total=last_page,
                           page_cap=last_page, over_cap=False)


@blueprint.route("/search")
def search():
    options = search_options(request)
    an = analyzer()
    over_cap = _page_over_cap(options)
    if over_cap:
        options = replace(options, page=1)
    search_request, parsed = build_request(options, an)
    # Fields with an active filter are counted by their own widened search (_widened), so
    # the main search does not count them too.
    widened = _widened(options, search_request)
    covered = {name for fields, _ in widened for name in fields}
    search_request.facets = tuple(name for name in search_request.facets if name not in covered)
    result = backend().search(search_request)
    limit, page = search_request.limit, search_request.page
    pages_total = max(1, math.ceil(result.total / limit))
    page_cap = MAX_OFFSET // limit + 1
    last_page = min(pages_total, page_cap)
    state = _state_args()
    hits = [] if over_cap else [_hit_view(hit, options.query) for hit in result.hits]
    facets, facets_sample = _facet_groups(result, widened)
    context = {
        "options": options, "parsed": parsed, "described": parsed.describe(), "result": result, "hits": hits,
        "facets": facets, "facets_sample": facets_sample, "chips": _chips(options),
        "page": page, "limit": limit, "last_page": last_page, "pages_total": pages_total, "page_cap": page_cap,
        "page_links": _page_links(page, last_page), "over_cap": over_cap, "requested_page": request.args.get("page"),
        "beyond_results": (not over_cap and result.total > 0 and page > pages_total),
        "sort": search_request.sort, "sort_labels": SORT_LABELS, "money_units": MONEY_UNITS,
        "unit_money": request.args.get("unit_money") or "万元",
        "min_value": request.args.get("min", ""), "max_value": request.args.get("max", ""),
        "export_query": urlencode([(k, v) for k, v in state if k not in ("page", "limit")]),
        "export_limit": current_app.config.get("EXPORT_LIMIT", 10_000),
        "state": [(k, v) for k, v in state if k != "page"],
        "examples": EXAMPLES,
        "answer": None,
    }
    if looks_like_question(options.query) and page == 1:
        from webapp.views.qa import answer_for_search

        context["answer"] = answer_for_search(options.query.strip())
    return render_template("search.html", **context), (400 if over_cap else 200)


@blueprint.route("/documents/<doc_id>")
def document(doc_id: str):
    doc = _load(doc_id)
    pj = doc.parse_json
    return render_template(
        "document.html", doc=doc, pj=pj, metrics=_key_metrics(pj), is_pdf=_is_pdf(doc),
        first_page=_first_page(pj), sections=_sections_outline(pj), tables=pj.get("tables") or [],
        forms=pj.get("forms") or [], evaluations=_evaluations(pj), warnings=pj.get("warnings") or doc.warnings,
        file_name=Path(doc.path).name,
    )


@blueprint.route("/documents/<doc_id>/file")
def document_file(doc_id: str):
    """The original file, found only through the index: doc_id → its indexed path."""
    doc = _load(doc_id)
    path = _resolve(doc.path)
    if path is None:
        abort(404, description="原始文件已不在索引记录的位置，可能已被移动或删除。")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        mimetype = "application/pdf"
        policy = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    elif suffix in TEXT_SUFFIXES:
        mimetype = "text/plain"  # send_file adds "; charset=utf-8"
        policy = "default-src 'none'; frame-ancestors 'none'; sandbox"
    else:
        abort(404, description="不支持查看这种文件。")
    response = send_file(path, mimetype=mimetype, as_attachment=False, download_name=path.name,
                         conditional=True, max_age=0)
    response.headers["Content-Security-Policy"] = policy
    return response


@blueprint.route("/documents/<doc_id>/tables/<int:n>")
def table(doc_id: str, n: int):
    doc = _load(doc_id)
    tables = doc.parse_json.get("tables") or []
    if not 0 <= n < len(tables):
        abort(404, description=f"这份文档没有第{n + 1}张表（共{len(tables)}张）。")
    data = tables[n]
    row = _optional_int("row")
    words = _highlight_words(request.args.get("q", ""))
    header = data.get("header") or []
    body = data.get("rows") or []
    width = max((len(r) for r in header + body), default=0)
    header_rows = _header_grid(header, width)
    body_rows = []
    for offset, cells in enumerate(body):
        number = len(header) + offset + 1
        body_rows.append({
            "number": number, "match": number == row,
            "cells": [{"html": _highlight(c, words), "numeric": bool(_NUMERIC.match(c or "")),
                       "label": len((c or "").strip()) > 4 and not _NUMERIC.match(c or "")}
                      for c in list(cells) + [""] * (width - len(cells))],
        })
    row_missing = row is not None and not any(r["match"] for r in body_rows) and not (1 <= row <= len(header))
    return render_template(
        "table.html", doc=doc, n=n, table=data, header_rows=header_rows, body_rows=body_rows, width=width,
        header_count=len(header), row=row, row_missing=row_missing, count=len(tables), tables=tables,
        is_pdf=_is_pdf(doc), q=request.args.get("q", ""),
        row_link=request.script_root + links.table_path(doc_id, n) + "?row=",  # + number, for every row
    )


@blueprint.route("/documents/<doc_id>/forms/<int:n>")
def form(doc_id: str, n: int):
    doc = _load(doc_id)
    forms = doc.parse_json.get("forms") or []
    if not 0 <= n < len(forms):
        abort(404, description=f"这份文档没有第{n + 1}张绩效目标表（共{len(forms)}张）。")
    data = forms[n]
    funding = data.get("funding") or {}
    sources: list[str] = []
    for side, _ in SIDES:
        for key in funding.get(side) or {}:
            if key not in sources:
                sources.append(key)
    sides = [{"key": side, "label": label,
              "rows": _indicator_rows([i for i in data.get("indicators") or [] if i.get("side") == side])}
             for side, label in SIDES]
    marker = f"“{data.get('project')}”" if data.get("project") else None
    form_warnings = [w for w in doc.parse_json.get("warnings") or [] if marker and marker in w]
    return render_template(
        "form.html", doc=doc, n=n, form=data, count=len(forms), forms=forms, sources=sources,
        funding=funding, sides=sides, is_pdf=_is_pdf(doc), warnings=form_warnings,
    )


@blueprint.route("/documents/<doc_id>/sections/<int:n>")
def section(doc_id: str, n: int):
    doc = _load(doc_id)
    sections = doc.parse_json.get("sections") or []
    if not 0 <= n < len(sections):
        abort(404, description=f"这份文档没有第{n + 1}节（共{len(sections)}节）。")
    return _section_page(doc, n)


@blueprint.route("/documents/<doc_id>/sections/at")
def section_at(doc_id: str):
    """The section holding a line (?line=, text) or a page (?page=, PDF): where a figure read
    from a sentence leads, found when someone follows the link (webapp/links.py)."""
    line, page = _optional_int("line"), _optional_int("page")
    doc = _load(doc_id)
    n = links.section_index(doc.parse_json, None, {"page": page} if page else {"line": line})
    if n is None:
        from flask import redirect

        return redirect(request.script_root + links.document_path(doc_id))
    return _section_page(doc, n)


def _section_page(doc: IndexedDocument, n: int):
    sections = doc.parse_json.get("sections") or []
    data = sections[n]
    q = request.args.get("q", "")
    words = _highlight_words(q)
    paragraphs = [_highlight(p, words) for p in (data.get("text") or "").split("\n") if p.strip()]
    marks = sum(str(p).count("<mark>") for p in paragraphs)
    return render_template(
        "section.html", doc=doc, n=n, section=data, count=len(sections), sections=sections,
        heading=_heading(data, doc), paragraphs=paragraphs, q=q, marks=marks, is_pdf=_is_pdf(doc),
    )


# ------------------------------------------------------------------ template helpers

@blueprint.app_template_global()
def url_with(add: tuple[str, str] | None = None, remove: tuple[str, str] | None = None,
             drop: tuple[str, ...] = (), **set_values: Any) -> str:
    """The current search URL with one value added, removed or replaced (page reset)."""
    state = _search_state()
    if add and not (remove or drop or set_values):
        return state.adding(*add)
    pairs = [(k, v) for k, v in state.pairs if k not in drop and k not in set_values]
    if remove:
        pairs = [(k, v) for k, v in pairs if (k, v) != remove]
    if add and add not in pairs:
        pairs.append(add)
    for key, value in set_values.items():
        if value not in (None, ""):
            pairs.append((key, str(value)))
    query = urlencode(pairs)
    return state.base + ("?" + query if query else "")


@blueprint.app_template_global()
def page_url(page: int) -> str:
    """This page (a search, the document list) at another page number."""
    state = _search_state()
    number = f"page={page}" if page > 1 else ""
    base = request.script_root + request.path
    return base + "?" + (f"{state.encoded}&{number}" if state.encoded and number else state.encoded or number)


@blueprint.app_template_global()
def file_url(doc: IndexedDocument | str, page: int | None = None) -> str:
    doc_id = doc if isinstance(doc, str) else doc.doc_id
    url = url_for("pages.document_file", doc_id=doc_id)
    return f"{url}#page={page}" if page else url


blueprint.add_app_template_filter(links.heading_text, "heading_text")
blueprint.add_app_template_filter(links.position_text, "position")
heading_text, position = links.heading_text, links.position_text


@blueprint.app_template_filter("metric_value")
def metric_value(metric: dict[str, Any]) -> str:
    from webapp.formatting import wan

    value, unit = metric.get("value"), metric.get("unit")
    if value is None:
        return "—"
    if unit == "元":
        return wan(value)
    if unit == "%":
        return f"{value}%"
    return f"{value:,}{unit or ''}" if isinstance(value, int) else f"{value}{unit or ''}"


@blueprint.app_template_global()
def display_url() -> str:
    """This page's address as a person reads it (Chinese not percent-encoded), for print."""
    from urllib.parse import unquote

    return unquote(request.url)


@blueprint.app_template_global()
def region_text(doc: Any) -> str:
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    return " ".join(p for p in (get("province"), get("city"), get("county")) if p) or "—"


# ------------------------------------------------------------------ search helpers

class _SearchState:
    """The search state of the URL, worked out once per request: every facet value, chip
    and page link is this state with one change."""

    def __init__(self) -> None:
        known = ("q", *LIST_PARAMS, "min", "max", "unit_money", "sort", "page", "limit")
        args = request.args
        has_amount = bool(args.get("min", "").strip() or args.get("max", "").strip())
        self.args: list[tuple[str, str]] = [
            (key, value) for key in known for value in args.getlist(key)
            if value.strip() != "" and not (key == "sort" and value == "relevance")
            and not (key == "unit_money" and not has_amount)]
        self.pairs = [(k, v) for k, v in self.args if k != "page"]
        self.present = set(self.pairs)
        self.encoded = urlencode(self.pairs)
        self.base = url_for("pages.search")

    def adding(self, param: str, value: str) -> str:
        """This search with one more value (a facet entry: hundreds per page, so kept cheap;
        the same URL as urlencode of the pairs with the value appended)."""
        if (param, value) in self.present:
            query = self.encoded
        else:
            extra = quote_plus(param) + "=" + quote_plus(value)
            query = f"{self.encoded}&{extra}" if self.encoded else extra
        return self.base + ("?" + query if query else "")


def _search_state() -> _SearchState:
    cache = links.request_cache()
    state = cache.get("search_state")
    if state is None:
        state = cache["search_state"] = _SearchState()
    return state


def _state_args() -> list[tuple[str, str]]:
    """The search state from the URL: known parameters with a non-empty value."""
    return _search_state().args


def _page_over_cap(options: Any) -> bool:
    """A page number past the deepest page the index serves (a message, not a crash)."""
    try:
        page, limit = int(str(options.page).strip()), int(str(options.limit).strip())
    except ValueError:
        return False  # build_request names the parameter
    if not 1 <= limit <= MAX_LIMIT or page < 1:
        return False
    return page > MAX_OFFSET // limit + 1


def _page_links(page: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20 (None is a gap)."""
    wanted = {1, last, *range(max(1, page - 2), min(last, page + 2) + 1)}
    out: list[int | None] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


def _chips(options: Any) -> list[dict[str, str]]:
    from webapp.formatting import facet_value_label

    chips = []
    for param in LIST_PARAMS:
        for value in request.args.getlist(param):
            if not value.strip():
                continue
            field = {"type": "record_type"}.get(param, param)
            chips.append({"label": PARAM_LABELS[param], "value": facet_value_label(field, value.strip()),
                          "url": url_with(remove=(param, value))})
    money_unit = request.args.get("unit_money") or "万元"
    for param, sign in (("min", "≥"), ("max", "≤")):
        value = (request.args.get(param) or "").strip()
        if value:
            shown = value + money_unit if value[-1].isdigit() else value
            chips.append({"label": "金额", "value": f"{sign} {shown}", "url": url_with(drop=(param,))})
    return chips


class _Analysed:
    """The analyzer for requests whose words the main request analysed already: build_request
    gets no text from it, and the main request's text is put in instead."""

    def cut(self, text: str) -> list[str]:
        return []

    def query_terms(self, text: str) -> list[list[str]]:
        return []

    def normalize(self, text: str) -> str:
        return text


FACET_FILTERS = (("record_type", "type"), ("unit", "unit"), ("year", "year"), ("kind", "kind"),
                 ("table_kind", "table_kind"), ("region", "region"))


def _widened(options: Any, search_request: Any) -> list[tuple[tuple[str, ...], Any]]:
    """For each facet with an active filter, the request that counts its values as if that
    filter were not set (so other values can still be added): one search per active facet,
    one hit, only that facet's fields, the words analysed once."""
    out = []
    for field, param in FACET_FILTERS:
        if not getattr(options, param):
            continue
        fields = ("province", "city", "county") if field == "region" else (field,)
        try:
            widened, _ = build_request(replace(options, **{param: []}, page=1, limit=1), _Analysed())
        except QueryError:
            continue
        widened.text = search_request.text
        widened.facets = fields
        out.append((fields, widened))
    return out


@dataclass(slots=True)
class FacetEntry:
    """One value of a facet as the page lists it (attributes, not a dict: the template reads
    a few hundred of them per page)."""

    value: str
    count: int
    selected: bool
    label: str
    level: str | None
    url: str


def _facet_groups(result: Any, widened: list[tuple[tuple[str, ...], Any]]) -> tuple[list[dict[str, Any]], int | None]:
    """Facets whose values add or remove a filter (active fields counted by `_widened`), and
    the size of the sample they were counted over when a search counted over a sample."""
    from webapp.formatting import FACET_LABELS, facet_value_label

    state = _search_state()
    counts = dict(result.facets)
    samples = [result.facets_sample]
    for fields, widened_request in widened:
        counted = backend().search(widened_request)
        counts.update({name: values for name, values in counted.facets.items() if name in fields})
        samples.append(counted.facets_sample)
    groups = []
    for field in ("record_type", "unit", "year", "kind", "region", "table_kind"):
        names = ("province", "city", "county") if field == "region" else (field,)
        param = FACET_PARAMS[names[0]]
        active = [v.strip() for v in request.args.getlist(param) if v.strip()]
        items: list[FacetEntry] = []
        for name in names:
            values = counts.get(name) or {}
            ordered = sorted(values.items(), key=lambda kv: kv[0], reverse=True) if name == "year" else values.items()
            level = {"province": "省", "city": "市", "county": "区县"}.get(name)
            for value, count in ordered:
                if value in active:
                    items.append(FacetEntry(value, count, True, facet_value_label(name, value), level,
                                            url_with(remove=(param, value))))
                else:
                    items.append(FacetEntry(value, count, False, facet_value_label(name, value), level,
                                            state.adding(param, value)))
        shown_values = {i.value for i in items}
        for value in active:
            if value not in shown_values:
                items.append(FacetEntry(value, 0, True, facet_value_label(names[0], value), None,
                                        url_with(remove=(param, value))))
        if items:
            label = "地区" if field == "region" else FACET_LABELS.get(field, field)
            groups.append({"field": field, "param": param, "label": label, "entries": items,
                           "active": bool(active)})
    return groups, max((n for n in samples if n), default=None)


def _hit_view(hit: Any, query: str) -> dict[str, Any]:
    """Where a hit leads (webapp/links.py, from the hit alone) and its extra figures."""
    return {**links.hit_source(hit, query), "hit": hit, "details": _hit_details(hit)}


def _hit_details(hit: Any) -> list[tuple[str, str]]:
    from webapp.formatting import wan

    payload = hit.payload or {}
    details: list[tuple[str, str]] = []
    if hit.record_type == "line_item":
        columns = [(c, v) for c, v in (payload.get("amounts_yuan") or {}).items() if v is not None]
        if columns and hit.amount_yuan is not None and columns[0][1] == hit.amount_yuan:
            columns = columns[1:]  # the main amount, shown already
        details.extend((column, wan(value)) for column, value in columns[:3])
    elif hit.record_type == "form" and payload.get("total_funds_yuan") is not None:
        details.append(("实施期资金总额", wan(payload["total_funds_yuan"])))
    elif hit.record_type == "self_evaluation":
        if payload.get("budget_yuan") is not None:
            details.append(("全年预算数", wan(payload["budget_yuan"])))
        if payload.get("execution_rate") is not None:
            details.append(("预算执行率", f"{payload['execution_rate']}%"))
        if payload.get("score") is not None:
            details.append(("自评得分", str(payload["score"])))
    return details


def amount_label(hit: Any) -> str:
    return {"form": "年度资金", "self_evaluation": "全年执行数"}.get(hit.record_type, "金额")


blueprint.add_app_template_global(amount_label, "amount_label")


# ------------------------------------------------------------------ documents

def _load(doc_id: str) -> IndexedDocument:
    doc = links.load_document(doc_id)
    if doc is None:
        abort(404, description="索引中没有这份文档。它可能已被删除或重新索引，请从首页的文档列表重新打开。")
    return doc


def _resolve(stored: str) -> Path | None:
    """The indexed path as a readable file (relative paths are read from the working
    directory the index was built in, then from the index file's project)."""
    if not stored:
        return None
    path = Path(stored)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, Path(current_app.root_path).parent / path]
    for candidate in candidates:
        try:
            if candidate.is_file():
                return candidate.resolve()
        except OSError:
            continue
    return None


def _is_pdf(doc: IndexedDocument) -> bool:
    return (doc.path or "").lower().endswith(".pdf")


def _first_page(pj: dict[str, Any]) -> int | None:
    for key in ("tables", "sections", "forms"):
        for item in pj.get(key) or []:
            page = (item.get("location") or {}).get("page")
            if page:
                return page
    return None


def _sections_outline(pj: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(pj.get("sections") or []):
        path = s.get("heading_path") or []
        if not path and not (s.get("text") or "").strip():
            continue
        out.append({"n": i, "path": path, "depth": max(0, len(path) - 1), "location": s.get("location") or {},
                    "chars": len(s.get("text") or "")})
    return out


def _key_metrics(pj: dict[str, Any]) -> list[dict[str, Any]]:
    """One figure per key: the table figure when the document has one, else the sentence's;
    with the other figure alongside when the two disagree."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for metric in pj.get("metrics") or []:
        by_key.setdefault(metric.get("key"), []).append(metric)
    ordered = [k for k in METRIC_ORDER if k in by_key] + [k for k in by_key if k not in METRIC_ORDER]
    root, doc_id = request.script_root, request.view_args["doc_id"]
    out = []
    for key in ordered:
        candidates = by_key[key]
        chosen = next((m for m in candidates if (m.get("source") or {}).get("table")), candidates[0])
        others = [m for m in candidates if m is not chosen and m.get("value") != chosen.get("value")]
        source = chosen.get("source") or {}
        n = links.table_index(pj, source)
        row = source.get("row") or None
        if n is not None:
            url = root + links.table_path(doc_id, n, row)
            source_label = source.get("table") + (f" › 表内第{row}行" if row else "")
        else:
            s = links.section_index(pj, None, source)
            url = root + links.section_path(doc_id, s) if s is not None else None
            source_label = "情况说明" + (f"（{position(source)}）" if position(source) else "")
        out.append({"key": key, "label": chosen.get("label") or key, "metric": chosen, "url": url,
                    "source": source_label, "others": others})
    return out


def _evaluations(pj: dict[str, Any]) -> list[dict[str, Any]]:
    root, doc_id = request.script_root, request.view_args["doc_id"]
    out = []
    for evaluation in pj.get("self_evaluations") or []:
        location = evaluation.get("location") or {}
        n = links.table_index(pj, location)
        url = root + links.table_path(doc_id, n, location.get("row") or None) if n is not None else None
        out.append({**evaluation, "url": url})
    return out


def _heading(section: dict[str, Any], doc: IndexedDocument) -> str:
    path = section.get("heading_path") or []
    return path[-1] if path else (doc.title or "卷首")


def _header_grid(header: list[list[str]], width: int) -> list[list[dict[str, Any]]]:
    """Header rows as cells with colspan/rowspan, read the way the printed header is:
    a label spans the blank cells to its right while they sit under the same parent
    label, and a label spans down over blank cells directly beneath it."""
    rows = [list(r) + [""] * (width - len(r)) for r in header]
    owner: list[list[dict[str, Any] | None]] = [[None] * width for _ in rows]
    out: list[list[dict[str, Any]]] = []
    for i, row in enumerate(rows):
        cells: list[dict[str, Any]] = []
        for c in range(width):
            if owner[i][c] is not None:
                continue  # covered by a label from the row above
            text = (row[c] or "").strip()
            if not text:
                left = owner[i][c - 1] if c > 0 else None
                if (left is not None and left["row"] == i and left["text"] and left["col"] + left["span"] == c
                        and (i == 0 or owner[i - 1][c - 1] is owner[i - 1][c])):
                    left["span"] += 1
                    owner[i][c] = left
                    continue
                above = owner[i - 1][c] if i > 0 else None
                if (above is not None and above["text"] and above["col"] == c
                        and above["row"] + above["rowspan"] == i
                        and all(not (row[k] or "").strip() and owner[i][k] is None
                                for k in range(c, c + above["span"]))):
                    above["rowspan"] += 1
                    for k in range(c, c + above["span"]):
                        owner[i][k] = above
                    continue
            cell = {"text": join_broken_label(text) if text else "", "row": i, "col": c, "span": 1, "rowspan": 1}
            cells.append(cell)
            owner[i][c] = cell
        out.append(cells)
    return out


def _indicator_rows(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Indicator rows with rowspans for 一级 and 二级, as the printed form groups them."""
    rows: list[dict[str, Any]] = [{"level1": i.get("level1") or "", "level2": i.get("level2") or "",
                                   "level3": i.get("level3") or "", "value": i.get("value") or "",
                                   "span1": 0, "span2": 0} for i in indicators]
    for level, span in (("level1", "span1"), ("level2", "span2")):
        start = 0
        while start < len(rows):
            end = start + 1
            while end < len(rows) and rows[end][level] == rows[start][level] and (
                    level == "level1" or rows[end]["level1"] == rows[start]["level1"]):
                end += 1
            rows[start][span] = end - start
            start = end
    return rows


def _optional_int(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(name, f"{name}“{raw}”不是整数") from None
    if not 1 <= value <= 1_000_000:
        raise QueryError(name, f"{name} 应为正整数")
    return value


def _highlight_words(q: str) -> tuple[str, ...]:
    if not q or not q.strip():
        return ()
    parsed = parse_query(q)
    return text_query(parsed, analyzer()).highlight


def _highlight(text: str, words: tuple[str, ...]) -> Markup:
    """The whole text, escaped first, then the words wrapped in <mark>."""
    text = text or ""
    if not words:
        return Markup(html.escape(text))
    spans = _match_spans(fold_width(text).lower(), [fold_width(w).lower() for w in words if w])
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return Markup("".join(pieces))


@blueprint.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), code=301)
