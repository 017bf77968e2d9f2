"""The question set: questions about the four samples in data/, each with the value read
from the document by hand (the line is cited in a comment), asked through `indexer.qa.ask`
against the session index. Reports the accuracy, requires ≥ 90 %, and requires that no
question the corpus cannot answer gets a figure.

Files cited below:
  FIN = data/2024-budget-jincheng-finance-bureau.txt       晋城市财政局 2024 预算
  JGO = data/2023-budget-jincheng-city-government-office.txt 晋城市人民政府办公室 2023 预算
  YG  = data/2023-budget-datong-yungang-government-office.txt 大同市云冈区人民政府办公室 2023 预算
  SMX = data/2023-final-sanmenxia-government-office.txt     三门峡市人民政府办公室 2023 决算
Money is in yuan (the tables print 万元: 4.00万元 = 40000); counts in 个/辆; rates in %.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_FOUND = None


class Q(NamedTuple):
    question: str
    value: int | float | None  # None: the corpus does not hold the answer (found: false)
    unit: str | None = None
    kind: str = "value"


QUESTIONS: list[Q] = [
    # ---------------------------------------------------------------- metrics, budgets
    Q("晋城市财政局2024年“三公”经费预算是多少？", 40000, "元"),  # FIN 402 合计 4.00; 517 “三公”经费预算4.00万元
    Q("晋城市财政局2024年公务接待费预算", 40000, "元"),  # FIN 398 公务接待费 4.00
    Q("晋城市财政局2024年机关运行经费是多少？", 1554300, "元"),  # FIN 412 部门合计 155.43
    Q("晋城市财政局2024年基本支出多少钱", 28059200, "元"),  # FIN 182 合计 4585.44 2805.92 1779.52
    Q("晋城市财政局2024年项目支出预算", 17795200, "元"),  # FIN 182 项目支出 1779.52
    Q("晋城市财政局2024年人员经费", 24304300, "元"),  # FIN 296 合计 2805.92 2430.43 375.48
    Q("晋城市财政局2024年公用经费是多少", 3754800, "元"),  # FIN 296 公用经费 375.48
    Q("晋城市财政局2024年政府采购预算总额", 3119700, "元"),  # FIN 531 政府采购预算总额311.97万元
    Q("市财政局2024年政府采购服务预算是多少", 1086500, "元"),  # FIN 531 政府采购服务预算108.65万元
    Q("晋城财政局24年政府采购工程", 591400, "元"),  # FIN 531 政府采购工程预算59.14万元
    Q("晋城市财政局2024年收入总计", 45854400, "元"),  # FIN 135 收入总计 4585.44
    Q("晋城市财政局今年因公出国（境）费预算", 0, "元"),  # FIN 389 row blank under 合计 4.00; 519 因公出国(境)费0万元
    Q("晋城市政府办2023年“三公”经费预算是多少", 102000, "元"),  # JGO 362 合计 10.20; 446
    Q("晋城市人民政府办公室2023年公务用车运行维护费", 102000, "元"),  # JGO 361 ②公务用车运行维护费 10.20
    Q("晋城市政府办2023年机关运行经费", 2248900, "元"),  # JGO 373 部门合计 224.89
    Q("晋城市政府办2023年基本支出", 16644200, "元"),  # JGO 153 合计 1,870.92 1,664.42 206.50
    Q("晋城市政府办2023年人员经费是多少？", 14395300, "元"),  # JGO 259 合计 1,664.42 1,439.53 224.89
    Q("晋城市政府办2023年政府采购货物预算", 981000, "元"),  # JGO 454 政府采购货物预算98.1万元
    Q("晋城市政府办23年收入总计", 18709200, "元"),  # JGO 115 收入总计 1,870.92
    Q("云冈区政府办2023年三公经费预算", 37700, "元"),  # YG 363 合计 3.77; 476
    Q("大同云冈区政府办公室2023年项目支出是多少？", 8732700, "元"),  # YG 164 合计 1,592.14 718.87 873.27
    Q("云冈区政府办2023年机关运行经费", 483700, "元"),  # YG 374 部门合计 48.37
    Q("云冈区政府办政府采购服务预算", 1281000, "元"),  # YG 490 政府采购服务预算128.1万元
    Q("云冈区政府办2023年公用经费", 649900, "元"),  # YG 263 合计 718.87 653.89 64.99
    # ---------------------------------------------------------------- metrics, final account
    Q("三门峡市政府办2023年公务接待费决算是多少？", 2100, "元"),  # SMX 404 决算数 公务接待费 0.21; 484
    Q("三门峡市政府办2023年“三公”经费决算", 74200, "元"),  # SMX 404 决算数 合计 7.42; 478
    Q("三门峡市政府办2023年三公经费预算是多少", 115000, "元"),  # SMX 404 预算数 合计 11.50; 478
    Q("三门峡政府办2023年公务接待费预算数", 15000, "元"),  # SMX 404 预算数 公务接待费 1.50; 494
    Q("三门峡市政府办2023年公务用车运行维护费实际支出", 72100, "元"),  # SMX 404 决算数 公务用车运行维护费 7.21; 492
    Q("三门峡市政府办2023年项目支出决算", 2616200, "元"),  # SMX 202 合计 2,939.71 2,678.10 261.62
    Q("三门峡市政府办2023年基本支出", 26781000, "元"),  # SMX 202 基本支出 2,678.10
    Q("三门峡市政府办2023年机关运行经费支出", 2062400, "元"),  # SMX 502 机关运行经费支出 206.24 万元
    Q("三门峡市政府办2023年政府采购支出总额", 839100, "元"),  # SMX 506 政府采购支出总额 83.91 万元
    Q("三门峡市人民政府办公室2023年人员经费决算", 24718600, "元"),  # SMX 349 人员经费合计 2,471.86
    Q("三门峡市政府办2023年公务用车购置及运行费决算", 72100, "元"),  # SMX 404 决算数 小计 7.21 (购置费 blank)
    Q("三门峡市政府办2023年三公经费预算执行率", 64.52, "%"),  # SMX 404 7.42 ÷ 11.50; 478 完成预算的64.52%
    # ---------------------------------------------------------------- counts
    Q("晋城市政府办有多少辆公务用车？", 4, "辆", "count"),  # JGO 754 在用的公务用车共有4辆
    Q("云冈区政府办有几辆公务用车", 2, "辆", "count"),  # YG 777 公共事务服务中心…实有2辆 (others 无车辆)
    Q("晋城市财政局有多少辆公务用车", 0, "辆", "count"),  # FIN 1428 共有公务用车编制0辆，实有0辆
    Q("三门峡市政府办2023年末共有车辆多少辆", 13, "辆", "count"),  # SMX 512 共有车辆 13 辆
    Q("晋城市财政局2024年纳入绩效目标管理的项目有多少个", 24, "个", "count"),  # FIN 541 二级项目24个
    Q("云冈区政府办2023年实行绩效目标管理的项目有几个", 27, "个", "count"),  # YG 496 项目27个
    Q("晋城市政府办有几个项目", 7, "个", "count"),  # JGO 386–392 seven rows; 460 项目7个
    # ---------------------------------------------------------------- change against the year before
    Q("晋城市财政局2024年收入总计比上年增加多少", 1308200, "元", "change"),  # FIN 473 比上年增加130.82万元
    Q("晋城市政府办2023年预算收入比上年增长多少", 1716100, "元", "change"),  # JGO 412 比上年增加171.61万元
    Q("三门峡市政府办2023年收支总计与上年相比增减多少", 2785200, "元", "change"),  # SMX 414 各增加 278.52 万元
    Q("晋城市财政局2024年三公经费比上年增减多少", -70000, "元", "change"),  # FIN 517 比2023年减少7.00万元
    Q("晋城市财政局2024年机关运行经费比上年增加了多少", 20000, "元", "change"),  # FIN 527 比2023年预算增加2.00万元
    Q("三门峡市政府办2023年机关运行经费比上年变化多少", -279600, "元", "change"),  # SMX 502 比 2022 年度减少 27.96 万元
    Q("云冈区政府办2023年三公经费比上年减少多少", -197300, "元", "change"),  # YG 476 比2022年同口径减少 19.73万元
    Q("晋城市政府办2023年三公经费比上年有变化吗", 0, "元", "change"),  # JGO 446 与2022年预算数相同
    # ---------------------------------------------------------------- line items and projects
    Q("云冈区政府办12345政府服务热线花了多少钱？", 761000, "元"),  # YG 390 76.10 (budget only); form 716 761,000
    Q("晋城市财政局2024年办公设备购置费预算是多少", 1184700, "元"),  # FIN 429 118.47; form 年度资金总额 1,184,700
    Q("晋城市财政局的物业管理费是多少", 72000, "元"),  # FIN 325 物业管理费 商品和服务支出 7.20
    Q("晋城市财政局2024年培训费", 50000, "元"),  # FIN 333 培训费 5.00
    Q("三门峡市政府办2023年物业管理费决算", 9400, "元"),  # SMX 329 30209 物业管理费 0.94
    Q("云冈区政府办物业管理费", 440000, "元"),  # YG 406 物业管理费 44.00
    Q("晋城市政府办市政府办培训费是多少", 250000, "元"),  # JGO 387 25.00; form 674 年度资金总额 250,000
    Q("晋城市财政局信息网络运维费", 2473700, "元"),  # FIN 453 247. 37; form 信息网络运维费 2,473,700
    Q("评审中心工作经费预算多少", 967025, "元"),  # FIN form 1043 年度资金总额 967,025 (table 96.70)
    Q("晋城市财政局2024年差旅费预算", 308100, "元"),  # FIN 326 差旅费 7.00 + 327 差旅费 23.81
    Q("晋城市财政局2023年政法转移支付绩效考核奖励资金是多少", 75000, "元"),  # FIN 466 上年结转 7.50 (name, not year)
    Q("云冈区政府办管辖区域电费预算", 2600000, "元"),  # YG 404 260.00; form 748 2,600,000
    Q("三门峡市政府办公车运行费用执行了多少", 72100, "元"),  # SMX 634 2023公车运行费用 全年执行数 7.21
    # ---------------------------------------------------------------- performance forms
    Q("云冈区政府办12345政府服务热线的年度资金总额是多少", 761000, "元"),  # YG 716 年度资金总额 761,000
    Q("晋城市政府办政府办专项业务费的实施期资金总额", 3500000, "元"),  # JGO 474 实施期资金总额 3,500,000
    Q("资产盘点APP及条码打印服务的实施期资金总额", 687000, "元"),  # FIN 938 实施期资金总额：687,000
    # JGO 653 培训（参会）人数 ≥70人 (实施期); 652 督查办培训人数 ≥70人 (年度)
    Q("市委市政府督查办培训经费的培训人数目标是多少", 70, "人"),
    Q("市政府办培训费的培训天数指标", 7, "天"),  # JGO 692 培训（会议）天数 ≥7天; 691 政府系统培训天数 ≥7天
    Q("晋城市财政局配电室改造的更换低压配电设备数量是多少", 4, "台"),  # FIN 853 更换低压配电设备数量 4台
    Q("云冈区政府办12345政府服务热线劳务派遣人员人数", 15, "人"),  # YG 730 劳务派遣人员人数 15人
    Q("评审工作经费外聘辅助人员的指标值", 38, "人"),  # FIN 987 外聘辅助人员 38人
    Q("云冈区政府办管辖区域电费的电费度数指标", 2780000, "度"),  # YG 762 电费度数 ≤2780000度
    # ---------------------------------------------------------------- self-evaluations
    Q("三门峡政府办2023培训费执行率", 12.14, "%"),  # SMX 632 2023培训费 7 0.85 12.14%
    Q("三门峡市政府办2023年办公设备购置执行数", 121700, "元"),  # SMX 629 2023办公设备购置 24 12.17
    Q("三门峡市政府办派驻纪检组经费的预算执行率", 20.41, "%"),  # SMX 630 2023派驻纪检组经费 20.41%
    Q("三门峡市政府办保安、律师等劳务费自评得分", 95.46, "分"),  # SMX 631 自评得分 95.46
    Q("三门峡市政府办2023年会议费执行率是多少", 56.29, "%"),  # SMX 636 2023会议费 7 3.94 56.29%
    Q("三门峡市政府办2023年部门整体预算执行率", 87.42, "%"),  # SMX 581 部门预算总额 … 87.42
    # ---------------------------------------------------------------- ranking and comparison
    Q("2023年哪个单位的项目支出最多？", 8732700, "元", "ranking"),  # YG 164 873.27 > SMX 202 261.62 > JGO 153 206.50
    Q("哪个单位的机关运行经费最高？", 2248900, "元", "ranking"),  # JGO 373 224.89 > SMX 206.24 > FIN 155.43 > YG 48.37
    Q("哪个单位的三公经费最少", 37700, "元", "ranking"),  # YG 363 3.77 < FIN 4.00 < SMX 7.42 < JGO 10.20
    Q("2023年哪个单位的人员经费最多", 24718600, "元", "ranking"),  # SMX 349 2,471.86 > JGO 1,439.53 > YG 653.89
    Q("哪个单位的绩效项目最多", 27, "个", "ranking"),  # YG 496 27 > FIN 541 24 > SMX 518 9 > JGO 460 7
    Q("晋城市财政局2024年哪个项目的预算最多", 3686400, "元", "ranking"),  # FIN 428 财政业务工作经费 368.64
    Q("云冈区政府办哪个项目预算最多", 2600000, "元", "ranking"),  # YG 404 管辖区域电费 260.00
    Q("晋城市政府办和云冈区政府办2023年三公经费哪个多", 102000, "元", "ranking"),  # JGO 362 10.20 > YG 363 3.77
    # ---------------------------------------------------------------- lists with a threshold
    # FIN 428/429/447/448/453 + YG 394/404/412 (SMX: no project executed more than 100万)
    Q("哪些项目超过100万元？", 8, "个", "list"),
    Q("2023年哪些项目超过100万元", 3, "个", "list"),  # YG 394 业务费 111.00, 404 管辖区域电费 260.00, 412 OA… 137.00
    Q("晋城市财政局哪些项目超过200万元", 2, "个", "list"),  # FIN 428 368.64, 453 247.37
    Q("晋城市政府办哪些项目超过20万元", 4, "个", "list"),  # JGO 386 80.00, 387 25.00, 389 30.00, 392 25.00
    Q("云冈区政府办有哪些项目低于1万元", 7, "个", "list"),  # YG 391/395/400/401/409/410 0.16, 393 0.53
    Q("哪些单位的三公经费超过5万元", 2, "个", "list"),  # JGO 362 10.20, SMX 404 7.42 (FIN 4.00, YG 3.77 not)
    # ---------------------------------------------------------------- not in the corpus: found false
    Q("晋城市财政局2023年三公经费是多少？", NOT_FOUND),  # only FIN 2024 is indexed
    Q("太原市财政局2024年三公经费预算是多少", NOT_FOUND),  # unit not indexed
    Q("晋城市政府办2022年项目支出", NOT_FOUND),  # only JGO 2023
    Q("云冈区政府办2023年公务接待费决算是多少", NOT_FOUND),  # YG is a budget; no 决算
    Q("三门峡市政府办2023年政府采购预算是多少", NOT_FOUND),  # SMX 506 states 支出 (决算) only
    Q("北京市政府办2023年三公经费", NOT_FOUND),  # unit not indexed
    Q("晋城市政府办12345政府服务热线花了多少钱", NOT_FOUND),  # the hotline is YG's project, not JGO's
    Q("晋城市财政局2024年培训费执行率", NOT_FOUND),  # a budget has no self-evaluation
    Q("晋城市财政局2024年土地出让收入是多少", NOT_FOUND),  # no such figure in FIN
    Q("三门峡市政府办2024年三公经费", NOT_FOUND),  # only SMX 2023
    Q("大同市平城区政府办2023年项目支出", NOT_FOUND),  # 平城区 is not 云冈区
    Q("云冈区政府办2023年项目支出比上年增加多少", NOT_FOUND),  # YG states no change for 项目支出
    Q("云冈区政府办12345政府服务热线的自评得分", NOT_FOUND),  # a budget has no self-evaluation
    Q("晋城市政府办2023年因公出国费决算数", NOT_FOUND),  # JGO is a budget; no 决算
    Q("三门峡市政府办2023年三公经费比上年增减多少", NOT_FOUND),  # SMX 478 compares with the budget, not the year before
]


def _matches(expected: Q, answer) -> bool:
    if expected.value is None:
        return answer.found is False and answer.value is None
    if not answer.found or answer.value is None or isinstance(answer.value, str):
        return False
    if abs(Decimal(str(answer.value)) - Decimal(str(expected.value))) > Decimal("0.005"):
        return False
    if expected.unit and answer.unit != expected.unit:
        return False
    return bool(answer.evidence)


@pytest.fixture(scope="module")
def backend(sample_index):
    from indexer.index.sqlite import SQLiteIndex

    index = SQLiteIndex(sample_index, readonly=True)
    yield index
    index.close()


@pytest.fixture(scope="module")
def answers(backend):
    from indexer.qa import ask

    return {q.question: ask(backend, q.question) for q in QUESTIONS}


def test_question_set_covers_every_type():
    kinds = {q.kind for q in QUESTIONS}
    assert {"value", "change", "count", "ranking", "list"} <= kinds
    assert len(QUESTIONS) >= 60
    assert sum(q.value is None for q in QUESTIONS) >= 10


def test_accuracy(answers):
    wrong = []
    for q in QUESTIONS:
        answer = answers[q.question]
        if not _matches(q, answer):
            wrong.append(f"{q.question}: expected {q.value} {q.unit or ''}, got found={answer.found} "
                         f"value={answer.value} {answer.unit} — {answer.answer}")
    accuracy = 1 - len(wrong) / len(QUESTIONS)
    print(f"\nquestion set: {len(QUESTIONS) - len(wrong)}/{len(QUESTIONS)} right, accuracy {accuracy:.1%}")
    for line in wrong:
        print("  WRONG", line)
    assert accuracy >= 0.9, "\n".join(wrong)


def test_no_unanswerable_question_gets_a_figure(answers):
    for q in QUESTIONS:
        answer = answers[q.question]
        if q.value is None:
            assert answer.found is False, (q.question, answer.answer)
            assert answer.value is None, (q.question, answer.value)
            assert answer.answer.startswith("无相关数据"), answer.answer
        if not answer.found:
            assert answer.value is None and not answer.evidence, (q.question, answer.to_json())


def test_every_figure_is_cited(answers):
    for q in QUESTIONS:
        answer = answers[q.question]
        if answer.found and answer.value not in (None, 0) and q.kind != "list":
            assert answer.evidence, q.question
            for evidence in answer.evidence:
                assert evidence.doc_id and evidence.unit and evidence.year, q.question
                assert evidence.location.get("line") or evidence.location.get("page"), (q.question, evidence)
                assert evidence.excerpt, (q.question, evidence)


def test_ask_contract_shape(answers):
    answer = answers["晋城市财政局2024年“三公”经费预算是多少？"].to_json()
    assert {"question", "found", "answer", "value", "unit", "evidence"} <= set(answer)
    assert answer["found"] is True and answer["value"] == 40000 and answer["unit"] == "元"
    assert isinstance(answer["value"], int)
    assert "4.00万元" in answer["answer"] and "40,000元" in answer["answer"]
    first = answer["evidence"][0]
    assert {"doc_id", "unit", "year", "title", "location", "excerpt"} <= set(first)
    assert first["location"]["line"] == 402 and "三公" in first["location"]["table"]
    # The 情况说明 sentence is cited too.
    assert any(e["location"].get("line") == 517 for e in answer["evidence"])
    json.dumps(answer, ensure_ascii=False)


def test_spent_from_a_budget_says_so(answers):
    answer = answers["云冈区政府办12345政府服务热线花了多少钱？"]
    assert answer.value == 761000
    assert "76.10万元" in answer.answer and "预算" in answer.answer and "决算" in answer.answer
    # The most specific fact (the form) answers, and the project table row is cited too.
    locations = [e.location for e in answer.evidence]
    assert any(loc.get("form") == "12345政府服务热线" for loc in locations)
    assert any(loc.get("line") == 390 for loc in locations)


def test_not_found_lists_what_is_nearest(answers):
    answer = answers["晋城市财政局2023年三公经费是多少？"]
    assert not answer.found and answer.value is None
    assert "2024" in answer.answer
    assert answer.nearest and answer.nearest[0]["year"] == 2024 and answer.nearest[0]["value"] == 40000


def test_ranking_lists_every_unit(answers):
    answer = answers["2023年哪个单位的项目支出最多？"]
    assert "大同市云冈区人民政府办公室" in answer.answer
    assert [r["unit"] for r in answer.rows] == ["大同市云冈区人民政府办公室", "三门峡市人民政府办公室",
                                                 "晋城市人民政府办公室"]


def test_list_rows_are_the_projects(answers):
    answer = answers["哪些项目超过100万元？"]
    names = {r["name"] for r in answer.rows}
    assert names == {"财政业务工作经费", "信息网络运维费", "国库支付银行手续费", "设备运行维护费用", "办公设备购置费",
                     "管辖区域电费", "OA协同办公系统和门户网站运维费", "业务费"}
    assert all(r["value"] > 1_000_000 for r in answer.rows)


# ---------------------------------------------------------------------------- CLI


def _disclosure(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=120)


def test_cli_ask_json(sample_index):
    result = _disclosure("ask", "三门峡市政府办2023年公务接待费决算是多少？", "--index", str(sample_index), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["found"] is True and data["value"] == 2100 and data["unit"] == "元"
    assert "0.21万元" in data["answer"]
    assert data["evidence"][0]["location"]["line"] == 404


def test_cli_ask_for_people(sample_index):
    result = _disclosure("ask", "晋城市政府办有多少辆公务用车？", "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    assert "4辆" in result.stdout and "依据" in result.stdout and "第754行" in result.stdout
    missing = _disclosure("ask", "太原市财政局2024年三公经费", "--index", str(sample_index))
    assert missing.returncode == 0 and missing.stdout.startswith("无相关数据")


def test_cli_ask_rejects_an_empty_question(sample_index):
    result = _disclosure("ask", "  ", "--index", str(sample_index))
    assert result.returncode == 2 and "问题" in result.stderr


# ---------------------------------------------------------------------------- comparisons


def test_compare_metric_budget_vs_final(backend):
    from indexer.qa.compare import compare

    table = compare(backend, "三公经费")
    assert table.kind == "metric" and table.key == "three_public_total" and table.years == [2023, 2024]
    rows = {r.unit: r for r in table.rows}
    smx = rows["三门峡市人民政府办公室"].cells[2023]
    assert smx.budget.value == 115000 and smx.final.value == 74200  # SMX 404 预算数 11.50, 决算数 7.42
    assert float(smx.execution_rate) == 64.52
    assert smx.final.location["line"] == 404
    fin = rows["晋城市财政局"].cells[2024]
    assert fin.budget.value == 40000 and fin.final is None and fin.execution_rate is None
    data = table.to_json()
    assert data["rows"][0]["cells"]["2023"]["budget"]["location_text"]
    assert {"unit", "year", "budget", "final", "execution_rate"} <= set(table.records()[0])


def test_compare_item_across_units(backend):
    from indexer.qa.compare import compare

    table = compare(backend, "培训费", years=[2023, 2024])
    rows = {r.unit: r for r in table.rows}
    assert rows["晋城市财政局"].cells[2024].budget.value == 50000  # FIN 333
    smx = rows["三门峡市人民政府办公室"].cells[2023]  # SMX 632: 7 → 0.85, 12.14%
    assert smx.budget.value == 70000 and smx.final.value == 8500 and float(smx.execution_rate) == 12.14


def test_compare_units_by_short_name(backend):
    from indexer.qa.compare import compare

    table = compare(backend, "project_expenditure", units=["市财政局", "云冈区政府办", "太原市财政局"])
    assert [r.unit for r in table.rows] == ["大同市云冈区人民政府办公室", "晋城市财政局"]
    assert any("太原市财政局" in n for n in table.notes)


@pytest.fixture(scope="module")
def two_year_index(tmp_path_factory):
    """JGO as indexed, plus the same unit a year later with its projects renamed the way
    they drift between years (a year prefix, 费 → 经费), so histories can be followed."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    folder = tmp_path_factory.mktemp("years")
    source = (ROOT / "data" / "2023-budget-jincheng-city-government-office.txt").read_text(encoding="utf-8")
    (folder / "2023.txt").write_text(source, encoding="utf-8")
    later = (source.replace("2023", "2024").replace("市政府办培训费", "2024年市政府办培训费")
             .replace("政府办专项业务费", "政府办专项业务经费").replace("| 80.00 | 80.00 |", "| 90.00 | 90.00 |"))
    (folder / "2024.txt").write_text(later, encoding="utf-8")
    backend = SQLiteIndex(folder / "index.sqlite")
    report = ingest([folder / "2023.txt", folder / "2024.txt"], backend, workers=1, progress=False)
    assert report.counts()["indexed"] == 2, report.to_json()
    yield backend
    backend.close()


def test_project_histories_link_years(two_year_index):
    from indexer.qa.compare import project_histories

    histories = {h.key: h for h in project_histories(two_year_index, "晋城市政府办")}
    training = histories["市政府办培训费"]
    assert training.years == [2023, 2024]
    assert {"市政府办培训费", "2024年市政府办培训费"} <= set(training.names)
    special = next(h for h in histories.values() if "专项业务" in h.key and "督查" not in h.key)
    assert special.years == [2023, 2024]
    assert special.amounts() == {2023: 800000, 2024: 800000}  # the form's 年度资金总额 800,000 both years
    assert {e.record_type for e in special.entries} == {"line_item", "form"}
    rows = [e for e in special.entries if e.record_type == "line_item"]
    assert [int(e.amount_yuan) for e in rows] == [800000, 900000]
    # Each history is plain data.
    json.dumps(special.to_json(), ensure_ascii=False)
    # Different projects stay apart.
    assert len([h for h in histories.values() if "督查办" in h.key]) == 3


def test_change_from_two_indexed_years(two_year_index):
    from indexer.qa import ask

    answer = ask(two_year_index, "晋城市政府办2024年项目支出比上年增加多少")
    assert answer.found and answer.value == 0  # 206.50 both years (the table's 合计 row was not edited)
