"""Golden tests: every sample document against values read from it by hand
(tests/golden/*.json; never copied from the parser's output)."""
from pathlib import Path

import pytest

from indexer.parsers.document import parse_file
from tests.expectations import (
    load, score_forms, score_indicators, score_metrics, score_project_items, score_reported_metrics,
    score_self_evaluations, score_unit_subtotals,
)

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*.json"))


@pytest.fixture(scope="module", params=GOLDEN, ids=[p.stem for p in GOLDEN])
def case(request):
    expected = load(request.param)
    return parse_file(ROOT / expected["file"]), expected


def test_every_sample_has_a_golden_file():
    samples = {p.stem for p in (ROOT / "data").glob("*.txt")}
    assert samples and samples == {p.stem for p in GOLDEN}


def test_metadata(case):
    document, expected = case
    for field, value in expected["document"].items():
        assert getattr(document.document, field) == value, field


@pytest.mark.parametrize("scorer", [
    score_project_items, score_unit_subtotals, score_forms, score_indicators,
    score_self_evaluations, score_metrics, score_reported_metrics,
], ids=lambda f: f.__name__.replace("score_", ""))
def test_exact(case, scorer):
    document, expected = case
    score = scorer(document, expected)
    assert not score.failures, "\n".join(score.failures)


def test_damaged_form_totals_are_warned_not_guessed(case):
    """Where the hand-read golden value is null because the document cut a number short,
    the parser leaves it null and a warning names the project."""
    document, expected = case
    for form in expected["forms"]:
        if form.get("total_funds_yuan") is None and form.get("annual_funds_yuan") is not None:
            assert any(f"“{form['project']}”" in w and "截断" in w for w in document.warnings), form["project"]
