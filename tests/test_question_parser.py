"""The question parser's pieces: unit aliases resolved against the units an index holds,
years, basis (预算/决算), measures and question types. The catalog is plain data here (the
units of the samples and of documents of the same templates), so no index is needed."""
from __future__ import annotations

from decimal import Decimal

import pytest

from indexer.qa.question import Catalog, DocRef, UnitProfile, name_key, normalize, parse_question

DOCS = [
    DocRef("fin", "晋城市财政局", 2024, "budget", "department", "山西省", "晋城市", None),
    DocRef("jgo", "晋城市人民政府办公室", 2023, "budget", "unit", "山西省", "晋城市", None),
    DocRef("yg", "大同市云冈区人民政府办公室", 2023, "budget", "department", "山西省", "大同市", "云冈区"),
    DocRef("smx", "三门峡市人民政府办公室", 2023, "final_account", "department", "河南省", "三门峡市", None),
]
# Units of the same templates elsewhere: a county bureau, a county-level city, a party office.
MORE = [
    DocRef("sd", "长治市上党区财政局", 2024, "budget", "unit", "山西省", "长治市", "上党区"),
    DocRef("gp", "高平市人民政府办公室", 2024, "budget", "unit", "山西省", "晋城市", "高平市"),
    DocRef("wb", "中共长治市上党区委员会办公室", 2024, "budget", "unit", "山西省", "长治市", "上党区"),
    DocRef("ly", "洛阳市教育局", 2023, "budget", "department", "河南省", "洛阳市", None),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(DOCS)


@pytest.fixture(scope="module")
def wide() -> Catalog:
    return Catalog(DOCS + MORE)


def units(catalog: Catalog, question: str) -> list[str]:
    return parse_question(question, catalog).units


# ---------------------------------------------------------------------------- units


@pytest.mark.parametrize("question, unit", [
    ("晋城市财政局2024年三公经费", "晋城市财政局"),
    ("市财政局2024年三公经费", "晋城市财政局"),
    ("晋城财政局的人员经费", "晋城市财政局"),
    ("山西省晋城市财政局人员经费", "晋城市财政局"),
    ("晋城市政府办有多少辆公务用车", "晋城市人民政府办公室"),
    ("晋城市人民政府办公室2023年项目支出", "晋城市人民政府办公室"),
    ("晋城政府办公室的项目支出", "晋城市人民政府办公室"),
    ("云冈区政府办12345政府服务热线", "大同市云冈区人民政府办公室"),
    ("大同云冈区政府办公室项目支出", "大同市云冈区人民政府办公室"),
    ("大同市云冈区人民政府办公室项目支出", "大同市云冈区人民政府办公室"),
    ("云冈政府办三公经费", "大同市云冈区人民政府办公室"),
    ("区政府办三公经费", "大同市云冈区人民政府办公室"),
    ("三门峡市政府办2023年公务接待费", "三门峡市人民政府办公室"),
    ("三门峡政府办2023年公务接待费", "三门峡市人民政府办公室"),
    ("河南三门峡市人民政府办公室决算", "三门峡市人民政府办公室"),
])
def test_unit_aliases(catalog, question, unit):
    assert units(catalog, question) == [unit]


def test_a_level_word_alone_can_fit_several_units(catalog):
    parsed = parse_question("市政府办2023年三公经费", catalog)
    assert parsed.units == ["三门峡市人民政府办公室", "晋城市人民政府办公室"]
    assert parsed.unit_text == "市政府办"


def test_region_words_narrow_without_a_unit_body(catalog):
    assert units(catalog, "晋城2023年项目支出") == ["晋城市人民政府办公室", "晋城市财政局"]
    assert units(catalog, "大同云冈项目支出") == ["大同市云冈区人民政府办公室"]


@pytest.mark.parametrize("question", [
    "太原市财政局2024年三公经费",  # another city's bureau
    "请问太原市财政局的项目支出",
    "北京市政府办2023年三公经费",
    "大同市平城区政府办项目支出",  # another district of a known city
    "长治市财政局2024年三公经费",  # a city bureau, not a district's (wide catalog below)
])
def test_units_the_index_lacks_are_not_replaced_by_namesakes(catalog, question):
    parsed = parse_question(question, catalog)
    assert parsed.units == [] and parsed.unknown_unit, parsed.to_json()


def test_the_level_character_rules_units_out(catalog):
    # 区政府办 is a district office: not 晋城市 or 三门峡市's city office.
    assert units(catalog, "区政府办2023年项目支出") == ["大同市云冈区人民政府办公室"]
    assert parse_question("县财政局2024年三公经费", catalog).units == []


@pytest.mark.parametrize("question, unit", [
    ("上党区财政局2024年三公经费", "长治市上党区财政局"),
    ("长治市上党区财政局公务接待费", "长治市上党区财政局"),
    ("上党财政局项目支出", "长治市上党区财政局"),
    ("高平市政府办三公经费", "高平市人民政府办公室"),
    ("高平政府办有多少辆公务用车", "高平市人民政府办公室"),
    ("上党区委办2024年三公经费", "中共长治市上党区委员会办公室"),
    ("中共长治市上党区委办公室项目支出", "中共长治市上党区委员会办公室"),
    ("洛阳市教育局2023年三公经费", "洛阳市教育局"),
    ("洛阳教育局因公出国费", "洛阳市教育局"),
])
def test_aliases_are_built_from_any_unit_name(wide, question, unit):
    assert units(wide, question) == [unit]


def test_a_city_name_does_not_reach_a_county_unit(wide):
    # 晋城市政府办 is the city's office, not 高平市 (a county-level city under 晋城市).
    assert units(wide, "晋城市政府办2023年三公经费") == ["晋城市人民政府办公室"]
    parsed = parse_question("长治市财政局2024年三公经费", wide)
    assert parsed.units == [] and parsed.unknown_unit == "长治市财政局"


def test_unit_profile_takes_names_apart():
    profile = UnitProfile.of("大同市云冈区人民政府办公室", "山西省", "大同市", "云冈区")
    assert profile.level == "区"
    assert {"人民政府办公室", "政府办公室", "政府办"} <= set(profile.bodies)
    assert {"大同市", "大同", "云冈区", "云冈", "山西省", "山西"} <= set(profile.region_tokens)
    party = UnitProfile.of("中共长治市上党区委员会办公室", "山西省", "长治市", "上党区")
    assert party.party and "委办" in party.bodies


# ---------------------------------------------------------------------------- years


@pytest.mark.parametrize("question, years", [
    ("晋城市财政局2024年三公经费", [2024]),
    ("晋城市财政局2024年度三公经费", [2024]),
    ("2024晋城市财政局三公经费", [2024]),
    ("晋城市财政局24年三公经费", [2024]),
    ("云冈区政府办23年度项目支出", [2023]),
    ("晋城市财政局2023-2024年三公经费", [2023, 2024]),
    ("晋城市财政局今年三公经费", [2024]),  # the latest year in the index
    ("晋城市政府办去年项目支出", [2023]),
    ("云冈区政府办12345政府服务热线", []),  # digits of a name are not a year
    ("哪些项目超过100万元", []),
])
def test_years(catalog, question, years):
    assert parse_question(question, catalog).years == years


def test_a_year_written_into_a_name_is_remembered(catalog):
    parsed = parse_question("三门峡政府办2023培训费执行率", catalog)
    assert parsed.years == [2023] and parsed.name_years == [2023]
    assert parsed.item_words == ["培训费"]


def test_the_year_before_is_not_a_year_in_a_change_question(catalog):
    parsed = parse_question("晋城市财政局2024年三公经费比上年增减多少", catalog)
    assert parsed.years == [2024] and parsed.qtype == "change"


# ---------------------------------------------------------------------------- basis


@pytest.mark.parametrize("question, basis, strict", [
    ("晋城市财政局2024年三公经费预算是多少", "budget", True),
    ("三门峡政府办2023年公务接待费预算数", "budget", True),
    ("三门峡市政府办2023年公务接待费决算是多少", "final_account", True),
    ("三门峡市政府办2023年公务接待费决算数", "final_account", True),
    ("三门峡市政府办2023年公务用车运行维护费实际支出", "final_account", True),
    ("云冈区政府办12345政府服务热线花了多少钱", "final_account", False),
    ("晋城市财政局2024年三公经费", None, False),
    ("晋城市预算评审中心的会计考试经费", None, False),  # 预算 inside a name is no basis
])
def test_basis(catalog, question, basis, strict):
    parsed = parse_question(question, catalog)
    assert (parsed.basis, parsed.basis_strict) == (basis, strict)


# ---------------------------------------------------------------------------- measures


@pytest.mark.parametrize("question, key", [
    ("晋城市财政局2024年“三公”经费预算是多少", "three_public_total"),
    ("晋城市财政局2024年三公经费", "three_public_total"),
    ("晋城市财政局2024年因公出国（境）费", "three_public_abroad"),
    ("晋城市财政局2024年出国费", "three_public_abroad"),
    ("晋城市财政局2024年公务接待费", "three_public_reception"),
    ("晋城市财政局2024年招待费", "three_public_reception"),
    ("晋城市财政局2024年公务用车购置费", "three_public_vehicle_purchase"),
    ("晋城市财政局2024年公务用车运行维护费", "three_public_vehicle_operation"),
    ("晋城市财政局2024年公车运维费", "three_public_vehicle_operation"),
    ("三门峡市政府办公务用车购置及运行费", "three_public_vehicle"),
    ("晋城市财政局2024年机关运行经费", "agency_operation"),
    ("晋城市财政局2024年基本支出", "basic_expenditure"),
    ("晋城市财政局2024年项目支出", "project_expenditure"),
    ("晋城市财政局2024年人员经费", "personnel"),
    ("晋城市财政局2024年公用经费", "public_funds"),
    ("晋城市财政局2024年政府采购预算总额", "procurement_total"),
    ("晋城市财政局2024年政府采购货物", "procurement_goods"),
    ("晋城市财政局2024年政府采购工程", "procurement_works"),
    ("晋城市财政局2024年政府采购服务", "procurement_services"),
    ("晋城市财政局2024年收入总计", "income_total"),
    ("晋城市财政局2024年的收入预算是多少", "income_total"),
    ("晋城市财政局2024年支出总计", "expenditure_total"),
    ("晋城市财政局2024年纳入绩效目标管理的项目有多少个", "performance_projects"),
    ("晋城市政府办有多少辆公务用车", "official_vehicles"),
    ("晋城市政府办有几辆车", "official_vehicles"),
])
def test_metric_measures(catalog, question, key):
    measure = parse_question(question, catalog).measure
    assert measure is not None and measure.kind == "metric" and measure.key == key, measure


def test_vehicle_words_count_only_when_counting(catalog):
    # 公务用车运行维护费 is money; 公务用车 alone asked as a count is the number of cars.
    assert parse_question("晋城市政府办有多少辆公务用车", catalog).qtype == "count"
    measure = parse_question("三门峡市政府办2023年公务用车保有量", catalog).measure
    assert measure.kind == "item"


@pytest.mark.parametrize("question, kind, key, words", [
    ("云冈区政府办12345政府服务热线花了多少钱", "item", None, ["12345政府服务热线"]),
    ("晋城市财政局的物业管理费是多少", "item", None, ["物业管理费"]),
    ("晋城市财政局2024年培训费", "item", None, ["培训费"]),
    ("云冈区政府办12345政府服务热线的年度资金总额是多少", "form", "annual_funds", ["12345政府服务热线"]),
    ("晋城市政府办政府办专项业务费的实施期资金总额", "form", "total_funds", ["政府办专项业务费"]),
    ("市委市政府督查办培训经费的培训人数目标是多少", "indicator", None, ["市委市政府督查办培训经费", "培训人数"]),
    ("三门峡政府办2023培训费执行率", "self_evaluation", "execution_rate", ["培训费"]),
    ("三门峡市政府办2023年办公设备购置执行数", "self_evaluation", "executed", ["办公设备购置"]),
    ("三门峡市政府办保安、律师等劳务费自评得分", "self_evaluation", "score", ["保安", "律师等劳务费"]),
    ("晋城市财政局2024年土地出让收入是多少", "item", None, ["土地出让收入"]),  # not 收入总计
])
def test_item_form_and_self_evaluation_measures(catalog, question, kind, key, words):
    parsed = parse_question(question, catalog)
    assert (parsed.measure.kind, parsed.measure.key) == (kind, key), parsed.to_json()
    assert parsed.item_words == words


def test_a_rate_of_a_metric(catalog):
    parsed = parse_question("三门峡市政府办2023年三公经费预算执行率", catalog)
    assert parsed.measure.kind == "self_evaluation" and parsed.measure.key == "execution_rate"
    assert parsed.metric.key == "three_public_total"


def test_nothing_understood_is_kept(catalog):
    parsed = parse_question("晋城市财政局2024年天气怎么样", catalog)
    assert parsed.measure.kind == "item" and parsed.item_words == ["天气怎么样"]


# ---------------------------------------------------------------------------- types


@pytest.mark.parametrize("question, qtype, subject", [
    ("晋城市财政局2024年三公经费是多少", "value", None),
    ("晋城市财政局2024年三公经费比上年增减多少", "change", None),
    ("晋城市财政局2024年收入增加了多少", "change", None),
    ("云冈区政府办2023年三公经费与上年相比有变化吗", "change", None),
    ("晋城市政府办有多少辆公务用车", "count", None),
    ("晋城市政府办有几个项目", "count", None),
    ("2023年哪个单位的项目支出最多", "ranking", "unit"),
    ("哪个部门的三公经费最少", "ranking", "unit"),
    ("晋城市财政局哪个项目金额最大", "ranking", "item"),
    ("晋城市财政局金额最小的项目是哪个", "ranking", "item"),
    ("晋城市政府办和云冈区政府办2023年三公经费哪个多", "ranking", "unit"),
    ("哪一年的三公经费最多", "ranking", "year"),
    ("哪些项目超过100万元", "list", "item"),
    ("超过200万元的项目有哪些", "list", "item"),
    ("哪些单位的三公经费超过5万元", "list", "unit"),
    ("晋城市政府办2023年项目支出占比", "share", None),
])
def test_question_types(catalog, question, qtype, subject):
    parsed = parse_question(question, catalog)
    assert parsed.qtype == qtype, parsed.to_json()
    if subject:
        assert parsed.subject == subject


def test_ranking_direction(catalog):
    assert parse_question("哪个单位的三公经费最多", catalog).descending is True
    assert parse_question("哪个单位的三公经费最少", catalog).descending is False


@pytest.mark.parametrize("question, op, yuan", [
    ("哪些项目超过100万元", ">", Decimal("1000000")),
    ("哪些项目超过100万", ">", Decimal("1000000")),
    ("100万元以上的项目有哪些", ">", Decimal("1000000")),
    ("哪些项目不少于50万元", ">=", Decimal("500000")),
    ("哪些项目低于1万元", "<", Decimal("10000")),
    ("哪些项目在0.5亿元以下", "<", Decimal("50000000")),
])
def test_thresholds(catalog, question, op, yuan):
    threshold = parse_question(question, catalog).threshold
    assert (threshold.op, threshold.yuan, threshold.percent) == (op, yuan, False)


def test_percent_threshold(catalog):
    threshold = parse_question("哪些项目的执行率低于60%", catalog).threshold
    assert (threshold.op, threshold.yuan, threshold.percent) == ("<", Decimal(60), True)


# ---------------------------------------------------------------------------- names


def test_name_keys_compare_names_across_tables_and_years():
    assert name_key("2023培训费") == name_key("培训费")
    assert name_key("2023年政法转移支付绩效考核奖励资金") == "政法转移支付绩效考核奖励资金"
    assert name_key("PPP项目和外资项目引导经费") == name_key("ppp项目和外资项目引导经费")
    assert name_key("一、一般公共预算") == "一般公共预算"
    assert name_key("维修（护）费") == name_key("维修(护)费")
    assert normalize("“三公”经费") == "三公经费"


def test_parser_reports_what_it_understood(catalog):
    data = parse_question("晋城市财政局2024年“三公”经费预算是多少？", catalog).to_json()
    assert data["units"] == ["晋城市财政局"] and data["years"] == [2024] and data["basis"] == "budget"
    assert data["measure"]["key"] == "three_public_total" and data["type"] == "value"
