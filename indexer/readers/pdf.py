"""PDF reader: a disclosure PDF → located paragraphs and table grids.

This module owns everything between the PDF file and `ReadResult`: opening the file,
deciding per page how to read it, finding ruled tables, turning every text line outside
them into a `Paragraph`, and refusing files that cannot be read (`UnreadableDocument` with
reason encrypted, corrupt, scanned, garbled or empty). It does not interpret content:
a table split across pages comes back as two `TableBlock`s, the second marked
`after_break`, and `indexer.parsers.tables` joins them.

Two libraries, each for what it is good at:

- pypdfium2 opens the file and looks at every page: does it have a text layer, is the
  text decodable, does it have any vector paths (table rules)? A page without rules
  cannot hold a ruled table, so its text lines come straight from pdfium (~50x faster).
- pdfplumber (pdfminer) reads only the pages with rules: it finds the tables from the
  line geometry and extracts their cells.

Pages are visited one at a time and closed after use, so memory stays bounded on long files.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from indexer.model import Location
from indexer.readers.blocks import Block, Paragraph, ReadResult, TableBlock, is_page_number
from indexer.readers.errors import UnreadableDocument

# "- 3 -", "3", "第3页", "第 3 页 共 20 页", "3/20": a page number on a line of its own.
# Control characters pdfium emits for hyphenation and unknown glyphs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_PDFIUM_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_GARBLED_SHARE = 0.5  # a page whose characters mostly have no Unicode mapping is unreadable
_GARBLED_SAMPLE = 200  # characters checked per page: enough for the share, cheap on big pages
_EOF_WINDOW = 1024  # Acrobat accepts %%EOF within the last 1024 bytes; so do we

# pdfminer logs a WARNING per font for things that do not affect text ("Could not get
# FontBBox" for every non-embedded CJK font); on a batch index that buries real messages.
# What matters to a person reaches them as ReadResult.warnings or UnreadableDocument.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass
class _PageOutcome:
    """What one page gave: blocks, or why it gave none."""

    blocks: list[Block] = field(default_factory=list)
    skipped: str | None = None  # "no_text" | "blank" | "garbled" | "failed"
    detail: str = ""


def read_pdf(path: Path) -> ReadResult:
    path = Path(path)
    warnings: list[str] = []
    if not _ends_with_eof_marker(path):
        warnings.append("文件末尾缺少%%EOF标记，可能不完整 (no %%EOF marker: the file may be truncated)")
    with _PlumberPages(path) as plumber:
        document = _pdfium_document_or_none(path, plumber)
        try:
            page_count = len(document) if document is not None else plumber.page_count()
            if page_count == 0:
                raise UnreadableDocument("empty", f"{path}: PDF没有页面 (PDF has no pages)")
            outcomes = [
                _page_outcome(index, document, plumber) for index in range(page_count)
            ]
        finally:
            if document is not None:
                document.close()
    blocks: list[Block] = []
    for number, outcome in enumerate(outcomes, start=1):
        blocks.extend(outcome.blocks)
        warning = _skipped_page_warning(number, outcome)
        if warning:
            warnings.append(warning)
    if not blocks:
        raise _unreadable_without_text(path, outcomes)
    return ReadResult(blocks=blocks, warnings=warnings, pages=page_count)


# ---------------------------------------------------------------- opening


def _ends_with_eof_marker(path: Path) -> bool:
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _EOF_WINDOW))
        return b"%%EOF" in handle.read()


def _pdfium_document_or_none(path: Path, plumber: "_PlumberPages") -> pdfium.PdfDocument | None:
    """pdfium's handle on the file, or None when only pdfminer can open it.

    pdfium's load error codes are unreliable (a zero-page file reports "Incorrect password"),
    so when it refuses, pdfminer decides: it raises encrypted/corrupt itself, and a file it
    can open is read with pdfplumber alone.
    """
    try:
        return pdfium.PdfDocument(path)
    except Exception as error:  # PdfiumError, or anything a damaged file provokes
        plumber.pdfium_error = _one_line(error)
        plumber.page_count()  # raises UnreadableDocument when pdfminer refuses too
        return None


class _PlumberPages:
    """pdfplumber's pages, opened only if some page needs table finding.

    Text-only documents never pay for pdfminer's parse of the file.
    """

    def __init__(self, path: Path):
        self.path = path
        self.pdfium_error = ""
        self._pdf: Any = None

    def __enter__(self) -> "_PlumberPages":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def page_count(self) -> int:
        return len(self._document().pages)

    def page(self, index: int) -> Any:
        pages = self._document().pages
        return pages[index] if index < len(pages) else None

    def _document(self) -> Any:
        if self._pdf is None:
            try:
                self._pdf = pdfplumber.open(self.path)
                self._pdf.pages  # parses the page tree: a broken one fails here, not later
            except Exception as error:
                self._pdf = None
                raise self._unreadable(error) from None
        return self._pdf

    def _unreadable(self, error: Exception) -> UnreadableDocument:
        # pdfplumber wraps pdfminer's exception; its type says encrypted or not. pdfium's
        # own "password" message is not trusted (it says so for zero-page files too).
        cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            return UnreadableDocument(
                "encrypted", f"{self.path}: PDF已加密，需要密码才能打开 (encrypted PDF: password required)"
            )
        detail = self.pdfium_error or _one_line(cause)
        return UnreadableDocument(
            "corrupt", f"{self.path}: PDF文件已损坏或不完整 (corrupt or truncated PDF: {detail})"
        )


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


# ---------------------------------------------------------------- one page


def _page_outcome(index: int, document: pdfium.PdfDocument | None, plumber: _PlumberPages) -> _PageOutcome:
    """Read page `index` (0-based); a page the libraries choke on is skipped, not fatal."""
    number = index + 1
    try:
        if document is None:
            return _outcome_from_plumber_only(plumber, index, number)
        return _outcome_from_pdfium_page(document, plumber, index, number)
    except UnreadableDocument:
        raise
    except Exception as error:  # pdfminer/pdfium parse errors inside one page's content
        return _PageOutcome(skipped="failed", detail=_one_line(error))


def _outcome_from_pdfium_page(document: pdfium.PdfDocument, plumber: _PlumberPages,
                              index: int, number: int) -> _PageOutcome:
    page = document[index]
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if not text.strip():
            return _PageOutcome(skipped="no_text" if _has_any_object(page) else "blank")
        if _share_without_unicode(textpage) > _GARBLED_SHARE:
            return _PageOutcome(skipped="garbled")
        ruled = _has_vector_paths(page)
    finally:
        textpage.close()
        page.close()
    if not ruled:
        return _PageOutcome(blocks=_blocks_of_lines(_lines_of_pdfium_text(text), number))
    plumber_page = plumber.page(index)
    if plumber_page is None:  # pdfminer sees fewer pages than pdfium: keep the text
        return _PageOutcome(blocks=_blocks_of_lines(_lines_of_pdfium_text(text), number))
    try:
        return _PageOutcome(blocks=_blocks_of_plumber_page(plumber_page, number))
    finally:
        plumber_page.close()  # drops the page's cached layout objects


def _outcome_from_plumber_only(plumber: _PlumberPages, index: int, number: int) -> _PageOutcome:
    page = plumber.page(index)
    try:
        chars = page.chars
        if not any(c["text"].strip() for c in chars):
            has_content = bool(page.images or page.rects or page.lines or page.curves)
            return _PageOutcome(skipped="no_text" if has_content else "blank")
        if _share_of_cid_codes(chars) > _GARBLED_SHARE:
            return _PageOutcome(skipped="garbled")
        return _PageOutcome(blocks=_blocks_of_plumber_page(page, number))
    finally:
        page.close()


def _has_any_object(page: pdfium.PdfPage) -> bool:
    return pdfium_c.FPDFPage_CountObjects(page.raw) > 0


def _has_vector_paths(page: pdfium.PdfPage) -> bool:
    # Any path counts: table rules are paths, and so are underlines or frames. A false
    # "yes" only costs speed (pdfplumber finds no table); a false "no" would lose a table.
    paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
    return next(paths, None) is not None


def _share_without_unicode(textpage: pdfium.PdfTextPage) -> float:
    """Share of sampled characters whose font has no Unicode mapping (pdfminer's `(cid:N)`)."""
    count = textpage.count_chars()
    step = max(1, count // _GARBLED_SAMPLE)
    checked = unmapped = 0
    for i in range(0, count, step):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
            continue  # spaces and line breaks pdfium inserted itself
        checked += 1
        unmapped += pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, i) == 1
    return unmapped / checked if checked else 0.0


def _share_of_cid_codes(chars: list[dict[str, Any]]) -> float:
    unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))
    return unmapped / len(chars)


def _lines_of_pdfium_text(text: str) -> list[str]:
    return [line for raw in _PDFIUM_LINE_BREAK.split(text) if (line := _CONTROL.sub("", raw).strip())]


def _blocks_of_lines(lines: list[str], number: int) -> list[Block]:
    return [Paragraph(line, Location(page=number)) for line in lines]


# ---------------------------------------------------------------- pages with rules


def _blocks_of_plumber_page(page: Any, number: int) -> list[Block]:
    """Tables and the text lines around them, top to bottom."""
    if _may_have_overprinted_chars(page.chars):
        # Bold is often printed twice, slightly offset; the copies would double the text.
        # The check first: dedupe_chars restores char order with list.index, O(n²),
        # ~0.25 s on a page of 2,500 characters, and most pages have nothing to remove.
        page = page.dedupe_chars()
    tables = page.find_tables()
    placed: list[tuple[float, Block]] = [
        (table.bbox[1], _table_block(table.extract(), number)) for table in tables
    ]
    outside = page.filter(_outside_of([table.bbox for table in tables]))
    for line in outside.extract_text_lines(return_chars=False):
        text = _CONTROL.sub("", line["text"]).strip()
        if text:
            placed.append((line["top"], Paragraph(text, Location(page=number))))
    placed.sort(key=lambda item: item[0])
    blocks = [block for _, block in placed]
    _mark_table_opening_page(blocks)
    return blocks


def _may_have_overprinted_chars(chars: list[dict[str, Any]]) -> bool:
    """True when two equal characters (same font and size) lie within 1 pt of each other.

    Positions are binned by whole points; two characters within dedupe_chars' tolerance of
    1 pt always fall in the same or neighbouring bins, so no duplicate is missed.
    """
    seen: set[tuple[Any, ...]] = set()
    for char in chars:
        key = (char["text"], char["fontname"], char["size"], char["upright"])
        x, y = int(char["x0"]), int(char["doctop"])
        if any((key, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            return True
        seen.add((key, x, y))
    return False


def _outside_of(bboxes: list[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    """Filter keeping every object except characters whose centre lies in a table."""
    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in bboxes)
    return keep


def _table_block(grid: list[list[str | None]], number: int) -> TableBlock:
    rows = [[_cell_text(cell) for cell in row] for row in grid]
    return TableBlock(
        rows=rows,
        location=Location(page=number),
        row_locations=[Location(page=number, row=i) for i in range(1, len(rows) + 1)],
    )


def _cell_text(cell: str | None) -> str:
    """One string per cell: wrapped lines rejoined, without a space between CJK characters.

    A cell like "财政专户管理\\n资金" is one label wrapped by the column width, so a space
    would corrupt it; Latin words and numbers wrapped apart need one.
    """
    if not cell:
        return ""
    lines = [_CONTROL.sub("", line).strip() for line in cell.split("\n")]
    text = ""
    for line in (l for l in lines if l):
        if text and not (_is_cjk(text[-1]) and _is_cjk(line[0])):
            text += " "
        text += line
    return text


def _is_cjk(ch: str) -> bool:
    # CJK radicals, punctuation, kana, ideographs; compatibility ideographs; full-width forms.
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def _mark_table_opening_page(blocks: list[Block]) -> None:
    """A table that is the page's first content probably continues the previous page's."""
    for block in blocks:
        if isinstance(block, Paragraph) and is_page_number(block.text):
            continue
        if isinstance(block, TableBlock):
            block.after_break = True
        return


# ---------------------------------------------------------------- verdicts


def _skipped_page_warning(number: int, outcome: _PageOutcome) -> str | None:
    if outcome.skipped == "no_text":
        return f"第{number}页没有文本层（可能是扫描件），已跳过 (page {number} has no text layer)"
    if outcome.skipped == "garbled":
        return (f"第{number}页文字无法解码（字体缺少Unicode映射），已跳过 "
                f"(page {number} text is garbled: font has no Unicode map)")
    if outcome.skipped == "failed":
        return f"第{number}页无法解析，已跳过 (page {number} could not be parsed: {outcome.detail})"
    return None


def _unreadable_without_text(path: Path, outcomes: list[_PageOutcome]) -> UnreadableDocument:
    """Why a document with pages gave no block at all."""
    reasons = {outcome.skipped for outcome in outcomes}
    if "garbled" in reasons:
        return UnreadableDocument(
            "garbled", f"{path}: PDF文字无法解码（字体缺少Unicode映射） (garbled text: fonts have no Unicode map)"
        )
    if "failed" in reasons:
        detail = next(o.detail for o in outcomes if o.skipped == "failed")
        return UnreadableDocument("corrupt", f"{path}: PDF文件已损坏 (corrupt PDF: {detail})")
    return UnreadableDocument(
        "scanned", f"{path}: PDF没有文本层（可能是扫描件），需要先做文字识别 (scanned PDF: no text layer, needs OCR)"
    )
