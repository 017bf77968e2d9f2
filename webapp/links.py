"""Where a record leads: the one place that turns a search hit, an answer's evidence, a
comparison cell or a project-history entry into links. The HTML pages, the JSON API, the
CSV/XLSX exports, the question pages and the comparisons all use it.

    hit_source(hit, query)      a search hit's source, from the hit alone
    source(doc_id, location, …) the same for a bare location (evidence, comparison cells)
    absolute(href)              an href as an absolute URL (JSON, exports)

A source is a dict: `url` (its main link), `parts` (document › table/form/section › row,
each {"label", "url"}), `where` (第3页 / 原文第12行) and `where_url` (the PDF at that page).
Every url is an href on this site (the script root included).

URLs (views/pages.py serves them):

    /documents/<id>                                     the document
    /documents/<id>/tables/<n>[?row=<r>][&q=<q>][#r<r>] table n, row r highlighted
    /documents/<id>/forms/<n>                           performance form n
    /documents/<id>/sections/<n>[?q=<q>]                section n (q marks the searched words)
    /documents/<id>/sections/at?line=<l>|page=<p>[&q=]  the section holding that line or page
    /documents/<id>/file#page=<p>                       the original PDF at a page

A search hit needs nothing but itself: records carry their place (indexer/records.py
`records_of`): `payload["table_index"]` for tables, line items, self-evaluations and metrics
(None: not in a table, e.g. a figure read from a sentence; it then leads to
/sections/at, which finds the section when someone follows the link), `payload["form_index"]`
for forms, and a section's number is the last part of its record_id (<doc>:section:<n>).
The document is loaded (once per request) only when that is missing: an index built before
records carried these keys, and bare locations, which name a table or form by title only.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from flask import has_request_context, request

from indexer.records import IndexedDocument
from webapp.backend import backend

DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
IN_TABLE = ("line_item", "metric", "self_evaluation")  # records that are a row or a figure of a table

# ------------------------------------------------------------------ paths (app-relative)


def document_path(doc_id: str) -> str:
    return "/documents/" + quote(doc_id, safe="")


def table_path(doc_id: str, n: int, row: int | None = None, query: str = "") -> str:
    args = [f"row={row}"] if row else []
    if query:
        args.append(_q(query))
    return f"{document_path(doc_id)}/tables/{n}{_joined(args)}" + (f"#r{row}" if row else "")


def form_path(doc_id: str, n: int) -> str:
    return f"{document_path(doc_id)}/forms/{n}"


def section_path(doc_id: str, n: int, query: str = "") -> str:
    return f"{document_path(doc_id)}/sections/{n}{_joined([_q(query)] if query else [])}"


def section_at_path(doc_id: str, location: dict[str, Any], query: str = "") -> str | None:
    """The section holding a line (text) or page (PDF); None when the location has neither."""
    where = position_key(location)
    if where is None:
        return None
    args = [f"{where[0]}={int(where[1])}"] + ([_q(query)] if query else [])
    return f"{document_path(doc_id)}/sections/at{_joined(args)}"


def file_path(doc_id: str, page: int | None = None) -> str:
    return f"{document_path(doc_id)}/file" + (f"#page={page}" if page else "")


def _joined(args: list[str]) -> str:
    return "?" + "&".join(args) if args else ""


@lru_cache(maxsize=256)
def _q(query: str) -> str:
    """q=<the searched words> as urlencode writes it (a page's links all carry the same words)."""
    return urlencode([("q", query)])


def absolute(href: str) -> str:
    """An href of this site (script root included) as an absolute URL."""
    return request.host_url.rstrip("/") + href


def _root() -> str:
    return request.script_root if has_request_context() else ""


# ------------------------------------------------------------------ sources


def hit_source(hit: Any, query: str = "") -> dict[str, Any]:
    """A search hit's source, from the hit alone (see the module docstring)."""
    return source(hit.doc_id, hit.location, hit.record_type, payload=hit.payload, record_id=hit.record_id,
                  name=hit.name, title=hit.title or hit.unit, query=query)


def source(doc_id: str, location: dict[str, Any] | None, record_type: str | None = None, *,
           payload: dict[str, Any] | None = None, record_id: str | None = None, name: str | None = None,
           title: str | None = None, query: str = "") -> dict[str, Any]:
    """Where a record leads. Without a record type the location says it: a form, a table
    (row), else a sentence of a section. `query` goes into table and section links, which
    mark the searched words."""
    location = location or {}
    kind = record_type or ("form" if location.get("form") else "line_item" if location.get("table") else "section")
    query = (query or "").strip()
    place = _from_payload(kind, doc_id, location, payload or {}, record_id, name, query)
    doc = None
    if place is None:
        # The payload does not say where the record is: an older index, or a bare location.
        doc = load_document(doc_id)
        place = _from_document(kind, doc, location, payload or {}, name, query) if doc else []
    root = _root()
    doc_url = root + document_path(doc_id)
    parts = [{"label": title or (doc.title if doc else None) or doc_id, "url": doc_url}]
    parts += [{"label": label, "url": root + path} for label, path in place]
    page = location.get("page")
    return {"url": parts[-1]["url"], "parts": parts, "where": position_text(location),
            # only the PDF reader gives pages: a page means the original is a PDF
            "where_url": root + file_path(doc_id, page) if isinstance(page, int) and page > 0 else None}


Place = list[tuple[str, str]]  # (label, app-relative path) after the document; the last is the main link


def _from_payload(kind: str, doc_id: str, location: dict[str, Any], payload: dict[str, Any],
                  record_id: str | None, name: str | None, query: str) -> Place | None:
    """The place a record's payload names; None when the payload does not say."""
    if kind == "table":
        n = payload.get("table_index")
        if not _index(n):
            return None
        return [(name or location.get("table") or "报表", table_path(doc_id, n, query=query))]
    if kind in IN_TABLE:
        if "table_index" not in payload:
            return None
        n = payload["table_index"]
        if _index(n):
            return _table_parts(doc_id, n, location.get("table") or "报表", location, query)
        if _index(payload.get("section_index")):  # a sentence, its section stored with it
            return [(heading_text(payload), section_path(doc_id, payload["section_index"], query))]
        at = section_at_path(doc_id, location, query)  # a sentence, in an older index
        return [("所在章节", at)] if at else []
    if kind == "form":
        n = payload.get("form_index")
        if not _index(n):
            return None
        return [(f"绩效目标表：{location.get('form') or name}", form_path(doc_id, n))]
    if kind == "section":
        number = (record_id or "").rsplit(":", 1)[-1]
        if not (number.isascii() and number.isdigit()) or "heading_path" not in payload:
            return None
        return [(heading_text(payload), section_path(doc_id, int(number), query))]
    return []


def _from_document(kind: str, doc: IndexedDocument, location: dict[str, Any], payload: dict[str, Any],
                   name: str | None, query: str) -> Place:
    """The place found in the document itself: a table or form by title and position, a
    section by position."""
    pj = doc.parse_json or {}
    doc_id = doc.doc_id
    if kind == "table":
        n = table_index(pj, location)
        return [(name or location.get("table") or "报表", table_path(doc_id, n, query=query))] if n is not None else []
    if kind in IN_TABLE:
        n = table_index(pj, location)
        if n is not None:
            label = location.get("table") or pj["tables"][n].get("title") or "报表"
            return _table_parts(doc_id, n, label, location, query)
    if kind == "form":
        n = form_index(pj, location)
        return [(f"绩效目标表：{location.get('form') or name}", form_path(doc_id, n))] if n is not None else []
    s = section_index(pj, payload.get("heading_path") if kind == "section" else None, location)
    return [(heading_text(pj["sections"][s]), section_path(doc_id, s, query))] if s is not None else []


def _table_parts(doc_id: str, n: int, label: str, location: dict[str, Any], query: str) -> Place:
    row = location.get("row")
    if not (isinstance(row, int) and row > 0):
        return [(label, table_path(doc_id, n, query=query))]
    return [(label, table_path(doc_id, n, query=query)), (f"表内第{row}行", table_path(doc_id, n, row, query))]


def _index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# ------------------------------------------------------------------ documents (the fallback)


def load_document(doc_id: str) -> IndexedDocument | None:
    """A document with its parse, loaded at most once per request."""
    if not DOC_ID.match(doc_id or ""):
        return None
    cache = request_cache().setdefault("documents", {})
    if doc_id not in cache:
        cache[doc_id] = backend().document(doc_id)
    return cache[doc_id]


def request_cache() -> dict[str, Any]:
    """What one request works out once and uses many times. It lives in the request's WSGI
    environ, not in `g`, so it never outlives the request (g is the app context's, and an
    app context can span several requests)."""
    return request.environ.setdefault("disclosure_search.cache", {})


def position_key(location: dict[str, Any]) -> tuple[str, int] | None:
    if location.get("page"):
        return ("page", location["page"])
    if location.get("line"):
        return ("line", location["line"])
    return None


def table_index(pj: dict[str, Any], location: dict[str, Any]) -> int | None:
    """The table a location names: same title, the last one starting at or before it."""
    return _titled_index(pj.get("tables") or [], "title", "table", location)


def form_index(pj: dict[str, Any], location: dict[str, Any]) -> int | None:
    """The performance form a location names: same project, the last one starting at or before it."""
    return _titled_index(pj.get("forms") or [], "project", "form", location)


def _titled_index(items: list[dict[str, Any]], key: str, location_key: str, location: dict[str, Any]) -> int | None:
    title = location.get(location_key)
    if not title:
        return None
    candidates = [i for i, item in enumerate(items)
                  if title in (item.get(key), (item.get("location") or {}).get(location_key))]
    if not candidates:
        return None
    where = position_key(location)
    if where:
        before = [i for i in candidates
                  if (position_key(items[i].get("location") or {}) or ("", 0))[0] == where[0]
                  and position_key(items[i]["location"])[1] <= where[1]]
        if before:
            return before[-1]
    return candidates[0]


def section_index(pj: dict[str, Any], heading_path: list[str] | None, location: dict[str, Any]) -> int | None:
    """The section with this heading path (at this position), else the one holding the position."""
    sections = pj.get("sections") or []
    where = position_key(location)
    if heading_path is not None:
        same = [i for i, s in enumerate(sections) if (s.get("heading_path") or []) == list(heading_path)]
        for i in same:
            if where is None or position_key(sections[i].get("location") or {}) == where:
                return i
        if same and where is None:
            return same[0]
    if where is None:
        return None
    kind, value = where
    best = None
    for i, s in enumerate(sections):
        loc = s.get("location") or {}
        start = loc.get(kind)
        if start is None:
            continue
        end = loc.get("end_line", start) if kind == "line" else loc.get("end_page", start)
        if start <= value <= max(end, start):
            return i
        if start <= value:
            best = i
    return best


# ------------------------------------------------------------------ texts


def heading_text(section: dict[str, Any]) -> str:
    """A section (or a section record's payload) by its heading path: 一、… › （一）…"""
    return " › ".join(section.get("heading_path") or []) or "（卷首）"


def position_text(location: dict[str, Any] | None) -> str:
    """第3页 (PDF) or 原文第12行 (text extraction)."""
    location = location or {}
    if location.get("page"):
        return f"第{location['page']}页"
    if location.get("line"):
        end = location.get("end_line")
        if end and end != location["line"]:
            return f"原文第{location['line']}–{end}行"
        return f"原文第{location['line']}行"
    return ""
