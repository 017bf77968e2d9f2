"""Comparisons across units and years, and project histories — plain data for the CLI,
the web page and exports (the page and the chart are drawn elsewhere).

    compare(backend, "三公经费")                    a metric: units × years
    compare(backend, "培训费", units=["晋城市财政局"])   an item by name
    project_histories(backend, "晋城市政府办")         one project followed over the years

A cell holds the 预算 figure and the 决算 figure of one unit and year side by side, each
with the place it was read, and the execution rate (决算 ÷ 预算) where both exist — from the
same final account (its “三公” table and self-evaluations print the 预算数 too) or from a
budget and a final account of the same unit and year. Everything comes through the index
contract, as in `answer.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Iterable

from indexer.qa.answer import PROJECT_TABLES, Answerer, Fact, json_number, location_text
from indexer.qa.question import (
    KIND_LABELS, METRIC_LABELS, METRIC_WORDS, Catalog, DocRef, Measure, ParsedQuestion, catalog_for,
    name_key, normalize,
)


@dataclass
class CellValue:
    value: Decimal | str | None
    display: str
    doc_id: str
    name: str  # the item or metric as the document names it
    location: dict[str, Any]
    excerpt: str
    source: str

    @classmethod
    def of(cls, fact: Fact) -> "CellValue":
        first = fact.evidence[0] if fact.evidence else None
        return cls(fact.value, fact.display, fact.doc.doc_id, fact.label, first.location if first else {},
                   first.excerpt if first else "", fact.source)

    def to_json(self) -> dict[str, Any]:
        value = json_number(self.value) if isinstance(self.value, Decimal) else self.value
        return {"value": value, "display": self.display, "doc_id": self.doc_id, "name": self.name,
                "location": self.location, "location_text": location_text(self.location),
                "excerpt": self.excerpt, "source": self.source}


@dataclass
class Cell:
    budget: CellValue | None = None
    final: CellValue | None = None
    execution_rate: Decimal | None = None  # percent

    def to_json(self) -> dict[str, Any]:
        return {"budget": self.budget.to_json() if self.budget else None,
                "final": self.final.to_json() if self.final else None,
                "execution_rate": json_number(self.execution_rate)}


@dataclass
class Row:
    unit: str
    cells: dict[int, Cell] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "cells": {str(year): cell.to_json() for year, cell in sorted(self.cells.items())}}


@dataclass
class Comparison:
    measure: str  # what was asked
    label: str  # what it resolved to
    kind: str  # metric | item
    key: str | None
    value_unit: str  # 元, 个, 辆
    years: list[int]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "label": self.label, "kind": self.kind, "key": self.key,
                "value_unit": self.value_unit, "years": self.years, "rows": [r.to_json() for r in self.rows],
                "notes": self.notes}

    def records(self) -> list[dict[str, Any]]:
        """One flat record per unit and year, for CSV/XLSX exports."""
        out = []
        for row in self.rows:
            for year in self.years:
                cell = row.cells.get(year)
                if cell is None:
                    continue
                out.append({
                    "unit": row.unit, "year": year, "measure": self.label,
                    "budget": _plain(cell.budget), "final": _plain(cell.final),
                    "execution_rate": json_number(cell.execution_rate), "value_unit": self.value_unit,
                    "budget_location": location_text(cell.budget.location) if cell.budget else "",
                    "final_location": location_text(cell.final.location) if cell.final else "",
                })
        return out


def _plain(value: CellValue | None) -> int | float | str | None:
    if value is None:
        return None
    return json_number(value.value) if isinstance(value.value, Decimal) else value.value


# ---------------------------------------------------------------------------- resolving


def resolve_metric(measure: str) -> str | None:
    """A metric key from a key or a Chinese name (三公经费, “三公”经费, 公务接待费 …)."""
    if measure in METRIC_LABELS:
        return measure
    text = normalize(measure)
    for word in ("预算数", "决算数", "预算", "决算"):
        if text.endswith(word) and len(text) > len(word) + 1:
            text = text[: -len(word)]
    for key, label in METRIC_LABELS.items():
        if normalize(label) == text:
            return key
    for metric in METRIC_WORDS:
        if text in (normalize(w) for w in metric.words) and len(text) >= 2:
            return metric.key
    return None


def resolve_units(catalog: Catalog, units: Iterable[str] | None) -> tuple[list[str], list[str]]:
    """Unit names (full or as people write them) → indexed units, and what stayed unknown."""
    if not units:
        return [], []
    found: list[str] = []
    unknown: list[str] = []
    for raw in units:
        if raw in catalog.units:
            found.append(raw)
            continue
        matches = sorted(catalog.unit_matches(normalize(raw)), key=lambda m: m.score, reverse=True)
        if matches:
            best = matches[0].score
            found.extend(m.unit for m in matches if m.score == best)
        else:
            unknown.append(raw)
    return sorted(dict.fromkeys(found)), unknown


# ---------------------------------------------------------------------------- compare

# Units in one comparison at most: each row is read with its evidence, one document at a time.
MAX_UNITS = 20


def compare(backend: Any, measure: str, units: Iterable[str] | None = None,
            years: Iterable[int | str] | None = None) -> Comparison:
    """Lay `measure` (a metric key or name, or an item name) out by unit (rows) and year
    (columns), 预算 and 决算 side by side with the execution rate where both exist."""
    catalog = catalog_for(backend)
    answerer = Answerer(backend, catalog)
    unit_list, unknown = resolve_units(catalog, units)
    year_list = sorted({int(str(y).rstrip("年")) for y in years or ()})
    notes = [f"索引中没有单位“{u}”" for u in unknown]
    if units and not unit_list:
        return Comparison(measure, measure, "unknown", None, "", year_list, [], notes)
    docs = catalog.select(unit_list or None, year_list or None)
    every_unit = sorted({d.unit for d in docs if d.unit})
    if len(every_unit) > MAX_UNITS:  # a table of thousands of units is read by nobody, and costs minutes
        kept = set(every_unit[:MAX_UNITS])
        docs = [d for d in docs if d.unit in kept]
        notes.append(f"所选范围内共有 {len(every_unit):,} 个单位，只列出按名称排序的前 {MAX_UNITS} 个；"
                     "请选择要比较的单位")
    key = resolve_metric(measure)
    if key is not None:
        kind, label, value_unit = "metric", METRIC_LABELS.get(key, key), {"performance_projects": "个",
                                                                          "official_vehicles": "辆"}.get(key, "元")
        by_doc = answerer.metric_facts_many(key, docs)  # one aggregate_metric call
        facts_of = lambda doc: by_doc.get(doc.doc_id, [])  # noqa: E731
    else:
        kind, label, value_unit = "item", measure, "元"
        parsed = ParsedQuestion(question=measure, text=normalize(measure), item_words=[normalize(measure)],
                                measure=Measure("item", None, "", measure))
        facts_of = lambda doc: answerer.facts(parsed, doc)  # noqa: E731
    rows: dict[str, Row] = {}
    for doc in docs:
        facts = [f for f in facts_of(doc) if f.unit == value_unit and isinstance(f.value, Decimal)]
        if not facts:
            continue
        row = rows.setdefault(doc.unit or "", Row(doc.unit or ""))
        cell = row.cells.setdefault(doc.year or 0, Cell())
        _fill(cell, facts, doc)
    for row in rows.values():
        for cell in row.cells.values():
            cell.execution_rate = _rate(cell)
    years_out = year_list or sorted({y for r in rows.values() for y in r.cells})
    if not rows:
        notes.append(f"所选范围内没有“{measure}”的数据")
    if any(c.budget and c.final and c.budget.doc_id != c.final.doc_id for r in rows.values() for c in r.cells.values()):
        notes.append("执行率 = 决算 ÷ 预算；预算与决算来自同一单位同一年度的两份文件")
    return Comparison(measure, label, kind, key, value_unit, years_out, sorted(rows.values(), key=lambda r: r.unit),
                      notes)


_ORDER = {"form": 0, "table": 1, "self_evaluation": 1, "line_item": 2, "derived": 2, "sentence": 3}


def _fill(cell: Cell, facts: list[Fact], doc: DocRef) -> None:
    for basis, slot in (("budget", "budget"), ("final_account", "final")):
        candidates = sorted((f for f in facts if f.basis == basis), key=lambda f: _ORDER.get(f.source, 5))
        if not candidates:
            continue
        current = getattr(cell, slot)
        # A budget document's own 预算 wins over the 预算数 a final account repeats.
        if current is None or (basis == "budget" and doc.kind == "budget"):
            setattr(cell, slot, CellValue.of(candidates[0]))


def _rate(cell: Cell) -> Decimal | None:
    if cell.budget is None or cell.final is None:
        return None
    budget, final = cell.budget.value, cell.final.value
    if not isinstance(budget, Decimal) or not isinstance(final, Decimal) or budget <= 0:
        return None
    return (final / budget * 100).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------- histories


@dataclass
class HistoryEntry:
    year: int | None
    kind: str | None
    doc_id: str
    name: str
    record_type: str  # line_item | form | self_evaluation
    table_kind: str | None
    group: str | None
    amount_yuan: Decimal | None  # row amount, form annual funds, or executed amount
    budget_yuan: Decimal | None = None
    execution_rate: Decimal | None = None
    location: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "kind": self.kind, "kind_label": KIND_LABELS.get(self.kind or "", ""),
                "doc_id": self.doc_id, "name": self.name, "record_type": self.record_type,
                "table_kind": self.table_kind, "group": self.group, "amount_yuan": json_number(self.amount_yuan),
                "budget_yuan": json_number(self.budget_yuan), "execution_rate": json_number(self.execution_rate),
                "location": self.location, "location_text": location_text(self.location)}


@dataclass
class ProjectHistory:
    unit: str
    name: str  # the latest name
    key: str
    names: list[str] = field(default_factory=list)
    entries: list[HistoryEntry] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({e.year for e in self.entries if e.year})

    def amounts(self) -> dict[int, int | float | None]:
        """Per year, the project's amount: the form's or table's 预算, else the 执行数."""
        out: dict[int, int | float | None] = {}
        for year in self.years:
            entries = [e for e in self.entries if e.year == year]
            preferred = sorted(entries, key=lambda e: {"form": 0, "line_item": 1, "self_evaluation": 2}[e.record_type])
            out[year] = json_number(preferred[0].amount_yuan) if preferred else None
        return out

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "key": self.key, "names": self.names, "years": self.years,
                "amounts": {str(y): v for y, v in self.amounts().items()},
                "entries": [e.to_json() for e in self.entries]}


def history_key(name: str) -> str:
    """name_key with the small edits people make between years: 费用 ~ 费, 经费 ~ 费."""
    return name_key(name).replace("费用", "费").replace("经费", "费")


def project_histories(backend: Any, unit: str) -> list[ProjectHistory]:
    """The unit's projects (项目支出预算表 rows, 绩效目标表, 项目自评) over all its indexed
    years, a project that recurs under the same or a near-same name linked into one
    history. Within one document, a row and a form are one project when their names are
    near and their amounts agree; across years, names are compared by `history_key`
    (year prefixes and punctuation dropped, 费用/经费 ~ 费) and then by similarity."""
    catalog = catalog_for(backend)
    answerer = Answerer(backend, catalog)
    units, _ = resolve_units(catalog, [unit])
    if not units:
        return []
    histories: list[ProjectHistory] = []
    for unit_name in units:
        docs = sorted(catalog.select([unit_name]), key=lambda d: (d.year or 0, d.kind or ""))
        unit_histories: list[ProjectHistory] = []
        for doc in docs:
            for project in _doc_projects(answerer, doc):
                _attach(unit_histories, project, doc)
        for history in unit_histories:
            history.entries.sort(key=lambda e: (e.year or 0, e.kind or "", e.record_type))
            history.name = history.entries[-1].name
        histories.extend(unit_histories)
    histories.sort(key=lambda h: (-len(h.years), h.unit, h.name))
    return histories


def _doc_projects(answerer: Answerer, doc: DocRef) -> list[list[HistoryEntry]]:
    """One document's projects, each a list of entries (its row, its form, its self-evaluation)."""
    entries: list[HistoryEntry] = []
    for record_type, extra in (("line_item", {"table_kind": PROJECT_TABLES}), ("form", {}), ("self_evaluation", {})):
        for hit in _all_hits(answerer, doc, record_type, extra):
            if hit.is_subtotal or "整体" in (hit.name or ""):
                continue
            payload = hit.payload or {}
            entries.append(HistoryEntry(
                doc.year, doc.kind, doc.doc_id, hit.name, record_type, hit.table_kind, hit.group, hit.amount_yuan,
                _decimal(payload.get("budget_yuan")), _decimal(payload.get("execution_rate")), hit.location))
    projects: list[list[HistoryEntry]] = []
    for entry in sorted(entries, key=lambda e: ({"line_item": 0, "form": 1, "self_evaluation": 2}[e.record_type],
                                                 e.location.get("line") or 0)):
        key = history_key(entry.name)
        same = next((p for p in projects if history_key(p[0].name) == key
                     and entry.record_type not in {e.record_type for e in p}), None)
        if same is None and entry.record_type != "line_item":
            same = next((p for p in projects
                         if entry.record_type not in {e.record_type for e in p}
                         and SequenceMatcher(None, history_key(p[0].name), key).ratio() >= 0.8
                         and _amounts_agree(p[0].amount_yuan, entry.amount_yuan)), None)
        if same is None:
            projects.append([entry])
        else:
            same.append(entry)
    return projects


def _all_hits(answerer: Answerer, doc: DocRef, record_type: str, extra: dict[str, list[str]]) -> list:
    from indexer.index.contract import SearchRequest

    hits, page = [], 1
    while True:
        request = SearchRequest(filters={"record_type": [record_type], "doc_id": [doc.doc_id], **extra},
                                include_subtotals=False, limit=100, page=page, facets=())
        result = answerer.backend.search(request)
        hits.extend(result.hits)
        if page * 100 >= result.total or page >= 50:
            return hits
        page += 1


def _attach(histories: list[ProjectHistory], project: list[HistoryEntry], doc: DocRef) -> None:
    names = list(dict.fromkeys(e.name for e in project))
    keys = {history_key(n) for n in names}
    # A history takes one project per year (a budget and a final account of the same year
    # may both carry it).
    candidates = [h for h in histories
                  if all(e.kind != doc.kind for e in h.entries if e.year == doc.year)]
    target = next((h for h in candidates if h.key in keys or keys & {history_key(n) for n in h.names}), None)
    if target is None:
        group = next((e.group for e in project if e.group), None)
        scored = []
        for history in candidates:
            ratio = max(SequenceMatcher(None, history_key(a), history_key(b)).ratio()
                        for a in history.names for b in names)
            groups = {e.group for e in history.entries if e.group}
            if ratio >= 0.85 and (not group or not groups or group in groups):
                scored.append((ratio, history))
        if scored:
            target = max(scored, key=lambda s: s[0])[1]
    if target is None:
        target = ProjectHistory(doc.unit or "", names[0], history_key(names[0]))
        histories.append(target)
    for name in names:
        if name not in target.names:
            target.names.append(name)
    target.entries.extend(project)


def _amounts_agree(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(Decimal(100), abs(a) / 100)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
