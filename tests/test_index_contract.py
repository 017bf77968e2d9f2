"""One contract test suite for every index backend: SQLite always, Elasticsearch whenever
DISCLOSURE_ES_URL points at a server (the skip message says so when it does not).

The samples in data/ are indexed once per backend; expectations come from the documents
(amounts read by hand) or from the parsed documents counted independently of the index.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from analyzers.tokenizer import get_analyzer
from indexer.ingest import ingest
from indexer.parsers.document import parse_file
from indexer.query import QueryError
from indexer.records import content_hash, records_of
from indexer.search import SearchOptions, search
from tests.index_checks import assert_index_whole, fts_terms

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ES_URL = os.environ.get("DISCLOSURE_ES_URL")
BACKENDS = [
    "sqlite",
    pytest.param("elasticsearch", marks=pytest.mark.skipif(
        not ES_URL, reason="Elasticsearch contract tests skipped: DISCLOSURE_ES_URL is not set "
                           "(start one with `docker compose up -d elasticsearch` and export "
                           "DISCLOSURE_ES_URL=http://localhost:9200)")),
]


def open_backend(kind: str, tmp: Path):
    if kind == "sqlite":
        from indexer.index.sqlite import SQLiteIndex

        return SQLiteIndex(tmp / "index.sqlite")
    from indexer.index.elastic import ElasticIndex

    return ElasticIndex(ES_URL, f"test-{uuid.uuid4().hex[:8]}", refresh=True)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, tmp_path_factory):
    index = open_backend(request.param, tmp_path_factory.mktemp(request.param))
    report = ingest([DATA], index, workers=1, progress=False)
    assert report.counts()["indexed"] == 4, report.to_json()
    yield index
    if request.param == "elasticsearch":
        index.drop()
    index.close()


@pytest.fixture(scope="module")
def all_records():
    """Records of the samples, made without the index, to count expectations."""
    records = []
    for path in sorted(DATA.glob("*.txt")):
        records += records_of(parse_file(path), content_hash(path)[:16])
    return records


def run(backend, **options):
    return search(backend, SearchOptions(**options), get_analyzer())


def names(result):
    return [h.name for h in result.hits]


# ------------------------------------------------------------------ Chinese analysis

def test_training_search_lists_every_training_item_on_the_first_page(backend):
    result = run(backend, query="培训费")  # the default first page (20 hits)
    first_page = {(h.record_type, h.name) for h in result.hits}
    # Read from the documents: project rows, forms (培训经费 is a synonym), the 培训费
    # economic-classification row of 晋城市财政局, and the 三门峡 self-evaluation.
    for expected in [("line_item", "市政府办培训费"), ("form", "市政府办培训费"),
                     ("line_item", "市委市政府督查办培训经费"), ("form", "市委市政府督查办培训经费"),
                     ("line_item", "培训费"), ("self_evaluation", "2023培训费")]:
        assert expected in first_page, expected
    assert result.hits[0].record_type in ("line_item", "form", "self_evaluation")


def test_a_part_finds_the_whole_item(backend):
    assert "市政府办培训费" in names(run(backend, query="培训", limit=100))


def test_snippets_mark_the_words_and_escape_the_rest(backend):
    hit = run(backend, query="培训费").hits[0]
    assert "<mark>" in hit.snippet


# ------------------------------------------------------------------ amounts

@pytest.mark.parametrize("low", ["1000000", "100万", "100万元", "0.01亿"])
def test_amount_filters_in_any_unit_return_exactly_the_rows_in_range(backend, all_records, low):
    result = run(backend, type=["line_item"], table_kind=["project_expenditure"], min=low, limit=100)
    expected = sorted(r.record_id for r in all_records if r.record_type == "line_item"
                      and r.table_kind == "project_expenditure" and r.amount_yuan is not None
                      and r.amount_yuan >= Decimal(1_000_000))
    assert result.total == len(expected)
    assert sorted(h.record_id for h in result.hits) == expected
    assert all(h.amount_yuan >= 1_000_000 for h in result.hits)


def test_amount_range_and_strict_bounds_in_the_query(backend, all_records):
    result = run(backend, query="金额>76.1万 金额<=137万", type=["line_item"], limit=100)
    assert all(Decimal(761000) < h.amount_yuan <= Decimal(1370000) for h in result.hits)
    expected = sum(1 for r in all_records if r.record_type == "line_item" and r.amount_yuan is not None
                   and Decimal(761000) < r.amount_yuan <= Decimal(1370000))
    assert result.total == expected
    assert "12345政府服务热线" not in names(result)  # exactly 76.10万元: excluded by >


def test_word_with_comparator(backend):
    result = run(backend, query="项目支出≥100万", type=["line_item"], limit=100)
    got = set(names(result))
    # 项目支出预算表 rows of at least 100万元, read from the documents:
    assert {"业务费", "管辖区域电费", "OA协同办公系统和门户网站运维费", "财政业务工作经费"} <= got
    assert all(h.amount_yuan >= 1_000_000 for h in result.hits)


# ------------------------------------------------------------------ facets, sort, pages

def test_facets_count_what_the_filters_leave(backend):
    result = run(backend, query="培训费")
    years = result.facets["year"]
    assert sum(years.values()) == result.total
    assert set(years) <= {"2023", "2024"}
    narrowed = run(backend, query="培训费", year=["2024"])
    assert narrowed.total == years.get("2024", 0)
    assert all(h.year == 2024 for h in narrowed.hits)
    assert set(narrowed.facets["unit"]) == {"晋城市财政局"}


@pytest.mark.parametrize("sort, key, reverse", [("amount", "amount_yuan", False), ("-amount", "amount_yuan", True),
                                                ("year", "year", True)])
def test_sorting(backend, sort, key, reverse):
    hits = run(backend, type=["line_item"], sort=sort, limit=100).hits
    values = [getattr(h, key) for h in hits if getattr(h, key) is not None]
    assert values and values == sorted(values, reverse=reverse)


def test_paging(backend):
    first = run(backend, query="费", limit=10, page=1)
    second = run(backend, query="费", limit=10, page=2)
    assert first.total == second.total > 20
    assert not {h.record_id for h in first.hits} & {h.record_id for h in second.hits}


def test_filters_only_without_a_query(backend):
    result = run(backend, unit=["三门峡市人民政府办公室"], type=["self_evaluation"])
    assert result.total == 10  # 9 projects of 项目单位自评汇总表 + the 部门整体 self-evaluation


# ------------------------------------------------------------------ writing

def test_reindexing_the_same_files_adds_nothing(backend):
    before = backend.stats()
    report = ingest([DATA], backend, workers=1, progress=False)
    assert report.counts() == {"indexed": 0, "unchanged": 4, "failed": 0}
    assert backend.stats()["records"] == before["records"]
    report = ingest([DATA / "2023-budget-jincheng-city-government-office.txt"], backend, rebuild=True,
                    workers=1, progress=False)
    assert report.counts()["indexed"] == 1
    assert backend.stats()["records"] == before["records"]


def test_delete_a_document(tmp_path):
    from indexer.index.sqlite import SQLiteIndex

    index = SQLiteIndex(tmp_path / "i.sqlite")
    ingest([DATA / "2023-budget-datong-yungang-government-office.txt"], index, workers=1, progress=False)
    [document] = index.documents()
    assert run(index, query="12345政府服务热线").total > 0
    assert index.delete_document(document.doc_id)
    assert run(index, query="12345政府服务热线").total == 0
    assert index.stats()["records"] == 0
    # The contentless full-text index was told each row's tokens again: none is left behind.
    assert assert_index_whole(tmp_path / "i.sqlite") == 0
    assert fts_terms(sqlite3.connect(tmp_path / "i.sqlite")) == 0
    assert not index.delete_document(document.doc_id)


def test_a_document_written_in_the_old_format_is_read_and_deleted_whole(tmp_path):
    """Indexes written before 2026-12-08 hold zlib blobs, and keep each row's filter tokens
    (`facets`) beside its text tokens: the parse reads back, and the tokens are told to
    FTS5 as they are, leaving nothing behind."""
    import zlib

    import zstandard

    from indexer import jsonio
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import _analysed_and_prepared, parse_and_analyse

    path = DATA / "2023-budget-datong-yungang-government-office.txt"
    prepared = _analysed_and_prepared(parse_and_analyse, SQLiteIndex.prepare, str(path), content_hash(path)).prepared
    assert len(prepared.texts[0]) == 3  # (precise, recall, facets): what FTS5 was given
    prepared.fts_rows = zlib.compress(jsonio.dumps_bytes(prepared.texts))  # the old format
    parse = zstandard.ZstdDecompressor().decompress(prepared.document[12])
    prepared.document = (*prepared.document[:12], zlib.compress(parse), *prepared.document[13:])
    index = SQLiteIndex(tmp_path / "i.sqlite")
    index.add_prepared(prepared)
    assert index.document(prepared.doc_id).parse_json["document"]["unit"] == "大同市云冈区人民政府办公室"
    assert fts_terms(sqlite3.connect(tmp_path / "i.sqlite")) > 0
    assert index.delete_document(prepared.doc_id)
    assert assert_index_whole(tmp_path / "i.sqlite") == 0
    assert fts_terms(sqlite3.connect(tmp_path / "i.sqlite")) == 0


def test_metric_aggregation_by_unit_and_year(backend):
    values = {(v.unit, v.year): v.value for v in backend.aggregate_metric("three_public_total")}
    # “三公”经费: 10.20万 (晋城市政府办), 3.77万 (云冈区), 4.00万 (晋城市财政局), 决算 7.42万 (三门峡)
    assert values == {("晋城市人民政府办公室", 2023): Decimal(102000), ("大同市云冈区人民政府办公室", 2023): Decimal(37700),
                      ("晋城市财政局", 2024): Decimal(40000), ("三门峡市人民政府办公室", 2023): Decimal(74200)}
    # By year, then unit in code-point order (三 U+4E09 < 大 U+5927 < 晋 U+664B): both backends alike.
    assert [(v.year, v.unit) for v in backend.aggregate_metric("three_public_total")] == [
        (2023, "三门峡市人民政府办公室"), (2023, "大同市云冈区人民政府办公室"), (2023, "晋城市人民政府办公室"),
        (2024, "晋城市财政局")]


def test_metric_aggregation_sees_one_state_of_a_changing_index(tmp_path):
    """A writer adds a document while a reader aggregates, between the reader's look at the
    index's layout and its query. The reader reads one snapshot, so the new document is not
    half seen: none of its records can be given the unit of the document before it."""
    from indexer.index.sqlite import SQLiteIndex

    path = tmp_path / "i.sqlite"
    late = DATA / "2023-budget-datong-yungang-government-office.txt"
    writer = SQLiteIndex(path)
    ingest([p for p in sorted(DATA.glob("*.txt")) if p != late], writer, workers=0, progress=False)
    added = []

    class Reader(SQLiteIndex):
        def _layout(self, connection):
            layout = super()._layout(connection)
            if not added:  # the write lands right after the reader has its layout
                added.append(ingest([late], writer, workers=0, progress=False).counts()["indexed"])
            return layout

    values = Reader(path, readonly=True).aggregate_metric("three_public_total")
    assert added == [1]
    unit_of = {d.doc_id: d.unit for d in writer.documents()}
    assert "大同市云冈区人民政府办公室" in unit_of.values()
    assert [(v.unit, v.year) for v in values] == [(unit_of[v.doc_id], v.year) for v in values]
    assert {v.unit for v in values} == {"三门峡市人民政府办公室", "晋城市人民政府办公室", "晋城市财政局"}
    assert len(SQLiteIndex(path, readonly=True).aggregate_metric("three_public_total")) == 4


def test_documents_and_stats(backend):
    documents = backend.documents()
    assert {d.unit for d in documents} == {"晋城市人民政府办公室", "大同市云冈区人民政府办公室", "晋城市财政局",
                                           "三门峡市人民政府办公室"}
    one = backend.document(documents[0].doc_id)
    assert one.parse_json["document"]["unit"] == one.unit
    assert backend.stats()["documents"] == 4


# ------------------------------------------------------------------ hostile input

HOSTILE = ['"', '""', '"培训', "(", ")", "((培训费", "培训费)", "NEAR(培训 费)", "培训 NEAR 费", "*", "培*",
           ":", "precise:培训", "recall : 费", "培训 OR 会议", "AND", "NOT 培训", "- -", "^培训", "{precise}",
           "' OR 1=1 --", "'; DROP TABLE records; --", "<script>alert(1)</script>", "培训费" * 2000,
           "\x00", "\u202e", "😀", "[", "]", "{", "}", "\\", "%", "_"]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_are_data(backend, query):
    try:
        result = run(backend, query=query)
    except QueryError as error:
        assert str(error)
        return
    assert result.total >= 0
    for hit in result.hits:
        assert "<script>" not in hit.snippet


@pytest.mark.parametrize("options, field", [
    ({"year": ["二〇二三"]}, "year"), ({"kind": ["annual"]}, "kind"), ({"min": "abc"}, "min"),
    ({"min": "100万", "max": "1万"}, "min"), ({"sort": "price"}, "sort"), ({"page": "0"}, "page"),
    ({"limit": "100000"}, "limit"), ({"type": ["row"]}, "type"), ({"page": "x"}, "page"),
])
def test_bad_options_name_the_option(backend, options, field):
    with pytest.raises(QueryError) as error:
        run(backend, **options)
    assert error.value.field == field


def test_every_analyzer_token_is_one_term_of_the_embedded_index(tmp_path):
    """The SQLite index takes the analyzer's tokens as they are (FTS5's ascii tokenizer
    splits only at ASCII spaces and punctuation): the terms FTS5 holds for the samples are
    exactly the tokens the analyzer wrote, none split further, none merged."""
    import sqlite3

    from analyzers.tokenizer import get_analyzer
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    backend = SQLiteIndex(tmp_path / "index.sqlite")
    report = ingest([ROOT / "data"], backend, workers=0, progress=False)
    assert report.counts()["indexed"] == 4
    backend.close()
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    connection.execute("CREATE VIRTUAL TABLE vocabulary USING fts5vocab(records_fts, 'col')")
    terms = {(column, term) for column, term in connection.execute("SELECT col, term FROM vocabulary")}
    analyzer = get_analyzer()
    written = set()
    for (text,) in connection.execute("SELECT text FROM records"):
        precise, recall = analyzer.index_text(text)
        written |= {("precise", t) for t in precise.split()} | {("recall", t) for t in recall.split()}
    assert {(c, t) for c, t in terms if c != "facets"} == written
