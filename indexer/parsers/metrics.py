"""Key figures (DESIGN.md §4 metric keys) from the standard tables and from the template
sentences of 第三部分 情况说明, each with its source.

A table figure comes first in the list and a sentence figure after it, so a reader (and
`Document.metric`) prefers the table; both are kept because an answer should cite the
sentence too, and `checks.py` compares them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from analyzers.amounts import number_value, to_yuan
from analyzers.normalize import label_key
from indexer.model import LineItem, Location, Metric
from indexer.parsers.sections import heading_level
from indexer.readers.blocks import Paragraph

LABELS: dict[str, tuple[str, str]] = {
    "income_total": ("收入总计", "元"),
    "expenditure_total": ("支出总计", "元"),
    "basic_expenditure": ("基本支出", "元"),
    "project_expenditure": ("项目支出", "元"),
    "personnel": ("人员经费", "元"),
    "public_funds": ("公用经费", "元"),
    "agency_operation": ("机关运行经费", "元"),
    "three_public_total": ("“三公”经费", "元"),
    "three_public_abroad": ("因公出国（境）费", "元"),
    "three_public_reception": ("公务接待费", "元"),
    "three_public_vehicle_purchase": ("公务用车购置费", "元"),
    "three_public_vehicle_operation": ("公务用车运行维护费", "元"),
    "procurement_total": ("政府采购总额", "元"),
    "procurement_goods": ("政府采购货物", "元"),
    "procurement_works": ("政府采购工程", "元"),
    "procurement_services": ("政府采购服务", "元"),
    "yoy_change": ("收入总计比上年增减", "元"),
    "performance_projects": ("绩效管理项目数", "个"),
    "official_vehicles": ("公务用车数", "辆"),
}


def metric(key: str, value: Decimal, source: Location) -> Metric:
    label, unit = LABELS[key]
    return Metric(key=key, label=label, value=value, unit=unit, source=source)


# ---------------------------------------------------------------- from tables

ItemFilter = Callable[[LineItem], bool]


def _named(*names: str) -> ItemFilter:
    keys = {label_key(n) for n in names}
    return lambda item: label_key(item.name) in keys


def _column(item: LineItem, *words: str) -> Decimal | None:
    """The amount in the first column whose name contains every word."""
    for name, value in item.amounts_yuan.items():
        if all(w in name for w in words):
            return value
    return None


def metrics_from_tables(items: list[LineItem], kinds_present: dict[str, Location]) -> list[Metric]:
    by_kind: dict[str, list[LineItem]] = {}
    for item in items:
        by_kind.setdefault(item.table_kind or "", []).append(item)

    def first(kind: str, match: ItemFilter) -> LineItem | None:
        return next((i for i in by_kind.get(kind, []) if match(i)), None)

    found: list[Metric] = []

    def add(key: str, value: Decimal | None, item: LineItem | None) -> None:
        if value is not None and item is not None and all(m.key != key for m in found):
            found.append(metric(key, value, item.location))

    for kind in ("budget_summary",):
        income = first(kind, _named("收入总计"))
        add("income_total", income and income.amount_yuan, income)
        spend = first(kind, _named("支出总计"))
        add("expenditure_total", spend and spend.amount_yuan, spend)
    totals = [i for i in by_kind.get("final_summary", []) if label_key(i.name) == "总计"]
    for item in totals:
        if _column(item, "收入") is not None:
            add("income_total", _column(item, "收入"), item)
        if _column(item, "支出") is not None:
            add("expenditure_total", _column(item, "支出"), item)
    for kind in ("budget_expenditure", "final_expenditure"):
        total = first(kind, _named("合计"))
        if total:
            add("basic_expenditure", _column(total, "基本支出"), total)
            add("project_expenditure", _column(total, "项目支出"), total)
    total = first("general_budget_basic_economic", _named("合计"))
    if total:
        add("personnel", _column(total, "人员经费"), total)
        add("public_funds", _column(total, "公用经费"), total)
    personnel = first("final_general_budget_basic", _named("人员经费合计"))
    add("personnel", personnel and personnel.amount_yuan, personnel)
    public = first("final_general_budget_basic", _named("公用经费合计"))
    add("public_funds", public and public.amount_yuan, public)
    agency = first("agency_operation", _named("部门合计", "合计", "总计"))
    add("agency_operation", agency and agency.amount_yuan, agency)
    found.extend(_three_public(by_kind, kinds_present))
    return found


_THREE_PUBLIC_ROWS = (
    ("three_public_total", ("合计",)),
    ("three_public_abroad", ("因公出国(境)费", "因公出国(境)费用")),
    ("three_public_reception", ("公务接待费",)),
    ("three_public_vehicle_purchase", ("①公务用车购置费", "公务用车购置费")),
    ("three_public_vehicle_operation", ("②公务用车运行维护费", "公务用车运行维护费")),
)
_THREE_PUBLIC_KEYS = tuple((key, frozenset(label_key(n) for n in names)) for key, names in _THREE_PUBLIC_ROWS)


def _three_public(by_kind: dict[str, list[LineItem]], kinds_present: dict[str, Location]) -> list[Metric]:
    """The “三公” figures; a blank part is 0 when the table states its total."""
    values: dict[str, tuple[Decimal, Location]] = {}
    if "three_public" in kinds_present:
        for item in by_kind.get("three_public", []):
            for key, names in _THREE_PUBLIC_KEYS:
                if label_key(item.name) in names and item.amount_yuan is not None:
                    values.setdefault(key, (item.amount_yuan, item.location))
        location = kinds_present["three_public"]
    elif "final_three_public" in kinds_present:
        for item in by_kind.get("final_three_public", []):
            path = [label_key(p) for p in item.name.split("/")]
            if not path or path[0] != "决算数" or item.amount_yuan is None:
                continue
            leaf = path[-1]
            for key, names in _THREE_PUBLIC_KEYS:
                if leaf in names and (key != "three_public_total" or len(path) == 2):
                    values.setdefault(key, (item.amount_yuan, item.location))
        location = kinds_present["final_three_public"]
    else:
        return []
    if "three_public_total" not in values:
        return [metric(k, v, loc) for k, (v, loc) in values.items()]
    return [
        metric(key, *values.get(key, (Decimal(0), location)))
        for key, _ in _THREE_PUBLIC_ROWS
    ]


# ---------------------------------------------------------------- from sentences

_NUM = r"(-?\d[\d,]*(?:\.\d+)?)"
_WAN = _NUM + r"万元"
_SENTENCE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("income_total", r"收入(?:预算)?总计(?:为)?" + _WAN),
    ("income_total", r"收、?支总计均?为" + _WAN),
    ("expenditure_total", r"支出总计(?:为)?" + _WAN),
    ("expenditure_total", r"收、?支总计均?为" + _WAN),
    ("basic_expenditure", r"(?<!一般公共预算)基本支出(?:为)?" + _WAN),
    ("project_expenditure", r"项目支出(?:为)?" + _WAN),
    ("personnel", r"人员经费(?:为)?" + _WAN),
    ("public_funds", r"公用经费(?:为)?" + _WAN),
    ("three_public_total", r"三公\"?经费财政拨款支出预算为" + _NUM + r"万元[,，]?支出决算为" + _WAN),
    ("three_public_total", r"三公\"?经费预算(?:数)?(?:为)?" + _WAN),
    ("three_public_abroad", r"因公出国\(境\)费用?(?:支出决算|预算)?(?:为)?" + _WAN),
    ("three_public_reception", r"公务接待费(?:支出决算|预算)?(?:为)?" + _WAN),
    ("three_public_vehicle_operation", r"公务用车运行维护(?:费|支出)(?:支出决算|预算)?(?:为)?" + _WAN),
    ("three_public_vehicle_purchase", r"公务用车购置(?:费|支出)(?:支出决算|预算)?(?:为)?" + _WAN),
    ("agency_operation", r"机关运行经费[^。；]*?(?:预算|支出)(?:为)?" + _WAN),
    ("procurement_total", r"政府采购(?:预算|支出)总额(?:为)?" + _WAN),
    ("procurement_goods", r"政府采购货物(?:预算|支出)(?:为)?" + _WAN),
    ("procurement_works", r"政府采购工程(?:预算|支出)(?:为)?" + _WAN),
    ("procurement_services", r"政府采购服务(?:预算|支出)(?:为)?" + _WAN),
    # "政府采购预算总额83.40万元，其中：货物类0万元，工程类0万元，服务类83.40万元"
    ("procurement_goods", r"政府采购(?:预算|支出)总额.*?货物类(?:为)?" + _WAN),
    ("procurement_works", r"政府采购(?:预算|支出)总额.*?工程类(?:为)?" + _WAN),
    ("procurement_services", r"政府采购(?:预算|支出)总额.*?服务类(?:为)?" + _WAN),
    ("performance_projects", r"(?:实行|纳入)绩效(?:目标)?管理的(?:二级)?项目" + _NUM + "个"),
    ("performance_projects", r"对" + _NUM + r"个项目支出设置了绩效目标"),
    ("official_vehicles", r"公务用车[^。；]*?实有" + _NUM + "辆"),  # 编制N辆，实有M辆: the cars held
    ("official_vehicles", r"公务用车共有" + _NUM + "辆"),
    ("official_vehicles", r"共有公务用车" + _NUM + "辆"),
    ("official_vehicles", r"共有车辆" + _NUM + "辆"),
)
_SENTENCE_REGEXES = tuple((key, re.compile(pattern)) for key, pattern in _SENTENCE_PATTERNS)
# Every pattern above ends in a number: a paragraph without a digit states no figure.
_DIGIT = re.compile(r"\d")
_EXPLANATIONS_HEADING = re.compile(r"第[三四五]部分|情况说明")
_YOY = re.compile(r"(?:比上年|与上年度?相比[,，]?收、?支总计各)(增加|减少|增长|下降)" + _WAN)
_COUNTS = {"performance_projects", "official_vehicles"}


@dataclass
class _Found:
    value: Decimal
    location: Location


def metrics_from_sentences(paragraphs: list[Paragraph]) -> list[Metric]:
    """First statement of each metric in 第三部分 (and after), with its line or page."""
    found: dict[str, _Found] = {}
    in_explanations = False
    for paragraph in paragraphs:
        text = label_key(paragraph.text)
        # The template sentences stand in 情况说明, 第三部分 in most templates.
        if heading_level(paragraph.text) == 1 and _EXPLANATIONS_HEADING.search(text):
            in_explanations = True
        if not in_explanations or not _DIGIT.search(text):
            continue
        for key, pattern in _SENTENCE_REGEXES:
            if key in found:
                continue
            match = pattern.search(text)
            if match:
                number = number_value(match.group(match.lastindex or 1))
                if number is not None:
                    value = number if key in _COUNTS else to_yuan(number, "万元")
                    found[key] = _Found(value, paragraph.location)
        if "yoy_change" not in found and "income_total" in found and found["income_total"].location == paragraph.location:
            match = _YOY.search(text)
            if match and (number := number_value(match.group(2))) is not None:
                sign = -1 if match.group(1) in ("减少", "下降") else 1
                found["yoy_change"] = _Found(to_yuan(number, "万元") * sign, paragraph.location)
    return [metric(key, f.value, f.location) for key, f in found.items()]
