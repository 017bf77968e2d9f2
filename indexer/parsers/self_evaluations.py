"""项目单位自评汇总表 (final accounts) → one `SelfEvaluation` per project row.

The columns are found by their header labels (全年预算数, 全年执行数, 预算执行率, 自评得分);
the table states no money unit, and its figures are 万元 like every other table of the
final-account template, which the warning says so a reader can check.
"""
from __future__ import annotations

from decimal import Decimal

from analyzers.amounts import number_value, to_yuan
from analyzers.normalize import join_broken_label, label_key
from indexer.model import SelfEvaluation
from indexer.parsers.tables import RawTable

_COLUMNS = {
    "project": ("项目名称",),
    "unit": ("单位名称",),
    "budget": ("全年预算数", "年初预算数", "预算数"),
    "executed": ("全年执行数", "执行数"),
    "rate": ("预算执行率", "执行率"),
    "score": ("自评得分", "得分"),
}


def self_evaluations_from_table(table: RawTable) -> tuple[list[SelfEvaluation], list[str]]:
    header_index, columns = _find_header(table.rows)
    if header_index is None or "project" not in columns:
        return [], [f"{table.title}（{table.location.describe()}）：找不到表头 (no header row found)"]
    unit = table.money_unit or "万元"
    warnings = [] if table.money_unit else [
        f"{table.title}（{table.location.describe()}）未注明金额单位，按万元处理 (no money unit stated; read as 万元)"
    ]
    evaluations: list[SelfEvaluation] = []
    for offset, row in enumerate(table.rows[header_index + 1:], start=header_index + 1):
        project = _cell(row, columns.get("project"))
        if not project or label_key(project) in ("合计", "总计"):
            continue
        budget, executed = _number(row, columns.get("budget")), _number(row, columns.get("executed"))
        evaluations.append(SelfEvaluation(
            project=join_broken_label(project),
            budget_yuan=to_yuan(budget, unit) if budget is not None else None,
            executed_yuan=to_yuan(executed, unit) if executed is not None else None,
            execution_rate=_number(row, columns.get("rate")),
            score=_number(row, columns.get("score")),
            location=table.row_locations[offset].with_(table=table.title, row=offset + 1),
            unit=_cell(row, columns.get("unit")),
        ))
    return evaluations, warnings


def _find_header(rows: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows):
        keys = [label_key(c) for c in row]
        if "项目名称" not in keys:
            continue
        columns: dict[str, int] = {}
        for field, labels in _COLUMNS.items():
            for label in labels:
                if label in keys:
                    columns[field] = keys.index(label)
                    break
        return index, columns
    return None, {}


def _cell(row: list[str], col: int | None) -> str | None:
    if col is None or col >= len(row):
        return None
    return row[col].strip() or None


def _number(row: list[str], col: int | None) -> Decimal | None:
    return number_value(_cell(row, col))


# 部门整体绩效自评表: the 部门预算总额 row carries, in the template's column order,
# 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分; the 总分 row the total score.
_WHOLE_BUDGET_COLUMNS = ("initial", "budget", "executed", "weight", "rate", "points")
DEPARTMENT_PROJECT = "部门整体支出"


def department_evaluation_from_table(table: RawTable) -> tuple[list[SelfEvaluation], list[str]]:
    """The department's whole-budget self-evaluation as one `SelfEvaluation`."""
    budget_row = total_row = None
    name = None
    for index, row in enumerate(table.rows):
        keys = [label_key(c) for c in row]
        if any(k.startswith("部门预算总额") for k in keys) and budget_row is None:
            budget_row = index
        if keys and keys[0] == "总分":
            total_row = index
        if keys and keys[0].startswith("部门(单位)名称"):
            name = next((c.strip() for c in row[1:] if c.strip()), None)
    if budget_row is None:
        return [], [f"{table.title}（{table.location.describe()}）：找不到部门预算总额一行 (no budget row)"]
    row = table.rows[budget_row]
    label = next(c for c in row if label_key(c).startswith("部门预算总额"))
    unit = "元" if "(元)" in label_key(label) else "万元"
    numbers = [number_value(c) for c in row[row.index(label) + 1:] if c.strip()]
    values = dict(zip(_WHOLE_BUDGET_COLUMNS, numbers))
    score = None
    if total_row is not None:
        score = next((v for c in reversed(table.rows[total_row]) if (v := number_value(c)) is not None), None)
    evaluation = SelfEvaluation(
        project=DEPARTMENT_PROJECT,
        budget_yuan=to_yuan(values["budget"], unit) if values.get("budget") is not None else None,
        executed_yuan=to_yuan(values["executed"], unit) if values.get("executed") is not None else None,
        execution_rate=values.get("rate"),
        score=score,
        location=table.row_locations[budget_row].with_(table=table.title, row=budget_row + 1),
        unit=name,
    )
    return [evaluation], []
