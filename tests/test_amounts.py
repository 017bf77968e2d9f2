"""The one amount parser: table cells, form funds, sentences and what users type."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from analyzers.amounts import (
    format_yuan_as_wan, money_unit_in, parse_indicator_value, parse_money, parse_number, to_yuan,
)


@pytest.mark.parametrize("cell, expected", [
    ("1,870.92", Decimal("1870.92")),
    ("14. 58", Decimal("14.58")),          # stray space inside a number (seen in the samples)
    ("247. 37", Decimal("247.37")),
    ("１，２３４．５", Decimal("1234.5")),    # full-width digits and separators
    ("0.00", Decimal("0")),
    ("-3.5", Decimal("-3.5")),
    ("3,500,000", Decimal("3500000")),
    ("100%", Decimal("100")),
])
def test_parse_number_reads_damaged_cells(cell, expected):
    assert parse_number(cell).value == expected


@pytest.mark.parametrize("cell", ["", " ", "-", "—", "--", "－"])
def test_blanks_and_dashes_are_null(cell):
    parsed = parse_number(cell)
    assert parsed.value is None and parsed.problem is None and parsed.is_blank


@pytest.mark.parametrize("cell", ["1,184,70", "3,686,40", "12,34"])
def test_truncated_numbers_are_flagged_not_guessed(cell):
    parsed = parse_number(cell)
    assert parsed.value is None
    assert parsed.problem == "truncated"


@pytest.mark.parametrize("cell", ["合计", "12a", "1.2.3", "≥100次"])
def test_words_are_not_numbers(cell):
    assert parse_number(cell).value is None
    assert parse_number(cell).problem == "not a number"


def test_wan_to_yuan_is_exact():
    # 0.1 + 0.2 style float error would give 18709199.999…
    assert to_yuan(Decimal("1870.92"), "万元") == Decimal("18709200")
    assert to_yuan(Decimal("0.01"), "万元") == Decimal("100")
    assert to_yuan(Decimal("1.5"), "亿元") == Decimal("150000000")


@pytest.mark.parametrize("text, yuan", [
    ("500000", 500000), ("50万", 500000), ("50万元", 500000), ("0.5亿", 50000000),
    ("1,870.92万元", 18709200), ("１０万", 100000), (" 7.5 万元 ", 75000),
])
def test_parse_money_accepts_any_unit(text, yuan):
    assert parse_money(text) == Decimal(yuan)


@pytest.mark.parametrize("text", ["", "abc", "万元", "1,184,70", "5万美元", "--5"])
def test_parse_money_rejects_with_a_message(text):
    with pytest.raises(ValueError) as error:
        parse_money(text)
    assert "金额" in str(error.value)


def test_money_unit_lines():
    assert money_unit_in("单位：万元") == "万元"
    assert money_unit_in("金额单位：万元") == "万元"
    assert money_unit_in("单位:元") == "元"
    assert money_unit_in("单位：三门峡市人民政府办公室") is None


def test_format_as_people_read_it():
    assert format_yuan_as_wan(18709200) == "1,870.92万元"
    assert format_yuan_as_wan(None) == "—"


@pytest.mark.parametrize("value, op, number, unit", [
    ("≥100次", "≥", Decimal(100), "次"),
    ("≤400元/人/天", "≤", Decimal(400), "元/人/天"),
    ("100%", "=", Decimal(100), "%"),
    ("≥95%", "≥", Decimal(95), "%"),
    ("≤7.5万元", "≤", Decimal("7.5"), "万元"),
    ("不低于90%", "≥", Decimal(90), "%"),
    ("6期", "=", Decimal(6), "期"),
    ("及时", None, None, None),
    ("5月底前", None, None, None),
    ("5月至8月", None, None, None),
])
def test_indicator_values(value, op, number, unit):
    parsed = parse_indicator_value(value)
    assert (parsed.op, parsed.number, parsed.unit) == (op, number, unit)


# ---- properties -------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False)


@given(amounts)
def test_grouped_numbers_round_trip(value):
    assert parse_number(f"{value:,.2f}").value == value


@given(amounts, st.integers(min_value=1, max_value=4))
def test_stray_spaces_do_not_change_the_value(value, position):
    text = f"{value:.2f}"
    damaged = text[:position] + " " + text[position:]
    assert parse_number(damaged).value == value


@given(amounts)
def test_money_units_agree(value):
    assert parse_money(f"{value}万") == parse_money(f"{value * 10000}") == value * 10000


@given(st.text(max_size=40))
def test_parse_number_never_raises(text):
    parsed = parse_number(text)
    assert parsed.value is None or isinstance(parsed.value, Decimal)


@given(st.text(max_size=40))
def test_parse_money_raises_only_value_error(text):
    try:
        assert parse_money(text) >= 0 or True
    except ValueError:
        pass
