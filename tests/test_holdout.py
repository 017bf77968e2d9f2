"""Generalisation: documents of the same templates the parser was not developed on
(tests/fixtures/holdout/, written by hand with their expected values).

Done-when of issue 1/6: at least 98% of project items and performance forms come out with
the right name and amount, and every metric the parser reports is right.
"""
from pathlib import Path

import pytest

from indexer.parsers.document import parse_file
from tests.expectations import (
    Score, load, money, score_forms, score_metrics, score_project_items, score_self_evaluations,
)

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fixtures" / "holdout").glob("*.json"))
NAME_AND_AMOUNT = ("project", "total_funds_yuan", "annual_funds_yuan")


@pytest.fixture(scope="module")
def parsed():
    return [(path.stem, parse_file(ROOT / load(path)["file"]), load(path)) for path in CASES]


def test_there_are_holdout_documents():
    assert len(CASES) >= 4


def test_projects_and_forms_are_at_least_98_percent_right(parsed, capsys):
    total = Score()
    for name, document, expected in parsed:
        for score in (score_project_items(document, expected),
                      score_forms(document, expected, fields=NAME_AND_AMOUNT),
                      score_self_evaluations(document, expected)):
            total.checked += score.checked
            total.failures += [f"{name}: {f}" for f in score.failures]
    share = total.right / total.checked
    with capsys.disabled():
        print(f"\nholdout: {total.right}/{total.checked} project items, forms and self-evaluations right ({share:.1%})")
    assert total.checked > 40
    assert share >= 0.98, "\n".join(total.failures)


def test_every_reported_metric_is_right(parsed):
    """A table figure must equal the document's; a sentence figure must too, unless the
    document contradicts itself there and a warning says so."""
    wrong = []
    for name, document, expected in parsed:
        wanted = expected.get("metrics", {})
        for metric in document.metrics:
            if wanted.get(metric.key) is None or metric.value == money(wanted[metric.key]):
                continue
            flagged = not metric.source.table and any(metric.label in w for w in document.warnings)
            if not flagged:
                wrong.append(f"{name}: {metric.key}={metric.value} at {metric.source.describe()}, "
                             f"expected {wanted[metric.key]}")
    assert not wrong, "\n".join(wrong)


def test_expected_metrics_are_found(parsed):
    missing = []
    for name, document, expected in parsed:
        score = score_metrics(document, expected)
        missing += [f"{name}: {f}" for f in score.failures]
    assert not missing, "\n".join(missing)


def test_planted_inconsistencies_are_warned(parsed):
    """Holdout A states 公用经费 as 59.75万元 in a sentence and 58.75万元 in its table."""
    [document] = [d for name, d, _ in parsed if name.startswith("holdout-a")]
    assert any("公用经费" in w and "59.75万元" in w and "58.75万元" in w for w in document.warnings)


def test_truncated_total_is_not_guessed(parsed):
    [document] = [d for name, d, _ in parsed if name.startswith("holdout-b")]
    form = next(f for f in document.forms if f.project == "洛阳市智慧教育云平台运维费")
    assert form.total_funds_yuan is None and form.annual_funds_yuan == 960000
    assert any("960,00" in w for w in document.warnings)
