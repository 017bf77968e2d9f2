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


def _match_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of the words, longest word first at each position."""
    marks = [0] * len(folded)
    for word in sorted(set(words), key=len, reverse=True):
        position = folded.find(word)
        while position >= 0:
            if not any(marks[position:position + len(word)]):
                for i in range(position, position + len(word)):
                    marks[i] = 1
            position = folded.find(word, position + len(word))
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
