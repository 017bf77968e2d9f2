"""The parsers on small documents written for each rule: split tables, empty tables,
groups and subtotals, forms with drifting values and broken labels, sections, warnings."""
from decimal import Decimal

import pytest

from indexer.parsers.document import parse_blocks
from indexer.readers import UnreadableDocument
from indexer.readers.text import blocks_from_lines


def parse_text(text: str):
    return parse_blocks(blocks_from_lines(text.split("\n")), "test")


COVER = "长治市上党区财政局\n\n2024年度单位预算公开\n\n第一部分 概况\n\n一、主要职责\n\n负责全区财政收支管理。\n\n第二部分 2024年单位预算报表\n"

PROJECTS_SPLIT = COVER + """
2024年项目支出预算表（本年预算）

单位名称：长治市上党区财政局

单位：万元

项目名称\t合计\t一般公共预算
1\t2\t3
长治市上党区财政局\t130.50\t130.50
长治市上党区财政局\t100.00\t100.00
财政业务培训费\t60.00\t60.00
办公设备购置 费\t40.00\t40.00

长治市上党区财政事务中心\t30.50\t30.50
票据印制费\t14. 50\t14. 50
信息系统运维费\t16.00\t16.00

2024年项目支出预算表（上年结转）

单位：万元

项目名称\t合计
1\t2

注：本表无数据
"""


def test_a_project_table_split_over_a_page_is_one_table_with_groups():
    document = parse_text(PROJECTS_SPLIT)
    projects = [i for i in document.line_items if i.table_kind == "project_expenditure"]
    rows = [(i.name, i.amount_yuan, i.is_subtotal, i.group) for i in projects]
    assert rows == [
        ("长治市上党区财政局", Decimal("1305000"), True, None),
        ("长治市上党区财政局", Decimal("1000000"), True, "长治市上党区财政局"),
        ("财政业务培训费", Decimal("600000"), False, "长治市上党区财政局"),
        ("办公设备购置费", Decimal("400000"), False, "长治市上党区财政局"),   # label broken across cells
        ("长治市上党区财政事务中心", Decimal("305000"), True, "长治市上党区财政局"),
        ("票据印制费", Decimal("145000"), False, "长治市上党区财政事务中心"),  # "14. 58"-style damage
        ("信息系统运维费", Decimal("160000"), False, "长治市上党区财政事务中心"),
    ]
    carryover = next(t for t in document.tables if t.kind == "project_carryover")
    assert carryover.empty
    assert not [w for w in document.warnings if "合计" in w]


def test_a_unit_total_that_is_not_the_sum_of_its_projects_is_a_warning():
    damaged = PROJECTS_SPLIT.replace("票据印制费\t14. 50", "票据印制费\t24.50")
    document = parse_text(damaged)
    assert any("长治市上党区财政事务中心" in w and "30.50万元" in w and "40.50万元" in w for w in document.warnings)


FORM = COVER + """
第三部分 情况说明

长治市上党区项目支出绩效目标申报表

(2024年度)

项目名称\t\t财政业务培训费\t\t\t\t\t
主管部门及代码\t\t101-长治市上党区财政局\t\t实施单位\t\t长治市上党区财政局\t
项目属性\t\t经常性项目\t\t项目期\t\t3年\t
项目资金（元）\t\t实施期资金总额：\t\t1,800,000\t年度资金总额：\t\t600,000
\t\t其中：中央财政资金\t\t0\t其中：中央财政资金\t\t0
\t\t市县（区）财政资 金\t\t1,800,000\t市县（区）财政 资金\t\t600,000
项目概况\t\t组织全区财务人员业务培训。\t\t\t\t\t
总体目标\t\t提高业务能力。\t\t\t全年完成两期培训。\t\t
绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t培训人次\t≥300人次\t数量指标\t培训人次\t≥100人次
\t\t时效指标\t\t培训完成及时性\t及时\t时效指标\t培训完成时间\t11月底前
\t\t成本指标\t单位培训成本\t≤400元/人/天\t成本指标\t单位培训成本\t≤400元/人/天
\t满意度指标\t服务对象满意度指\t参训人员满意度\t≥95%\t服务对象满意度指标\t参训人员满意度\t≥95%
负责人：\t\t经办人：\t张三\t联系电话：\t123\t填报日期：\t20240101
"""


def test_a_form_is_read_by_its_labels():
    document = parse_text(FORM)
    [form] = document.forms
    assert form.project == "财政业务培训费"
    assert form.department == "101-长治市上党区财政局"
    assert form.implementer == "长治市上党区财政局"
    assert (form.attribute, form.period) == ("经常性项目", "3年")
    assert form.total_funds_yuan == Decimal(1800000) and form.annual_funds_yuan == Decimal(600000)
    # "市县（区）财政资 金" breaks the label across a space; it is still recognised.
    assert form.funding["period"]["市县(区)财政资金"] == Decimal(1800000)
    assert form.funding["annual"]["市县(区)财政资金"] == Decimal(600000)
    assert form.funding["annual"]["中央财政资金"] == Decimal(0)
    assert form.texts["项目概况"] == "组织全区财务人员业务培训。"
    assert form.texts["总体目标（年度）"] == "全年完成两期培训。"


def test_indicators_on_both_sides_survive_drifting_columns():
    [form] = parse_text(FORM).forms
    got = {(i.side, i.level1, i.level2, i.level3, i.value) for i in form.indicators}
    assert ("period", "产出指标", "数量指标", "培训人次", "≥300人次") in got
    assert ("annual", "产出指标", "数量指标", "培训人次", "≥100人次") in got
    # The value drifted one column right of its name; still paired with it.
    assert ("period", "产出指标", "时效指标", "培训完成及时性", "及时") in got
    assert ("annual", "产出指标", "时效指标", "培训完成时间", "11月底前") in got
    # A truncated level-2 label ("服务对象满意度指") is still the satisfaction level.
    assert ("period", "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥95%") in got
    cost = next(i for i in form.indicators if i.level3 == "单位培训成本" and i.side == "annual")
    assert (cost.op, cost.number, cost.unit) == ("≤", Decimal(400), "元/人/天")
    assert len(form.indicators) == 8


def test_truncated_form_funds_are_null_with_a_warning():
    document = parse_text(FORM.replace("1,800,000\t年度", "1,800,00\t年度"))
    [form] = document.forms
    assert form.total_funds_yuan is None
    assert form.annual_funds_yuan == Decimal(600000)
    assert any("1,800,00" in w and "截断" in w for w in document.warnings)


def test_a_form_continued_with_a_repeated_header_is_merged():
    continued = FORM + """
长治市上党区项目支出绩效目标申报表

(2024年度)

项目名称\t\t财政业务培训费\t\t\t\t\t
项目资金（元）\t\t实施期资金总额：\t\t1,800,000\t年度资金总额：\t\t600,000
\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值
\t效益指标\t社会效益指标\t财务人员业务水平\t提升\t社会效益指标\t财务人员业务水平\t提升
"""
    document = parse_text(continued)
    [form] = document.forms
    assert any(i.level3 == "财务人员业务水平" and i.level1 == "效益指标" for i in form.indicators)
    assert any("续页" in w for w in document.warnings)


def test_sections_follow_the_heading_tree():
    document = parse_text(COVER + "\n（一）机构设置\n\n下设3个科室。\n")
    paths = {tuple(s.heading_path): s.text for s in document.sections}
    assert paths[("第一部分 概况", "一、主要职责")] == "负责全区财政收支管理。"
    assert paths[("第二部分 2024年单位预算报表", "（一）机构设置")] == "下设3个科室。"


def test_metadata_from_the_cover():
    info = parse_text(PROJECTS_SPLIT).document
    assert (info.unit, info.year, info.kind, info.scope) == ("长治市上党区财政局", 2024, "budget", "unit")
    assert (info.province, info.city, info.county) == ("山西省", "长治市", "上党区")


THREE_PUBLIC = COVER + """
2024年一般公共预算“三公”经费支出预算表

单位：万元

项目\t2024年预算数
\t合计\t一般公共预算
因公出国（境）费\t\t
公务接待费\t2.00\t2.00
公务用车购置及运行费\t5.00\t5.00
①公务用车购置费\t\t
②公务用车运行维护费\t5.00\t5.00
合计\t9.00\t9.00

第三部分 情况说明

七、“三公”经费增减变动原因说明

2024年“三公”经费预算7.00万元，其中：公务接待费2.00万元。
"""


def test_three_public_metrics_and_their_checks():
    document = parse_text(THREE_PUBLIC)
    assert document.metric("three_public_total").value == Decimal(90000)
    assert document.metric("three_public_abroad").value == Decimal(0)  # blank with a stated total
    assert document.metric("three_public_reception").value == Decimal(20000)
    assert document.metric("three_public_vehicle_operation").value == Decimal(50000)
    # 9.00 in the table is not 2.00 + 5.00, and the sentence says 7.00: both become warnings.
    assert any("“三公”经费合计9.00万元" in w and "7.00万元" in w for w in document.warnings)
    assert any("第三部分说明" in w and "7.00万元" in w and "9.00万元" in w for w in document.warnings)


def test_a_text_that_is_no_disclosure_is_refused():
    with pytest.raises(UnreadableDocument) as error:
        parse_text("会议纪要\n\n今天讨论了食堂菜单。\n")
    assert error.value.reason == "not_a_disclosure"


WHOLE = COVER + """
部门(单位)整体绩效自评表

部门(单位)名称\t\t市人民政府办公室\t\t\t\t\t
部门整体支出情况\t部门预算总额(万元)\t4566.78\t4929.23\t4309.12\t10\t87.42\t9.71
\t资金来源:(1)政府预算资金\t4566.78\t4923.86\t4303.75\t-\t87.41\t-
总分\t\t\t\t\t\t100\t99.68
"""


def test_the_department_self_evaluation_reads_the_whole_budget_row():
    [evaluation] = parse_text(WHOLE).self_evaluations
    assert evaluation.project == "部门整体支出" and evaluation.unit == "市人民政府办公室"
    # Columns: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 — the 全年 figures count.
    assert evaluation.budget_yuan == Decimal("49292300") and evaluation.executed_yuan == Decimal("43091200")
    assert evaluation.execution_rate == Decimal("87.42") and evaluation.score == Decimal("99.68")


def test_a_funding_label_cut_short_is_still_recognised():
    [form] = parse_text(FORM.replace("市县（区）财政 资金\t\t600,000", "市县（区）财\t\t600,000")).forms
    assert form.funding["annual"]["市县(区)财政资金"] == Decimal(600000)
