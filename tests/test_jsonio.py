"""The one JSON encoder (indexer/jsonio.py): the model's types as the JSON contracts carry them."""
from __future__ import annotations

import json
from decimal import Decimal

from indexer import jsonio
from indexer.model import Indicator, Location


def test_money_exact_yuan_are_integers_and_fractions_floats():
    assert jsonio.loads(jsonio.dumps([Decimal("18709200"), Decimal("18709200.00"), Decimal("0.5"),
                                      Decimal("12.34567"), Decimal("-3")])) == [18709200, 18709200, 0.5, 12.3457, -3]
    assert json.loads(jsonio.dumps(Decimal("100"))) == 100 and "." not in jsonio.dumps(Decimal("100.00"))


def test_what_is_no_number_is_null():
    assert jsonio.loads(jsonio.dumps([Decimal("NaN"), Decimal("-Infinity")])) == [None, None]


def test_a_location_keeps_only_what_it_says_and_other_dataclasses_every_field():
    location = Location(line=412, table="“三公”经费支出预算表", row=3)
    assert jsonio.loads(jsonio.dumps(location)) == {"line": 412, "table": "“三公”经费支出预算表", "row": 3}
    indicator = Indicator(level1="产出指标", level2="数量指标", level3="培训人次", value="≥100人次",
                          op="≥", number=Decimal("100"), unit="人次", side="annual")
    assert jsonio.loads(jsonio.dumps({"i": indicator, "at": Location()})) == {
        "i": {"level1": "产出指标", "level2": "数量指标", "level3": "培训人次", "value": "≥100人次",
              "op": "≥", "number": 100, "unit": "人次", "side": "annual"},
        "at": {}}


def test_chinese_stays_as_is_and_keys_need_not_be_strings():
    text = jsonio.dumps({"单位": "晋城市财政局", 2024: ["预算"]})
    assert "晋城市财政局" in text and json.loads(text) == {"单位": "晋城市财政局", "2024": ["预算"]}
