"""The document model: what a parsed disclosure is made of.

Every figure carries a `Location` so a person can find it in the original file.
Money is held as `Decimal` yuan inside the model; `to_json()` turns it into plain numbers
(the JSON contract in DESIGN.md §4: amounts are numbers in yuan, missing values are null).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from indexer.jsonio import to_plain


@dataclass(frozen=True)
class Location:
    """Where a person finds something: a page (PDF) or a line (text), and the table or form."""

    page: int | None = None
    line: int | None = None
    end_line: int | None = None
    table: str | None = None
    form: str | None = None
    row: int | None = None

    JSON_DROPS_NONE = True  # in JSON a location keeps only what it says (indexer/jsonio.py)

    def with_(self, **changes: Any) -> "Location":
        # This runs per table row and cell: a copy of the fields without the frozen
        # dataclass's __init__, which sets each field through object.__setattr__.
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"Location has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(Location)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Location":
        """A location as JSON contracts carry it (keys with null values left out)."""
        return cls(**{f.name: (data or {}).get(f.name) for f in fields(cls)})

    def describe(self) -> str:
        """Human-readable: 第3页 › 2023年预算收支总表 › 表内第4行."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        elif self.line is not None:
            parts.append(f"第{self.line}行")
        if self.table:
            parts.append(self.table)
        if self.form:
            parts.append(f"绩效目标表：{self.form}")
        if self.row is not None:
            parts.append(f"表内第{self.row}行")
        return " › ".join(parts)


@dataclass
class DocumentInfo:
    unit: str | None = None
    year: int | None = None
    kind: str | None = None  # "budget" | "final_account"
    scope: str | None = None  # "unit" | "department"
    province: str | None = None
    city: str | None = None
    county: str | None = None
    title: str | None = None


@dataclass
class Section:
    heading_path: list[str]
    text: str
    location: Location


@dataclass
class Table:
    title: str
    kind: str | None
    money_unit: str | None
    header: list[list[str]]
    rows: list[list[str]]
    empty: bool
    location: Location


@dataclass
class LineItem:
    table_kind: str | None
    code: str | None
    name: str
    amount_yuan: Decimal | None
    amounts_yuan: dict[str, Decimal | None]
    is_subtotal: bool
    group: str | None
    location: Location


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    level3: str
    value: str
    op: str | None
    number: Decimal | None
    unit: str | None
    side: str  # "period" (实施期) | "annual" (年度)


@dataclass
class PerformanceForm:
    project: str | None
    department: str | None
    implementer: str | None
    attribute: str | None
    period: str | None
    total_funds_yuan: Decimal | None
    annual_funds_yuan: Decimal | None
    funding: dict[str, dict[str, Decimal | None]]
    texts: dict[str, str]
    indicators: list[Indicator]
    location: Location


@dataclass
class SelfEvaluation:
    project: str
    budget_yuan: Decimal | None
    executed_yuan: Decimal | None
    execution_rate: Decimal | None
    score: Decimal | None
    location: Location
    unit: str | None = None


@dataclass
class Metric:
    key: str
    label: str
    value: Decimal
    unit: str  # 元 | 个 | 辆 | %
    source: Location


@dataclass
class Document:
    document: DocumentInfo
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    forms: list[PerformanceForm] = field(default_factory=list)
    self_evaluations: list[SelfEvaluation] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return to_plain(self)

    def metric(self, key: str) -> Metric | None:
        """The first metric with this key (tables come before narrative sentences)."""
        return next((m for m in self.metrics if m.key == key), None)
