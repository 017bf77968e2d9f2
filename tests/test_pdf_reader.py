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
def jincheng_pdf(tmp_path_factory):
    pdf = tmp_path_factory.mktemp("jincheng") / "jincheng.pdf"
    return render_text_extraction_as_pdf(DATA / "2023-budget-jincheng-city-government-office.txt", pdf)


@pytest.fixture(scope="module")
def jincheng(jincheng_pdf):
    return read_blocks(jincheng_pdf)


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


_WITHOUT_SYSTEM_FONTS = """
import ctypes, json, sys
import pypdfium2.raw as raw
from pypdfium2 import _library_scope
from pypdfium2.internal import bases
# pdfium again, told to look for fonts in an empty folder only: as on a server with no CJK
# font, the documents' non-embedded STSong-Light has no glyph outlines.
_library_scope.destroy_lib()
folder = ctypes.create_string_buffer(sys.argv[2].encode())
paths = (ctypes.POINTER(ctypes.c_char) * 2)(ctypes.cast(folder, ctypes.POINTER(ctypes.c_char)), None)
raw.FPDF_InitLibraryWithConfig(raw.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=paths, m_pIsolate=None,
                                                       m_v8EmbedderSlot=0))
bases.LIBRARY_AVAILABLE = True
from indexer.parsers.document import parse_file
document = parse_file(sys.argv[1])
print(json.dumps([[f.project, str(f.annual_funds_yuan)] for f in document.forms], ensure_ascii=False))
"""


def test_a_server_without_cjk_fonts_still_reads_one_character_labels(tmp_path):
    """Without a font for a document's non-embedded CJK font, pdfium gives every glyph an
    empty box and leaves a text object of one character out of its text as if it were a
    space; a form whose label column wraps one character per line (项/目/名) then lost its
    labels, and the project its name. Such pages are read from pdfminer's geometry instead."""
    import json
    import subprocess
    import sys

    from indexer.parsers.document import parse_file

    source = ROOT / "data" / "2023-budget-jincheng-city-government-office.txt"
    pdf = render_text_extraction_as_pdf(source, tmp_path / "jincheng.pdf")
    (tmp_path / "no-fonts").mkdir()
    run = subprocess.run([sys.executable, "-c", _WITHOUT_SYSTEM_FONTS, str(pdf), str(tmp_path / "no-fonts")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    if run.returncode != 0 and "_library_scope" in run.stderr:
        pytest.skip(f"this pypdfium2 cannot be re-initialised with other font paths: {run.stderr[-300:]}")
    assert run.returncode == 0, run.stderr[-2000:]
    expected = [[f.project, str(f.annual_funds_yuan)] for f in parse_file(source).forms]
    assert "市委市政府督查办培训经费" in [project for project, _ in expected]
    assert json.loads(run.stdout) == expected


# ---- the reader against pdfplumber --------------------------------------------------------
#
# Pages with rules are read from pdfium's geometry with pdfplumber's rules re-implemented in
# indexer/readers/pdf.py (pdfplumber itself parses pages ~15x slower). Two checks keep that
# honest: on pdfminer's own geometry the rules give exactly what pdfplumber gives, and
# pdfium's geometry is pdfminer's; so whole pages read the same either way.

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as rl_canvas

from indexer.readers import pdf as pdf_reader
from tests.pdf_factory import FONT


def plumber_blocks(page, number):
    """What the reader gave when pdfplumber read pages with rules (the rules' reference)."""
    page = page.dedupe_chars()
    tables = page.find_tables()
    placed = [(t.bbox[1], pdf_reader._table_block(t.extract(), number)) for t in tables]
    boxes = [t.bbox for t in tables]

    def outside(obj):
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    for line in page.filter(outside).extract_text_lines(return_chars=False):
        text = pdf_reader._CONTROL.sub("", line["text"]).strip()
        if text:
            placed.append((line["top"], Paragraph(text, pdf_reader.Location(page=number))))
    placed.sort(key=lambda item: item[0])
    blocks = [block for _, block in placed]
    pdf_reader._mark_table_opening_page(blocks)
    return blocks


def plumber_pages(path) -> list[tuple[list, list]]:
    """Per page: the rules' blocks on pdfminer's geometry, and pdfplumber's own."""
    import pdfplumber

    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [pdf_reader._Char.of_plumber(c) for c in page.chars]
            ours = pdf_reader._blocks_of_ruled_page(chars, pdf_reader._Edges.of_plumber(page.edges), number)
            pages.append((ours, plumber_blocks(page, number)))
    return pages


def plumber_read(path) -> list:
    return [block for _, theirs in plumber_pages(path) for block in theirs]


@pytest.fixture(scope="module")
def jincheng_by_plumber(jincheng_pdf):
    return plumber_pages(jincheng_pdf)


def draw(path: Path, *pages, rotation: int = 0) -> Path:
    """A PDF drawn with reportlab's canvas, one callable per page."""
    canvas = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in pages:
        if rotation:
            canvas.setPageRotation(rotation)
        page(canvas)
        canvas.showPage()
    canvas.save()
    return path


def ruled_table(canvas, x, y, rows, width=90.0, height=20.0, size=9):
    """Rows as a grid of lines with each cell's text inside."""
    columns = max(len(r) for r in rows)
    xs = [x + i * width for i in range(columns + 1)]
    ys = [y - j * height for j in range(len(rows) + 1)]
    for rule in ys:
        canvas.line(xs[0], rule, xs[-1], rule)
    for rule in xs:
        canvas.line(rule, ys[0], rule, ys[-1])
    canvas.setFont(FONT, size)
    for j, row in enumerate(rows):
        for i, text in enumerate(row):
            canvas.drawString(xs[i] + 3, ys[j] - height + 6, text)


def factory_pdfs(tmp_path):
    bold = [Overprinted("2023年预算收支总表"), BUDGET_ROWS, Overprinted("注：本表无数据")]
    long_rows = [HEADER] + [[f"科目{n:03d}", f"{n}.00", f"{n}.00"] for n in range(1, 81)]
    return [
        make_pdf(tmp_path / "t.pdf", [["2023年一般公共预算“三公”经费支出预算表", "单位：万元", BUDGET_ROWS, "注：无"]]),
        make_pdf(tmp_path / "w.pdf", [[[["项目名称", "合计"], ["市委市政府督查办设备购置费" * 7, "19.51"]]]]),
        make_pdf(tmp_path / "b.pdf", [bold, bold], page_numbers="top"),
        make_pdf(tmp_path / "l.pdf", [["2023年预算支出总表", long_rows]]),
    ]


def test_the_rules_read_pdfminer_geometry_exactly_as_pdfplumber(tmp_path, jincheng_by_plumber):
    pages = [(path.name, page) for path in factory_pdfs(tmp_path) for page in plumber_pages(path)]
    pages += [("jincheng", page) for page in jincheng_by_plumber]
    for n, (name, (ours, theirs)) in enumerate(pages):
        assert ours == theirs, f"{name}, page {n}"


def test_pdfium_geometry_is_pdfminer_geometry(tmp_path):
    import pdfplumber
    import pypdfium2

    def char_key(c):
        return (c.text, round(c.top, 1), round(c.x0, 1))

    def edge_keys(edges):
        return [sorted((round(e.x0, 2), round(e.top, 2), round(e.x1, 2), round(e.bottom, 2)) for e in side)
                for side in (edges.vertical, edges.horizontal)]

    for path in factory_pdfs(tmp_path):
        document = pypdfium2.PdfDocument(path)
        with pdfplumber.open(path) as pdf:
            for index, plumber_page in enumerate(pdf.pages):
                page = document[index]
                textpage = page.get_textpage()
                display = pdf_reader._Display.of(page)
                scan = pdf_reader._scan_page(page, display)
                ours = sorted(pdf_reader._pdfium_chars(textpage, display, scan.text_objects), key=char_key)
                theirs = sorted((pdf_reader._Char.of_plumber(c) for c in plumber_page.dedupe_chars().chars),
                                key=char_key)
                assert [c.text for c in ours] == [c.text for c in theirs]
                for a, b in zip(ours, theirs):
                    assert (a.x0, a.x1, a.top, a.bottom, a.size) == pytest.approx(
                        (b.x0, b.x1, b.top, b.bottom, b.size), abs=1e-3), (path.name, a.text)
                    assert a.upright == b.upright
                assert edge_keys(scan.edges) == edge_keys(pdf_reader._Edges.of_plumber(plumber_page.edges))
                textpage.close()
                page.close()
        document.close()


def test_rendered_disclosure_reads_as_pdfplumber_reads_it(jincheng, jincheng_by_plumber):
    assert jincheng.blocks == [block for _, theirs in jincheng_by_plumber for block in theirs]


def test_words_drawn_one_by_one_keep_their_spaces(tmp_path):
    # Some producers draw every word (and every space) as a text object of its own; pdfium
    # skips the blank ones, which must still end a word as pdfminer's space does.
    def page(canvas):
        canvas.setFont(FONT, 10)
        x = 50.0
        for word in ["合计", " ", "80.00", " ", "80.00", " ", "Total", " ", "amount"]:
            canvas.drawString(x, 780, word)
            x += canvas.stringWidth(word, FONT, 10)
        canvas.drawString(50, 760, "a line that ends in a hyphen abc-")
        canvas.drawString(50, 748, "def continues on the next line")
        ruled_table(canvas, 50, 700, BUDGET_ROWS)

    pdf = draw(tmp_path / "words.pdf", page)
    result = read_pdf(pdf)
    assert paragraphs(result) == [
        ("合计 80.00 80.00 Total amount", 1),
        ("a line that ends in a hyphen abc-", 1),
        ("def continues on the next line", 1),
    ]
    assert tables(result)[0].rows == BUDGET_ROWS
    assert result.blocks == plumber_read(pdf)


def test_table_in_a_scaled_form_xobject_and_on_a_rotated_page(tmp_path):
    def page(canvas):
        canvas.setFont(FONT, 12)
        canvas.drawString(50, 800, "2023年部门预算表")
        canvas.beginForm("grid")
        ruled_table(canvas, 0, 100, BUDGET_ROWS)
        canvas.endForm()
        canvas.saveState()
        canvas.translate(50, 600)
        canvas.scale(0.8, 0.8)
        canvas.doForm("grid")
        canvas.restoreState()
        canvas.setFont(FONT, 10)
        canvas.drawString(50, 500, "注：表内为万元")

    for rotation in (0, 90, 270):
        pdf = draw(tmp_path / f"form-{rotation}.pdf", page, rotation=rotation)
        result = read_pdf(pdf)
        assert result.blocks == plumber_read(pdf), rotation
        if rotation == 0:
            assert [type(b).__name__ for b in result.blocks] == ["Paragraph", "TableBlock", "Paragraph"]
            assert tables(result)[0].rows == BUDGET_ROWS


def test_pages_with_rules_are_read_without_pdfminer(tmp_path, monkeypatch):
    """pdfplumber is only for files pdfium cannot open: parsing a page with it costs ~15x."""
    pdf = make_pdf(tmp_path / "t.pdf", [["正文", BUDGET_ROWS]])

    def refuse(*args, **kwargs):
        raise AssertionError("pdfplumber opened a file pdfium can read")

    monkeypatch.setattr(pdf_reader.pdfplumber, "open", refuse)
    assert tables(read_pdf(pdf))[0].rows == BUDGET_ROWS


def test_a_pdfium_without_the_geometry_api_falls_back_to_pdfminer_geometry(tmp_path, monkeypatch):
    pdf = make_pdf(tmp_path / "t.pdf", [["第一页正文"], ["2023年预算收支总表", BUDGET_ROWS, "注：无"]])
    expected = read_pdf(pdf)
    monkeypatch.setattr(pdf_reader, "_PDFIUM_GEOMETRY", False)
    assert read_pdf(pdf).blocks == expected.blocks


def test_a_file_only_pdfminer_opens_is_read_with_the_same_rules(tmp_path, monkeypatch):
    pdf = make_pdf(tmp_path / "t.pdf", [["2023年预算收支总表", BUDGET_ROWS, "注：无"]])
    expected = read_pdf(pdf)

    def refuse(*args, **kwargs):
        raise pdf_reader.pdfium.PdfiumError("refused")

    monkeypatch.setattr(pdf_reader.pdfium, "PdfDocument", refuse)
    assert read_pdf(pdf).blocks == expected.blocks
