"""Hostile requests (issue 6/6, part 3): every route and every parameter the web app reads,
against FTS5 and Elasticsearch syntax, SQL fragments, script and HTML, path traversal, huge
and nested parameters, invalid numbers and units, absurd page numbers, unknown facets and
invalid UTF-8. Each gets a 4xx with a message or a correct result — never a 5xx or a
stack trace — and every response carries the security headers. A document whose own text
holds markup renders inert on every page that shows it. Hypothesis fuzzes the query parser
and the amount parser end to end, through the real SQLite backend and the web layer.

Routes are read from the app's URL map, so a route added later is swept too.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DATONG = DATA / "2023-budget-datong-yungang-government-office.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")

# Every request parameter a view reads (webapp/params.py, views/*.py).
PARAMS = ("q", "unit", "year", "kind", "type", "table_kind", "region", "min", "max", "unit_money", "sort",
          "page", "limit", "row", "line", "measure")
TEXT_PARAMS = ("q", "unit", "region", "measure")
NUMBER_PARAMS = ("year", "min", "max", "page", "limit", "row", "line")

HOSTILE_TEXT = [
    # FTS5 syntax
    '"', '""', '"培训费', 'NEAR(培训 费, 2)', "培训 AND 费 OR NOT 项目", "培训*", "^培训", "precise:培训",
    "{precise recall}: 培训", "records_fts MATCH '*'", "- 培训", "培训 -", "(培训", "培训)", "+培训",
    # Elasticsearch query-string and JSON
    "培训费 AND (year:2023 OR *)", 'unit:"*" OR _exists_:unit', "/.*/", "培训~2", "培训^10", "\\",
    '{"query": {"match_all": {}}}', '{"script": {"source": "System.exit(0)"}}', "_id:*", "*:*",
    # SQL
    "' OR '1'='1", "'; DROP TABLE records; --", '" OR 1=1 --', "1; SELECT * FROM documents",
    "%' UNION SELECT doc_id, path FROM documents --", "培训费' --", "%", "_",
    # script and HTML
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "</textarea><svg onload=alert(1)>", "{{7*7}}", "{% raw %}", "${7*7}", "&lt;script&gt;",
    # paths
    "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "..\\..\\windows\\win.ini", "/etc/passwd", "file:///etc/passwd",
    # Unicode oddities
    "\u202e培训费", "\ufeff培训费", "培\u200b训费", "\x00", "\x1b[31m", "😀" * 50, "ｑ＝培训费",
    # Chinese query language at its edges
    "金额:", "金额>=", "金额>1e999万", "单位:", "年度:3000", "类型:未知", "记录:x", "表:不存在的表", "地区:",
]

HOSTILE_NUMBERS = [
    "-1", "0", "-0", "1e309", "1e-309", "NaN", "nan", "inf", "-inf", "Infinity", "99999999999999999999999999",
    "0x10", "1_000", "１２", "²", "①", "٢٠٢٣", "2023²", "1,000", "1.5", "2023.0", "2e3", "五", "二〇二三", " 3 ", "3abc", "",
    # amounts and units
    "5万美元", "5 万", "五万", "5亿亿", "万元", "1e3万", "--5", "5-", "5万-", "１０万", "0.00000001亿",
    "1" + "0" * 40, "-5万", "+5", "5万元整", "¥5", "$5",
]

INVALID_UTF8 = ["%ff", "%fe%ff", "%c0%af", "%ed%a0%80", "%e4%b8", "%f4%90%80%80", "%80abc", "abc%c3"]

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                    "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Permissions-Policy")


# ---------------------------------------------------------------- helpers


def check(response, url: str = "") -> None:
    """The promises every response keeps: no 5xx, no stack trace, security headers, and a
    message a person can read when the request is refused."""
    assert response.status_code < 500, (url, response.status_code, response.get_data(as_text=True)[:300])
    for header in SECURITY_HEADERS:
        assert response.headers.get(header), (url, header)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data()
    assert b"Traceback" not in body and b'File "/' not in body, url
    if 400 <= response.status_code < 500 and response.status_code != 405 and body:
        text = response.get_data(as_text=True)
        if response.is_json:
            error = response.get_json().get("error")
            assert isinstance(error, str) and CJK.search(error), (url, text[:200])
        else:
            assert CJK.search(text), (url, text[:200])


def concrete(rule: str, doc_id: str) -> str:
    """A URL for a URL-map rule, with real values in its placeholders."""
    url = rule.replace("<doc_id>", doc_id).replace("<int:n>", "0").replace("<path:filename>", "style.css")
    assert "<" not in url, f"a new kind of route parameter in {rule}: give it a value here"
    return url


def all_routes(app, doc_id: str) -> list[str]:
    return sorted({concrete(rule.rule, doc_id) for rule in app.url_map.iter_rules() if "GET" in rule.methods})


@pytest.fixture(scope="module")
def routes(app):
    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    return all_routes(app, doc_id)


def test_the_sweep_knows_every_route(routes):
    # If this fails a route was added or removed: the sweep below already covers it.
    assert {"/api/search", "/search", "/ask", "/api/ask", "/search.csv", "/search.xlsx", "/search.atom",
            "/compare", "/api/compare", "/"} <= set(routes)
    assert any(r.endswith("/file") for r in routes) and any(r.startswith("/static/") for r in routes)


# ---------------------------------------------------------------- the sweep


# A third of the values in every parameter of every route at once; each value alone, in
# each parameter, where that parameter is read, below.
SWEEP = HOSTILE_TEXT[::3] + HOSTILE_NUMBERS[::3]


@pytest.mark.parametrize("value", SWEEP, ids=range(len(SWEEP)))
def test_every_route_with_the_value_in_every_parameter(client, routes, value):
    query = urlencode([(name, value) for name in PARAMS])
    for route in routes:
        if route.endswith(".xlsx"):
            continue  # the same code path as .csv, and slow to write: see the text sweep
        url = f"{route}?{query}"
        check(client.get(url), url)


# Where each text parameter is read (the sweep above sends every parameter everywhere).
READ_BY = {
    "q": ("/api/search", "/search", "/search.csv", "/search.atom", "/ask", "/api/ask"),
    "unit": ("/api/search", "/search", "/compare", "/api/compare", "/projects", "/api/documents"),
    "region": ("/api/search", "/search", "/api/documents"),
    "measure": ("/compare", "/api/compare", "/compare.csv"),
}


@pytest.mark.parametrize("name", TEXT_PARAMS)
def test_text_parameters_one_at_a_time_give_results_or_a_400(client, name):
    for route in READ_BY[name]:
        for value in HOSTILE_TEXT:
            url = f"{route}?{urlencode({name: value})}"
            response = client.get(url)
            check(response, url)
            assert response.status_code in (200, 400), (url, response.status_code)
            if route == "/api/search" and response.status_code == 200:
                body = response.get_json()
                assert body["total"] >= len(body["hits"])


def test_xlsx_export_with_hostile_queries(client):
    for value in HOSTILE_TEXT[::10]:
        url = f"/search.xlsx?{urlencode({'q': value})}"
        response = client.get(url)
        check(response, url)
        assert response.status_code in (200, 400)


@pytest.mark.parametrize("name", NUMBER_PARAMS)
def test_invalid_numbers_and_units_one_at_a_time(client, app, name):
    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    read_by = {"row": [f"/documents/{doc_id}/tables/0"], "line": [f"/documents/{doc_id}/sections/at"],
               "year": ["/api/search", "/search", "/api/documents", "/api/compare"]}
    for route in read_by.get(name, ["/api/search", "/search", "/search.csv"]):
        for value in HOSTILE_NUMBERS:
            url = f"{route}?{urlencode({name: value})}"
            response = client.get(url)
            check(response, url)
            assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("page", ["-1", "0", "-99999999999", "99999999999", "1" + "0" * 30, "2147483648",
                                  "9223372036854775808", "1e3"])
def test_negative_and_enormous_page_numbers(client, page):
    for route in ("/api/search", "/search", "/search.csv", "/search.atom"):
        for limit in ("20", "100", "1"):
            url = f"{route}?q=%E7%BB%8F%E8%B4%B9&page={page}&limit={limit}"
            response = client.get(url)
            check(response, url)
            assert response.status_code in (200, 400), (url, response.status_code)
    body = client.get(f"/api/search?q=%E7%BB%8F%E8%B4%B9&page={page}").get_json()
    assert body.get("parameter") == "page" or body["hits"] == []


def test_unknown_facets_and_parameters(client):
    for url in ("/api/search?facet=nope&facets=../../x&type=nope", "/api/search?table_kind=../../etc",
                "/api/search?kind=" + quote("预决算"), "/search?region=" + quote("火星"), "/api/search?unit=%00",
                "/search?year=2023&year=abc", "/api/search?sort=" + quote("amount; DROP TABLE records"),
                "/api/search?q=培训费&callback=alert(1)", "/api/search?" + "&".join(f"f{i}=x" for i in range(300))):
        response = client.get(url)
        check(response, url)
        assert response.status_code in (200, 400, 414), url
        assert b"alert(1)(" not in response.data  # no JSONP


@pytest.mark.parametrize("bad", INVALID_UTF8)
def test_invalid_utf8_in_query_and_path(client, routes, bad):
    for route in routes:
        url = f"{route}?q={bad}&unit={bad}&measure={bad}&year={bad}"
        check(client.get(url), url)
    for url in (f"/documents/{bad}", f"/documents/{bad}/file", f"/api/documents/{bad}",
                f"/documents/{bad}/tables/0", f"/static/{bad}", f"/{bad}", f"/search{bad}"):
        response = client.get(url)
        check(response, url)
        assert response.status_code == 404, url



@pytest.mark.parametrize("raw", ["q=\xff\xfe", (b"unit=\xc0\xaf&q=" + "培训费".encode()).decode("latin-1"), "q=%ff\xe4\xb8"])
def test_raw_invalid_bytes_in_the_query_string_are_a_400(client, routes, raw):
    """Bytes a browser never sends unescaped: WSGI hands them over as latin-1 text."""
    for route in routes:
        response = client.get(route, environ_overrides={"QUERY_STRING": raw})
        check(response, f"{route} raw {raw!r}")
        assert response.status_code == 400, route
        if response.is_json:
            assert "UTF-8" in response.get_json()["error"]


def test_raw_invalid_bytes_in_the_path_are_a_404(client):
    for path in ("/documents/\xff\xfe", "/documents/\xc0\xaf/file", "/api/documents/\xed\xa0\x80", "/\xff",
                 "/static/\xff.css"):
        response = client.get("/", environ_overrides={"PATH_INFO": path})
        check(response, repr(path))
        assert response.status_code == 404, path


def test_huge_and_deeply_nested_parameters(client, routes):
    cases = [
        "q=" + "培" * 30_000,  # far over the query-string limit
        "q=" + "x" * 3_900,  # just under it: the parameter's own limit answers
        "&".join(["unit=" + quote("财政局")] * 200),
        "&".join(f"a{i}=1" for i in range(600)),
        "q" + "[a]" * 400 + "=1",
        "q[]=1&q[]=2&q[0][1]=x&q[__proto__][admin]=1",
        "q=" + quote('{"$ne": null}') + "&year[$gt]=0",
        "&".join(["q=培训费"] * 30),
        "=" * 100 + "&&&&;;;q=培训费",
    ]
    blueprints = {"/", "/search", "/api/search", "/ask", "/api/ask", "/search.csv", "/compare.csv", "/projects",
                  [r for r in routes if r.startswith("/documents/")][0]}  # one route of each blueprint
    for route in routes:
        for number, case in enumerate(cases):
            if (number == 0 and route not in blueprints) or ("/documents/" in route and number > 1):
                continue  # the same refusal on every route of a blueprint; document pages ignore them
            url = f"{route}?{case}"
            response = client.get(url)
            check(response, url[:120])
    assert client.get(f"/api/search?{cases[0]}").status_code in (400, 414)
    assert client.get(f"/search?{cases[0]}").status_code == 414


def test_path_traversal_on_every_route_that_serves_a_file(client, app, routes):
    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    attempts = [
        "/static/../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/....//....//etc/passwd",
        "/static/..\\..\\..\\pyproject.toml", "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd",
        "/static/%00", "/static/style.css%00.js", "/static/../__init__.py", "/static/..%2f__init__.py",
        "/static/../views/pages.py", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml", "/static/.",
        f"/documents/{doc_id}/../../../etc/passwd", f"/documents/{doc_id}%2f..%2f..%2fetc%2fpasswd/file",
        "/documents/..%2f..%2f..%2fetc%2fpasswd/file", "/documents/%2fetc%2fpasswd/file",
        "/documents/....%2f%2f....%2f%2fetc%2fpasswd/file", f"/documents/{doc_id}/file/../../../../etc/passwd",
        f"/documents/{doc_id}/file?path=/etc/passwd", f"/documents/{doc_id}/file?name=../../pyproject.toml",
        "/api/documents/..%2f..%2fetc%2fpasswd", "/documents/" + "..%2f" * 30 + "etc%2fpasswd/file",
    ]
    secrets = (b"root:", b"[project]", b"import ", b"def ")
    for url in attempts:
        response = client.get(url)
        check(response, url)
        body = response.get_data()
        if response.status_code == 200:  # only the document's own file, or the real stylesheet
            assert url.endswith("/file") or "?" in url or url.startswith("/static/style.css"), url
        assert not any(s in body for s in secrets) or response.status_code != 200, url
        assert response.status_code in (200, 301, 302, 308, 400, 404), (url, response.status_code)
    served = client.get(f"/documents/{doc_id}/file?path=/etc/passwd")
    own = app.extensions["disclosure_backend"].document(doc_id).path
    assert served.status_code == 200 and served.data == (ROOT / own).read_bytes()  # ROOT / absolute = absolute


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_are_405_with_allow_and_headers(client, routes, method):
    for route in routes:
        response = client.open(route, method=method, data=b"x" * 10_000,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(response, f"{method} {route}")
        assert response.status_code == 405, (method, route)
        assert "GET" in response.headers.get("Allow", ""), route


def test_head_and_options_everywhere(client, routes):
    for route in routes:
        head = client.head(route)
        check(head, f"HEAD {route}")
        assert head.data == b""
        options = client.options(route)
        check(options, f"OPTIONS {route}")


def test_security_headers_on_every_kind_of_response(client, app, sample_index):
    from webapp import create_app

    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    for url in ("/", "/static/style.css", "/static/app.js", "/favicon.ico", "/nope", f"/documents/{doc_id}/file",
                "/search.csv?q=培训费", "/search.xlsx?q=培训费", "/search.atom?q=培训费", "/api/openapi.json",
                "/api/search?year=abc", "/search?" + "q=" * 3000):
        check(client.get(url), url)
    boom = create_app(sample_index)

    @boom.route("/boom")
    def explode():
        raise RuntimeError("secret")

    response = boom.test_client().get("/boom")
    assert response.status_code == 500 and b"secret" not in response.data
    for header in SECURITY_HEADERS:
        assert response.headers.get(header), header
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


# ---------------------------------------------------------------- document text with markup


class _Tags(HTMLParser):
    """Inline scripts, event-handler attributes and javascript: URLs in an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.dangers.append(f"<{tag} {name}=…>")
            if name.lower() in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.dangers.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not dict(attrs).get("src"):
            self.dangers.append("inline <script>")
        if tag in ("img", "svg", "iframe", "object", "embed"):
            if dict(attrs).get("src") in ("x",):
                self.dangers.append(f"<{tag} src=x>")


MARKUP = {
    "section": '<script>alert("section")</script>',
    "attribute": '"><img src=x onerror=alert("attr")>',
    "project": "<svg onload=alert(\"project\")>",
}


@pytest.fixture(scope="module")
def markup_app(tmp_path_factory):
    """The Datong sample with markup in a paragraph, in a project's name (its table row, its
    performance form and the sentences naming it) and in a form's prose, indexed on its own."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest
    from webapp import create_app

    text = DATONG.read_text(encoding="utf-8")
    paragraph = "人民政府办公室重大项目分别有"
    assert paragraph in text and "12345政府服务热线" in text
    text = text.replace(paragraph, MARKUP["section"] + paragraph + MARKUP["attribute"], 1)
    text = text.replace("12345政府服务热线", "12345政府服务热线" + MARKUP["project"])
    folder = tmp_path_factory.mktemp("markup")
    source = folder / "markup-2023-budget.txt"
    source.write_text(text, encoding="utf-8")
    backend = SQLiteIndex(folder / "index.sqlite")
    report = ingest([source], backend, workers=0, progress=False)
    assert report.counts()["indexed"] == 1, report.to_json()
    backend.close()
    app = create_app(folder / "index.sqlite")
    app.config.update(TESTING=True)
    return app


def test_document_text_with_markup_is_inert_on_every_route(markup_app):
    client = markup_app.test_client()
    backend = markup_app.extensions["disclosure_backend"]
    doc = backend.documents()[0]
    pj = backend.document(doc.doc_id).parse_json
    assert any(MARKUP["project"] in (f.get("project") or "") for f in pj["forms"])
    urls = set(all_routes(markup_app, doc.doc_id))
    for n in range(len(pj["tables"])):
        urls.add(f"/documents/{doc.doc_id}/tables/{n}?q=alert")
    for n in range(len(pj["forms"])):
        urls.add(f"/documents/{doc.doc_id}/forms/{n}")
    for n in range(len(pj["sections"])):
        urls.add(f"/documents/{doc.doc_id}/sections/{n}?q=alert")
    words = ["alert", "12345政府服务热线", "onerror", "script", "svg", "重大项目", "服务热线 金额>10万"]
    for route in ("/search", "/api/search", "/search.atom", "/search.csv", "/ask", "/api/ask", "/compare",
                  "/api/compare", "/projects"):
        for word in words:
            urls.add(f"{route}?{urlencode({'q': word, 'measure': word, 'unit': doc.unit or ''})}")
    urls.add("/ask?" + urlencode({"q": f"{doc.unit}2023年12345政府服务热线预算是多少？"}))
    urls.add("/compare?" + urlencode({"measure": "12345政府服务热线" + MARKUP["project"]}))
    seen_escaped = 0
    for url in sorted(urls):
        response = client.get(url)
        check(response, url)
        body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
        if response.mimetype == "text/html":
            parser = _Tags()
            parser.feed(body)
            assert not parser.dangers, (url, parser.dangers)
            seen_escaped += "&lt;script&gt;" in body or "&lt;svg" in body
        elif response.mimetype in ("application/atom+xml", "application/xml"):
            feed = ElementTree.fromstring(response.data)  # well-formed: the markup is escaped text
            assert not [e for e in feed.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "svg", "img")], url
        elif response.is_json:
            data = response.get_json()
            for hit in data.get("hits", []) if isinstance(data, dict) else []:
                assert "<script" not in hit["snippet"] and "<svg" not in hit["snippet"], url
                assert "<img" not in hit["snippet"], url
        elif response.mimetype == "text/csv":
            assert "attachment" in response.headers.get("Content-Disposition", ""), url
        elif response.mimetype == "text/plain":  # the original file: shown as text, sandboxed
            assert "sandbox" in response.headers["Content-Security-Policy"], url
    assert seen_escaped >= 5  # the markup was on the pages, as text


# ---------------------------------------------------------------- fuzzing, end to end

SOUP = list('"“”「」-—~:：<>=≥≤＞|,、() *^\\\'%_;{}[]$&?#/') + [
    "金额", "单位", "年度", "类型", "地区", "记录", "表", "预算", "决算", "万", "亿", "元", "万元", "至",
    "培训费", "经费", "项目支出", "OR", "AND", "NOT", "NEAR", "MATCH", "SELECT", "DROP", "--", "/*", "*/",
    "<script>", "</", "&amp;", "\x00", "\u202e", "\ufeff", "2023", "1990", "0", "5", "0.5", "1,000", "1e999",
    "😀", " ", "\t", "\n", "precise", "recall", "facets", "_exists_", "*:*"]


@pytest.fixture(scope="module")
def backend(sample_index):
    from indexer.index.sqlite import SQLiteIndex

    index = SQLiteIndex(sample_index, readonly=True)
    yield index
    index.close()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=120), st.lists(st.sampled_from(SOUP), max_size=30).map("".join)))
def test_fuzzed_queries_through_the_real_backend_search_or_raise_query_error(backend, text):
    from indexer.query import QueryError
    from indexer.search import SearchOptions, search

    try:
        result = search(backend, SearchOptions(query=text, limit=5))
    except QueryError as error:
        assert error.message and CJK.search(error.message)
        return
    assert result.total >= len(result.hits)
    json.dumps(result.to_json(), ensure_ascii=False)


PARAM_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS),
                         st.integers(-10**12, 10**12).map(str), st.lists(st.sampled_from(SOUP), max_size=8).map("".join))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(PARAMS), PARAM_VALUES, max_size=6),
       st.sampled_from(["/api/search", "/search", "/search.csv", "/api/documents", "/ask", "/api/ask",
                        "/api/compare", "/compare"]))
def test_fuzzed_parameters_through_the_web(client, params, route):
    response = client.get(route, query_string=params)
    check(response, f"{route} {params!r}")
    assert response.status_code in (200, 400, 414), (route, params, response.status_code)


_UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000, "千元": 1_000,
          "百万元": 1_000_000}


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 99), st.sampled_from(sorted(_UNITS)), st.booleans(), st.booleans(),
       st.booleans())
def test_fuzzed_amounts_in_any_unit_and_writing(integer, cents, unit, grouped, wide, spaced):
    """An amount written any way a person writes it reads back as the same yuan."""
    from analyzers.amounts import parse_money

    number = f"{integer:,}" if grouped else str(integer)
    if cents:
        number += f".{cents:02d}"
    text = number + (" " if spaced else "") + unit
    if wide:
        text = text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # full-width digits and commas
    expected = (Decimal(integer) + Decimal(cents) / 100) * _UNITS[unit]
    assert parse_money(text) == expected, text


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=25), st.lists(st.sampled_from(SOUP + HOSTILE_NUMBERS), max_size=5).map("".join)),
       st.sampled_from(["元", "万元", "亿元", "", "美元"]))
def test_fuzzed_amount_parameters_through_the_api(client, value, unit_money):
    response = client.get("/api/search", query_string={"min": value, "unit_money": unit_money})
    check(response, f"min={value!r}")
    assert response.status_code in (200, 400, 414)
    if response.status_code == 400:
        assert response.get_json()["parameter"] in ("min", "unit_money")
