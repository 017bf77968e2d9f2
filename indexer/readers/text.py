"""Reader for text extractions of disclosure PDFs (the samples in data/).

Two table formats occur: markdown pipe tables (`| a | b |` with a `|---|` separator) and
tab-separated rows. Files come as UTF-8, UTF-8 with BOM, or GB18030/GBK. Every block gets
the 1-based line number it starts on.
"""
from __future__ import annotations

import re
from pathlib import Path

from indexer.model import Location
from indexer.readers.blocks import Block, Paragraph, ReadResult, TableBlock
from indexer.readers.errors import UnreadableDocument

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DASH_ROW = re.compile(r"^[-\s\t]+$")


def read_text(path: Path) -> ReadResult:
    text, encoding = decode_text(path.read_bytes(), path)
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
    if not sample.strip():
        return True
    return len(_NOT_TEXT.findall(sample)) / len(sample) < 0.01


def blocks_from_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    current: TableBlock | None = None
    last_kind: str | None = None  # "table" | "paragraph": what the previous block was
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        row = table_row(line)
        if row is None:
            if line.strip():
                current = None
                blocks.append(Paragraph(_paragraph_text(line), Location(line=number)))
                last_kind = "paragraph"
            else:
                current = None
            continue
        if row == "separator":
            continue
        if current is None:
            empty_header = line.lstrip().startswith("|") and not any(row)
            # Only blank lines since the previous table: it may continue over a page break.
            current = TableBlock(rows=[], location=Location(line=number),
                                 after_break=last_kind == "table")
            blocks.append(current)
            last_kind = "table"
            if empty_header:
                # An empty markdown header row marks a table continued from the previous page.
                continue
        current.rows.append(row)
        current.row_locations.append(Location(line=number))
    return [b for b in blocks if not isinstance(b, TableBlock) or b.rows]


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
