"""Located blocks: what every reader yields and every parser consumes.

A reader turns a file into a flat, ordered list of blocks — a paragraph of text or a table
(a grid of cell strings) — each with the page (PDF) or line (text) it came from. Readers
do not interpret content; tables split across pages stay split here and are joined by
`indexer.parsers.tables`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.model import Location


# "- 3 -", "3", "第3页", "第3页 共20页", "3/20": a page number line, never content.
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*(/|共)\s*\d{1,4}\s*页?)?[-—–\s]*$")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


@dataclass
class Paragraph:
    text: str
    location: Location


@dataclass
class TableBlock:
    rows: list[list[str]]
    location: Location
    # The reader's own hint that this grid starts a new page (PDF) or follows a page
    # break (a blank line or an empty markdown header in text extractions).
    after_break: bool = False
    row_locations: list[Location] = field(default_factory=list)


Block = Paragraph | TableBlock


@dataclass
class ReadResult:
    """Blocks of one file plus what the reader noticed (e.g. a page with no text layer)."""

    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
