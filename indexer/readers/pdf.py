"""PDF reader: a disclosure PDF → located paragraphs and table grids.

This module owns everything between the PDF file and `ReadResult`: opening the file,
deciding per page how to read it, finding ruled tables, turning every text line outside
them into a `Paragraph`, and refusing files that cannot be read (`UnreadableDocument` with
reason encrypted, corrupt, scanned, garbled or empty). It does not interpret content:
a table split across pages comes back as two `TableBlock`s, the second marked
`after_break`, and `indexer.parsers.tables` joins them.

pypdfium2 (pdfium, C++) does all the reading: it opens the file and, per page, tells
whether there is a text layer, whether the text is decodable and whether there are any
vector paths (table rules). A page without paths cannot hold a ruled table, so its text
lines come straight from pdfium's text. On a page with paths, the characters (with their
boxes) and the path segments come from pdfium too, and the tables and lines are found by
this module with pdfplumber's rules, re-implemented here on that geometry: ruling lines
snapped and joined, crossings, cells, tables; a cell's text is the characters whose centre
lies in it, grouped into words and lines; text outside the tables grouped into lines the
way `pdfplumber.Page.extract_text_lines` does. pdfplumber itself (pdfminer) parses the page
content stream in Python, ~15x slower than pdfium, so it is only used for files pdfium
refuses to open, on which the same rules run on pdfminer's geometry. Where the two libraries
read a glyph differently (pdfminer cannot map some to Unicode, e.g. "²" in a CJK font, and
they disagree on rare spacing cases), pdfium's reading is kept: pages without rules always
got it.

Pages are visited one at a time and closed after use, so memory stays bounded on long files.
"""
from __future__ import annotations

import ctypes
import logging
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from operator import attrgetter
from pathlib import Path
from typing import Any

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

# pdfplumber's defaults, which the table and line finding below reproduce: rules within 3 pt
# are snapped to one line and joined end to end, rules crossing within 3 pt meet; characters
# more than 3 pt apart across are separate words, more than 3 pt apart down separate lines.
_TOLERANCE = 3.0
_MIN_EDGE_PREFILTER = 1.0  # rules shorter than this are ignored before snapping...
_MIN_EDGE = 3.0  # ... and shorter than this after joining
_DEDUPE_TOLERANCE = 1.0  # overprinted copies of a character lie within 1 pt of each other
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_CHARS = frozenset("".join(_LIGATURES))
_MAX_FORM_DEPTH = 15  # nested form XObjects searched for rules, as pypdfium2's get_objects
_BIN_SPAN = 1 << 32  # whole-point position bins, coded into one int (coordinates clamped to ±2³¹)

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
    """pdfplumber's pages, opened only for a file pdfium cannot open."""

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
        # Any path counts: table rules are paths, and so are underlines or frames. A page
        # with paths but no table only costs the geometry below; one without paths cannot
        # hold a ruled table, and pdfium's own lines are its text.
        if _PDFIUM_GEOMETRY:
            display = _Display.of(page)
            scan = _scan_page(page, display)
            ruled = scan.edges is not None
            chars = _pdfium_chars(textpage, display, scan.text_objects) if ruled else []
        else:
            ruled = _has_vector_paths(page)
    finally:
        textpage.close()
        page.close()
    if ruled and _PDFIUM_GEOMETRY and chars is not None:
        return _PageOutcome(blocks=_blocks_of_ruled_page(chars, scan.edges, number))
    if ruled:  # a pdfium too old for the geometry, or text it could not read: pdfminer's, same rules
        plumber_page = plumber.page(index)
        if plumber_page is not None:  # (pdfminer may see fewer pages than pdfium)
            try:
                return _PageOutcome(blocks=_blocks_of_plumber_page(plumber_page, number))
            finally:
                plumber_page.close()  # drops the page's cached layout objects
    return _PageOutcome(blocks=_blocks_of_lines(_lines_of_pdfium_text(text), number))


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
        page.close()  # drops the page's cached layout objects


def _blocks_of_plumber_page(page: Any, number: int) -> list[Block]:
    return _blocks_of_ruled_page([_Char.of_plumber(c) for c in page.chars],
                                 _Edges.of_plumber(page.edges), number)


def _has_any_object(page: pdfium.PdfPage) -> bool:
    return pdfium_c.FPDFPage_CountObjects(page.raw) > 0


def _has_vector_paths(page: pdfium.PdfPage) -> bool:
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


# ---------------------------------------------------------------- page geometry
#
# Coordinates are pdfplumber's: x from the left, `top`/`bottom` from the top of the page,
# in points, after the page's /Rotate. Characters get pdfminer's boxes: from the origin
# across the advance width, from the font's descent up one font size.


class _Char:
    """One character of the text layer, where pdfminer would put it."""

    __slots__ = ("bottom", "font", "size", "text", "top", "upright", "x0", "x1")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float,
                 upright: bool, size: float, font: str):
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.upright = upright
        self.size = size
        self.font = font

    @classmethod
    def of_plumber(cls, char: dict[str, Any]) -> _Char:
        return cls(char["text"], char["x0"], char["x1"], char["top"], char["bottom"],
                   bool(char["upright"]), char["size"], char["fontname"])


class _Edge:
    """A ruling line (or one side of a rectangle): horizontal ones have top == bottom,
    vertical ones x0 == x1 (pdfplumber also files a slanted line as vertical, at its left
    end's x). `length` is the extent along it, as pdfplumber keeps it."""

    __slots__ = ("bottom", "length", "top", "x0", "x1")

    def __init__(self, x0: float, x1: float, top: float, bottom: float, length: float):
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.length = length

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class _Edges:
    """A page's ruling lines in pdfplumber's order: lines, then rectangle sides, then
    curve segments, each in drawing order; split into vertical and horizontal."""

    vertical: list[_Edge]
    horizontal: list[_Edge]

    @classmethod
    def of_plumber(cls, edges: Iterable[dict[str, Any]]) -> _Edges:
        vertical, horizontal = [], []
        for e in edges:
            if e["orientation"] == "v":
                vertical.append(_Edge(e["x0"], e["x1"], e["top"], e["bottom"], e["height"]))
            elif e["orientation"] == "h":
                horizontal.append(_Edge(e["x0"], e["x1"], e["top"], e["bottom"], e["width"]))
        return cls(vertical, horizontal)


@dataclass
class _Display:
    """PDF user space → pdfplumber's page coordinates (x, top).

    pdfminer first applies the page's CTM (rotation, MediaBox origin); pdfplumber then
    measures `top` down from the (rotated) MediaBox's height and shifts x by its left edge.
    """

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    x_shift: float
    height: float
    top_shift: float

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> _Display:
        x0, y0, x1, y1 = _mediabox(page)
        rotation = page.get_rotation()
        if rotation == 90:
            ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 180:
            ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 270:
            ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        box = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        height = box[3] - box[1]
        return cls(*ctm, x_shift=box[0], height=height, top_shift=height - box[3])

    def point(self, x: float, y: float) -> tuple[float, float]:
        px = self.a * x + self.c * y + self.e
        py = self.b * x + self.d * y + self.f
        return (px + self.x_shift if self.x_shift else px), (self.height - py) + self.top_shift


def _mediabox(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """The page's MediaBox (what pdfminer measures from), normalised; pdfium's page box
    (MediaBox inherited from the page tree, within the CropBox) if the page has none itself."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPage_GetMediaBox(page.raw, left, bottom, right, top):
        box = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDF_GetPageBoundingBox(page.raw, box):
            return (0.0, 0.0, page.get_width(), page.get_height())
        left, bottom, right, top = (ctypes.c_float(v) for v in (box.left, box.bottom, box.right, box.top))
    x0, x1 = sorted((left.value, right.value))
    y0, y1 = sorted((bottom.value, top.value))
    return x0, y0, x1, y1


def _bind(name: str, restype: Any, *argtypes: Any) -> Any:
    """pdfium's function `name` taking and returning handles as plain ints (addresses),
    which saves wrapping a pointer per call and lets handles key dicts; None if this pdfium
    lacks it (FPDFText_GetTextObject came in 2024)."""
    function = getattr(pdfium_c, name, None)
    if function is None:
        return None
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_VOID, _INT, _FLOAT = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
_FLOAT_P = ctypes.POINTER(ctypes.c_float)
_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_MATRIX_P = ctypes.POINTER(pdfium_c.FS_MATRIX)
_count_page_objects = _bind("FPDFPage_CountObjects", _INT, _VOID)
_page_object = _bind("FPDFPage_GetObject", _VOID, _VOID, _INT)
_count_form_objects = _bind("FPDFFormObj_CountObjects", _INT, _VOID)
_form_object = _bind("FPDFFormObj_GetObject", _VOID, _VOID, ctypes.c_ulong)
_object_type = _bind("FPDFPageObj_GetType", _INT, _VOID)
_object_matrix = _bind("FPDFPageObj_GetMatrix", _INT, _VOID, _MATRIX_P)
_object_bounds = _bind("FPDFPageObj_GetBounds", _INT, _VOID, _FLOAT_P, _FLOAT_P, _FLOAT_P, _FLOAT_P)
_count_segments = _bind("FPDFPath_CountSegments", _INT, _VOID)
_path_segment = _bind("FPDFPath_GetPathSegment", _VOID, _VOID, _INT)
_segment_type = _bind("FPDFPathSegment_GetType", _INT, _VOID)
_segment_point = _bind("FPDFPathSegment_GetPoint", _INT, _VOID, _FLOAT_P, _FLOAT_P)
_segment_closes = _bind("FPDFPathSegment_GetClose", _INT, _VOID)
_char_count = _bind("FPDFText_CountChars", _INT, _VOID)
_char_unicode = _bind("FPDFText_GetUnicode", ctypes.c_uint, _VOID, _INT)
_char_generated = _bind("FPDFText_IsGenerated", _INT, _VOID, _INT)
_char_hyphen = _bind("FPDFText_IsHyphen", _INT, _VOID, _INT)
_char_object = _bind("FPDFText_GetTextObject", _VOID, _VOID, _INT)
_char_origin = _bind("FPDFText_GetCharOrigin", _INT, _VOID, _INT, _DOUBLE_P, _DOUBLE_P)
_char_font_size = _bind("FPDFText_GetFontSize", ctypes.c_double, _VOID, _INT)
_char_matrix = _bind("FPDFText_GetMatrix", _INT, _VOID, _INT, _MATRIX_P)
_text_font = _bind("FPDFTextObj_GetFont", _VOID, _VOID)
_text_font_size = _bind("FPDFTextObj_GetFontSize", _INT, _VOID, _FLOAT_P)
_glyph_width = _bind("FPDFFont_GetGlyphWidth", _INT, _VOID, ctypes.c_uint, _FLOAT, _FLOAT_P)
_font_descent = _bind("FPDFFont_GetDescent", _INT, _VOID, _FLOAT, _FLOAT_P)
_font_name = _bind("FPDFFont_GetBaseFontName", ctypes.c_size_t, _VOID, ctypes.c_char_p, ctypes.c_size_t)
_font_embedded = _bind("FPDFFont_GetIsEmbedded", _INT, _VOID)
# Without any of these, pages with rules are read from pdfminer's geometry (slow, same rules).
_PDFIUM_GEOMETRY = all(function is not None for function in (
    _count_page_objects, _page_object, _count_form_objects, _form_object, _object_type,
    _object_matrix, _object_bounds, _count_segments, _path_segment, _segment_type,
    _segment_point, _segment_closes, _char_count, _char_unicode, _char_generated, _char_hyphen,
    _char_object, _char_origin, _char_font_size, _char_matrix, _text_font, _text_font_size,
    _glyph_width, _font_descent, _font_name, _font_embedded,
))

_GENERATED = (0x20, 0x0D, 0x0A)  # pdfium only ever generates spaces and line breaks
_HYPHEN_MARK = 0x02  # what pdfium puts in place of a hyphen it takes for a line-end break
_BLANK_WIDTH = 0.01  # pdfium's text page skips text objects narrower than this (blank ones)

_Matrix = tuple[float, float, float, float, float, float]


@dataclass
class _PageScan:
    """One pass over a page's objects (and its form XObjects'): ruling lines from the
    paths, and every text object in drawing order with the matrix of the form it is in."""

    edges: _Edges | None  # None when the page has no path at all
    text_objects: dict[int, _Matrix | None]


def _scan_page(page: pdfium.PdfPage, display: _Display) -> _PageScan:
    lines: list[tuple[str, float, float, float, float]] = []
    rect_sides: list[tuple[str, float, float, float, float]] = []
    curves: list[tuple[str, float, float, float, float]] = []
    text_objects: dict[int, _Matrix | None] = {}
    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    found = _scan_objects(handle, _count_page_objects, _page_object, None, display,
                          (lines, rect_sides, curves), text_objects, 0)
    if not found:
        return _PageScan(None, text_objects)
    vertical, horizontal = [], []
    for orientation, x0, x1, top, bottom in (*lines, *rect_sides, *curves):
        if orientation == "v":
            vertical.append(_Edge(x0, x1, top, bottom, bottom - top))
        elif orientation == "h":
            horizontal.append(_Edge(x0, x1, top, bottom, x1 - x0))
    return _PageScan(_Edges(vertical, horizontal), text_objects)


def _scan_objects(container: int, count_objects: Any, get_object: Any, parent: _Matrix | None,
                  display: _Display, edges: tuple[list, list, list],
                  text_objects: dict[int, _Matrix | None], depth: int) -> bool:
    """Edges of every path in a page or form XObject; True if there was any path."""
    found = False
    matrix = pdfium_c.FS_MATRIX()
    for i in range(count_objects(container)):
        obj = get_object(container, i)
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            text_objects[obj] = parent
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH and kind != pdfium_c.FPDF_PAGEOBJ_FORM:
            continue
        _object_matrix(obj, matrix)
        own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        combined = own if parent is None else _multiply(own, parent)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            found = True
            _path_edges(obj, combined, display, *edges)
        elif depth < _MAX_FORM_DEPTH:
            found = _scan_objects(obj, _count_form_objects, _form_object, combined, display,
                                  edges, text_objects, depth + 1) or found
    return found


def _multiply(m1: _Matrix, m0: _Matrix) -> _Matrix:
    """m1 then m0 (pdfminer's mult_matrix)."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _path_edges(obj: int, matrix: _Matrix, display: _Display,
                lines: list, rect_sides: list, curves: list) -> None:
    a, b, c, d, e, f = matrix
    px, py = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
    shape: list[str] = []
    points: list[tuple[float, float]] = []
    bezier = 0
    for s in range(_count_segments(obj)):
        segment = _path_segment(obj, s)
        kind = _segment_type(segment)
        _segment_point(segment, px, py)
        x, y = px.value, py.value
        point = display.point(a * x + c * y + e, b * x + d * y + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            shape, points, bezier = ["m"], [point], 0
            subpaths.append((shape, points))
        elif not shape:
            continue  # a path must begin with a move (pdfminer drops it otherwise)
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            shape.append("l")
            points.append(point)
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:  # two control points, then the end point
                shape.append("c")
                points.append(point)
        if _segment_closes(segment):
            shape.append("h")
            points.append(points[0])
    for shape, points in subpaths:
        _subpath_edges("".join(shape), points, lines, rect_sides, curves)


class _Font:
    """A font's name, descent (per unit of size) and advance widths (per unit of size)."""

    __slots__ = ("descent", "handle", "name", "widths")

    def __init__(self, handle: int | None):
        self.handle = handle
        self.name = _base_font_name(handle)
        number = ctypes.c_float()
        self.descent = number.value * 0.001 if handle and _font_descent(handle, 1000.0, number) else 0.0
        self.widths: dict[int, float] = {}

    def width(self, code: int) -> float:
        width = self.widths.get(code)
        if width is None:
            number = ctypes.c_float()
            ok = self.handle and _glyph_width(self.handle, code, 1000.0, number)
            width = self.widths[code] = number.value * 0.001 if ok else 0.0
        return width


class _TextObject:
    """What every character of one text object shares, in pdfminer's page space: the box
    (0, descent) .. (advance, descent + size) in text space goes through the character
    matrix, so its extent is the advance's share plus a constant share per axis."""

    __slots__ = ("a", "b", "font", "height", "size", "upright", "x_high", "x_low", "y_high", "y_low")

    def __init__(self, font: _Font, size: float, matrix: tuple[float, float, float, float],
                 display: _Display):
        self.font = font
        self.size = size
        # The character matrix after the page CTM: text matrix × page transform.
        ma, mb, mc, md = matrix
        pa, pb, pc, pd = display.a, display.b, display.c, display.d
        a = self.a = ma * pa + mb * pc
        b = self.b = ma * pb + mb * pd
        c = mc * pa + md * pc
        d = mc * pb + md * pd
        self.upright = a * d > 0 and b * c <= 0
        descent = font.descent * size
        low, high = descent, descent + size
        cl, ch, dl, dh = c * low, c * high, d * low, d * high
        self.x_low, self.x_high = (cl, ch) if cl < ch else (ch, cl)
        self.y_low, self.y_high = (dl, dh) if dl < dh else (dh, dl)
        # pdfminer's `size` is the box's height: the same for every character unless skewed.
        self.height = abs(dh - dl) if b == 0 else None

    def char(self, code: int, x: float, y: float, display: _Display) -> _Char:
        """The character with this code whose origin is (x, y) in user space."""
        advance = self.font.width(code) * self.size
        ax, bx = self.a * advance, self.b * advance
        dx0 = (ax if ax < 0 else 0.0) + self.x_low
        dx1 = (ax if ax > 0 else 0.0) + self.x_high
        dy0 = (bx if bx < 0 else 0.0) + self.y_low
        dy1 = (bx if bx > 0 else 0.0) + self.y_high
        px = display.a * x + display.c * y + display.e
        py = display.b * x + display.d * y + display.f
        if display.x_shift:
            px += display.x_shift
        return _Char(
            chr(code) if code < 0x110000 else "\ufffd", px + dx0, px + dx1,
            (display.height - (py + dy1)) + display.top_shift,
            (display.height - (py + dy0)) + display.top_shift,
            self.upright, dy1 - dy0 if self.height is None else self.height, self.font.name,
        )


def _base_font_name(font: int | None) -> str:
    if not font:
        return ""
    buffer = ctypes.create_string_buffer(256)
    size = _font_name(font, buffer, len(buffer))
    return buffer.value.decode("latin-1") if 0 < size <= len(buffer) else ""


def _pdfium_chars(textpage: pdfium.PdfTextPage, display: _Display,
                  text_objects: dict[int, _Matrix | None]) -> list[_Char] | None:
    """The page's characters in drawing order, boxed as pdfminer boxes them.

    pdfium's text page differs from pdfminer's stream of characters in ways undone here:
    it adds spaces and line breaks of its own (left out); it orders the text objects of a
    line left to right (drawing order restored, as the words and lines built from the
    characters depend on it in places); it replaces a hyphen it takes for a line-end break
    by a mark (the hyphen restored); and it leaves out text objects with nothing visible,
    which are spaces (one space put back for each: a space always ends a word). It also
    leaves out a text object or character that overprints the previous one (fake bold),
    which pdfplumber's deduplication would have removed.

    None when pdfium skipped a text object it cannot have known to be blank: a font it has
    no glyph outlines for (a CJK font not embedded, on a machine without a CJK font) gives
    every glyph an empty box, so an object of one such character is as narrow as a space.
    """
    raw = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    fonts: dict[int | None, _Font] = {}
    infos: dict[int, _TextObject] = {}
    by_object: dict[int, list[_Char]] = {}
    da, db, dc, dd, de, df = display.a, display.b, display.c, display.d, display.e, display.f
    x_shift, height, top_shift = display.x_shift, display.height, display.top_shift
    unicode_of, generated, object_of, origin_of = _char_unicode, _char_generated, _char_object, _char_origin
    last = None
    for i in range(_char_count(raw)):
        code = unicode_of(raw, i)
        if code in _GENERATED and generated(raw, i):
            continue
        obj = object_of(raw, i)
        if obj is None:
            continue
        if obj != last:
            info = infos.get(obj)
            if info is None:
                handle = _text_font(obj)
                font = fonts.get(handle)
                if font is None:
                    font = fonts[handle] = _Font(handle)
                _char_matrix(raw, i, matrix)
                info = infos[obj] = _TextObject(font, _char_font_size(raw, i),
                                                (matrix.a, matrix.b, matrix.c, matrix.d), display)
                by_object[obj] = []
            last, append = obj, by_object[obj].append
            font, size, a, b = info.font, info.size, info.a, info.b
            x_low, x_high, y_low, y_high = info.x_low, info.x_high, info.y_low, info.y_high
            upright, fontname, widths = info.upright, font.name, font.widths
            constant_height = info.height
        if code == _HYPHEN_MARK and _char_hyphen(raw, i):
            code = 0x2D
        origin_of(raw, i, origin_x, origin_y)
        x, y = origin_x.value, origin_y.value
        width = widths.get(code)
        if width is None:
            width = font.width(code)
        # As _TextObject.char, inlined: this loop runs for every character of the page.
        advance = width * size
        ax, bx = a * advance, b * advance
        dx0 = (ax if ax < 0 else 0.0) + x_low
        dx1 = (ax if ax > 0 else 0.0) + x_high
        dy0 = (bx if bx < 0 else 0.0) + y_low
        dy1 = (bx if bx > 0 else 0.0) + y_high
        px = da * x + dc * y + de
        py = db * x + dd * y + df
        if x_shift:
            px += x_shift
        append(_Char(
            chr(code) if code < 0x110000 else "\ufffd", px + dx0, px + dx1,
            (height - (py + dy1)) + top_shift, (height - (py + dy0)) + top_shift,
            upright, dy1 - dy0 if constant_height is None else constant_height, fontname,
        ))
    chars: list[_Char] = []
    outlined: dict[int | None, bool] | None = None
    for obj, parent in text_objects.items():
        own = by_object.pop(obj, None)
        if own:
            chars.extend(own)
        elif own is None and _is_blank(obj):
            if outlined is None:
                outlined = _fonts_with_outlines(infos)
            handle = _text_font(obj)
            if not outlined.get(handle, bool(handle and _font_embedded(handle))):
                return None
            chars.append(_blank_object_space(obj, parent, display))
    for own in by_object.values():  # objects the scan did not reach (none expected)
        chars.extend(own)
    return chars


def _fonts_with_outlines(infos: dict[int, _TextObject]) -> dict[int | None, bool]:
    """Per font of the text objects pdfium read: False if any of them has no height, which
    a visible glyph always has, so pdfium is drawing that font's glyphs without outlines.
    Any, not all: without a CJK font, pdfium still draws a CID font's Latin and figures from
    a fallback (they have a height), only its CJK glyphs come out empty. An object of spaces
    alone also has no height; it only sends its page down the slower, equally right path."""
    outlined: dict[int | None, bool] = {}
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in infos:
        handle = _text_font(obj)
        if outlined.get(handle, True):
            ok = _object_bounds(obj, left, bottom, right, top)
            outlined[handle] = bool(ok) and abs(top.value - bottom.value) >= _BLANK_WIDTH
    return outlined


def _is_blank(obj: int) -> bool:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    return bool(_object_bounds(obj, left, bottom, right, top)) and abs(right.value - left.value) < _BLANK_WIDTH


def _blank_object_space(obj: int, parent: _Matrix | None, display: _Display) -> _Char:
    """A space where pdfminer would have read a text object pdfium skipped as blank."""
    matrix = pdfium_c.FS_MATRIX()
    _object_matrix(obj, matrix)
    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    a, b, c, d, e, f = own if parent is None else _multiply(own, parent)
    size = ctypes.c_float()
    _text_font_size(obj, size)
    info = _TextObject(_Font(_text_font(obj)), size.value, (a, b, c, d), display)
    return info.char(0x20, e, f, display)


def _subpath_edges(shape: str, pts: list[tuple[float, float]],
                   lines: list, rect_sides: list, curves: list) -> None:
    """pdfminer's paint_path and pdfplumber's line/rect/curve edges, for one subpath."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        (x0, t0), (x1, t1) = pts[0], pts[1]
        top, bottom = min(t0, t1), max(t0, t1)
        lines.append(("h" if top == bottom else "v", min(x0, x1), max(x0, x1), top, bottom))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            left, right = min(x0, x1, x2, x3), max(x0, x1, x2, x3)
            top, bottom = min(y0, y1, y2, y3), max(y0, y1, y2, y3)
            rect_sides.append(("h", left, right, top, top))
            rect_sides.append(("h", left, right, bottom, bottom))
            rect_sides.append(("v", left, left, top, bottom))
            rect_sides.append(("v", right, right, top, bottom))
            return
    for (x0, t0), (x1, t1) in pairwise(pts):
        orientation = "v" if x0 == x1 else ("h" if t0 == t1 else "")
        curves.append((orientation, min(x0, x1), max(x0, x1), min(t0, t1), max(t0, t1)))


# ---------------------------------------------------------------- pages with rules
#
# pdfplumber's algorithms (table.py, utils/text.py, utils/clustering.py of pdfplumber 0.11),
# step for step, on `_Char`s and `_Edge`s: the same inputs give the same tables and lines.


def _blocks_of_ruled_page(chars: list[_Char], edges: _Edges, number: int) -> list[Block]:
    """Tables and the text lines around them, top to bottom."""
    if _may_have_overprinted_chars(chars):
        # Bold is often printed twice, slightly offset; the copies would double the text.
        chars = _dedupe_chars(chars)
    tables = _find_tables(edges)
    centres = [((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2) for c in chars]
    placed: list[tuple[float, Block]] = [
        (table.bbox[1], _table_block(_table_grid(table, chars, centres), number)) for table in tables
    ]
    boxes = [table.bbox for table in tables]
    outside: list[_Char] = []
    for char, (x, y) in zip(chars, centres):
        for x0, top, x1, bottom in boxes:
            if x0 <= x <= x1 and top <= y <= bottom:
                break  # in a table: read as part of its cell
        else:
            outside.append(char)
    for text, top in _text_lines(outside):
        text = _CONTROL.sub("", text).strip()
        if text:
            placed.append((top, Paragraph(text, Location(page=number))))
    placed.sort(key=lambda item: item[0])
    blocks = [block for _, block in placed]
    _mark_table_opening_page(blocks)
    return blocks


def _may_have_overprinted_chars(chars: list[_Char]) -> bool:
    """True when two equal characters (same font and size) lie within 1 pt of each other.

    Positions are binned by whole points; two characters within dedupe's tolerance of
    1 pt always fall in the same or neighbouring bins, so no duplicate is missed.
    """
    keys: dict[tuple[Any, ...], int] = {}
    seen: set[int] = set()
    span, half = _BIN_SPAN, _BIN_SPAN // 2 - 1
    for char in chars:
        key = (char.text, char.font, char.size, char.upright)
        # (key, x bin, y bin) as one int: neighbouring bins are ±1 (y) and ±span (x) away.
        x, y = int(char.x0) + half, int(char.top) + half
        if not (0 <= x < span and 0 <= y < span):  # beyond ±2³¹ pt: clamp (only adds checks)
            x, y = min(max(x, 0), span - 1), min(max(y, 0), span - 1)
        number = keys.get(key)
        if number is None:  # the first of its kind: nothing to be a copy of
            keys[key] = number = len(keys)
            seen.add((number * span + x) * span + y)
            continue
        cell = (number * span + x) * span + y
        if (cell in seen or cell - 1 in seen or cell + 1 in seen
                or cell - span in seen or cell - span - 1 in seen or cell - span + 1 in seen
                or cell + span in seen or cell + span - 1 in seen or cell + span + 1 in seen):
            return True
        seen.add(cell)
    return False


def _dedupe_chars(chars: list[_Char]) -> list[_Char]:
    """pdfplumber's dedupe_chars: of equal characters (text, font, size, orientation) within
    1 pt of each other down and across, the topmost-leftmost stays; order is kept."""
    by_key = sorted(range(len(chars)), key=lambda i: (chars[i].upright, chars[i].text,
                                                      chars[i].font, chars[i].size))
    keep: list[int] = []
    for _, group in groupby(by_key, key=lambda i: (chars[i].upright, chars[i].text,
                                                   chars[i].font, chars[i].size)):
        for down in _cluster(list(group), lambda i: chars[i].top, _DEDUPE_TOLERANCE):
            for across in _cluster(down, lambda i: chars[i].x0, _DEDUPE_TOLERANCE):
                keep.append(min(across, key=lambda i: (chars[i].top, chars[i].x0)))
    return [chars[i] for i in sorted(keep)]


def _cluster_ids(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Each distinct value's group: sorted values join the group of the previous one when
    within `tolerance` of it (pdfplumber's make_cluster_dict)."""
    ids: dict[float, int] = {}
    group = -1
    last = 0.0
    for value in sorted(set(values)):
        if group < 0 or value > last + tolerance:
            group += 1
        ids[value] = group
        last = value
    return ids


def _cluster(items: list[Any], key: Any, tolerance: float) -> list[list[Any]]:
    """Items grouped by `_cluster_ids` of their key, groups in order, items kept in order
    within a group (pdfplumber's cluster_objects)."""
    values = [key(item) for item in items]
    if not values:
        return []
    low, high = min(values), max(values)
    if high <= low + tolerance:  # all within one tolerance: a single group, as chaining gives
        return [list(items)]
    ids = _cluster_ids(values, tolerance)
    groups: dict[int, list[Any]] = {}
    for item, value in zip(items, values):
        groups.setdefault(ids[value], []).append(item)
    return [groups[g] for g in sorted(groups)]


# -- tables


class _Table:
    """Cells (x0, top, x1, bottom) that touch one another at corners."""

    def __init__(self, cells: list[tuple[float, float, float, float]]):
        self.cells = cells
        self.bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                     max(c[2] for c in cells), max(c[3] for c in cells))

    def rows(self) -> list[list[tuple[float, float, float, float] | None]]:
        """Cells by row (same top), each row spread over the table's column starts."""
        columns = sorted({c[0] for c in self.cells})
        rows = []
        for _, row_cells in groupby(sorted(self.cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
            by_x = {c[0]: c for c in row_cells}
            rows.append([by_x.get(x) for x in columns])
        return rows


def _find_tables(edges: _Edges) -> list[_Table]:
    """pdfplumber's `lines` strategy: rules → crossings → cells → tables of 2+ cells."""
    vertical, horizontal = _merged_edges(edges)
    crossings = _crossings(vertical, horizontal)
    cells = _cells(crossings)
    groups = _connected_cells(cells)
    groups.sort(key=lambda group: min((c[1], c[0]) for c in group))
    return [_Table(group) for group in groups if len(group) > 1]


def _merged_edges(edges: _Edges) -> tuple[list[_Edge], list[_Edge]]:
    """Snap rules within 3 pt to their mean position, join collinear ones that touch or
    nearly touch (within 3 pt), then drop those shorter than 3 pt."""
    vertical = [e for e in edges.vertical if e.length >= _MIN_EDGE_PREFILTER]
    horizontal = [e for e in edges.horizontal if e.length >= _MIN_EDGE_PREFILTER]
    snapped_v: list[_Edge] = []
    for group in _cluster(vertical, attrgetter("x0"), _TOLERANCE):
        mean = sum(e.x0 for e in group) / len(group)
        for e in group:
            shift = mean - e.x0
            snapped_v.append(_Edge(e.x0 + shift, e.x1 + shift, e.top, e.bottom, e.length))
    snapped_h: list[_Edge] = []
    for group in _cluster(horizontal, attrgetter("top"), _TOLERANCE):
        mean = sum(e.top for e in group) / len(group)
        for e in group:
            shift = mean - e.top
            snapped_h.append(_Edge(e.x0, e.x1, e.top + shift, e.bottom + shift, e.length))
    joined_v: list[_Edge] = []
    for _, group in groupby(sorted(snapped_v, key=attrgetter("x0")), key=attrgetter("x0")):
        joined: list[_Edge] = []
        for e in sorted(group, key=attrgetter("top")):
            last = joined[-1] if joined else None
            if last is not None and e.top <= last.bottom + _TOLERANCE:
                if e.bottom > last.bottom:
                    joined[-1] = _Edge(last.x0, last.x1, last.top, e.bottom,
                                       last.length + (e.bottom - last.bottom))
            else:
                joined.append(e)
        joined_v.extend(joined)
    joined_h: list[_Edge] = []
    for _, group in groupby(sorted(snapped_h, key=attrgetter("top")), key=attrgetter("top")):
        joined = []
        for e in sorted(group, key=attrgetter("x0")):
            last = joined[-1] if joined else None
            if last is not None and e.x0 <= last.x1 + _TOLERANCE:
                if e.x1 > last.x1:
                    joined[-1] = _Edge(last.x0, e.x1, last.top, last.bottom, e.x1 - last.x0)
            else:
                joined.append(e)
        joined_h.extend(joined)
    return ([e for e in joined_v if e.length >= _MIN_EDGE],
            [e for e in joined_h if e.length >= _MIN_EDGE])


_Point = tuple[float, float]


def _crossings(vertical: list[_Edge], horizontal: list[_Edge]) -> dict[_Point, tuple[set, set]]:
    """Points where a vertical and a horizontal rule meet (within 3 pt), with the rules
    (as bboxes) through each."""
    crossings: dict[_Point, tuple[set, set]] = {}
    horizontal = sorted(horizontal, key=attrgetter("top", "x0"))
    tops = [h.top for h in horizontal]
    for v in sorted(vertical, key=attrgetter("x0", "top")):
        v_box = v.bbox()
        x = v.x0
        # From a little above the first rule that can meet this one (the test below is exact).
        for h in horizontal[bisect_left(tops, v.top - _TOLERANCE - 1.0):]:
            if h.top - _TOLERANCE > v.bottom:
                break
            if v.top <= h.top + _TOLERANCE and v.bottom >= h.top - _TOLERANCE \
                    and h.x0 - _TOLERANCE <= x <= h.x1 + _TOLERANCE:
                sets = crossings.get((x, h.top))
                if sets is None:
                    sets = crossings[(x, h.top)] = (set(), set())
                sets[0].add(v_box)
                sets[1].add(h.bbox())
    return crossings


def _cells(crossings: dict[_Point, tuple[set, set]]) -> list[tuple[float, float, float, float]]:
    """For every crossing, the smallest rectangle of rules with it as the top-left corner:
    the nearest crossing below joined by a vertical rule, the nearest to the right joined
    by a horizontal one, and the corner opposite joined to both."""
    points = sorted(crossings)
    down: dict[float, list[float]] = {}
    across: dict[float, list[float]] = {}
    for x, y in points:
        down.setdefault(x, []).append(y)
        across.setdefault(y, []).append(x)
    cells = []
    for x, y in points:
        v_here, h_here = crossings[(x, y)]
        ys, xs = down[x], across[y]
        below = ys[bisect_left(ys, y) + 1:]
        right = xs[bisect_left(xs, x) + 1:]
        cell = None
        for by in below:
            v_below, h_below = crossings[(x, by)]
            if not v_here & v_below:
                continue
            for rx in right:
                v_right, h_right = crossings[(rx, y)]
                if not h_here & h_right:
                    continue
                corner = crossings.get((rx, by))
                if corner is not None and corner[0] & v_right and corner[1] & h_below:
                    cell = (x, y, rx, by)
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _connected_cells(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells grouped by shared corners, transitively (pdfplumber's cells_to_tables)."""
    at_corner: dict[_Point, list[int]] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            at_corner.setdefault(corner, []).append(i)
    grouped = [False] * len(cells)
    groups = []
    for first in range(len(cells)):
        if grouped[first]:
            continue
        grouped[first] = True
        group, pending = [], [first]
        while pending:
            i = pending.pop()
            group.append(i)
            x0, top, x1, bottom = cells[i]
            for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
                for j in at_corner[corner]:
                    if not grouped[j]:
                        grouped[j] = True
                        pending.append(j)
        groups.append([cells[i] for i in sorted(group)])
    return groups


def _table_grid(table: _Table, chars: list[_Char],
                centres: list[tuple[float, float]]) -> list[list[str | None]]:
    """Each cell's text: the characters whose centre lies in it (left and top edges in,
    right and bottom out), read as pdfplumber's extract_text reads them."""
    order = sorted(range(len(chars)), key=lambda i: centres[i][1])
    ys = [centres[i][1] for i in order]
    grid: list[list[str | None]] = []
    for row in table.rows():
        present = [cell for cell in row if cell is not None]
        top = min(cell[1] for cell in present)
        bottom = max(cell[3] for cell in present)
        # The row's characters by centre x (page order among equals), to cut per cell.
        candidates = sorted(order[bisect_left(ys, top):bisect_left(ys, bottom)],
                            key=lambda i: (centres[i][0], i))
        xs = [centres[i][0] for i in candidates]
        texts: list[str | None] = []
        for cell in row:
            if cell is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = cell
            inside = sorted(i for i in candidates[bisect_left(xs, x0):bisect_left(xs, x1)]
                            if top <= centres[i][1] < bottom)
            texts.append(_text([chars[i] for i in inside]) if inside else "")
        grid.append(texts)
    return grid


# -- words and lines


class _Word:
    __slots__ = ("text", "top")

    def __init__(self, text: str, top: float):
        self.text = text
        self.top = top


def _words(chars: list[_Char]) -> list[_Word]:
    """pdfplumber's WordExtractor with default settings, characters taken in the given order:
    runs of equal orientation; lines by `top` within 3 pt (by x0 for rotated text); words
    split at spaces and at gaps of more than 3 pt."""
    words: list[_Word] = []
    for upright, run in groupby(chars, key=attrgetter("upright")):
        if upright:
            for line in _cluster(list(run), attrgetter("top"), _TOLERANCE):
                line.sort(key=attrgetter("x0"))
                _split_words(line, words, _upright_break)
        else:
            for line in _cluster(list(run), attrgetter("x0"), _TOLERANCE):
                line.sort(key=attrgetter("top", "bottom"))
                _split_words(line, words, _rotated_break)
    return words


def _upright_break(last: _Char, char: _Char) -> bool:
    """A new word when the next character starts left of where the last one started, more
    than 3 pt after it ends, or more than 3 pt higher or lower."""
    return char.x0 < last.x0 or char.x0 > last.x1 + _TOLERANCE or abs(char.top - last.top) > _TOLERANCE


def _rotated_break(last: _Char, char: _Char) -> bool:
    """The same down a rotated line: starts, ends and offsets measured top to bottom."""
    return char.top < last.top or char.top > last.bottom + _TOLERANCE or abs(char.x0 - last.x0) > _TOLERANCE


def _split_words(line: list[_Char], words: list[_Word], breaks: Callable[[_Char, _Char], bool]) -> None:
    """A line's characters as words: a new word at a space and wherever `breaks` says."""
    current: list[_Char] = []
    for char in line:
        text = char.text
        if text.isspace():
            if current:
                words.append(_merged_word(current))
            current = []
        elif text == "":  # pdfplumber's punctuation test matches "": a word of its own
            if current:
                words.append(_merged_word(current))
            words.append(_merged_word([char]))
            current = []
        elif current and breaks(current[-1], char):
            words.append(_merged_word(current))
            current = [char]
        else:
            current.append(char)
    if current:
        words.append(_merged_word(current))


def _merged_word(chars: list[_Char]) -> _Word:
    text = "".join([c.text for c in chars])
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = "".join([_LIGATURES.get(c.text, c.text) for c in chars])
    return _Word(text, min([c.top for c in chars]))


def _text(chars: list[_Char]) -> str:
    """pdfplumber's extract_text (no layout): words, lines by top within 3 pt in top order,
    words joined by a space and lines by a newline."""
    lines = _cluster(_words(chars), attrgetter("top"), _TOLERANCE)
    return "\n".join(" ".join(word.text for word in line) for line in lines)


def _text_lines(chars: list[_Char]) -> list[tuple[str, float]]:
    """pdfplumber's extract_text_lines (no layout): words in extraction order, a new line
    wherever a word's top falls in another 3 pt group than the previous word's; each line
    with the top of its highest character."""
    words = _words(chars)
    ids = _cluster_ids((w.top for w in words), _TOLERANCE)
    lines = []
    for _, line in groupby(words, key=lambda w: ids[w.top]):
        line = list(line)
        text = " ".join(word.text for word in line)
        if text.strip():
            lines.append((text, min(word.top for word in line)))
    return lines


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
