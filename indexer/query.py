"""The query language shared by the CLI and the web: what a citizen or journalist types in
one search box → a `ParsedQuery` structure.

    培训费 公务用车                 words (all required)
    "上年结转"  “三公”  「办公费」     exact phrases
    -公务接待费  -"上年结转"          exclusion
    单位:晋城市财政局  年度:2023  类型:预算  地区:晋城  记录:项目  表:项目支出
    unit: year: kind: region: type: table:   (English aliases; ：full width is fine)
    单位:"大同市云冈区人民政府办公室"   (quoted values; 年度:2022|2023 gives both)
    金额>=100万  金额≥100万  金额>1万元  金额<=0.5亿  金额:10万-50万  10万-50万  ≥0.5亿
    项目支出≥100万                    the word 项目支出 AND amount ≥ 100万

Anything typed is data: the parser returns words, phrases, filter values and amount bounds,
never a string of FTS5 or Elasticsearch syntax. Unknown field names (时间:上午) are words.
Amounts go through `analyzers.amounts.parse_money`, so 万/亿/元 are read in one place.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from analyzers.amounts import parse_money
from analyzers.normalize import fold_width, label_key
from indexer.parsers.catalog import KIND_BY_KEY, TABLE_KINDS, table_kind_of
from indexer.records import RECORD_TYPE_LABELS, RECORD_TYPES

MAX_QUERY_LENGTH = 500
MAX_AMOUNT = Decimal("1e15")  # yuan; the same ceiling the --min/--max options use
MIN_YEAR, MAX_YEAR = 1990, 2100

FILTER_KEYS = ("unit", "year", "kind", "region", "type", "table_kind")
FIELD_LABELS = {"unit": "单位", "year": "年度", "kind": "类型", "region": "地区", "type": "记录",
                "table_kind": "表", "amount": "金额"}


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True)
class AmountBound:
    yuan: Decimal
    inclusive: bool


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # keys: FILTER_KEYS
    min_amount: AmountBound | None = None
    max_amount: AmountBound | None = None

    def is_empty(self) -> bool:
        return (not self.terms and not any(self.filters.values())
                and self.min_amount is None and self.max_amount is None)

    def describe(self) -> str:
        """What was understood, in Chinese: '培训费；年度 2023；金额 ≥ 100万元'."""
        parts: list[str] = []
        wanted = [_show_term(t) for t in self.terms if not t.negated]
        if wanted:
            parts.append(" ".join(wanted))
        excluded = [_show_term(t) for t in self.terms if t.negated]
        if excluded:
            parts.append("排除 " + "、".join(excluded))
        for key in FILTER_KEYS:
            values = self.filters.get(key) or []
            if values:
                parts.append(f"{FIELD_LABELS[key]} " + " 或 ".join(_show_value(key, v) for v in values))
        low, high = self.min_amount, self.max_amount
        if low and high and low.yuan == high.yuan and low.inclusive and high.inclusive:
            parts.append(f"金额 = {format_money(low.yuan)}")
        else:
            bounds = []
            if low:
                bounds.append(f"{'≥' if low.inclusive else '>'} {format_money(low.yuan)}")
            if high:
                bounds.append(f"{'≤' if high.inclusive else '<'} {format_money(high.yuan)}")
            if bounds:
                parts.append("金额 " + " 且 ".join(bounds))
        return "；".join(parts)

    def to_text(self) -> str:
        """Query text that parses back to this structure (for links that drop one part)."""
        pieces = [_render_term(t) for t in self.terms]
        for key in FILTER_KEYS:
            pieces.extend(f"{FIELD_LABELS[key]}:{_render_value(v)}" for v in self.filters.get(key) or [])
        if self.min_amount:
            op = ">=" if self.min_amount.inclusive else ">"
            pieces.append(f"金额{op}{_plain(self.min_amount.yuan)}")
        if self.max_amount:
            op = "<=" if self.max_amount.inclusive else "<"
            pieces.append(f"金额{op}{_plain(self.max_amount.yuan)}")
        return " ".join(pieces)


class QueryError(ValueError):
    """A query (or search option) that cannot be understood. `field` names the part at fault
    (金额, 年度, 类型, 记录, 表, 查询 … or an option name); str(error) is the Chinese message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# ------------------------------------------------------------------ vocabulary

_FIELD_NAMES = {
    "单位": "unit", "部门": "unit", "unit": "unit",
    "年度": "year", "年份": "year", "year": "year",
    "类型": "kind", "kind": "kind",
    "地区": "region", "region": "region",
    "记录": "type", "type": "type", "record": "type", "record_type": "type",
    "表": "table_kind", "报表": "table_kind", "table": "table_kind", "table_kind": "table_kind",
}
_AMOUNT_NAMES = ("金额", "amount")

_KINDS = {"预算": "budget", "决算": "final_account", "budget": "budget", "final_account": "final_account"}
_KIND_LABELS = {"budget": "预算", "final_account": "决算"}

_RECORD_ALIASES = {
    "项目": "line_item", "表内行": "line_item", "行": "line_item", "明细": "line_item",
    "表格": "table", "报表": "table", "表": "table",
    "绩效目标表": "form", "绩效目标": "form", "绩效表": "form", "目标表": "form",
    "章节": "section", "正文": "section", "段落": "section",
    "指标": "metric", "关键指标": "metric",
    "自评": "self_evaluation", "绩效自评": "self_evaluation", "自评表": "self_evaluation",
} | {label: key for key, label in RECORD_TYPE_LABELS.items()}

_TABLE_ALIASES = {
    "项目支出": ["project_expenditure"], "本年预算": ["project_expenditure"],
    "项目支出本年预算": ["project_expenditure"],
    "上年结转": ["project_carryover"], "项目支出上年结转": ["project_carryover"],
    "三公": ["three_public", "final_three_public"], "三公经费": ["three_public", "final_three_public"],
    "机关运行经费": ["agency_operation"],
    "自评": ["self_evaluation_summary", "department_self_evaluation"],
}

# ------------------------------------------------------------------ lexical pieces

_QUOTES = {'"': '"”', "“": "”\"", "「": "」", "『": "』"}
_CMP = r"(?:>=|<=|=>|=<|≥|≤|≧|≦|⩾|⩽|>|<)"
_CMP_OR_EQ = rf"(?:{_CMP}|=)"
_UNIT = r"(?:百万元|千元|万元|亿元|万|亿|元)"
_NUM = r"[+\-]?[\d.][\d,.]*(?:[eE][+\-]?\d+)?"
_MONEYISH = rf"{_NUM}(?:\s*{_UNIT})?"
_SEP = r"(?:-|~|〜|至|到|—|–)"
_END = r"(?=\s|$)"
_INCLUSIVE_MIN = {">=", "=>", "≥", "≧", "⩾"}
_INCLUSIVE_MAX = {"<=", "=<", "≤", "≦", "⩽"}

_FIELD_RE = re.compile(
    "(?P<name>" + "|".join(re.escape(n) for n in sorted(_FIELD_NAMES, key=len, reverse=True)) + "):",
    re.IGNORECASE)
_AMOUNT_RE = re.compile(
    rf"(?P<name>金额|amount)(?:(?P<colon>:)\s*(?P<op1>{_CMP_OR_EQ})?|\s*(?P<op2>{_CMP_OR_EQ}))\s*",
    re.IGNORECASE)
_BARE_CMP_RE = re.compile(rf"(?P<op>{_CMP})\s*(?P<value>{_MONEYISH}){_END}")
_BARE_RANGE_RE = re.compile(
    rf"(?P<a>\d[\d,.]*(?:\s*{_UNIT})?)(?:\s+{_SEP}\s+|{_SEP})(?P<b>[+\-]?\d[\d,.]*(?:\s*{_UNIT})?){_END}")
_CMP_IN_WORD = re.compile(_CMP)
_ONLY_COMPARATORS = re.compile(rf"{_CMP}+")
_TRAILING_COMPARATORS = re.compile(rf"{_CMP}+$")
_MONEYISH_FULL = re.compile(_MONEYISH)
_NEXT_MONEYISH = re.compile(rf"\s+(?P<value>{_MONEYISH}){_END}")
_SPACED_RANGE_TAIL = re.compile(rf"\s+{_SEP}\s+(?P<value>{_MONEYISH}){_END}")
_RANGE_SPLIT = re.compile(rf"^(?P<a>[^\-~〜至到—–]+?)\s*{_SEP}\s*(?P<b>.+)$")
_TRAILING_UNIT = re.compile(rf"{_UNIT}\s*$")
_VALUE_SEPARATORS = re.compile(r"[|,、]")
_YEAR_RE = re.compile(r"(\d{4})(?:年度|年)?")
_YEAR_RANGE_RE = re.compile(rf"(\d{{4}})(?:年度|年)?\s*{_SEP}\s*(\d{{4}})(?:年度|年)?")
_SPACES = re.compile(r"\s+")


# ------------------------------------------------------------------ parsing

def parse_query(text: str, max_length: int = MAX_QUERY_LENGTH) -> ParsedQuery:
    """Parse what a person typed. Raises QueryError (with `.field`) for what cannot be meant
    any other way: a bad amount, year or 类型, contradictory amounts, an over-long query."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise QueryError("查询", "查询必须是文本")
    if len(text) > max_length:
        raise QueryError("查询", f"查询过长：最多 {max_length} 个字符，现有 {len(text)} 个")
    query = ParsedQuery()
    for item in _items(_clean(text)):
        kind = item[0]
        if kind == "term":
            _add_term(query, item[1])
        elif kind == "filter":
            values = query.filters.setdefault(item[1], [])
            values.extend(v for v in item[2] if v not in values)
        elif kind == "amount":
            _add_amount(query, item[1], item[2])
        elif kind == "term+amount":
            _add_term(query, item[1])
            _add_amount(query, item[2], item[3])
    query.filters = {k: v for k, v in query.filters.items() if v}
    low, high = query.min_amount, query.max_amount
    if low and high:
        if low.yuan > high.yuan:
            raise QueryError("金额", f"金额下限 {format_money(low.yuan)} 大于上限 {format_money(high.yuan)}")
        if low.yuan == high.yuan and not (low.inclusive and high.inclusive):
            raise QueryError("金额", f"金额范围为空：没有金额既{_bound_words(low, high)}")
    return query


def _clean(text: str) -> str:
    """NFC, width folded; control characters become spaces, format characters and lone
    surrogates are dropped."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category == "Cc" or ch.isspace():
            out.append(" ")
        elif category in ("Cf", "Cs"):
            continue
        else:
            out.append(ch)
    return fold_width("".join(out)).replace("−", "-")


def _items(s: str):
    n, i = len(s), 0
    while True:
        while i < n and s[i].isspace():
            i += 1
        if i >= n:
            return
        if s[i] == "-":
            j = i
            while j < n and s[j] == "-":
                j += 1
            if j >= n or s[j].isspace():  # a dash with nothing to exclude
                i = j
                continue
            item, i = _item(s, j)
            yield _negated(item)
        else:
            item, i = _item(s, i)
            yield item


def _negated(item: tuple) -> tuple:
    if item[0] == "term":
        term = item[1]
        return ("term", Term(term.text, term.phrase, True))
    if item[0] == "none":
        return item
    if item[0] == "filter":
        label = FIELD_LABELS[item[1]]
        raise QueryError(label, f"{label}条件不能用“-”排除：请直接写要找的{label}")
    raise QueryError("金额", "金额条件不能用“-”排除：请直接写要找的范围，如 金额<10万")


def _next_space(s: str, i: int) -> int:
    n = len(s)
    while i < n and not s[i].isspace():
        i += 1
    return i


def _read_quoted(s: str, i: int) -> tuple[str, int, bool]:
    """s[i] opens a quote → (inside text, index after the closing quote, closed?).
    An unbalanced quote runs to the end of the input."""
    closers = _QUOTES[s[i]]
    for k in range(i + 1, len(s)):
        if s[k] in closers:
            return s[i + 1:k], k + 1, True
    return s[i + 1:], len(s), False


def _item(s: str, i: int) -> tuple[tuple, int]:
    n = len(s)
    if s[i] in _QUOTES:
        inside, j, closed = _read_quoted(s, i)
        if closed and j < n and not s[j].isspace():  # “三公”经费: quotes are part of a word
            end = _next_space(s, j)
            return _word(s[i:end], s, end)
        return ("term", Term(_squash(inside), phrase=True)), j
    match = _AMOUNT_RE.match(s, i)
    if match:
        return _amount_field(s, match)
    match = _FIELD_RE.match(s, i)
    if match:
        return _field(s, match)
    match = _BARE_CMP_RE.match(s, i)
    if match:
        return ("amount", *_bounds(match.group("op"), match.group("value"))), match.end()
    match = _BARE_RANGE_RE.match(s, i)
    if match and (_TRAILING_UNIT.search(match.group("a")) or _TRAILING_UNIT.search(match.group("b"))):
        return ("amount", *_range(match.group("a"), match.group("b"))), match.end()
    end = _next_space(s, i)
    if _ONLY_COMPARATORS.fullmatch(s, i, end):
        # "<" with no amount after it: no word to look for, and written back beside a
        # following word it would read as an amount ("< - 2023" is not 金额<2023).
        return ("none",), end
    return _word(s[i:end], s, end)


def _word(token: str, s: str, end: int) -> tuple[tuple, int]:
    """A word, or a word with an amount comparator right after it (项目支出≥100万)."""
    match = _CMP_IN_WORD.search(token)
    if match and match.start() > 0:
        prefix, rest = token[:match.start()], token[match.end():]
        if not rest:
            following = _NEXT_MONEYISH.match(s, end)
            if following:
                rest, end = following.group("value"), following.end()
        if rest and _MONEYISH_FULL.fullmatch(rest):
            key = _FIELD_NAMES.get(prefix.lower())
            if key:
                label = FIELD_LABELS[key]
                hint = "年度:2021-2023" if key == "year" else f"{label}:…"
                raise QueryError(label, f"{label}不能与比较符号连用：请写成 {hint}")
            low, high = _bounds(match.group(), rest)
            return ("term+amount", _prefix_term(prefix), low, high), end
    word = _TRAILING_COMPARATORS.sub("", token)
    if word != token and not _CMP_IN_WORD.search(word):
        # 培训费> with no amount after it: the comparator says nothing, and written back
        # before a following figure it would join it ("培训费> - 2023" is not 培训费>2023).
        # A word with other comparators in it (<script>) stays whole.
        return ("term", _prefix_term(word)) if word else ("none",), end
    return ("term", Term(token)), end


def _prefix_term(prefix: str) -> Term:
    """The word before a comparator, read as it would be on its own: "公用经费"≥1万 is the
    phrase 公用经费 (and ""<2023 no word at all), as they are when a space follows them."""
    if prefix[0] in _QUOTES:
        item, _ = _item(prefix, 0)
        if item[0] == "term":
            return item[1]
    return Term(prefix)


def _field(s: str, match: re.Match) -> tuple[tuple, int]:
    key = _FIELD_NAMES[match.group("name").lower()]
    n, j = len(s), match.end()
    k = j
    while k < n and s[k].isspace():
        k += 1
    if k >= n:
        return ("none",), n
    if k > j and (s[k] == "-" or _FIELD_RE.match(s, k) or _AMOUNT_RE.match(s, k)):
        return ("none",), j  # "单位: -x" or "单位: 年度:2023": the field was left empty
    if s[k] in _QUOTES:
        inside, end, closed = _read_quoted(s, k)
        if closed and end < n and not s[end].isspace():
            glued_end = _next_space(s, end)
            inside, end = inside + s[end:glued_end], glued_end
        values = [inside]
    else:
        end = _next_space(s, k)
        values = _VALUE_SEPARATORS.split(s[k:end])
    values = [_squash(v) for v in values]
    return ("filter", key, _normalized(key, [v for v in values if v])), end


def _amount_field(s: str, match: re.Match) -> tuple[tuple, int]:
    op = match.group("op1") or match.group("op2") or ":"
    n, j = len(s), match.end()
    if j >= n:
        if op == ":":
            return ("none",), n
        raise QueryError("金额", f"金额条件“{_short(s[match.start():].strip())}”缺少数值：请写成 金额>=100万")
    if s[j] in _QUOTES:
        value, end, _ = _read_quoted(s, j)
    else:
        end = _next_space(s, j)
        value = s[j:end]
        if op in (":", "=") and _MONEYISH_FULL.fullmatch(value):
            tail = _SPACED_RANGE_TAIL.match(s, end)
            if tail:
                value, end = f"{value}-{tail.group('value')}", tail.end()
    value = _squash(value)
    if not value:
        if op == ":":
            return ("none",), end
        raise QueryError("金额", "金额条件缺少数值：请写成 金额>=100万")
    if op in (":", "="):
        if value[:1] in "<>≥≤≧≦⩾⩽" or value[:2] in ("=>", "=<"):
            cmp = re.match(_CMP, value)
            return ("amount", *_bounds(cmp.group(), value[cmp.end():])), end
        split = _RANGE_SPLIT.match(value)
        if split:
            return ("amount", *_range(split.group("a"), split.group("b"))), end
        exact = _yuan(value)
        return ("amount", AmountBound(exact, True), AmountBound(exact, True)), end
    return ("amount", *_bounds(op, value)), end


# ------------------------------------------------------------------ values

def _short(text: str, limit: int = 30) -> str:
    """A value quoted back in an error message, cut so the message stays readable."""
    return text if len(text) <= limit else text[:limit] + "…"


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _yuan(text: str, default_unit: str = "元") -> Decimal:
    raw = text.strip()
    if not raw:
        raise QueryError("金额", "金额缺少数值：请写成 500000、50万、50万元 或 0.5亿")
    try:
        value = parse_money(raw, default_unit)
    except (ValueError, ArithmeticError):
        raise QueryError("金额", f"金额“{_short(raw)}”无法识别：请写成 500000、50万、50万元 或 0.5亿") from None
    if value < 0:
        raise QueryError("金额", f"金额“{_short(raw)}”不能为负数")
    if value > MAX_AMOUNT:
        raise QueryError("金额", f"金额“{_short(raw)}”超出范围")
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _bounds(op: str, value: str) -> tuple[AmountBound | None, AmountBound | None]:
    yuan = _yuan(value)
    if op in _INCLUSIVE_MIN or op == ">":
        return AmountBound(yuan, op != ">"), None
    if op in _INCLUSIVE_MAX or op == "<":
        return None, AmountBound(yuan, op != "<")
    return AmountBound(yuan, True), AmountBound(yuan, True)  # "="


def _range(a: str, b: str) -> tuple[AmountBound, AmountBound]:
    """10万-50万, and 10-50万: a unit written on one side only applies to both."""
    unit_a, unit_b = _TRAILING_UNIT.search(a), _TRAILING_UNIT.search(b)
    default_a = unit_b.group().strip() if unit_b and not unit_a else "元"
    default_b = unit_a.group().strip() if unit_a and not unit_b else "元"
    return AmountBound(_yuan(a, default_a), True), AmountBound(_yuan(b, default_b), True)


def _normalized(key: str, values: list[str]) -> list[str]:
    if key == "year":
        return [year for value in values for year in _years(value)]
    if key == "kind":
        out = []
        for value in values:
            kind = _KINDS.get(value.lower())
            if kind is None:
                raise QueryError("类型", f"类型“{_short(value)}”无效：可选 预算、决算（或 budget、final_account）")
            out.append(kind)
        return out
    if key == "type":
        out = []
        for value in values:
            record = value.lower() if value.lower() in RECORD_TYPES else _RECORD_ALIASES.get(value)
            if record is None:
                raise QueryError("记录", f"记录类型“{_short(value)}”无效：可选 项目、表格、绩效目标表、章节、指标、自评"
                                       f"（或 {', '.join(RECORD_TYPES)}）")
            out.append(record)
        return out
    if key == "table_kind":
        return [kind for value in values for kind in _table_kinds(value)]
    return values


def typed_year(raw: str) -> int | None:
    """The year of a filter value as people type it — 2023, 2023年, 2023年度, ２０２３ — or
    None when it is no year from MIN_YEAR to MAX_YEAR. ASCII digits only once folded: "²"
    and "①" pass str.isdigit() but are no digits int() reads."""
    value = fold_width(str(raw)).strip().removesuffix("年度").removesuffix("年").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    year = int(value)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def required_year(raw: str, parameter: str = "year") -> int:
    """`typed_year`, or a QueryError naming `parameter` that says what a year looks like."""
    year = typed_year(raw)
    if year is None:
        raise QueryError(parameter, f"年度“{_short(str(raw))}”无效：请填写四位年份，如 2023")
    return year


def _years(value: str) -> list[str]:
    single = _YEAR_RE.fullmatch(value)
    if single:
        first = last = int(single.group(1))
    else:
        span = _YEAR_RANGE_RE.fullmatch(value)
        if not span:
            raise QueryError("年度", f"年度“{_short(value)}”无效：请写四位年份，如 年度:2023")
        first, last = int(span.group(1)), int(span.group(2))
    for year in (first, last):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise QueryError("年度", f"年度“{_short(value)}”无效：年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
    if first > last:
        raise QueryError("年度", f"年度“{_short(value)}”无效：起始年份晚于结束年份")
    return [str(year) for year in range(first, last + 1)]


def _table_kinds(value: str) -> list[str]:
    if value.lower() in KIND_BY_KEY:
        return [value.lower()]
    key = label_key(value).replace('"', "").replace("“", "").replace("”", "")
    if key in _TABLE_ALIASES:
        return list(_TABLE_ALIASES[key])
    for kind in TABLE_KINDS:
        if label_key(kind.title) == label_key(value):
            return [kind.key]
    for candidate in (value, value + "表"):
        kind = table_kind_of(candidate)
        if kind is not None:
            return [kind.key]
    if len(key) >= 2:
        matches = [kind.key for kind in TABLE_KINDS
                   if key in label_key(kind.title).replace('"', "").replace("“", "").replace("”", "")]
        if matches:
            return matches
    raise QueryError("表", f"报表种类“{_short(value)}”无效：可写 项目支出、上年结转、三公经费 等表名，或 "
                          f"{', '.join(list(KIND_BY_KEY)[:4])} … 等英文键")


def _add_term(query: ParsedQuery, term: Term) -> None:
    if term.text and term not in query.terms:
        query.terms.append(term)


def _add_amount(query: ParsedQuery, low: AmountBound | None, high: AmountBound | None) -> None:
    """Several amount conditions all apply: keep the tighter bound on each side."""
    if low is not None:
        old = query.min_amount
        if old is None or low.yuan > old.yuan or (low.yuan == old.yuan and not low.inclusive):
            query.min_amount = low
    if high is not None:
        old = query.max_amount
        if old is None or high.yuan < old.yuan or (high.yuan == old.yuan and not high.inclusive):
            query.max_amount = high


# ------------------------------------------------------------------ display

def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def format_money(yuan: Decimal) -> str:
    """100万 → '100万元', 0.5亿 → '5000万元', 1.5亿 → '1.5亿元', 800 → '800元'."""
    yuan = Decimal(yuan)
    if yuan >= 100_000_000 and yuan % 10_000 == 0:
        return f"{_plain(yuan / 100_000_000)}亿元"
    if yuan >= 10_000:
        return f"{_plain(yuan / 10_000)}万元"
    return f"{_plain(yuan)}元"


def _bound_words(low: AmountBound, high: AmountBound) -> str:
    return (f"{'≥' if low.inclusive else '>'} {format_money(low.yuan)} 又 "
            f"{'≤' if high.inclusive else '<'} {format_money(high.yuan)}")


def _show_term(term: Term) -> str:
    return f"“{term.text}”" if term.phrase else term.text


def _show_value(key: str, value: str) -> str:
    if key == "kind":
        return _KIND_LABELS.get(value, value)
    if key == "type":
        return RECORD_TYPE_LABELS.get(value, value)
    if key == "table_kind" and value in KIND_BY_KEY:
        return KIND_BY_KEY[value].title
    return value


def _quote(text: str) -> str:
    """Quote with the first style none of whose closing marks occur in the text."""
    for opener, closers in _QUOTES.items():
        if not any(ch in text for ch in closers):
            return f"{opener}{text}{closers[0]}"
    return text


def _render_term(term: Term) -> str:
    text = _quote(term.text) if term.phrase else term.text
    return f"-{text}" if term.negated else text


def _render_value(value: str) -> str:
    needs_quotes = (not value or any(ch.isspace() for ch in value) or _VALUE_SEPARATORS.search(value)
                    or value[0] in _QUOTES or value[0] == "-")
    return _quote(value) if needs_quotes else value
