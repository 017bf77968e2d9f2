"""Parse accuracy against the generator's manifest: how many project items, forms,
self-evaluations and key metrics the parser reads back exactly as generated."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.generate import read_manifest


def compare(entry: dict[str, Any], parsed: dict[str, Any]) -> dict[str, list]:
    """Per category, (expected, found?) pairs for one document; mismatches listed."""
    result: dict[str, list] = {"document": [], "projects": [], "forms": [], "self_evaluations": [], "metrics": []}
    info = parsed["document"]
    for key in ("unit", "year", "kind", "scope", "province", "city", "county"):
        result["document"].append((key, info.get(key) == entry[key], entry[key], info.get(key)))
    items = {(li["table_kind"], li["name"], li["amount_yuan"]) for li in parsed["line_items"] if not li["is_subtotal"]}
    for p in entry["projects"]:
        result["projects"].append((p["name"], (p["table_kind"], p["name"], p["amount_yuan"]) in items, p, None))
    forms = {f["project"]: f for f in parsed["forms"]}
    for f in entry["forms"]:
        got = forms.get(f["project"])
        ok = got is not None and got["annual_funds_yuan"] == f["annual_funds_yuan"] \
            and got["total_funds_yuan"] == f["total_funds_yuan"] and got["implementer"] == f["implementer"] \
            and {i["level3"] for i in got["indicators"]} >= {i["level3"] for i in f["indicators"]}
        result["forms"].append((f["project"], ok, f, got and {k: got[k] for k in (
            "annual_funds_yuan", "total_funds_yuan", "implementer")}))
    evaluations = {(s["project"], s["budget_yuan"], s["executed_yuan"]) for s in parsed["self_evaluations"]}
    for s in entry["self_evaluations"]:
        result["self_evaluations"].append((s["project"], (s["project"], s["budget_yuan"], s["executed_yuan"]) in evaluations, s, None))
    first: dict[str, Any] = {}
    for m in parsed["metrics"]:
        first.setdefault(m["key"], m["value"])
    for key, value in entry["metrics"].items():
        result["metrics"].append((key, first.get(key) == value, value, first.get(key)))
    return result


def accuracy(folder: str | Path, limit: int | None = None) -> dict[str, Any]:
    """Parse every generated document in `folder` and score it against the manifest."""
    from indexer.parsers.document import parse_file

    totals: dict[str, list[int]] = {}
    misses: list[tuple] = []
    failures: list[str] = []
    for entry in read_manifest(folder)[:limit]:
        try:
            parsed = parse_file(Path(folder) / entry["file"]).to_json()
        except Exception as error:  # counted, not raised: a benchmark reports
            failures.append(f"{entry['file']}: {type(error).__name__}: {error}")
            continue
        for category, pairs in compare(entry, parsed).items():
            counts = totals.setdefault(category, [0, 0])
            for pair in pairs:
                counts[0] += bool(pair[1])
                counts[1] += 1
                if not pair[1]:
                    misses.append((entry["file"], category, *pair))
    return {"totals": {k: {"right": v[0], "of": v[1], "share": v[0] / v[1] if v[1] else 1.0} for k, v in totals.items()},
            "misses": misses, "failures": failures}
