"""Document model → index records: the one place where a section, a table, a table row,
a performance form, a self-evaluation or a metric becomes something the index stores.

Every record carries its document's facets (unit, year, kind, scope, region), its record
type, a name, the text to search, an amount in yuan where it has one, and its location.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from indexer import jsonio
from indexer.model import Document, Location, Section, Table

RECORD_TYPES = ("section", "table", "line_item", "form", "self_evaluation", "metric")
RECORD_TYPE_LABELS = {
    "section": "章节", "table": "报表", "line_item": "表内行", "form": "绩效目标表",
    "self_evaluation": "绩效自评", "metric": "关键指标",
}


@dataclass
class IndexedDocument:
    """One disclosure as the index knows it (the `documents` listing)."""

    doc_id: str
    content_hash: str
    path: str
    unit: str | None
    year: int | None
    kind: str | None
    scope: str | None
    province: str | None
    city: str | None
    county: str | None
    title: str | None
    warnings: list[str] = field(default_factory=list)
    parse_json: dict[str, Any] = field(default_factory=dict)
    indexed_at: str | None = None  # ISO time the index stored it (set by the backend)
    # The same parse as UTF-8 JSON, when a parser has just made it (ingest): backends store
    # these bytes as they are rather than decode them into `parse_json` and encode them again.
    parse_bytes: bytes | None = None

    def parse(self) -> dict[str, Any]:
        """The parse as JSON values, however this document holds it."""
        return jsonio.loads(self.parse_bytes) if self.parse_bytes is not None else self.parse_json

    def parse_encoded(self) -> bytes:
        """The parse as UTF-8 JSON, however this document holds it."""
        return self.parse_bytes if self.parse_bytes is not None else jsonio.dumps_bytes(self.parse_json)

    @property
    def facets(self) -> dict[str, Any]:
        return {"unit": self.unit, "year": self.year, "kind": self.kind, "scope": self.scope,
                "province": self.province, "city": self.city, "county": self.county}


@dataclass
class IndexRecord:
    record_id: str
    doc_id: str
    record_type: str
    name: str
    text: str
    amount_yuan: Decimal | None = None
    table_kind: str | None = None
    group: str | None = None
    is_subtotal: bool = False
    code: str | None = None
    metric_key: str | None = None
    location: Location = field(default_factory=Location)
    payload: dict[str, Any] = field(default_factory=dict)
    tokens: tuple[str, str] | None = None  # (precise, recall) analysed text, once analysed


def content_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def indexed_document(document: Document, path: str | Path, digest: str) -> IndexedDocument:
    info = document.document
    return IndexedDocument(
        doc_id=digest[:16], content_hash=digest, path=str(path), unit=info.unit, year=info.year,
        kind=info.kind, scope=info.scope, province=info.province, city=info.city, county=info.county,
        title=info.title, warnings=list(document.warnings), parse_bytes=jsonio.dumps_bytes(document),
    )


def records_of(document: Document, doc_id: str) -> list[IndexRecord]:
    """Every searchable record of one document, in document order within each type."""
    records: list[IndexRecord] = []
    numbers: dict[str, int] = {}
    tables = TableFinder(document.tables)

    def add(record_type: str, **values: Any) -> None:
        number = numbers.get(record_type, 0)
        numbers[record_type] = number + 1
        records.append(IndexRecord(record_id=f"{doc_id}:{record_type}:{number}", doc_id=doc_id,
                                   record_type=record_type, **values))

    title = document.document.title or ""
    for section in document.sections:
        heading = " › ".join(section.heading_path) or title
        add("section", name=section.heading_path[-1] if section.heading_path else title,
            text=f"{heading}\n{section.text}", location=section.location,
            payload={"heading_path": section.heading_path})
    for index, table in enumerate(document.tables):
        cells = " ".join(c for row in table.header + table.rows for c in row if c)
        add("table", name=table.title, text=f"{table.title}\n{cells}", table_kind=table.kind,
            location=table.location, payload={"table_index": index, "money_unit": table.money_unit,
                                              "empty": table.empty})
    for item in document.line_items:
        parts = [item.name, item.code or "", item.group or "", item.location.table or ""]
        add("line_item", name=item.name, text=" ".join(p for p in parts if p), amount_yuan=item.amount_yuan,
            table_kind=item.table_kind, group=item.group, is_subtotal=item.is_subtotal, code=item.code,
            location=item.location,
            payload={"amounts_yuan": {k: _number(v) for k, v in item.amounts_yuan.items()},
                     "table_index": tables.index_of(item.location)})
    for index, form in enumerate(document.forms):
        indicators = " ".join(f"{i.level3} {i.value}" for i in form.indicators)
        texts = " ".join(form.texts.values())
        parts = [form.project or "", "项目支出绩效目标表", form.department or "", form.implementer or "",
                 form.attribute or "", texts, indicators]
        add("form", name=form.project or "（未命名项目）", text=" ".join(p for p in parts if p),
            amount_yuan=form.annual_funds_yuan, group=form.implementer, location=form.location,
            payload={"form_index": index, "total_funds_yuan": _number(form.total_funds_yuan)})
    for evaluation in document.self_evaluations:
        add("self_evaluation", name=evaluation.project,
            text=f"{evaluation.project} 绩效自评 {evaluation.unit or ''}".strip(),
            amount_yuan=evaluation.executed_yuan, group=evaluation.unit, location=evaluation.location,
            payload={"table_index": tables.index_of(evaluation.location),
                     "budget_yuan": _number(evaluation.budget_yuan),
                     "execution_rate": _number(evaluation.execution_rate), "score": _number(evaluation.score)})
    for metric in document.metrics:
        source = metric.source.table or "情况说明"
        add("metric", name=metric.label, text=f"{metric.label} {source}",
            amount_yuan=metric.value if metric.unit == "元" else None, metric_key=metric.key,
            location=metric.source,
            payload={"value": _number(metric.value), "unit": metric.unit,
                     "table_index": tables.index_of(metric.source),
                     **_section_of(document.sections, metric.source)})
    return records


class TableFinder:
    """Which of a document's tables a location names: the last table of that title starting
    at or before the location (a title can repeat, e.g. one 项目支出绩效目标表 per project).
    Stored in the record so a hit links to its table without loading the document."""

    def __init__(self, tables: list[Table]) -> None:
        self._by_title: dict[str, list[tuple[tuple[int, int], int]]] = {}
        for index, table in enumerate(tables):
            for title in dict.fromkeys((table.title, table.location.table)):
                if title:
                    self._by_title.setdefault(title, []).append((_position(table.location), index))

    def index_of(self, location: Location) -> int | None:
        candidates = self._by_title.get(location.table or "")
        if not candidates:
            return None
        where = _position(location)
        before = [index for position, index in candidates if position <= where]
        return before[-1] if before else candidates[0][1]


def _section_of(sections: list[Section], location: Location) -> dict[str, Any]:
    """For a figure read from a sentence: the section holding it (its index and heading), so
    a hit links there without loading the document; {} for a figure in a table."""
    if location.table:
        return {}
    where = location.line if location.line is not None else location.page
    if where is None:
        return {}
    best = None
    for index, section in enumerate(sections):
        start = section.location.line if location.line is not None else section.location.page
        if start is None or start > where:
            continue
        end = section.location.end_line if location.line is not None else None
        best = index
        if end is not None and where <= end:
            break
    if best is None:
        return {}
    return {"section_index": best, "heading_path": sections[best].heading_path}


def _position(location: Location) -> tuple[int, int]:
    """Pages for PDFs, lines for text extractions: comparable within one document."""
    return (location.page or 0, location.line or 0)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
