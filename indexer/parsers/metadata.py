"""Who, when and what: unit, fiscal year, kind (budget / final_account), scope
(unit / department) and title, read from the cover lines and the lines around tables;
the region comes from `regions.region_of`.
"""
from __future__ import annotations

import re
from collections import Counter

from analyzers.amounts import money_unit_in
from analyzers.normalize import fold_width, join_broken_label, label_key
from indexer.model import DocumentInfo
from indexer.parsers.regions import region_of
from indexer.readers.blocks import Block, Paragraph

_COVER_BLOCKS = 12
_YEAR = re.compile(r"(20\d{2})\s*年")
_UNIT_LINE = re.compile(r"^(?:单位名称|部门名称|单位|部门|编制单位)[:：]\s*(.+)$")
# How every _UNIT_LINE starts. Folding widths changes neither these words nor what counts
# as leading space, so a line not starting so needs no folding (most lines, and this
# runs on every paragraph).
_UNIT_LINE_STARTS = ("单位", "部门", "编制单位")
_DEPARTMENT_MARK = re.compile(r"[（(]部门[)）]$")
_ORGANISATION_LINE = re.compile(r"(办公室|局|委员会|中心|厅|院|政府)(（部门）)?$")
_UNIT_IN_TITLE = re.compile(r"^(?:20\d{2}\s*年度?)?(.+?)(部门|单位)(预算|决算)")
_DEPARTMENT_DISCLOSURE = re.compile(r"部门(预算|决算)")
_UNIT_DISCLOSURE = re.compile(r"单位(预算|决算)")


def document_info(blocks: list[Block]) -> DocumentInfo:
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    cover = [fold_width(p.text).strip() for p in paragraphs[:_COVER_BLOCKS]]
    cover_text = "".join(label_key(line) for line in cover)
    unit = _unit_name(paragraphs, cover)
    year = _year(cover, paragraphs)
    kind = _kind(cover)
    scope = _scope(cover_text, unit)
    region = region_of(_strip_department_mark(unit) if unit else "", " ".join(cover))
    info = DocumentInfo(
        unit=_strip_department_mark(unit) if unit else None,
        year=year,
        kind=kind,
        scope=scope,
        province=region.province,
        city=region.city,
        county=region.county,
        title=_title(cover, unit, year, kind, scope),
    )
    return info


def _unit_name(paragraphs: list[Paragraph], cover: list[str]) -> str | None:
    """The unit named on the lines above the tables (单位名称：…), the most frequent one
    winning; else the cover line that names an organisation."""
    names: Counter[str] = Counter()
    for index, paragraph in enumerate(paragraphs):
        if not paragraph.text.lstrip().startswith(_UNIT_LINE_STARTS):
            continue
        match = _UNIT_LINE.match(fold_width(paragraph.text).strip())
        if not match or money_unit_in(paragraph.text):
            continue
        name = match.group(1).strip()
        # "部门名称：大同市云冈区人民政府办公室" may wrap its "（部门）" onto the next line.
        if index + 1 < len(paragraphs) and _DEPARTMENT_MARK.match(paragraphs[index + 1].text.strip()):
            name += paragraphs[index + 1].text.strip()
        names[join_broken_label(name)] += 1
    if names:
        return names.most_common(1)[0][0]
    for line in cover:
        line = join_broken_label(line)
        if _ORGANISATION_LINE.search(line) and not _YEAR.search(line):
            return line
        match = _UNIT_IN_TITLE.match(line)
        if match and len(match.group(1)) >= 3:
            return match.group(1)
    return None


def _strip_department_mark(unit: str) -> str:
    return _DEPARTMENT_MARK.sub("", unit).strip()


def _year(cover: list[str], paragraphs: list[Paragraph]) -> int | None:
    for line in cover + [p.text for p in paragraphs[:60]]:
        if "预算" in line or "决算" in line or "年度" in line:
            match = _YEAR.search(fold_width(line))
            if match:
                return int(match.group(1))
    return None


def _kind(cover: list[str]) -> str | None:
    """The first cover line that says 预算 or 决算 decides (later lines may quote the other)."""
    for line in cover:
        key = label_key(line)
        budget, final = key.find("预算"), key.find("决算")
        if final >= 0 and (budget < 0 or final < budget):
            return "final_account"
        if budget >= 0:
            return "budget"
    return None


def _scope(cover_text: str, unit: str | None) -> str | None:
    if _DEPARTMENT_DISCLOSURE.search(cover_text) or (unit and _DEPARTMENT_MARK.search(unit)):
        return "department"
    if _UNIT_DISCLOSURE.search(cover_text):
        return "unit"
    return None


def _title(cover: list[str], unit: str | None, year: int | None, kind: str | None, scope: str | None) -> str | None:
    if unit is None and year is None:
        return None
    scope_word = {"department": "部门", "unit": "单位"}.get(scope or "", "")
    kind_word = {"budget": "预算", "final_account": "决算"}.get(kind or "", "")
    unit_name = _strip_department_mark(unit) if unit else ""
    return f"{unit_name}{year or ''}年度{scope_word}{kind_word}公开"
