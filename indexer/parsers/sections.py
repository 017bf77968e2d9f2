"""The heading tree (第一部分 …, 一、…, （一）…, 1、…) and the text under each heading.

Headings are recognised by their numbering; a long numbered line ending in 。 is a list
item, not a heading. Table titles and the lines around tables are not section text — the
tables carry them.
"""
from __future__ import annotations

import re
from functools import lru_cache

from analyzers.normalize import squash_spaces
from indexer.model import Location, Section
from indexer.readers.blocks import Block, Paragraph

_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^第[一二三四五六七八九十]+部分")),
    (2, re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    (3, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")),
    (4, re.compile(r"^\d{1,2}[、.．](?!\d)")),
)
_MAX_HEADING_CHARS = 40
_TOC_LINE = re.compile(r"[.…]{3,}\s*\d*$")
_BARE_PART = re.compile(r"第[一二三四五六七八九十]+部分")


@lru_cache(maxsize=1 << 12)  # asked twice of every paragraph (sections, metrics); template lines repeat
def heading_level(text: str) -> int | None:
    stripped = text.strip()
    if len(stripped) > _MAX_HEADING_CHARS or stripped.endswith(("。", "；", ";")):
        return None
    if "，" in stripped or "," in stripped:
        return None  # a list item broken over two lines, not a heading
    if _TOC_LINE.search(stripped):
        return None  # a 目录 line
    for level, pattern in _LEVELS:
        if pattern.match(stripped):
            return level
    return None


def sections_from_blocks(blocks: list[Block], skip: set[int]) -> list[Section]:
    """Sections in document order; `skip` holds ids of paragraphs that belong to tables."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    buffer: list[str] = []
    start: Location | None = None
    last: Location | None = None

    def flush() -> None:
        if buffer and start is not None:
            end = last.line if last is not None else None
            sections.append(Section(
                heading_path=[h for _, h in path], text="\n".join(buffer),
                location=start.with_(end_line=end if end != start.line else None),
            ))
        buffer.clear()

    bare_part = False  # "第一部分" alone on its line: the next short line is its title
    for block in blocks:
        if not isinstance(block, Paragraph) or id(block) in skip:
            continue
        level = heading_level(block.text)
        if bare_part and level is None and len(block.text.strip()) <= 30:
            path[-1] = (1, f"{path[-1][1]} {squash_spaces(block.text)}")
            bare_part = False
            continue
        bare_part = level == 1 and bool(_BARE_PART.fullmatch(squash_spaces(block.text)))
        if level is not None:
            flush()
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, squash_spaces(block.text)))
            start = None
            continue
        if start is None:
            start = block.location
        buffer.append(block.text)
        last = block.location
    flush()
    return sections
