"""The parsing pipeline: a file (or its blocks) → `Document`.

    read_blocks → assemble_tables → metadata, sections, line items, forms,
    self-evaluations, metrics → consistency checks

Parsing one file never depends on another.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analyzers.normalize import label_key
from indexer.model import Document, DocumentInfo, Location, PerformanceForm, Table
from indexer.parsers.catalog import is_form_title, table_kind_of
from indexer.parsers.checks import consistency_warnings
from indexer.parsers.forms import form_from_table
from indexer.parsers.line_items import items_from_table
from indexer.parsers.metadata import document_info
from indexer.parsers.metrics import metrics_from_sentences, metrics_from_tables
from indexer.parsers.sections import sections_from_blocks
from indexer.parsers.self_evaluations import department_evaluation_from_table, self_evaluations_from_table
from indexer.parsers.tables import RawTable, assemble_tables, is_table_of_contents
from indexer.readers import Paragraph, UnreadableDocument, read_blocks
from indexer.readers.blocks import Block, is_page_number

_SELF_EVALUATION_KINDS = {"self_evaluation_summary", "department_self_evaluation"}
_NO_LINE_ITEMS = {"self_evaluation_summary", "department_self_evaluation", "purchase_catalogue"}
# Lines that title or annotate a table rather than belong to a section's prose.
_TABLE_ANNOTATION = re.compile(
    r"^((单位名称|部门名称|单位|金额单位|编制单位)[:：]|(预算|部门|单位)?公开\s*\d+\s*表|预算公开表\d+|"
    r"部门公开表\d+|[(（]?\d{4}\s*年度?[)）]?$|注[:：]|说明[:：]|[（(]部门[)）]$)"
)


def parse_file(path: str | Path) -> Document:
    """Parse one disclosure file. Raises `UnreadableDocument` with a clear reason."""
    result = read_blocks(path)
    document = parse_blocks(result.blocks, str(path))
    document.warnings[:0] = result.warnings
    return document


def parse_blocks(blocks: list[Block], name: str = "document") -> Document:
    tables = [t for t in assemble_tables(blocks) if not is_table_of_contents(t)]
    info = document_info(blocks)
    if not _is_disclosure(info, tables):
        raise UnreadableDocument(
            "not_a_disclosure",
            f"{name}: 不是预算/决算公开文件（找不到年度、预算或决算字样及标准报表） (not a budget disclosure)",
        )
    document = Document(document=info)
    table_paragraphs = _table_context_ids(blocks)
    document.sections = sections_from_blocks(blocks, table_paragraphs)
    kinds_present: dict[str, Location] = {}
    for table in tables:
        if table.is_form:
            form, warnings = form_from_table(table)
            document.warnings.extend(warnings)
            _add_form(document, form)
            continue
        document.tables.append(_table_model(table))
        if table.kind_key and table.kind_key not in kinds_present:
            kinds_present[table.kind_key] = table.location.with_(table=table.title)
        if table.kind_key in _SELF_EVALUATION_KINDS:
            reader = (department_evaluation_from_table if table.kind_key == "department_self_evaluation"
                      else self_evaluations_from_table)
            evaluations, warnings = reader(table)
            document.self_evaluations.extend(evaluations)
            document.warnings.extend(warnings)
        elif table.kind_key not in _NO_LINE_ITEMS and (table.kind or table.money_unit):
            extracted = items_from_table(table, info.unit)
            document.line_items.extend(extracted.items)
            document.warnings.extend(extracted.warnings)
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    document.metrics = metrics_from_tables(document.line_items, kinds_present) + metrics_from_sentences(paragraphs)
    document.warnings.extend(consistency_warnings(document.line_items, document.metrics))
    return document


def _is_disclosure(info: DocumentInfo, tables: list[RawTable]) -> bool:
    known = sum(1 for t in tables if t.kind or t.is_form)
    return bool(info.year and info.kind) or known >= 2


def _table_model(table: RawTable) -> Table:
    header, body, _ = table.split_header()
    has_figures = any(c.strip() for row in body for c in row[1:])
    return Table(
        title=table.title or "未命名表格",
        kind=table.kind_key,
        money_unit=table.money_unit,
        header=header,
        rows=body,
        empty=table.empty_note or not has_figures,
        location=table.location.with_(table=table.title),
    )


def _add_form(document: Document, form: PerformanceForm) -> None:
    """A form continued on a second page that repeats its header (项目名称, funds) is one
    form: the same project with the same annual funds right after itself."""
    previous = document.forms[-1] if document.forms else None
    if (previous and form.project and previous.project
            and label_key(form.project) == label_key(previous.project)
            and form.annual_funds_yuan == previous.annual_funds_yuan):
        previous.indicators.extend(form.indicators)
        for key, text in form.texts.items():
            previous.texts.setdefault(key, text)
        document.warnings.append(
            f"绩效目标表“{form.project}”在{form.location.with_(form=None).describe()}续页重复了表头，已合并 "
            f"(form continued on a second page; merged)"
        )
        return
    document.forms.append(form)


def _table_context_ids(blocks: list[Block]) -> set[int]:
    """Paragraphs that title or annotate a table (title, 单位名称, 单位：万元, 公开01表,
    年度 line, 注：…) belong to the table, not to section text."""
    return {id(block) for block in blocks if isinstance(block, Paragraph) and _is_table_context(block.text)}


@lru_cache(maxsize=1 << 12)  # such lines repeat from document to document
def _is_table_context(line: str) -> bool:
    text = line.strip()
    return bool(is_page_number(line) or _TABLE_ANNOTATION.match(text) or is_form_title(text) or (
        table_kind_of(text) and len(text) < 40 and not text.endswith("。")
    ))
