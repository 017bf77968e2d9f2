"""Compare a parsed Document with hand-read expectations (tests/golden/*.json and
tests/fixtures/holdout/*.json). Names are compared with spaces removed and width folded,
because the documents break labels across cells ("设备购置 费")."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from analyzers.normalize import label_key
from indexer.model import Document

PROJECT_KINDS = ("project_expenditure", "project_carryover")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def key(name: str | None) -> str | None:
    return None if name is None else label_key(name)


def money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class Score:
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        self.checked += 1
        if not ok:
            self.failures.append(message)

    @property
    def right(self) -> int:
        return self.checked - len(self.failures)


def project_rows(document: Document) -> list[tuple]:
    return [(key(i.name), i.amount_yuan, i.table_kind, key(i.group))
            for i in document.line_items if i.table_kind in PROJECT_KINDS and not i.is_subtotal]


def score_project_items(document: Document, expected: dict) -> Score:
    score = Score()
    actual = project_rows(document)
    remaining = list(actual)
    for item in expected.get("project_items", []):
        want = (key(item["name"]), money(item["amount_yuan"]), item["table_kind"], key(item.get("group")))
        score.check(want in remaining, f"project item {want} not found")
        if want in remaining:
            remaining.remove(want)
    for extra in remaining:
        score.check(False, f"unexpected project item {extra}")
    return score


def score_unit_subtotals(document: Document, expected: dict) -> Score:
    score = Score()
    actual = [(key(i.name), i.amount_yuan, i.table_kind) for i in document.line_items
              if i.table_kind in PROJECT_KINDS and i.is_subtotal]
    for item in expected.get("unit_subtotals", []):
        want = (key(item["name"]), money(item["amount_yuan"]), item["table_kind"])
        score.check(want in actual, f"unit subtotal {want} not found in {actual}")
    return score


FORM_FIELDS = ("project", "implementer", "total_funds_yuan", "annual_funds_yuan", "period", "attribute", "department")


def score_forms(document: Document, expected: dict, fields=FORM_FIELDS) -> Score:
    score = Score()
    forms = list(document.forms)
    score.check(len(forms) == len(expected.get("forms", [])),
                f"{len(forms)} forms parsed, {len(expected.get('forms', []))} expected")
    for want in expected.get("forms", []):
        match = next((f for f in forms if key(f.project) == key(want["project"])), None)
        if match is None:
            score.check(False, f"form {want['project']} not found")
            continue
        forms.remove(match)
        wrong = []
        for name in fields:
            if name not in want:
                continue
            got = getattr(match, name)
            if name.endswith("_yuan"):
                ok = got == money(want[name])
            else:
                ok = key(got) == key(want[name])
            if not ok:
                wrong.append(f"{name}: got {got!r}, expected {want[name]!r}")
        score.check(not wrong, f"form {want['project']}: " + "; ".join(wrong))
    return score


def score_indicators(document: Document, expected: dict) -> Score:
    score = Score()
    for want in expected.get("sample_indicators", []):
        forms = [f for f in document.forms if key(f.project) == key(want["project"])]
        found = any(
            ind.side == want["side"] and key(ind.level3) == key(want["level3"]) and key(ind.value) == key(want["value"])
            and (want.get("level2") is None or key(ind.level2) == key(want["level2"]))
            and (want.get("level1") is None or key(ind.level1) == key(want["level1"]))
            for form in forms for ind in form.indicators
        )
        score.check(found, f"indicator {want} not found")
    return score


def score_self_evaluations(document: Document, expected: dict) -> Score:
    score = Score()
    actual = {key(e.project): e for e in document.self_evaluations}
    score.check(len(actual) == len(expected.get("self_evaluations", [])),
                f"{len(actual)} self-evaluations, {len(expected.get('self_evaluations', []))} expected")
    for want in expected.get("self_evaluations", []):
        got = actual.get(key(want["project"]))
        ok = got is not None and all(
            getattr(got, f) == money(want[f]) for f in ("budget_yuan", "executed_yuan", "execution_rate", "score")
            if f in want
        )
        score.check(ok, f"self-evaluation {want} != {got}")
    return score


def score_metrics(document: Document, expected: dict) -> Score:
    """Every expected metric is reported with the right value (the table figure first)."""
    score = Score()
    for name, value in expected.get("metrics", {}).items():
        if value is None:
            continue
        got = document.metric(name)
        score.check(got is not None and got.value == money(value),
                    f"metric {name}: got {got and got.value}, expected {value}")
    return score


def score_reported_metrics(document: Document, expected: dict) -> Score:
    """Every metric the parser reports (tables and sentences) agrees with the document,
    where the expectation knows the figure. Narrative figures may differ from tables only
    where the document itself disagrees (listed under inconsistencies)."""
    score = Score()
    wanted = expected.get("metrics", {})
    for metric in document.metrics:
        if metric.key in wanted and wanted[metric.key] is not None and metric.source.table:
            score.check(metric.value == money(wanted[metric.key]),
                        f"reported {metric.key}={metric.value} at {metric.source.describe()}, expected {wanted[metric.key]}")
    return score
