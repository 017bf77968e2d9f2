"""Readers: one per file format, behind one function.

`read_blocks(path)` picks the reader by content (PDF magic bytes) or extension and returns
a `ReadResult`; anything it cannot read raises `UnreadableDocument` with a clear reason.
"""
from __future__ import annotations

from pathlib import Path

from indexer.readers.blocks import Block, Paragraph, ReadResult, TableBlock
from indexer.readers.errors import UnreadableDocument

__all__ = ["Block", "Paragraph", "ReadResult", "TableBlock", "UnreadableDocument", "read_blocks"]

TEXT_SUFFIXES = {".txt", ".md", ".tsv", ".text"}


def read_blocks(path: str | Path) -> ReadResult:
    path = Path(path)
    if not path.is_file():
        raise UnreadableDocument("missing", f"{path}: 文件不存在 (no such file)")
    with path.open("rb") as handle:
        head = handle.read(1024)
        if not head:
            raise UnreadableDocument("empty", f"{path}: 空文件 (empty file)")
        is_pdf = head.lstrip().startswith(b"%PDF")
        if not is_pdf and path.suffix.lower() == ".pdf":
            raise UnreadableDocument("corrupt", f"{path}: 不是有效的PDF文件 (no PDF header: corrupt or not a PDF)")
        # A text extraction is read whole while the file is open (so it is opened once);
        # a PDF is left to its reader.
        data = None if is_pdf else head + handle.read()
    if is_pdf:
        from indexer.readers.pdf import read_pdf

        return read_pdf(path)
    from indexer.readers.text import read_text

    return read_text(path, data)
