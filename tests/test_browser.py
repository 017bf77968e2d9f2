"""The three user stories in a real browser: Debian's headless Chromium driven by
Playwright against `disclosure serve` (gunicorn) on loopback. Screenshots are saved to
tests/artifacts/ for a person to look at.

Skipped, with the reason, when Chromium is not installed (scripts/install-test-deps.sh
installs it as part of the README's test command).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="browser tests skipped: Debian chromium is not installed "
                             "(run scripts/install-test-deps.sh as root)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_index):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(sample_index), "--port", str(port),
         "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode())
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("the server did not start within 30 s")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def amounts_in_wan(page) -> list[float]:
    """The amounts shown on the results page, read as a person reads them."""
    values = []
    for text in page.locator(".hit .hit-amount .amount").all_inner_texts():
        text = text.replace(",", "")
        if text.endswith("万元"):
            values.append(float(text[:-2]))
        elif text.endswith("元"):
            values.append(float(text[:-1]) / 10000)
    return values


def test_citizen_searches_training_narrows_and_opens_the_sources(server, page, tmp_path):
    page.goto(server + "/")
    assert page.title() and "预算" in page.inner_text("body")
    shot(page, "01-home")
    page.fill("input[name=q]", "培训费")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert "培训费" in page.inner_text(".hit-list")
    assert page.locator(".hit mark").count() > 0
    shot(page, "02-results-training")

    # Narrow by a year facet: every hit is then from 2023.
    page.locator("a.facet-link", has_text="2023").first.click()
    page.wait_for_url("**year=2023**")
    years = page.locator(".hit").all_inner_texts()
    assert years and all("2023" in text for text in years)
    shot(page, "03-results-2023")

    # An amount filter in 万元: at least 20万元.
    page.fill("input[name=min]", "20")
    page.select_option("select[name=unit_money]", "万元")
    page.get_by_role("button", name="应用金额条件").click()
    page.wait_for_url("**min=20**")
    amounts = amounts_in_wan(page)
    assert amounts and all(a >= 20 for a in amounts)
    assert "25.00万元" in page.inner_text(".hit-list")
    shot(page, "04-results-min-20-wan")

    # Download the whole result set as CSV.
    with page.expect_download() as download_info:
        page.get_by_text("下载 CSV").click()
    target = tmp_path / "results.csv"
    download_info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").strip().splitlines()
    assert len(lines) >= 3 and "单位" in lines[0] and any("培训" in line for line in lines[1:])

    # Open a performance form from the results.
    form_hit = page.locator(".hit--form .hit-title a").first
    name = form_hit.inner_text()
    form_hit.click()
    page.wait_for_url("**/forms/**")
    body = page.inner_text("body")
    assert name in body and "年度" in body and "实施期" in body and "≥" in body
    shot(page, "05-form")

    # Back to the results and into the table a project row came from.
    page.go_back()
    page.locator(".hit--line_item .hit-title a").first.click()
    page.wait_for_url("**/tables/**")
    assert "单位：万元" in page.inner_text("body")
    assert page.locator("tr.is-highlighted, tr[aria-current], tr.highlight, tr.is-matched").count() >= 1
    shot(page, "06-table")


def test_journalist_filters_by_amount_and_sorts(server, page):
    page.goto(server + "/search?q=" + "项目支出≥100万")
    page.select_option("select[name=sort]", "-amount")
    page.wait_for_url("**sort=-amount**")
    amounts = amounts_in_wan(page)
    assert amounts and amounts == sorted(amounts, reverse=True) and min(amounts) >= 100
    assert "第" in page.inner_text(".hit-list")  # every hit says where it came from
    shot(page, "07-journalist-sorted")


def test_civil_servant_finds_last_years_project_form(server, page):
    page.goto(server + "/search?q=OA协同办公系统运维费&type=form")
    page.locator(".hit--form .hit-title a").first.click()
    page.wait_for_url("**/forms/**")
    body = page.inner_text("body")
    assert "OA协同办公系统和门户网站运维费" in body and "系统维护次数" in body and "137" in body
    shot(page, "08-civil-servant-form")


def test_phone_layout(server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/search?q=培训费")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "no sideways scrolling of the whole page on a phone"
    shot(page, "09-phone-results")
    context.close()


def test_question_from_the_home_box_then_a_comparison(server, page, browser):
    """Ask from the home page's search box: the answer, its figure and its evidence stand above
    the results, and the evidence leads to the table row. Then /compare: chart and table."""
    page.goto(server + "/")
    page.fill("input[name=q]", "晋城市财政局2024年“三公”经费预算是多少？")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    answer = page.locator("section.answer")
    assert answer.is_visible()
    assert page.locator(".answer-figure").inner_text() == "4.00万元"
    text = answer.inner_text()
    assert "40,000元" in text and "2024年财政拨款安排“三公”经费支出预算表" in text
    assert answer.locator(".evidence").count() >= 2
    assert answer.locator(".evidence .excerpt").first.is_visible()
    results = page.locator(".search-layout")
    assert answer.bounding_box()["y"] < results.bounding_box()["y"], "the answer stands above the results"
    shot(page, "10-question-answer")

    # The first evidence's location opens the table at its row.
    answer.locator(".evidence").first.locator(".source-path a", has_text="表内第8行").click()
    page.wait_for_url("**/tables/**")
    assert "row=8" in page.url and page.locator("tr.is-match").count() == 1
    assert "4.00" in page.locator("tr.is-match").inner_text()

    # A question the documents cannot answer: 无相关数据, and what was found instead.
    page.goto(server + "/ask?q=" + "晋城市财政局2023年“三公”经费是多少？")
    none = page.locator("section.answer--none")
    assert none.is_visible() and "无相关数据" in none.inner_text()
    assert page.locator(".answer-figure").count() == 0 and page.locator(".nearest").count() >= 1
    shot(page, "11-ask-not-found")

    page.goto(server + "/compare?measure=三公经费")
    chart = page.locator("figure.chart-figure svg.chart")
    assert chart.is_visible()
    assert chart.locator("rect.bar").count() == 5  # four budgets, one 决算
    table = page.locator("table.compare-table")
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert "7.42" in rows.filter(has_text="三门峡").inner_text()
    assert chart.bounding_box()["width"] > 600
    shot(page, "12-compare-three-public")

    # A unit's projects over the years, from its row of the comparison.
    rows.filter(has_text="晋城市人民政府办公室").get_by_role("link", name="项目历史").click()
    page.wait_for_url("**/projects?unit=**")
    assert page.locator(".history").count() >= 5
    assert page.locator(".history-table a").first.is_visible()
    shot(page, "15-project-histories")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    for path, name in (("/search?q=晋城市财政局2024年“三公”经费预算是多少？", "13-phone-question-answer"),
                       ("/compare?measure=三公经费", "14-phone-compare")):
        small.goto(server + path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 400, path
        shot(small, name)
    assert small.locator("svg.chart rect.bar").count() == 5
    phone.close()
