"""QA at index scale: the catalogue is built once per index generation, its look-ups are
dictionaries (same answers as the scans they replace), and a ranking over many documents
fetches the metric in one call, loads only the documents whose figures it quotes, names
the first ten in its sentence and lists every unit in `rows`."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from indexer.index.contract import MetricValue, SearchResult
from indexer.qa import Answerer, ask
from indexer.qa.answer import RANKING_SHOWN
from indexer.qa.question import Catalog, DocRef, catalog_for
from indexer.records import IndexedDocument
from tests.test_question_parser import DOCS, MORE

CITIES = [("山西省", "晋城市"), ("山西省", "长治市"), ("河南省", "洛阳市"), ("河南省", "三门峡市"), ("陕西省", "宝鸡市")]
BODIES = ["财政局", "教育局", "民政局", "司法局", "交通运输局"]


class FakeBackend:
    """The parts of the index contract the answerer reads, in memory, counting calls."""

    def __init__(self, generation: int | None = 0):
        self.docs: list[IndexedDocument] = []
        self.values: dict[str, Decimal] = {}
        self._generation = generation
        self.documents_calls = 0
        self.aggregate_calls = 0
        self.loaded: list[str] = []
        for number, ((province, city), body) in enumerate((c, b) for c in CITIES for b in BODIES):
            for year, kind in ((2023, "budget"), (2023, "final_account"), (2022, "budget")):
                self.add(f"{number:02d}{year}{kind[0]}", f"{city}{body}", year, kind, province, city,
                         Decimal(1_000_000 + 10_000 * number + (year - 2000) * 7 + (kind == "budget")))

    def add(self, doc_id: str, unit: str, year: int, kind: str, province: str, city: str, value: Decimal) -> None:
        self.docs.append(IndexedDocument(doc_id, doc_id, f"{doc_id}.txt", unit, year, kind, "unit", province, city,
                                         None, f"{unit}{year}年部门{'预算' if kind == 'budget' else '决算'}"))
        self.values[doc_id] = value

    def generation(self) -> int | None:
        return self._generation

    def documents(self, filters: dict[str, list[str]] | None = None) -> list[IndexedDocument]:
        self.documents_calls += 1
        return list(self.docs)

    def document(self, doc_id: str) -> IndexedDocument | None:
        self.loaded.append(doc_id)
        return next((d for d in self.docs if d.doc_id == doc_id), None)

    def aggregate_metric(self, metric_key: str, filters: dict[str, list[str]] | None = None) -> list[MetricValue]:
        self.aggregate_calls += 1
        filters = filters or {}
        out = []
        for doc in self.docs:
            if metric_key != "project_expenditure":
                continue
            if "doc_id" in filters and doc.doc_id not in filters["doc_id"]:
                continue
            if "year" in filters and str(doc.year) not in filters["year"]:
                continue
            if "kind" in filters and doc.kind not in filters["kind"]:
                continue
            out.append(MetricValue(doc.doc_id, doc.unit, doc.year, doc.kind, self.values[doc.doc_id],
                                   {"line": 70, "table": "支出总表", "row": 3}))
        return out

    def search(self, request: Any) -> SearchResult:
        return SearchResult(total=0, hits=[], facets={})


def test_catalog_is_built_once_per_generation():
    backend = FakeBackend(generation=3)
    ask(backend, "晋城市财政局2023年项目支出是多少？")
    ask(backend, "洛阳市教育局2023年项目支出是多少？")
    assert backend.documents_calls == 1
    assert catalog_for(backend) is catalog_for(backend)
    backend.add("new", "晋城市审计局", 2023, "budget", "山西省", "晋城市", Decimal(5))
    backend._generation = 4  # the index was written
    answer = ask(backend, "晋城市审计局2023年项目支出是多少？")
    assert backend.documents_calls == 2
    assert answer.found and answer.value == 5


def test_catalog_without_generation_is_kept_briefly(monkeypatch):
    from indexer.qa import question

    backend = FakeBackend(generation=None)
    catalog_for(backend)
    catalog_for(backend)
    assert backend.documents_calls == 1  # within CATALOG_TTL
    monkeypatch.setattr(question, "CATALOG_TTL", 0.0)
    catalog_for(backend)
    assert backend.documents_calls == 2


def test_ranking_names_ten_cites_ten_and_rows_hold_all():
    backend = FakeBackend()
    answer = Answerer(backend).ask("2023年哪个单位的项目支出最多？")
    units = {d.unit for d in backend.docs}
    assert answer.found and len(answer.rows) == len(units) == 25
    # The figure of each unit: its 2023 budget (the first of its 2023 documents listed).
    assert [r["value"] for r in answer.rows] == sorted((r["value"] for r in answer.rows), reverse=True)
    assert answer.rows[0]["unit"] == "宝鸡市交通运输局" and answer.value == answer.rows[0]["value"]
    assert all(r["location_text"] and r["location"] == {"line": 70, "table": "支出总表", "row": 3}
               for r in answer.rows)
    shown = re.findall(r"([\u4e00-\u9fff]+?)（2023年", answer.answer)
    assert len(shown) == RANKING_SHOWN and f"等{len(units)}个单位" in answer.answer
    assert [e.unit for e in answer.evidence] == [r["unit"] for r in answer.rows[:RANKING_SHOWN]]
    # One metric call for every document; only the quoted documents are loaded.
    assert backend.aggregate_calls == 1
    assert len(set(backend.loaded)) <= RANKING_SHOWN


def test_ranking_of_few_lists_them_all():
    backend = FakeBackend()
    answer = Answerer(backend).ask("洛阳市2023年哪个单位的项目支出最多？")
    assert len(answer.rows) == 5 and "等" not in answer.answer
    assert answer.answer.count("（2023年") == 5 and len(answer.evidence) == 5


def _select_by_scan(catalog: Catalog, units, years, kinds) -> list[DocRef]:
    units, years, kinds = set(units or ()), set(years or ()), set(kinds or ())
    return [d for d in catalog.docs if (not units or d.unit in units) and (not years or d.year in years)
            and (not kinds or d.kind in kinds)]


def test_catalog_lookups_match_scans():
    docs = DOCS + MORE + [DocRef("fin23", "晋城市财政局", 2023, "final_account", "department", "山西省", "晋城市", None),
                          DocRef("none", None, 2023, "budget")]
    catalog = Catalog(docs)
    assert catalog.doc("fin23").year == 2023 and catalog.doc("none") is None and catalog.doc("x") is None
    for units in (None, ["晋城市财政局"], ["晋城市财政局", "洛阳市教育局"], ["没有"]):
        for years in (None, [2023], [2023, 2024], [1999]):
            for kinds in (None, ["budget"], ["final_account"]):
                assert catalog.select(units, years, kinds) == _select_by_scan(catalog, units, years, kinds)


def _unit_matches_by_scan(catalog: Catalog, text: str) -> list:
    """Every profile's every body searched for (the scan `unit_matches` replaces)."""
    found = []
    for profile in catalog.profiles.values():
        seen: set[tuple[int, int]] = set()
        for body in profile.bodies:
            for hit in re.finditer(re.escape(body), text):
                match = catalog._extend(profile, text, hit.start(), hit.end(), body)
                if match is not None and (match.start, match.end) not in seen:
                    seen.add((match.start, match.end))
                    found.append(match)
    return found


@pytest.mark.parametrize("question", [
    "晋城市财政局2024年三公经费是多少", "市财政局和市政府办哪个三公经费多", "上党区委办2024年公务接待费",
    "中共长治市上党区委员会办公室2024年项目支出", "高平市政府办2024年培训费", "晋城市政府办市政府办培训费",
    "三门峡市政府办2023年三公经费决算", "洛阳市教育局教育局财政局财政局", "太原市财政局2024年三公经费",
    "大同云冈区政府办公室2023年", "政府办政府办办公室",
])
def test_unit_matches_match_the_scan(question):
    from indexer.qa.question import normalize

    catalog = Catalog(DOCS + MORE)
    text = normalize(question)
    assert catalog.unit_matches(text) == _unit_matches_by_scan(catalog, text)


def test_a_comparison_lists_at_most_max_units_and_says_so(sample_index, monkeypatch):
    """Compare without units at scale would read every document of the index (minutes and
    gigabytes at 10 000 documents): it lists the first MAX_UNITS units and says how many
    there are."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.qa import compare as compare_module

    backend = SQLiteIndex(sample_index, readonly=True)
    everything = compare_module.compare(backend, "三公经费")
    assert len(everything.rows) > 2 and not any("只列出" in n for n in everything.notes)
    monkeypatch.setattr(compare_module, "MAX_UNITS", 2)
    capped = compare_module.compare(backend, "三公经费")
    assert [r.unit for r in capped.rows] == sorted(r.unit for r in everything.rows)[:2]
    assert any("只列出按名称排序的前 2 个" in n for n in capped.notes)
