"""Request arguments → `SearchOptions`, the same for pages, the API, exports and feeds.

The web takes the CLI's parameters with `_` for `-` (q, unit, year, kind, type, table_kind,
region, min, max, sort, page, limit) plus `unit_money` (元/万元/亿元) for amount fields typed
without a unit. Every problem becomes a `QueryError` naming the parameter: a 400, never a 500.
"""
from __future__ import annotations

from flask import Request

from indexer.query import QueryError
from indexer.search import SearchOptions

LIST_PARAMS = ("unit", "year", "kind", "type", "table_kind", "region")
MONEY_UNITS = ("元", "万元", "亿元")
KNOWN = {"q", "min", "max", "sort", "page", "limit", "unit_money", *LIST_PARAMS}
MAX_VALUES = 20
MAX_LENGTH = 500


def search_options(request: Request, default_limit: int = 20) -> SearchOptions:
    args = request.args
    for name in args:
        if len(args.getlist(name)) > MAX_VALUES:
            raise QueryError(name, f"参数 {name} 的取值过多（最多 {MAX_VALUES} 个）")
        if any(len(v) > MAX_LENGTH for v in args.getlist(name)):
            raise QueryError(name, f"参数 {name} 过长（最多 {MAX_LENGTH} 个字符）")
    money_unit = args.get("unit_money", "万元") or "万元"
    if money_unit not in MONEY_UNITS:
        raise QueryError("unit_money", f"金额单位“{money_unit}”无效：可选 元、万元、亿元")
    return SearchOptions(
        query=args.get("q", ""),
        unit=args.getlist("unit"), year=args.getlist("year"), kind=args.getlist("kind"),
        type=args.getlist("type"), table_kind=args.getlist("table_kind"), region=args.getlist("region"),
        min=_with_unit(args.get("min"), money_unit), max=_with_unit(args.get("max"), money_unit),
        sort=args.get("sort", "relevance") or "relevance",
        page=args.get("page", "1") or "1", limit=args.get("limit", str(default_limit)) or str(default_limit),
    )


def _with_unit(value: str | None, money_unit: str) -> str | None:
    """'50' with the 万元 selector means 50万元; '50万' already says its unit."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value[-1].isdigit():
        return value + money_unit
    return value
