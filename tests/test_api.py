"""The JSON API, the CSV/XLSX exports and the Atom feed, through the Flask test client on
the real sample index (tests/conftest.py): no mocks."""
from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from indexer.index.contract import FACET_FIELDS, MAX_LIMIT, SORTS
from indexer.parsers.catalog import KIND_BY_KEY
from indexer.records import RECORD_TYPES
from webapp.params import MONEY_UNITS
from webapp.views.api import openapi_path
from webapp.views.exports import COLUMNS, safe_text

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
HIT_KEYS = {"record_type", "doc_id", "unit", "year", "kind", "title", "name", "table_kind", "group",
            "is_subtotal", "amount_yuan", "snippet", "location"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json", url
    return response.get_json()


@pytest.fixture(scope="module")
def openapi(app):
    return get_json(app.test_client(), "/api/openapi.json")


def schema_validator(openapi, name):
    jsonschema = pytest.importorskip("jsonschema")
    schema = {"$ref": f"#/components/schemas/{name}", "components": openapi["components"]}
    return jsonschema.Draft202012Validator(schema)


def is_amount(value):
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


# ------------------------------------------------------------------ /api/search: contract


def test_search_contract_keys_and_types(client, openapi):
    body = get_json(client, "/api/search?q=培训费")
    assert {"total", "hits", "facets", "query", "page", "limit", "pages", "links"} <= set(body)
    assert isinstance(body["total"], int) and body["total"] > 0
    assert body["page"] == 1 and body["limit"] == 20
    assert body["query"] == "培训费"
    assert body["hits"]
    for hit in body["hits"]:
        assert HIT_KEYS <= set(hit)
        assert hit["record_type"] in RECORD_TYPES
        assert is_amount(hit["amount_yuan"]), hit
        assert hit["year"] is None or isinstance(hit["year"], int)
        assert isinstance(hit["is_subtotal"], bool)
        assert isinstance(hit["location"], dict)
        assert hit["url"].startswith("http://localhost/documents/" + hit["doc_id"])
    assert any(isinstance(h["amount_yuan"], (int, float)) for h in body["hits"])
    errors = list(schema_validator(openapi, "SearchResponse").iter_errors(body))
    assert not errors, errors[:3]


def test_search_matches_the_search_service(client, sample_index):
    """The API is the CLI's search: same total, same hits in the same order, same amounts."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.search import SearchOptions, search

    backend = SQLiteIndex(sample_index, readonly=True)
    try:
        expected = search(backend, SearchOptions(query="培训费", limit=50)).to_json()
    finally:
        backend.close()
    body = get_json(client, "/api/search?q=培训费&limit=50")
    assert body["total"] == expected["total"]
    assert body["facets"] == expected["facets"]
    assert [(h["record_id"], h["amount_yuan"]) for h in body["hits"]] == \
           [(h["record_id"], h["amount_yuan"]) for h in expected["hits"]]


def test_amounts_are_numbers_in_the_raw_json(client):
    text = client.get("/api/search?q=培训费&type=line_item").get_data(as_text=True)
    assert '"amount_yuan":250000' in text.replace(" ", "")
    assert not re.search(r'"amount_yuan":\s*"', text)


def test_links_to_the_source_views(client):
    body = get_json(client, "/api/search?q=市政府办培训费&type=line_item")
    hit = next(h for h in body["hits"] if h["name"] == "市政府办培训费")
    url = urlsplit(hit["url"])
    assert re.fullmatch(rf"/documents/{hit['doc_id']}/tables/\d+", url.path)
    assert parse_qs(url.query)["row"] == [str(hit["location"]["row"])]
    n = int(url.path.rsplit("/", 1)[1])
    table = get_json(client, f"/api/documents/{hit['doc_id']}/tables/{n}")
    assert table["table"]["title"] == hit["location"]["table"]
    assert any(row and row[0] == "市政府办培训费" for row in table["table"]["rows"])

    form = next(h for h in get_json(client, "/api/search?q=培训&type=form")["hits"])
    assert re.search(r"/forms/\d+$", urlsplit(form["url"]).path)
    section = get_json(client, "/api/search?q=培训费&type=section")["hits"][0]
    assert re.search(r"/sections/\d+$", urlsplit(section["url"]).path)


# ------------------------------------------------------------------ /api/search: every parameter


def all_hits(client, query):
    body = get_json(client, f"/api/search?{query}&limit={MAX_LIMIT}")
    assert body["total"] <= MAX_LIMIT, "narrow the test query"
    return body


def test_unit_filter(client):
    body = all_hits(client, "q=培训费&unit=晋城市财政局")
    assert body["total"] > 0 and {h["unit"] for h in body["hits"]} == {"晋城市财政局"}
    both = get_json(client, "/api/search?q=培训费&unit=晋城市财政局&unit=三门峡")
    assert both["total"] > body["total"]
    assert set(both["facets"]["unit"]) == {"晋城市财政局", "三门峡市人民政府办公室"}


@pytest.mark.parametrize("value", ["2024", "2024年"])
def test_year_filter(client, value):
    body = all_hits(client, f"q=培训费&year={value}")
    assert body["total"] > 0 and {h["year"] for h in body["hits"]} == {2024}


@pytest.mark.parametrize("value, expected", [("budget", "budget"), ("预算", "budget"),
                                             ("final_account", "final_account"), ("决算", "final_account")])
def test_kind_filter(client, value, expected):
    body = all_hits(client, f"q=培训费&kind={value}")
    assert body["total"] > 0 and {h["kind"] for h in body["hits"]} == {expected}


@pytest.mark.parametrize("value, expected", [("line_item", "line_item"), ("表内行", "line_item"),
                                             ("form", "form"), ("section", "section")])
def test_type_filter(client, value, expected):
    body = all_hits(client, f"q=培训&type={value}")
    assert body["total"] > 0 and {h["record_type"] for h in body["hits"]} == {expected}


@pytest.mark.parametrize("value", ["project_expenditure", KIND_BY_KEY["project_expenditure"].title])
def test_table_kind_filter(client, value):
    body = all_hits(client, f"q=培训&table_kind={value}")
    assert body["total"] > 0 and {h["table_kind"] for h in body["hits"]} == {"project_expenditure"}


def test_region_filter(client):
    body = all_hits(client, "q=培训费&region=晋城")
    assert body["total"] > 0
    assert set(body["facets"]["city"]) == {"晋城市"}
    assert {h["unit"] for h in body["hits"]} <= {"晋城市财政局", "晋城市人民政府办公室"}
    province = get_json(client, "/api/search?q=培训费&region=河南")
    assert set(province["facets"]["province"]) == {"河南省"}


@pytest.mark.parametrize("query, low, high", [
    ("min=20&unit_money=万元", 200_000, None),
    ("min=20", 200_000, None),  # 万元 is the default selector
    ("min=200000&unit_money=元", 200_000, None),
    ("min=0.002&unit_money=亿元", 200_000, None),
    ("min=20万", 200_000, None),
    ("max=1万", None, 10_000),
    ("min=1万&max=30万", 10_000, 300_000),
])
def test_amount_filters(client, query, low, high):
    body = all_hits(client, f"q=培训&{query}")
    assert body["total"] > 0
    for hit in body["hits"]:
        assert hit["amount_yuan"] is not None
        assert low is None or hit["amount_yuan"] >= low
        assert high is None or hit["amount_yuan"] <= high
    assert "金额" in body["query"]


def test_sort(client):
    amounts = [h["amount_yuan"] for h in get_json(client, "/api/search?q=培训&sort=amount&limit=100")["hits"]]
    present = [a for a in amounts if a is not None]
    assert present == sorted(present) and amounts[:len(present)] == present
    down = [h["amount_yuan"] for h in get_json(client, "/api/search?q=培训&sort=-amount&limit=100")["hits"]]
    present = [a for a in down if a is not None]
    assert present == sorted(present, reverse=True)
    years = [h["year"] for h in get_json(client, "/api/search?q=培训&sort=year&limit=100")["hits"]]
    assert years == sorted(years, reverse=True)
    relevance = get_json(client, "/api/search?q=培训&sort=relevance")
    assert relevance["sort"] == "relevance"


def test_query_language_and_description(client):
    body = get_json(client, "/api/search?q=项目支出≥20万 年度:2023")
    assert body["total"] > 0
    assert all(h["year"] == 2023 and h["amount_yuan"] >= 200_000 for h in body["hits"])
    assert "年度 2023" in body["query"] and "金额" in body["query"]
    described = get_json(client, "/api/search?q=培训费&year=2023&kind=budget&type=line_item")["query"]
    assert "年度 2023" in described and "预算" in described and "表内行" in described


def test_filters_only_and_empty_query(client):
    assert get_json(client, "/api/search?unit=晋城市财政局")["total"] > 0
    everything = get_json(client, "/api/search")
    assert everything["total"] > 500 and everything["query"] == ""


def test_unknown_parameters_are_ignored(client):
    plain = get_json(client, "/api/search?q=培训费")
    noisy = get_json(client, "/api/search?q=培训费&foo=bar&utm_source=x&page_size=3&callback=alert")
    assert noisy["total"] == plain["total"] and noisy["hits"] == plain["hits"]
    assert "foo" not in noisy["links"]["next"] and "callback" not in noisy["links"]["self"]


# ------------------------------------------------------------------ bad parameters → 400


BAD = [
    ("year=abc", "year"), ("year=1800", "year"), ("kind=预决算", "kind"), ("type=表", "type"),
    ("table_kind=nosuchtable", "table_kind"), ("min=abc", "min"), ("max=一些", "max"),
    ("min=100万&max=1万", "min"), ("min=-5", "min"), ("unit_money=美元", "unit_money"),
    ("sort=price", "sort"), ("sort=", None), ("page=0", "page"), ("page=abc", "page"),
    ("page=1000000", "page"), ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"),
    ("q=" + "培" * 501, "q"), ("q=金额>abc", "q"), ("q=年度:abc", "q"), ("q=类型:xx", "q"),
    ("q=金额>100万 金额<1万", "q"), ("q=-年度:2023", "q"),
    ("&".join(["unit=a"] * 21), "unit"), ("region=" + "x" * 501, "region"),
]


@pytest.mark.parametrize("query, parameter", [b for b in BAD if b[1]],
                         ids=[b[0][:24] for b in BAD if b[1]])
@pytest.mark.parametrize("path", ["/api/search", "/search.csv", "/search.xlsx", "/search.atom"])
def test_bad_parameters_are_400_naming_the_parameter(client, path, query, parameter):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, (path, query, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= {"error", "parameter"}
    assert body["parameter"] == parameter
    assert CJK.search(body["error"]), body
    if parameter == "q" and len(query) < 100:
        assert body.get("field"), body  # which part of the query language


def test_empty_values_mean_defaults(client):
    plain = get_json(client, "/api/search?q=培训费")
    blank = get_json(client, "/api/search?q=培训费&sort=&page=&limit=&unit_money=&min=&max=&year=&kind=")
    assert blank["total"] == plain["total"] and blank["page"] == 1 and blank["limit"] == 20


def test_too_long_query_string_is_400(client):
    body = get_json(client, "/api/search?q=培训费&" + "&".join(f"x{i}=" + "y" * 300 for i in range(20)), 400)
    assert body["parameter"].startswith("x")


WEIRD = [
    "q=%00%01%02", "q=%ff%fe", "q=<script>alert(1)</script>", "q=\"", "q=“", "q=-", "q=---", "q=金额",
    "q=金额:", "q=金额>=", "q=单位:", "q=*", "q=培训费 OR 1=1", "q=%E2%80%AE", "q=%ED%A0%80",
    "q=' OR '1'='1", "q=NEAR(a b)", "q=a:b:c", "q=1e999万", "q=金额>1e20", "min=1e999", "min=NaN",
    "min=inf", "max=%00", "unit=%25", "unit=_", "unit=\\", "region=%", "year=99999999999999999999",
    "page=-1", "limit=-5", "page=1.5", "page=%EF%BC%92", "limit=1e2", "sort=-", "kind=", "type=%00",
    "table_kind=%00", "q=表:", "q=记录:项目|表格", "q=年度:2023-2021", "q=年度:2023|abc",
]


@pytest.mark.parametrize("query", WEIRD)
def test_never_a_500(client, query):
    for path in ("/api/search", "/api/documents", "/search.csv", "/search.atom"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)
        if response.status_code == 400:
            assert response.get_json()["parameter"]


# ------------------------------------------------------------------ facets and paging


def test_facets(client):
    body = get_json(client, "/api/search?q=培训费")
    assert set(body["facets"]) <= set(FACET_FIELDS)
    assert sum(body["facets"]["record_type"].values()) == body["total"]
    assert sum(body["facets"]["year"].values()) == body["total"]
    for field, values in body["facets"].items():
        assert all(isinstance(v, int) and v > 0 for v in values.values()), field
    year, count = next(iter(body["facets"]["year"].items()))
    assert get_json(client, f"/api/search?q=培训费&year={year}")["total"] == count
    kind, count = next(iter(body["facets"]["kind"].items()))
    narrowed = get_json(client, f"/api/search?q=培训费&kind={kind}&year={year}")
    assert narrowed["total"] <= count
    assert set(narrowed["facets"]["kind"]) == {kind}


@pytest.fixture(scope="module")
def bounded(sample_index):
    """The sample index opened with a tiny exact_limit: common words (经费) are counted over
    a sample, as very common words are at scale."""
    from indexer.index.sqlite import SQLiteIndex
    from webapp import create_app

    backend = SQLiteIndex(sample_index, readonly=True, exact_limit=40, sample_size=160)
    yield create_app(backend=backend, config={"TESTING": True}).test_client()
    backend.close()


def test_bounded_counts_pass_through(client, bounded, openapi):
    validator = schema_validator(openapi, "SearchResponse")
    exact = get_json(client, "/api/search?q=经费")
    assert exact["total_exact"] is True and exact["facets_sample"] is None
    estimated = get_json(bounded, "/api/search?q=经费")
    assert estimated["total_exact"] is False
    assert isinstance(estimated["facets_sample"], int) and estimated["facets_sample"] > 0
    for body in (exact, estimated):
        errors = list(validator.iter_errors(body))
        assert not errors, errors[:3]


def test_export_of_an_estimated_result_set_has_every_row(client, bounded):
    """Relevance ranks only a sample when the total is an estimate, so the download pages in
    year order instead, and gets every row (not just the sample's)."""
    exact_total = get_json(client, "/api/search?q=经费")["total"]
    response = bounded.get("/search.csv?q=经费")
    assert response.headers["X-Export-Total-Exact"] == "false"
    assert response.headers["X-Export-Sort"] == "year"
    rows = read_csv(response)
    assert len(rows) - 1 == exact_total
    assert len({tuple(r) for r in rows[1:]}) == exact_total
    years = [int(r[COLUMNS.index("年度")]) for r in rows[1:]]
    assert years == sorted(years, reverse=True)
    plain = client.get("/search.csv?q=经费")
    assert plain.headers["X-Export-Total-Exact"] == "true" and plain.headers["X-Export-Sort"] == "relevance"
    assert bounded.get("/search.csv?q=经费&sort=-amount").headers["X-Export-Sort"] == "-amount"


def test_paging_links_walk_the_result_set(client):
    first = get_json(client, "/api/search?q=培训费&limit=5")
    total = first["total"]
    assert first["pages"] == math.ceil(total / 5)
    assert first["links"]["prev"] is None and first["links"]["first"] == first["links"]["self"]
    seen, body, pages = [], first, 0
    while True:
        pages += 1
        seen += [h["record_id"] for h in body["hits"]]
        if body["links"]["next"] is None:
            break
        url = urlsplit(body["links"]["next"])
        assert url.path == "/api/search"
        body = get_json(client, f"{url.path}?{url.query}")
        assert urlsplit(body["links"]["prev"]).query
    assert pages == first["pages"] and body["page"] == first["pages"]
    assert len(seen) == total == len(set(seen))
    assert body["links"]["last"] == body["links"]["self"]
    query = parse_qs(urlsplit(first["links"]["next"]).query)
    assert query == {"q": ["培训费"], "limit": ["5"], "page": ["2"]}
    for name in ("csv", "xlsx", "atom"):
        assert "page" not in parse_qs(urlsplit(first["links"][name]).query)
    assert urlsplit(first["links"]["html"]).path == "/search"


def test_page_past_the_end_is_empty_not_an_error(client):
    body = get_json(client, "/api/search?q=培训费&page=50")
    assert body["hits"] == [] and body["links"]["next"] is None and body["total"] > 0


# ------------------------------------------------------------------ documents


def test_documents_list(client, openapi):
    body = get_json(client, "/api/documents")
    assert body["total"] == len(body["documents"]) == 4
    for document in body["documents"]:
        assert {"doc_id", "unit", "year", "kind", "scope", "province", "city", "county", "title",
                "warning_count", "url"} <= set(document)
        assert isinstance(document["warning_count"], int) and isinstance(document["year"], int)
        assert "parse_json" not in document and "path" not in document
        assert document["url"] == f"http://localhost/documents/{document['doc_id']}"
    assert any(d["county"] is None for d in body["documents"])
    assert not list(schema_validator(openapi, "DocumentList").iter_errors(body))


@pytest.mark.parametrize("query, expected", [
    ("unit=晋城", {"晋城市财政局", "晋城市人民政府办公室"}),
    ("unit=晋城市财政局", {"晋城市财政局"}),
    ("year=2024", {"晋城市财政局"}),
    ("kind=final_account", {"三门峡市人民政府办公室"}),
    ("kind=决算", {"三门峡市人民政府办公室"}),
    ("kind=预算&year=2023", {"晋城市人民政府办公室", "大同市云冈区人民政府办公室"}),
    ("region=晋城", {"晋城市财政局", "晋城市人民政府办公室"}),
    ("region=云冈", {"大同市云冈区人民政府办公室"}),
    ("region=山西&year=2023", {"晋城市人民政府办公室", "大同市云冈区人民政府办公室"}),
    ("year=2020", set()),
    ("foo=bar", {"晋城市财政局", "晋城市人民政府办公室", "三门峡市人民政府办公室", "大同市云冈区人民政府办公室"}),
])
def test_documents_filters(client, query, expected):
    body = get_json(client, f"/api/documents?{query}")
    assert {d["unit"] for d in body["documents"]} == expected


@pytest.mark.parametrize("query, parameter", [("year=abc", "year"), ("year=3000", "year"), ("kind=x", "kind"),
                                              ("&".join(["unit=a"] * 21), "unit")])
def test_documents_bad_parameters(client, query, parameter):
    assert get_json(client, f"/api/documents?{query}", 400)["parameter"] == parameter


@pytest.fixture(scope="module")
def jincheng(app):
    documents = get_json(app.test_client(), "/api/documents?unit=晋城市人民政府办公室")["documents"]
    assert len(documents) == 1
    return documents[0]["doc_id"]


def test_document_detail_is_the_parse_contract(client, openapi, jincheng):
    body = get_json(client, f"/api/documents/{jincheng}")
    for key in ("document", "sections", "tables", "line_items", "forms", "self_evaluations", "metrics", "warnings"):
        assert key in body, key
    assert body["doc_id"] == jincheng
    assert body["document"]["unit"] == "晋城市人民政府办公室" and body["document"]["year"] == 2023
    assert body["metadata"]["doc_id"] == jincheng and "path" not in body["metadata"]
    assert body["tables"] and body["forms"] and body["line_items"]
    for item in body["line_items"]:
        assert is_amount(item["amount_yuan"])
        assert all(is_amount(v) for v in item["amounts_yuan"].values())
    for form in body["forms"]:
        assert is_amount(form["annual_funds_yuan"]) and is_amount(form["total_funds_yuan"])
    assert all(isinstance(m["value"], (int, float)) for m in body["metrics"])
    assert not list(schema_validator(openapi, "DocumentDetail").iter_errors(body))


def test_document_matches_the_parser(client, jincheng):
    """The stored contract is exactly what `disclosure parse --json` prints."""
    from indexer.parsers.document import parse_file

    parsed = parse_file(ROOT / "data" / "2023-budget-jincheng-city-government-office.txt").to_json()
    body = get_json(client, f"/api/documents/{jincheng}")
    assert body["tables"] == parsed["tables"]
    assert body["line_items"] == parsed["line_items"]


def test_table_and_form(client, openapi, jincheng):
    detail = get_json(client, f"/api/documents/{jincheng}")
    for n in (0, len(detail["tables"]) - 1):
        body = get_json(client, f"/api/documents/{jincheng}/tables/{n}")
        assert body["index"] == n and body["count"] == len(detail["tables"])
        assert body["table"] == detail["tables"][n]
        assert body["document"]["unit"] == "晋城市人民政府办公室"
        assert body["url"].endswith(f"/documents/{jincheng}/tables/{n}")
        assert not list(schema_validator(openapi, "TableResponse").iter_errors(body))
    body = get_json(client, f"/api/documents/{jincheng}/forms/0")
    assert body["form"] == detail["forms"][0] and body["count"] == len(detail["forms"])
    assert is_amount(body["form"]["annual_funds_yuan"])
    assert body["form"]["indicators"]
    assert not list(schema_validator(openapi, "FormResponse").iter_errors(body))


@pytest.mark.parametrize("path, parameter", [
    ("/api/documents/0000000000000000", "doc_id"),
    ("/api/documents/nope/tables/0", "doc_id"),
    ("/api/documents/nope/forms/0", "doc_id"),
    ("/api/documents/" + "x" * 300, "doc_id"),
    ("/api/documents/%27%20OR%201=1--", "doc_id"),
    ("/api/documents/{jincheng}/tables/999", "n"),
    ("/api/documents/{jincheng}/forms/999", "n"),
])
def test_not_found_is_json_404(client, jincheng, path, parameter):
    body = get_json(client, path.format(jincheng=jincheng), 404)
    assert body["parameter"] == parameter and CJK.search(body["error"])


# ------------------------------------------------------------------ OpenAPI


def test_openapi_is_valid(openapi):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(openapi)
    assert openapi["openapi"].startswith("3.1")


def test_openapi_documents_every_route(app, openapi):
    """Walks the URL map: every /api/ route and every export (search, comparison) is in the document,
    with each of its methods and path parameters."""
    exports = ("/search.csv", "/search.xlsx", "/search.atom", "/compare.csv", "/compare.xlsx")
    wanted = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/") or rule.rule in exports]
    assert {r.rule for r in wanted} >= {"/api/search", "/api/documents", "/api/openapi.json", "/api/ask",
                                        "/api/compare", *exports}
    for rule in wanted:
        path = openapi_path(rule.rule)
        assert path in openapi["paths"], f"{rule.rule} is not in /api/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = openapi["paths"][path].get(method.lower())
            assert operation, f"{method} {rule.rule} is not documented"
            declared = {resolve(openapi, p)["name"] for p in operation.get("parameters", [])
                        if resolve(openapi, p)["in"] == "path"}
            assert declared == set(rule.arguments), rule.rule
            assert "200" in operation["responses"]
    documented = set(openapi["paths"])
    routed = {openapi_path(r.rule) for r in wanted}
    assert documented == routed, documented ^ routed


def resolve(openapi, item):
    if "$ref" in item:
        node = openapi
        for part in item["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return node
    return item


def test_openapi_parameters_and_enums(openapi):
    parameters = openapi["components"]["parameters"]
    search = {resolve(openapi, p)["name"] for p in openapi["paths"]["/api/search"]["get"]["parameters"]}
    assert search == {"q", "unit", "year", "kind", "type", "table_kind", "region", "min", "max", "unit_money",
                      "sort", "page", "limit"}
    for path in ("/search.csv", "/search.xlsx", "/search.atom"):
        names = {resolve(openapi, p)["name"] for p in openapi["paths"][path]["get"]["parameters"]}
        assert names == search - {"page", "limit"}
    assert parameters["sort"]["schema"]["enum"] == list(SORTS)
    assert parameters["unit_money"]["schema"]["enum"] == list(MONEY_UNITS)
    assert set(parameters["table_kind"]["schema"]["items"]["enum"]) == set(KIND_BY_KEY)
    assert {"budget", "final_account"} <= set(parameters["kind"]["schema"]["items"]["enum"])
    assert set(RECORD_TYPES) <= set(parameters["type"]["schema"]["items"]["enum"])
    assert parameters["limit"]["schema"]["maximum"] == MAX_LIMIT
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "parameter"}
    for path, item in openapi["paths"].items():
        responses = item["get"]["responses"]
        if path != "/api/openapi.json":
            assert "400" in responses, path
        if "{" in path:
            assert "404" in responses, path


def test_error_bodies_match_the_error_schema(client, openapi):
    validator = schema_validator(openapi, "Error")
    for url in ("/api/search?year=x", "/api/documents/nope", "/search.csv?sort=x"):
        assert not list(validator.iter_errors(client.get(url).get_json())), url


# ------------------------------------------------------------------ CSV


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def wan_of(yuan: str) -> str:
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def test_csv_is_the_whole_result_set(client):
    total = get_json(client, "/api/search?q=培训费")["total"]
    assert total > 20  # more than one page of the search page
    response = client.get("/search.csv?q=培训费")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Export-Truncated"] == "false"
    assert response.headers["X-Export-Total"] == str(total)
    rows = read_csv(response)
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == total
    assert all(len(row) == len(COLUMNS) for row in rows)
    yuan, wan = COLUMNS.index("金额（元）"), COLUMNS.index("金额（万元）")
    with_amounts = [row for row in rows[1:] if row[yuan]]
    assert with_amounts
    for row in with_amounts:
        assert row[wan] == wan_of(row[yuan])
        assert re.fullmatch(r"\d+\.\d\d", row[wan])
    assert all(row[wan] == "" for row in rows[1:] if not row[yuan])
    assert {row[COLUMNS.index("类型")] for row in rows[1:]} <= {"预算", "决算"}
    assert {row[COLUMNS.index("记录类型")] for row in rows[1:]} <= {"章节", "报表", "表内行", "绩效目标表", "绩效自评", "关键指标"}
    for row in rows[1:]:
        assert row[COLUMNS.index("链接")].startswith("http://localhost/documents/" + row[COLUMNS.index("文档ID")])
    training = next(row for row in rows if row[COLUMNS.index("名称")] == "市政府办培训费")
    assert training[yuan] == "250000" and training[wan] == "25.00"
    assert "表内第" in training[COLUMNS.index("来源位置")]
    assert training[COLUMNS.index("报表")] == "2023年项目支出预算表（本年预算）"


def test_csv_follows_the_search_and_ignores_paging(client):
    rows = read_csv(client.get("/search.csv?q=培训费&page=3&limit=5&sort=-amount&foo=1"))
    assert len(rows) - 1 == get_json(client, "/api/search?q=培训费")["total"]
    yuan = COLUMNS.index("金额（元）")
    amounts = [Decimal(r[yuan]) for r in rows[1:] if r[yuan]]
    assert amounts == sorted(amounts, reverse=True)
    narrowed = read_csv(client.get("/search.csv?q=培训费&region=晋城&type=line_item"))
    assert len(narrowed) - 1 == get_json(client, "/api/search?q=培训费&region=晋城&type=line_item")["total"]
    assert {r[0] for r in narrowed[1:]} <= {"晋城市财政局", "晋城市人民政府办公室"}


def test_csv_pages_through_the_backend(client):
    """More rows than one backend call returns (MAX_LIMIT): all of them, none twice."""
    total = get_json(client, "/api/search?type=line_item")["total"]
    assert total > 2 * MAX_LIMIT
    rows = read_csv(client.get("/search.csv?type=line_item"))
    assert len(rows) - 1 == total
    assert len({tuple(r) for r in rows[1:]}) > total * 0.9


def test_csv_filename(client):
    disposition = client.get("/search.csv?q=培训费").headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    match = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    name = unquote(match.group(1))
    assert re.fullmatch(r"disclosure-search-培训费-\d{4}-\d\d-\d\d\.csv", name)
    fallback = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert fallback.isascii() and fallback.endswith(".csv")
    odd = client.get('/search.csv?q=a/b\\c"d').headers["Content-Disposition"]
    assert "/" not in unquote(re.search(r"filename\*=UTF-8''(\S+)", odd).group(1))


def test_csv_of_nothing_is_a_header(client):
    response = client.get("/search.csv?q=没有这种支出的名称xyz")
    assert response.status_code == 200 and response.headers["X-Export-Total"] == "0"
    assert read_csv(response) == [list(COLUMNS)]


def test_formula_injection_guard():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "\t=1"):
        assert safe_text(dangerous) == "'" + dangerous
    for harmless in ("培训费", "1+1", "", None, "a=b"):
        assert safe_text(harmless) == ("" if harmless is None else harmless)


@pytest.fixture(scope="module")
def dangerous_app(tmp_path_factory):
    """A disclosure whose row names start with = and @, indexed for real."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest
    from webapp import create_app

    folder = tmp_path_factory.mktemp("dangerous")
    text = (ROOT / "data" / "2023-budget-jincheng-city-government-office.txt").read_text(encoding="utf-8")
    text = text.replace("| 市政府办培训费 | 25.00", "| =市政府办培训费 | 25.00", 1)
    text = text.replace("| 市委市政府督查办培训经费 |", "| @市委市政府督查办培训经费 |", 1)
    (folder / "2023-budget-dangerous.txt").write_text(text, encoding="utf-8")
    backend = SQLiteIndex(folder / "index.sqlite")
    assert ingest([folder / "2023-budget-dangerous.txt"], backend, workers=1, progress=False).counts()["indexed"] == 1
    backend.close()
    app = create_app(folder / "index.sqlite")
    app.config.update(TESTING=True)
    return app


def test_formula_injection_guard_in_csv_and_xlsx(dangerous_app):
    client = dangerous_app.test_client()
    rows = read_csv(client.get("/search.csv?q=培训费&type=line_item"))
    names = [row[COLUMNS.index("名称")] for row in rows[1:]]
    assert "'=市政府办培训费" in names and "'@市委市政府督查办培训经费" in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert not any(cell.startswith("-") for row in rows for cell in row)

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client.get("/search.xlsx?q=培训费&type=line_item").data))
    sheet = book["检索结果"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'=市政府办培训费" in [c.value for c in cells]
    assert not any(c.data_type == "f" for c in cells)


# ------------------------------------------------------------------ XLSX


def test_xlsx_reads_back(client):
    pd = pytest.importorskip("pandas")
    import openpyxl

    total = get_json(client, "/api/search?q=培训费")["total"]
    response = client.get("/search.xlsx?q=培训费")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["X-Export-Truncated"] == "false"
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", response.headers["Content-Disposition"]).group(1))
    assert re.fullmatch(r"disclosure-search-培训费-\d{4}-\d\d-\d\d\.xlsx", name)

    frame = pd.read_excel(io.BytesIO(response.data), sheet_name="检索结果", engine="openpyxl")
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == total
    yuan, wan = frame["金额（元）"], frame["金额（万元）"]
    assert pd.api.types.is_numeric_dtype(yuan) and pd.api.types.is_numeric_dtype(wan)
    present = yuan.notna()
    assert present.any() and (wan[present] == (yuan[present] / 10000).round(2)).all()
    assert wan[~present].isna().all()
    assert set(frame["年度"].dropna().astype(int)) <= {2023, 2024}
    training = frame[frame["名称"] == "市政府办培训费"].iloc[0]
    assert training["金额（元）"] == 250000 and training["金额（万元）"] == 25.0
    csv_rows = read_csv(client.get("/search.csv?q=培训费"))
    assert list(frame["名称"]) == [r[COLUMNS.index("名称")] for r in csv_rows[1:]]

    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["检索结果"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["E"].width > 10
    wan_cell = sheet.cell(row=2, column=COLUMNS.index("金额（万元）") + 1)
    assert "0.00" in wan_cell.number_format
    about = dict(pd.read_excel(io.BytesIO(response.data), sheet_name="检索条件").values.tolist())
    assert about["检索"] == "培训费" and about["是否截断"] == "否" and int(about["结果总数"]) == total


# ------------------------------------------------------------------ the export limit


@pytest.fixture(scope="module")
def limited(sample_index):
    from webapp import create_app

    app = create_app(sample_index, config={"EXPORT_LIMIT": 5, "TESTING": True})
    return app.test_client()


def test_export_limit_truncates_csv(limited):
    response = limited.get("/search.csv?q=培训费")
    assert response.headers["X-Export-Truncated"] == "true"
    assert response.headers["X-Export-Rows"] == "5"
    rows = read_csv(response)
    assert len(rows) == 1 + 5
    assert all(len(r) == len(COLUMNS) for r in rows)  # no note row: the sheet stays a table
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", response.headers["Content-Disposition"]).group(1))
    assert name.endswith("-前5条.csv")
    assert "first5" in re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


def test_export_limit_truncates_xlsx(limited):
    pd = pytest.importorskip("pandas")
    response = limited.get("/search.xlsx?q=培训费")
    assert response.headers["X-Export-Truncated"] == "true"
    assert len(pd.read_excel(io.BytesIO(response.data), sheet_name="检索结果")) == 5
    about = dict(pd.read_excel(io.BytesIO(response.data), sheet_name="检索条件").values.tolist())
    assert about["是否截断"].startswith("是")


def test_export_limit_not_reached(limited):
    response = limited.get("/search.csv?q=培训费&unit=大同")
    assert int(response.headers["X-Export-Total"]) <= 5
    assert response.headers["X-Export-Truncated"] == "false"
    assert "前5条" not in unquote(response.headers["Content-Disposition"])


def test_export_limit_across_backend_pages(sample_index):
    from webapp import create_app

    client = create_app(sample_index, config={"EXPORT_LIMIT": MAX_LIMIT + 50, "TESTING": True}).test_client()
    response = client.get("/search.csv?type=line_item")
    assert response.headers["X-Export-Truncated"] == "true"
    assert len(read_csv(response)) - 1 == MAX_LIMIT + 50


# ------------------------------------------------------------------ Atom


def read_feed(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root


def entries_of(root):
    out = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        out.append({
            "title": entry.findtext(f"{ATOM}title"), "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"), "href": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
        })
    return out


def test_atom_feed_for_a_journalist(client):
    """培训费 in 晋城市: one entry per 晋城 document that mentions it."""
    root = read_feed(client.get("/search.atom?q=培训费&region=晋城"))
    assert "培训费" in root.findtext(f"{ATOM}title") and "晋城" in root.findtext(f"{ATOM}title")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert urlsplit(links["self"]).path == "/search.atom"
    assert parse_qs(urlsplit(links["self"]).query) == {"q": ["培训费"], "region": ["晋城"]}
    assert urlsplit(links["alternate"]).path == "/search"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = entries_of(root)
    jincheng = {d["doc_id"]: d for d in get_json(client, "/api/documents?region=晋城")["documents"]}
    assert len(entries) == len(jincheng) == 2
    for entry in entries:
        doc_id = urlsplit(entry["href"]).path.rsplit("/", 1)[1]
        assert entry["href"] == f"http://localhost/documents/{doc_id}"
        assert doc_id in jincheng and entry["title"] == jincheng[doc_id]["title"]
        assert "培训" in entry["summary"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", entry["updated"])
    assert len({e["id"] for e in entries}) == len(entries)
    assert [e["updated"] for e in entries] == sorted((e["updated"] for e in entries), reverse=True)


def test_atom_feed_follows_the_search(client):
    everywhere = entries_of(read_feed(client.get("/search.atom?q=培训费")))
    units = set(get_json(client, "/api/search?q=培训费")["facets"]["unit"])
    assert len(everywhere) == len(units)
    assert entries_of(read_feed(client.get("/search.atom?q=培训费&kind=决算")))[0]["title"].startswith("三门峡")
    nothing = read_feed(client.get("/search.atom?q=没有这种支出的名称xyz"))
    assert entries_of(nothing) == []
    summary = entries_of(read_feed(client.get("/search.atom?q=市政府办培训费&type=line_item")))[0]["summary"]
    assert "市政府办培训费" in summary and "25.00万元" in summary


def test_atom_feed_escapes(client):
    hostile = '<script>alert("x")</script> & ]]> 培训费'
    response = client.get("/search.atom", query_string={"q": hostile})
    root = read_feed(response)
    assert b"<script>" not in response.data
    assert "<script>" in root.findtext(f"{ATOM}title")
    read_feed(client.get("/search.atom?q=%01%02培训费%0b"))


def test_document_list_is_paged(client):
    whole = client.get("/api/documents").get_json()
    assert whole["total"] == 4 and whole["page"] == 1 and len(whole["documents"]) == 4
    first = client.get("/api/documents?limit=3").get_json()
    second = client.get("/api/documents?limit=3&page=2").get_json()
    assert first["total"] == second["total"] == 4
    assert [d["doc_id"] for d in first["documents"] + second["documents"]] == [d["doc_id"] for d in whole["documents"]]
    assert client.get("/api/documents?limit=3&page=3").get_json()["documents"] == []
    for bad in ("limit=0", "limit=1001", "page=0", "page=x"):
        response = client.get(f"/api/documents?{bad}")
        assert response.status_code == 400 and response.get_json()["parameter"] == bad.split("=")[0]
