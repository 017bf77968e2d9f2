"""The corpus generator and the benchmark scripts of issue 6 (bench/).

The benchmarks themselves are scripts (`disclosure bench run`); here they only run once on
a tiny corpus to check each produces its rows. Timings are never asserted."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench.check import accuracy
from bench.generate import generate, read_manifest
from bench.run import Results, bench_index_size, bench_ingest, bench_queries, bench_web, budget_table, markdown


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(20, 7, folder)
    return folder


def test_same_seed_gives_the_same_bytes(tmp_path, corpus):
    generate(20, 7, tmp_path / "again")
    assert _digests(tmp_path / "again") == _digests(corpus)


def test_different_seed_gives_a_different_corpus(tmp_path, corpus):
    generate(20, 8, tmp_path / "other")
    other = _digests(tmp_path / "other")
    assert other != _digests(corpus)
    assert sum(other.get(name) == digest for name, digest in _digests(corpus).items()) < 3


def test_pdf_share_is_deterministic_too(tmp_path):
    generate(4, 5, tmp_path / "a", pdf_share=0.5)
    generate(4, 5, tmp_path / "b", pdf_share=0.5)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert len(list((tmp_path / "a").glob("*.pdf"))) == 2


def test_corpus_is_varied(corpus):
    manifest = read_manifest(corpus)
    assert len(manifest) == 20
    assert len({e["unit"] for e in manifest}) >= 10
    assert len({e["province"] for e in manifest}) >= 5
    assert {e["kind"] for e in manifest} == {"budget", "final_account"}
    assert {e["scope"] for e in manifest} == {"unit", "department"}
    assert {e["format"] for e in manifest} == {"tab", "markdown"}
    assert len({e["year"] for e in manifest}) >= 3


def test_amounts_add_up(corpus):
    for entry in read_manifest(corpus):
        metrics = entry["metrics"]
        projects = sum(p["amount_yuan"] for p in entry["projects"]) if entry["projects"] else \
            sum(s["budget_yuan"] for s in entry["self_evaluations"])
        assert metrics["project_expenditure"] == projects
        assert metrics["expenditure_total"] == metrics["basic_expenditure"] + projects
        if "personnel" in metrics:
            assert metrics["basic_expenditure"] == metrics["personnel"] + metrics["public_funds"]
            assert sum(entry["economic_items"].values()) == metrics["basic_expenditure"]
        for form in entry["forms"]:
            assert form["annual_funds_yuan"] > 0 and form["indicators"]


def test_damage_patterns_occur(tmp_path):
    generate(60, 11, tmp_path)
    damage: dict[str, int] = {}
    for entry in read_manifest(tmp_path):
        for key, count in entry["damage"].items():
            damage[key] = damage.get(key, 0) + count
    assert set(damage) == {"page_split", "stray_space", "truncated_funds", "broken_label", "drift"}
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt"))
    assert "财政资 金" in text  # a broken label
    import re

    assert re.search(r"\d\. \d\d", text)  # a stray space inside a number
    assert re.search(r"\t\d{1,3},\d{3},\d{2}\t", text) or re.search(r"\| \d{1,3},\d{3},\d{2} \|", text) \
        or re.search(r"[\t|] ?\d{1,3},\d{2} ?[\t|]", text)  # a truncated figure


def test_every_document_parses_and_matches_the_manifest(corpus):
    scores = accuracy(corpus)
    assert scores["failures"] == []
    totals = scores["totals"]
    for category in ("projects", "forms", "self_evaluations"):
        assert totals[category]["of"] > 0
        assert totals[category]["share"] >= 0.98, (category, scores["misses"][:10])
    assert totals["document"]["share"] >= 0.98, scores["misses"][:10]


def test_benchmarks_smoke(tmp_path):
    """Each runner on a tiny corpus yields its rows (not a timing test)."""
    corpus = tmp_path / "corpus"
    generate(8, 3, corpus, pdf_share=0.125)
    results = Results()
    index = bench_ingest(results, corpus, tmp_path / "work", workers=2, single_docs=3)
    bench_index_size(results, index, 7)
    bench_queries(results, index, corpus, repeat=2)
    bench_web(results, index, requests=12, clients=4, time_cap=10, web_workers=1)
    names = [(row.group, row.name) for row in results.rows]
    assert ("ingest", "text, 1 worker") in names and ("ingest", "text, 2 workers") in names
    assert ("ingest", "PDF, 1 worker") in names
    assert ("machine", "jieba alone (reference), 2 processes, before ingest") in names
    assert len(results.facts["jieba_samples"]) == 2 and results.facts["jieba_mb_s"] > 0
    assert "at this machine's speed, strict" in budget_table(results)
    assert ("index", "size on disk") in names
    query_rows = [row for row in results.rows if row.group == "query"]
    labels = " ".join(row.name for row in query_rows)
    for kind in ("single word", "two words", "phrase", "facet-only", "amount range", "amount sort", "QA question"):
        assert kind in labels
    assert all(row.median_ms is not None and row.p95_ms is not None for row in query_rows)
    assert any(row.ratio for row in query_rows if "amount range" in row.name)
    assert any(row.ratio for row in query_rows if "single word" in row.name)
    web = [row for row in results.rows if row.group == "web" and "clients" in row.name]
    assert len(web) == 3 and all(row.note == "0 errors" and row.n == 12 for row in web)  # cached /api, /search, uncached /api
    assert "search_p95_ms" in results.facts and "| budget | target |" in budget_table(results)
    assert results.facts["failed"] == 0
    table = markdown(results)
    assert table.startswith("| group | benchmark |") and "/api/search" in table


class _Entry(dict):
    """A manifest entry that can be watched for being freed (a plain dict cannot)."""


def test_no_timed_query_runs_with_the_manifest_alive(tmp_path, corpus, monkeypatch):
    """The harness's own data is not the product's: at 50 000 documents the manifest is
    ~600 000 objects, and kept alive through the timed queries, every full pass of the
    garbage collector inside one walked them too (QA p95 0.7 s instead of ~0.3 s). Each
    timed call checks that no manifest entry is still alive."""
    import weakref

    from bench import run

    index = tmp_path / "index.sqlite"
    run._run_indexer(sorted(corpus.glob("*.txt")), index, 1)
    entries: list[weakref.ref] = []

    def watched_manifest(folder):
        manifest = [_Entry(entry) for entry in read_manifest(folder)]
        entries.extend(weakref.ref(entry) for entry in manifest)
        return manifest

    real_timed, calls = run.timed, []

    def timed(call, repeat):
        alive = sum(ref() is not None for ref in entries)
        assert alive == 0, f"{alive} manifest entries alive in a timed call"
        calls.append(repeat)
        return real_timed(call, 1)

    monkeypatch.setattr(run, "read_manifest", watched_manifest)
    monkeypatch.setattr(run, "timed", timed)
    run.bench_queries(Results(), index, corpus, repeat=1)
    assert entries and len(calls) > 8  # the mix, its baselines and the QA questions were timed


def test_the_worker_path_writes_what_a_worker_would(tmp_path, corpus):
    """bench/worker_path.py (the instruction-count harness) indexes the documents it is given."""
    from bench.worker_path import main
    from indexer.index.sqlite import SQLiteIndex

    assert main(["--corpus", str(corpus), "--docs", "5", "--first", "2", "--index", str(tmp_path / "w.sqlite")]) == 0
    index = SQLiteIndex(tmp_path / "w.sqlite")
    names = sorted(Path(d.path).name for d in index.documents())
    assert names == [p.name for p in sorted(corpus.glob("*.txt"))[2:7]]
