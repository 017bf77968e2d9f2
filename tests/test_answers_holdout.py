"""Held-out questions: the four holdout documents (written by hand, never used to build
the question parser) indexed with the samples, asked questions of the same types as
tests/test_answers.py. Expected values come from the holdout files' hand-written
expectations; the questions are formed the way people ask, with short unit names.

Done-when of issue 4/6: at least 90% right, and no unanswerable question gets a figure.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from indexer.index.sqlite import SQLiteIndex
from indexer.ingest import ingest
from indexer.qa import ask
from tests.expectations import load

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT = ROOT / "tests" / "fixtures" / "holdout"
EXPECTED = {p.stem: load(p) for p in sorted(HOLDOUT.glob("*.json"))}

# How people name these units (短称) — the parser must resolve them against the index.
SHORT = {"长治市上党区财政局": "上党区财政局", "洛阳市教育局": "洛阳市教育局",
         "太原市小店区民政局": "小店区民政局", "高平市人民政府办公室": "高平市政府办"}
METRIC_WORDS = {"three_public_total": "“三公”经费", "three_public_reception": "公务接待费",
                "agency_operation": "机关运行经费", "personnel": "人员经费", "public_funds": "公用经费",
                "basic_expenditure": "基本支出", "project_expenditure": "项目支出",
                "procurement_total": "政府采购预算总额", "official_vehicles": "公务用车数量",
                "performance_projects": "绩效管理的项目数", "income_total": "收入总计"}


def questions() -> list[tuple[str, Decimal | None]]:
    out: list[tuple[str, Decimal | None]] = []
    for expected in EXPECTED.values():
        info = expected["document"]
        unit, year = SHORT[info["unit"]], info["year"]
        basis = "决算" if info["kind"] == "final_account" else "预算"
        for key, word in METRIC_WORDS.items():
            value = expected["metrics"].get(key)
            if value is None:
                continue
            if key == "public_funds" and any("公用经费" in i for i in expected.get("inconsistencies", [])):
                continue  # the document contradicts itself there (a warning, not a question)
            out.append((f"{unit}{year}年{word}{basis}是多少？", Decimal(str(value))))
        for item in expected.get("project_items", [])[:3]:
            out.append((f"{unit}{year}年{item['name']}预算多少钱？", Decimal(str(item["amount_yuan"]))))
        for evaluation in expected.get("self_evaluations", [])[:3]:
            out.append((f"{unit}{year}年{evaluation['project']}的执行率是多少？",
                        Decimal(str(evaluation["execution_rate"]))))
    # Unanswerable: years, units and measures the corpus does not hold.
    out += [("上党区财政局2022年“三公”经费预算是多少？", None), ("洛阳市财政局2023年项目支出是多少？", None),
            ("小店区民政局2024年人员经费决算是多少？", None), ("高平市政府办2024年在编人员有多少人？", None),
            ("太原市教育局2023年公务接待费是多少？", None)]
    return out


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    index = SQLiteIndex(tmp_path_factory.mktemp("qa") / "index.sqlite")
    report = ingest([ROOT / "data", HOLDOUT], index, workers=1, progress=False)
    assert report.counts()["indexed"] == 8, report.to_json()
    return index


def test_held_out_questions(backend, capsys):
    asked = questions()
    right, wrong, guessed = 0, [], []
    for question, expected in asked:
        answer = ask(backend, question)
        if expected is None:
            if answer.found or answer.value is not None:
                guessed.append(f"{question} → {answer.answer}")
            else:
                right += 1
            continue
        if answer.found and answer.value is not None and Decimal(str(answer.value)) == expected:
            right += 1
        else:
            wrong.append(f"{question} → {answer.value} ({answer.answer[:80]}), expected {expected}")
    with capsys.disabled():
        print(f"\nheld-out questions: {right}/{len(asked)} right ({right / len(asked):.1%})")
    assert not guessed, "unanswerable questions got a figure:\n" + "\n".join(guessed)
    assert len(asked) >= 40
    assert right / len(asked) >= 0.9, "\n".join(wrong)
