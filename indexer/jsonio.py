"""The one JSON encoder of the model and the index rows: orjson, taught the model's types.

Encoding the parse of a document and its records' payloads was a fifth of the CPU of
ingest with the standard library's encoder and a recursive walk of the model; orjson does
the walk in C and calls back into Python only for what it does not know — a `Decimal`
(exact yuan become integers, fractions floats rounded to four places) and the model's
dataclasses (a `Location` keeps only the fields it has, as the JSON contracts carry it).
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def decimal_to_number(value: Decimal) -> int | float:
    """Exact integers stay integers; fractions become floats rounded to four places."""
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 4))


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


@cache
def _drops_none(kind: type) -> bool:
    # Location (indexer.model) is the one dataclass whose missing parts are left out.
    return getattr(kind, "JSON_DROPS_NONE", False)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_to_number(value)
    if is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        if _drops_none(kind):
            return {name: v for name in _field_names(kind) if (v := getattr(value, name)) is not None}
        return {name: getattr(value, name) for name in _field_names(kind)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def dumps(value: Any) -> str:
    """`value` as compact JSON text (non-ASCII kept as is)."""
    return orjson.dumps(value, default=_default, option=_OPTIONS).decode("utf-8")


def to_plain(value: Any) -> Any:
    """`value` as plain JSON values (dicts, lists, numbers, strings, None)."""
    return orjson.loads(dumps_bytes(value))


loads = orjson.loads
