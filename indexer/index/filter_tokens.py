"""Filters as full-text tokens, for the embedded backend.

A filter evaluated in SQL beside FTS5 costs one table lookup per text match: ~1 µs, or
270 ms for a word like 经费 in 10 000 documents. Written as tokens into a third FTS5
column (`facets`), the same filters are intersected inside FTS5, in C, before any row is
read. Every filterable value becomes one ASCII token (a field letter and a hash of the
value, so no value — Chinese, punctuation, quotes — is ever FTS5 syntax).

Amounts become range tokens, as Lucene's trie fields do: the number of digits of the
amount in fen, and the digits with the leading digit. A range query becomes an OR of the
few buckets that cover it; the exact bounds are then checked in SQL on the candidates,
which are almost all inside the range already. Buckets also give the order of an amount
sort: walk them from the largest down and stop once a page is full.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache

ANY = "any"  # every record carries it: a search with no words still has something to match
SUBTOTAL = "sub1"
HAS_AMOUNT = "amt"
NEGATIVE = "amneg"
ZERO = "amzero"
MAX_DIGITS = 19  # int64 fen


@lru_cache(maxsize=1 << 16)
def value_token(field: str, value: object) -> str:
    """The token of one filter value: `y` + 12 hex digits for a year, `u…` for a unit …"""
    digest = hashlib.blake2b(str(value).encode("utf-8"), digest_size=6).hexdigest()
    return f"{_FIELD_LETTERS[field]}{digest}"


_FIELD_LETTERS = {"unit": "u", "year": "y", "kind": "k", "scope": "s", "province": "p", "city": "c",
                  "county": "n", "record_type": "t", "table_kind": "x", "doc_id": "d", "metric_key": "m"}
FIELDS = tuple(_FIELD_LETTERS)


def amount_tokens(fen: int | None) -> list[str]:
    """The range tokens of one amount (none for a record without one)."""
    if fen is None:
        return []
    if fen < 0:
        return [HAS_AMOUNT, NEGATIVE]
    if fen == 0:
        return [HAS_AMOUNT, ZERO]
    digits = len(str(fen))
    return [HAS_AMOUNT, f"am{digits}", f"am{digits}x{str(fen)[0]}"]


def _bucket(fen: int) -> tuple[int, int]:
    """(digits, leading digit) of a positive amount."""
    text = str(fen)
    return len(text), int(text[0])


def buckets_descending(low: int | None = None, high: int | None = None) -> Iterator[str]:
    """The amount tokens whose ranges meet [low, high] (fen; None = unbounded), from the
    largest amounts down: positive buckets by digits then leading digit, zero, negatives."""
    if high is None or high > 0:
        top_digits, top_lead = _bucket(high) if high is not None else (MAX_DIGITS, 9)
        bottom_digits, bottom_lead = _bucket(low) if low is not None and low > 0 else (1, 1)
        for digits in range(top_digits, bottom_digits - 1, -1):
            first = top_lead if digits == top_digits else 9
            last = bottom_lead if digits == bottom_digits else 1
            for lead in range(first, last - 1, -1):
                yield f"am{digits}x{lead}"
    if (low is None or low <= 0) and (high is None or high >= 0):
        yield ZERO
    if low is None or low < 0:
        yield NEGATIVE


def range_cover(low: int | None, high: int | None) -> list[str]:
    """Few tokens whose union holds every amount in [low, high]: whole digit counts where
    the range spans them, leading-digit buckets at its two ends."""
    tokens: list[str] = []
    whole: set[int] = set()
    if low is not None and low > 0 and high is not None:
        low_digits, high_digits = len(str(low)), len(str(high))
        whole = set(range(low_digits + 1, high_digits))
    elif low is not None and low > 0:
        whole = set(range(len(str(low)) + 1, MAX_DIGITS + 1))
    elif high is not None and high > 0:
        whole = set(range(1, len(str(high))))
    else:
        whole = set(range(1, MAX_DIGITS + 1)) if high is None or high > 0 else set()
    for token in buckets_descending(low, high):
        digits = int(token[2:token.index("x")]) if token.startswith("am") and "x" in token else None
        if digits in whole:
            name = f"am{digits}"
            if name not in tokens:
                tokens.append(name)
        else:
            tokens.append(token)
    return tokens
