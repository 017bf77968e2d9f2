"""Highlighted snippets, made in Python for every backend: the stored original text is
HTML-escaped first, then the matched words are wrapped in <mark>, so neither a document
nor a query can put markup on a page."""
from __future__ import annotations

import html

from analyzers.normalize import fold_width

WINDOW = 90


def snippet(text: str, words: tuple[str, ...] | list[str], window: int = WINDOW) -> str:
    """A window of `text` around the first matched word, escaped, matches marked."""
    if not text:
        return ""
    words = [w for w in words if w]
    if not words:  # nothing to mark: the opening of the text (tables can be very long)
        opening = html.escape(text[:window]).replace("\n", " ")
        return opening + ("…" if len(text) > window else "")
    folded = fold_width(text).lower()  # length-preserving, so offsets map back to `text`
    spans = _match_spans(folded, [fold_width(w).lower() for w in words if w])
    start = 0
    if spans:
        start = max(0, spans[0][0] - window // 3)
    end = min(len(text), start + window)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        pieces.append(html.escape(text[cursor:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html.escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces).replace("\n", " ")


# Quotes and brackets inside words are ignored when matching: the analyzer reads
# “三公”经费 as 三公经费 and 因公出国（境）费 as 因公出国境费.
_IGNORED = set("\"'“”‘’()（）「」")


def _match_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of the words in `folded`, longest word first."""
    kept = [i for i, ch in enumerate(folded) if ch not in _IGNORED]
    squeezed = "".join(folded[i] for i in kept)
    marks = [0] * len(folded)
    for word in sorted({"".join(ch for ch in w if ch not in _IGNORED) for w in words} - {""}, key=len, reverse=True):
        position = squeezed.find(word)
        while position >= 0:
            span = range(kept[position], kept[position + len(word) - 1] + 1)
            if not any(marks[i] for i in span):
                for i in span:
                    marks[i] = 1
            position = squeezed.find(word, position + len(word))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(marks):
        if marks[i]:
            j = i
            while j < len(marks) and marks[j]:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans
