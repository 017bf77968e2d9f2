"""Numbers and money, done once.

Everything that reads a figure goes through here: table cells ("1,870.92", "14. 58",
"１２３", "-", ""), form funds ("3,500,000"), narrative sentences ("1,870.92万元") and
what users type ("50万", "0.5亿", "≥100万元"). Values are `Decimal` so 万元 → 元 has no
float error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from analyzers.normalize import fold_width

MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "亿元": Decimal(100_000_000),
    "亿": Decimal(100_000_000),
}

# Cells that mean "no value".
_BLANKS = {"", "-", "--", "—", "——", "－", "/", "—-", "-—", "无", "/ "}
_NUMBER_CHARS = re.compile(r"^[+\-−]?[\d,，.\s]+%?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text. `value` is None when blank or when it cannot be trusted;
    `problem` then says why ("truncated", "not a number")."""

    raw: str
    value: Decimal | None
    problem: str | None = None

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.problem is None


def parse_number(text: str | None) -> ParsedNumber:
    """Parse a table cell or form value as a number.

    Handles thousands separators, stray spaces inside numbers ("14. 58"), full-width digits,
    a trailing %, and blanks/dashes as null. A number whose thousands groups are not three
    digits long ("1,184,70") is flagged as truncated, never guessed.
    """
    raw = text if text is not None else ""
    return ParsedNumber(raw, *_read_number(raw))


def number_value(text: str | None) -> Decimal | None:
    """`parse_number(text).value`, for the many callers that only ask whether a cell is a figure."""
    return _read_number(text if text is not None else "")[0]


# Called several times on every table cell (header detection, row splitting, form
# values), and cell texts recur across rows and documents, so the reading is cached —
# as a plain (value, problem) tuple, which the garbage collector stops tracking; a large
# cache of dataclass instances made every full collection slow.
@lru_cache(maxsize=1 << 12)
def _read_number(raw: str) -> tuple[Decimal | None, str | None]:
    """(value, problem) for `parse_number`."""
    cleaned = fold_width(raw).strip().replace("−", "-")
    if cleaned in _BLANKS:
        return None, None
    if not _NUMBER_CHARS.match(cleaned):
        return None, "not a number"
    compact = _WHITESPACE.sub("", cleaned).replace("，", ",").rstrip("%")
    sign = ""
    if compact[:1] in "+-":
        sign, compact = compact[0], compact[1:]
    if not compact or not compact[0].isdigit():
        return None, "not a number"
    if "," in compact:
        if not _GROUPED.match(compact):
            return None, "truncated"
        compact = compact.replace(",", "")
    if compact.count(".") > 1 or compact.endswith("."):
        return None, "not a number"
    try:
        value = Decimal(sign + compact)
    except InvalidOperation:  # pragma: no cover - the regexes above keep this out
        return None, "not a number"
    return value, None


def to_yuan(value: Decimal, unit: str | None) -> Decimal:
    """Convert an amount in a money unit (元/万元/亿元…) to yuan, exactly."""
    factor = MONEY_UNITS.get((unit or "元").strip(), None)
    if factor is None:
        raise ValueError(f"unknown money unit: {unit!r}")
    return value * factor


_MONEY_RE = re.compile(
    r"^\s*(?P<num>[+\-]?[\d,，.\s]*\d(?:[\d.]*)?)\s*(?P<unit>百万元|千元|万元|亿元|万|亿|元)?\s*$"
)


def parse_money(text: str, default_unit: str = "元") -> Decimal:
    """Parse an amount a person writes — 500000, 50万, 50万元, 0.5亿, 1,870.92万元 — in yuan.

    Raises ValueError with a message that says what was wrong.
    """
    folded = fold_width(text or "").strip()
    match = _MONEY_RE.match(folded)
    if not match:
        raise ValueError(f"不是金额：{text!r}（示例：500000、50万、50万元、0.5亿）")
    parsed = parse_number(match.group("num"))
    if parsed.value is None:
        raise ValueError(f"不是金额：{text!r}（{parsed.problem or '空'}）")
    return to_yuan(parsed.value, match.group("unit") or default_unit)


_UNIT_STATED = re.compile(r"(?:金额)?单位[:：]?(百万元|千元|万元|亿元|元)")


@lru_cache(maxsize=1 << 12)  # asked of every line around every table; those lines repeat
def money_unit_in(text: str) -> str | None:
    """The money unit a '单位：万元' / '金额单位：元' line states, or None."""
    folded = fold_width(text).replace(" ", "")
    match = _UNIT_STATED.search(folded)
    return match.group(1) if match else None


def format_yuan_as_wan(yuan: Decimal | int | float | None) -> str:
    """1870920 → '187.09万元'; amounts as people read them in these documents."""
    if yuan is None:
        return "—"
    wan = Decimal(str(yuan)) / MONEY_UNITS["万元"]
    return f"{wan:,.2f}万元"


# Comparators that open an indicator value: ≥100次, ≤400元/人/天, 不低于95%.
_COMPARATORS = [
    ("≥", "≥"), (">=", "≥"), ("＞=", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"),
    ("≤", "≤"), ("<=", "≤"), ("＜=", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"),
    ("小于等于", "≤"), (">", ">"), ("＞", ">"), ("大于", ">"), ("<", "<"), ("＜", "<"),
    ("小于", "<"), ("=", "="), ("＝", "="),
]
_COMPARATOR_TOKENS = tuple(token for token, _ in _COMPARATORS)
_INDICATOR_NUMBER = re.compile(r"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d].*)?$")
# Units that make a leading number a date or a span rather than a quantity ("5月底前", "5月至8月").
_NOT_A_QUANTITY = re.compile(r"[前后至底初中旬]|\d")


@dataclass(frozen=True)
class IndicatorValue:
    op: str | None
    number: Decimal | None
    unit: str | None


@lru_cache(maxsize=1 << 12)  # pure; form cells are read twice (value test, then value) and repeat
def parse_indicator_value(value: str) -> IndicatorValue:
    """'≥100次' → (≥, 100, 次); '100%' → (=, 100, %); '及时' → (None, None, None)."""
    text = fold_width(value or "").strip().replace(" ", "")
    op = None
    if text.startswith(_COMPARATOR_TOKENS):  # most values have none: skip the scan
        for token, symbol in _COMPARATORS:
            if text.startswith(token):
                op, text = symbol, text[len(token):]
                break
    match = _INDICATOR_NUMBER.match(text)
    if not match:
        return IndicatorValue(op, None, None) if op else IndicatorValue(None, None, None)
    unit = (match.group("unit") or "").strip() or None
    if unit and _NOT_A_QUANTITY.search(unit):
        return IndicatorValue(None, None, None)
    number = number_value(match.group("num"))
    if number is None:
        return IndicatorValue(None, None, None)
    return IndicatorValue(op or "=", number, unit)
