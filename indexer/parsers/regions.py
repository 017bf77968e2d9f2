"""Region of a government unit: (province, city, county) read from its name, offline.

This module owns one question: given a unit name such as "大同市云冈区人民政府办公室" (and,
when the name carries no place, other text of the document), which administrative
division does the unit belong to? Nothing else in the code base parses place names.

Gazetteer. The names come from cpca's bundled division table (`cpca.ad_2_addr_dict`,
~3,500 divisions keyed by adcode), read once and turned into an index of *full* names
(三门峡市, 云冈区, 高平市…) → candidate places. cpca's own `transform()` is not used:
it pulls in pandas (~0.5 s more on first call), matches abbreviations ("大同", "吉林")
that occur in ordinary prose, and matches "城区" inside "平城区" (so "大同市平城区财政局"
came back as 大同市 城区). Matching only full names, leftmost-longest, avoids all three.

Renames since cpca's data. cpca 0.5.5 predates the 2018 district reforms. Checked by
looking every name up in `cpca.ad_2_addr_dict` (and by `cpca.transform` on
"大同市云冈区…", "长治市上党区…" etc., which returned the city with no county):
  大同市: 平城区, 云冈区, 云州区 missing; 新荣区 present (unchanged).
  长治市: 潞州区, 上党区, 屯留区, 潞城区 missing (cpca still has 城区, 郊区, 长治县,
          屯留县, 潞城市).
  晋城市: 城区, 沁水县, 阳城县, 陵川县, 泽州县, 高平市 all present; nothing changed.
  Also missing and added because the corpus is mostly 山西/河南: 怀仁市, 太谷区,
  长垣市, 淮阳区, 孟津区, 偃师区. (陕州区 and 祥符区 are present.)
The old names stay in the gazetteer: documents from before a reform still use them.
A district renamed elsewhere and absent from both tables is simply not recognised, so
the unit comes back at city level — never a guessed county.

Rules that keep answers honest:
- A county is only reported together with its city; a county-level city (高平市) comes
  back as county under its prefecture (晋城市).
- Municipalities (北京市, 天津市, 上海市, 重庆市) are both province and city.
- County-level units administered directly by a province (济源市, 仙桃市, Hainan's
  counties, Xinjiang's corps cities) have no prefecture: they come back at city level.
- Names that are also ordinary words (城区, 郊区, 矿区, 新城区…) only count right after
  their parent's name ("晋城市城区"); two-character names (沁县, 和县) only at the start
  of a name or right after their parent, so "政府和县级" is not 和县.
- A name shared by several divisions (朝阳区: 北京 and 长春) is narrowed by the context;
  if still ambiguous, only what all candidates share is reported.
- The first place chain in the text wins; a later unrelated place ("…驻郑州办事处")
  ends the scan instead of overriding it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None

    def __post_init__(self) -> None:
        # Callers filter by city; a county floating without one would be unfindable.
        if self.county is not None and self.city is None:
            raise ValueError(f"county {self.county!r} without a city")


class _Renamed(NamedTuple):
    province: str
    city: str
    year: int
    was: str


# Divisions created or renamed after cpca 0.5.5's data (see the module docstring for how
# this was checked). Only names cpca lacks are listed.
_RENAMED: dict[str, _Renamed] = {
    "平城区": _Renamed("山西省", "大同市", 2018, "城区、矿区、南郊区部分"),
    "云冈区": _Renamed("山西省", "大同市", 2018, "南郊区、矿区、城区部分"),
    "云州区": _Renamed("山西省", "大同市", 2018, "大同县"),
    "潞州区": _Renamed("山西省", "长治市", 2018, "城区、郊区"),
    "上党区": _Renamed("山西省", "长治市", 2018, "长治县"),
    "屯留区": _Renamed("山西省", "长治市", 2018, "屯留县"),
    "潞城区": _Renamed("山西省", "长治市", 2018, "潞城市"),
    "怀仁市": _Renamed("山西省", "朔州市", 2018, "怀仁县"),
    "太谷区": _Renamed("山西省", "晋中市", 2019, "太谷县"),
    "长垣市": _Renamed("河南省", "新乡市", 2019, "长垣县"),
    "淮阳区": _Renamed("河南省", "周口市", 2019, "淮阳县"),
    "孟津区": _Renamed("河南省", "洛阳市", 2021, "孟津县、吉利区"),
    "偃师区": _Renamed("河南省", "洛阳市", 2021, "偃师市"),
}

_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
# cpca rows that group divisions without being one.
_PLACEHOLDERS = frozenset({"市辖区", "县"})
_DIRECTLY_ADMINISTERED = frozenset({"省直辖县级行政区划", "自治区直辖县级行政区划"})
_COUNTY_SUFFIXES = ("区", "县", "市", "旗")
# Division names that are also everyday words in budget prose ("老城区改造", "矿区治理").
_GENERIC = frozenset({
    "城区", "郊区", "矿区", "东区", "西区", "市中区", "城中区", "新市区", "新城区", "老城区",
    "城东区", "城西区", "城北区", "市南区", "市北区", "城关区",
})
_SHORT = 2  # names this short collide with prose unless anchored
# Characters after which a name starts a new phrase: anything but a Han character.
_HAN = re.compile(r"[\u3400-\u9fff]")
# Words that commonly stand right before a unit name: "中共沁县县委", "2023年度沁县财政局…".
_NAME_PREFIXES = ("中共", "年度")


class _Place(NamedTuple):
    """A division as its chain of names; deeper fields are None above county level."""

    province: str
    city: str | None
    county: str | None

    def within(self, other: "_Place") -> bool:
        """True if self is other or lies inside it."""
        return all(mine == theirs for mine, theirs in zip(self, other) if theirs is not None)

    def ancestors(self) -> set[str]:
        return {name for name in (self.province, self.city) if name}


class _Match(NamedTuple):
    start: int
    end: int
    places: tuple[_Place, ...]


class _Gazetteer(NamedTuple):
    places: dict[str, tuple[_Place, ...]]
    longest: int


def region_of(unit_name: str, context: str = "") -> Region:
    """The region of a unit named `unit_name`; `context` (title, cover lines) is used
    when the name carries no place or an ambiguous one. Unknown → Region(None, None, None)."""
    name = re.sub(r"\s+", "", unit_name or "")  # a name has no meaningful spaces
    return _region_cached(name, context or "")


@lru_cache(maxsize=4096)
def _region_cached(unit_name: str, context: str) -> Region:
    """The name decides; the context only fills in a name without a place or picks
    among a name's candidates (it never deepens or overrides a name's own region)."""
    own = _places_in(unit_name)
    backdrop = _places_in(context) if context and (len(own) != 1) else ()
    if not own:
        return _common_region(backdrop)
    narrowed = tuple(p for p in own if any(p.within(c) or c.within(p) for c in backdrop))
    return _common_region(narrowed or own)


def load_gazetteer() -> None:
    """Load the gazetteer now rather than at the first unit name: ingest does it once before
    its workers fork, so they share it instead of each importing cpca."""
    _gazetteer()


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    # Lazy: importing cpca reads its CSV and builds an automaton (~0.1–0.2 s); most
    # callers (search, web) never need it.
    import cpca

    names = {info.adcode[:6]: info.name for info in cpca.ad_2_addr_dict.values()}
    index: dict[str, list[_Place]] = {}
    for code, name in names.items():
        place = _place_of(code, name, names)
        if place is not None:
            index.setdefault(name, []).append(place)
    for name, renamed in _RENAMED.items():
        index.setdefault(name, []).append(_Place(renamed.province, renamed.city, name))
    places = {name: tuple(dict.fromkeys(found)) for name, found in index.items()}
    return _Gazetteer(places, max(map(len, places)))


def _place_of(code: str, name: str, names: dict[str, str]) -> _Place | None:
    """The chain of names for one cpca row (adcode's 6 digits: 2 province, 2 city,
    2 county), or None for grouping rows and non-divisions (西沙群岛)."""
    if name in _PLACEHOLDERS or name in _DIRECTLY_ADMINISTERED:
        return None
    province = names.get(code[:2] + "0000")
    if province is None:
        return None
    if code.endswith("0000"):
        return _Place(province, province, None) if province in _MUNICIPALITIES else _Place(province, None, None)
    if code.endswith("00"):
        return _Place(province, name, None)
    if not name.endswith(_COUNTY_SUFFIXES):
        return None
    if province in _MUNICIPALITIES:
        return _Place(province, province, name)
    city = names.get(code[:4] + "00")
    if city is None or city in _PLACEHOLDERS:
        return None
    if city in _DIRECTLY_ADMINISTERED:
        return _Place(province, name, None)  # no prefecture above it: acts as a city
    return _Place(province, city, name)


def _places_in(text: str) -> tuple[_Place, ...]:
    """Candidate places for the first chain of place names in `text` (one unless a name
    is ambiguous), deepest level reached; () if none."""
    current: tuple[_Place, ...] = ()
    for match in _scan(text):
        if not current:
            current = match.places
            continue
        deeper = _combine(current, match.places)
        if not deeper:
            break  # an unrelated place: it describes something else, not this unit
        current = deeper
    return current


def _combine(current: tuple[_Place, ...], found: tuple[_Place, ...]) -> tuple[_Place, ...]:
    """Pairs of related places, keeping the deeper of each pair."""
    kept: dict[_Place, None] = {}
    for old in current:
        for new in found:
            if new.within(old):
                kept[new] = None
            elif old.within(new):
                kept[old] = None
    return tuple(kept)


def _scan(text: str) -> list[_Match]:
    """Place names in `text`, leftmost-longest, keeping only anchored candidates."""
    gazetteer = _gazetteer()
    matches: list[_Match] = []
    position = 0
    while position < len(text):
        match = _longest_at(text, position, gazetteer)
        if match is None:
            position += 1
        else:
            matches.append(match)
            position = match.end
    return matches


def _longest_at(text: str, start: int, gazetteer: _Gazetteer) -> _Match | None:
    for end in range(min(len(text), start + gazetteer.longest), start + 1, -1):
        candidates = gazetteer.places.get(text[start:end])
        if candidates:
            anchored = _anchored(text, start, end, candidates)
            if anchored:
                return _Match(start, end, anchored)
    return None


def _anchored(text: str, start: int, end: int, candidates: tuple[_Place, ...]) -> tuple[_Place, ...]:
    """Candidates whose name may stand here: any for an ordinary name; for a generic word
    only those whose parent's name precedes it; for a two-character name also any at
    the start of a phrase."""
    name = text[start:end]
    if name not in _GENERIC and len(name) > _SHORT:
        return candidates
    before = text[:start]
    after_parent = tuple(p for p in candidates if any(before.endswith(a) for a in p.ancestors() - {name}))
    if after_parent or name in _GENERIC:
        return after_parent
    return candidates if _starts_phrase(before) else ()


def _starts_phrase(before: str) -> bool:
    return not before or not _HAN.match(before[-1]) or before.endswith(_NAME_PREFIXES)


def _common_region(places: tuple[_Place, ...]) -> Region:
    """What all candidates agree on, from the province down; nothing if they disagree."""
    if not places:
        return Region()
    agreed: list[str | None] = []
    for level in range(3):
        values = {place[level] for place in places}
        if len(values) != 1 or None in values:
            break
        agreed.append(values.pop())
    agreed += [None] * (3 - len(agreed))
    return Region(*agreed)
