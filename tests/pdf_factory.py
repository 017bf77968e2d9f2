"""Real PDFs for the PDF reader's tests, drawn with reportlab.

Everything here is deterministic: the same arguments give the same pages. Chinese is drawn
with reportlab's built-in CID font STSong-Light, so no font files are needed (the PDF names
the font and readers map its codes to Unicode through the standard UniGB-UCS2-H CMap).

Tables are drawn as ruled grids — a line around every cell — the way real disclosure PDFs
draw them, so pdfplumber's `lines` table finder sees them. A table that does not fit on the
page continues on the next one without its header, as real disclosures do.

A few inputs reportlab cannot make (a zero-page PDF, a font without a Unicode map) are
written byte by byte by `_raw_pdf`.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.lib.pdfencrypt import StandardEncryption

from indexer.readers.text import table_row

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 50.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TEXT_SIZE = 10.0
TEXT_LEADING = 16.0
CELL_SIZE = 8.0  # largest font in table cells; wide tables shrink it
SMALLEST_CELL_SIZE = 4.0
CELL_PADDING = 3.0
MAX_CELL_LINES = 3  # longer cell text is cut: real forms hold paragraphs, tests need labels
BLOCK_GAP = 10.0  # keeps consecutive grids apart so they stay separate tables
LONGEST_UNBREAKABLE = 120.0  # points; a longer non-CJK run may be broken anywhere

Table = list[list[str]]
PageNumbers = Literal["bottom", "top", "none"]


@dataclass(frozen=True)
class ImageOnly:
    """A page spec for a page that holds only a picture (a scan): no text layer at all."""


SCANNED_PAGE = ImageOnly()


@dataclass(frozen=True)
class Overprinted:
    """A paragraph drawn twice, 0.4 pt apart: the fake bold of many office exporters."""

    text: str


PageItem = str | Overprinted | Table
PageSpec = Sequence[PageItem] | ImageOnly


# ---------------------------------------------------------------- public generators


def make_pdf(
    path: str | Path | io.BytesIO,
    pages: Sequence[PageSpec],
    *,
    page_numbers: PageNumbers = "bottom",
    encrypt: StandardEncryption | str | None = None,
) -> Path:
    """Write a PDF with one page per spec (more if a spec overflows its page).

    A spec is a list of items — a paragraph string (one text line, wrapped if too long), an
    `Overprinted` paragraph, or a table (a list of rows of cell strings) drawn as a ruled grid — or `SCANNED_PAGE`.
    Page numbers ("- N -") are drawn below the content, above it, or not at all.
    """
    target = path if isinstance(path, io.BytesIO) else Path(path)
    writer = _Writer(target, page_numbers=page_numbers, encrypt=encrypt)
    for spec in pages:
        if isinstance(spec, ImageOnly):
            writer.image_page()
            continue
        for item in spec:
            if isinstance(item, Overprinted):
                writer.paragraph(item.text, overprint=True)
            elif isinstance(item, str):
                writer.paragraph(item)
            else:
                writer.table(item)
        writer.end_page()
    writer.save()
    return target


def make_scanned_pdf(path: str | Path, pages: int = 2) -> Path:
    """Pages that hold only an image of a page, like a scan without OCR."""
    return make_pdf(path, [SCANNED_PAGE] * pages)


def make_encrypted_pdf(path: str | Path) -> Path:
    """A PDF that needs the user password 'secret' to open."""
    return make_pdf(
        path,
        [["2023年部门预算公开", [["项目", "金额"], ["培训费", "25.00"]]]],
        encrypt=StandardEncryption(userPassword="secret", ownerPassword="owner"),
    )


def make_corrupt_pdf(path: str | Path, keep: float = 0.5) -> Path:
    """The first `keep` fraction of a valid three-page PDF: a download cut short."""
    whole = io.BytesIO()
    pages = [[f"第{n}页正文", [["科目", "金额"], ["办公费", f"{n}.00"]]] for n in (1, 2, 3)]
    make_pdf(whole, pages)
    data = whole.getvalue()
    path = Path(path)
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_zero_page_pdf(path: str | Path) -> Path:
    """A syntactically valid PDF whose page tree is empty."""
    path = Path(path)
    path.write_bytes(_raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]))
    return path


def make_garbled_pdf(path: str | Path, pages: int = 1) -> Path:
    """Text in an Identity-H font with no ToUnicode map: readers see `(cid:NN)`, not words.

    This is what PDFs made by some printers' drivers look like: the glyphs print, but the
    file does not say which characters they are.
    """
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(pages)).encode()
    font_id = 3 + 2 * pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    for n in range(pages):
        codes = "".join(f"{(n * 37 + k * 11) % 900 + 100:04x}" for k in range(30))
        content = (f"BT /F1 12 Tf 72 720 Td <{codes}> Tj 0 -20 Td <{codes[::-1]}> Tj ET").encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
            % (font_id, 4 + 2 * n)
        )
        objects.append(_raw_stream(content))
    objects.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] >>" % (font_id + 1)
    )
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    path = Path(path)
    path.write_bytes(_raw_pdf(objects))
    return path


def render_text_extraction_as_pdf(txt_path: str | Path, pdf_path: str | Path) -> Path:
    """Draw a text extraction from data/ back into a PDF, as the original would have looked.

    Paragraph lines become text lines; markdown pipe tables and tab-separated rows become
    ruled grids; pages break when full, so long tables continue on the next page. Rows that
    are empty in the extraction (markdown header placeholders) are not drawn.
    """
    writer = _Writer(Path(pdf_path), page_numbers="bottom", encrypt=None)
    for item in _items_of_text_extraction(Path(txt_path).read_text(encoding="utf-8-sig")):
        if isinstance(item, str):
            writer.paragraph(item)
        else:
            writer.table(item)
    writer.end_page()
    writer.save()
    return Path(pdf_path)


# ---------------------------------------------------------------- text extraction → items



def _items_of_text_extraction(text: str) -> list[PageItem]:
    """Paragraph strings and tables, in file order; a blank line ends a table."""
    items: list[PageItem] = []
    table: Table | None = None
    for line in text.splitlines():
        row = table_row(line)
        if row is None:
            table = None
            if line.strip():
                items.append(re.sub(r"^(- |#+ )", "", line.strip()))
            continue
        if row == "separator" or not any(row):
            continue
        if table is None:
            table = []
            items.append(table)
        table.append(row)
    return [item for item in items if item]


# ---------------------------------------------------------------- drawing


class _Writer:
    """A reportlab canvas plus a cursor that moves down the page and breaks pages."""

    def __init__(self, target: Path | io.BytesIO, *, page_numbers: PageNumbers,
                 encrypt: StandardEncryption | str | None):
        name = str(target) if isinstance(target, Path) else target
        # invariant=1 drops the creation date, so the same input gives the same bytes.
        self.canvas = rl_canvas.Canvas(name, pagesize=A4, encrypt=encrypt, invariant=1)
        self.page_numbers = page_numbers
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN
        self.drawn_on_page = False

    # -- pages

    def end_page(self) -> None:
        if self.page_numbers != "none":
            label = f"- {self.page} -"
            y = 30.0 if self.page_numbers == "bottom" else PAGE_HEIGHT - 30.0
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(PAGE_WIDTH / 2, y, label)
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN
        self.drawn_on_page = False

    def image_page(self) -> None:
        if self.drawn_on_page:
            self.end_page()
        self.canvas.drawImage(ImageReader(_scan_image()), MARGIN, MARGIN,
                              width=CONTENT_WIDTH, height=PAGE_HEIGHT - 2 * MARGIN)
        # A scan has no text at all, not even a page number.
        self.canvas.showPage()
        self.page += 1

    def save(self) -> None:
        self.canvas.save()

    def _room(self, height: float) -> bool:
        return self.y - height >= MARGIN

    # -- paragraphs

    def paragraph(self, text: str, overprint: bool = False) -> None:
        width = CONTENT_WIDTH
        for line in _wrapped(text, width, TEXT_SIZE):
            if not self._room(TEXT_LEADING):
                self.end_page()
            self.canvas.setFont(FONT, TEXT_SIZE)
            self.canvas.drawString(MARGIN, self.y - TEXT_SIZE, line)
            if overprint:
                self.canvas.drawString(MARGIN + 0.4, self.y - TEXT_SIZE, line)
            self.y -= TEXT_LEADING
            self.drawn_on_page = True

    # -- tables

    def table(self, rows: Table) -> None:
        if not rows:
            return
        columns = max(len(r) for r in rows)
        rows = [list(r) + [""] * (columns - len(r)) for r in rows]
        size, widths = _column_widths(rows)
        leading = size * 1.25
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        cell_lines = [[_wrapped(cell, w - 2 * CELL_PADDING, size)[:MAX_CELL_LINES]
                       for cell, w in zip(row, widths)] for row in rows]
        self.y -= BLOCK_GAP / 2
        boundaries = [self.y]  # y of every horizontal rule in the current page's part
        for lines in cell_lines:
            height = max(1, max(len(c) for c in lines)) * leading + 2 * CELL_PADDING
            if not self._room(height):
                self._rule_grid(xs, boundaries)
                self.end_page()
                boundaries = [self.y]
            top = boundaries[-1]
            self.canvas.setFont(FONT, size)
            for x, cell in zip(xs, lines):
                for k, line in enumerate(cell):
                    self.canvas.drawString(x + CELL_PADDING, top - CELL_PADDING - size - k * leading, line)
            boundaries.append(top - height)
            self.y = top - height
            self.drawn_on_page = True
        self._rule_grid(xs, boundaries)
        self.y -= BLOCK_GAP / 2

    def _rule_grid(self, xs: list[float], ys: list[float]) -> None:
        if len(ys) < 2:
            return
        c = self.canvas
        c.setLineWidth(0.5)
        for y in ys:
            c.line(xs[0], y, xs[-1], y)
        for x in xs:
            c.line(x, ys[0], x, ys[-1])


def _column_widths(rows: Table) -> tuple[float, list[float]]:
    """Font size and column widths that fit the page without ever breaking a number.

    Each column gets at least its widest unbreakable run (numbers, codes, Latin words), so
    amounts come back exactly; the rest of the page is shared by how much text a column has.
    """
    size = CELL_SIZE
    while True:
        # +1 point of slack: a width computed to equal the text must not wrap it on rounding.
        natural = [max(_width(cell, size) for cell in column) + 2 * CELL_PADDING + 1 for column in zip(*rows)]
        least = [max(_widest_unbreakable(cell, size) for cell in column) + 2 * CELL_PADDING + 1
                 for column in zip(*rows)]
        if sum(least) <= CONTENT_WIDTH or size <= SMALLEST_CELL_SIZE:
            break
        size -= 0.5
    if sum(natural) <= CONTENT_WIDTH:
        return size, natural
    if sum(least) > CONTENT_WIDTH:  # hopeless: squeeze everything, numbers may break
        scale = CONTENT_WIDTH / sum(least)
        return size, [w * scale for w in least]
    spare = CONTENT_WIDTH - sum(least)
    wanted = sum(n - m for n, m in zip(natural, least))
    return size, [m + (n - m) * spare / wanted for n, m in zip(natural, least)]


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF)


def _pieces(text: str) -> list[str]:
    """Text cut where a line may break: between two CJK characters and after spaces."""
    pieces: list[str] = []
    for ch in text:
        breaks_here = not pieces or pieces[-1].endswith(" ") or (_is_cjk(ch) and _is_cjk(pieces[-1][-1]))
        if not breaks_here:
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def _widest_unbreakable(text: str, size: float) -> float:
    return min(LONGEST_UNBREAKABLE, max((_width(p, size) for p in _pieces(text)), default=0.0))


def _wrapped(text: str, width: float, size: float) -> list[str]:
    """Greedy line filling at allowed breaks; a run longer than a line is cut anywhere.

    Breaking only between CJK characters or at spaces is what lets the reader rejoin a
    wrapped cell exactly (CJK lines join without a space, others with one).
    """
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if _width(line + piece, size) <= width or not line:
            line += piece
        else:
            lines.append(line.rstrip())
            line = piece.lstrip()
        while _width(line, size) > width and len(line) > 1:  # forced cut of a long run
            cut = 1
            while cut < len(line) and _width(line[: cut + 1], size) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _scan_image():
    """A grey picture of a ruled page: what a scanner produces, with no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, 500, 28):
        draw.line([(40, y), (360, y)], fill=0, width=1)
    for x in (40, 160, 260, 360):
        draw.line([(x, 60), (x, 480)], fill=0, width=1)
    for y in range(70, 480, 28):
        draw.rectangle([50, y, 140, y + 10], fill=90)
    return image


# ---------------------------------------------------------------- raw PDF bytes


def _raw_stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF file: numbered objects (1 is the catalog), an xref table, a trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
