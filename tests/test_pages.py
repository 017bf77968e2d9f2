"""The HTML pages through Flask's test client, against the samples indexed into a real
SQLite file (tests/conftest.py): every route with good and bad parameters, facet links
that combine, highlighted snippets, amounts as people read them, provenance paths,
escaping of hostile document text, the CSP, and the original-file route."""
from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
JINCHENG_OFFICE = "2023-budget-jincheng-city-government-office.txt"
SANMENXIA = "2023-final-sanmenxia-government-office.txt"
FINANCE_BUREAU = "2024-budget-jincheng-finance-bureau.txt"


# ------------------------------------------------------------------ helpers

class _Links(HTMLParser):
    """Every <a href> with its text, plus the ids in the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a":
            self._open.append([attrs.get("href") or "", ""])

    def handle_data(self, data):
        for entry in self._open:
            entry[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(text.split())))


def links(body: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(body)
    return parser.links


def link_to(body: str, text: str) -> str:
    """The href of the first link whose text contains `text`."""
    for href, label in links(body):
        if text in label:
            return href
    raise AssertionError(f"no link with text {text!r}")


def args_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def link_with(body: str, param: str, value: str) -> str:
    """The href of the first link whose query sets `param` to include `value`."""
    for href, _ in links(body):
        if value in args_of(href).get(param, []):
            return href
    raise AssertionError(f"no link with {param}={value!r}")


def text_of(body: str) -> str:
    """The visible text, tags removed, whitespace squeezed (good enough for assertions)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture(scope="module")
def docs(app) -> dict[str, str]:
    """File name → doc_id of the four samples."""
    backend = app.extensions["disclosure_backend"]
    return {Path(d.path).name: d.doc_id for d in backend.documents()}


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


# ------------------------------------------------------------------ home and listing

def test_home_shows_search_box_stats_examples_and_documents(client, docs):
    body = get(client, "/")
    assert '<html lang="zh-CN">' in body
    assert re.search(r'<input[^>]+name="q"', body)
    assert '<label class="search-label" for="q">' in body
    text = text_of(body)
    assert "4 份公开文件" in text and "4 个单位" in text and "2023–2024" in text
    assert "预算 3 份" in text and "决算 1 份" in text
    for example in ("培训费", "公务用车", "项目支出≥100万"):
        assert args_of(link_to(body, example))["q"] == [example]
    for doc_id in docs.values():
        assert f'href="/documents/{doc_id}"' in body
    assert 'role="main"' in body or "<main" in body
    assert "<header" in body and "<footer" in body


def test_documents_page_lists_every_document(client, docs):
    body = get(client, "/documents")
    for doc_id in docs.values():
        assert f'href="/documents/{doc_id}"' in body
    assert "晋城市财政局2024年度部门预算公开" in body


def test_static_assets_are_served(client):
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)
    assert "max-width" in css.get_data(as_text=True)  # a responsive layout
    assert client.get("/static/app.js").status_code == 200


# ------------------------------------------------------------------ search results

def test_search_marks_the_word_and_shows_amounts_and_sources(client, docs):
    body = get(client, "/search?q=培训费")
    text = text_of(body)
    assert "您搜索的是： 培训费" in text or "您搜索的是：培训费" in text
    assert "<mark>培训费</mark>" in body
    assert "25.00万元" in text
    assert "共 21 条结果" in text
    # the path to the source: document › table › row, each part a link, and the line
    office = docs[JINCHENG_OFFICE]
    row_link = link_to(body, "表内第5行")
    assert row_link.startswith(f"/documents/{office}/tables/11?")
    assert args_of(row_link)["row"] == ["5"] and row_link.endswith("#r5")
    assert link_to(body, "2023年项目支出预算表（本年预算）").startswith(f"/documents/{office}/tables/11")
    assert "原文第387行" in text
    # record type badges
    for label in ("表内行", "绩效目标表", "章节", "报表", "绩效自评"):
        assert f">{label}</span>" in body


def test_hit_links_lead_to_the_right_views(client, docs):
    body = get(client, "/search?q=培训费&limit=50")
    office, sanmenxia = docs[JINCHENG_OFFICE], docs[SANMENXIA]
    hrefs = [href for href, _ in links(body)]
    # a form hit opens its form, a self-evaluation its table row, a section its section
    assert f"/documents/{office}/forms/4" in hrefs
    assert any(h.startswith(f"/documents/{sanmenxia}/tables/") and "row=8" in h for h in hrefs)
    section_links = [h for h in hrefs if re.match(rf"/documents/{office}/sections/\d+\?q=", h)]
    assert section_links
    section = get(client, section_links[0])
    assert "<mark>" in section
    for href in {h for h in hrefs if h.startswith("/documents/")}:
        assert client.get(href.split("#")[0]).status_code == 200, href


class CountingBackend:
    """The real backend, counting the calls the web app makes. `strip` removes payload keys
    from every hit, as an index built before records carried them would return them."""

    def __init__(self, real, strip: tuple[str, ...] = ()) -> None:
        self.real = real
        self.strip = strip
        self.calls: Counter = Counter()

    def __getattr__(self, name):
        return getattr(self.real, name)

    def document(self, doc_id):
        self.calls["document"] += 1
        return self.real.document(doc_id)

    def search(self, request):
        self.calls["search"] += 1
        result = self.real.search(request)
        if self.strip:
            result = replace(result, hits=[replace(h, payload={k: v for k, v in h.payload.items()
                                                               if k not in self.strip}) for h in result.hits])
        return result


def counting_client(sample_index, **options):
    from indexer.index.sqlite import SQLiteIndex
    from webapp import create_app

    counting = CountingBackend(SQLiteIndex(sample_index, readonly=True), **options)
    return create_app(backend=counting, config={"TESTING": True}).test_client(), counting


def hit_links(body: str) -> list[str]:
    return re.findall(r'<h3 class="hit-title"><a href="([^"]+)"', body)


def test_hit_links_come_from_the_hit_alone(sample_index, app, docs):
    """A line item leads to /documents/<id>/tables/<n>?row=<r>, a form to its form, a section
    to its section, read from the hit's payload: the search page, the API and the CSV load
    no document."""
    client, counting = counting_client(sample_index)
    body = get(client, "/search?q=培训费&limit=50")
    api = client.get("/api/search?q=培训费&limit=50").get_json()
    csv_body = client.get("/search.csv?q=培训费").get_data(as_text=True)
    assert counting.calls["document"] == 0
    assert "/tables/" in csv_body

    real = app.extensions["disclosure_backend"]
    office = docs[JINCHENG_OFFICE]
    training = next(h for h in api["hits"] if h["name"] == "市政府办培训费")
    url = urlsplit(training["url"])
    n = int(url.path.rsplit("/", 1)[1])
    assert url.path == f"/documents/{office}/tables/{n}" and url.fragment == "r5"
    assert parse_qs(url.query) == {"row": ["5"], "q": ["培训费"]}
    assert real.document(office).parse_json["tables"][n]["title"] == training["location"]["table"]
    assert f"/documents/{office}/tables/{n}?row=5&amp;q=" in body
    for hit, href in zip(api["hits"], hit_links(body)):
        assert urlsplit(hit["url"]).path == urlsplit(href).path
        if hit["record_type"] == "section":
            assert urlsplit(href).path.endswith("/sections/" + hit["record_id"].rsplit(":", 1)[1])
        if hit["record_type"] == "form":
            assert re.search(r"/forms/\d+$", urlsplit(href).path)


def test_links_without_payload_indexes_load_each_document_once(sample_index):
    """An index whose records lack table_index/form_index (built before they existed): the
    same links, found in the document, each document loaded at most once per request."""
    fresh, _ = counting_client(sample_index)
    old, counting = counting_client(sample_index, strip=("table_index", "form_index"))
    url = "/search?q=培训费&limit=50"
    body = get(old, url)
    assert hit_links(body) == hit_links(get(fresh, url))
    documents = {href.split("/")[2] for href in hit_links(body)}
    assert 0 < counting.calls["document"] <= len(documents)


def test_figures_read_from_sentences_lead_to_their_section(sample_index, app):
    """A metric from the text carries its section (payload section_index), so the hit links to
    /sections/<n> without the search loading the document; /sections/at?line=… (the link of an
    index built before that) opens the same section."""
    client, counting = counting_client(sample_index)
    body = client.get("/api/search?type=metric&limit=100").get_json()
    sentence = next(h for h in body["hits"] if "/sections/" in h["url"] and "table" not in h["location"])
    assert counting.calls["document"] == 0
    line = sentence["location"]["line"]
    sections = app.extensions["disclosure_backend"].document(sentence["doc_id"]).parse_json["sections"]
    holding = [s for s in sections if "line" in s["location"]
               and s["location"]["line"] <= line <= s["location"].get("end_line", s["location"]["line"])]
    heading = f"<h1>{(holding[0]['heading_path'] or ['卷首'])[-1]}</h1>"
    url = urlsplit(sentence["url"])
    assert holding and heading in get(client, url.path + "?" + url.query)
    at = f"/documents/{sentence['doc_id']}/sections/at"
    assert heading in get(client, f"{at}?line={line}")
    get(client, at + "?line=abc", 400)
    assert client.get(at).status_code == 302  # no line: the document


def test_active_facets_cost_one_search_each(sample_index):
    client, counting = counting_client(sample_index)
    get(client, "/search?q=培训费")
    assert counting.calls["search"] == 1
    counting.calls.clear()
    body = get(client, "/search?q=培训费&year=2023&kind=budget")
    assert counting.calls["search"] == 3  # the results, then the year and kind facets widened
    assert link_with(body, "year", "2024")  # other years can still be added


def test_estimated_totals_and_sampled_facets_are_labelled(sample_index, client):
    """A backend that counts a very common word over a sample (exact_limit) says so."""
    from indexer.index.sqlite import SQLiteIndex
    from webapp import create_app

    bounded = create_app(backend=SQLiteIndex(sample_index, readonly=True, exact_limit=40, sample_size=160),
                         config={"TESTING": True}).test_client()
    counted = bounded.get("/api/search?q=经费").get_json()
    assert counted["total_exact"] is False and counted["facets_sample"]
    text = text_of(get(bounded, "/search?q=经费"))
    assert f"约 {counted['total']:,} 条结果" in text
    assert f"分面计数基于 {counted['facets_sample']:,} 条抽样估算" in text
    exact = text_of(get(client, "/search?q=经费"))
    assert "共 " in exact and "约 " not in exact and "抽样" not in exact


def test_facet_links_add_and_remove_filters_and_keep_the_rest(client):
    unit = "晋城市人民政府办公室"
    body = get(client, f"/search?q=培训费&unit={unit}")
    year_link = link_to(body, "2023年")
    args = args_of(year_link)
    assert args["q"] == ["培训费"] and args["unit"] == [unit] and args["year"] == ["2023"]
    narrowed = get(client, year_link)
    assert "共 8 条结果" in text_of(narrowed)
    # the active filters are chips that remove themselves, and the facet value unticks
    chip = link_to(narrowed, "年度：2023年")
    assert args_of(chip) == {"q": ["培训费"], "unit": [unit]}
    unit_chip = link_to(narrowed, f"单位：{unit}")
    assert args_of(unit_chip) == {"q": ["培训费"], "year": ["2023"]}
    assert 'aria-current="true"' in narrowed
    # another unit can still be added (its count ignores the unit filter)
    other = link_to(narrowed, "三门峡市人民政府办公室")
    assert args_of(other)["unit"] == [unit, "三门峡市人民政府办公室"]
    assert "晋城市财政局" not in text_of(narrowed)  # no 2023 training records there


def test_region_record_type_and_table_kind_facets(client):
    body = get(client, "/search?q=培训费")
    for param, value, label in (("region", "晋城市", "晋城市"), ("region", "云冈区", "云冈区"),
                                ("type", "form", "绩效目标表"), ("table_kind", "project_expenditure", "项目支出预算表")):
        href = link_with(body, param, value)
        assert args_of(href)["q"] == ["培训费"]
        assert label in dict(links(body))[href]
    narrowed = get(client, link_with(body, "region", "云冈区"))
    assert "共 2 条结果" in text_of(narrowed) and "地区：云冈区" in text_of(narrowed)
    forms = get(client, "/search?q=培训费&type=form")
    assert "共 3 条结果" in text_of(forms)
    assert "记录类型：绩效目标表" in text_of(forms)


def test_amount_range_with_money_unit(client):
    body = get(client, "/search?q=培训费&min=20&unit_money=万元")
    text = text_of(body)
    assert "金额：≥ 20万元" in text
    assert all("5.00万元" != m for m in re.findall(r'class="amount">([^<]+)<', body))
    same = get(client, "/search?q=培训费&min=200000&unit_money=元")
    assert re.findall(r"共 <strong>(\d+)</strong>", same) == re.findall(r"共 <strong>(\d+)</strong>", body)
    # the amount form keeps its values and the other state
    assert 'name="min" value="20"' in body
    assert '<option value="万元" selected>' in body
    assert re.search(r'<input type="hidden" name="q" value="培训费">', body)


def test_query_language_amounts_and_description(client):
    body = get(client, "/search?q=项目支出≥100万")
    text = text_of(body)
    assert "项目支出；金额 ≥ 100万元" in text
    amounts = re.findall(r'class="amount">([\d,.]+)万元<', body)
    assert amounts and all(float(a.replace(",", "")) >= 100 for a in amounts)


def test_sort_by_amount_descending(client):
    body = get(client, "/search?q=培训费&sort=-amount")
    values = []
    for raw in re.findall(r'class="amount">([^<]+)<', body):
        number = float(re.sub(r"[^\d.]", "", raw))
        values.append(number * (10000 if "万元" in raw else 1))
    assert values == sorted(values, reverse=True) and len(values) > 3
    assert '<option value="-amount" selected>' in body
    # the sort survives facet links and pagination links
    assert args_of(link_to(body, "2023年"))["sort"] == ["-amount"]


def test_pagination_counts_and_links(client):
    body = get(client, "/search?q=培训费&limit=5")
    text = text_of(body)
    assert "共 21 条结果" in text and "第 1 / 5 页" in text
    next_link = link_to(body, "下一页")
    assert args_of(next_link)["page"] == ["2"] and args_of(next_link)["q"] == ["培训费"]
    page2 = get(client, next_link)
    assert 'aria-current="page">2<' in page2
    assert '<ol class="hit-list" start="6">' in page2
    beyond = get(client, "/search?q=培训费&limit=5&page=50")
    assert "没有第 50 页" in text_of(beyond) and "前往最后一页" in text_of(beyond)


def test_page_beyond_the_cap_shows_a_message(client):
    body = get(client, "/search?q=培训费&page=99999", 400)
    text = text_of(body)
    assert "没有第 99999 页" in text and "501" in text
    assert "回到第 1 页" in text


def test_exports_and_feed_links_carry_the_search(client, app):
    body = get(client, "/search?q=培训费&year=2023&sort=-amount&page=2&limit=5")
    for path in ("/search.csv", "/search.xlsx", "/search.atom"):
        href = next(h for h, _ in links(body) if h.startswith(path + "?"))
        args = args_of(href)
        assert args["q"] == ["培训费"] and args["year"] == ["2023"] and args["sort"] == ["-amount"]
        assert "page" not in args and "limit" not in args
    assert f"{app.config['EXPORT_LIMIT']:,}" in text_of(body)
    assert 'type="application/atom+xml"' in body


def test_every_state_is_in_the_url(client):
    body = get(client, "/search?q=培训费&unit=晋城市财政局&year=2024&min=1&unit_money=万元&sort=amount")
    assert 'method="get"' in body and 'method="post"' not in body.lower()
    for name, value in (("unit", "晋城市财政局"), ("year", "2024"), ("sort", "amount")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in body


def test_empty_results_help(client):
    body = get(client, "/search?q=不存在的词语zzqq&year=2023")
    text = text_of(body)
    assert "没有找到与“不存在的词语zzqq”相符的记录" in text
    assert "去掉 年度：2023年" in text
    assert args_of(link_to(body, "培训费"))["q"] == ["培训费"]


def test_browse_without_query(client):
    body = get(client, "/search")
    assert "您搜索的是： 全部记录" in text_of(body) or "您搜索的是：全部记录" in text_of(body)
    assert "共 878 条结果" in text_of(body)


@pytest.mark.parametrize("query, parameter", [
    ("year=20x3", "year"),
    ("year=1800", "year"),
    ("min=abc", "min"),
    ("max=-5", "max"),
    ("min=10&max=1", "min"),
    ("sort=price", "sort"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("limit=1000", "limit"),
    ("kind=mixed", "kind"),
    ("type=nothing", "type"),
    ("table_kind=nothing", "table_kind"),
    ("unit_money=美元", "unit_money"),
    ("q=金额>=abc万", "金额"),
])
def test_bad_parameters_get_a_400_page_naming_them(client, query, parameter):
    body = get(client, f"/search?{query}", 400)
    assert "请求有误" in body
    assert f"<code>{parameter}</code>" in body or f"<strong>{parameter}</strong>" in body
    assert "Traceback" not in body


def test_overlong_urls_are_refused_politely(client):
    body = get(client, "/search?q=" + "培" * 600, 400)
    assert "搜索词" in body
    body = get(client, "/search?" + "&".join(f"x{i}=1" for i in range(800)), 414)
    assert "网址过长" in body
    assert client.post("/search").status_code == 405


def test_api_errors_are_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and "error" in response.get_json()


# ------------------------------------------------------------------ document, table, form, section

def test_document_page(client, docs):
    doc_id = docs[FINANCE_BUREAU]
    body = get(client, f"/documents/{doc_id}")
    text = text_of(body)
    assert "晋城市财政局2024年度部门预算公开" in text
    for label in ("单位 晋城市财政局", "年度 2024年", "类型 预算", "范围 部门", "地区 山西省 晋城市"):
        assert label in text
    # key metrics, one per key, table figure first with its source
    assert text.count("收入总计") >= 1 and "4,585.44万元" in text
    assert link_to(body, "2024年预算收支总表 › 表内第35行").startswith(f"/documents/{doc_id}/tables/0?row=35")
    assert "一致性检查提示" in text and "1,184,70" in text
    # tables of contents
    assert f'href="/documents/{doc_id}/tables/11"' in body
    assert f'href="/documents/{doc_id}/forms/0"' in body
    assert f'href="/documents/{doc_id}/sections/1"' in body
    assert f'href="/documents/{doc_id}/file"' in body


def test_final_account_document_lists_self_evaluations(client, docs):
    doc_id = docs[SANMENXIA]
    body = get(client, f"/documents/{doc_id}")
    text = text_of(body)
    assert "项目绩效自评" in text and "2023培训费" in text and "12.14%" in text
    assert "类型 决算" in text


def test_table_page(client, docs):
    doc_id = docs[JINCHENG_OFFICE]
    body = get(client, f"/documents/{doc_id}/tables/11?row=5")
    text = text_of(body)
    assert "2023年项目支出预算表（本年预算）" in text
    assert "单位：万元" in text
    assert re.search(r'<tr id="r5" class="is-match"[^>]*>', body)
    row = re.search(r'<tr id="r5".*?</tr>', body, re.DOTALL).group(0)
    assert "市政府办培训费" in row and '<td class="num">25.00</td>' in row
    assert 'colspan="3"' in body  # 2023年财政拨款 spans its three columns
    # rows are numbered the way locations count them (header rows first)
    assert '<tr id="r1"' in body and '<tr id="r4"' in body


def test_table_row_numbers_match_line_item_locations(client, app):
    backend = app.extensions["disclosure_backend"]
    for summary in backend.documents():
        pj = backend.document(summary.doc_id).parse_json
        for item in pj["line_items"][:40]:
            location = item["location"]
            table = next(t for t in pj["tables"] if t["title"] == location["table"])
            rows = table["header"] + table["rows"]
            assert item["name"].replace(" ", "")[:2] in "".join(rows[location["row"] - 1]).replace(" ", ""), item


def test_table_highlights_query_words_and_handles_missing_rows(client, docs):
    doc_id = docs[JINCHENG_OFFICE]
    body = get(client, f"/documents/{doc_id}/tables/11?q=培训费")
    assert "<mark>培训费</mark>" in body
    stale = get(client, f"/documents/{doc_id}/tables/11?row=999")
    assert "这张表没有第 999 行" in text_of(stale)
    get(client, f"/documents/{doc_id}/tables/11?row=abc", 400)
    get(client, f"/documents/{doc_id}/tables/11?row=-1", 400)


@pytest.mark.parametrize("path", ["tables/999", "tables/-1", "forms/999", "sections/999", "tables/x"])
def test_out_of_range_indexes_are_404(client, docs, path):
    body = get(client, f"/documents/{docs[FINANCE_BUREAU]}/{path}", 404)
    assert "找不到" in body or "没有" in body


def test_form_page_has_all_fields_and_both_sides(client, docs):
    doc_id = docs[FINANCE_BUREAU]
    body = get(client, f"/documents/{doc_id}/forms/0")
    text = text_of(body)
    for field in ("办公楼及办公区零星维修", "015-晋城市财政局", "经常性项目（长期开展）", "99年",
                  "287,600.00元", "市县(区)财政资金", "项目概况", "立项依据", "总体目标（年度）"):
        assert field in text, field
    assert "实施期绩效目标" in text and "年度绩效目标" in text
    for header in ("一级指标", "二级指标", "三级指标", "指标值"):
        assert header in text
    assert "墙面粉刷面积" in text and "≤3200m" in text
    assert 'rowspan="' in body  # 一级/二级 grouped as the printed form
    assert link_to(body, "下一张").endswith(f"/documents/{doc_id}/forms/1")


def test_section_page_highlights_query(client, docs):
    doc_id = docs[FINANCE_BUREAU]
    body = get(client, f"/documents/{doc_id}/sections/1?q=财政")
    assert "<mark>财政</mark>" in body
    assert "本节中标出了" in text_of(body)
    plain = get(client, f"/documents/{doc_id}/sections/1")
    assert "<mark>" not in plain and "一、本部门职责" in plain


@pytest.mark.parametrize("url", [
    "/documents/0000000000000000",
    "/documents/nope/tables/0",
    "/documents/0000000000000000/file",
    "/documents/..%2F..%2Fetc%2Fpasswd/file",
    "/documents/..%2Fdata%2F2023-final-sanmenxia-government-office.txt/file",
    "/documents/%2Fetc%2Fpasswd/file",
    "/documents/../../etc/passwd",
    "/documents/..",
    "/documents/%2e%2e/file",
    "/documents/C:%5Cwindows%5Cwin.ini/file",
])
def test_unknown_or_path_like_doc_ids_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404, url
    body = response.get_data(as_text=True)
    assert "root:" not in body and "Traceback" not in body


def test_original_file_is_served_through_the_index(client, docs):
    doc_id = docs[SANMENXIA]
    response = client.get(f"/documents/{doc_id}/file")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.data == (DATA / SANMENXIA).read_bytes()
    response.close()


def test_security_headers_on_pages(client, docs):
    for url in ("/", "/search?q=培训费", f"/documents/{docs[FINANCE_BUREAU]}", "/documents/nope"):
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
        body = response.get_data(as_text=True)
        assert "<script>" not in body and " style=" not in body, url  # nothing inline


def test_print_and_accessibility_basics(client, docs):
    body = get(client, f"/documents/{docs[JINCHENG_OFFICE]}/tables/11")
    assert 'class="skip-link" href="#main"' in body
    assert '<main id="main"' in body
    assert 'aria-label="位置"' in body  # breadcrumbs
    assert "<caption" in body and 'scope="col"' in body


# ------------------------------------------------------------------ hostile document text

@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """A sample whose text carries markup, indexed into its own SQLite file."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest
    from webapp import create_app

    folder = tmp_path_factory.mktemp("hostile")
    text = (DATA / SANMENXIA).read_text(encoding="utf-8")
    section = "（二）围绕市政府中心工作和市政府领导同志批示，组织专题调查研究。"
    assert section in text and "\t2023培训费\t" in text
    text = text.replace(section, "（二）<script>alert(1)</script>围绕市政府中心工作，组织专题调查研究。")
    text = text.replace("\t2023培训费\t", "\t2023培训费<script>alert(2)</script>\t")
    source = folder / "hostile-final.txt"
    source.write_text(text, encoding="utf-8")
    index = folder / "index.sqlite"
    backend = SQLiteIndex(index)
    report = ingest([source], backend, workers=1, progress=False)
    assert report.counts()["indexed"] == 1, report.to_json()
    backend.close()
    app = create_app(index)
    app.config.update(TESTING=True)
    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    return app, doc_id, source


def test_document_text_with_script_renders_inert(hostile_app):
    app, doc_id, _ = hostile_app
    client = app.test_client()
    pages = [
        "/search?q=alert",
        "/search?q=培训费",
        f"/documents/{doc_id}",
        f"/documents/{doc_id}/sections/1?q=alert",
        f"/documents/{doc_id}/sections/1",
    ]
    backend = app.extensions["disclosure_backend"]
    pj = backend.document(doc_id).parse_json
    table = next(i for i, t in enumerate(pj["tables"]) if t["title"] == "项目单位自评汇总表")
    pages.append(f"/documents/{doc_id}/tables/{table}?q=alert")
    seen = 0
    for url in pages:
        body = get(client, url)
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;" in body, url
        unmarked = body.replace("<mark>", "").replace("</mark>", "")
        seen += "&lt;script&gt;alert(1)" in unmarked or "&lt;script&gt;alert(2)" in unmarked
    assert seen == len(pages)


def test_query_echo_is_escaped(client):
    body = get(client, "/search?q=<script>alert(3)</script>")
    assert "<script>alert(3)" not in body
    assert "&lt;script&gt;alert(3)" in body
    bad = get(client, "/search?year=<b>x</b>", 400)
    assert "<b>x</b>" not in bad


def test_file_gone_is_404_and_page_still_works(hostile_app, tmp_path):
    app, doc_id, source = hostile_app
    client = app.test_client()
    assert client.get(f"/documents/{doc_id}/file").status_code == 200
    moved = tmp_path / "moved.txt"
    shutil.move(source, moved)
    try:
        response = client.get(f"/documents/{doc_id}/file")
        assert response.status_code == 404
        assert "原始文件" in response.get_data(as_text=True)
        assert client.get(f"/documents/{doc_id}").status_code == 200
    finally:
        shutil.move(moved, source)


def test_unexpected_errors_are_a_500_page_without_details(sample_index):
    from webapp import create_app

    app = create_app(sample_index)  # a fresh app, with one route that fails

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.route("/api/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "服务器出错了" in body and "secret internal detail" not in body and "Traceback" not in body
    api = client.get("/api/boom")
    assert api.status_code == 500 and api.is_json and "secret" not in api.get_data(as_text=True)


# ------------------------------------------------------------------ a PDF original

@pytest.fixture(scope="module")
def pdf_app(tmp_path_factory):
    """A sample drawn as a real PDF (tests/pdf_factory.py) and indexed on its own."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest
    from tests.pdf_factory import render_text_extraction_as_pdf
    from webapp import create_app

    folder = tmp_path_factory.mktemp("pdf")
    pdf = render_text_extraction_as_pdf(DATA / JINCHENG_OFFICE, folder / "jincheng-office.pdf")
    backend = SQLiteIndex(folder / "index.sqlite")
    assert ingest([pdf], backend, workers=1, progress=False).counts()["indexed"] == 1
    backend.close()
    app = create_app(folder / "index.sqlite")
    app.config.update(TESTING=True)
    doc_id = app.extensions["disclosure_backend"].documents()[0].doc_id
    return app, doc_id, Path(pdf)


def test_pdf_original_opens_at_the_page_of_the_record(pdf_app):
    app, doc_id, _pdf = pdf_app
    client = app.test_client()
    body = get(client, "/search?q=培训费")
    page_links = [h for h, label in links(body) if h.startswith(f"/documents/{doc_id}/file#page=")]
    assert page_links and all(re.fullmatch(r".*#page=\d+", h) for h in page_links)
    assert re.search(r"第\d+页", text_of(body))
    pj = app.extensions["disclosure_backend"].document(doc_id).parse_json
    n = next(i for i, t in enumerate(pj["tables"]) if t["kind"] == "project_expenditure")
    page = pj["tables"][n]["location"]["page"]
    table = get(client, f"/documents/{doc_id}/tables/{n}")
    assert f'href="/documents/{doc_id}/file#page={page}"' in table
    assert f"查看原文（第{page}页）" in text_of(table)
    document = get(client, f"/documents/{doc_id}")
    assert re.search(rf'href="/documents/{doc_id}/file#page=\d+"', document)


def test_pdf_original_is_served_inline_as_pdf(pdf_app):
    app, doc_id, pdf = pdf_app
    response = app.test_client().get(f"/documents/{doc_id}/file")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.data == pdf.read_bytes()
    # the browser's PDF viewer may embed the file itself, nothing else
    assert "object-src 'self'" in response.headers["Content-Security-Policy"]
    response.close()


def test_document_list_pages(client, monkeypatch):
    from webapp.views import pages

    monkeypatch.setattr(pages, "DOCUMENTS_PER_PAGE", 3)
    first, second = get(client, "/documents"), get(client, "/documents?page=2")
    assert "第 1 / 2 页" in first and 'href="/documents?page=2"' in first
    assert first.count('<th scope="row">') == 3 and second.count('<th scope="row">') == 1
    get(client, "/documents?page=3", 400)
    monkeypatch.setattr(pages, "HOME_DOCUMENTS", 2)
    home = get(client, "/")
    assert home.count('<th scope="row">') == 2 and "全部 4 份文档" in home
