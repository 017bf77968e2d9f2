"""The question parser: a question in plain Chinese → `ParsedQuestion`.

    晋城市财政局2024年“三公”经费预算是多少？
      unit 晋城市财政局 · year 2024 · basis 预算 · measure three_public_total · type value

What it finds, and how:

- **Unit.** Resolved against the units the index actually holds (`Catalog`), never a
  fixed list. Each unit name is split into its region chain (山西省 › 晋城市 › 云冈区, from
  the document facets) and a body (人民政府办公室, 财政局); the body gets the abbreviations
  people use (人民政府办公室 → 政府办公室 → 政府办, 委员会办公室 → 委办 …), and a mention is
  a body variant preceded by any of the unit's region names, full or short (晋城市/晋城,
  大同/云冈区), and/or its level character (市政府办, 区政府办). A place written before the
  body that is *not* the unit's (太原市财政局, 区政府办 for a city-level office) rules the
  unit out, so a question about a unit the index lacks comes back `unknown_unit`, not as
  the nearest namesake. Region words alone (晋城, 大同云冈) narrow to the units there.
- **Year.** 2023, 2023年, 2023年度, 23年, 23年度, 2023-2024年; 今年/去年/前年 relative to the
  latest year in the index. Digits inside names (12345政府服务热线) are not years.
- **Basis.** 预算 (预算数, 年初预算, 安排) or 决算 (决算数, 执行数, 实际支出 — strict) and
  花了/用了/开支 (soft: the answerer falls back to the budget and says so).
- **Measure.** A metric key of `indexer.parsers.metrics.LABELS` by its Chinese names;
  a performance-form fact (年度资金总额, 实施期资金总额, an indicator's target); a
  self-evaluation fact (执行率, 执行数, 自评得分); otherwise the remaining words name a line
  item or project, which the answerer looks up in the index.
- **Type.** value · change (比上年) · count (多少辆, 几个) · ranking (哪个单位…最多, 排名,
  A和B哪个多) · list (哪些项目超过100万元).

Whatever was not understood is kept in `unparsed`; the answerer says "无相关数据" rather
than guess when the measure is missing.
"""
from __future__ import annotations

import re
import threading
import time
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable

from analyzers.amounts import parse_money
from analyzers.normalize import fold_width
from indexer.parsers.metrics import LABELS

KIND_LABELS = {"budget": "预算", "final_account": "决算"}
MIN_YEAR, MAX_YEAR = 1990, 2100

# ---------------------------------------------------------------------------- text


_QUOTES = str.maketrans({c: None for c in "“”\"'‘’「」『』《》〈〉"})
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def normalize(text: str) -> str:
    """The form every comparison uses: width folded, quotes and spaces dropped, brackets
    unified, ASCII lower-cased (“三公”经费 → 三公经费, ＯＡ → oa)."""
    folded = fold_width(text or "").translate(_QUOTES).translate(_BRACKETS)
    return _SPACES.sub("", folded).lower()


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}(?:年度|年)?")


def name_key(name: str) -> str:
    """A project or item name as compared across tables, forms and years: normalised,
    punctuation and a leading year dropped (2023培训费 ~ 培训费, 2023年政法… ~ 政法…)."""
    key = normalize(name)
    key = re.sub(r"^(?:\(?[一二三四五六七八九十]+[)、.]|\d+[、.)]|[①②③④⑤⑥⑦⑧⑨⑩])", "", key)
    key = re.sub(r"[()\[\]、，,。.:：;；\-—_/|·]", "", key)
    stripped = _YEAR_PREFIX.sub("", key)
    return stripped if len(stripped) >= 2 else key


# ---------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class DocRef:
    """One indexed document, as far as resolving a question needs it."""

    doc_id: str
    unit: str | None
    year: int | None
    kind: str | None
    scope: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    title: str | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind or "", "")


# Abbreviations of unit bodies as people write them. Each rule rewrites a part of the body;
# all combinations are generated. Generic government vocabulary, not sample names.
_BODY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("中国共产党", ("中共", "")),
    ("人民代表大会常务委员会", ("人大常委会", "人大")),
    ("人民政府办公室", ("政府办公室", "政府办")),
    ("人民政府办公厅", ("政府办公厅", "政府办")),
    ("人民政府", ("政府",)),
    ("委员会办公室", ("委办", "委办公室")),
    ("办公室", ("办",)),
    ("办公厅", ("办",)),
    ("发展和改革委员会", ("发改委", "发展改革委")),
    ("卫生健康委员会", ("卫健委",)),
    ("委员会", ("委",)),
    ("人力资源和社会保障局", ("人社局",)),
    ("住房和城乡建设局", ("住建局",)),
    ("自然资源和规划局", ("自然资源局", "规划局")),
    ("市场监督管理局", ("市场监管局",)),
    ("文化和旅游局", ("文旅局",)),
    ("交通运输局", ("交通局",)),
    ("应急管理局", ("应急局",)),
    ("农业农村局", ("农业局",)),
    ("退役军人事务局", ("退役军人局",)),
    ("生态环境局", ("环保局",)),
    ("教育和体育局", ("教体局",)),
    ("行政审批服务管理局", ("行政审批局", "审批局")),
    ("人民检察院", ("检察院",)),
    ("人民法院", ("法院",)),
)
_REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "旗", "盟", "州")
_LEVEL_CHARS = "省市区县旗州盟"


def region_short(name: str) -> str | None:
    """晋城市 → 晋城, 云冈区 → 云冈, 山西省 → 山西; None when nothing of two characters is left."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _body_variants(body: str) -> list[str]:
    variants = {body}
    frontier = [body]
    while frontier and len(variants) < 64:
        current = frontier.pop()
        for long, shorts in _BODY_RULES:
            if long in current:
                for short in shorts:
                    new = current.replace(long, short, 1)
                    if new and new not in variants:
                        variants.add(new)
                        frontier.append(new)
    return sorted((v for v in variants if len(v) >= 2), key=len, reverse=True)


@dataclass(frozen=True)
class UnitProfile:
    """A unit of the index, taken apart for matching what people write."""

    name: str
    province: str | None
    city: str | None
    county: str | None
    region_tokens: tuple[str, ...]  # full and short region names, longest first
    bodies: tuple[str, ...]  # body variants, longest first
    level: str | None  # the level character: 市 (city), 区/县/市 (county), 省
    party: bool  # 中共…委员会: its short names drop 中共

    @property
    def county_tokens(self) -> tuple[str, ...]:
        if not self.county:
            return ()
        short = region_short(self.county)
        return tuple(normalize(t) for t in (self.county, short) if t)

    @classmethod
    def of(cls, name: str, province: str | None, city: str | None, county: str | None) -> "UnitProfile":
        if cls is UnitProfile:  # profiles are immutable: a catalogue rebuilt after a write reuses them
            return _unit_profile(name, province, city, county)
        return cls._build(name, province, city, county)

    @classmethod
    def _build(cls, name: str, province: str | None, city: str | None, county: str | None) -> UnitProfile:
        if not (province or city or county):
            from indexer.parsers.regions import region_of

            region = region_of(name)
            province, city, county = region.province, region.city, region.county
        chain = [r for r in (province, city, county) if r]
        tokens: list[str] = []
        for region in chain:
            tokens.append(region)
            short = region_short(region)
            if short:
                tokens.append(short)
        rest = normalize(name)
        party = False
        for prefix in ("中国共产党", "中共"):
            if rest.startswith(prefix):
                rest, party = rest[len(prefix):], True
                break
        changed = True
        longest_first = sorted(tokens, key=len, reverse=True)
        while changed:  # 山西省晋城市…, 晋城…, 大同云冈区…: drop every region prefix
            changed = False
            for token in longest_first:
                if rest.startswith(token) and len(rest) > len(token) + 1:
                    rest, changed = rest[len(token):], True
                    break
        body = rest
        level = None
        if county:
            level = county[-1] if county[-1] in _LEVEL_CHARS else None
        elif city:
            level = city[-1] if city[-1] in _LEVEL_CHARS else "市"
        elif province:
            level = "省" if province.endswith("省") else None
        bodies = _body_variants(body)
        if party:
            bodies = sorted(set(bodies) | {b.replace("委员会", "委") for b in bodies}, key=len, reverse=True)
        unique_tokens = tuple(sorted(set(normalize(t) for t in tokens), key=len, reverse=True))
        return cls(name, province, city, county, unique_tokens, tuple(bodies), level, party)


@lru_cache(maxsize=1 << 16)
def _unit_profile(name: str, province: str | None, city: str | None, county: str | None) -> UnitProfile:
    return UnitProfile._build(name, province, city, county)


@dataclass
class UnitMatch:
    unit: str
    start: int
    end: int
    region_chars: int
    level_used: bool
    body: str

    @property
    def score(self) -> tuple[int, int, int]:
        return (self.end - self.start, self.region_chars, len(self.body))


class Catalog:
    """What the index holds: its documents and units, with everything needed to resolve
    the names in a question. Built from `backend.documents()` (no parse contract loaded);
    `Catalog.of(backend)` keeps one per backend and index generation (see `catalog_for`).

    Treat it as read-only once built: it is shared by every question asked of a backend,
    from any thread. The lookups a question needs (a document by id, the documents of a
    unit or year, the unit names a question mentions) are dictionary look-ups, not scans."""

    def __init__(self, docs: Iterable[DocRef]):
        self.docs: list[DocRef] = [d for d in docs if d.unit]
        first: dict[str, DocRef] = {}
        self._by_id: dict[str, DocRef] = {}
        self._by_unit: dict[str, list[int]] = {}
        self._by_year: dict[int | None, list[int]] = {}
        for position, doc in enumerate(self.docs):
            first.setdefault(doc.unit, doc)
            self._by_id.setdefault(doc.doc_id, doc)
            self._by_unit.setdefault(doc.unit, []).append(position)
            self._by_year.setdefault(doc.year, []).append(position)
        self.units: list[str] = sorted(first)
        self.years: list[int] = sorted({d.year for d in self.docs if d.year})
        self.profiles: dict[str, UnitProfile] = {}
        for unit in self.units:
            doc = first[unit]
            self.profiles[unit] = UnitProfile.of(unit, doc.province, doc.city, doc.county)
        self._derived: dict[str, Any] = {}  # lazily built look-up tables (see `_lazy`)
        self._lock = threading.Lock()

    def _lazy(self, name: str, build: Any) -> Any:
        value = self._derived.get(name)
        if value is None:
            with self._lock:
                value = self._derived.get(name)
                if value is None:
                    value = self._derived[name] = build()
        return value

    @property
    def known_places(self) -> frozenset[str]:
        """Every region name of an indexed unit (full form)."""
        return self._lazy("known_places", lambda: frozenset(
            r for p in self.profiles.values() for r in (p.province, p.city, p.county) if r))

    @property
    def unit_keys(self) -> frozenset[str]:
        """`name_key` of every unit name (rows named after a unit are not items)."""
        return self._lazy("unit_keys", lambda: frozenset(name_key(u) for u in self.units))

    @property
    def place_prefixes(self) -> tuple[str, ...]:
        """Unit and region names that may open an item name, longest first."""
        def build() -> tuple[str, ...]:
            names = set(self.unit_keys)
            for profile in self.profiles.values():
                names.update(profile.region_tokens)
            return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))
        return self._lazy("place_prefixes", build)

    @classmethod
    def from_backend(cls, backend: Any) -> "Catalog":
        """A new catalogue of everything `backend` holds (uncached: see `Catalog.of`)."""
        return cls(DocRef(d.doc_id, d.unit, d.year, d.kind, d.scope, d.province, d.city, d.county, d.title)
                   for d in backend.documents())

    @classmethod
    def of(cls, backend: Any) -> Catalog:
        """The catalogue of `backend`, cached per backend and index generation."""
        return catalog_for(backend)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def doc(self, doc_id: str) -> DocRef | None:
        """The document with this id (None: not in the catalogue)."""
        return self._by_id.get(doc_id)

    def select(self, units: Iterable[str] | None = None, years: Iterable[int] | None = None,
               kinds: Iterable[str] | None = None) -> list[DocRef]:
        """The documents of these units, years and kinds (each: any, when empty), in
        catalogue order."""
        units = set(units or ())
        years = set(years or ())
        kinds = set(kinds or ())
        if units:
            positions: Iterable[int] = sorted(i for u in units for i in self._by_unit.get(u, ()))
        elif years:
            positions = sorted(i for y in years for i in self._by_year.get(y, ()))
        else:
            positions = range(len(self.docs))
        docs = self.docs
        return [d for d in (docs[i] for i in positions)
                if (not units or d.unit in units) and (not years or d.year in years)
                and (not kinds or d.kind in kinds)]

    # -- units ----------------------------------------------------------------------

    def _bodies(self) -> tuple[dict[str, list[tuple[int, int, UnitProfile]]], tuple[int, ...]]:
        """Every body variant → the (profile number, variant number, profile)s that have it,
        and the lengths of the variants."""
        def build() -> tuple[dict[str, list[tuple[int, int, UnitProfile]]], tuple[int, ...]]:
            index: dict[str, list[tuple[int, int, UnitProfile]]] = {}
            for number, profile in enumerate(self.profiles.values()):
                for variant, body in enumerate(profile.bodies):
                    index.setdefault(body, []).append((number, variant, profile))
            return index, tuple(sorted({len(b) for b in index}))
        return self._lazy("bodies", build)

    def unit_matches(self, text: str) -> list[UnitMatch]:
        """Every acceptable mention of an indexed unit in normalised `text`."""
        index, lengths = self._bodies()
        candidates: set[tuple[int, int]] = set()
        entries: dict[tuple[int, int], tuple[str, UnitProfile]] = {}
        for start in range(len(text)):
            for length in lengths:
                if start + length > len(text):
                    break
                body = text[start:start + length]
                for number, variant, profile in index.get(body, ()):
                    candidates.add((number, variant))
                    entries[(number, variant)] = (body, profile)
        # The order of a scan of every profile's bodies (profiles by unit, bodies longest
        # first; occurrences left to right, non-overlapping): ties are resolved by it.
        found: list[UnitMatch] = []
        seen: dict[int, set[tuple[int, int]]] = {}
        for number, variant in sorted(candidates):
            body, profile = entries[(number, variant)]
            spans = seen.setdefault(number, set())
            position = text.find(body)
            while position >= 0:
                match = self._extend(profile, text, position, position + len(body), body)
                if match is not None and (match.start, match.end) not in spans:
                    spans.add((match.start, match.end))
                    found.append(match)
                position = text.find(body, position + len(body))
        return found

    def _extend(self, profile: UnitProfile, text: str, start: int, end: int, body: str) -> UnitMatch | None:
        """Walk back from a body over the unit's own level character and region names."""
        position, region_chars, level_used = start, 0, False
        adjacent = next((t for t in profile.region_tokens if text[:position].endswith(t)), None)
        if adjacent is None and profile.level and text[:position].endswith(profile.level):
            position, level_used = position - 1, True  # 市政府办, 区财政局
        elif adjacent is not None and profile.county and adjacent not in profile.county_tokens:
            # 长治市财政局 is the city's bureau, not 长治市上党区财政局; 晋城市政府办 is not 高平市's.
            return None
        while True:
            token = next((t for t in profile.region_tokens if text[:position].endswith(t)), None)
            if token is None:
                break
            position -= len(token)
            region_chars += len(token)
        if profile.party:
            for prefix in ("中国共产党", "中共"):
                if text[:position].endswith(prefix):
                    position -= len(prefix)
                    break
        before = text[:position]
        if before and before[-1] in _LEVEL_CHARS and not level_used and not region_chars:
            # 区政府办 for a city-level office, 县财政局 for a city bureau: another unit.
            if not before.endswith(("城市", "全市")):
                return None
        if foreign_place(before, profile):
            return None
        if len(body) < 3 and not (region_chars or level_used):
            return None  # 委办, 政府 alone say too little
        return UnitMatch(profile.name, position, end, region_chars, level_used, body)

    def region_units(self, masked: str) -> tuple[list[str], list[tuple[int, int]]]:
        """Units whose region is named in `masked` (晋城, 大同云冈): the question with the
        unit mentions blanked out."""
        spans: list[tuple[int, int]] = []
        units: set[str] = set()
        tokens = self._lazy("region_tokens", lambda: sorted(
            {t for p in self.profiles.values() for t in p.region_tokens if len(t) >= 2}, key=len, reverse=True))
        position = 0
        found_tokens: list[str] = []
        while position < len(masked):
            token = next((t for t in tokens if masked.startswith(t, position)), None)
            if token is None:
                position += 1
                continue
            spans.append((position, position + len(token)))
            found_tokens.append(token)
            position += len(token)
        if found_tokens:
            for profile in self.profiles.values():
                if all(t in profile.region_tokens for t in found_tokens):
                    units.add(profile.name)
        return sorted(units), spans


# Catalogues by backend: (generation, built at, catalogue). A backend whose `generation()` is
# None (Elasticsearch: other writers may change a cluster at any time) gets its catalogue
# rebuilt once it is CATALOG_TTL seconds old; a backend with a generation, whenever that changes.
CATALOG_TTL = 30.0
_catalogs: weakref.WeakKeyDictionary[Any, tuple[int | None, float, Catalog]] = weakref.WeakKeyDictionary()
_catalogs_lock = threading.Lock()


def _generation(backend: Any) -> int | None:
    generation = getattr(backend, "generation", None)
    if generation is None:
        return None
    try:
        return generation()
    except Exception:  # noqa: BLE001 — an index written before generations were counted, a backend that is down
        return None


def catalog_for(backend: Any) -> Catalog:
    """What `backend` holds, built once per index generation (the first question a process
    asks pays for it: `documents()` plus a profile per unit)."""
    generation = _generation(backend)  # read before the documents: a write in between rebuilds next time
    now = time.monotonic()
    with _catalogs_lock:
        cached = _cached_catalog(backend)
        if cached is not None:
            built_generation, built_at, catalog = cached
            if generation is not None and built_generation == generation:
                return catalog
            if generation is None and built_generation is None and now - built_at < CATALOG_TTL:
                return catalog
        catalog = Catalog.from_backend(backend)  # under the lock: concurrent first questions build it once
        try:
            _catalogs[backend] = (generation, now, catalog)
        except TypeError:
            pass  # a backend that cannot be weakly referenced: built for every question
        return catalog


def _cached_catalog(backend: Any) -> tuple[int | None, float, Catalog] | None:
    try:
        return _catalogs.get(backend)
    except TypeError:
        return None


def clear_catalogs() -> None:
    """Forget every cached catalogue."""
    with _catalogs_lock:
        _catalogs.clear()


def _region_tail_candidates(before: str) -> list[str]:
    """The Han-character endings of `before`, shortest first (太原市 before 请问太原市)."""
    run = re.search(r"[\u3400-\u9fff]+$", before)
    if not run:
        return []
    tail = run.group()[-9:]
    return [tail[-k:] for k in range(2, len(tail) + 1)]


def foreign_place(before: str, profile: UnitProfile | None = None, known: set[str] | None = None) -> str | None:
    """The place name ending right where `before` ends, unless it is the unit's own
    (太原市 before 财政局 rules out 晋城市财政局). Full names are looked up in the offline
    gazetteer (indexer.parsers.regions); a short name counts when name+市/区/县 is one."""
    from indexer.parsers.regions import region_of

    own = {r for r in (profile.province, profile.city, profile.county) if r} if profile else set(known or ())
    for candidate in _region_tail_candidates(before):
        names = [candidate] if candidate[-1] in _LEVEL_CHARS else [candidate + s for s in ("市", "区", "县")]
        for name in names:
            region = region_of(name)
            deepest = region.county or region.city or region.province
            if not deepest or not name.endswith(deepest):
                continue
            return None if deepest in own else name
    return None


# ---------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class MetricWord:
    key: str
    words: tuple[str, ...]


# Names people use for each metric key (indexer.parsers.metrics.LABELS), longest match wins.
METRIC_WORDS: tuple[MetricWord, ...] = (
    MetricWord("three_public_total", ("三公经费", "三公支出", "三公费用", "三公")),
    MetricWord("three_public_abroad", ("因公出国(境)费用", "因公出国(境)费", "因公出国境费", "因公出国费",
                                       "出国(境)费", "出国经费", "出国费", "因公出国")),
    MetricWord("three_public_reception", ("公务接待费", "公务接待支出", "公务接待", "接待费", "招待费")),
    MetricWord("three_public_vehicle", ("公务用车购置及运行维护费", "公务用车购置及运行费", "公车购置及运行费",
                                        "公务用车购置和运行费", "公务用车费用", "公车费用")),
    MetricWord("three_public_vehicle_purchase", ("公务用车购置费", "公务用车购置支出", "公务用车购置", "公车购置费",
                                                 "车辆购置费", "公车购置", "购车费", "买车")),
    MetricWord("three_public_vehicle_operation", ("公务用车运行维护费", "公务用车运行维护支出", "公务用车运行费",
                                                  "公务用车运维费", "公车运行维护费", "公车运维费", "车辆运行维护费",
                                                  "车辆运行费", "公车运行费", "车辆运维费")),
    MetricWord("agency_operation", ("机关运行经费", "机关运行费", "机关运转经费")),
    MetricWord("basic_expenditure", ("基本支出",)),
    MetricWord("project_expenditure", ("项目支出",)),
    MetricWord("personnel", ("人员经费", "人员支出")),
    MetricWord("public_funds", ("公用经费", "公用支出")),
    MetricWord("procurement_goods", ("政府采购货物", "货物类采购", "采购货物", "货物采购", "货物类")),
    MetricWord("procurement_works", ("政府采购工程", "工程类采购", "采购工程", "工程采购", "工程类")),
    MetricWord("procurement_services", ("政府采购服务", "服务类采购", "采购服务", "服务采购", "服务类")),
    MetricWord("procurement_total", ("政府采购总额", "政府采购支出总额", "政府采购金额", "政府采购")),
    MetricWord("income_total", ("收入总计", "收入合计", "总收入", "收支总计", "收支总额", "预算总额", "总预算",
                                "部门预算总额", "收入总额", "收入")),
    MetricWord("expenditure_total", ("支出总计", "支出合计", "总支出", "支出总额", "总开支")),
    MetricWord("performance_projects", ("绩效管理项目数", "绩效目标管理的项目", "绩效目标管理项目", "绩效管理的项目",
                                        "实行绩效管理", "纳入绩效目标管理", "绩效项目数", "绩效项目", "绩效自评的项目",
                                        "设置了绩效目标的项目", "设置绩效目标", "开展了绩效自评", "开展绩效自评",
                                        "绩效自评")),
    MetricWord("official_vehicles", ("公务用车数量", "公务用车数", "公务用车", "公车数量", "公车", "车辆数", "车辆",
                                     "公务车", "辆车", "车")),
)
METRIC_LABELS = {key: label for key, (label, _) in LABELS.items()}
# Not a metric of the parse contract: the sum of two that are (both cited).
DERIVED_METRICS = {"three_public_vehicle": ("three_public_vehicle_purchase", "three_public_vehicle_operation")}
METRIC_LABELS["three_public_vehicle"] = "公务用车购置及运行费"

# Performance-form facts (form fields).
FORM_WORDS: tuple[tuple[str, str], ...] = (
    ("实施期资金总额", "total_funds"), ("实施期资金", "total_funds"), ("实施期总额", "total_funds"),
    ("实施期总金额", "total_funds"), ("项目总资金", "total_funds"), ("总资金", "total_funds"),
    ("年度资金总额", "annual_funds"), ("年度资金", "annual_funds"), ("年度总额", "annual_funds"),
    ("资金总额", "annual_funds"),
    ("项目期", "period"), ("实施期限", "period"), ("实施单位", "implementer"), ("项目属性", "attribute"),
    ("主管部门", "department"),
)
FORM_FIELD_LABELS = {"total_funds": "实施期资金总额", "annual_funds": "年度资金总额", "period": "项目期",
                     "implementer": "实施单位", "attribute": "项目属性", "department": "主管部门及代码"}
# Self-evaluation facts.
SELF_EVALUATION_WORDS: tuple[tuple[str, str], ...] = (
    ("预算执行率", "execution_rate"), ("执行率", "execution_rate"), ("执行进度", "execution_rate"),
    ("全年执行数", "executed"), ("执行数", "executed"), ("执行金额", "executed"), ("执行了", "executed"),
    ("自评得分", "score"), ("自评分数", "score"), ("自评分", "score"), ("得分", "score"), ("评分", "score"),
    ("分数", "score"), ("多少分", "score"),
    ("全年预算数", "budget"),
)
SELF_EVALUATION_LABELS = {"execution_rate": "预算执行率", "executed": "全年执行数", "score": "自评得分",
                          "budget": "全年预算数"}
# Words that ask for a performance indicator's target.
INDICATOR_CUES = ("指标值", "目标值", "绩效指标", "绩效目标", "年度目标", "实施期目标", "指标", "目标")

# Basis words. Strict: the user asks for that basis. Soft: "what was spent", which a budget
# can only answer with what was planned (the answerer says so).
BUDGET_WORDS = ("年初预算数", "年初预算", "预算数", "预算安排", "预算", "预计", "计划安排", "安排了", "安排")
FINAL_STRICT_WORDS = ("决算数", "决算", "实际支出", "实际花费", "实际花了", "实际使用", "实际用了", "实际执行",
                      "实际开支", "实际发生", "支出决算")
FINAL_SOFT_WORDS = ("花了", "花费", "花掉", "花多少", "花钱", "用了", "用掉", "开支了", "支出了", "花销")

# ---------------------------------------------------------------------------- types

_RANK_SUBJECT = re.compile(r"哪(?:个|家|一个|一家|些|几个)?(单位|部门|机关|项目|年|一年|年度|科目|事项)")
_RANK_SUPERLATIVE = re.compile(r"(最多|最高|最大|最少|最低|最小|第一|排名|排行|排序|前\d+|谁多|谁少|哪个多|哪个少|"
                               r"哪个高|哪个低|哪个大|哪个小|更多|更少|更高|更低|较多|较少|较高|较低)")
_ASCENDING = re.compile(r"(最少|最低|最小|谁少|哪个少|哪个低|哪个小|更少|更低|较少|较低)")
_COMPARE = re.compile(r"(比较|对比|相比|哪个多|哪个少|谁多|谁少|哪个高|哪个低|哪个大|更多|更少|更高|更低)")
_CHANGE = re.compile(r"(比上年|比去年|比上一年|较上年|较去年|与上年|和上年|同比|上年相比|去年相比|增减|增加了?多少|"
                     r"减少了?多少|增长了?多少|下降了?多少|变化|变动|增幅|降幅|增长率|多了多少|少了多少|"
                     r"比\d{4}年|较\d{4}年|与\d{4}年)")
_SHARE = re.compile(r"(占比|比重|占多少|所占比例|百分之多少|占总|占全部|占支出|占收入|占[^\0]{0,6}的比例|的比例|"
                    r"占百分之几)")
_COUNT = re.compile(r"(多少辆|几辆|多少个|几个|多少项|几项|多少家|几家|车辆数)")
_LIST = re.compile(r"(哪些|列出|列举|清单|有什么项目|都有什么|分别是)")
_THRESHOLD = re.compile(
    r"(?P<op>超过|超出|大于|高于|多于|不少于|不低于|至少|在|≥|>=|>|低于|少于|小于|不足|不到|不超过|不高于|最多|≤|<=|<)\s*"
    r"(?P<num>\d[\d,.]*)\s*(?P<unit>亿元|万元|元|亿|万|%)?\s*(?P<post>以上|以下|之上|之下|及以上|及以下)?")
_THRESHOLD_POST = re.compile(r"(?P<num>\d[\d,.]*)\s*(?P<unit>亿元|万元|元|亿|万|%)\s*"
                             r"(?P<post>及以上|及以下|以上|以下|之上|之下)")
_YEAR4 = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?:\s*(?:年度|年))?(?![\d.])")
_YEAR_SPAN = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:年度|年)?\s*(?:-|~|至|到|—)\s*"
                        r"((?:19|20)\d{2})\s*(?:年度|年)?(?![\d.])")
_YEAR2 = re.compile(r"(?<![\d.])(\d{2})\s*(?:年度|年)(?![\d])")
_RELATIVE_YEARS = (("今年", 0), ("本年度", 0), ("去年", -1), ("前年", -2))

FILLER = ("是哪一个", "是哪个", "哪一个", "是哪些", "哪一项", "请问一下", "请问", "请告诉我", "告诉我", "我想知道",
          "想知道", "想了解", "帮我查一下", "帮我查", "查一下", "查询",
          "一共是多少", "一共多少", "总共多少", "是多少钱", "是多少", "为多少", "有多少", "多少钱", "共多少", "多少",
          "是什么", "是几", "有几", "几", "什么", "吗", "呢", "啊", "呀", "了", "的", "是", "有", "为", "共",
          "一共", "总共", "共计", "合计", "金额", "数额", "钱", "万元", "元", "情况", "具体", "分别", "各", "在",
          "里", "中", "之中", "其中", "对", "关于", "该", "这个", "那个", "单位", "部门", "年度", "年", "度",
          "啦", "吧")
_PUNCT = re.compile(r"[？?！!。，,、；;：:（）()\[\]【】…~～·\-—]+")


@dataclass
class Measure:
    """What is asked for. kind: metric | item | form | indicator | self_evaluation."""

    kind: str
    key: str | None = None
    label: str = ""
    words: str = ""  # the question's words for it

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "label": self.label, "words": self.words}


@dataclass
class Threshold:
    yuan: Decimal  # yuan, or a percentage when `percent`
    op: str  # ">", ">=", "<", "<="
    percent: bool = False

    def accepts(self, value: Decimal) -> bool:
        return {">": value > self.yuan, ">=": value >= self.yuan,
                "<": value < self.yuan, "<=": value <= self.yuan}[self.op]


@dataclass
class ParsedQuestion:
    question: str
    text: str  # normalised
    units: list[str] = field(default_factory=list)  # candidate units (several = ambiguous)
    unit_text: str | None = None  # the words that named them
    unit_mentions: list[list[str]] = field(default_factory=list)  # one candidate list per mention
    unknown_unit: str | None = None  # a unit or place named that the index does not hold
    years: list[int] = field(default_factory=list)
    year_text: str | None = None
    basis: str | None = None  # "budget" | "final_account"
    basis_strict: bool = False
    basis_words: list[str] = field(default_factory=list)
    measure: Measure | None = None
    item_words: list[str] = field(default_factory=list)  # content words: an item or project name
    qtype: str = "value"  # value | change | count | ranking | list | share
    subject: str | None = None  # ranking/list over: unit | item | year
    descending: bool = True
    threshold: Threshold | None = None
    metric: Measure | None = None  # the metric a rate is asked of (三公经费执行率)
    name_years: list[int] = field(default_factory=list)  # years written as part of a name (2023培训费)
    side: str | None = None  # an indicator's side asked for: "annual" (年度目标) | "period" (实施期目标)
    unparsed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def item_text(self) -> str:
        return "".join(self.item_words)

    def to_json(self) -> dict[str, Any]:
        return {
            "units": self.units, "unit_text": self.unit_text, "unknown_unit": self.unknown_unit,
            "years": self.years, "basis": self.basis, "basis_strict": self.basis_strict,
            "measure": self.measure.to_json() if self.measure else None, "item_words": self.item_words,
            "metric": self.metric.to_json() if self.metric else None,
            "type": self.qtype, "subject": self.subject, "descending": self.descending,
            "threshold": None if self.threshold is None else {"op": self.threshold.op,
                                                                "yuan": _number(self.threshold.yuan)},
            "unparsed": self.unparsed, "notes": self.notes,
        }

    def describe(self) -> str:
        parts = []
        if self.units:
            parts.append("单位 " + "、".join(self.units))
        if self.unknown_unit:
            parts.append(f"未收录的单位/地区 {self.unknown_unit}")
        if self.years:
            parts.append("年度 " + "、".join(map(str, self.years)))
        if self.basis:
            parts.append(KIND_LABELS[self.basis])
        if self.measure:
            parts.append(f"{self.measure.label or self.measure.words}（{self.measure.kind}）")
        parts.append({"value": "取值", "change": "比上年变化", "count": "计数", "ranking": "排名/比较",
                      "list": "列表", "share": "占比"}[self.qtype])
        if self.threshold:
            parts.append(f"金额{self.threshold.op}{_number(self.threshold.yuan)}元")
        return "；".join(parts)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------- parsing


class _Masked:
    """The normalised question with the parts already understood blanked out."""

    def __init__(self, text: str):
        self.text = text
        self.used = [False] * len(text)

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def take(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.used[i] = True

    def view(self) -> str:
        return "".join("\0" if u else c for c, u in zip(self.text, self.used, strict=True))

    def find_words(self, words: Iterable[str], take: bool = True) -> list[tuple[int, int, str]]:
        """Leftmost-longest occurrences of `words` in the free text."""
        ordered = sorted(set(words), key=len, reverse=True)
        found = []
        view = self.view()
        position = 0
        while position < len(view):
            word = next((w for w in ordered if view.startswith(w, position)), None)
            if word is None:
                position += 1
                continue
            found.append((position, position + len(word), word))
            if take:
                self.take(position, position + len(word))
                view = self.view()
            position += len(word)
        return found

    def runs(self) -> list[str]:
        return [r for r in re.split(r"\0+", self.view()) if r]


def parse_question(question: str, catalog: Catalog) -> ParsedQuestion:
    text = normalize(question)
    parsed = ParsedQuestion(question=question, text=text)
    masked = _Masked(text)
    _find_units(parsed, masked, catalog)
    _find_type(parsed, masked)
    _find_years(parsed, masked, catalog)
    _find_measure(parsed, masked)
    _find_basis(parsed, masked)
    generic = parsed.measure is None and _find_metric(parsed, masked, generic_only=True)
    _find_content(parsed, masked, catalog)
    if generic and parsed.item_words and parsed.measure is not None:
        # 土地出让收入 is not 收入总计: the other words qualify the generic one.
        parsed.measure = Measure("item", None, "", "".join(parsed.item_words) + parsed.measure.words)
        parsed.item_words = [parsed.measure.words]
        parsed.unparsed = []
    return parsed


def _find_units(parsed: ParsedQuestion, masked: _Masked, catalog: Catalog) -> None:
    text = parsed.text
    matches = catalog.unit_matches(text)
    # Keep the best reading of each stretch of text: longest mention, most region words.
    matches.sort(key=lambda m: m.score, reverse=True)
    chosen: list[UnitMatch] = []
    for match in matches:
        overlapping = [c for c in chosen if c.start < match.end and match.start < c.end]
        if not overlapping:
            chosen.append(match)
        elif all(c.score == match.score and (c.start, c.end) == (match.start, match.end) for c in overlapping):
            chosen.append(match)  # the same words fit several units equally well
    groups: dict[tuple[int, int], list[str]] = {}
    for match in sorted(chosen, key=lambda m: m.start):
        groups.setdefault((match.start, match.end), []).append(match.unit)
    # 晋城市政府办市政府办培训费: the vaguer mention of the same unit belongs to a name.
    for span, units in list(groups.items()):
        if any(other != span and set(o_units) < set(units) for other, o_units in groups.items()):
            del groups[span]
    for (start, end), units in groups.items():
        masked.take(start, end)
        parsed.unit_mentions.append(sorted(set(units)))
    if groups:
        parsed.units = sorted({u for units in parsed.unit_mentions for u in units})
        parsed.unit_text = "、".join(text[s:e] for s, e in groups)
        return
    # A unit or place the index does not hold (太原市财政局, 平城区政府办) is not answered
    # with a namesake; region words alone (晋城, 大同云冈) narrow to the units there.
    unknown = _unknown_unit(masked.view(), catalog.known_places)
    if unknown:
        parsed.unknown_unit = unknown
        return
    units, spans = catalog.region_units(masked.view())
    for _, end in spans:
        # 上党区委办: a unit of that place the index does not hold.
        org = _ORG_AFTER_REGION.match(text, end)
        if org:
            parsed.unknown_unit = text[spans[0][0]:org.end()]
            return
    if units:
        for start, end in spans:
            masked.take(start, end)
        parsed.units = units
        parsed.unit_text = "、".join(text[s:e] for s, e in spans)
        parsed.notes.append("按地区匹配单位")


_ORG = re.compile(r"([\u3400-\u9fff]{0,10}?(?:人民政府办公室|政府办公室|政府办|办公室|委办|委员会|局|厅|委|"
                  r"人民政府|政府|中心|院|站|所|队))")


_ORG_AFTER_REGION = re.compile(r"[\u3400-\u9fff]{0,6}?(?:委办|委员会|政府办|人民政府|局|厅)")


def _unknown_unit(view: str, known: set[str]) -> str | None:
    """A unit or place the question names that no indexed unit matched."""
    for run in re.findall(r"[\u3400-\u9fff]+", view):
        for end in range(2, len(run) + 1):
            if run[end - 1] not in _LEVEL_CHARS:
                continue
            place = foreign_place(run[:end], known=known)
            if place and len(place) >= 3:
                org = _ORG.match(run, end)
                return place + (org.group(1) if org else "")
    match = re.search(r"([\u3400-\u9fff]{0,6}[市区县省])([\u3400-\u9fff]{1,8}?(?:局|厅|委员会|政府办|办公室|人民政府))",
                      view)
    if match:
        prefix = match.group(1)
        shorts = known | {region_short(k) for k in known if region_short(k)}
        start = next((i for i in range(len(prefix)) if any(prefix.startswith(k, i) for k in shorts)), len(prefix) - 1)
        return prefix[start:] + match.group(2)
    return None


def _find_type(parsed: ParsedQuestion, masked: _Masked) -> None:
    text = masked.view()
    parsed.threshold = _threshold(text, masked)
    text = masked.view()
    subject_match = _RANK_SUBJECT.search(text)
    subject = None
    if subject_match:
        word = subject_match.group(1)
        subject = {"单位": "unit", "部门": "unit", "机关": "unit", "项目": "item", "科目": "item",
                   "事项": "item"}.get(word, "year")
    superlative = _RANK_SUPERLATIVE.search(text)
    taken: list[re.Pattern] = []
    if parsed.threshold is not None:
        parsed.qtype, parsed.subject = "list", subject or "item"
        taken = [_RANK_SUBJECT, _LIST]
    elif superlative and (subject or _COMPARE.search(text) or len(parsed.unit_mentions) > 1
                          or re.search(r"最(多|高|大|少|低|小)的(单位|部门|项目|是)", text)):
        parsed.qtype = "ranking"
        if subject is None:
            subject = "item" if re.search(r"最(多|高|大|少|低|小)的项目", text) else "unit"
        parsed.subject = subject
        parsed.descending = not _ASCENDING.search(text)
        taken = [re.compile(r"最(?:多|高|大|少|低|小)的(?:单位|部门|项目)"), _RANK_SUBJECT, _RANK_SUPERLATIVE, _COMPARE]
    elif _SHARE.search(text):
        parsed.qtype = "share"
        taken = [_SHARE]
    elif _CHANGE.search(text):
        parsed.qtype = "change"
        taken = [_CHANGE]
    elif _COUNT.search(text) or re.search(r"(有|共有|一共|多少)[^\0]{0,6}(辆|个项目)", text):
        parsed.qtype = "count"
        taken = [_COUNT]
    elif _LIST.search(text) and subject == "item":
        parsed.qtype, parsed.subject = "list", "item"
        taken = [_RANK_SUBJECT, _LIST]
    for pattern in taken:  # the type's own words are understood
        for hit in pattern.finditer(masked.view()):
            masked.take(hit.start(), hit.end())


def _threshold(text: str, masked: _Masked) -> Threshold | None:
    for pattern in (_THRESHOLD, _THRESHOLD_POST):
        for match in pattern.finditer(text):
            op_word = match.groupdict().get("op") or ""
            post = match.group("post") or ""
            unit = match.group("unit") or ""
            if op_word == "在" and not post:
                continue
            if not unit and not post and op_word in ("最多", "至少"):
                continue
            try:
                yuan = (Decimal(match.group("num").replace(",", "")) if unit == "%"
                        else parse_money(match.group("num") + (unit or ""), "元"))
            except (ValueError, ArithmeticError):
                continue
            if op_word in ("超过", "超出", "大于", "高于", "多于", ">"):
                op = ">"
            elif op_word in ("不少于", "不低于", "至少", "≥", ">="):
                op = ">="
            elif op_word in ("低于", "少于", "小于", "不足", "不到", "<"):
                op = "<"
            elif op_word in ("不超过", "不高于", "最多", "≤", "<="):
                op = "<="
            else:
                op = ""
            if post in ("以上", "之上"):
                op = op or ">"
            elif post == "及以上":
                op = ">="
            elif post in ("以下", "之下"):
                op = op or "<"
            elif post == "及以下":
                op = "<="
            if not op:
                continue
            masked.take(match.start(), match.end())
            return Threshold(yuan, op, percent=unit == "%")
    return None


def _find_years(parsed: ParsedQuestion, masked: _Masked, catalog: Catalog) -> None:
    view = masked.view()
    years: list[int] = []
    texts: list[str] = []
    for match in _YEAR_SPAN.finditer(view):
        first, last = int(match.group(1)), int(match.group(2))
        if MIN_YEAR <= first <= last <= MAX_YEAR and last - first <= 20:
            years.extend(range(first, last + 1))
            texts.append(match.group())
            masked.take(match.start(), match.end())
    view = masked.view()
    for match in _YEAR4.finditer(view):
        year = int(match.group(1))
        if MIN_YEAR <= year <= MAX_YEAR:
            years.append(year)
            texts.append(match.group())
            masked.take(match.start(), match.end())
            following = view[match.end():match.end() + 1]
            if following and _HAN.match(following) and not re.match(r"[的各哪全中里共有是预决比和与及至到]", following):
                parsed.name_years.append(year)
    view = masked.view()
    for match in _YEAR2.finditer(view):
        year = 2000 + int(match.group(1))
        if 2000 <= year <= MAX_YEAR and int(match.group(1)) >= 10:
            years.append(year)
            texts.append(match.group())
            masked.take(match.start(), match.end())
    latest = catalog.latest_year
    for word, offset in _RELATIVE_YEARS:
        for _hit in masked.find_words([word]):
            if latest is not None:
                years.append(latest + offset)
                texts.append(word)
                parsed.notes.append(f"“{word}”按索引中最新年度 {latest} 计")
    view = masked.view()
    for match in re.finditer(r"(?<![比较与和同])(上一?年度?)", view):
        if latest is not None and parsed.qtype != "change":
            years.append(latest - 1)
            texts.append(match.group())
            masked.take(match.start(), match.end())
    parsed.years = sorted(dict.fromkeys(years))
    parsed.year_text = "、".join(texts) or None


def _find_measure(parsed: ParsedQuestion, masked: _Masked) -> None:
    """Self-evaluation and form facts first (their words contain basis words: 预算执行率),
    then the metrics."""
    for _start, _end, word in masked.find_words([w for w, _ in SELF_EVALUATION_WORDS]):
        key = dict(SELF_EVALUATION_WORDS)[word]
        if parsed.measure is None:
            parsed.measure = Measure("self_evaluation", key, SELF_EVALUATION_LABELS[key], word)
    if parsed.measure is None:
        for _start, _end, word in masked.find_words([w for w, _ in FORM_WORDS]):
            key = dict(FORM_WORDS)[word]
            if parsed.measure is None:
                parsed.measure = Measure("form", key, FORM_FIELD_LABELS[key], word)
    cues = masked.find_words(INDICATOR_CUES, take=False)
    if re.search(r"实施期(?:目标|指标|内)", parsed.text):
        parsed.side = "period"
    elif re.search(r"年度(?:目标|指标)", parsed.text):
        parsed.side = "annual"
    if parsed.measure is None and cues and not re.search(r"绩效目标管理|设置了?绩效目标|绩效目标的项目", masked.view()):
        for start, end, _word in cues:
            masked.take(start, end)
        parsed.measure = Measure("indicator", None, "绩效指标", cues[0][2])
    if parsed.measure is None:
        _find_metric(parsed, masked, generic_only=False)
    elif parsed.measure.kind == "self_evaluation":
        # 三公经费预算执行率: the rate of a metric, not of a project.
        facts = parsed.measure
        parsed.measure = None
        if _find_metric(parsed, masked, generic_only=False, counts=False):
            parsed.metric = parsed.measure
        parsed.measure = facts


_GENERIC_METRIC_WORDS = {"收入", "车", "辆车", "车辆"}


def _find_metric(parsed: ParsedQuestion, masked: _Masked, generic_only: bool, counts: bool = True) -> bool:
    words = {w: m.key for m in METRIC_WORDS for w in m.words}
    if not generic_only:
        words = {w: k for w, k in words.items() if w not in _GENERIC_METRIC_WORDS}
    else:
        words = {w: k for w, k in words.items() if w in _GENERIC_METRIC_WORDS}
    hits = masked.find_words(words, take=False)
    if not hits:
        return False
    # The longest wins; 公务用车 only counts vehicles when asked as a count.
    start, end, word = max(hits, key=lambda h: h[1] - h[0])
    key = words[word]
    if key == "official_vehicles" and (not counts or parsed.qtype not in ("count", "ranking", "change", "list")
                                        and not re.search(r"辆|数量|多少台|几台", parsed.text)):
        return False
    masked.take(start, end)
    parsed.measure = Measure("metric", key, METRIC_LABELS[key], word)
    if key in ("official_vehicles", "performance_projects") and parsed.qtype == "value" and counts:
        parsed.qtype = "count"
    return True


# Terms that contain a basis word without being one (一般公共预算, 预算评审中心).
BASIS_PROTECTED = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "预算评审", "预算管理", "预算2.0", "预算单位",
                   "预算编制", "决算审核", "预算一体化", "预决算")


def _find_basis(parsed: ParsedQuestion, masked: _Masked) -> None:
    protected = masked.find_words(BASIS_PROTECTED, take=False)
    for start, end, _ in protected:
        masked.take(start, end)
    try:
        _find_basis_words(parsed, masked)
    finally:
        for start, end, _ in protected:
            for i in range(start, end):
                masked.used[i] = False


def _find_basis_words(parsed: ParsedQuestion, masked: _Masked) -> None:
    strict_final = masked.find_words(FINAL_STRICT_WORDS)
    soft_final = masked.find_words(FINAL_SOFT_WORDS)
    budget = masked.find_words(BUDGET_WORDS)
    if strict_final:
        parsed.basis, parsed.basis_strict = "final_account", True
    elif budget:
        parsed.basis, parsed.basis_strict = "budget", True
    elif soft_final:
        parsed.basis, parsed.basis_strict = "final_account", False
    parsed.basis_words = [w for _, _, w in strict_final + budget + soft_final]
    if parsed.measure and parsed.measure.kind == "self_evaluation" and parsed.measure.key == "budget":
        parsed.basis, parsed.basis_strict = "budget", True


def _find_content(parsed: ParsedQuestion, masked: _Masked, catalog: Catalog) -> None:
    """What is left names an item or project (or is not understood)."""
    # Filler words go; a single character only at the edge of what is left (中 stays in
    # 评审中心, 度 in 电费度数), except 的, which never stands inside a name here.
    masked.find_words([w for w in FILLER if len(w) >= 2] + ["的"])
    edge = {w for w in FILLER if len(w) == 1}
    runs = []
    for run in masked.runs():
        for piece in _PUNCT.split(run):
            while piece and piece[0] in edge:
                piece = piece[1:]
            while piece and piece[-1] in edge:
                piece = piece[:-1]
            if piece and (len(piece) >= 2 or piece.isdigit()):
                runs.append(piece)
    parsed.item_words = runs
    if parsed.measure is None and runs:
        parsed.measure = Measure("item", None, "", "".join(runs))
    elif parsed.measure is not None and parsed.measure.kind == "metric" and runs:
        # Words besides a metric: 晋城市财政局2024年政府采购… has none; 业务费(办公设备购置) may.
        parsed.unparsed = runs
    if parsed.measure is None and (parsed.qtype == "list" or parsed.qtype == "ranking" and parsed.subject == "item"):
        parsed.measure = Measure("item", None, "项目", "")
    if parsed.measure is None and parsed.qtype == "count" and re.search(r"项目", parsed.text):
        parsed.measure = Measure("item", None, "项目", "")
