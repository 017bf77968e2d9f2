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
from operator import attrgetter
from typing import Any, Callable

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def decimal_to_number(value: Decimal) -> int | float | None:
    """Exact integers stay integers; fractions become floats rounded to four places; what is
    no number (NaN, infinity) is null."""
    try:
        numerator, denominator = value.as_integer_ratio()
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    if denominator == 1:
        return numerator
    return float(round(value, 4))


def _encoder(kind: type) -> Callable[[Any], Any]:
    """How orjson gets a value of this type, decided once per type (a parse holds tens of
    thousands of locations, amounts and rows)."""
    if issubclass(kind, Decimal):
        return decimal_to_number
    if is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
        values = attrgetter(*names) if len(names) > 1 else (lambda v, g=attrgetter(*names): (g(v),))
        # Location (indexer.model) is the one dataclass whose missing parts are left out;
        # read from its __dict__ (it has no slots): one pass over the set fields, not a
        # getter and a zip (locations are most of the values a parse holds).
        if getattr(kind, "JSON_DROPS_NONE", False):
            return lambda v: {n: x for n, x in v.__dict__.items() if x is not None}
        return lambda v: dict(zip(names, values(v)))
    if issubclass(kind, (set, frozenset)):
        return sorted
    raise TypeError(f"not JSON serialisable: {kind.__name__}")


_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _default(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _ENCODERS[type(value)] = _encoder(type(value))
    return encoder(value)


def dumps_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def dumps(value: Any) -> str:
    """`value` as compact JSON text (non-ASCII kept as is)."""
    return dumps_bytes(value).decode("utf-8")


def to_plain(value: Any) -> Any:
    """`value` as plain JSON values (dicts, lists, numbers, strings, None)."""
    return orjson.loads(dumps_bytes(value))


loads = orjson.loads
