"""Tables as the document has them: joined across page breaks, titled, typed and split
into header rows and body rows.

A table's title, money unit and unit name stand in the few paragraphs before it
("2023年预算收支总表", "单位名称：…", "单位：万元"). A table that follows another with
nothing but a page break between them continues it; a repeated header on the
continuation is dropped. "注：本表无数据" marks a table that is intentionally empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from analyzers.amounts import money_unit_in, number_value
from analyzers.normalize import label_key
from indexer.model import Location
from indexer.parsers.catalog import TableKind, is_form_title, table_kind_of
from indexer.readers.blocks import Block, Paragraph, TableBlock, is_page_number

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_TOTAL_LABELS = ("合计", "总计", "小计")


@dataclass
class RawTable:
    """One table of the document, rows still as strings."""

    title: str | None
    kind: TableKind | None
    is_form: bool
    money_unit: str | None
    rows: list[list[str]]
    row_locations: list[Location]
    location: Location
    empty_note: bool = False
    context: list[str] = field(default_factory=list)
    index: int = 0  # position among all tables, for stable ids

    @property
    def kind_key(self) -> str | None:
        return self.kind.key if self.kind else None

    def split_header(self) -> tuple[list[list[str]], list[list[str]], list[Location]]:
        """(header rows, body rows, body row locations)."""
        start = header_row_count(self.rows)
        return self.rows[:start], self.rows[start:], self.row_locations[start:]


def assemble_tables(blocks: list[Block]) -> list[RawTable]:
    """Walk the blocks once and return every table, continuations joined."""
    tables: list[RawTable] = []
    context: list[Paragraph] = []
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            if is_page_number(block.text):
                continue
            if tables and "本表无数据" in label_key(block.text):
                tables[-1].empty_note = True
            context.append(block)
            previous = block
            continue
        # Nothing but a page break (or blank lines) since the previous table: it continues.
        if isinstance(previous, TableBlock) and tables:
            _append_continuation(tables[-1], block)
        else:
            tables.append(_new_table(block, context, len(tables)))
        context = []
        previous = block
    return tables


def _new_table(block: TableBlock, context: list[Paragraph], index: int) -> RawTable:
    title_paragraph = next(
        (p for p in reversed(context) if is_form_title(p.text) or table_kind_of(p.text)), None
    )
    title = title_paragraph.text if title_paragraph else _title_inside(block)
    is_form = bool(title and is_form_title(title))
    kind = None if is_form or not title else table_kind_of(title)
    money_unit = next((u for p in context if (u := money_unit_in(p.text))), None)
    location = (title_paragraph.location if title_paragraph else block.location)
    return RawTable(
        title=_clean_title(title) if title else None,
        kind=kind,
        is_form=is_form,
        money_unit=money_unit,
        rows=[list(r) for r in block.rows],
        row_locations=list(block.row_locations) or [block.location] * len(block.rows),
        location=location,
        context=[p.text for p in context],
        index=index,
    )


def _title_inside(block: TableBlock) -> str | None:
    # Some extractions put the title into the table's first row ("项目单位自评汇总表 | | |").
    if not block.rows:
        return None
    cells = [c for c in block.rows[0] if c]
    if len(cells) == 1 and (table_kind_of(cells[0]) or is_form_title(cells[0])):
        return cells[0]
    return None


_TITLE_LEADER = re.compile(r"[.…]{2,}\s*\d*$")  # "……12": a 目录 leader and page number


def _clean_title(title: str) -> str:
    return _TITLE_LEADER.sub("", title).strip()


def _append_continuation(table: RawTable, block: TableBlock) -> None:
    rows = [list(r) for r in block.rows]
    locations = list(block.row_locations) or [block.location] * len(rows)
    # A repeated header (PDF tables often reprint it on the next page) is dropped.
    header = table.rows[:header_row_count(table.rows)]
    while rows and header and any(_same_row(rows[0], h) for h in header):
        rows.pop(0)
        locations.pop(0)
    table.rows.extend(rows)
    table.row_locations.extend(locations)


def _same_row(a: list[str], b: list[str]) -> bool:
    return [label_key(c) for c in a if c] == [label_key(c) for c in b if c] and any(a)


_MAX_HEADER_ROWS = 6


def header_row_count(rows: list[list[str]]) -> int:
    """How many leading rows are header: up to the first row with a figure in it, or the
    first row that opens with 合计 or a classification code. A long table of text only
    (a catalogue) has its first row as header."""
    # Asked several times of each table (its model, its line items, its continuations);
    # the answer depends only on the first rows and the row count.
    head = tuple(tuple(row) for row in rows[:_MAX_HEADER_ROWS + 1])
    return _header_row_count(head, len(rows))


@lru_cache(maxsize=1 << 12)
def _header_row_count(head: tuple[tuple[str, ...], ...], total: int) -> int:
    for index, row in enumerate(head):
        if is_column_number_row(row):
            continue
        if _opens_body(row) or (index > 0 and _is_label_only_row(row)):
            return index
        if any(number_value(c) is not None for c in row[1:] if c.strip()):
            return index
    return total if total <= _MAX_HEADER_ROWS else 1


def _is_label_only_row(row: Sequence[str]) -> bool:
    """'因公出国（境）费 | | |': a body row whose figures are all blank."""
    return bool(row and row[0].strip()) and not any(c.strip() for c in row[1:])


def _opens_body(row: Sequence[str]) -> bool:
    # "合计 | | |" opens the body of an empty table; "合计 | 因公出国(境)费 | …" is a header.
    first = label_key(row[0]) if row else ""
    if not (first.startswith(_TOTAL_LABELS) or _CODE.match(first)):
        return False
    return all(number_value(c) is not None for c in row[1:] if c.strip() and not _CODE.match(label_key(c)))


def is_table_of_contents(table: RawTable) -> bool:
    """目录 pages extracted as a two-column grid: labels followed by page numbers."""
    if table.title:
        return False
    ends_with_page = sum(
        1 for row in table.rows if (cells := [c for c in row if c.strip()]) and cells[-1].strip().isdigit()
    )
    return ends_with_page >= 0.6 * max(1, len(table.rows))


def is_column_number_row(row: Sequence[str]) -> bool:
    """'1 | 2 | 3 | …' or '栏次 | | 1 | 2' rows number the columns; they are not data."""
    numbers: list[str] = []
    # Asked of every row, and almost every row has a label or figure: stop at the first.
    for cell in row:
        if not cell.strip():
            continue
        key = label_key(cell)
        if key.isdigit():
            numbers.append(key)
        elif key not in ("栏次", "行次"):
            return False
    if len(numbers) < 2:
        return False
    values = [int(c) for c in numbers]
    return values == list(range(values[0], values[0] + len(values)))
