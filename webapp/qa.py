"""Questions and comparisons on the web: what counts as a question, and the parameters of
/ask, /compare and /projects (the same for pages, the JSON API and the exports).

    looks_like_question(text)   the one place that decides whether the search box holds a
                                question (/search then shows the answer above the results)
    question_param(args)        q of /ask and /api/ask: required, at most MAX_QUESTION characters
    compare_params(args)        measure, unit (repeatable), year (repeatable) of /compare
    unit_param(args)            unit of /projects

Every problem is a `QueryError` naming the parameter: a 400, never a 500.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from indexer.query import QueryError, required_year
from webapp.params import MAX_VALUES

MAX_QUESTION = 200  # characters in one question
MAX_MEASURE = 60  # characters in a measure (a metric word or an item name)
MAX_UNIT = 100  # characters in one unit name

QUESTION_EXAMPLES = (
    "晋城市财政局2024年“三公”经费预算是多少？",
    "云冈区政府办12345政府服务热线花了多少钱？",
    "2023年哪个单位的项目支出最多？",
    "三门峡市政府办2023年培训费执行率是多少？",
    "晋城市政府办2023年公务用车有多少辆？",
    "晋城市财政局评审中心工作经费年度资金总额是多少？",
)
COMPARE_EXAMPLES = (
    ("三公经费", "“三公”经费预算与决算"),
    ("项目支出", "项目支出合计"),
    ("培训费", "培训费：经济科目、项目与自评"),
    ("机关运行经费", "机关运行经费"),
)

# Words that make a text a question rather than search words. 几 only with a measure word
# (几个, 几辆 …), so names such as 茶几 stay search words.
_QUESTION_WORDS = re.compile(
    r"多少|哪个|哪些|哪家|哪年|哪一|哪项|哪类|是否|什么|有没有|最多|最少|几[个辆项家年次人名笔类种]")
_QUESTION_ENDINGS = ("?", "？", "吗", "呢")


def looks_like_question(text: str | None) -> bool:
    """True when the text in the search box reads as a question: it ends with ？/?/吗/呢, or
    asks 多少 / 哪个 / 哪些 / 是否 / 什么 / 几个 … / 最多 / 最少."""
    text = (text or "").strip()
    if not text or len(text) > MAX_QUESTION:
        return False
    if text.endswith(_QUESTION_ENDINGS) and len(text.rstrip("?？吗呢 ")) >= 2:
        return True
    return bool(_QUESTION_WORDS.search(text))


def question_param(args: Any, name: str = "q") -> str:
    text = (args.get(name) or "").strip()
    if not text:
        raise QueryError(name, "请填写问题，例如：晋城市财政局2024年“三公”经费预算是多少？")
    if len(text) > MAX_QUESTION:
        raise QueryError(name, f"问题过长（最多 {MAX_QUESTION} 个字符），请只问一件事")
    return text


@dataclass
class CompareParams:
    measure: str
    units: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def args(self) -> list[tuple[str, str]]:
        """The parameters as URL pairs, in a stable order (for links and exports)."""
        return ([("measure", self.measure)] + [("unit", u) for u in self.units]
                + [("year", str(y)) for y in self.years])


def _many(args: Any, name: str, max_length: int, label: str) -> list[str]:
    values = [v.strip() for v in args.getlist(name)]
    if len(values) > MAX_VALUES:
        raise QueryError(name, f"参数 {name} 的取值过多（最多 {MAX_VALUES} 个）")
    for value in values:
        if len(value) > max_length:
            raise QueryError(name, f"{label}过长（最多 {max_length} 个字符）")
    return list(dict.fromkeys(v for v in values if v))


def years_param(args: Any, name: str = "year") -> list[int]:
    years = []
    for raw in _many(args, name, 10, "年度"):
        years.append(required_year(raw, name))
    return sorted(set(years))


def compare_params(args: Any) -> CompareParams:
    measure = (args.get("measure") or "").strip()
    if not measure:
        raise QueryError("measure", "请填写要对比的指标或项目，例如：三公经费、项目支出、培训费")
    if len(measure) > MAX_MEASURE:
        raise QueryError("measure", f"对比指标过长（最多 {MAX_MEASURE} 个字符）")
    return CompareParams(measure, _many(args, "unit", MAX_UNIT, "单位名称"), years_param(args))


def unit_param(args: Any, name: str = "unit") -> str:
    units = _many(args, name, MAX_UNIT, "单位名称")
    if len(units) > 1:
        raise QueryError(name, "项目历史一次只看一个单位")
    return units[0] if units else ""
