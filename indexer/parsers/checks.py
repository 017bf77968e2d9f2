"""Consistency checks. Every disagreement becomes a warning that names both places.

- a classification total against the rows under it (合计 → 类 → 款 → 项; 经济分类 类 → 款);
- the “三公” total against its parts;
- a figure stated in 第三部分's sentences against the same figure in a table.
Project-table unit subtotals are checked where they are grouped (line_items.group_projects).
"""
from __future__ import annotations

from decimal import Decimal

from analyzers.normalize import label_key
from indexer.model import LineItem, Metric

_CODE_TABLES = {
    "budget_income", "budget_expenditure", "general_budget_expenditure", "final_income",
    "final_expenditure", "final_general_budget_expenditure",
}
_ECONOMIC_TABLES = {"general_budget_basic_economic", "final_general_budget_basic"}


def _wan(yuan: Decimal) -> str:
    return f"{yuan / 10000:,.2f}万元"


def _close(a: Decimal, b: Decimal, rows: int) -> bool:
    # Each figure was rounded to 0.01万元; a sum of n rounded rows may drift by 50元 a row.
    return abs(a - b) <= 50 * max(1, rows)


def check_code_totals(items: list[LineItem]) -> list[str]:
    warnings: list[str] = []
    tables: dict[str, list[LineItem]] = {}
    for item in items:
        if item.table_kind in _CODE_TABLES:
            tables.setdefault(item.location.table or item.table_kind, []).append(item)
    for title, rows in tables.items():
        coded = [r for r in rows if r.code and r.amount_yuan is not None]
        total = next((r for r in rows if label_key(r.name) == "合计" and r.amount_yuan is not None), None)
        parents: list[tuple[LineItem, list[LineItem]]] = []
        if total:
            parents.append((total, [r for r in coded if len(r.code) == 3]))
        # A row's children are the rows whose code is its code plus two digits, in order.
        children_of: dict[str, list[LineItem]] = {}
        for row in coded:
            children_of.setdefault(row.code[:-2], []).append(row)
        for parent in coded:
            if len(parent.code) in (3, 5):
                parents.append((parent, children_of.get(parent.code, [])))
        for parent, children in parents:
            if not children:
                continue
            # Compare within one column: a row's first figure may stand in another column
            # (a 上年结转-only row) than its parent's.
            column, value = next((c, v) for c, v in parent.amounts_yuan.items() if v is not None)
            summed = sum((c.amounts_yuan.get(column) or Decimal(0) for c in children), Decimal(0))
            if not _close(value, summed, len(children)):
                warnings.append(
                    f"{title}：{parent.code or ''}{parent.name}“{column}”为{_wan(value)}"
                    f"（{parent.location.describe()}），其下各行合计{_wan(summed)} "
                    f"(total differs from the sum of its rows)"
                )
    return warnings


def check_economic_totals(items: list[LineItem]) -> list[str]:
    warnings: list[str] = []
    for kind in _ECONOMIC_TABLES:
        rows = [i for i in items if i.table_kind == kind and i.amount_yuan is not None]
        if not rows:
            continue
        classes = [r for r in rows if r.is_subtotal and r.group is None and "合计" not in r.name]
        for cls in classes:
            members = [r for r in rows if r.group == cls.name]
            summed = sum((m.amount_yuan for m in members), Decimal(0))
            if members and not _close(cls.amount_yuan, summed, len(members)):
                warnings.append(
                    f"{cls.location.table}：{cls.name}为{_wan(cls.amount_yuan)}（{cls.location.describe()}），"
                    f"其下各款合计{_wan(summed)} (class total differs from its rows)"
                )
        total = next((r for r in rows if label_key(r.name) == "合计"), None)
        if total and classes:
            summed = sum((c.amount_yuan for c in classes), Decimal(0))
            if not _close(total.amount_yuan, summed, len(classes)):
                warnings.append(
                    f"{total.location.table}：合计{_wan(total.amount_yuan)}，各类合计{_wan(summed)}"
                    f"（{total.location.describe()}） (total differs from the sum of classes)"
                )
    return warnings


def check_three_public(metrics: list[Metric]) -> list[str]:
    values = {}
    for m in metrics:
        if m.key.startswith("three_public") and m.source.table and m.key not in values:
            values[m.key] = m
    total = values.get("three_public_total")
    parts = [values[k] for k in ("three_public_abroad", "three_public_reception",
                                 "three_public_vehicle_purchase", "three_public_vehicle_operation") if k in values]
    if not total or not parts:
        return []
    summed = sum((p.value for p in parts), Decimal(0))
    if _close(total.value, summed, len(parts)):
        return []
    return [f"“三公”经费合计{_wan(total.value)}（{total.source.describe()}）与各项之和{_wan(summed)}不一致 "
            f"(“三公” total differs from its parts)"]


def check_sentences_against_tables(metrics: list[Metric]) -> list[str]:
    """A sentence may round (206.5万元 for 206.50); anything beyond 0.01万元 is a disagreement."""
    warnings: list[str] = []
    tables = {m.key: m for m in reversed(metrics) if m.source.table}
    for m in metrics:
        if m.source.table or m.key not in tables or m.unit != "元":
            continue
        table = tables[m.key]
        if abs(m.value - table.value) > 100:
            warnings.append(
                f"{m.label}：第三部分说明（{m.source.describe()}）为{_wan(m.value)}，"
                f"{table.source.describe()}为{_wan(table.value)} (sentence differs from table)"
            )
    return warnings


def consistency_warnings(items: list[LineItem], metrics: list[Metric]) -> list[str]:
    return (check_code_totals(items) + check_economic_totals(items)
            + check_three_public(metrics) + check_sentences_against_tables(metrics))
