"""The Elasticsearch backend's pure parts, tested without a server: the index templates and
the search bodies built from analysed requests. (The behaviour against a real cluster is the
contract suite, tests/test_index_contract.py, run when DISCLOSURE_ES_URL is set.)"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from analyzers.tokenizer import get_analyzer
from indexer.index.contract import FACET_FIELDS, MAX_LIMIT, MAX_OFFSET, IndexUnavailable, SearchRequest, TextQuery
from indexer.index.elastic import (
    PRECISE_BOOST,
    RECALL_BOOST,
    TOKENS,
    TOKENS_SYNONYMS,
    ElasticIndex,
    documents_template,
    fen,
    filter_clauses,
    new_stamp,
    record_source,
    records_template,
    redact_url,
    search_body,
    sort_clause,
    swap_actions,
    synonym_rules,
    versioned_names,
    wildcard_escape,
)
from indexer.index.sqlite import TYPE_WEIGHTS, _fen
from indexer.model import Location
from indexer.records import IndexedDocument, IndexRecord
from indexer.search import SearchOptions, build_request

HOSTILE_TOKENS = ['"', '""', '"培训', "*", "培*", ":", "precise:培训", "OR", "AND", "NOT", "(", ")", "((培训费",
                  "\\", "{", "}", "{precise}", "[", "]", "^培训", "~", "/", "' OR 1=1 --", "a\\\"b", "<script>"]
QUERY_SYNTAX = {"query_string", "simple_query_string", "regexp", "fuzzy", "intervals", "script", "script_score"}


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (key path, leaf) of a JSON-like body; list positions are left out of the path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, path)
    else:
        yield path, node


def keys(node: Any) -> set[str]:
    return {k for path, _ in walk(node) for k in path}


def literal_text_values(body: dict[str, Any]) -> list[str]:
    """The strings the body matches text against: match_phrase queries only."""
    return [v for path, v in walk(body) if len(path) >= 3 and path[-3] == "match_phrase" and path[-1] == "query"]


@pytest.fixture(scope="module")
def analyzer():
    return get_analyzer()


# ------------------------------------------------------------------ hostile text stays data

@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_hostile_tokens_are_literal_phrase_values(token):
    request = SearchRequest(text=TextQuery(required=((token, "培训费"),), phrases=((token, "费"),),
                                           excluded=((token,),), highlight=(token,)))
    body = search_body(request)
    assert not keys(body) & QUERY_SYNTAX
    values = literal_text_values(body)
    assert token in values                      # a required alternative and an exclusion
    assert f"{token} 费" in values              # a phrase: its tokens, space-joined
    # Wherever the token occurs in the body, it is the query text of a match_phrase.
    for path, value in walk(body):
        if isinstance(value, str) and token in value:
            assert path[-3] == "match_phrase" and path[-1] == "query", path
    json.dumps(body)                            # and the body is plain JSON


@pytest.mark.parametrize("query", ['"', '"培训', "((培训费", "培训费)", "NEAR(培训 费)", "培训 OR 会议", "NOT 培训",
                                   "*", "培*", ":", "precise:培训", "{precise}", "\\", "^培训", "- -", "[", "{",
                                   "' OR 1=1 --", "<script>alert(1)</script>", "培训费" * 2000, "😀", "\x00"])
def test_hostile_queries_through_the_query_language(analyzer, query):
    try:
        request, _ = build_request(SearchOptions(query=query), analyzer)
    except Exception as error:  # the query language may refuse it with a message naming why
        assert str(error)
        return
    body = search_body(request)
    assert not keys(body) & QUERY_SYNTAX
    for path, value in walk(body):
        if isinstance(value, str) and path and path[-1] == "query":
            assert path[-3] == "match_phrase"


def test_required_groups_search_both_columns_with_the_sqlite_weights():
    body = search_body(SearchRequest(text=TextQuery(required=(("培训费", "培训经费"), ("公车",)))))
    scored = body["query"]["function_score"]
    must = scored["query"]["bool"]["must"]
    assert len(must) == 2
    first = must[0]["bool"]
    assert first["minimum_should_match"] == 1
    assert first["should"] == [
        {"match_phrase": {"precise": {"query": "培训费", "boost": PRECISE_BOOST}}},
        {"match_phrase": {"recall": {"query": "培训费", "boost": RECALL_BOOST}}},
        {"match_phrase": {"precise": {"query": "培训经费", "boost": PRECISE_BOOST}}},
        {"match_phrase": {"recall": {"query": "培训经费", "boost": RECALL_BOOST}}},
    ]
    weights = {f["filter"]["term"]["record_type"]: f["weight"] for f in scored["functions"]}
    assert weights == TYPE_WEIGHTS
    assert scored["boost_mode"] == "multiply"
    assert body["sort"][0] == {"_score": {"order": "desc"}}


def test_exact_phrases_match_precise_tokens_without_synonyms():
    body = search_body(SearchRequest(text=TextQuery(phrases=(("办公", "设备"),))))
    [clause] = body["query"]["function_score"]["query"]["bool"]["must"]
    assert clause == {"match_phrase": {"precise": {"query": "办公 设备", "analyzer": TOKENS, "boost": PRECISE_BOOST}}}


def test_exclusions_alone_filter_without_scoring():
    body = search_body(SearchRequest(text=TextQuery(excluded=(("购置",),)), filters={"year": ["2023"]}))
    query = body["query"]
    assert "function_score" not in query
    assert query["bool"]["must_not"] == [{"match_phrase": {"precise": {"query": "购置", "boost": PRECISE_BOOST}}},
                                         {"match_phrase": {"recall": {"query": "购置", "boost": RECALL_BOOST}}}]
    assert query["bool"]["filter"] == [{"terms": {"year": [2023]}}]
    assert body["sort"] == [{"year": {"order": "desc", "missing": "_last"}}, {"seq": {"order": "asc"}}]


def test_no_text_and_no_filters_matches_all():
    body = search_body(SearchRequest())
    assert body["query"] == {"match_all": {}}
    assert body["track_total_hits"] is True


# ------------------------------------------------------------------ amounts in fen

@pytest.mark.parametrize("yuan, expected", [(Decimal("1000000"), 100_000_000), (Decimal("761000.00"), 76_100_000),
                                            (Decimal("13954.08"), 1_395_408), (Decimal("0.005"), 0),
                                            (Decimal("0.015"), 2), (Decimal("1e15"), 10 ** 17)])
def test_amounts_are_integer_fen(yuan, expected):
    assert fen(yuan) == expected == _fen(yuan)  # rounded exactly as the SQLite backend rounds
    assert isinstance(fen(yuan), int)


def test_amount_bounds_inclusive_and_strict():
    inclusive = filter_clauses({}, min_amount=Decimal("1000000"), max_amount=Decimal("1370000"))
    assert inclusive == [{"range": {"amount_fen": {"gte": 100_000_000, "lte": 137_000_000}}}]
    strict = filter_clauses({}, min_amount=Decimal("761000"), min_inclusive=False,
                            max_amount=Decimal("1370000.5"), max_inclusive=False)
    assert strict == [{"range": {"amount_fen": {"gt": 76_100_000, "lt": 137_000_050}}}]
    only_max = filter_clauses({}, max_amount=Decimal("0.01"))
    assert only_max == [{"range": {"amount_fen": {"lte": 1}}}]


def test_amounts_from_the_query_language_reach_the_body_in_fen(analyzer):
    request, _ = build_request(SearchOptions(query="金额>76.1万 金额<=137万", min=None), analyzer)
    body = search_body(request)
    [bounds] = [v for p, v in walk(body) if p[-2:] == ("amount_fen", "gt")]
    assert bounds == 76_100_000
    assert [v for p, v in walk(body) if p[-2:] == ("amount_fen", "lte")] == [137_000_000]
    for unit in ("1000000", "100万", "100万元", "0.01亿"):
        request, _ = build_request(SearchOptions(min=unit), analyzer)
        assert search_body(request)["query"]["bool"]["filter"] == [{"range": {"amount_fen": {"gte": 100_000_000}}}]


# ------------------------------------------------------------------ filters

def test_filters_map_to_the_right_clauses():
    clauses = filter_clauses({"unit": ["晋城市", "a*b?c\\"], "region": ["山西"], "year": ["2023", "2024"],
                              "kind": ["budget"], "record_type": ["line_item"], "table_kind": ["project_expenditure"],
                              "doc_id": ["abc"], "scope": ["unit"], "county": ["云冈区"], "unknown": ["x"],
                              "city": []}, include_subtotals=False)
    unit, region, *equalities, subtotal = clauses
    assert unit == {"bool": {"should": [
        {"wildcard": {"unit": {"value": "*晋城市*", "case_insensitive": True}}},
        {"wildcard": {"unit": {"value": "*a\\*b\\?c\\\\*", "case_insensitive": True}}}], "minimum_should_match": 1}}
    assert region == {"bool": {"should": [
        {"prefix": {"province": {"value": "山西", "case_insensitive": True}}},
        {"prefix": {"city": {"value": "山西", "case_insensitive": True}}},
        {"prefix": {"county": {"value": "山西", "case_insensitive": True}}}], "minimum_should_match": 1}}
    assert equalities == [{"terms": {"year": [2023, 2024]}}, {"terms": {"kind": ["budget"]}},
                          {"terms": {"record_type": ["line_item"]}},
                          {"terms": {"table_kind": ["project_expenditure"]}}, {"terms": {"doc_id": ["abc"]}},
                          {"terms": {"scope": ["unit"]}}, {"terms": {"county": ["云冈区"]}}]
    assert subtotal == {"term": {"is_subtotal": False}}


def test_wildcard_escape_leaves_nothing_special():
    assert wildcard_escape("*?\\") == "\\*\\?\\\\"
    assert wildcard_escape("晋城市财政局") == "晋城市财政局"


def test_filters_from_the_cli_options(analyzer):
    request, _ = build_request(SearchOptions(unit=["三门峡市人民政府办公室"], type=["self_evaluation"],
                                             kind=["决算"], region=["河南"]), analyzer)
    body = search_body(request)
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"record_type": ["self_evaluation"]}} in filters
    assert {"terms": {"kind": ["final_account"]}} in filters
    assert any("wildcard" in json.dumps(c) and "三门峡市人民政府办公室" in json.dumps(c, ensure_ascii=False)
               for c in filters)


@pytest.mark.parametrize("sort, first", [
    ("amount", {"amount_fen": {"order": "asc", "missing": "_last"}}),
    ("-amount", {"amount_fen": {"order": "desc", "missing": "_last"}}),
    ("year", {"year": {"order": "desc", "missing": "_last"}}),
])
def test_sort_orders(sort, first):
    assert sort_clause(sort, scored=True)[0] == first
    assert sort_clause(sort, scored=False)[-1] == {"seq": {"order": "asc"}}


def test_paging_is_capped_and_facets_are_terms_aggregations():
    body = search_body(SearchRequest(page=10_000, limit=1000))
    assert body["size"] == MAX_LIMIT
    assert body["from"] == MAX_OFFSET
    assert set(body["aggs"]) == set(FACET_FIELDS)
    assert body["aggs"]["year"] == {"terms": {"field": "year", "size": 100,
                                              "order": [{"_count": "desc"}, {"_key": "asc"}]}}
    assert "aggs" not in search_body(SearchRequest(facets=()))
    assert body["_source"] == {"excludes": ["precise", "recall"]}


# ------------------------------------------------------------------ templates

def test_records_template_maps_amounts_as_long_and_facets_as_keyword(analyzer):
    template = records_template("disclosures", analyzer.synonym_rules())
    assert template["index_patterns"] == ["disclosures-v*"]
    mappings = template["template"]["mappings"]
    properties = mappings["properties"]
    assert mappings["dynamic"] == "strict"
    assert properties["amount_fen"] == {"type": "long"}
    assert properties["year"] == {"type": "integer"}
    for facet in ("unit", "kind", "scope", "province", "city", "county", "record_type", "table_kind", "doc_id",
                  "metric_key", "path", "content_hash"):
        assert properties[facet]["type"] == "keyword", facet
    assert not any(p.get("type") in ("double", "float", "scaled_float") for p in properties.values())
    for column in ("precise", "recall"):
        assert properties[column] == {"type": "text", "analyzer": TOKENS, "search_analyzer": TOKENS_SYNONYMS}
    assert properties["text"] == {"type": "text", "index": False}
    assert properties["location"] == properties["payload"] == {"type": "object", "enabled": False}
    settings = template["template"]["settings"]
    assert settings["index"]["max_result_window"] >= MAX_OFFSET + MAX_LIMIT
    analysis = settings["analysis"]
    assert analysis["tokenizer"]["disclosure_whitespace"]["type"] == "whitespace"
    assert analysis["analyzer"][TOKENS] == {"type": "custom", "tokenizer": "disclosure_whitespace"}
    assert analysis["analyzer"][TOKENS_SYNONYMS]["filter"] == ["disclosure_synonyms"]
    synonyms = analysis["filter"]["disclosure_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["synonyms"] == synonym_rules(analyzer.synonym_rules())
    terms = [{t.strip() for t in rule.replace("=>", ",").split(",")} for rule in synonyms["synonyms"]]
    assert any({"培训费", "培训经费", "培训支出"} <= group for group in terms)
    assert any({"公车", "公务用车"} <= group for group in terms)
    assert any(rule.startswith("水电费 => ") for rule in synonyms["synonyms"])
    # Terms are the analyzer's token forms: never empty (several tokens = a multi-word
    # synonym, which synonym_graph supports), never carrying rule syntax of their own.
    for group in terms:
        assert all(term and "#" not in term for term in group), group
    json.dumps(template)


def test_synonym_rules_drop_one_word_groups():
    assert synonym_rules(["三公经费", "a, b", "c => c, d", " "]) == ["a, b", "c => c, d"]


def test_documents_template_stores_the_parse_without_indexing_it():
    template = documents_template("disclosures")
    assert template["index_patterns"] == ["disclosures-documents-v*"]
    properties = template["template"]["mappings"]["properties"]
    assert properties["parse_json"] == {"type": "object", "enabled": False}
    assert properties["content_hash"]["type"] == properties["path"]["type"] == "keyword"
    assert properties["year"] == {"type": "integer"}
    assert properties["complete"] == {"type": "boolean"}


def test_versioned_names_do_not_match_each_others_templates():
    records, documents = versioned_names("disclosures", "20240101000000000000")
    assert records == "disclosures-v20240101000000000000"
    assert documents == "disclosures-documents-v20240101000000000000"
    assert not documents.startswith("disclosures-v")


def test_a_rebuild_swaps_both_aliases_and_drops_the_old_version_in_one_request():
    stamp = new_stamp()
    assert stamp.isdigit() and len(stamp) == 20
    records, documents = versioned_names("disclosures", stamp)
    old = {"disclosures-v20240101000000000000", "disclosures-documents-v20240101000000000000"}
    assert swap_actions("disclosures", records, documents, old) == [
        {"add": {"index": records, "alias": "disclosures"}},
        {"add": {"index": documents, "alias": "disclosures-documents"}},
        {"remove_index": {"index": "disclosures-documents-v20240101000000000000"}},
        {"remove_index": {"index": "disclosures-v20240101000000000000"}},
    ]


def test_record_source_fits_the_strict_mapping(analyzer):
    document = IndexedDocument(doc_id="d1", content_hash="h" * 64, path="data/x.txt", unit="晋城市财政局",
                               year=2024, kind="budget", scope="unit", province="山西省", city="晋城市", county=None,
                               title="t")
    record = IndexRecord(record_id="d1:line_item:0", doc_id="d1", record_type="line_item", name="培训费",
                         text="培训费 30201", amount_yuan=Decimal("13954.08"), table_kind="basic_expenditure",
                         location=Location(page=3, table="表"), payload={"amounts_yuan": {"合计": 13954.08}})
    source = record_source(document, record, analyzer.index_text(record.text), seq=7, generation=5)
    assert source["amount_fen"] == 1_395_408
    assert source["location"] == {"page": 3, "table": "表"}
    mapped = set(records_template("x", [])["template"]["mappings"]["properties"])
    assert set(source) <= mapped
    assert source["precise"].split() == analyzer.cut(record.text)


# ------------------------------------------------------------------ connection failures

def test_unreachable_server_raises_index_unavailable_quickly():
    started = time.monotonic()
    with pytest.raises(IndexUnavailable) as error:
        ElasticIndex("http://127.0.0.1:9", "test-unreachable", connect_timeout=2, timeout=2, max_retries=0)
    assert time.monotonic() - started < 10
    message = str(error.value)
    assert "无法连接 Elasticsearch" in message and "unreachable" in message
    assert "http://127.0.0.1:9" in message and "DISCLOSURE_ES_URL" in message


def test_invalid_index_name_is_refused_before_connecting():
    with pytest.raises(IndexUnavailable, match="invalid Elasticsearch index name"):
        ElasticIndex("http://127.0.0.1:9", "Bad Name*")


def test_messages_never_show_credentials():
    assert redact_url("http://elastic:secret@es.example:9200/") == "http://es.example:9200/"
    assert redact_url("http://localhost:9200") == "http://localhost:9200"
