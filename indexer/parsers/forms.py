"""项目支出绩效目标表 → `PerformanceForm`: fields, funds in yuan and the indicator tree.

Forms are parsed by their labels, never by column positions: in real extractions values
drift one column right, labels break across cells ("市县（区）财政资 金") and rows merge.
A field's value is the next non-empty cell after its label. Indicator rows are read as a
sequence of level-2 labels and (name, value) pairs; the first pair of a row belongs to the
whole-period side (实施期) unless it stands under the annual (年度) header, the second to
the annual side.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from analyzers.amounts import parse_indicator_value, parse_number, to_yuan
from analyzers.normalize import fold_width, join_broken_label, label_key
from indexer.model import Indicator, PerformanceForm
from indexer.parsers.tables import RawTable

FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("项目名称", "project"),
    ("主管部门及代码", "department"),
    ("主管部门", "department"),
    ("实施单位", "implementer"),
    ("项目属性", "attribute"),
    ("项目期", "period"),
)
TEXT_LABELS = ("项目概况", "立项依据", "项目设立必要性", "保证项目实施的制度、措施", "项目实施计划", "总体目标")
FUND_LABELS = (("实施期资金总额", "total"), ("年度资金总额", "annual"))
FUNDING_SOURCES = ("中央财政资金", "省级财政资金", "市县(区)财政资金", "单位自筹", "其他资金")
_FORM_END = ("负责人", "经办人", "填报日期", "联系电话", "负责", "经办")
_HEADER_WORDS = {"一级指标", "二级指标", "三级指标", "指标值", "绩效指标", "一级", "二级", "三级",
                 "年度指标值", "实施期目标", "年度目标"}
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济|社会|生态|可持续|服务对象)(效益|效果|影响|满意度?)?(指标?)?$"
)
_LEVEL2_NAMES = {
    "数量": ("数量指标", "产出指标"), "质量": ("质量指标", "产出指标"), "时效": ("时效指标", "产出指标"),
    "成本": ("成本指标", "产出指标"), "经济": ("经济效益指标", "效益指标"),
    "社会": ("社会效益指标", "效益指标"), "生态": ("生态效益指标", "效益指标"),
    "可持续": ("可持续影响指标", "效益指标"), "服务对象": ("服务对象满意度指标", "满意度指标"),
}
# "满意" alone is a target value (培训需求满意度 → 满意), not the level-1 label.
_LEVEL1 = re.compile(r"^(产出|效益)(指标?)?$|^(满意度)(指标?)?$")
_LEVEL1_NAMES = {"产出": "产出指标", "效益": "效益指标", "满意": "满意度指标", "满意度": "满意度指标"}
# The label lookups below are pure functions of one short cell text or key, asked of
# every cell of every form row; cells repeat across rows and forms, so they are cached.
_TEXT_LABEL_BY_KEY: dict[str, str] = {}
for _label in TEXT_LABELS:
    _TEXT_LABEL_BY_KEY.setdefault(label_key(_label), _label)  # first label wins, as in a scan
_FUNDING_SOURCE_KEYS = tuple((label_key(source), source) for source in FUNDING_SOURCES)
_FIELD_LABEL_TEXTS = tuple(label for label, _ in FIELD_LABELS)
_FUND_LABEL_TEXTS = tuple(label for label, _ in FUND_LABELS)
_FUNDING_SOURCE_TEXTS = tuple(full for full, _ in _FUNDING_SOURCE_KEYS)
# A key longer than these can only be a label cut short if a label starts it: a quick
# reject for the many value cells (project names, descriptions) seen once each.
_LONGEST_FIELD_LABEL = max(map(len, _FIELD_LABEL_TEXTS))
_LONGEST_FUNDING_SOURCE = max(map(len, _FUNDING_SOURCE_TEXTS))
_QIZHONG = re.compile(r"^其中[:：]?")
_VALUE_WORDS = {"及时", "提升", "保障", "满意", "合理", "符合", "正常", "促进", "提高", "达标", "完成",
                "有效", "明显", "显著", "稳定", "良好", "推进", "排除", "是", "否", "较好"}


@dataclass(slots=True)
class _Cell:
    col: int
    text: str
    key: str


def form_from_table(table: RawTable) -> tuple[PerformanceForm, list[str]]:
    """One performance form and the warnings its damage produced."""
    warnings: list[str] = []
    fields: dict[str, str | None] = {}
    texts: dict[str, str] = {}
    funds: dict[str, Decimal | None] = {}
    funding: dict[str, dict[str, Decimal | None]] = {"period": {}, "annual": {}}
    money_unit = "元"
    indicator_start = None
    for index, row in enumerate(table.rows):
        cells = _cells(row)
        if not cells:
            continue
        if any(c.key in ("一级指标", "三级指标") for c in cells):
            indicator_start = index
            break
        if cells[0].key.startswith("项目资金"):
            money_unit = "万元" if "万元" in cells[0].key else "元"
        _read_fields(cells, fields)
        _read_texts(cells, texts)
        _read_funds(cells, funds, funding, money_unit, table, warnings)
    indicators = _read_indicators(table.rows[indicator_start:]) if indicator_start is not None else []
    total, annual = funds.get("total"), funds.get("annual")
    if total is not None and annual is not None and total < annual:
        # The whole period cannot cost less than one of its years: a digit was cut off
        # ("980,820.1" beside "980,820.12"). Flag it rather than trust it.
        warnings.append(
            f"绩效目标表（{table.location.describe()}）实施期资金总额{total}元小于年度资金总额{annual}元，"
            f"疑似被截断，未采用 (period total below the annual funds: ignored)")
        funds["total"] = None
    project = fields.get("project")
    form = PerformanceForm(
        project=project,
        department=fields.get("department"),
        implementer=fields.get("implementer"),
        attribute=fields.get("attribute"),
        period=fields.get("period"),
        total_funds_yuan=funds.get("total"),
        annual_funds_yuan=funds.get("annual"),
        funding=funding,
        texts=texts,
        indicators=indicators,
        location=table.location.with_(form=project),
    )
    if not project:
        warnings.append(f"绩效目标表（{table.location.describe()}）没有项目名称 (form without a project name)")
    else:  # name the project in every warning about this form
        warnings = [w.replace("绩效目标表（", f"绩效目标表“{project}”（", 1) for w in warnings]
    return form, warnings


def _cells(row: list[str]) -> list[_Cell]:
    return [_Cell(col, *parts) for col, text in enumerate(row) if (parts := _cell_parts(text))]


# Cell texts recur across rows and forms. Cached as a plain tuple of strings, which the
# garbage collector stops tracking: caching whole rows of cell objects instead made every
# collection slower than building the cells again.
@lru_cache(maxsize=1 << 12)
def _cell_parts(text: str) -> tuple[str, str] | None:
    """(text, key) of a form cell, or None for a blank one."""
    if not text.strip():
        return None
    return join_broken_label(text), label_key(text)


def _label_value(cells: list[_Cell], index: int, label: str) -> str | None:
    """The value of the label at cells[index]: written inline after the label
    ("实施期资金总额：687,000", "其中：中央财政资金0"), or the next non-empty cell unless
    that cell is itself a label."""
    inline = _after_label(cells[index].text, label)
    if inline:
        return inline
    if index + 1 < len(cells) and not _is_label(cells[index + 1].key):
        return cells[index + 1].text
    return None


@lru_cache(maxsize=1 << 12)
def _after_label(text: str, label: str) -> str | None:
    """What follows `label` in `text`, the label matched across stray spaces and widths."""
    folded = fold_width(text).replace("“", '"').replace("”", '"')
    match = _label_pattern(label).search(folded)
    if not match:
        return None
    rest = folded[match.end():].strip().lstrip(":：").strip()
    return rest or None


@lru_cache(maxsize=256)  # a handful of labels
def _label_pattern(label: str) -> re.Pattern[str]:
    """`label` at the start of a cell (after an optional 其中：), spaces allowed between its characters."""
    pattern = r"\s*".join(re.escape(ch) for ch in label_key(label))
    return re.compile(r"^(?:其中[:：]?)?\s*" + pattern)


@lru_cache(maxsize=1 << 12)
def _is_label(key: str) -> bool:
    stripped = _strip_qizhong(key)
    return (
        _field_label(stripped) is not None
        or stripped.startswith(TEXT_LABELS)
        or stripped.startswith(_FUND_LABEL_TEXTS)
        or _funding_source(stripped) is not None
        or stripped in _HEADER_WORDS
    )


def _strip_qizhong(key: str) -> str:
    return _QIZHONG.sub("", key) if key.startswith("其中") else key


@lru_cache(maxsize=1 << 12)
def _field_label(key: str) -> tuple[str, str] | None:
    """(label, field) for a cell that is a field label, also when the cell cut the label
    short ("项目名", "主管部门及代")."""
    if key.startswith("项目期目标"):
        return None
    if len(key) > _LONGEST_FIELD_LABEL and not key.startswith(_FIELD_LABEL_TEXTS):
        return None
    for label, name in FIELD_LABELS:
        if key.startswith(label) or (len(key) >= 3 and label.startswith(key)):
            return label, name
    return None


@lru_cache(maxsize=1 << 12)
def _funding_source(key: str) -> str | None:
    """The funding source a label names, also when the cell cut it short ("市县(区)财")."""
    if len(key) > _LONGEST_FUNDING_SOURCE and not key.startswith(_FUNDING_SOURCE_TEXTS):
        return None
    for full, source in _FUNDING_SOURCE_KEYS:
        if key.startswith(full) or (len(key) >= 4 and full.startswith(key)):
            return source
    return None


def _read_fields(cells: list[_Cell], fields: dict[str, str | None]) -> None:
    for index, cell in enumerate(cells):
        found = _field_label(cell.key)
        if found and fields.get(found[1]) is None:
            label = found[0] if cell.key.startswith(found[0]) else cell.key
            fields[found[1]] = _label_value(cells, index, label)


def _read_texts(cells: list[_Cell], texts: dict[str, str]) -> None:
    for index, cell in enumerate(cells):
        label = _TEXT_LABEL_BY_KEY.get(cell.key)
        if not label:
            continue
        values = [c.text for c in cells[index + 1:] if not _is_label(c.key)]
        if label == "总体目标":
            for side, value in zip(("总体目标（实施期）", "总体目标（年度）"), values):
                texts[side] = value
        elif values:
            texts[label] = " ".join(values)


def _read_funds(cells: list[_Cell], funds: dict[str, Decimal | None],
                funding: dict[str, dict[str, Decimal | None]], unit: str,
                table: RawTable, warnings: list[str]) -> None:
    seen_sources: dict[str, int] = {}
    for index, cell in enumerate(cells):
        fund, source = _fund_label(cell.key)
        if not fund and not source:
            continue
        label = source if fund is None else next(l for l, n in FUND_LABELS if n == fund)
        raw = _label_value(cells, index, label)
        value = _amount(raw, unit, table, warnings, cell.text)
        if fund:
            funds.setdefault(fund, value)
        else:
            side = "period" if seen_sources.get(source, 0) == 0 else "annual"
            seen_sources[source] = seen_sources.get(source, 0) + 1
            funding[side][source] = value


@lru_cache(maxsize=1 << 12)
def _fund_label(key: str) -> tuple[str | None, str | None]:
    """(fund, funding source) a cell key names: 实施期/年度资金总额 → "total"/"annual";
    a funding source label (after an optional 其中：) → its name."""
    key = _strip_qizhong(key)
    fund = next((name for label, name in FUND_LABELS if key.startswith(label)), None)
    return fund, _funding_source(key)


def _amount(raw: str | None, unit: str, table: RawTable, warnings: list[str], label: str) -> Decimal | None:
    if raw is None:
        return None
    parsed = parse_number(raw)
    if parsed.problem:
        warnings.append(
            f"绩效目标表（{table.location.describe()}）“{label}”的金额“{raw}”"
            f"{'疑似被截断' if parsed.problem == 'truncated' else '无法识别'}，未采用 (damaged amount ignored)"
        )
        return None
    return to_yuan(parsed.value, unit) if parsed.value is not None else None


def _read_indicators(rows: list[list[str]]) -> list[Indicator]:
    header = _cells(rows[0]) if rows else []
    second_level2 = [c.col for c in header if c.key == "二级指标"][1:2]
    second_level3 = [c.col for c in header if c.key == "三级指标"][1:2]
    annual_start = second_level2[0] if second_level2 else (second_level3[0] - 1 if second_level3 else 10**6)
    level2 = {"period": None, "annual": None}
    level1 = {"period": None, "annual": None}
    indicators: list[Indicator] = []

    def emit(side: str, name: str, value: str) -> None:
        parsed = parse_indicator_value(value)
        indicators.append(Indicator(
            level1=level1[side], level2=level2[side], level3=name, value=value,
            op=parsed.op, number=parsed.number, unit=parsed.unit, side=side,
        ))

    for row in rows:
        cells = _cells(row)
        if cells and cells[0].key.startswith(_FORM_END):
            break
        half: str | None = None  # which half of the form this row is in, once known
        pairs = level2_labels = 0
        pending: _Cell | None = None

        def half_of(cell: _Cell) -> str:
            return half or ("annual" if cell.col >= annual_start else "period")

        for position, cell in enumerate(cells):
            if cell.key in _HEADER_WORDS:
                continue
            kind = _level_of(cell.key)
            following = cells[position + 1] if position + 1 < len(cells) else None
            if kind is not None and kind[1] is not None and following is not None \
                    and _looks_like_value(following) and pending is None:
                kind = None  # "服务对象满意度 | ≥95%": a level-3 name that reads like a level-2 label
            if kind is None:
                if pending is None:
                    pending = cell
                    continue
                emit(half_of(pending), pending.text, cell.text)
                pending, pairs, half = None, pairs + 1, "annual"
                continue
            if pending is not None:
                if not _looks_like_value(pending):  # a value whose name was lost is dropped
                    emit(half_of(pending), pending.text, "")
                pending, pairs, half = None, pairs + 1, "annual"
            level_one, level_two = kind
            if level_two is None:  # a level-1 label applies to both halves
                level1["period"] = level1["annual"] = level_one
                continue
            first_of_row = pairs == 0 and level2_labels == 0 and cell.col < annual_start
            half = "period" if first_of_row else "annual"
            level2[half], level1[half] = level_two, level_one
            level2_labels += 1
        if pending is not None and not _looks_like_value(pending):
            emit(half_of(pending), pending.text, "")
    return indicators


def _looks_like_value(cell: _Cell) -> bool:
    parsed = parse_indicator_value(cell.text)
    return cell.key in _VALUE_WORDS or parsed.number is not None or parsed.op is not None


@lru_cache(maxsize=1 << 12)  # asked of every indicator cell
def _level_of(key: str) -> tuple[str, str | None] | None:
    """(level1, level2) for an indicator level label, (level1, None) for a level-1 label."""
    if "满意" in key and "服务" in key and len(key) <= 6 and not key.startswith("服务对象"):
        return "满意度指标", "服务对象满意度指标"  # "满意服务": two merged labels
    match = _LEVEL2.match(key)
    if match:
        level2, level1 = _LEVEL2_NAMES[match.group(1)]
        return level1, level2
    match = _LEVEL1.match(key)
    if match:
        return _LEVEL1_NAMES[match.group(1) or match.group(3)], None
    return None
