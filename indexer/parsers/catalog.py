"""The standard table kinds of budget (预算) and final-account (决算) disclosures.

Each kind has an English key (used in the index and the JSON contract) and the 中文 title
fragments that identify it. Order matters: more specific titles come first, because
"收入支出决算总表" is a suffix of "财政拨款收入支出决算总表".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analyzers.normalize import label_key


@dataclass(frozen=True)
class TableKind:
    key: str
    title: str  # the 中文 name as the national template writes it
    patterns: tuple[str, ...]  # regexes on the space-free title
    basis: str  # "budget" | "final_account" | "any"


TABLE_KINDS: tuple[TableKind, ...] = (
    # 决算 (公开01表…09表): the most specific first.
    TableKind("final_fiscal_grant_summary", "财政拨款收入支出决算总表", (r"财政拨款收入支出决算总表",), "final_account"),
    TableKind("final_summary", "收入支出决算总表", (r"收入支出决算总表",), "final_account"),
    TableKind("final_general_budget_basic", "一般公共预算财政拨款基本支出决算明细表",
              (r"一般公共预算财政拨款基本支出决算(明细)?表",), "final_account"),
    TableKind("final_general_budget_expenditure", "一般公共预算财政拨款支出决算表",
              (r"一般公共预算财政拨款支出决算表",), "final_account"),
    TableKind("final_gov_fund", "政府性基金预算财政拨款收入支出决算表",
              (r"政府性基金预算财政拨款(收入)?支出决算表",), "final_account"),
    TableKind("final_state_capital", "国有资本经营预算财政拨款支出决算表",
              (r"国有资本经营预算财政拨款(收入)?支出决算表",), "final_account"),
    TableKind("final_three_public", "财政拨款“三公”经费支出决算表", (r"三公\"?经费支出决算表",), "final_account"),
    TableKind("final_income", "收入决算表", (r"^收入决算表$", r"\d年度?收入决算表$"), "final_account"),
    TableKind("final_expenditure", "支出决算表", (r"^支出决算表$", r"\d年度?支出决算表$"), "final_account"),
    # 预算 (预算公开表1…13).
    TableKind("budget_summary", "预算收支总表", (r"(?<!拨款)预算收支总表", r"^收支总表$", r"\d年收支总表$"), "budget"),
    TableKind("budget_income", "预算收入总表", (r"预算收入总表", r"\d年收入总表$"), "budget"),
    TableKind("budget_expenditure", "预算支出总表", (r"预算支出总表", r"\d年支出总表$"), "budget"),
    TableKind("fiscal_grant_summary", "财政拨款收支总表", (r"财政拨款收支总表",), "budget"),
    TableKind("general_budget_basic_economic", "一般公共预算安排基本支出分经济科目表",
              (r"基本支出.*经济科目", r"一般公共预算基本支出表"), "budget"),
    TableKind("general_budget_expenditure", "一般公共预算支出预算表",
              (r"一般公共预算支出预算表", r"一般公共预算支出表"), "budget"),
    TableKind("gov_fund_income", "政府性基金预算收入表", (r"政府性基金预算收入表",), "budget"),
    TableKind("gov_fund_expenditure", "政府性基金预算支出表", (r"政府性基金预算支出表",), "budget"),
    TableKind("state_capital", "国有资本经营预算收支预算表",
              (r"国有资本经营预算收支预算表", r"国有资本经营预算支出(预算)?表"), "budget"),
    TableKind("three_public", "“三公”经费支出预算表", (r"三公\"?经费.*预算表", r"三公\"?经费支出表"), "budget"),
    TableKind("agency_operation", "机关运行经费预算表", (r"机关运行经费.*表",), "budget"),
    TableKind("project_carryover", "项目支出预算表（上年结转）", (r"项目支出(预算)?表[(（]?上年结转",), "budget"),
    TableKind("project_expenditure", "项目支出预算表（本年预算）", (r"项目支出(预算)?表",), "budget"),
    # Attachments.
    TableKind("self_evaluation_summary", "项目单位自评汇总表", (r"项目(单位)?(支出)?(绩效)?自评汇总表",), "any"),
    TableKind("department_self_evaluation", "部门整体绩效自评表", (r"部门(\(单位\))?整体(绩效|支出绩效)?自评表",), "any"),
    TableKind("purchase_catalogue", "政府购买服务指导性目录", (r"政府购买服务指导性目录$",), "any"),
)

KIND_BY_KEY = {kind.key: kind for kind in TABLE_KINDS}
# Each kind's patterns as one compiled alternation (it matches where any of them does),
# in TABLE_KINDS order: the first kind that matches wins.
_KIND_PATTERNS: tuple[tuple[TableKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile("|".join(f"(?:{pattern})" for pattern in kind.patterns))) for kind in TABLE_KINDS
)

# A performance form title: 项目支出绩效目标申报表 / 项目支出绩效目标表 (not the 整体 form).
_FORM_TITLE = re.compile(r"项目(支出)?绩效目标(申报)?表")
_TITLE_NOISE = re.compile(r"[（(]不含上年结转[)）]|[.…]{2,}\d*$")


@lru_cache(maxsize=1 << 12)  # asked of every paragraph near a table; titles repeat across documents
def table_kind_of(title: str) -> TableKind | None:
    """The standard kind a table title names, or None for anything else."""
    key = _TITLE_NOISE.sub("", label_key(title))
    if len(key) > 60 or key.endswith(("。", "；")):
        return None  # a sentence that happens to mention a table
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(key):
            return kind
    return None


@lru_cache(maxsize=1 << 12)
def is_form_title(text: str) -> bool:
    key = label_key(text)
    return bool(_FORM_TITLE.search(key)) and "整体" not in key and len(key) <= 50
