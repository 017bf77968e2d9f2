"""Full/half-width and whitespace normalisation of text read from disclosures."""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Whitespace is what str.isspace() says — exactly what `\s` matches in a str regex,
# U+3000 and U+00A0 included. str.split() finds its runs several times faster than a
# regex does on Chinese text, and the functions below run on every cell and line.

def run_translator(table: dict[int, int | str | None]) -> Callable[[str], str]:
    """`str.translate(table)` as a function that looks up only the runs of characters the
    table changes. translate() looks up every character of a string, ~65 ns each on Chinese
    text, where the characters to change are a few: a regex finds their runs faster."""
    runs = re.compile("[" + re.escape("".join(sorted(map(chr, table)))) + "]+")

    def translate_run(match: re.Match[str]) -> str:
        return match.group().translate(table)

    return functools.partial(runs.sub, translate_run)


_FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_fold = run_translator(_FOLD_TABLE)


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ：, （）) to half width; other characters unchanged."""
    if not isinstance(text, str):
        return text.translate(_FOLD_TABLE)  # what callers passing anything else always got
    if text.isascii():  # figures, codes: a flag of the string, no scan
        return text
    return _fold(text)


def squash_spaces(text: str) -> str:
    """Every run of whitespace as one space, none at either end."""
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)  # labels repeat across cells, rows and documents
def label_key(text: str) -> str:
    """A comparison key for labels: width folded, every space removed, brackets unified.

    Labels break across cells and lines ("市县（区）财政资 金"), so labels are compared
    with all spaces removed.
    """
    folded = fold_width(unicodedata.normalize("NFC", text))
    return "".join(folded.split()).replace("“", '"').replace("”", '"')


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
_BROKEN_CJK_SPACE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


@lru_cache(maxsize=1 << 12)  # called on every table cell; cells repeat across rows and documents
def join_broken_label(text: str) -> str:
    """'市委市政府督查办设备购置 费' → '市委市政府督查办设备购置费'.

    Extraction breaks labels where the PDF cell wrapped; a space between two Chinese
    characters is never meaningful in these documents, one between Latin words is.
    """
    squashed = squash_spaces(text)
    if " " not in squashed:  # the usual case; the lookaround regex is slow on long text
        return squashed
    return _BROKEN_CJK_SPACE.sub("", squashed)
