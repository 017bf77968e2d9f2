"""The one Chinese analysis used to index and to query: jieba with the budget lexicon.

This module owns the tokenizer setup. `get_analyzer()` builds one `Analyzer` per process
and engine: rjieba (default: the Rust port of jieba — same dictionary, the same tokens here,
tested line by line, ~5× faster) or jieba, chosen by argument or `DISCLOSURE_TOKENIZER`
(jieba also when no rjieba wheel exists for the platform). jieba's prefix
dictionary is cached on disk in a per-user cache directory, so only the first process on a
machine pays for building it. The lexicon itself is data, in `analyzers/lexicon.py`.

What the analysis does, in order:
1. `normalize`: full/half width folded, ASCII lower-cased, quotes and brackets unified.
   One character in, one out, so offsets into the normalised text are offsets into the
   original.
2. Word-internal quotes and brackets are dropped before cutting (“三公”经费 → 三公经费,
   维修（护）费 → 维修护费): jieba never joins across punctuation, and these are one word.
   `tokens_with_offsets` maps positions back through this step.
3. jieba's precise cut (HMM on) with the lexicon's user words kept whole; punctuation,
   whitespace and stop words are dropped.
4. Recall tokens: before each word, jieba's search-mode sub-words (its 2- and 3-character
   dictionary words) and, for a lexicon word, the parts the default dictionary sees in it
   and the lexicon words inside it (公务用车 in 公务用车运行维护费).
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import tempfile
import threading
import time
from array import array
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from analyzers import lexicon
from analyzers.normalize import fold_width, run_translator

ENGINES = ("jieba", "rjieba")
DEFAULT_ENGINE = "rjieba"  # jieba's tokens (tested line by line), ~5× faster; jieba if absent
ENGINE_ENV = "DISCLOSURE_TOKENIZER"

log = logging.getLogger(__name__)

# --- Normalisation ---------------------------------------------------------------------

# One character in, one character out: offsets survive normalisation.
_UNIFY = (
    {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}  # not str.lower: it can grow a string
    | {q: '"' for q in "“”„‟「」『』〝〞"}
    | {q: "'" for q in "‘’‚‛"}
    | {b: "(" for b in "[{【〔〖［｛"}
    | {b: ")" for b in "]}】〕〗］｝"}
    | {"\u00a0": " "}
)


# Where fold_width has mappings: Latin-1 spaces, CJK symbols, half/full-width forms.
# (tests/test_tokenizer.py checks normalize against fold_width over the whole BMP.)
_FOLD_RANGES = (range(0x00A0, 0x0100), range(0x3000, 0x3040), range(0xFF00, 0xFFF0))


def _normalize_table() -> dict[int, str]:
    """fold_width then _UNIFY, as one translation table, so normalising is one pass."""
    chars = "".join(chr(c) for r in _FOLD_RANGES for c in r)
    folded = fold_width(chars)
    assert len(folded) == len(chars), "fold_width must keep length"
    table = {ord(a): _UNIFY.get(b, b) for a, b in zip(chars, folded) if a != b}
    table.update({ord(a): b for a, b in _UNIFY.items()})
    return table


_NORMALIZE_TABLE = _normalize_table()
_QUOTES = "\"'"
# For cutting only: normalise and drop the quotes in the same pass.
_CUT_TABLE = {k: (None if v in _QUOTES else v) for k, v in _NORMALIZE_TABLE.items()} | {
    ord(q): None for q in _QUOTES}
_cut_translate = run_translator(_CUT_TABLE)  # halves _cut_form on prose against str.translate
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# A bracket of 1–3 characters inside a word: 因公出国(境)费, 维修(护)费, 市县(区)财政.
# Longer ones (（本年预算）, （不含上年结转）) are qualifiers and stay separate.
_INNER_BRACKETS = re.compile(rf"(?<=[{_CJK}])\(([{_CJK}]{{1,3}})\)(?=[{_CJK}])")


def normalize(text: str) -> str:
    """Width folded, ASCII lower-cased, “”「」→" ‘’→' 【】〔〕［］→(); same length as `text`."""
    return text.translate(_NORMALIZE_TABLE)


def _cut_form(text: str) -> str:
    """What jieba is given: normalised, without the quotes and word-internal brackets that
    would stop it joining a word (“三公”经费 → 三公经费, 维修(护)费 → 维修护费)."""
    out = _cut_translate(text)
    return _INNER_BRACKETS.sub(r"\1", out) if "(" in out else out


def _compact_with_positions(normalized: str) -> tuple[str, list[int]]:
    """`_cut_form` of already normalised text, plus for each character kept its index."""
    positions = [i for i, ch in enumerate(normalized) if ch not in _QUOTES]
    unquoted = "".join(normalized[i] for i in positions)
    dropped: set[int] = set()
    for match in _INNER_BRACKETS.finditer(unquoted):
        dropped.update((match.start(), match.end() - 1))
    if dropped:
        positions = [p for i, p in enumerate(positions) if i not in dropped]
        unquoted = "".join(ch for i, ch in enumerate(unquoted) if i not in dropped)
    return unquoted, positions


def term_form(text: str) -> str:
    """What a whole word becomes before cutting (“三公”经费 → 三公经费)."""
    return _cut_form(text).strip()


def _is_term(token: str) -> bool:
    # isalnum covers Latin, digits and CJK; a token of only punctuation/space is no term.
    # token.isalnum() first: it is the common case and avoids a Python-level loop.
    if token in lexicon.STOP_WORDS:
        return False
    return token.isalnum() or any(ch.isalnum() for ch in token)


# --- Engines ---------------------------------------------------------------------------


class _Engine(Protocol):
    def cut(self, text: str) -> list[str]: ...
    def is_word(self, word: str) -> bool: ...
    def suggest_freq(self, word: str) -> int: ...
    def add_word(self, word: str, freq: int) -> None: ...


def cache_dir() -> Path | None:
    """Per-user cache directory (created if missing), else a private temp dir, else None."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "disclosure-search"
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            return base
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        pass
    fallback = Path(tempfile.gettempdir()) / f"disclosure-search-{getattr(os, 'getuid', lambda: 'user')()}"
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
        info = fallback.stat()
    except OSError:
        return None
    # A shared temp dir: use it only if it is ours and nobody else can write to it.
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None
    return fallback


# --- jieba's prefix dictionary, cached ---------------------------------------------------
# jieba builds a prefix dictionary (every word and every prefix of one, ~500,000 entries)
# from its dict.txt at start-up (~0.5 s). Its own cache is a marshal dump that, on Python
# 3.11, loads no faster than rebuilding. This cache stores the words as one UTF-8 blob and
# the frequencies as an int64 array, which loads in ~0.15 s, and holds no code (unlike a
# pickle), so a file planted in a cache directory can at worst mis-segment.
_CACHE_MAGIC = b"disclosure-search jieba prefix dict v1\n"


def jieba_cache_path() -> Path | None:
    """The cache file for this jieba and its dictionary, or None if there is nowhere to keep it.

    The name carries jieba's version and the dictionary's size and mtime, so an upgraded
    jieba or an edited dictionary never reads a stale cache.
    """
    import jieba

    directory = cache_dir()
    if directory is None:
        return None
    stat = _jieba_dict_path().stat()
    return directory / f"jieba-{jieba.__version__}-{stat.st_size:x}-{stat.st_mtime_ns:x}.cache"


def _jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


def _read_prefix_dict(path: Path) -> tuple[dict[str, int], int] | None:
    """The cached (FREQ, total), or None when the file is missing, truncated or foreign."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_CACHE_MAGIC) + 16
    if not blob.startswith(_CACHE_MAGIC) or len(blob) < head:
        return None
    total = int.from_bytes(blob[head - 16:head - 8], "little")
    size = int.from_bytes(blob[head - 8:head], "little")
    numbers = blob[head + size:]
    if len(numbers) % 8:
        return None
    try:
        words = blob[head:head + size].decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    freqs = array("q")
    freqs.frombytes(numbers)
    if len(words) != len(freqs):
        return None
    return dict(zip(words, freqs.tolist())), total


def _write_prefix_dict(path: Path, freq: dict[str, int], total: int) -> None:
    words = "\n".join(freq).encode("utf-8")
    body = b"".join((_CACHE_MAGIC, total.to_bytes(8, "little"), len(words).to_bytes(8, "little"),
                     words, array("q", freq.values()).tobytes()))
    try:  # write then rename: a process reading meanwhile sees the old file or the new one
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(temp, path)
    except OSError as error:
        log.debug("jieba cache not written to %s: %s", path, error)


class _JiebaEngine:
    """A private `jieba.Tokenizer`: the global one belongs to whoever else imports jieba."""

    def __init__(self) -> None:
        import jieba

        self._tokenizer = jieba.Tokenizer()
        self._load_dictionary()
        self._freq = self._tokenizer.FREQ

    def _load_dictionary(self) -> None:
        """What jieba's `initialize` does, with the cache above instead of jieba's."""
        tokenizer = self._tokenizer
        path = jieba_cache_path()
        cached = _read_prefix_dict(path) if path and path.exists() else None
        if cached is None:
            cached = tokenizer.gen_pfdict(tokenizer.get_dict_file())
            if path:
                _write_prefix_dict(path, *cached)
        tokenizer.FREQ, tokenizer.total = cached
        tokenizer.initialized = True

    def cut(self, text: str) -> list[str]:
        return list(self._tokenizer.cut(text, HMM=True))

    def is_word(self, word: str) -> bool:
        return bool(self._freq.get(word))  # prefixes are stored with frequency 0

    def suggest_freq(self, word: str) -> int:
        return int(self._tokenizer.suggest_freq(word, tune=False))

    def add_word(self, word: str, freq: int) -> None:
        old = int(self._freq.get(word) or 0)
        self._tokenizer.add_word(word, freq)
        # jieba adds a re-added word's frequency to the total without removing the old one;
        # jieba-rs replaces it. Do as jieba-rs does so both engines score routes the same.
        self._tokenizer.total -= old


# jieba's HMM splits a non-Chinese run with this pattern (jieba/finalseg re_skip). jieba-rs
# writes it with an unescaped dot, `[a-zA-Z0-9]+(?:.\d+)?%?`, so it keeps 7-12 and a-1.5%
# whole where jieba gives 7 / - / 12; `_RjiebaEngine` re-splits those runs jieba's way.
_JIEBA_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_ASCII_RUN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
_ASCII_JOIN = re.compile(r"[a-zA-Z0-9][+#&._%\-]")  # where the two patterns can disagree
_ASCII_TOKEN_IN_JOINED = re.compile(r"(?<=\x00)[a-zA-Z0-9+#&._%\-]{2,}(?=\x00)")


class _RjiebaEngine:
    """rjieba (jieba-rs): jieba's dictionary and HMM, compiled; `add_word`, no user dict file."""

    def __init__(self) -> None:
        try:
            import rjieba
        except ImportError as error:  # an optional speed-up: say how to get it
            raise RuntimeError("DISCLOSURE_TOKENIZER=rjieba needs rjieba: pip install rjieba") from error
        self._jieba = rjieba.Jieba()

    def cut(self, text: str) -> list[str]:
        tokens = self._jieba.cut(text, True)
        if _ASCII_JOIN.search(text) and self._any_differs(tokens):
            return self._resplit_ascii(tokens)
        return tokens

    def _any_differs(self, tokens: list[str]) -> bool:
        # One regex over all tokens instead of a Python call per token: this runs on
        # nearly every text (any 1.5 qualifies) and must not eat rjieba's speed.
        joined = "\x00" + "\x00".join(tokens) + "\x00"
        return any(_JIEBA_HMM_SKIP.fullmatch(t) is None and not self._jieba.has_word(t)
                   for t in _ASCII_TOKEN_IN_JOINED.findall(joined))

    def _resplit_ascii(self, tokens: list[str]) -> list[str]:
        """Join each run of adjacent non-dictionary ASCII tokens and split it as jieba does."""
        out: list[str] = []
        run: list[str] = []
        for token in [*tokens, ""]:
            if token and _ASCII_RUN.fullmatch(token) and not self._jieba.has_word(token):
                run.append(token)
                continue
            if run:
                out.extend(p for p in _JIEBA_HMM_SKIP.split("".join(run)) if p)
                run = []
            if token:
                out.append(token)
        return out

    def is_word(self, word: str) -> bool:
        return self._jieba.has_word(word)

    def suggest_freq(self, word: str) -> int:
        return int(self._jieba.suggest_freq(word))

    def add_word(self, word: str, freq: int) -> None:
        self._jieba.add_word(word, freq, None)


# --- Lexicon setup ---------------------------------------------------------------------

# A user word gets this many times the frequency jieba's suggest_freq says it needs to be
# cut whole on its own (at least USER_WORD_MIN_FREQ): headroom to stay whole next to other
# words, far below the frequencies of common words (政府 ~ 10^5), which is what keeps a user
# word from taking characters from its neighbours. On the samples any floor from 1 to 10^6
# gives the same cuts; what did take characters was a too-long user word (政府办公室 cut
# 区政府办公室 as 区/政府办公室), which is why the lexicon leaves it out.
USER_WORD_FREQ_MARGIN = 10
USER_WORD_MIN_FREQ = 100


def _user_word_freq(engine: _Engine, word: str) -> int:
    # suggest_freq = max(product of the parts' probabilities × total + 1, current freq).
    return max(engine.suggest_freq(word) * USER_WORD_FREQ_MARGIN, USER_WORD_MIN_FREQ)


def _fee_variant(form: str) -> str | None:
    """印刷费 → 印刷费用: the prose's spelling of an economic-classification name.

    Without it the user word 印刷费 would cut 印刷费用 as 印刷费/用 and lose 费用.
    """
    if len(form) >= 3 and form.endswith("费") and not form.endswith("经费"):  # not 经费用
        return form + "用"
    return None


def lexicon_terms() -> list[str]:
    """Every word the analyzer keeps whole, in term form: user words, synonym terms, X费用.

    Not the values of one-way synonyms: they are looked for as the documents are cut.
    """
    words: list[str] = list(lexicon.USER_WORDS)
    for group in lexicon.SYNONYMS:
        words.extend(group)
    words.extend(lexicon.ONE_WAY_SYNONYMS)
    forms = [t for t in (term_form(w) for w in words) if t]
    forms += [v for v in map(_fee_variant, forms) if v]
    return list(dict.fromkeys(forms))


def _synonym_groups() -> list[list[str]]:
    """The equivalence groups in term form: the lexicon's, each X费 with X费用."""
    groups = [list(dict.fromkeys(term_form(w) for w in group)) for group in lexicon.SYNONYMS]
    for group in groups:
        group.extend(v for v in map(_fee_variant, list(group)) if v and v not in group)
    in_groups = {w for group in groups for w in group}
    groups += [[w, v] for w in map(term_form, lexicon.USER_WORDS)
               if (v := _fee_variant(w)) and w not in in_groups]
    return [group for group in groups if len(group) > 1]


def _synonym_map() -> dict[str, tuple[str, ...]]:
    """term form → the other term forms a query for it also looks for."""
    table: dict[str, list[str]] = {}
    for group in _synonym_groups():
        for form in group:
            table.setdefault(form, []).extend(f for f in group if f != form)
    for key, values in lexicon.ONE_WAY_SYNONYMS.items():
        form = term_form(key)
        table.setdefault(form, []).extend(v for v in map(term_form, values) if v != form)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def _expansions(words: list[str], base_parts: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """For each lexicon word, the extra recall sub-words to index with it.

    These are what the default dictionary's search cut sees in it (so making it a user word
    never makes its parts unfindable) and the lexicon words inside it, with theirs.
    """
    known = set(words)
    direct: dict[str, list[str]] = {}
    for word in words:
        parts = [p for p in base_parts.get(word, []) if p != word and _is_term(p)]
        inner = sorted((w for w in known if w != word and w in word), key=word.index)
        direct[word] = list(dict.fromkeys(parts + inner))

    def closure(word: str, seen: frozenset[str]) -> list[str]:
        out: list[str] = []
        for part in direct.get(word, []):
            if part not in seen:
                out.extend(closure(part, seen | {part}))
                out.append(part)
        return out

    return {w: tuple(dict.fromkeys(closure(w, frozenset({w})))) for w in words if direct[w]}


_FIGURE_CHARS = "0123456789.%"
_FIGURE = re.compile(r"[0-9.%]+")
# A plain figure (1261.94, 2023, 12.5%): one token, without asking jieba. jieba kept every
# figure tried whole (the benchmark corpus's 16 655, and tests/test_tokenizer.py's random
# ones); should a dictionary ever split one, cut() decides it here for the index and the
# query alike. Two fifths of the distinct chunks a worker analyses are figures, each new
# to its cache.
_PLAIN_FIGURE = re.compile(r"[0-9]+(?:\.[0-9]+)?%?")


def _search_grams(word: str, is_word: Callable[[str], bool]) -> list[str]:
    """jieba's search-mode sub-words of one word: its 2- then 3-character dictionary words."""
    grams: list[str] = []
    for n in (2, 3):
        if len(word) > n:
            grams.extend(g for g in (word[i:i + n] for i in range(len(word) - n + 1)) if is_word(g))
    return grams


# --- The analyzer ----------------------------------------------------------------------


class Analyzer:
    """Normalisation, tokens for the two index columns, offsets, and query analysis."""

    def __init__(self, engine: _Engine, engine_name: str) -> None:
        self.engine_name = engine_name
        self._engine = engine
        self.lexicon_words = lexicon_terms()
        # The default dictionary's view of each lexicon word, and the frequency each needs,
        # both taken before any user word changes the dictionary (so order does not matter).
        base_parts = {w: self._search_cut(w) for w in self.lexicon_words}
        freqs = {w: _user_word_freq(engine, w) for w in self.lexicon_words}
        for word, freq in freqs.items():
            engine.add_word(word, freq)
        self._expand = _expansions(self.lexicon_words, base_parts)
        self._synonyms = _synonym_map()
        self._misleading = {term_form(k): {term_form(v) for v in vs} for k, vs in lexicon.MISLEADING_PARTS.items()}
        # The dictionary's words of 2 or 3 figure characters (0-9 . %), asked once: the only
        # grams a figure can have (see _word_parts).
        self._figure_words = frozenset(
            gram for n in (2, 3) for gram in map("".join, itertools.product(_FIGURE_CHARS, repeat=n))
            if engine.is_word(gram))
        self._is_figure_word = self._figure_words.__contains__
        # Sub-words depend on the word alone; the vocabulary repeats, so remember them.
        self._parts = lru_cache(maxsize=1 << 17)(self._word_parts)
        self._chunk = lru_cache(maxsize=1 << 17)(self._analyse_chunk)

    def _search_cut(self, text: str) -> list[str]:
        """jieba's cut_for_search: each word of the precise cut preceded by its grams."""
        out: list[str] = []
        for word in self._engine.cut(text):
            out.extend(_search_grams(word, self._engine.is_word))
            out.append(word)
        return out

    def _word_parts(self, word: str) -> tuple[str, ...]:
        """A word's recall sub-words: jieba's search-mode grams, then the lexicon's."""
        # A figure's grams can only be words of figure characters, known from the start:
        # most words of a table are figures, each new, and asking the dictionary about each
        # of their grams was a fifth of the cost of analysing a table.
        is_word = self._is_figure_word if _FIGURE.fullmatch(word) else self._engine.is_word
        parts = _search_grams(word, is_word) + list(self._expand.get(word, ()))
        misleading = self._misleading.get(word, ())
        return tuple(p for p in dict.fromkeys(parts) if _is_term(p) and p not in misleading)

    # Normalisation ------------------------------------------------------------------

    @staticmethod
    def normalize(text: str) -> str:
        """Width folded, ASCII lower-cased, quotes/brackets unified; length-preserving."""
        return normalize(text)

    @staticmethod
    def term_form(text: str) -> str:
        """What a word becomes before cutting (“三公”经费 → 三公经费, 维修（护）费 → 维修护费)."""
        return term_form(text)

    # Tokens ---------------------------------------------------------------------------

    def cut(self, text: str) -> list[str]:
        """Precise tokens (jieba `cut`, HMM on) for the `precise` column and phrases."""
        stop = lexicon.STOP_WORDS
        if _PLAIN_FIGURE.fullmatch(text):
            return [] if text in stop else [text]
        # _is_term, with its common case inlined: this is the indexing hot loop.
        return [t for t in self._engine.cut(_cut_form(text))
                if t not in stop and (t.isalnum() or _is_term(t))]

    def cut_for_search(self, text: str) -> list[str]:
        """jieba `cut_for_search` + lexicon sub-words: every word preceded by its sub-words.

        The overlapping sub-words are what let 培训 find 培训费 and 市政府办培训费.
        jieba's search mode is defined as the precise cut with each word's 2- and
        3-character dictionary words before it; it is computed here from the cut, per
        distinct word, rather than by a second jieba pass: same tokens (tested against
        jieba's own cut_for_search), half the work, and rjieba's search mode, which also
        splits Latin/number tokens (v2 out of v2.0), does not come into it.
        """
        recall: list[str] = []
        for word in self.cut(text):
            recall.extend(self._parts(word))
            recall.append(word)
        return recall

    def index_text(self, text: str) -> tuple[str, str]:
        """(precise, recall): the two strings an index stores, tokens joined by one space.
        `recall` holds the sub-words only — an index looks for a query word in both columns,
        so repeating the precise words there would only double what is written.

        Whitespace never joins two tokens (jieba cuts at it), so each whitespace-separated
        chunk is analysed on its own and short chunks are remembered: table cells, item
        names, codes and unit names repeat across rows and documents."""
        precise: list[str] = []
        recall: list[str] = []
        for chunk in text.split():
            words, parts = self._chunk(chunk) if len(chunk) <= 48 else self._analyse_chunk(chunk)
            if words:
                precise.append(words)
            if parts:
                recall.append(parts)
        return " ".join(precise), " ".join(recall)

    def _analyse_chunk(self, chunk: str) -> tuple[str, str]:
        words = self.cut(chunk)
        return " ".join(words), " ".join(itertools.chain.from_iterable(map(self._parts, words)))

    def tokens_with_offsets(self, text: str, search: bool = True) -> list[tuple[str, int, int]]:
        """(token, start, end) such that `text[start:end]` holds the token, for highlighting.

        Offsets are those of jieba.tokenize (each word's start is the sum of the widths
        before it) on the compacted normalised text, mapped back to `text`. Search mode
        (default) adds the recall sub-words, which is what highlighting 培训 inside 培训费
        needs; `search=False` gives the precise tokens only.
        """
        compact, positions = _compact_with_positions(normalize(text))
        out: list[tuple[str, int, int]] = []
        start = 0
        for word in self._engine.cut(compact):
            end = start + len(word)
            if _is_term(word):
                for part in self._parts(word) if search else ():
                    at = word.find(part)
                    while at >= 0:
                        out.append((part, positions[start + at], positions[start + at + len(part) - 1] + 1))
                        at = word.find(part, at + 1)
                out.append((word, positions[start], positions[end - 1] + 1))
            start = end
        return out

    # Queries --------------------------------------------------------------------------

    def synonyms(self, term: str) -> list[str]:
        """The other words a query for `term` also finds, in term form (培训费 → 培训经费 …)."""
        return list(self._synonyms.get(term_form(term), ()))

    def query_terms(self, text: str) -> list[list[str]]:
        """A user's query → required terms, each a list of alternatives (any one matches).

        "培训费" → [["培训费", "培训经费", …]]; "公车 培训" → [["公车", "公务用车", …], ["培训"]].
        Whitespace separates query words. Each word is cut with the *precise* cut, and each
        token's synonyms are its alternatives. Not the search cut: it would also require
        each 2/3-character sub-word of the query, and a document that uses a synonym does not
        contain them (招待费's sub-word 招待 is nowhere in 公务接待费; 会务 is not in 会议费).
        Where the query's own word is indexed, the search cut adds nothing either: a word's
        sub-words are always indexed with it. Parts still find wholes, because the recall
        column holds each word's sub-words (培训 → 培训费, 市政府办培训费); a whole item name
        that jieba splits (市政府办培训费 → 市政府办/培训费) finds the item because the same
        name gets the same cut in the document. tests/test_tokenizer.py checks both on
        every item name of the samples.
        An alternative of several tokens (a synonym jieba splits) is space-joined: a phrase.
        """
        groups: list[list[str]] = []
        for word in normalize(text).split():
            for token in self.cut(word):
                group = self._alternatives(token)
                if group not in groups:
                    groups.append(group)
        return groups

    def _alternatives(self, token: str) -> list[str]:
        analysed = (" ".join(self.cut(s)) for s in self.synonyms(token))
        return list(dict.fromkeys([token, *(a for a in analysed if a)]))

    def synonym_rules(self) -> list[str]:
        """The synonyms as Solr/Elasticsearch rules ("a, b" / "a => a, b") over analysed
        tokens, for an index whose text this analyzer pre-tokenised (multi-token terms are
        space-separated, as synonym_graph expects)."""
        def analysed(word: str) -> str:
            return " ".join(self.cut(word))

        rules = [", ".join(dict.fromkeys(map(analysed, group))) for group in _synonym_groups()]
        for key, values in lexicon.ONE_WAY_SYNONYMS.items():
            rules.append(f"{analysed(key)} => " + ", ".join(dict.fromkeys(map(analysed, (key, *values)))))
        return rules


# --- One per process -------------------------------------------------------------------


def engine_name(engine: str | None = None) -> str:
    """The engine to use: the argument, else $DISCLOSURE_TOKENIZER, else rjieba."""
    name = (engine or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"unknown tokenizer engine {name!r}: choose one of {', '.join(ENGINES)}")
    return name


_build_lock = threading.Lock()


def get_analyzer(engine: str | None = None) -> Analyzer:
    """The process's analyzer for `engine` ("jieba" default, or "rjieba"), built once."""
    name = engine_name(engine)
    # functools.cache (lru_cache without a bound) alone lets two threads that miss at once
    # both build, loading the dictionary twice and handing out two analyzers; the lock makes
    # the second wait, then hit.
    with _build_lock:
        return _build(name)


@cache
def _build(name: str) -> Analyzer:
    started = time.perf_counter()
    try:
        engine: _Engine = _JiebaEngine() if name == "jieba" else _RjiebaEngine()
    except RuntimeError:  # no rjieba wheel for this platform: the same tokens, slower
        if name != DEFAULT_ENGINE or os.environ.get(ENGINE_ENV):
            raise
        log.warning("rjieba is not installed; tokenising with jieba")
        return _build("jieba")
    analyzer = Analyzer(engine, name)
    log.debug("%s analyzer ready in %.3fs", name, time.perf_counter() - started)
    return analyzer
