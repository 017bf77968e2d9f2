"""A search's whole result set as a download, and its Atom feed.

    GET /search.csv    UTF-8 with BOM, streamed chunk by chunk (MAX_LIMIT hits per backend call)
    GET /search.xlsx   built with pandas/openpyxl: amounts as numbers, bold frozen header
    GET /search.atom   the documents the search matches, newest indexed first
    GET /compare.csv   a comparison (views/qa.py) as rows of unit × year, same CSV dialect
    GET /compare.xlsx  the same as a workbook, formatted like /search.xlsx

They take the parameters of /search; `page` and `limit` are validated like everywhere else but
otherwise ignored (a download is all of the result set, up to app.config["EXPORT_LIMIT"] rows;
the feed holds up to app.config["FEED_LIMIT"] documents, default 50). When the limit cuts the result set the
response says so in `X-Export-Truncated: true` and in the file name (…-前10000条.csv), never
in a row of the file, so the sheet stays a clean table.
"""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request, stream_with_context

from indexer.index.contract import Hit, IndexUnavailable, SearchRequest
from indexer.records import RECORD_TYPE_LABELS, IndexedDocument
from webapp.backend import backend
from webapp.formatting import KIND_LABELS, location_text, table_kind_label
from webapp.formatting import wan as wan_text
from webapp.links import absolute, document_path, hit_source
from webapp.views.api import (
    Search,
    current_search,
    export_capacity,
    iterate_hits,
    json_errors,
    search_args,
    site_url,
)
from webapp.views.pages import SORT_LABELS

blueprint = Blueprint("exports", __name__)

COMPARE_COLUMNS = ("单位", "年度", "指标/项目", "原文名称", "预算数", "决算数", "计量单位", "预算（万元）", "决算（万元）",
                   "执行率（%）", "预算出处", "决算出处", "预算链接", "决算链接")
COLUMNS = ("单位", "年度", "类型", "记录类型", "名称", "所属单位/分组", "金额（元）", "金额（万元）",
           "报表", "来源位置", "文档ID", "链接")
YUAN_COLUMN, WAN_COLUMN, LINK_COLUMN = 6, 7, 11
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FEED_LIMIT = 50  # entries in one Atom feed (app.config["FEED_LIMIT"] overrides)
ATOM_NS = "http://www.w3.org/2005/Atom"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILENAME_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# ------------------------------------------------------------------ rows


def safe_text(value: Any) -> str:
    """A text cell a spreadsheet will not run: = + - @ (and tab/CR) at the start get a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def wan(yuan: Decimal | None) -> Decimal | None:
    """Yuan → 万元, two decimals (half up, as the disclosures round)."""
    if yuan is None:
        return None
    return (Decimal(yuan) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plain_yuan(yuan: Decimal | None) -> str:
    if yuan is None:
        return ""
    value = Decimal(yuan)
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def _table_name(hit: Hit) -> str:
    location = hit.location or {}
    if location.get("table"):
        return location["table"]
    if hit.record_type == "form":
        return "项目支出绩效目标表"
    return table_kind_label(hit.table_kind) if hit.table_kind else ""


def row_values(hit: Hit, query: str = "") -> list[Any]:
    """One hit as the export columns: texts guarded, amounts as Decimal (None when missing);
    the link from the hit alone (webapp/links.py), as on the results page."""
    texts = [
        hit.unit, "" if hit.year is None else hit.year, KIND_LABELS.get(hit.kind or "", hit.kind or ""),
        RECORD_TYPE_LABELS.get(hit.record_type, hit.record_type), hit.name, hit.group,
    ]
    tail = [_table_name(hit), location_text(hit.location), hit.doc_id, absolute(hit_source(hit, query)["url"])]
    guarded = [v if isinstance(v, int) else safe_text(v) for v in texts]
    return [*guarded, hit.amount_yuan, wan(hit.amount_yuan), *(safe_text(v) for v in tail)]


def content_disposition(name: str, fallback: str) -> str:
    """An attachment named in UTF-8 (RFC 6266), with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def filename_words(text: str) -> str:
    """Words of a query or measure fit for a file name."""
    words = _FILENAME_UNSAFE.sub(" ", text or "")
    return re.sub(r"\s+", "_", words.strip())[:40].strip("_.")


class Export:
    """The current search, its first chunk fetched (so errors are a 400 before any byte is
    sent and the total is known for the headers), and the rest fetched as rows are written
    (api.iterate_hits: backend pages of MAX_LIMIT hits, page after page).

    A result set too large to count exactly (`total_exact` False) is ranked by relevance
    over a sample only, so relevance pages past the sample come back empty; such a download
    is written in year order (newest first), which pages through every row. The headers say
    the order (X-Export-Sort) and whether the total is an estimate (X-Export-Total-Exact)."""

    def __init__(self) -> None:
        self.search: Search = current_search()
        self.capacity = export_capacity()
        self.request = self.search.request
        self.chunks = iterate_hits(self.request, self.capacity)
        self.first = next(self.chunks, None)
        if (self.first is not None and not self.first[0].total_exact and self.request.sort == "relevance"
                and not self.request.text.is_empty):
            self.request = replace(self.request, sort="year")
            self.chunks = iterate_hits(self.request, self.capacity)
            self.first = next(self.chunks, None)
        self.total = self.first[0].total if self.first else 0
        self.total_exact = self.first[0].total_exact if self.first else True
        self.rows = min(self.total, self.capacity)
        self.truncated = self.total > self.capacity

    def hit_chunks(self) -> Iterator[list[Hit]]:
        if self.first is None:
            return
        yield self.first[1]
        for _, hits in self.chunks:
            yield hits

    def rows_in_chunks(self) -> Iterator[list[list[Any]]]:
        query = self.search.options.query
        for hits in self.hit_chunks():
            yield [row_values(hit, query) for hit in hits]

    def filename(self, extension: str) -> tuple[str, str]:
        """(UTF-8 name, ASCII fallback): disclosure-search-培训费-2026-11-21[-前10000条].csv"""
        words = filename_words(self.search.options.query or "")
        today = date.today().isoformat()
        parts = ["disclosure-search", words, today] if words else ["disclosure-search", today]
        ascii_parts = ["disclosure-search", today]
        if self.truncated:
            parts.append(f"前{self.capacity}条")
            ascii_parts.append(f"first{self.capacity}")
        return "-".join(parts) + "." + extension, "-".join(ascii_parts) + "." + extension

    def headers(self, extension: str) -> dict[str, str]:
        name, fallback = self.filename(extension)
        return {
            "Content-Disposition": content_disposition(name, fallback),
            "X-Export-Truncated": "true" if self.truncated else "false",
            "X-Export-Total": str(self.total),
            "X-Export-Total-Exact": "true" if self.total_exact else "false",
            "X-Export-Rows": str(self.rows),
            "X-Export-Sort": self.request.sort,
            "X-Export-Limit": str(self.capacity),
            "Cache-Control": "no-store",
        }


# ------------------------------------------------------------------ CSV


@blueprint.get("/search.csv")
@json_errors
def search_csv() -> Any:
    export = Export()

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        yield "\ufeff" + _drain(buffer)
        try:
            for rows in export.rows_in_chunks():
                for values in rows:
                    values = list(values)
                    values[YUAN_COLUMN] = _plain_yuan(values[YUAN_COLUMN])
                    values[WAN_COLUMN] = "" if values[WAN_COLUMN] is None else f"{values[WAN_COLUMN]:.2f}"
                    writer.writerow(values)
                yield _drain(buffer)
        except IndexUnavailable as error:  # headers are gone: end the file, log the cause
            current_app.logger.error("CSV export cut short: %s", error)

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.update(export.headers("csv"))
    return response


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


# ------------------------------------------------------------------ XLSX


@blueprint.get("/search.xlsx")
@json_errors
def search_xlsx() -> Any:
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    export = Export()
    records: list[list[Any]] = []
    for rows in export.rows_in_chunks():
        for values in rows:
            values = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
            values[YUAN_COLUMN] = None if values[YUAN_COLUMN] is None else _number(values[YUAN_COLUMN])
            values[WAN_COLUMN] = None if values[WAN_COLUMN] is None else float(values[WAN_COLUMN])
            records.append(values)
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    frame["年度"] = pd.to_numeric(frame["年度"], errors="coerce").astype("Int64")
    about = pd.DataFrame([
        ("检索", ILLEGAL_CHARACTERS_RE.sub("", export.search.description or "（全部）")),
        ("结果总数", export.total if export.total_exact else f"约 {export.total:,}（估计值）"),
        ("导出行数", export.rows),
        ("是否截断", f"是：只导出前 {export.capacity} 条，请缩小检索范围" if export.truncated else "否"),
        ("排序", SORT_LABELS.get(export.request.sort, export.request.sort)
         + ("（结果极多，相关度只能对抽样排序，为导出全部结果改按年度排列）"
            if export.request.sort != export.search.request.sort else "")),
        ("导出时间", datetime.now(UTC).astimezone().isoformat(timespec="seconds")),
        ("网页", site_url("/search", search_args(drop=("page", "limit")))),
    ], columns=["项目", "内容"])

    body = workbook(frame, "检索结果", about, "检索条件",
                    number_columns={COLUMNS[YUAN_COLUMN]: "#,##0.00", COLUMNS[WAN_COLUMN]: "#,##0.00"},
                    link_columns=(COLUMNS[LINK_COLUMN],))
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers.update(export.headers("xlsx"))
    return response


def workbook(frame: Any, sheet_name: str, about: Any, about_name: str, *,
             number_columns: dict[str, str], link_columns: Iterable[str] = ()) -> bytes:
    """An .xlsx of one data sheet (bold centred frozen header, auto filter, widths that fit
    CJK text, number formats, link cells as hyperlinks) and one sheet saying what it holds."""
    import pandas as pd
    from openpyxl.styles import Alignment, Font

    links = set(link_columns)
    output = io.BytesIO()
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet_name, index=False)
        about.to_excel(writer, sheet_name=about_name, index=False)
        sheet = writer.sheets[sheet_name]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
        for column_index, name in enumerate(frame.columns, start=1):
            letter = sheet.cell(row=1, column=column_index).column_letter
            values = [name] + [str(v) for v in frame[name].head(500).tolist() if v is not None]
            sheet.column_dimensions[letter].width = _width(values, cap=30 if name in links else 60)
            if name in number_columns:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column_index, max_col=column_index):
                    cell.number_format = number_columns[name]
            if name in links:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column_index, max_col=column_index):
                    if isinstance(cell.value, str) and cell.value.startswith(("http://", "https://")):
                        cell.hyperlink = cell.value
        notes = writer.sheets[about_name]
        for cell in notes[1]:
            cell.font = Font(bold=True)
        notes.column_dimensions["A"].width = 12
        notes.column_dimensions["B"].width = 80
    return output.getvalue()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _width(values: Iterable[str], cap: int) -> float:
    """Column width in Excel units: a CJK character is about two Latin ones."""
    widest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in values), default=8)
    return float(min(max(widest + 2, 8), cap))


# ------------------------------------------------------------------ comparisons


class CompareExport:
    """The comparison of the current request (views/qa.py) as rows of COMPARE_COLUMNS: one
    per unit and year (`Comparison.records()`), texts guarded against formula injection."""

    def __init__(self) -> None:
        from webapp.qa import compare_params
        from webapp.views.qa import run_compare

        self.params = compare_params(request.args)
        self.comparison = run_compare(self.params)

    def rows(self) -> list[list[Any]]:
        from webapp.views.api import source_url

        comparison = self.comparison
        cells = [row.cells[year] for row in comparison.rows for year in comparison.years if year in row.cells]
        money = comparison.value_unit == "元"
        out = []
        for record, cell in zip(comparison.records(), cells):
            names = list(dict.fromkeys(v.name for v in (cell.budget, cell.final) if v is not None and v.name))
            budget, final = record["budget"], record["final"]
            out.append([
                safe_text(record["unit"]), record["year"], safe_text(record["measure"]), safe_text("；".join(names)),
                budget, final, record["value_unit"],
                wan(Decimal(str(budget))) if money and budget is not None else None,
                wan(Decimal(str(final))) if money and final is not None else None,
                record["execution_rate"],
                safe_text(record["budget_location"]), safe_text(record["final_location"]),
                safe_text(source_url(cell.budget.doc_id, cell.budget.location) if cell.budget else ""),
                safe_text(source_url(cell.final.doc_id, cell.final.location) if cell.final else ""),
            ])
        return out

    def about(self) -> list[tuple[str, Any]]:
        comparison = self.comparison
        return [
            ("指标/项目", safe_text(f"{comparison.label}（所问：{comparison.measure}）")),
            ("单位", safe_text("、".join(self.params.units) or "全部")),
            ("年度", "、".join(map(str, self.params.years)) or "全部"),
            ("行数", sum(len(r.cells) for r in comparison.rows)),
            ("说明", safe_text("；".join(comparison.notes) or "执行率 = 决算 ÷ 预算（两者都有时）")),
            ("导出时间", datetime.now(UTC).astimezone().isoformat(timespec="seconds")),
            ("网页", site_url("/compare", self.params.args())),
        ]

    def headers(self, extension: str) -> dict[str, str]:
        words = filename_words(self.comparison.label or self.params.measure)
        today = date.today().isoformat()
        name = "-".join(p for p in ("disclosure-compare", words, today) if p) + "." + extension
        return {"Content-Disposition": content_disposition(name, f"disclosure-compare-{today}.{extension}"),
                "Cache-Control": "no-store"}


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@blueprint.get("/compare.csv")
@json_errors
def compare_csv() -> Any:
    export = CompareExport()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COMPARE_COLUMNS)
    for values in export.rows():
        writer.writerow([_csv_cell(v) for v in values])
    response = Response("\ufeff" + _drain(buffer), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.update(export.headers("csv"))
    return response


@blueprint.get("/compare.xlsx")
@json_errors
def compare_xlsx() -> Any:
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    export = CompareExport()
    records = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else
                float(v) if isinstance(v, Decimal) else v for v in values] for values in export.rows()]
    frame = pd.DataFrame(records, columns=list(COMPARE_COLUMNS))
    about = pd.DataFrame([(k, ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
                          for k, v in export.about()], columns=["项目", "内容"])
    money = "#,##0.00"
    body = workbook(frame, "对比结果", about, "对比条件",
                    number_columns={"预算数": "#,##0.##", "决算数": "#,##0.##", "预算（万元）": money,
                                    "决算（万元）": money, "执行率（%）": "0.00"},
                    link_columns=("预算链接", "决算链接"))
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers.update(export.headers("xlsx"))
    return response


# ------------------------------------------------------------------ Atom


def _xml_text(value: Any) -> str:
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed_documents(search: Search, limit: int) -> list[tuple[IndexedDocument, int, list[Hit]]]:
    """The documents with at least one matching record, newest indexed first (then newest
    year), each with its match count and best matches. Candidates are narrowed by the
    search's own unit/year/kind facets, then each is asked once (limit 10, no facets)."""
    base = search.request
    probe = SearchRequest(text=base.text, filters=base.filters, min_amount=base.min_amount,
                          min_inclusive=base.min_inclusive, max_amount=base.max_amount,
                          max_inclusive=base.max_inclusive, page=1, limit=1, facets=("unit", "year", "kind"),
                          include_subtotals=base.include_subtotals)
    overview = backend().search(probe)
    if overview.total == 0:
        return []
    def narrowing(name: str) -> list[str] | None:
        """A facet narrows the candidates only when it accounts for every match (records
        without the field are not counted), was counted exactly and was not cut at 100 values."""
        counts = overview.facets.get(name) or {}
        if overview.facets_sample or not counts or len(counts) >= 100 or sum(counts.values()) != overview.total:
            return None  # counted over a sample (facets_sample), a value may be missing
        return list(counts)

    filters = {name: values for name in ("year", "kind") if (values := narrowing(name))}
    candidates = backend().documents(filters or None)
    units = narrowing("unit")
    if units:
        candidates = [d for d in candidates if d.unit in set(units)]
    now = datetime.now(UTC)
    candidates.sort(key=lambda d: (_timestamp(getattr(d, "indexed_at", None)) or now, d.year or 0), reverse=True)
    found: list[tuple[IndexedDocument, int, list[Hit]]] = []
    for document in candidates:
        one = SearchRequest(text=base.text, filters={**base.filters, "doc_id": [document.doc_id]},
                            min_amount=base.min_amount, min_inclusive=base.min_inclusive,
                            max_amount=base.max_amount, max_inclusive=base.max_inclusive,
                            sort="relevance", page=1, limit=10, facets=(),
                            include_subtotals=base.include_subtotals)
        result = backend().search(one)
        if result.total:
            found.append((document, result.total, result.hits))
            if len(found) >= limit:
                break
    return found


def _summary(total: int, hits: list[Hit]) -> str:
    names: list[str] = []
    for hit in hits:
        label = hit.name
        if hit.amount_yuan is not None:
            label += f"（{wan_text(hit.amount_yuan)}）"
        if label not in names:
            names.append(label)
    more = "等" if total > len(hits) else ""
    return f"{total} 条匹配：" + "；".join(names) + more


@blueprint.get("/search.atom")
@json_errors
def search_atom() -> Any:
    search = current_search()
    try:
        limit = max(1, int(current_app.config.get("FEED_LIMIT", FEED_LIMIT)))
    except (TypeError, ValueError):
        limit = FEED_LIMIT
    entries = feed_documents(search, limit)
    now = datetime.now(UTC)
    args = search_args(drop=("page", "limit"))
    canonical = "&".join(f"{k}={v}" for k, v in sorted(args))

    def sub(parent: ET.Element, tag: str, text: Any = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attributes.items()})
        if text is not None:
            element.text = _xml_text(text)
        return element

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    description = search.description or "全部文件"
    sub(feed, "title", f"预算/决算公开检索：{description}")
    sub(feed, "subtitle", "与检索条件匹配的预算、决算公开文件，最新收录的在前")
    sub(feed, "id", f"tag:disclosure-search,2024:search?{quote(canonical, safe='=&')}")
    stamps = [_timestamp(getattr(d, "indexed_at", None)) or now for d, _, _ in entries]
    sub(feed, "updated", _rfc3339(max(stamps, default=now)))
    sub(feed, "link", rel="self", type="application/atom+xml", href=site_url("/search.atom", args))
    sub(feed, "link", rel="alternate", type="text/html", href=site_url("/search", args))
    author = sub(feed, "author")
    sub(author, "name", "disclosure-search")
    sub(feed, "generator", "disclosure-search")
    for (document, total, hits), stamp in zip(entries, stamps):
        entry = sub(feed, "entry")
        sub(entry, "title", document.title or f"{document.unit or ''}{document.year or ''}年度公开文件")
        sub(entry, "id", f"tag:disclosure-search,2024:document/{quote(document.doc_id, safe='')}")
        sub(entry, "updated", _rfc3339(stamp))
        sub(entry, "link", rel="alternate", type="text/html", href=site_url(document_path(document.doc_id)))
        if document.unit:
            sub(sub(entry, "author"), "name", document.unit)
        for term, label in ((document.year, f"{document.year}年"),
                            (document.kind, KIND_LABELS.get(document.kind or "", document.kind)),
                            (document.city or document.province, document.city or document.province)):
            if term:
                sub(entry, "category", term=str(term), label=str(label))
        sub(entry, "summary", _summary(total, hits), type="text")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    return response


