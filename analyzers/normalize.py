"""Full/half-width and whitespace normalisation of text read from disclosures."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE_RE = re.compile(r"[\s\u3000\u00a0]+")


_FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ：, （）) to half width; other characters unchanged."""
    return text.translate(_FOLD_TABLE)


def squash_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)  # labels repeat across cells, rows and documents
def label_key(text: str) -> str:
    """A comparison key for labels: width folded, every space removed, brackets unified.

    Labels break across cells and lines ("市县（区）财政资 金"), so labels are compared
    with all spaces removed.
    """
    folded = fold_width(unicodedata.normalize("NFC", text))
    return _SPACE_RE.sub("", folded).replace("“", '"').replace("”", '"')


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
_BROKEN_CJK_SPACE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def join_broken_label(text: str) -> str:
    """'市委市政府督查办设备购置 费' → '市委市政府督查办设备购置费'.

    Extraction breaks labels where the PDF cell wrapped; a space between two Chinese
    characters is never meaningful in these documents, one between Latin words is.
    """
    return _BROKEN_CJK_SPACE.sub("", squash_spaces(text))
