"""Reader for text extractions of disclosure PDFs (the samples in data/).

Two table formats occur: markdown pipe tables (`| a | b |` with a `|---|` separator) and
tab-separated rows. Files come as UTF-8, UTF-8 with BOM, or GB18030/GBK. Every block gets
the 1-based line number it starts on.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from indexer.model import Location
from indexer.readers.blocks import Block, Paragraph, ReadResult, TableBlock
from indexer.readers.errors import UnreadableDocument

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DASH_ROW = re.compile(r"^[-\s\t]+$")


def read_text(path: Path, data: bytes | None = None) -> ReadResult:
    """Blocks of a text extraction; `data` is the file's content when the caller has read it."""
    text, encoding = decode_text(path.read_bytes() if data is None else data, path)
    result = ReadResult(blocks=blocks_from_lines(text.splitlines()))
    if encoding != "utf-8":
        result.warnings.append(f"文件编码为{encoding}，已转换 (decoded as {encoding})")
    if not result.blocks:
        raise UnreadableDocument("empty", f"{path}: 文件没有文字内容 (no text content)")
    return result


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or GB18030; refuse binary junk.

    `splitlines()` later keeps an unterminated last line, which holds a table row in
    some samples.
    """
    if b"\x00" in data[:65536]:
        raise UnreadableDocument("binary", f"{path}: 不是文本文件（含二进制内容） (binary content, not text)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise UnreadableDocument(
        "encoding", f"{path}: 无法识别文件编码（不是UTF-8或GB18030） (unknown text encoding)"
    )


# Control characters (but tab, newlines, form feed), private use and U+FFFD: never in real text.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ufffd]")


def _looks_like_text(text: str) -> bool:
    # GB18030 decodes almost any byte soup; real text is mostly CJK, ASCII and punctuation.
    sample = text[:20000]
    if not sample or sample.isspace() or not _NOT_TEXT.search(sample):  # the usual case: nothing to count
        return True
    return len(_NOT_TEXT.findall(sample)) / len(sample) < 0.01


def blocks_from_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    current: TableBlock | None = None
    last_kind: str | None = None  # "table" | "paragraph": what the previous block was
    for number, raw in enumerate(lines, start=1):
        kind, text, cells, empty_header = _read_line(raw.rstrip("\r\n"))
        if kind == "separator":
            continue
        if kind != "row":  # a paragraph or a blank line: either ends a table
            current = None
            if kind == "paragraph":
                blocks.append(Paragraph(text, _at_line(number)))
                last_kind = "paragraph"
            continue
        if current is None:
            # Only blank lines since the previous table: it may continue over a page break.
            current = TableBlock(rows=[], location=_at_line(number),
                                 after_break=last_kind == "table")
            blocks.append(current)
            last_kind = "table"
            if empty_header:
                # An empty markdown header row marks a table continued from the previous page.
                continue
        current.rows.append(list(cells))
        current.row_locations.append(_at_line(number))
    return [b for b in blocks if not isinstance(b, TableBlock) or b.rows]


# One line read: (kind — "blank" | "paragraph" | "row" | "separator", a paragraph's text,
# a row's cells, whether a markdown row is empty — it opens a continued table).
_LineReading = tuple[str, str, tuple[str, ...], bool]
_BLANK: _LineReading = ("blank", "", (), False)
_SEPARATOR: _LineReading = ("separator", "", (), False)


# Headers, rules and template sentences recur from document to document. Cached as a
# plain tuple of strings, which the garbage collector stops tracking (a large cache of
# objects makes every full collection slow).
@lru_cache(maxsize=1 << 12)
def _read_line(line: str) -> _LineReading:
    """What one line of the file is: a pure function of the line."""
    if not line:
        return _BLANK
    row = table_row(line)
    if row is None:
        return ("paragraph", _paragraph_text(line), (), False) if line.strip() else _BLANK
    if row == "separator":
        return _SEPARATOR
    return "row", "", tuple(row), line.lstrip().startswith("|") and not any(row)


@lru_cache(maxsize=1 << 13)
def _at_line(number: int) -> Location:
    # Locations are immutable, so every block on line N can share one (building a frozen
    # dataclass is slow).
    return Location(line=number)


def table_row(line: str) -> list[str] | str | None:
    """A text line as table cells (markdown pipe or tab-separated), "separator" for a
    markdown rule or dash line, or None for a line of prose."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        if _MD_SEPARATOR.match(stripped):
            return "separator"
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [cell.strip() for cell in inner.split("|")]
    if "\t" in line:
        cells = [cell.strip() for cell in line.split("\t")]
        if all(_DASH_ROW.match(c) or not c for c in cells):
            return "separator"
        return cells
    return None


def _paragraph_text(line: str) -> str:
    text = line.strip()
    if text.startswith("- "):
        text = text[2:].strip()
    return text
