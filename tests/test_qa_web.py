"""Questions and comparisons on the web: /ask, the answer above /search results, /api/ask,
/compare with its SVG chart, /api/compare, /compare.csv|.xlsx and /projects — through the
Flask test client on the real sample index (tests/conftest.py), no mocks of the answering.

Expected figures are read from the sample documents (data/*.txt):
  晋城市财政局 2024 “三公”经费预算表 合计 4.00万元; 晋城市政府办 2023 10.20万元;
  云冈区政府办 2023 3.77万元; 三门峡市政府办 2023 决算表 预算数 11.50 / 决算数 7.42万元.
"""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from webapp.qa import MAX_QUESTION, looks_like_question
from webapp.views.exports import COMPARE_COLUMNS

THREE_PUBLIC_2024 = "晋城市财政局2024年“三公”经费预算是多少？"
NOT_HELD = "晋城市财政局2023年“三公”经费是多少？"
HOTLINE = "云冈区政府办12345政府服务热线花了多少钱？"
UNITS = {"晋城市人民政府办公室", "大同市云冈区人民政府办公室", "晋城市财政局", "三门峡市人民政府办公室"}
SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------ helpers


class _Within(HTMLParser):
    """Links and text inside the elements carrying one class (nested elements included)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col"})

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.depth = 0  # open elements since the first one with the class
        self.blocks: list[dict[str, list]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif self.css_class in (attrs.get("class") or "").split():
            self.depth = 1
            self.blocks.append({"links": [], "text": []})
        if self.depth and tag == "a":
            self.blocks[-1]["links"].append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.blocks[-1]["text"].append(data)


def blocks(html: str, css_class: str) -> list[dict[str, object]]:
    parser = _Within(css_class)
    parser.feed(html)
    return [{"links": b["links"], "text": "".join(b["text"])} for b in parser.blocks]


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:800])
    return response.get_data(as_text=True)


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:800])
    assert response.mimetype == "application/json"
    return response.get_json()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


@pytest.fixture(scope="module")
def openapi(app):
    return app.test_client().get("/api/openapi.json").get_json()


def validator(openapi, name):
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": openapi["components"]})


# ------------------------------------------------------------------ the question predicate


@pytest.mark.parametrize("text", [
    THREE_PUBLIC_2024, HOTLINE, "2023年哪个单位的项目支出最多", "哪些项目超过100万元", "晋城市政府办有几辆公务用车",
    "三公经费是否减少", "培训费?", "市财政局的收入总计是什么吗",
])
def test_questions_are_recognised(text):
    assert looks_like_question(text)


@pytest.mark.parametrize("text", [
    "", "   ", "培训费", "公务用车", "项目支出≥100万", "公务接待费 金额>1万", "“三公”经费 年度:2024", "茶几", "？",
    "多少" * (MAX_QUESTION // 2 + 1),
])
def test_search_words_are_not_questions(text):
    assert not looks_like_question(text)


# ------------------------------------------------------------------ /ask


def test_ask_page_shows_the_answer_value_and_evidence_links(client):
    html = get(client, "/ask?q=" + THREE_PUBLIC_2024)
    answer = blocks(html, "answer")
    assert len(answer) == 1
    text = answer[0]["text"]
    assert "4.00万元" in blocks(html, "answer-figure")[0]["text"]
    assert "40,000元" in blocks(html, "answer-exact")[0]["text"]
    assert "晋城市财政局2024年预算“三公”经费为4.00万元" in text
    evidence = blocks(html, "evidence")
    assert len(evidence) == 2
    # Table evidence: document, table, the row (highlighted), and the excerpt.
    first = evidence[0]
    assert "晋城市财政局2024年度部门预算公开" in first["text"] and "表内第8行" in first["text"]
    assert "合计" in first["text"] and "4.00" in first["text"]
    row_link = next(link for link in first["links"] if "row=8" in link)
    assert re.fullmatch(r"/documents/[0-9a-f]+/tables/\d+\?row=8#r8", row_link)
    table = get(client, row_link.split("#")[0])
    assert 'class="is-match"' in table or "is-match" in table
    assert "2024年财政拨款安排“三公”经费支出预算表" in table
    # Sentence evidence: the section of the 情况说明 it stands in.
    second = evidence[1]
    section_link = next(link for link in second["links"] if "/sections/" in link)
    assert "比2023年减少7.00万元" in get(client, section_link)
    # The document link of every evidence opens the document.
    assert all(get(client, e["links"][0]) for e in evidence)


def test_ask_page_links_form_evidence_to_the_form(client):
    html = get(client, "/ask?q=" + HOTLINE)
    evidence = blocks(html, "evidence")
    form_link = next(link for e in evidence for link in e["links"] if "/forms/" in link)
    form = get(client, form_link)
    assert "12345政府服务热线" in form and "761,000" in html.replace("７", "7")
    assert "76.10万元" in blocks(html, "answer-figure")[0]["text"]


def test_ask_page_not_found_says_so_and_shows_the_nearest(client):
    html = get(client, "/ask?q=" + NOT_HELD)
    answer = blocks(html, "answer--none")
    assert len(answer) == 1 and "无相关数据" in answer[0]["text"]
    assert "answer-figure" not in html and not blocks(html, "evidence")
    nearest = blocks(html, "nearest")
    assert nearest and "4.00万元" in nearest[0]["text"]
    assert any("/tables/" in link for link in nearest[0]["links"])


def test_ask_page_unknown_unit_gets_no_figure(client):
    html = get(client, "/ask?q=太原市财政局2024年三公经费是多少？")
    assert blocks(html, "answer--none") and "无相关数据" in html
    assert "answer-figure" not in html


def test_ask_page_without_a_question_and_with_bad_ones(client):
    html = get(client, "/ask")
    assert 'name="q"' in html and "试试这些问题" in html and "answer-figure" not in html
    empty = get(client, "/ask?q=", status=400)
    assert "请填写问题" in empty and "<code>q</code>" in empty
    long = get(client, "/ask?q=" + "多" * (MAX_QUESTION + 1), status=400)
    assert "问题过长" in long


def test_pages_keep_the_csp(client):
    for url in ("/ask?q=" + THREE_PUBLIC_2024, "/compare?measure=三公经费", "/projects?unit=晋城市政府办",
                "/search?q=" + THREE_PUBLIC_2024):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "<script>" not in body and " style=" not in body, url


def test_navigation_and_home_invite_questions(client):
    html = get(client, "/")
    assert 'href="/ask"' in html and 'href="/compare"' in html
    assert "直接提问" in html
    assert any("search?q=" in link for b in blocks(html, "example-list--questions") for link in b["links"])


# ------------------------------------------------------------------ the answer above /search results


def test_search_with_a_question_shows_the_answer_above_the_results(client):
    html = get(client, "/search?q=" + THREE_PUBLIC_2024)
    answer = blocks(html, "answer")
    assert len(answer) == 1 and "4.00万元" in answer[0]["text"]
    assert blocks(html, "evidence")
    assert html.index('class="answer') < html.index('class="search-layout"')
    assert "条结果" in html and blocks(html, "hit")  # the results are still there
    assert any("/ask?q=" in link for link in answer[0]["links"])


def test_search_with_plain_words_shows_no_answer(client):
    html = get(client, "/search?q=培训费")
    assert not blocks(html, "answer") and blocks(html, "hit")


def test_search_survives_a_failing_answer(client, monkeypatch):
    import webapp.views.qa as qa_views

    def broken(*args, **kwargs):
        raise RuntimeError("answering broke")

    monkeypatch.setattr(qa_views, "ask", broken)
    html = get(client, "/search?q=" + THREE_PUBLIC_2024)
    assert not blocks(html, "answer") and blocks(html, "hit")


# ------------------------------------------------------------------ /api/ask


def test_api_ask_contract(client, openapi):
    body = get_json(client, "/api/ask?q=" + THREE_PUBLIC_2024)
    assert {"question", "found", "answer", "value", "unit", "evidence"} <= set(body)
    assert body["question"] == THREE_PUBLIC_2024
    assert body["found"] is True and body["value"] == 40000 and body["unit"] == "元"
    assert isinstance(body["answer"], str) and "4.00万元" in body["answer"]
    assert len(body["evidence"]) == 2
    for evidence in body["evidence"]:
        assert {"doc_id", "unit", "year", "title", "location", "excerpt"} <= set(evidence)
        assert evidence["unit"] == "晋城市财政局" and evidence["year"] == 2024
        assert evidence["url"].startswith("http://localhost/documents/" + evidence["doc_id"])
        assert client.get(path_of(evidence["url"]).split("#")[0]).status_code == 200
    assert body["links"]["html"].startswith("http://localhost/ask?q=")
    assert not list(validator(openapi, "AskResponse").iter_errors(body))


def test_api_ask_not_found(client, openapi):
    body = get_json(client, "/api/ask?q=" + NOT_HELD)
    assert body["found"] is False and body["answer"].startswith("无相关数据")
    assert body["value"] is None and body["evidence"] == []
    assert body["nearest"] and body["nearest"][0]["url"].startswith("http://localhost/documents/")
    assert not list(validator(openapi, "AskResponse").iter_errors(body))


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=" + "多" * (MAX_QUESTION + 1)])
def test_api_ask_bad_question_is_400_naming_q(client, query):
    body = get_json(client, "/api/ask" + query, status=400)
    assert body["parameter"] == "q" and body["error"]


# ------------------------------------------------------------------ /api/compare


def figures(body):
    return {(row["unit"], int(year), slot): cell[slot]["value"]
            for row in body["rows"] for year, cell in row["cells"].items()
            for slot in ("budget", "final") if cell[slot]}


def test_api_compare_three_public_rows_and_columns(client, openapi):
    body = get_json(client, "/api/compare?measure=三公经费")
    assert body["kind"] == "metric" and body["key"] == "three_public_total" and body["value_unit"] == "元"
    assert body["years"] == [2023, 2024]
    assert {row["unit"] for row in body["rows"]} == UNITS
    assert figures(body) == {
        ("晋城市人民政府办公室", 2023, "budget"): 102000,
        ("大同市云冈区人民政府办公室", 2023, "budget"): 37700,
        ("晋城市财政局", 2024, "budget"): 40000,
        ("三门峡市人民政府办公室", 2023, "budget"): 115000,
        ("三门峡市人民政府办公室", 2023, "final"): 74200,
    }
    sanmenxia = next(r for r in body["rows"] if r["unit"] == "三门峡市人民政府办公室")
    assert sanmenxia["cells"]["2023"]["execution_rate"] == 64.52
    assert sanmenxia["cells"]["2023"]["final"]["display"].startswith("7.42万元")
    for row in body["rows"]:
        for cell in row["cells"].values():
            for slot in ("budget", "final"):
                if cell[slot]:
                    assert cell[slot]["url"].startswith("http://localhost/documents/" + cell[slot]["doc_id"])
                    assert "row=" in cell[slot]["url"]
    assert body["links"]["csv"].startswith("http://localhost/compare.csv?measure=")
    assert not list(validator(openapi, "CompareResponse").iter_errors(body))


def test_api_compare_units_as_people_write_them_and_years(client):
    body = get_json(client, "/api/compare?measure=三公经费&unit=云冈区政府办&unit=晋城市财政局&year=2023")
    assert [row["unit"] for row in body["rows"]] == ["大同市云冈区人民政府办公室"]
    assert body["years"] == [2023]
    unknown = get_json(client, "/api/compare?measure=三公经费&unit=太原市财政局")
    assert unknown["rows"] == [] and any("太原市财政局" in note for note in unknown["notes"])


def test_api_compare_an_item(client):
    body = get_json(client, "/api/compare?measure=培训费")
    assert body["kind"] == "item"
    values = figures(body)
    assert values[("三门峡市人民政府办公室", 2023, "budget")] == 70000
    assert values[("三门峡市人民政府办公室", 2023, "final")] == 8500


@pytest.mark.parametrize("query, parameter", [
    ("", "measure"), ("?measure=", "measure"), ("?unit=晋城市财政局", "measure"),
    ("?measure=" + "费" * 61, "measure"), ("?measure=三公经费&year=abc", "year"),
    ("?measure=三公经费&year=1800", "year"), ("?measure=三公经费&year=20233", "year"),
    ("?measure=三公经费&unit=" + "局" * 101, "unit"),
    ("?measure=三公经费" + "".join(f"&unit=u{i}" for i in range(21)), "unit"),
])
def test_bad_compare_parameters_are_400_naming_them(client, query, parameter):
    for path in ("/api/compare", "/compare.csv", "/compare.xlsx"):
        body = get_json(client, path + query, status=400)
        assert body["parameter"] == parameter, (path, body)
    if query:  # the page says it too, and keeps its form
        html = get(client, "/compare" + query, status=400)
        assert f"<code>{parameter}</code>" in html and 'name="measure"' in html


# ------------------------------------------------------------------ /compare page and chart


def chart_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert match, "the chart is inlined in the page"
    return ET.fromstring(match.group(0))  # well-formed XML


def test_compare_page_table_and_chart(client):
    html = get(client, "/compare?measure=三公经费")
    body = get_json(client, "/api/compare?measure=三公经费")
    rows = blocks(html, "compare-unit")
    assert {r["text"].replace("项目历史 ›", "").strip() for r in rows} == UNITS
    cells = blocks(html, "figure")
    texts = [c["text"].strip() for c in cells if c["links"]]
    assert sorted(texts) == sorted(["10.20", "3.77", "4.00", "11.50", "7.42"])
    for cell in cells:
        for link in cell["links"]:
            assert re.fullmatch(r"/documents/[0-9a-f]+/tables/\d+\?row=\d+#r\d+", link), link
            assert get(client, link.split("#")[0])
    assert "64.52%" in html
    for download in ("/compare.csv?measure=", "/compare.xlsx?measure="):
        assert download in html
    assert any("/projects?unit=" in link for r in rows for link in r["links"])

    svg = chart_of(html)
    assert svg.tag == SVG + "svg" and svg.get("role") == "img"
    title, desc = svg.find(SVG + "title"), svg.find(SVG + "desc")
    assert title is not None and "三公" in title.text and "万元" in title.text
    assert desc is not None and "三门峡市人民政府办公室" in desc.text and "7.42万元" in desc.text
    assert set(svg.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    bars = [e for e in svg.iter(SVG + "rect") if "bar" in (e.get("class") or "").split()]
    assert len(bars) == len(figures(body)) == 5  # one bar per figure
    assert sorted(float(b.get("data-value")) for b in bars) == [3.77, 4.0, 7.42, 10.2, 11.5]
    assert {b.get("data-series") for b in bars} == {"budget", "final"}
    for bar in bars:
        assert bar.get("fill", "").startswith("#") and bar.get("style") is None
        assert bar.find(SVG + "title").text
    links = [a.get("href") for a in svg.iter(SVG + "a")]
    assert len(links) == 5 and all(link.startswith("/documents/") for link in links)
    axis_texts = [t.text for t in svg.iter(SVG + "text")]
    assert "金额（万元）" in axis_texts and "0" in axis_texts


def test_compare_page_examples_and_empty_states(client):
    html = get(client, "/compare")
    examples = [unquote(link) for b in blocks(html, "compare-examples") for link in b["links"]]
    assert examples == [f"/compare?measure={word}" for word in ("三公经费", "项目支出", "培训费", "机关运行经费")]
    for link in examples:
        assert blocks(get(client, link), "figure")
    assert "<svg" not in html
    nothing = get(client, "/compare?measure=土地出让收入")
    assert "没有“土地出让收入”的数据" in nothing and "<svg" not in nothing
    for measure in ("项目支出", "培训费", "机关运行经费"):
        page = get(client, "/compare?measure=" + measure)
        chart_of(page)
        assert blocks(page, "figure")


def test_chart_module_draws_negative_values_and_counts():
    from webapp import charts

    chart = charts.BarChart("比上年增减", "说明 <&>", "万元", [
        charts.BarGroup("甲单位 & 乙", [charts.BarRow("2023年", [charts.Bar("budget", -7.0, "-7.00", "甲 预算 -7.00万元"),
                                                               charts.Bar("final", 3.5, "3.50", "甲 决算 3.50万元",
                                                                          "/documents/x?a=1&b=2")])]),
    ])
    svg = ET.fromstring(str(charts.bar_chart(chart)))
    rects = [r for r in svg.iter(SVG + "rect") if "bar" in (r.get("class") or "")]
    assert len(rects) == 2 and all(float(r.get("width").rstrip("%")) > 0 for r in rects)
    assert svg.find(SVG + "desc").text == "说明 <&>"
    assert charts.nice_ticks(0, 11.5) == [0, 5, 10, 15]
    assert charts.nice_ticks(-7, 3.5)[0] <= -7 and charts.nice_ticks(-7, 3.5)[-1] >= 3.5


# ------------------------------------------------------------------ exports of the comparison


def test_compare_csv(client):
    response = client.get("/compare.csv?measure=三公经费")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and "disclosure-compare" in disposition
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COMPARE_COLUMNS
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert {r["单位"] for r in records} == UNITS and len(records) == 4
    sanmenxia = next(r for r in records if r["单位"] == "三门峡市人民政府办公室")
    assert (sanmenxia["年度"], sanmenxia["预算数"], sanmenxia["决算数"]) == ("2023", "115000", "74200")
    assert (sanmenxia["预算（万元）"], sanmenxia["决算（万元）"], sanmenxia["执行率（%）"]) == ("11.50", "7.42", "64.52")
    assert sanmenxia["决算链接"].startswith("http://localhost/documents/")
    bureau = next(r for r in records if r["单位"] == "晋城市财政局")
    assert (bureau["年度"], bureau["预算（万元）"], bureau["决算数"]) == ("2024", "4.00", "")


def test_compare_xlsx(client):
    openpyxl = pytest.importorskip("openpyxl")
    response = client.get("/compare.xlsx?measure=三公经费&year=2023")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["对比结果", "对比条件"]
    sheet = book["对比结果"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == COMPARE_COLUMNS
    records = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert {r["单位"] for r in records} == UNITS - {"晋城市财政局"}
    sanmenxia = next(r for r in records if r["单位"] == "三门峡市人民政府办公室")
    assert sanmenxia["预算数"] == 115000 and sanmenxia["决算数"] == 74200
    assert sanmenxia["决算（万元）"] == pytest.approx(7.42) and sanmenxia["执行率（%）"] == pytest.approx(64.52)
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    about = {row[0].value: row[1].value for row in book["对比条件"].iter_rows(min_row=2)}
    assert "“三公”经费" in about["指标/项目"] and about["年度"] == "2023"


def test_compare_exports_guard_formulas(client):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/compare.xlsx?measure==1%2B1").data))
    about = {row[0].value: row[1].value for row in book["对比条件"].iter_rows(min_row=2)}
    assert about["指标/项目"].startswith("'=")


# ------------------------------------------------------------------ project histories


def test_projects_page_links_every_entry_to_its_form_or_table(client):
    html = get(client, "/projects?unit=晋城市政府办")
    histories = blocks(html, "history")
    assert len(histories) >= 5
    assert "晋城市人民政府办公室" in html
    links = [link for h in histories for link in h["links"]]
    assert any("/forms/" in link for link in links) and any("/tables/" in link for link in links)
    for link in links[:6]:
        assert get(client, link.split("#")[0])
    evaluations = get(client, "/projects?unit=三门峡市政府办")
    assert "执行率" in evaluations and "项目自评" in evaluations


def test_projects_page_without_or_with_an_unknown_unit(client):
    html = get(client, "/projects")
    assert "请选择单位" in html and not blocks(html, "history")
    unknown = get(client, "/projects?unit=太原市财政局")
    assert "没有找到“太原市财政局”的项目" in unknown
    assert "<code>unit</code>" in get(client, "/projects?unit=a&unit=b", status=400)


# ------------------------------------------------------------------ OpenAPI


def test_openapi_documents_ask_and_compare(openapi):
    paths = openapi["paths"]
    ask = paths["/api/ask"]["get"]
    names = [p.get("name") or openapi["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]["name"]
             for p in ask["parameters"]]
    assert names == ["q"]
    for path in ("/api/compare", "/compare.csv", "/compare.xlsx"):
        operation = paths[path]["get"]
        names = {openapi["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]["name"]
                 for p in operation["parameters"]}
        assert names == {"measure", "unit", "year"}, path
        assert "400" in operation["responses"]
    assert "AskResponse" in openapi["components"]["schemas"]
