"""Table rows → line items: classification code, name, amounts per column in yuan, the main
amount, whether the row is a subtotal, and the group it sits under.

Rows are read by cell type, not by fixed positions, because the same table comes with
different column layouts and side-by-side panels (收入 | 支出; 人员经费 | 公用经费 | …):
a row is cut into records, each a run of label cells followed by its figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from analyzers.amounts import parse_number, to_yuan
from analyzers.normalize import join_broken_label, label_key
from indexer.model import LineItem, Location
from indexer.parsers.tables import RawTable, is_column_number_row

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_SKIPPED_COLUMNS = ("行次", "栏次")
_TOTAL_NAME = re.compile(r"(合计|总计|小计)$|^(合计|总计|小计)")
# 经济分类 类级 (the rows that group the 款 rows under them in 基本支出 tables).
ECONOMIC_CLASSES = {
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "对个人和家庭的补助支出", "资本性支出",
    "债务利息及费用支出", "对企业补助", "其他支出", "资本性支出(基本建设)",
}
_ECONOMIC_TABLES = {"general_budget_basic_economic", "final_general_budget_basic"}
PROJECT_TABLES = {"project_expenditure", "project_carryover"}
# A row of a project table that names an organisation rather than a project.
_ORG_NAME = re.compile(
    r"(办公室|局|中心|委员会|政府|院|所|站|队|馆|学校|医院|党校|研究室|厅|部|处|联合会|协会|（部门）|\(部门\))$"
)
_NOT_ORG = re.compile(r"(费|经费|项目|工程|补助|资金|采购|补贴|奖励|建设|改造|维修|运维|购置|服务费)")


@dataclass(slots=True)  # a few per table row
class Record:
    """A run of cells in one row: optional code, one or more labels, then figures."""

    code: str | None = None
    labels: list[str] = field(default_factory=list)
    amounts: dict[int, Decimal | None] = field(default_factory=dict)  # column → value in the table's unit
    damaged: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.labels[0] if self.labels else ""


def column_names(header: list[list[str]], width: int) -> list[str]:
    """One name per column from the header rows: spanning labels are carried right over
    the blank cells they span (all but the lowest header row), then joined top-down."""
    rows = [r for r in header if not is_column_number_row(r)]
    filled: list[list[str]] = []
    for depth, row in enumerate(rows):
        cells = [join_broken_label(c) for c in row] + [""] * (width - len(row))
        if depth < len(rows) - 1:
            carry = ""
            for i, cell in enumerate(cells):
                carry = cell or carry
                cells[i] = carry
        filled.append(cells)
    names: list[str] = []
    for col in range(width):
        path: list[str] = []
        for cells in filled:
            if cells[col] and cells[col] not in path:
                path.append(cells[col])
        names.append("/".join(path) or f"第{col + 1}列")
    seen: dict[str, int] = {}
    for col, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[col] = f"{name}#{seen[name]}"
    return names


# A non-blank cell as `records_in_row` reads it: (text stripped, the classification code it
# holds or None, its value or None, the problem with it as a number or None, its text as a
# label — None when it is a figure or a cut-off one).
_CellReading = tuple[str, str | None, Decimal | None, str | None, str | None]


# Every cell of every money table, and cell texts recur across rows and documents. Cached
# as a plain tuple of strings and Decimals, which the garbage collector stops tracking (a
# large cache of objects makes every full collection slow).
@lru_cache(maxsize=1 << 12)
def _read_cell(raw: str) -> _CellReading | None:
    """The cell read once per distinct text, or None for a blank one."""
    text = raw.strip()
    if not text:
        return None
    key = label_key(text)
    number = parse_number(text)
    is_figure = number.value is not None or number.problem == "truncated"
    label = None if is_figure else join_broken_label(text)
    return text, (key if _CODE.match(key) else None), number.value, number.problem, label


def records_in_row(row: list[str], skip: set[int]) -> list[Record]:
    records: list[Record] = []
    current: Record | None = None
    cells = [_read_cell(raw) for raw in row]
    for col, cell in enumerate(cells):
        if col in skip:
            continue
        if cell is None:
            if current is not None and (current.amounts or current.labels):
                current.amounts.setdefault(col, None)
            continue
        text, code, value, problem, label = cell
        if code is not None:
            following = cells[col + 1] if col + 1 < len(cells) else None
            if following is not None and following[2] is None:  # the next cell is not a figure
                current = Record(code=code)
                records.append(current)
                continue
        if label is None:  # a figure, or one that was cut off
            if current is None:
                current = Record()
                records.append(current)
            current.amounts[col] = value
            if problem:
                current.damaged.append(text)
            continue
        if current is None or [v for v in current.amounts.values() if v is not None] or (
            current.amounts and current.labels
        ):
            current = Record(labels=[label])
            records.append(current)
        else:
            current.labels.append(label)
    return records


@dataclass
class TableItems:
    items: list[LineItem]
    warnings: list[str]


def items_from_table(table: RawTable, document_unit: str | None = None) -> TableItems:
    """Every row of a money table as line items, amounts converted to yuan."""
    header, body, locations = table.split_header()
    width = max((len(r) for r in table.rows), default=0)
    names = column_names(header, width)
    skip = {i for i, n in enumerate(names) if n.split("/")[-1] in _SKIPPED_COLUMNS}
    unit = table.money_unit or "万元"
    items: list[LineItem] = []
    warnings: list[str] = []
    economic_class: str | None = None
    class_by_code: dict[str, str] = {}
    kind = table.kind_key
    is_project_table = kind in PROJECT_TABLES
    for row_number, (row, location) in enumerate(zip(body, locations), start=len(header) + 1):
        if is_column_number_row(row):
            continue
        records = records_in_row(row, skip)
        # One location per row, shared by its records (Location is immutable).
        row_location = location.with_(table=table.title, row=row_number) if records else None
        for record in records:
            for raw in record.damaged:
                warnings.append(
                    f"{table.title}（{row_location.describe()}）：数字“{raw}”疑似被截断，未采用 "
                    f"(truncated number ignored)"
                )
            if not record.labels:
                items.extend(_transposed_items(record, names, unit, table, row_location))
                continue
            amounts = {names[c]: (to_yuan(v, unit) if v is not None else None)
                       for c, v in sorted(record.amounts.items())}
            main = next((v for v in amounts.values() if v is not None), None)
            if main is None and not is_project_table:
                continue  # a template row with no figures in it
            name = record.name
            is_subtotal = bool(_TOTAL_NAME.search(label_key(name)))
            group = None
            if kind in _ECONOMIC_TABLES:
                # 经济分类: 类 (3-digit code, or a known class name) groups its 款 rows.
                if label_key(name) in ECONOMIC_CLASSES or (record.code and len(record.code) == 3):
                    economic_class, is_subtotal = name, True
                    if record.code:
                        class_by_code[record.code] = name
                elif not is_subtotal:
                    group = class_by_code.get((record.code or "")[:3], economic_class)
            elif record.code is not None and len(record.code) < 7:
                is_subtotal = True  # 功能分类 类/款 rows sum the 项 rows under them
            items.append(LineItem(
                table_kind=kind, code=record.code, name=name, amount_yuan=main,
                amounts_yuan=amounts, is_subtotal=is_subtotal, group=group, location=row_location,
            ))
    if is_project_table:
        warnings.extend(group_projects(items, table.title or "", document_unit))
    return TableItems(items, warnings)


def _transposed_items(record: Record, names: list[str], unit: str, table: RawTable,
                      location: Location) -> list[LineItem]:
    # A row of figures with no label (the 决算 三公 table): each column is its own item.
    items = []
    for col, value in sorted(record.amounts.items()):
        if value is None:
            continue
        name = names[col]
        items.append(LineItem(
            table_kind=table.kind_key, code=None, name=name, amount_yuan=to_yuan(value, unit),
            amounts_yuan={name: to_yuan(value, unit)}, is_subtotal="合计" in name or "小计" in name,
            group=None, location=location,
        ))
    return items


def is_organisation_row(name: str, document_unit: str | None) -> bool:
    key = label_key(name)
    if document_unit and key.startswith(label_key(document_unit)) and len(key) - len(label_key(document_unit)) <= 4:
        return True
    return bool(_ORG_NAME.search(key)) and not _NOT_ORG.search(key)


def group_projects(items: list[LineItem], title: str, document_unit: str | None) -> list[str]:
    """Mark the unit rows of a project table as subtotals and put each project under the
    unit it follows. Returns warnings where a unit's figure is not the sum of its projects."""
    orgs = [i for i in items if is_organisation_row(i.name, document_unit)]
    if not orgs:
        return []
    # By identity: `in orgs` would compare whole items field by field. (An item equal to an
    # organisation row has its name, so it is one itself: the answers are the same.)
    org_ids = {id(i) for i in orgs}
    projects = [i for i in items if id(i) not in org_ids]
    total = sum((p.amount_yuan or Decimal(0) for p in projects), Decimal(0))
    department = orgs[0] if len(orgs) > 1 and _close(orgs[0].amount_yuan, total, len(projects)) else None
    warnings: list[str] = []
    current: LineItem | None = None
    members: dict[int, list[LineItem]] = {}
    for item in items:
        if id(item) in org_ids:
            item.is_subtotal = True
            if item is department:
                continue
            item.group = department.name if department else None
            current = item
            members[id(item)] = []
        elif current is not None:
            item.group = current.name
            members[id(current)].append(item)
    for org in orgs:
        if org is department:
            parts = [o for o in orgs if o is not department]
        else:
            parts = members.get(id(org), [])
        if not parts:
            continue
        summed = sum((p.amount_yuan or Decimal(0) for p in parts), Decimal(0))
        if not _close(org.amount_yuan, summed, len(parts)):
            warnings.append(
                f"{title}：{org.name}合计{_wan(org.amount_yuan)}，其下各行之和为{_wan(summed)}"
                f"（{org.location.describe()}） (subtotal differs from the sum of its rows)"
            )
    return warnings


def _close(a: Decimal | None, b: Decimal, n: int) -> bool:
    # Each row was rounded to 0.01万元 (100元), so a sum may drift by up to 50元 a row.
    return a is not None and abs(a - b) <= 50 * max(1, n)


def _wan(yuan: Decimal | None) -> str:
    return "—" if yuan is None else f"{yuan / 10000:,.2f}万元"
