"""The question and comparison pages, and what the API and exports share with them.

    GET /ask?q=…                      the answer, its value and unit, and every piece of evidence
                                      linked to the table, form or section it was read from
    GET /compare?measure=…&unit=…&year=…
                                      a metric or an item by unit (rows) and year (columns),
                                      预算 beside 决算 with the execution rate, a server-drawn
                                      SVG chart, CSV/XLSX downloads (views/exports.py)
    GET /projects?unit=…              the unit's projects followed across years

/search runs `answer_for_search` as well when the search box holds a question
(webapp.qa.looks_like_question); a failing answer never fails the search page.

The answering itself is indexer/qa (ask, compare, project_histories); this module only
lays its results out and links every figure with `webapp.links.source`, the link logic of
the search results (a bare location: the document is loaded, once per request, to find
the table, form or section it names).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, render_template, request, url_for

from analyzers.amounts import format_yuan_as_wan
from indexer.qa import Answer, ask
from indexer.qa.compare import CellValue, Comparison, compare, project_histories
from indexer.qa.question import METRIC_LABELS
from indexer.query import QueryError
from webapp import charts
from webapp.backend import backend
from webapp.formatting import KIND_LABELS, wan
from webapp.links import source as source_view
from webapp.qa import (
    COMPARE_EXAMPLES,
    MAX_MEASURE,
    MAX_QUESTION,
    QUESTION_EXAMPLES,
    CompareParams,
    compare_params,
    question_param,
    unit_param,
)
from webapp.views.exports import wan as wan_decimal

blueprint = Blueprint("qa", __name__)

TYPE_LABELS = {"value": "取值", "change": "比上年变化", "count": "计数", "ranking": "排名/比较", "list": "列表",
               "share": "占比"}
RECORD_LABELS = {"line_item": "项目支出表", "form": "绩效目标表", "self_evaluation": "项目自评"}
MEASURE_SUGGESTIONS = ("三公经费", "公务接待费", "公务用车运行维护费", "机关运行经费", "基本支出", "项目支出", "人员经费",
                       "公用经费", "政府采购", "收入总计", "支出总计", "绩效项目数", "培训费", "会议费", "差旅费",
                       "物业管理费")


@blueprint.before_request
def _limit_query_string():
    if len(request.query_string) > current_app.config.get("MAX_QUERY_STRING", 4_000):
        abort(414)


# ------------------------------------------------------------------ answers


def value_view(value: Any, unit: str | None) -> dict[str, str] | None:
    """An answer's figure as a person reads it: money in 万元 with the yuan beneath."""
    if value is None:
        return None
    if unit == "元":
        amount = Decimal(str(value))
        exact = f"{amount:,.2f}元".replace(".00元", "元")
        main = format_yuan_as_wan(amount) if abs(amount) >= 100 else exact
        return {"main": main, "exact": exact if exact != main else ""}
    if unit == "%":
        return {"main": f"{value}%", "exact": ""}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return {"main": f"{number}{unit or ''}", "exact": ""}
    return {"main": f"{value}{unit or ''}", "exact": ""}


def _linked(item: dict[str, Any]) -> dict[str, Any]:
    """An evidence, nearest or row entry with the links of its source."""
    source = source_view(item.get("doc_id") or "", item.get("location"), title=item.get("title"))
    # The place inside the document (table › row, form, section) when the document is named apart.
    place = {**source, "parts": source["parts"][1:]}
    return {**item, "source": source, "place": place if place["parts"] or place["where"] else None}


def answer_view(answer: Answer) -> dict[str, Any]:
    data = answer.to_json()
    understood = data.get("understood") or {}
    measure = understood.get("measure") or {}
    understood_parts = []
    if understood.get("units"):
        understood_parts.append(("单位", "、".join(understood["units"])))
    if understood.get("unknown_unit"):
        understood_parts.append(("未收录", understood["unknown_unit"]))
    if understood.get("years"):
        understood_parts.append(("年度", "、".join(f"{y}年" for y in understood["years"])))
    if understood.get("basis"):
        understood_parts.append(("口径", KIND_LABELS.get(understood["basis"], understood["basis"])))
    if measure:
        understood_parts.append(("问的是", measure.get("label") or measure.get("words") or ""))
    if understood.get("type") in TYPE_LABELS and understood.get("type") != "value":
        understood_parts.append(("类型", TYPE_LABELS[understood["type"]]))
    return {
        "data": data,
        "question": data["question"],
        "found": data["found"],
        "answer": data["answer"],
        # found: false says 无相关数据 as its heading; the sentence goes on from there.
        "sentence": (data["answer"].removeprefix("无相关数据").lstrip("：:，, ") or data["answer"]
                     if not data["found"] else data["answer"]),
        "value": value_view(data["value"], data["unit"]),
        "evidence": [_linked(e) for e in data["evidence"]],
        "nearest": [_linked(n) for n in data["nearest"]],
        "rows": [_linked(r) for r in data["rows"]] if len(data["rows"]) > 1 else [],
        "understood": understood_parts,
        "ask_url": url_for("qa.ask_page", q=data["question"]),
        "compare_url": (url_for("qa.compare_page", measure=measure.get("words") or measure.get("label"))
                        if measure.get("kind") in ("metric", "item") and (measure.get("words") or measure.get("label"))
                        else None),
        "search_url": url_for("pages.search", q=data["question"]),
    }


def answer_for_search(question: str) -> dict[str, Any] | None:
    """The answer shown above /search results; None when answering fails (the results still show)."""
    try:
        return answer_view(ask(backend(), question))
    except Exception:  # the search page must not fail because of the answer
        current_app.logger.exception("answering %r on the search page failed", question)
        return None


@blueprint.route("/ask")
def ask_page():
    context: dict[str, Any] = {"q": request.args.get("q", ""), "examples": QUESTION_EXAMPLES,
                               "max_question": MAX_QUESTION, "view": None, "error": None}
    if "q" not in request.args:
        return render_template("ask.html", **context)
    try:
        question = question_param(request.args)
    except QueryError as error:
        context.update(error=error.message, parameter=error.field)
        return render_template("ask.html", **context), 400
    context["view"] = answer_view(ask(backend(), question))
    return render_template("ask.html", **context)


# ------------------------------------------------------------------ comparisons


def run_compare(params: CompareParams) -> Comparison:
    """One comparison per request (the page, its chart and its table share it)."""
    cache = g.setdefault("comparisons", {})
    key = tuple(params.args())
    if key not in cache:
        cache[key] = compare(backend(), params.measure, params.units or None, params.years or None)
    return cache[key]


def cell_source(value: CellValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return source_view(value.doc_id, value.location)


def figure_number(value: Any, value_unit: str) -> str:
    """A comparison figure as the table shows it under its unit: money in 万元 (1,779.52), counts as is."""
    if value is None:
        return "—"
    if value_unit == "元":
        return f"{wan_decimal(Decimal(str(value))):,.2f}"
    return f"{Decimal(str(value)).normalize():f}"


def figure_text(value: Any, value_unit: str) -> str:
    """A comparison figure with its unit: 10.20万元, 4辆."""
    if value is None:
        return "—"
    if value_unit == "元":
        return format_yuan_as_wan(Decimal(str(value)))
    return figure_number(value, value_unit) + value_unit


def _axis_value(value: Decimal | str | None, value_unit: str) -> float | None:
    if not isinstance(value, Decimal):
        return None
    return float(value / 10000) if value_unit == "元" else float(value)


def comparison_view(comparison: Comparison, params: CompareParams) -> dict[str, Any]:
    unit = comparison.value_unit
    rate_years = {year for row in comparison.rows for year, cell in row.cells.items()
                  if cell.execution_rate is not None}
    rows = []
    for row in comparison.rows:
        cells = []
        for year in comparison.years:
            cell = row.cells.get(year)
            entry: dict[str, Any] = {"year": year, "budget": None, "final": None, "rate": None}
            if cell is not None:
                for slot in ("budget", "final"):
                    value: CellValue | None = getattr(cell, slot)
                    if value is None:
                        continue
                    source = cell_source(value)
                    entry[slot] = {
                        "text": figure_number(value.value, unit), "url": source["url"] if source else None,
                        "title": f"{value.display}；{value.name}；出处：{_location_label(source, value)}",
                        "name": value.name if value.name != comparison.label else "",
                    }
                if cell.execution_rate is not None:
                    entry["rate"] = f"{cell.execution_rate}%"
            cells.append(entry)
        rows.append({"unit": row.unit, "cells": cells,
                     "projects_url": url_for("qa.projects_page", unit=row.unit)})
    args = params.args()
    query = urlencode(args)
    return {
        "comparison": comparison, "rows": rows, "years": comparison.years, "rate_years": rate_years,
        "unit_label": "万元" if unit == "元" else unit,
        "chart": charts.bar_chart(comparison_chart(comparison)) if comparison.rows else None,
        "csv_url": "/compare.csv?" + query, "xlsx_url": "/compare.xlsx?" + query,
        "api_url": "/api/compare?" + query,
        "figures": sum(1 for r in rows for c in r["cells"] for s in ("budget", "final") if c[s]),
    }


def _location_label(source: dict[str, Any] | None, value: CellValue) -> str:
    if source:
        labels = [p["label"] for p in source["parts"]]
        if source.get("where"):
            labels.append(source["where"])
        return " › ".join(labels)
    return value.doc_id


def comparison_chart(comparison: Comparison) -> charts.BarChart:
    """Grouped bars: a group per unit, a row per year, a bar per figure (预算, 决算)."""
    unit = comparison.value_unit
    unit_label = "万元" if unit == "元" else unit
    groups, sentences = [], []
    for row in comparison.rows:
        group = charts.BarGroup(row.unit)
        said = []
        for year in comparison.years:
            cell = row.cells.get(year)
            if cell is None:
                continue
            bar_row = charts.BarRow(f"{year}年")
            for slot, label in (("budget", "预算"), ("final", "决算")):
                value: CellValue | None = getattr(cell, slot)
                number = _axis_value(value.value, unit) if value else None
                if value is None or number is None:
                    continue
                text = figure_text(value.value, unit)
                source = cell_source(value)
                bar_row.bars.append(charts.Bar(
                    slot, number, f"{number:,.2f}" if unit == "元" else f"{number:g}",
                    f"{row.unit} {year}年{label} {text}", source["url"] if source else None))
                said.append(f"{year}年{label}{text}")
            if cell.execution_rate is not None:
                said.append(f"执行率{cell.execution_rate}%")
            if bar_row.bars:
                group.rows.append(bar_row)
        if group.rows:
            groups.append(group)
            sentences.append(f"{row.unit}：{'、'.join(said)}")
    title = f"{comparison.label}：各单位各年度预算与决算（{unit_label}）"
    description = (f"条形图，按单位分组，组内按年度排列，深蓝色为预算、橙色为决算，长度表示{unit_label}数。"
                   + "；".join(sentences) + "。")
    return charts.BarChart(title, description, unit_label, groups, id_prefix="compare-chart")


@blueprint.route("/compare")
def compare_page():
    stats = backend().stats()
    context: dict[str, Any] = {
        "examples": COMPARE_EXAMPLES, "suggestions": MEASURE_SUGGESTIONS + tuple(
            label for label in METRIC_LABELS.values() if label not in MEASURE_SUGGESTIONS),
        "all_units": stats.get("units") or [], "all_years": stats.get("years") or [],
        "measure": request.args.get("measure", ""), "selected_units": request.args.getlist("unit"),
        "selected_years": [y.strip() for y in request.args.getlist("year")], "max_measure": MAX_MEASURE,
        "view": None, "error": None,
    }
    if not any(name in request.args for name in ("measure", "unit", "year")):
        return render_template("compare.html", **context)
    try:
        params = compare_params(request.args)
    except QueryError as error:
        context.update(error=error.message, parameter=error.field)
        return render_template("compare.html", **context), 400
    context["view"] = comparison_view(run_compare(params), params)
    return render_template("compare.html", **context)


# ------------------------------------------------------------------ project histories


def history_view(history: Any) -> dict[str, Any]:
    entries = []
    for entry in history.entries:
        source = source_view(entry.doc_id, entry.location, entry.record_type, name=entry.name)
        if entry.record_type == "self_evaluation":
            amount_label = "全年执行数"
        elif entry.record_type == "form":
            amount_label = "年度资金"
        else:
            amount_label = "上年结转" if entry.table_kind == "project_carryover" else "本年预算"
        details = []
        if entry.budget_yuan is not None:
            details.append(f"全年预算数 {wan(entry.budget_yuan)}")
        if entry.execution_rate is not None:
            details.append(f"执行率 {entry.execution_rate}%")
        entries.append({
            "year": entry.year, "kind": KIND_LABELS.get(entry.kind or "", entry.kind or ""),
            "record": RECORD_LABELS.get(entry.record_type, entry.record_type), "record_type": entry.record_type,
            "name": entry.name, "amount": wan(entry.amount_yuan), "amount_label": amount_label,
            "details": "；".join(details), "source": source, "group": entry.group,
        })
    return {"name": history.name, "names": [n for n in history.names if n != history.name],
            "years": history.years, "entries": entries}


@blueprint.route("/projects")
def projects_page():
    stats = backend().stats()
    context: dict[str, Any] = {"all_units": stats.get("units") or [], "unit": request.args.get("unit", ""),
                               "histories": None, "error": None}
    try:
        unit = unit_param(request.args)
    except QueryError as error:
        context.update(error=error.message, parameter=error.field)
        return render_template("projects.html", **context), 400
    if not unit:
        return render_template("projects.html", **context)
    histories = project_histories(backend(), unit)
    context.update(unit=unit, histories=[history_view(h) for h in histories],
                   units=sorted({h.unit for h in histories}),
                   recurring=sum(1 for h in histories if len(h.years) > 1))
    return render_template("projects.html", **context)
