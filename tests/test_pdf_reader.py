"""The PDF reader on real PDFs drawn by tests/pdf_factory.py: text, ruled tables, tables split
across pages, and every kind of file it must refuse with a reason instead of a traceback."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from indexer.readers import Paragraph, TableBlock, UnreadableDocument, read_blocks

ROOT = Path(__file__).resolve().parent.parent
from indexer.readers.pdf import _cell_text, read_pdf
from tests.pdf_factory import (
    SCANNED_PAGE,
    Overprinted,
    make_corrupt_pdf,
    make_encrypted_pdf,
    make_garbled_pdf,
    make_pdf,
    make_scanned_pdf,
    make_zero_page_pdf,
    render_text_extraction_as_pdf,
)

DATA = Path(__file__).resolve().parent.parent / "data"

HEADER = ["项目名称", "合计", "一般公共预算"]
BUDGET_ROWS = [
    HEADER,
    ["办公费", "12.30", "12.30"],
    ["培训费", "25.00", "25.00"],
    ["公务用车运行维护费", "10.20", "10.20"],
]


def paragraphs(result) -> list[tuple[str, int]]:
    return [(b.text, b.location.page) for b in result.blocks if isinstance(b, Paragraph)]


def tables(result) -> list[TableBlock]:
    return [b for b in result.blocks if isinstance(b, TableBlock)]


# ---------------------------------------------------------------- text and tables


def test_paragraphs_come_back_in_order_with_their_pages(tmp_path):
    pdf = make_pdf(tmp_path / "p.pdf", [
        ["晋城市人民政府办公室", "2023年度单位预算公开", "第一部分 概况"],
        ["一、本单位职责", "1、负责市政府各类会议的组织实施工作。"],
    ])
    result = read_pdf(pdf)
    assert result.pages == 2
    assert result.warnings == []
    assert paragraphs(result) == [
        ("晋城市人民政府办公室", 1), ("2023年度单位预算公开", 1), ("第一部分 概况", 1), ("- 1 -", 1),
        ("一、本单位职责", 2), ("1、负责市政府各类会议的组织实施工作。", 2), ("- 2 -", 2),
    ]


def test_ruled_table_comes_back_as_the_exact_grid_between_its_paragraphs(tmp_path):
    pdf = make_pdf(tmp_path / "t.pdf", [["2023年一般公共预算“三公”经费支出预算表", "单位：万元",
                                         BUDGET_ROWS, "注：无"]], page_numbers="none")
    result = read_pdf(pdf)
    kinds = [type(b).__name__ for b in result.blocks]
    assert kinds == ["Paragraph", "Paragraph", "TableBlock", "Paragraph"]
    table = tables(result)[0]
    assert table.rows == BUDGET_ROWS
    assert ["培训费", "25.00", "25.00"] in table.rows
    assert table.location.page == 1 and table.after_break is False
    assert table.row_locations[2].page == 1 and table.row_locations[2].row == 3
    assert len(table.row_locations) == len(BUDGET_ROWS)
    assert paragraphs(result)[-1] == ("注：无", 1)


def test_wrapped_cell_is_rejoined_without_spaces_between_chinese_characters(tmp_path):
    label = "市委市政府督查办设备购置费" * 7  # wider than the page: the factory wraps it
    pdf = make_pdf(tmp_path / "w.pdf", [[[["项目名称", "合计"], [label, "19.51"]]]])
    table = tables(read_pdf(pdf))[0]
    assert table.rows[1] == [label, "19.51"]


def test_cell_text_joins_lines_by_script():
    assert _cell_text("财政专户管理\n资金") == "财政专户管理资金"
    assert _cell_text("Total\namount") == "Total amount"
    assert _cell_text("2023\n年") == "2023 年"
    assert _cell_text(None) == ""
    assert _cell_text("  25.00 \n") == "25.00"


def test_page_without_rules_reads_like_a_page_with_rules(tmp_path):
    # The first page has no paths (pypdfium2 text path), the second has a table (pdfplumber).
    lines = ["第三部分 2023年度单位预算情况说明", "一、收入预算1,870.92万元，占100.00%。"]
    pdf = make_pdf(tmp_path / "m.pdf", [lines, lines + [BUDGET_ROWS]], page_numbers="none")
    result = read_pdf(pdf)
    assert paragraphs(result) == [(lines[0], 1), (lines[1], 1), (lines[0], 2), (lines[1], 2)]
    assert tables(result)[0].rows == BUDGET_ROWS


def test_overprinted_bold_is_read_once_on_both_paths(tmp_path):
    pdf = make_pdf(tmp_path / "bold.pdf", [
        [Overprinted("第一部分 概况"), "正文"],  # no rules: pypdfium2
        [Overprinted("2023年预算收支总表"), BUDGET_ROWS],  # rules: pdfplumber
    ], page_numbers="none")
    result = read_pdf(pdf)
    assert paragraphs(result) == [("第一部分 概况", 1), ("正文", 1), ("2023年预算收支总表", 2)]
    assert tables(result)[0].rows == BUDGET_ROWS


# ---------------------------------------------------------------- tables across pages


@pytest.mark.parametrize("page_numbers", ["bottom", "top", "none"])
def test_table_split_over_two_pages_is_two_blocks_the_second_after_a_break(tmp_path, page_numbers):
    first, second = BUDGET_ROWS[:3], [["差旅费", "8.00", "8.00"], ["印刷费", "1.50", "1.50"]]
    pdf = make_pdf(tmp_path / "s.pdf", [["2023年项目支出预算表（本年预算）", first], [second]],
                   page_numbers=page_numbers)
    parts = tables(read_pdf(pdf))
    assert [t.rows for t in parts] == [first, second]
    assert parts[0].after_break is False and parts[0].location.page == 1
    assert parts[1].after_break is True and parts[1].location.page == 2
    assert [loc.page for loc in parts[1].row_locations] == [2, 2]


def test_table_after_text_on_a_new_page_is_not_a_continuation(tmp_path):
    pdf = make_pdf(tmp_path / "n.pdf", [[BUDGET_ROWS], ["2023年机关运行经费预算表", BUDGET_ROWS]])
    parts = tables(read_pdf(pdf))
    assert [(t.location.page, t.after_break) for t in parts] == [(1, True), (2, False)]


def test_long_table_overflowing_the_page_comes_back_complete(tmp_path):
    rows = [HEADER] + [[f"科目{n:03d}", f"{n}.00", f"{n}.00"] for n in range(1, 81)]
    pdf = make_pdf(tmp_path / "long.pdf", [["2023年预算支出总表", rows]])
    parts = tables(read_pdf(pdf))
    assert len(parts) == 2
    assert parts[0].rows + parts[1].rows == rows
    assert parts[1].after_break and parts[1].location.page == 2


# ---------------------------------------------------------------- pages and files it cannot read


def test_image_only_page_in_a_text_document_is_skipped_with_a_warning(tmp_path):
    pdf = make_pdf(tmp_path / "mixed.pdf", [["第一页正文"], SCANNED_PAGE, ["第三页正文", BUDGET_ROWS]])
    result = read_pdf(pdf)
    assert result.pages == 3
    assert result.warnings == ["第2页没有文本层（可能是扫描件），已跳过 (page 2 has no text layer)"]
    assert ("第一页正文", 1) in paragraphs(result) and ("第三页正文", 3) in paragraphs(result)
    assert {b.location.page for b in result.blocks} == {1, 3}
    assert tables(result)[0].rows == BUDGET_ROWS


def unreadable(path: Path) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read_blocks(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return caught.value


def test_scanned_pdf_is_refused_as_scanned(tmp_path):
    error = unreadable(make_scanned_pdf(tmp_path / "scan.pdf"))
    assert error.reason == "scanned"
    assert "扫描件" in str(error) and "(scanned PDF" in str(error)


def test_encrypted_pdf_is_refused_as_encrypted(tmp_path):
    error = unreadable(make_encrypted_pdf(tmp_path / "locked.pdf"))
    assert error.reason == "encrypted"
    assert "加密" in str(error) and "password" in str(error)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdf_is_refused_as_corrupt(tmp_path, keep):
    error = unreadable(make_corrupt_pdf(tmp_path / "cut.pdf", keep=keep))
    assert error.reason == "corrupt"
    assert "损坏" in str(error)


def test_pdf_missing_its_eof_marker_is_read_with_a_warning(tmp_path):
    data = make_pdf(tmp_path / "whole.pdf", [["正文", BUDGET_ROWS]]).read_bytes()
    path = tmp_path / "no-eof.pdf"
    path.write_bytes(data[: data.rindex(b"%%EOF")])
    result = read_blocks(path)
    assert result.warnings == ["文件末尾缺少%%EOF标记，可能不完整 (no %%EOF marker: the file may be truncated)"]
    assert tables(result)[0].rows == BUDGET_ROWS


def test_zero_page_pdf_is_refused_as_empty(tmp_path):
    assert unreadable(make_zero_page_pdf(tmp_path / "zero.pdf")).reason == "empty"


def test_pdf_without_unicode_map_is_refused_as_garbled(tmp_path):
    error = unreadable(make_garbled_pdf(tmp_path / "cid.pdf", pages=2))
    assert error.reason == "garbled"
    assert "无法解码" in str(error)


def test_zero_byte_pdf_is_refused(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert unreadable(path).reason == "empty"


def test_random_junk_named_pdf_is_refused_as_corrupt(tmp_path):
    junk = random.Random(7).randbytes(5000)
    plain = tmp_path / "junk.pdf"
    plain.write_bytes(junk)
    with_header = tmp_path / "junk-header.pdf"
    with_header.write_bytes(b"%PDF-1.7\n" + junk)
    assert unreadable(plain).reason == "corrupt"
    assert unreadable(with_header).reason == "corrupt"


def test_damaged_bytes_never_escape_as_another_exception(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", [["第一页正文", BUDGET_ROWS], ["第二页正文"]]).read_bytes()
    rng = random.Random(11)
    outcomes = set()
    for n in range(12):
        data = bytearray(good)
        start = rng.randrange(0, len(data) - 300)
        data[start:start + 300] = rng.randbytes(300)
        path = tmp_path / f"damaged-{n}.pdf"
        path.write_bytes(bytes(data))
        try:
            result = read_blocks(path)
            outcomes.add("read")
            assert result.pages in (1, 2)
        except UnreadableDocument as error:
            outcomes.add(error.reason)
    assert outcomes <= {"read", "corrupt", "scanned", "garbled", "empty", "encrypted"}


# ---------------------------------------------------------------- a real disclosure, drawn back


@pytest.fixture(scope="module")
def jincheng(tmp_path_factory):
    pdf = tmp_path_factory.mktemp("jincheng") / "jincheng.pdf"
    render_text_extraction_as_pdf(DATA / "2023-budget-jincheng-city-government-office.txt", pdf)
    return read_blocks(pdf)


def test_rendered_disclosure_keeps_its_project_table_rows(jincheng):
    rows = [row for t in tables(jincheng) for row in t.rows]
    assert ["市政府办培训费", "25.00", "25.00", "", "", "", ""] in rows
    assert ["市委市政府督查办设备购置 费", "19.51", "19.51", "", "", "", ""] in rows
    assert any(row[:2] == ["晋城市人民政府办公室", "224.89"] for row in rows)


def test_rendered_disclosure_keeps_its_titles_and_pages(jincheng):
    texts = [text for text, _ in paragraphs(jincheng)]
    assert "2023年项目支出预算表（本年预算）" in texts
    assert "2023年预算收支总表" in texts
    assert jincheng.pages and jincheng.pages > 10
    assert jincheng.warnings == []
    pages = [b.location.page for b in jincheng.blocks]
    assert pages == sorted(pages) and pages[-1] == jincheng.pages
    # Long tables continue on the next page, the continuation marked for the parser.
    assert any(t.after_break and t.location.page > 1 for t in tables(jincheng))


# ---- the whole pipeline on PDFs ---------------------------------------------------------

@pytest.mark.parametrize("sample", [
    "2023-budget-jincheng-city-government-office", "2023-budget-datong-yungang-government-office",
])
def test_a_pdf_of_a_sample_parses_like_its_text_extraction(tmp_path, sample):
    """Render the text extraction as a ruled PDF (tables split across pages as real PDFs
    are) and parse both: project items, forms and table metrics must agree."""
    from indexer.parsers.document import parse_file

    source = ROOT / "data" / f"{sample}.txt"
    pdf = render_text_extraction_as_pdf(source, tmp_path / f"{sample}.pdf")
    from_pdf, from_text = parse_file(pdf), parse_file(source)

    def projects(document):
        return [(i.name, i.amount_yuan, i.group, i.is_subtotal) for i in document.line_items
                if i.table_kind in ("project_expenditure", "project_carryover")]

    assert projects(from_pdf) == projects(from_text) and projects(from_text)
    assert [(f.project, f.annual_funds_yuan, f.total_funds_yuan) for f in from_pdf.forms] == \
        [(f.project, f.annual_funds_yuan, f.total_funds_yuan) for f in from_text.forms]
    table_metrics = lambda d: {m.key: m.value for m in d.metrics if m.source.table}  # noqa: E731
    assert table_metrics(from_pdf) == table_metrics(from_text)
    assert from_pdf.document == from_text.document
    assert all(i.location.page for i in from_pdf.line_items)
