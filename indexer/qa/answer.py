"""The answerer: a `ParsedQuestion` → DESIGN.md §4's ask contract, from the index alone.

Facts are looked up through the index contract only — `aggregate_metric` for key figures,
`search` for table rows, performance forms and self-evaluations, and
`document(doc_id).parse_json` for what a record points at (the table row to quote, a
form's indicators, the 情况说明 sentence) — never by re-reading files.

Rules that keep answers honest:
- Every figure in an answer is cited: document, table/form/sentence, line or page, excerpt.
- When several facts answer (a project's row in 项目支出预算表 and its 绩效目标表), the most
  specific one (the form, in yuan) is the answer and both are cited.
- A strict basis is respected: 决算 is never answered with a 预算 figure. "花了" asked of a
  unit that only has a budget is answered with the budgeted amount, and the answer says so.
- When the corpus does not hold the answer — unknown unit, year not indexed, measure not
  in the documents — `found` is false, the answer starts "无相关数据", `value` is null, and
  the nearest cited facts are listed under `nearest`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Iterable

from analyzers.amounts import format_yuan_as_wan
from indexer.index.contract import Hit, MetricValue, SearchRequest, TextQuery
from indexer.model import Location
from indexer.qa.question import (
    DERIVED_METRICS, KIND_LABELS, METRIC_LABELS, METRIC_WORDS, SELF_EVALUATION_LABELS, Catalog,
    DocRef, Measure, ParsedQuestion, catalog_for, name_key, normalize, parse_question,
)

ITEM_TYPES = ["line_item", "form", "self_evaluation"]
PROJECT_TABLES = ["project_expenditure", "project_carryover"]
ECONOMIC_TABLES = ["general_budget_basic_economic", "final_general_budget_basic"]
THREE_PUBLIC_PARTS = {
    "three_public_total": ("合计",),
    "three_public_abroad": ("因公出国(境)费", "因公出国(境)费用"),
    "three_public_reception": ("公务接待费",),
    "three_public_vehicle_purchase": ("公务用车购置费", "①公务用车购置费"),
    "three_public_vehicle_operation": ("公务用车运行维护费", "②公务用车运行维护费"),
}
COUNT_UNITS = {"performance_projects": "个", "official_vehicles": "辆"}
RANKING_SHOWN = 10  # units a ranking's sentence names and cites; `rows` holds them all


# ---------------------------------------------------------------------------- output


def location_text(location: dict[str, Any], heading: str | None = None) -> str:
    """Where a person finds it: 第402行 › 2024年财政拨款安排“三公”经费支出预算表 › 表内第8行."""
    text = Location.from_json({k: v for k, v in location.items() if k != "end_line"}).describe()
    end = location.get("end_line")
    if end and location.get("line") and "page" not in location and end != location["line"]:
        text = text.replace(f"第{location['line']}行", f"第{location['line']}–{end}行", 1)
    if heading:
        text = f"{text} › {heading}" if text else heading
    return text


@dataclass
class Evidence:
    doc_id: str
    unit: str | None
    year: int | None
    title: str | None
    location: dict[str, Any]
    excerpt: str
    heading: str | None = None  # the section a sentence stands in

    @property
    def location_text(self) -> str:
        return location_text(self.location, self.heading)

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "unit": self.unit, "year": self.year, "title": self.title,
                "location": self.location, "location_text": self.location_text, "excerpt": self.excerpt}


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    value: int | float | str | None = None
    unit: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    nearest: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # ranking and list answers
    understood: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "found": self.found, "answer": self.answer, "value": self.value,
                "unit": self.unit, "evidence": [e.to_json() for e in self.evidence], "nearest": self.nearest,
                "rows": self.rows, "understood": self.understood}


def json_number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def yuan_text(yuan: Decimal) -> str:
    yuan = Decimal(yuan)
    if yuan == yuan.to_integral_value():
        return f"{int(yuan):,}元"
    return f"{yuan:,.2f}元"


def money_text(yuan: Decimal, own_unit: str = "万元") -> str:
    """In the document's own unit and in yuan: 4.00万元（40,000元）; forms: 761,000元."""
    if own_unit == "元":
        return yuan_text(yuan)
    return f"{format_yuan_as_wan(yuan)}（{yuan_text(yuan)}）"


def signed_money_text(yuan: Decimal) -> str:
    word = "增加" if yuan > 0 else "减少"
    return f"{word}{money_text(abs(yuan))}" if yuan else "持平（0元）"


def percent_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}%"


def _focus_groups(focus: list[str]) -> list[list[str]]:
    """Focus words are alternatives within a kind: 预算数/决算数 words, then the item's names."""
    bases = [f for f in focus if f in ("预算数", "决算数")]
    names = [f for f in focus if f not in ("预算数", "决算数")]
    return [g for g in (bases, names) if g]


def _column_labels(header: list[list[str]], width: int) -> list[str]:
    """Column names from a multi-row header: spanning cells filled rightwards, rows of
    column numbers (1 2 3 …) skipped, labels joined with /."""
    paths: list[list[str]] = [[] for _ in range(width)]
    rows = [[re.sub(r"\s+", "", c or "") for c in row] + [""] * max(0, width - len(row)) for row in header]
    rows = [r for r in rows if not all(re.fullmatch(r"\d*", c) for c in r)]
    for number, cells in enumerate(rows):
        filled, last = [], ""
        for i, cell in enumerate(cells[:width]):
            if cell:
                last = cell
            # A top row spans rightwards; the last header row names columns one by one.
            filled.append(cell or (last if number < len(rows) - 1 and i > 0 else ""))
        for i, cell in enumerate(filled):
            if cell and (not paths[i] or paths[i][-1] != cell):
                paths[i].append(cell)
    return ["/".join(p) for p in paths]


# ---------------------------------------------------------------------------- facts


@dataclass
class Fact:
    """One cited figure that answers (part of) a question."""

    value: Decimal | str | None
    unit: str  # 元 | 个 | 辆 | % | 分 | an indicator's unit
    basis: str | None  # budget | final_account
    label: str
    doc: DocRef
    evidence: list[Evidence]
    display: str  # the figure as the sentence shows it
    source: str  # table | sentence | form | self_evaluation | line_item | indicator | derived
    note: str = ""

    def row(self) -> dict[str, Any]:
        return self._row(self.evidence[0].location if self.evidence else {},
                         self.evidence[0].location_text if self.evidence else "")

    def _row(self, location: dict[str, Any], where: str) -> dict[str, Any]:
        return {"unit": self.doc.unit, "year": self.doc.year, "kind": self.doc.kind, "basis": self.basis,
                "label": self.label,
                "value": json_number(self.value) if isinstance(self.value, Decimal) else self.value,
                "value_unit": self.unit, "display": self.display, "doc_id": self.doc.doc_id,
                "location": location, "location_text": where}


class MetricFact(Fact):
    """A document's own figure of a metric (`aggregate_metric`), its evidence (the table
    row, the 情况说明 sentences that state it too) and display built when first read: a
    ranking over every document of a year quotes only the few it shows, and the others
    never load their document. One object per figure (no closures: many are made)."""

    def __init__(self, answerer: Answerer, key: str, doc: DocRef, metric: MetricValue):
        self.value = metric.value
        self.unit = COUNT_UNITS.get(key, "元")
        self.basis = doc.kind
        self.label = METRIC_LABELS.get(key, key)
        self.doc = doc
        self.source = "table" if "table" in metric.location else "sentence"
        self.note = ""
        self._answerer, self._key, self._metric = answerer, key, metric
        self._evidence: list[Evidence] | None = None
        self._display: str | None = None

    @property  # type: ignore[override]
    def evidence(self) -> list[Evidence]:
        if self._evidence is None:
            self._evidence = self._answerer._metric_fact_evidence(self._key, self.doc, self._metric, self.unit)
        return self._evidence

    @evidence.setter
    def evidence(self, evidence: list[Evidence]) -> None:
        self._evidence = evidence

    @property  # type: ignore[override]
    def display(self) -> str:
        if self._display is None:
            self._display = self._answerer._display(self.value, self.unit)
        return self._display

    @display.setter
    def display(self, display: str) -> None:
        self._display = display

    def row(self) -> dict[str, Any]:
        if self._evidence is None and self.source == "table":
            # A table figure is cited by its location alone (a sentence's, with its section heading).
            location = self._metric.location
            return self._row(dict(location), self._answerer._location_text(location))
        return super().row()


@dataclass
class ItemMatch:
    """Records (rows, forms, self-evaluations) of one document that carry the asked name."""

    doc: DocRef
    key: str
    names: list[str]
    rows: list[Hit] = field(default_factory=list)
    forms: list[Hit] = field(default_factory=list)
    evaluations: list[Hit] = field(default_factory=list)
    tier: int = 0
    score: float = 0.0


class Answerer:
    """Answers questions from one backend. Cheap to build; holds per-question caches."""

    def __init__(self, backend: Any, catalog: Catalog | None = None, analyzer: Any = None):
        self.backend = backend
        self.catalog = catalog or catalog_for(backend)
        self._analyzer = analyzer
        self._parse: dict[str, dict[str, Any]] = {}
        self._terms: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._where_texts: dict[tuple, str] = {}

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from analyzers.tokenizer import get_analyzer

            self._analyzer = get_analyzer()
        return self._analyzer

    def _location_text(self, location: dict[str, Any]) -> str:
        """`location_text(location)`, once per distinct location of a question (the rows of
        a ranking repeat their table's)."""
        try:
            key = tuple(sorted(location.items()))
            hash(key)
        except TypeError:
            return location_text(location)
        text = self._where_texts.get(key)
        if text is None:
            text = self._where_texts[key] = location_text(location)
        return text

    def _query_terms(self, text: str) -> tuple[tuple[str, ...], ...]:
        """The analyser's term groups of `text` (non-empty ones), once per question: an item
        asked of a unit's every document looks the same words up in each."""
        terms = self._terms.get(text)
        if terms is None:
            terms = self._terms[text] = tuple(tuple(g) for g in self.analyzer.query_terms(text) if g)
        return terms

    def parse_json(self, doc_id: str) -> dict[str, Any]:
        if doc_id not in self._parse:
            document = self.backend.document(doc_id)
            self._parse[doc_id] = document.parse_json if document is not None else {}
        return self._parse[doc_id]

    def doc_ref(self, doc_id: str) -> DocRef | None:
        return self.catalog.doc(doc_id)

    # -------------------------------------------------------------------- entry

    def ask(self, question: str) -> Answer:
        parsed = parse_question(question, self.catalog)
        answer = self.answer(parsed)
        answer.understood = parsed.to_json()
        return answer

    def answer(self, parsed: ParsedQuestion) -> Answer:
        q = parsed.question
        if not self.catalog.docs:
            return self._none(q, "索引是空的（请先运行 disclosure index）")
        if parsed.unknown_unit:
            held = "、".join(self.catalog.units)
            return self._none(q, f"索引中没有“{parsed.unknown_unit}”的公开文件（现有单位：{held}）")
        units = parsed.units or None
        docs = self.catalog.select(units, parsed.years)
        if parsed.years and not docs:
            if parsed.name_years and parsed.measure and parsed.measure.kind != "metric":
                # 2023年政法转移支付… in the 2024 budget: the year was part of a name.
                retry = self._drop_name_years(parsed)
                if retry is not None:
                    return retry
            return self._no_year(parsed)
        if parsed.measure is None and parsed.qtype in ("change", "share"):
            return (self._change if parsed.qtype == "change" else self._share)(parsed, docs)
        if parsed.measure is None:
            words = f"（{'、'.join(parsed.unparsed)}）" if parsed.unparsed else ""
            return self._none(q, f"未能识别要查询的指标或项目{words}", nearest=self._nearest_search(parsed, docs))
        handler = {"ranking": self._ranking, "list": self._list, "change": self._change,
                   "count": self._count, "share": self._share}.get(parsed.qtype, self._value)
        return handler(parsed, docs)

    def _drop_name_years(self, parsed: ParsedQuestion) -> Answer | None:
        years = [y for y in parsed.years if y not in parsed.name_years]
        docs = self.catalog.select(parsed.units or None, years)
        if not docs:
            return None
        words = [f"{y}" for y in parsed.name_years]
        retry = ParsedQuestion(**{**parsed.__dict__, "years": years,
                                  "item_words": words + parsed.item_words, "name_years": []})
        answer = self.answer(retry)
        return answer if answer.found else None

    # -------------------------------------------------------------------- helpers

    def _none(self, question: str, reason: str, nearest: list[Fact] | None = None) -> Answer:
        unique: dict[tuple, Fact] = {}
        for fact in nearest or []:
            unique.setdefault((fact.doc.doc_id, fact.label, fact.basis, str(fact.value)), fact)
        nearest = list(unique.values())
        text = f"无相关数据：{reason}。"
        if nearest:
            shown = "；".join(f"{f.doc.unit}{f.doc.year}年{f.doc.kind_label}{f.label}{f.display}" for f in nearest[:3])
            text = f"无相关数据：{reason}；可参考（非所问）：{shown}。"
        return Answer(question=question, found=False, answer=text,
                      nearest=[dict(f.row(), excerpt=f.evidence[0].excerpt if f.evidence else "") for f in nearest],
                      evidence=[])

    def _no_year(self, parsed: ParsedQuestion) -> Answer:
        years = "、".join(map(str, parsed.years))
        if parsed.units:
            have = self.catalog.select(parsed.units)
            held = "、".join(sorted({f"{d.unit}{d.year}年{d.kind_label}" for d in have}))
            who = "、".join(parsed.units)
            nearest = self._facts_any(parsed, have)
            return self._none(parsed.question, f"索引中没有{who}{years}年的公开文件（现有：{held}）", nearest)
        held = "、".join(map(str, self.catalog.years))
        return self._none(parsed.question, f"索引中没有{years}年的公开文件（现有年度：{held}）")

    def _facts_any(self, parsed: ParsedQuestion, docs: list[DocRef]) -> list[Fact]:
        """The asked measure in other documents, for a `nearest` list."""
        return [fact for doc in docs for fact in self.facts(parsed, doc)]

    def _nearest_search(self, parsed: ParsedQuestion, docs: list[DocRef]) -> list[Fact]:
        words = [w for w in parsed.item_words + parsed.unparsed if w]
        if not words:
            return []
        hits = self._search_words(" ".join(words), docs, ITEM_TYPES + ["metric"], limit=20)
        content = name_key("".join(words))
        hits = [h for h in hits if SequenceMatcher(None, name_key(h.name), content).ratio() >= 0.5]
        facts = []
        for hit in hits[:5]:
            doc = self.doc_ref(hit.doc_id)
            if doc is None or hit.amount_yuan is None:
                continue
            facts.append(Fact(hit.amount_yuan, "元", doc.kind, hit.name, doc, [self._hit_evidence(hit)],
                              money_text(hit.amount_yuan, self._own_unit(hit)), hit.record_type))
        return facts

    # -------------------------------------------------------------------- evidence

    def _evidence(self, doc: DocRef, location: dict[str, Any], excerpt: str, heading: str | None = None) -> Evidence:
        return Evidence(doc.doc_id, doc.unit, doc.year, doc.title, dict(location), excerpt, heading)

    def _table_row_text(self, doc_id: str, location: dict[str, Any], focus: Iterable[str] = ()) -> str | None:
        """The printed row a table location points at (only the columns naming a `focus`
        word, for a row of figures only)."""
        title, row = location.get("table"), location.get("row")
        if not title:
            return None
        for table in self.parse_json(doc_id).get("tables", []):
            if table.get("title") != title:
                continue
            if row is None:
                return None
            header = table.get("header") or []
            index = row - len(header) - 1
            rows = table.get("rows") or []
            if 0 <= index < len(rows):
                cells = rows[index]
                if cells and re.fullmatch(r"[\d,.\s]+", cells[0] or "x"):
                    # A row of figures only (决算 “三公” table): name each by its column.
                    labels = _column_labels(header, len(cells))
                    pairs = [(label, cell.strip()) for label, cell in zip(labels, cells, strict=False)
                             if cell and cell.strip()]
                    focus = [normalize(f) for f in focus if f]
                    chosen = [p for p in pairs if focus and all(any(w in normalize(p[0]) for w in group)
                                                                  for group in _focus_groups(focus))]
                    return "；".join(f"{label} {cell}" for label, cell in (chosen or pairs))
                return "  ".join(c.strip() for c in cells if c and c.strip())
        return None

    def _sentence(self, doc_id: str, location: dict[str, Any], words: Iterable[str]) -> tuple[str, str | None]:
        """The sentence at a 情况说明 location that carries one of `words`, and its heading."""
        line = location.get("line")
        words = [normalize(w) for w in words if w]
        for section in self.parse_json(doc_id).get("sections", []):
            where = section.get("location") or {}
            start, end = where.get("line"), where.get("end_line") or where.get("line")
            if line is None or start is None or not start <= line <= (end or start):
                continue
            heading = (section.get("heading_path") or [None])[-1]
            for sentence in re.split(r"(?<=[。；;])", section.get("text") or ""):
                if any(w in normalize(sentence) for w in words):
                    return sentence.strip(), heading
            return (section.get("text") or "")[:160].strip(), heading
        return "", None

    def _hit_evidence(self, hit: Hit) -> Evidence:
        doc = self.doc_ref(hit.doc_id) or DocRef(hit.doc_id, hit.unit, hit.year, hit.kind, title=hit.title)
        excerpt = None
        if hit.record_type == "line_item":
            excerpt = self._table_row_text(hit.doc_id, hit.location)
        elif hit.record_type == "form":
            excerpt = self._form_excerpt(hit)
        elif hit.record_type == "self_evaluation":
            excerpt = self._evaluation_excerpt(hit)
        if not excerpt:
            excerpt = f"{hit.name} {format_yuan_as_wan(hit.amount_yuan)}" if hit.amount_yuan is not None else hit.name
        return self._evidence(doc, hit.location, excerpt)

    def _form(self, hit: Hit) -> dict[str, Any]:
        index = hit.payload.get("form_index")
        forms = self.parse_json(hit.doc_id).get("forms", [])
        return forms[index] if isinstance(index, int) and 0 <= index < len(forms) else {}

    def _form_excerpt(self, hit: Hit) -> str:
        form = self._form(hit)
        parts = [f"项目名称：{form.get('project') or hit.name}"]
        if form.get("implementer"):
            parts.append(f"实施单位：{form['implementer']}")
        if form.get("total_funds_yuan") is not None:
            parts.append(f"实施期资金总额：{json_number(form['total_funds_yuan']):,}")
        if form.get("annual_funds_yuan") is not None:
            parts.append(f"年度资金总额：{json_number(form['annual_funds_yuan']):,}")
        return "；".join(parts) + "（元）"

    @staticmethod
    def _evaluation_excerpt(hit: Hit) -> str:
        p = hit.payload
        budget = p.get("budget_yuan")
        parts = [f"项目名称：{hit.name}"]
        if budget is not None:
            parts.append(f"全年预算数：{format_yuan_as_wan(budget)}")
        if hit.amount_yuan is not None:
            parts.append(f"全年执行数：{format_yuan_as_wan(hit.amount_yuan)}")
        if p.get("execution_rate") is not None:
            parts.append(f"预算执行率：{p['execution_rate']}%")
        if p.get("score") is not None:
            parts.append(f"自评得分：{p['score']}")
        return "；".join(parts)

    @staticmethod
    def _own_unit(hit: Hit) -> str:
        return "元" if hit.record_type == "form" else "万元"

    # -------------------------------------------------------------------- metric facts

    def metric_facts(self, key: str, doc: DocRef) -> list[Fact]:
        """A metric of one document: the document's own figure (basis = its kind), plus, in
        a final account, the 预算数 its “三公” table prints."""
        if key in DERIVED_METRICS:
            return self._derived_facts(key, doc)
        values = self.backend.aggregate_metric(key, {"doc_id": [doc.doc_id]})
        facts = [self._metric_fact(key, doc, value) for value in values]
        if doc.kind == "final_account" and key in THREE_PUBLIC_PARTS:
            budget = self._final_three_public_budget(key, doc)
            if budget is not None:
                facts.append(budget)
        return facts

    def metric_facts_many(self, key: str, docs: list[DocRef]) -> dict[str, list[Fact]]:
        """`metric_facts` of many documents (by doc_id), the values fetched in one call."""
        if key in DERIVED_METRICS:
            return {doc.doc_id: self.metric_facts(key, doc) for doc in docs}
        values = self._metric_values(key, docs)
        out: dict[str, list[Fact]] = {}
        for doc in docs:
            value = values.get(doc.doc_id)
            facts = [self._metric_fact(key, doc, value)] if value is not None else []
            if doc.kind == "final_account" and key in THREE_PUBLIC_PARTS:
                budget = self._final_three_public_budget(key, doc)
                if budget is not None:
                    facts.append(budget)
            out[doc.doc_id] = facts
        return out

    def _metric_fact(self, key: str, doc: DocRef, value: MetricValue) -> Fact:
        return MetricFact(self, key, doc, value)

    def _metric_fact_evidence(self, key: str, doc: DocRef, value: MetricValue, unit: str) -> list[Evidence]:
        """The figure's table row or sentence, then the other places the document states it."""
        found = [self._metric_evidence(doc, key, value.location)]
        for other in self.parse_json(doc.doc_id).get("metrics", []):
            if other.get("key") == key and other.get("source") != value.location:
                if "table" in value.location and "table" in (other.get("source") or {}):
                    continue
                same = Decimal(str(other.get("value"))) == value.value
                extra = self._metric_evidence(doc, key, other.get("source") or {})
                if not same:
                    extra.excerpt += f"（此处为{self._display(Decimal(str(other['value'])), unit)}）"
                found.append(extra)
        return found

    def _metric_values(self, key: str, docs: list[DocRef]) -> dict[str, MetricValue]:
        """A metric of many documents in one `aggregate_metric` call, as one call per
        document would give it. The documents are named when they are a small part of their
        years (a long doc_id filter costs more per document than reading a year's)."""
        wanted = {d.doc_id for d in docs}
        years = {d.year for d in docs}
        in_years = len(self.catalog.select(None, years)) if None not in years else None
        filters: dict[str, list[str]] | None
        if in_years is None or len(wanted) <= 50 or in_years > 3 * len(wanted):
            filters = {"doc_id": sorted(wanted)}
        elif in_years == len(self.catalog.docs):
            filters = None  # every year the index holds
        else:
            filters = {"year": [str(y) for y in sorted(years)]}
        return {v.doc_id: v for v in self.backend.aggregate_metric(key, filters) if v.doc_id in wanted}

    def preferred_facts(self, parsed: ParsedQuestion, docs: list[DocRef]) -> list[Fact]:
        """Per document, the figure a ranking or list compares (`_pick`, then `_preferred`),
        documents without one left out. A metric's values come in one call, and no document
        is loaded unless a figure needs it (a final account's 预算数 of a “三公” part)."""
        measure = parsed.measure
        key = measure.key if measure is not None and measure.kind == "metric" else None
        if not key or key in DERIVED_METRICS:
            return self._preferred_facts_each(parsed, docs)
        values = self._metric_values(key, docs)
        out: list[Fact] = []
        for doc in docs:
            value = values.get(doc.doc_id)
            facts = [self._metric_fact(key, doc, value)] if value is not None else []
            # The 预算数 a 决算 “三公” table prints is preferred over the document's own
            # figure only when a budget is asked for, or stands in when there is none.
            if (doc.kind == "final_account" and key in THREE_PUBLIC_PARTS
                    and (parsed.basis == "budget" or not facts)):
                budget = self._final_three_public_budget(key, doc)
                if budget is not None:
                    facts.append(budget)
            if len(facts) == 1 and not parsed.basis and isinstance(facts[0].value, Decimal):
                out.append(facts[0])  # what _pick and _preferred make of a lone figure, no basis asked
                continue
            picked, _ = self._pick(parsed, facts)
            picked = [f for f in picked if isinstance(f.value, Decimal)]
            if picked:
                out.append(self._preferred(parsed, doc, picked))
        return out

    def _preferred_facts_each(self, parsed: ParsedQuestion, docs: list[DocRef]) -> list[Fact]:
        out: list[Fact] = []
        for doc in docs:
            picked, _ = self._pick(parsed, self.facts(parsed, doc))
            picked = [f for f in picked if isinstance(f.value, Decimal)]
            if picked:
                out.append(self._preferred(parsed, doc, picked))
        return out

    def _display(self, value: Decimal, unit: str) -> str:
        if unit == "元":
            return money_text(value)
        return f"{json_number(value)}{unit}"

    def _metric_evidence(self, doc: DocRef, key: str, location: dict[str, Any], basis: str | None = None) -> Evidence:
        label = METRIC_LABELS.get(key, key)
        if "table" in location:
            if location.get("row") is None:
                return self._evidence(doc, location, f"{label}一行空白（表列有合计，空白即0）")
            focus = [{"budget": "预算数", "final_account": "决算数"}.get(basis or doc.kind or "", "")]
            focus += list(THREE_PUBLIC_PARTS.get(key, ()))
            excerpt = self._table_row_text(doc.doc_id, location, focus) or ""
            return self._evidence(doc, location, excerpt or label)
        words = [w for m in METRIC_WORDS if m.key == key for w in m.words if len(w) >= 2]
        sentence, heading = self._sentence(doc.doc_id, location, words + [METRIC_LABELS.get(key, key)])
        return self._evidence(doc, location, sentence, heading)

    def _final_three_public_budget(self, key: str, doc: DocRef) -> Fact | None:
        """预算数 of the 财政拨款“三公”经费支出决算表 (a final account prints both)."""
        items = [i for i in self.parse_json(doc.doc_id).get("line_items", [])
                 if i.get("table_kind") == "final_three_public"
                 and (i.get("name") or "").split("/")[0].replace(" ", "") == "预算数"]
        if not items:
            return None
        wanted = {normalize(n) for n in THREE_PUBLIC_PARTS[key]}
        total = next((i for i in items if normalize(i["name"].split("/")[-1]) == "合计"
                      and len(i["name"].split("/")) == 2), None)
        found = None
        for item in items:
            parts = item["name"].split("/")
            if normalize(parts[-1]) in wanted and (key != "three_public_total" or len(parts) == 2):
                found = item
                break
        if found is None and total is None:
            return None
        label = METRIC_LABELS[key]
        if found is None or found.get("amount_yuan") is None:
            # A blank part of a table that states its total is 0.
            value, location = Decimal(0), total["location"]
            excerpt = self._table_row_text(doc.doc_id, location, ["预算数", "合计"]) or ""
            excerpt += f"；{label}预算数空白，即0"
        else:
            value, location = Decimal(str(found["amount_yuan"])), found["location"]
            excerpt = self._table_row_text(doc.doc_id, location, ["预算数", *THREE_PUBLIC_PARTS[key]]) or found["name"]
        evidence = [self._evidence(doc, location, excerpt)]
        return Fact(value, "元", "budget", label, doc, evidence, money_text(value), "table",
                    note="决算表所列预算数")

    def _derived_facts(self, key: str, doc: DocRef) -> list[Fact]:
        parts = DERIVED_METRICS[key]
        by_basis: dict[str | None, list[Fact]] = {}
        for part in parts:
            for fact in self.metric_facts(part, doc):
                by_basis.setdefault(fact.basis, []).append(fact)
        out = []
        for basis, facts in by_basis.items():
            if {f.label for f in facts} != {METRIC_LABELS[p] for p in parts}:
                continue
            total = sum((f.value for f in facts), Decimal(0))
            evidence = [e for f in facts for e in f.evidence[:1]]
            detail = "＋".join(f"{f.label}{format_yuan_as_wan(f.value)}" for f in facts)
            out.append(Fact(total, "元", basis, METRIC_LABELS[key], doc, evidence, money_text(total), "derived",
                            note=f"由{detail}相加"))
        return out

    # -------------------------------------------------------------------- item facts

    def _search_words(self, text: str, docs: list[DocRef], record_types: list[str], limit: int = 100,
                      extra: dict[str, list[str]] | None = None) -> list[Hit]:
        groups = list(self._query_terms(text))
        if not groups:
            return []
        filters = {"record_type": record_types, "doc_id": [d.doc_id for d in docs], **(extra or {})}
        request = SearchRequest(text=TextQuery(required=tuple(groups)), filters=filters, limit=limit, facets=())
        hits = list(self.backend.search(request).hits)
        if hits:
            return hits
        seen: dict[str, Hit] = {}
        for group in groups:  # no record has every word: any word, scored by name below
            if all(len(alt) < 2 and not alt.isdigit() for alt in group):
                continue
            request = SearchRequest(text=TextQuery(required=(group,)), filters=filters, limit=limit, facets=())
            for hit in self.backend.search(request).hits:
                seen.setdefault(hit.record_id, hit)
        return list(seen.values())

    def find_items(self, parsed: ParsedQuestion, docs: list[DocRef], words: str | None = None) -> list[ItemMatch]:
        """The records whose names best match the question's item words, grouped by
        document and name. Names are compared after `name_key` (years, punctuation)."""
        words = words if words is not None else parsed.item_text
        if not words or not docs:
            return []
        hits = self._search_words(words, docs, ITEM_TYPES)
        content = name_key(words)
        # The whole question: a unit's short name is often the start of an item's name
        # (市政府办培训费); rows named after units (晋城市财政局) are skipped below.
        question = name_key(parsed.text)
        units = self.catalog.unit_keys
        scored: dict[str, tuple[int, float]] = {}
        for hit in hits:
            key = name_key(hit.name)
            if key in scored or len(key) < 2 or key in units or key in ("合计", "总计", "小计"):
                continue
            ratio = SequenceMatcher(None, key, content).ratio() if content else 0.0
            bare = self._strip_places(key)
            if key == content or bare == content:
                tier = 4
            elif (key in question and len(key) >= 3) or (bare != key and bare in question and len(bare) >= 4):
                tier = 3
            elif content and content in key and len(content) >= 2:
                tier = 2
            elif ratio >= 0.7:
                tier = 1
            else:
                continue
            scored[key] = (tier, ratio if tier != 3 else len(key))
        if not scored:
            return []
        best_tier = max(t for t, _ in scored.values())
        keys = [k for k, (t, _) in scored.items() if t == best_tier]
        if best_tier in (1, 3):
            top = max(scored[k][1] for k in keys)
            keys = [k for k in keys if scored[k][1] == top]
        if best_tier == 2:
            # 热线 is in one name only: that one; in several: the closest ones.
            top = max(scored[k][1] for k in keys)
            keys = [k for k in keys if scored[k][1] >= top - 1e-9]
        matches: dict[tuple[str, str], ItemMatch] = {}
        for hit in hits:
            key = name_key(hit.name)
            if key not in keys:
                continue
            doc = self.doc_ref(hit.doc_id)
            if doc is None:
                continue
            match = matches.setdefault((hit.doc_id, key), ItemMatch(doc, key, [], tier=best_tier,
                                                                      score=scored[key][1]))
            if hit.name not in match.names:
                match.names.append(hit.name)
            {"line_item": match.rows, "form": match.forms, "self_evaluation": match.evaluations}[
                hit.record_type].append(hit)
        for match in matches.values():
            self._link_near_names(match)
            match.rows.sort(key=lambda h: (h.location.get("line") or 0))
        return list(matches.values())

    def _strip_places(self, key: str) -> str:
        """洛阳市智慧教育云平台运维费 → 智慧教育云平台运维费: a unit's or place's name that
        opens an item name is often left out when people ask."""
        for prefix in self.catalog.place_prefixes:
            if key.startswith(prefix) and len(key) - len(prefix) >= 3:
                return key[len(prefix):]
        return key

    def _link_near_names(self, match: ItemMatch) -> None:
        """A table row and its form often differ by a character or two (市政府办设备购置经费 /
        市政府办公设备购置经费): link them when the amounts agree."""
        if match.rows and match.forms:
            return
        wanted = match.forms if not match.rows else match.rows
        others = self._search_words(match.names[0], [match.doc], ["form"] if not match.forms else ["line_item"])
        amounts = {h.amount_yuan for h in wanted if h.amount_yuan is not None}
        for hit in others:
            if name_key(hit.name) == match.key:
                continue
            close = SequenceMatcher(None, name_key(hit.name), match.key).ratio() >= 0.8
            if close and hit.amount_yuan is not None and any(abs(hit.amount_yuan - a) <= max(Decimal(100), a / 100)
                                                            for a in amounts):
                (match.forms if hit.record_type == "form" else match.rows).append(hit)

    def item_facts(self, match: ItemMatch, parsed: ParsedQuestion) -> list[Fact]:
        """The facts one matched item offers, most specific first."""
        doc = match.doc
        measure = parsed.measure
        facts: list[Fact] = []
        name = match.names[0]
        if measure and measure.kind == "self_evaluation":
            return self._evaluation_facts(match, measure.key or "executed")
        if measure and measure.kind == "form" and match.forms:
            return self._form_field_facts(match, measure.key or "annual_funds")
        budget_rows = [h for h in match.rows if h.amount_yuan is not None]
        if match.forms:
            form_hit = match.forms[0]
            form = self._form(form_hit)
            annual = form.get("annual_funds_yuan")
            if annual is not None:
                value = Decimal(str(annual))
                evidence = [self._hit_evidence(form_hit)] + [self._hit_evidence(h) for h in budget_rows]
                table = ""
                if budget_rows:
                    same = [h for h in budget_rows if abs(h.amount_yuan - value) <= max(Decimal(100), value / 100)]
                    shown = same or budget_rows
                    table = "，项目支出预算表列" + "、".join(format_yuan_as_wan(h.amount_yuan) for h in shown)
                    others = [h for h in budget_rows if h not in same]
                    if same and others:
                        table += "（表中另有同名行" + "、".join(format_yuan_as_wan(h.amount_yuan) for h in others)
                        table += "）"
                display = f"{yuan_text(value)}（绩效目标表年度资金总额{table}）"
                facts.append(Fact(value, "元", "budget", name, doc, evidence, display, "form"))
        if not facts and budget_rows:
            tables: dict[str, list[Hit]] = {}
            for hit in budget_rows:
                tables.setdefault(hit.location.get("table") or "", []).append(hit)
            # A project table first, then an economic-classification table, then the first
            # table naming it; same-name rows of those two kinds (差旅费 under two
            # classifications) add up, elsewhere (收支总表: 本年 and 上年结转) the first row counts.
            def rank(kv: tuple[str, list[Hit]]) -> tuple:
                kind = kv[1][0].table_kind or ""
                return (kind in PROJECT_TABLES, kind in ECONOMIC_TABLES, -(kv[1][0].location.get("line") or 0))
            _, rows = max(tables.items(), key=rank)
            if rows[0].table_kind not in PROJECT_TABLES and rows[0].table_kind not in ECONOMIC_TABLES:
                rows = rows[:1]
            total = sum((h.amount_yuan for h in rows), Decimal(0))
            display = money_text(total)
            if len(rows) > 1:
                parts = "、".join(format_yuan_as_wan(h.amount_yuan) for h in rows)
                display += f"，为表中{parts}{len(rows)}行之和"
            basis = "final_account" if doc.kind == "final_account" else "budget"
            facts.append(Fact(total, "元", basis, name, doc, [self._hit_evidence(h) for h in rows], display,
                              "line_item"))
        if match.evaluations:
            facts.extend(self._evaluation_facts(match, "executed"))
            facts.extend(self._evaluation_facts(match, "budget"))
        return facts

    def _evaluation_facts(self, match: ItemMatch, key: str) -> list[Fact]:
        facts = []
        for hit in match.evaluations:
            p = hit.payload
            evidence = [self._hit_evidence(hit)]
            if key == "execution_rate" and p.get("execution_rate") is not None:
                value = Decimal(str(p["execution_rate"]))
                extra = ""
                if p.get("budget_yuan") is not None and hit.amount_yuan is not None:
                    budget, executed = format_yuan_as_wan(p["budget_yuan"]), format_yuan_as_wan(hit.amount_yuan)
                    extra = f"（全年预算{budget}，执行{executed}）"
                facts.append(Fact(value, "%", "final_account", hit.name, match.doc, evidence,
                                  percent_text(value) + extra, "self_evaluation"))
            elif key == "score" and p.get("score") is not None:
                value = Decimal(str(p["score"]))
                facts.append(Fact(value, "分", "final_account", hit.name, match.doc, evidence,
                                  f"{value.normalize():f}分", "self_evaluation"))
            elif key == "executed" and hit.amount_yuan is not None:
                rate = f"，预算执行率{p['execution_rate']}%" if p.get("execution_rate") is not None else ""
                budget = ""
                if p.get("budget_yuan") is not None:
                    budget = f"（全年预算{format_yuan_as_wan(p['budget_yuan'])}{rate}）"
                facts.append(Fact(hit.amount_yuan, "元", "final_account", hit.name, match.doc, evidence,
                                  money_text(hit.amount_yuan) + budget, "self_evaluation", note="全年执行数"))
            elif key == "budget" and p.get("budget_yuan") is not None:
                value = Decimal(str(p["budget_yuan"]))
                facts.append(Fact(value, "元", "budget", hit.name, match.doc, evidence, money_text(value),
                                  "self_evaluation", note="自评表全年预算数"))
        return facts

    def _form_field_facts(self, match: ItemMatch, key: str) -> list[Fact]:
        facts = []
        for hit in match.forms:
            form = self._form(hit)
            evidence = [self._hit_evidence(hit)] + [self._hit_evidence(h) for h in match.rows]
            if key in ("annual_funds", "total_funds"):
                raw = form.get(f"{key}_yuan")
                if raw is None:
                    continue
                value = Decimal(str(raw))
                facts.append(Fact(value, "元", "budget", hit.name, match.doc, evidence, yuan_text(value), "form"))
            else:
                text = form.get(key)
                if text:
                    facts.append(Fact(str(text), "", "budget", hit.name, match.doc, evidence, str(text), "form"))
        return facts

    def indicator_facts(self, match: ItemMatch, words: str, annual_first: bool = True) -> list[Fact]:
        """The target of the indicator whose name best matches `words`, per side."""
        words_key = name_key(words)
        if len(words_key) < 2:
            return []
        facts: list[tuple[float, Fact]] = []
        for hit in match.forms:
            form = self._form(hit)
            scored = []
            for indicator in form.get("indicators") or []:
                level3 = indicator.get("level3") or ""
                value = (indicator.get("value") or "").strip()
                if not level3 or not value or value == level3:
                    continue
                ratio = SequenceMatcher(None, name_key(level3), words_key).ratio()
                if words_key in name_key(level3):
                    ratio = max(ratio, 0.75)
                scored.append((ratio, indicator))
            if not scored:
                continue
            best = max(r for r, _ in scored)
            if best < 0.55:
                continue
            chosen = [i for r, i in scored if r >= best - 0.15 and r >= 0.55]
            for indicator in chosen:
                ratio = next(r for r, i in scored if i is indicator)
                side = "年度目标" if indicator.get("side") == "annual" else "实施期目标"
                number = indicator.get("number")
                value: Decimal | str = Decimal(str(number)) if number is not None else indicator["value"]
                unit = indicator.get("unit") or ""
                excerpt = (f"{indicator.get('level1') or ''} › {indicator.get('level2') or ''} › "
                           f"{indicator['level3']}：{indicator['value']}（{side}）")
                evidence = [self._evidence(match.doc, hit.location, excerpt)]
                fact = Fact(value, unit, "budget", f"{hit.name}·{indicator['level3']}", match.doc, evidence,
                            f"{indicator['value']}（{side}）", "indicator",
                            note=indicator.get("side") or "")
                facts.append((ratio + (0.01 if (indicator.get("side") == "annual") == annual_first else 0), fact))
        facts.sort(key=lambda rf: rf[0], reverse=True)
        ordered = [f for _, f in facts]
        if ordered:
            top = ordered[0]
            other = next((f for f in ordered[1:] if f.note != top.note and f.note
                          and f.display.split("（")[0] != top.display.split("（")[0]
                          and f.label.split("·")[0] == top.label.split("·")[0]), None)
            if other is not None:
                top.display += f"；{other.display.split('（')[1].rstrip('）')}为{other.display.split('（')[0]}"
                top.evidence = top.evidence + other.evidence
        return ordered

    # -------------------------------------------------------------------- facts for a doc

    def facts(self, parsed: ParsedQuestion, doc: DocRef) -> list[Fact]:
        measure = parsed.measure
        if measure is None:
            return []
        if measure.kind == "metric":
            return self.metric_facts(measure.key or "", doc)
        if measure.kind == "self_evaluation" and parsed.metric is not None:
            # 公车运行费用执行数: a project's self-evaluation if one carries the name, else
            # the metric's 决算 (or its rate: 决算 ÷ the 预算数 printed beside it).
            words = parsed.metric.words + parsed.item_text
            matches = [m for m in self.find_items(parsed, [doc], words) if m.evaluations]
            if matches:
                return [f for m in matches for f in self._evaluation_facts(m, measure.key or "executed")]
            key = parsed.metric.key or ""
            if measure.key == "execution_rate":
                return self._metric_rate_facts(key, doc)
            wanted = "budget" if measure.key == "budget" else "final_account"
            return [f for f in self.metric_facts(key, doc) if f.basis == wanted] if measure.key != "score" else []
        if measure.kind == "self_evaluation" and not parsed.item_words:
            return self._overall_evaluation_facts(doc, measure.key or "execution_rate")
        matches = self.find_items(parsed, [doc])
        if not matches and measure.kind in ("indicator", "item"):
            return self._indicator_first(parsed, doc)
        out: list[Fact] = []
        for match in matches:
            if measure.kind == "indicator" or (measure.kind == "item" and match.forms):
                rest = self._indicator_words(parsed, match)
                if rest:
                    found = self.indicator_facts(match, rest, annual_first=parsed.side != "period")
                    if found:
                        out.extend(found)
                        continue
                    if measure.kind == "indicator":
                        continue
            out.extend(self.item_facts(match, parsed))
        return out

    def _indicator_first(self, parsed: ParsedQuestion, doc: DocRef) -> list[Fact]:
        """12345热线受理群众诉求件数: an indicator named in full after a project named in
        short. Find the indicator in the document's forms, then check that the rest of the
        words fit that form's project name."""
        content = name_key(parsed.item_text)
        if len(content) < 4:
            return []
        forms = self._search_words(parsed.item_text, [doc], ["form"])
        best: tuple[float, ItemMatch, str] | None = None
        for hit in forms:
            form = self._form(hit)
            for indicator in form.get("indicators") or []:
                level3 = name_key(indicator.get("level3") or "")
                if len(level3) < 3 or level3 not in content:
                    continue
                rest = content.replace(level3, "", 1)
                project = self._strip_places(name_key(hit.name))
                blocks = SequenceMatcher(None, rest, project).get_matching_blocks()
                shared = sum(b.size for b in blocks)
                if len(rest) < 2 or shared < min(4, len(rest)) or shared / len(rest) < 0.6:
                    continue
                score = len(level3) + shared / len(rest)
                if best is None or score > best[0]:
                    best = (score, ItemMatch(doc, name_key(hit.name), [hit.name], forms=[hit]), level3)
        if best is None:
            return []
        return self.indicator_facts(best[1], best[2], annual_first=parsed.side != "period")

    def _indicator_words(self, parsed: ParsedQuestion, match: ItemMatch) -> str:
        """The question's words besides the project's name: the indicator asked for."""
        text = parsed.item_text
        for name in match.names:
            key = normalize(name)
            for candidate in (key, name_key(name)):
                if candidate and candidate in text:
                    text = text.replace(candidate, "", 1)
                    break
            else:
                blocks = SequenceMatcher(None, text, key).get_matching_blocks()
                for block in sorted(blocks, key=lambda b: b.size, reverse=True):
                    if block.size >= 3:
                        text = text[:block.a] + text[block.a + block.size:]
                        break
        text = re.sub(r"(目标值|指标值|目标|指标|多少|是|的|有|为)", "", text)
        return text if len(text) >= 2 else ""

    def _metric_rate_facts(self, key: str, doc: DocRef) -> list[Fact]:
        """执行率 of a metric: its final figure over the budget figure printed beside it."""
        facts = self.metric_facts(key, doc)
        final = next((f for f in facts if f.basis == "final_account"), None)
        budget = next((f for f in facts if f.basis == "budget"), None)
        if final is None or budget is None or not budget.value:
            return []
        rate = (final.value / budget.value * 100).quantize(Decimal("0.01"))
        spent, planned = format_yuan_as_wan(final.value), format_yuan_as_wan(budget.value)
        display = f"{percent_text(rate)}（决算{spent}÷预算{planned}）"
        return [Fact(rate, "%", "final_account", f"{METRIC_LABELS.get(key, key)}预算执行率", doc,
                     final.evidence[:1] + budget.evidence[:1], display, "derived")]

    def _overall_evaluation_facts(self, doc: DocRef, key: str) -> list[Fact]:
        """执行率/得分 of the department as a whole (部门整体自评表)."""
        request = SearchRequest(filters={"record_type": ["self_evaluation"], "doc_id": [doc.doc_id]},
                                limit=100, facets=())
        hits = [h for h in self.backend.search(request).hits if "整体" in (h.name or "") or
                "整体" in (h.location.get("table") or "")]
        if not hits:
            return []
        match = ItemMatch(doc, name_key(hits[0].name), [hits[0].name], evaluations=hits[:1])
        facts = self._evaluation_facts(match, key)
        for fact in facts:
            fact.label = "部门整体支出"
        return facts

    # -------------------------------------------------------------------- value

    def _pick(self, parsed: ParsedQuestion, facts: list[Fact]) -> tuple[list[Fact], str]:
        """Facts of the asked basis; a soft 决算 ("花了") falls back to the budget, saying so."""
        if not parsed.basis:
            return facts, ""
        matching = [f for f in facts if f.basis == parsed.basis or f.basis is None]
        if matching or parsed.basis_strict:
            return matching, ""
        if parsed.basis == "final_account":
            budget = [f for f in facts if f.basis == "budget"]
            if budget:
                return budget, "（这是预算安排数：索引中只有该单位的预算公开，没有决算，实际支出无从得知）"
        return [], ""

    def _value(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        q = parsed.question
        by_doc: list[tuple[DocRef, list[Fact]]] = []
        for doc in docs:
            facts = self.facts(parsed, doc)
            if facts:
                by_doc.append((doc, facts))
        if not by_doc:
            return self._not_found(parsed, docs)
        chosen: list[tuple[DocRef, list[Fact], str]] = []
        for doc, facts in by_doc:
            picked, note = self._pick(parsed, facts)
            if picked:
                chosen.append((doc, picked, note))
        if not chosen:
            basis = KIND_LABELS[parsed.basis or "budget"]
            nearest = [f for _, facts in by_doc for f in facts]
            return self._none(q, f"所选文件中没有{self._what(parsed)}的{basis}数", nearest)
        if len(chosen) > 1:
            chosen = self._narrow(parsed, chosen)
        if len(chosen) > 1:
            return self._several(parsed, chosen)
        doc, facts, note = chosen[0]
        fact = self._preferred(parsed, doc, facts)
        return self._single(parsed, fact, note, also=[f for f in facts if f is not fact])

    def _narrow(self, parsed: ParsedQuestion, chosen: list[tuple[DocRef, list[Fact], str]]):
        """Several documents answer: one unit over years → the latest; a unit's budget and
        final account → the asked basis, else the budget."""
        units = {doc.unit for doc, _, _ in chosen}
        if len(units) == 1 and not parsed.years:
            latest = max(doc.year or 0 for doc, _, _ in chosen)
            chosen = [c for c in chosen if (c[0].year or 0) == latest]
        if len({doc.unit for doc, _, _ in chosen}) == 1 and len(chosen) > 1:
            kind = parsed.basis or "budget"
            preferred = [c for c in chosen if c[0].kind == kind]
            chosen = preferred or chosen[:1]
        return chosen

    def _preferred(self, parsed: ParsedQuestion, doc: DocRef, facts: list[Fact]) -> Fact:
        order = {"form": 0, "indicator": 0, "self_evaluation": 1, "table": 1, "line_item": 2, "derived": 2,
                 "sentence": 3}
        kind_match = [f for f in facts if f.basis == (parsed.basis or doc.kind)] or facts
        return sorted(kind_match, key=lambda f: order.get(f.source, 5))[0]

    def _what(self, parsed: ParsedQuestion) -> str:
        measure = parsed.measure
        if measure is None:
            return "所问内容"
        if measure.kind == "metric":
            return METRIC_LABELS.get(measure.key or "", measure.words)
        words = parsed.item_text or measure.words
        if measure.kind == "self_evaluation" and parsed.metric is not None:
            return f"{METRIC_LABELS.get(parsed.metric.key or '', parsed.metric.words)}的{measure.label}"
        if measure.kind == "self_evaluation":
            return f"“{words}”的{measure.label}" if words else measure.label
        if measure.kind == "form":
            return f"“{words}”的{measure.label}"
        return f"“{words}”" if words else "所问项目"

    def _not_found(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        """Nothing in the selected documents: say where else the measure is, if anywhere."""
        where = "、".join(sorted({f"{d.unit}{d.year}年{d.kind_label}" for d in docs}))
        asked = {d.doc_id for d in docs}
        others = [d for d in self.catalog.docs if d.doc_id not in asked]
        nearest = self._facts_any(parsed, others) if others and parsed.measure else []
        if not nearest and parsed.measure and parsed.measure.kind != "metric":
            nearest = self._nearest_search(parsed, docs)
        return self._none(parsed.question, f"{where}中没有{self._what(parsed)}", nearest)

    def _subject(self, fact: Fact) -> str:
        doc = fact.doc
        return f"{doc.unit}{doc.year}年{self._basis_word(fact)}"

    @staticmethod
    def _basis_word(fact: Fact) -> str:
        if fact.source in ("form", "indicator"):
            return "预算"
        return KIND_LABELS.get(fact.basis or fact.doc.kind or "", "")

    def _cite(self, fact: Fact) -> str:
        first = fact.evidence[0]
        where = first.location.get("table") or first.location.get("form") or first.heading or "情况说明"
        line = first.location.get("line")
        page = first.location.get("page")
        place = f"第{page}页" if page else (f"第{line}行" if line else "")
        if first.location.get("form"):
            where = f"绩效目标表《{where}》"
        elif first.location.get("table"):
            where = f"《{where}》"
        else:
            where = f"情况说明“{where}”"
        return f"见{where}{place}"

    def _single(self, parsed: ParsedQuestion, fact: Fact, note: str = "", also: list[Fact] | None = None) -> Answer:
        evidence = list(fact.evidence)
        for other in also or []:
            for e in other.evidence:
                if all(e.location != x.location for x in evidence):
                    evidence.append(e)
        sentence = self._sentence_for(parsed, fact)
        extra = self._also_text(fact, also or [])
        text = f"{sentence}{extra}{note}，{self._cite(fact)}。"
        value = json_number(fact.value) if isinstance(fact.value, Decimal) else fact.value
        unit = fact.unit or None
        return Answer(parsed.question, True, text, value, unit, evidence, rows=[fact.row()])

    def _sentence_for(self, parsed: ParsedQuestion, fact: Fact) -> str:
        subject = self._subject(fact)
        if fact.source == "indicator":
            project, indicator = fact.label.split("·", 1)
            return f"{fact.doc.unit}{fact.doc.year}年“{project}”绩效目标表中“{indicator}”的指标值为{fact.display}"
        if fact.source in ("form", "line_item") or (fact.source == "self_evaluation" and fact.unit == "元"):
            what = fact.note if fact.source == "self_evaluation" else ""
            verb = "安排" if fact.basis == "budget" else "支出"
            if fact.source == "self_evaluation":
                return f"{fact.doc.unit}{fact.doc.year}年“{fact.label}”{what}为{fact.display}"
            if parsed.measure and parsed.measure.kind == "form":
                return (f"{fact.doc.unit}{fact.doc.year}年“{fact.label}”绩效目标表中"
                        f"{parsed.measure.label}为{fact.display}")
            return f"{subject}“{fact.label}”{verb}{fact.display}"
        if fact.source == "self_evaluation":
            return f"{fact.doc.unit}{fact.doc.year}年“{fact.label}”的{self._measure_label(parsed)}为{fact.display}"
        if fact.unit in COUNT_UNITS.values() and fact.source != "derived":
            return f"{fact.doc.unit}{fact.doc.year}年{fact.label}为{fact.display}"
        note = f"（{fact.note}）" if fact.note and fact.source == "derived" else ""
        if fact.unit == "%":
            return f"{fact.doc.unit}{fact.doc.year}年{fact.label}为{fact.display}"
        return f"{subject}{fact.label}为{fact.display}{note}"

    @staticmethod
    def _measure_label(parsed: ParsedQuestion) -> str:
        return parsed.measure.label if parsed.measure else ""

    def _also_text(self, fact: Fact, also: list[Fact]) -> str:
        """The other figures worth a mention: the same figure stated in 情况说明, the 决算 of a
        预算 (or the reverse) in the same document."""
        parts = []
        for other in also:
            if other.doc.doc_id != fact.doc.doc_id:
                continue
            if other.basis != fact.basis and other.unit == fact.unit == "元" and other.source != "sentence":
                parts.append(f"{KIND_LABELS.get(other.basis or '', '')}数{format_yuan_as_wan(other.value)}")
        for e in fact.evidence[1:]:
            if not e.location.get("table") and not e.location.get("form") and e.location.get("line"):
                line = e.location["line"]
                if "此处为" in e.excerpt:
                    parts.append(f"情况说明第{line}行{e.excerpt[e.excerpt.find('此处为'):].strip('（）')}")
                else:
                    parts.append(f"情况说明第{line}行所述相同")
                break
        return f"（{'；'.join(parts)}）" if parts else ""

    def _several(self, parsed: ParsedQuestion, chosen: list[tuple[DocRef, list[Fact], str]]) -> Answer:
        facts = [self._preferred(parsed, doc, fs) for doc, fs, _ in chosen]
        shown = "；".join(f"{self._subject(f)}{f.label}{f.display}" for f in facts)
        who = parsed.unit_text or "问题"
        text = f"“{who}”可对应{len(facts)}个文件：{shown}。请写明单位全称或年度以确定其一。"
        evidence = [e for f in facts for e in f.evidence[:1]]
        return Answer(parsed.question, True, text, None, facts[0].unit or None, evidence,
                      rows=[f.row() for f in facts])

    # -------------------------------------------------------------------- count

    def _count(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        measure = parsed.measure
        if measure and measure.kind == "metric":
            return self._value(parsed, docs)
        if measure and measure.kind == "item" and name_key(measure.words or "项目") in ("项目", ""):
            return self._count_projects(parsed, docs)
        return self._value(parsed, docs)

    def _count_projects(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        if len({d.unit for d in docs}) != 1:
            return self._ranking(parsed, docs) if parsed.qtype == "ranking" else self._none(
                parsed.question, "请写明单位：项目个数按单位统计")
        doc = sorted(docs, key=lambda d: d.year or 0)[-1]
        hits = self._all_projects(doc)
        if not hits:
            return self._none(parsed.question, f"{doc.unit}{doc.year}年{doc.kind_label}中没有项目支出表或项目自评表")
        tables: dict[str, int] = {}
        for hit in hits:
            tables[hit.location.get("table") or hit.record_type] = tables.get(hit.location.get("table") or "", 0) + 1
        detail = "，".join(f"《{t}》{n}个" for t, n in tables.items())
        text = (f"{doc.unit}{doc.year}年{doc.kind_label}列出的项目共{len(hits)}个（{detail}），"
                f"见{'、'.join(f'《{t}》' for t in tables)}。")
        evidence = [self._hit_evidence(h) for h in hits[:5]]
        return Answer(parsed.question, True, text, len(hits), "个", evidence,
                      rows=[{"name": h.name, "amount_yuan": json_number(h.amount_yuan), "group": h.group,
                             "location": h.location} for h in hits])

    def _all_projects(self, doc: DocRef) -> list[Hit]:
        hits: list[Hit] = []
        for record_type, extra in (("line_item", {"table_kind": PROJECT_TABLES}), ("self_evaluation", {})):
            page = 1
            while True:
                request = SearchRequest(filters={"record_type": [record_type], "doc_id": [doc.doc_id], **extra},
                                        include_subtotals=False, limit=100, page=page, sort="amount", facets=())
                result = self.backend.search(request)
                hits.extend(h for h in result.hits if "整体" not in (h.name or ""))
                if page * 100 >= result.total:
                    break
                page += 1
            if hits:
                break
        hits.sort(key=lambda h: (h.location.get("line") or 0, h.location.get("row") or 0))
        return hits

    # -------------------------------------------------------------------- change

    def _change(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        measure = parsed.measure
        key = measure.key if measure and measure.kind == "metric" else None
        units = sorted({d.unit for d in docs if d.unit})
        if len(units) != 1:
            return self._none(parsed.question, "请写明单位：比上年变化按单位回答")
        unit = units[0]
        docs = sorted(docs, key=lambda d: (d.year or 0, d.kind != (parsed.basis or "budget")), reverse=False)
        doc = docs[-1] if not parsed.years else next((d for d in docs if d.year == max(parsed.years)), docs[-1])
        same_kind = [d for d in docs if d.kind == doc.kind and d.year == doc.year]
        doc = same_kind[0] if same_kind else doc
        # 1. the document states it: 收入总计比上年增加… (yoy_change).
        if key in (None, "income_total", "expenditure_total"):
            for fact in self.metric_facts("yoy_change", doc):
                sentence = f"{doc.unit}{doc.year}年{doc.kind_label}收支总计比上年{signed_money_text(fact.value)}"
                return Answer(parsed.question, True, f"{sentence}，{self._cite(fact)}。",
                              json_number(fact.value), "元", fact.evidence, rows=[fact.row()])
        if key is None:
            if measure and measure.kind == "item":
                return self._change_by_years(parsed, unit, doc, None)
            return self._none(parsed.question, "未能识别要比较的指标")
        # 2. both years are indexed: the difference of two cited figures.
        previous = [d for d in self.catalog.select([unit], [(doc.year or 0) - 1]) if d.kind == doc.kind]
        if previous:
            answer = self._change_by_years(parsed, unit, doc, previous[0])
            if answer is not None:
                return answer
        # 3. 情况说明 states the change in a sentence: “三公”经费预算4.00万元比2023年减少7.00万元.
        stated = self._stated_change(key, doc)
        if stated is not None:
            stated.question = parsed.question
            return stated
        current = self.metric_facts(key, doc)
        label = METRIC_LABELS.get(key, key)
        reason = f"索引中没有{unit}{(doc.year or 0) - 1}年的文件，{doc.year}年文件也未说明{label}比上年的变化"
        return self._none(parsed.question, reason, current)

    def _change_by_years(self, parsed: ParsedQuestion, unit: str, doc: DocRef,
                         previous: DocRef | None) -> Answer | None:
        if previous is None:
            previous = next((d for d in self.catalog.select([unit], [(doc.year or 0) - 1]) if d.kind == doc.kind), None)
        if previous is None:
            return self._none(parsed.question, f"索引中没有{unit}{(doc.year or 0) - 1}年的{doc.kind_label}文件可供比较",
                              self.facts(parsed, doc))
        now = [f for f in self.facts(parsed, doc) if f.unit == "元" and f.basis == doc.kind]
        before = [f for f in self.facts(parsed, previous) if f.unit == "元" and f.basis == previous.kind]
        if not now or not before:
            return None
        a = self._preferred(parsed, doc, now)
        b = self._preferred(parsed, previous, before)
        diff = a.value - b.value
        text = (f"{unit}{doc.year}年{doc.kind_label}{a.label}{format_yuan_as_wan(a.value)}，比{previous.year}年"
                f"（{format_yuan_as_wan(b.value)}）{signed_money_text(diff)}，{self._cite(a)}；上年{self._cite(b)[1:]}。")
        return Answer(parsed.question, True, text, json_number(diff), "元", a.evidence + b.evidence,
                      rows=[a.row(), b.row()])

    _CHANGE_RE = re.compile(
        r"(?:比|较|与|同)(上年度?|上一年度?|去年|(?P<year>\d{4})年度?)(?:同口径|同期|预算数?|决算数?|相比|比较|,)*"
        r"(?P<word>增加|减少|增长|下降|持平|相同|一致|不变|基本持平)(?P<num>\d[\d,]*(?:\.\d+)?)?(?P<unit>万元|元)?")

    def _stated_change(self, key: str, doc: DocRef) -> Answer | None:
        words = sorted({normalize(w) for m in METRIC_WORDS if m.key == key for w in m.words if len(w) >= 3}
                       | {normalize(METRIC_LABELS.get(key, key))}, key=len, reverse=True)
        for section in self.parse_json(doc.doc_id).get("sections", []):
            for clause in re.split(r"[。；;\n]", section.get("text") or ""):
                norm = normalize(clause)
                position = min((norm.find(w) for w in words if w in norm), default=-1)
                if position < 0:
                    continue
                match = self._CHANGE_RE.search(norm, position)
                if not match:
                    continue
                if match.group("year") and int(match.group("year")) != (doc.year or 0) - 1:
                    continue
                # Another measure named between the label and the change belongs to it.
                between = norm[position:match.start()]
                if any(w in between for m in METRIC_WORDS if m.key != key for w in m.words if len(w) >= 4
                       and w not in "".join(words)):
                    continue
                word = match.group("word")
                if word in ("持平", "相同", "一致", "不变") and not match.group("num"):
                    diff = Decimal(0)
                elif match.group("num") and match.group("unit"):
                    number = Decimal(match.group("num").replace(",", ""))
                    diff = number * (10000 if match.group("unit") == "万元" else 1)
                    if word in ("减少", "下降"):
                        diff = -diff
                else:
                    continue
                heading = (section.get("heading_path") or [None])[-1]
                evidence = self._evidence(doc, section.get("location") or {}, clause.strip(), heading)
                label = METRIC_LABELS.get(key, key)
                text = (f"{doc.unit}{doc.year}年{doc.kind_label}{label}比上年{signed_money_text(diff)}，"
                        f"见情况说明“{heading}”（{location_text(evidence.location)}）：“{clause.strip()}”。")
                fact = Fact(diff, "元", doc.kind, f"{label}比上年增减", doc, [evidence], signed_money_text(diff),
                            "sentence")
                return Answer("", True, text, json_number(diff), "元", [evidence], rows=[fact.row()])
        return None

    # -------------------------------------------------------------------- share

    _SHARE_RE = re.compile(r"占(?:[^，,。；;\d]{0,12}?的?)?(?:比[例重]?为?)?(?P<pct>\d+(?:\.\d+)?)%")

    def _share(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        """占比: only as the document states it (情况说明: 项目支出206.5万元，占11.04%)."""
        measure = parsed.measure
        key = measure.key if measure and measure.kind == "metric" else None
        if key is None:
            return self._none(parsed.question, "占比只按文件情况说明中写明的指标回答，未能识别所问指标")
        for doc in sorted(docs, key=lambda d: d.year or 0, reverse=True):
            words = sorted({normalize(w) for m in METRIC_WORDS if m.key == key for w in m.words if len(w) >= 3}
                           | {normalize(METRIC_LABELS.get(key, key))}, key=len, reverse=True)
            for section in self.parse_json(doc.doc_id).get("sections", []):
                for clause in re.split(r"[。；;\n]", section.get("text") or ""):
                    for piece in re.split(r"(?<=%)[，,]", clause):
                        norm = normalize(piece)
                        position = next((norm.find(w) for w in words if w in norm), -1)
                        if position < 0:
                            continue
                        match = self._SHARE_RE.search(norm, position)
                        if not match or len(norm[position:match.start()]) > 40:
                            continue
                        value = Decimal(match.group("pct"))
                        heading = (section.get("heading_path") or [None])[-1]
                        evidence = self._evidence(doc, section.get("location") or {}, piece.strip(), heading)
                        label = METRIC_LABELS.get(key, key)
                        text = (f"{doc.unit}{doc.year}年{doc.kind_label}{label}占{percent_text(value)}，"
                                f"见情况说明“{heading}”（{location_text(evidence.location)}）：“{piece.strip()}”。")
                        return Answer(parsed.question, True, text, json_number(value), "%", [evidence])
        current = [f for d in docs for f in self.metric_facts(key, d)]
        return self._none(parsed.question, f"文件未写明{METRIC_LABELS.get(key, key)}的占比", current)

    # -------------------------------------------------------------------- ranking

    def _ranking(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        subject = parsed.subject or "unit"
        if subject == "item":
            return self._rank_items(parsed, docs)
        facts = self.preferred_facts(parsed, docs)
        if subject == "unit":
            best: dict[str, Fact] = {}
            for fact in facts:  # one figure per unit: the latest year asked
                current = best.get(fact.doc.unit or "")
                if current is None or (fact.doc.year or 0) > (current.doc.year or 0):
                    best[fact.doc.unit or ""] = fact
            facts = list(best.values())
        if not facts:
            return self._not_found(parsed, docs)
        facts.sort(key=lambda f: f.value, reverse=parsed.descending)
        top = facts[0]
        word = "最多" if parsed.descending else "最少"
        scope = "、".join(map(str, parsed.years)) + "年" if parsed.years else ""
        if subject == "year":
            head = f"{top.doc.unit}{top.label}{word}的是{top.doc.year}年（{self._basis_word(top)}{top.display}）"
        else:
            figure = f"{top.doc.year}年{self._basis_word(top)}{top.display}"
            head = f"{scope}{top.label}{word}的单位是{top.doc.unit}（{figure}）"
        tied = [f.doc.unit for f in facts[1:] if f.value == top.value]
        if tied:
            more = f"等{len(tied)}个单位" if len(tied) > RANKING_SHOWN else ""
            head += f"（与{'、'.join(tied[:RANKING_SHOWN])}{more}并列）"
        if len(facts) == 1:
            head += "，索引中只有这一个可比的文件"
        # The first RANKING_SHOWN in the sentence (and cited); every one in `rows`.
        shown = facts[:RANKING_SHOWN]
        rest = "、".join(f"{f.doc.unit}（{f.doc.year}年{self._basis_word(f)}{self._short(f)}）" for f in shown[1:])
        if rest:
            head += f"，其后依次为{rest}"
            if len(facts) > len(shown):
                head += f"等{len(facts)}个{'单位' if subject == 'unit' else ''}"
        mixed = len({f.basis for f in facts}) > 1
        if mixed:
            head += "（预算数与决算数口径不同，仅供参考）"
        text = f"{head}；{top.doc.unit}的数字{self._cite(top)}。"
        value = json_number(top.value)
        return Answer(parsed.question, True, text, value, top.unit, [e for f in shown for e in f.evidence[:1]],
                      rows=[f.row() for f in facts])

    @staticmethod
    def _short(fact: Fact) -> str:
        if fact.unit == "元":
            return format_yuan_as_wan(fact.value)
        return fact.display

    def _evaluation_hits(self, docs: list[DocRef]) -> list[Hit]:
        scoped = [d.doc_id for d in docs if d.kind == "final_account"]
        if not scoped:
            return []
        request = SearchRequest(filters={"record_type": ["self_evaluation"], "doc_id": scoped}, limit=100, facets=())
        return [h for h in self.backend.search(request).hits if "整体" not in (h.name or "")]

    @staticmethod
    def _evaluation_value(hit: Hit, key: str) -> Decimal | None:
        raw = {"execution_rate": hit.payload.get("execution_rate"), "score": hit.payload.get("score"),
               "budget": hit.payload.get("budget_yuan"), "executed": hit.amount_yuan}.get(key)
        return None if raw is None else Decimal(str(raw))

    def _rank_evaluations(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        key = parsed.measure.key or "executed"
        label = SELF_EVALUATION_LABELS.get(key, key)
        unit = {"execution_rate": "%", "score": "分"}.get(key, "元")
        hits = [h for h in self._evaluation_hits(docs) if self._evaluation_value(h, key) is not None]
        threshold = parsed.threshold
        if threshold is not None:
            hits = [h for h in hits if threshold.accepts(self._evaluation_value(h, key))]
        hits.sort(key=lambda h: self._evaluation_value(h, key), reverse=parsed.descending)
        if parsed.qtype == "list":
            word = {">": "高于", ">=": "不低于", "<": "低于", "<=": "不高于"}[threshold.op] if threshold else ""
            bound = f"{word}{threshold.yuan.normalize():f}{'%' if threshold.percent else '元'}" if threshold else ""
            shown = "、".join(f"{h.name}（{self._evaluation_display(h, key)}）" for h in hits)
            text = (f"{label}{bound}的项目共{len(hits)}个" + (f"：{shown}" if hits else "")
                    + "（据项目单位自评汇总表）。")
            return Answer(parsed.question, True, text, len(hits), "个", [self._hit_evidence(h) for h in hits],
                          rows=[self._hit_row(h) for h in hits])
        if not hits:
            return self._not_found(parsed, docs)
        top = hits[0]
        word = "最高" if parsed.descending else "最低"
        rest = "、".join(f"{h.name}（{self._evaluation_display(h, key)}）" for h in hits[1:4])
        tied = [h.name for h in hits[1:] if self._evaluation_value(h, key) == self._evaluation_value(top, key)]
        text = (f"{top.unit}{top.year}年{label}{word}的项目是“{top.name}”"
                + (f"（与“{'”“'.join(tied)}”并列）" if tied else "") + f"，{self._evaluation_display(top, key)}"
                + (f"，其后为{rest}" if rest else "") + f"；{self._where(top)}。")
        return Answer(parsed.question, True, text, json_number(self._evaluation_value(top, key)), unit,
                      [self._hit_evidence(h) for h in hits[:4]], rows=[self._hit_row(h) for h in hits])

    def _evaluation_display(self, hit: Hit, key: str) -> str:
        value = self._evaluation_value(hit, key)
        if key == "execution_rate":
            return percent_text(value)
        if key == "score":
            return f"{value.normalize():f}分"
        return format_yuan_as_wan(value)

    def _rank_items(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        if parsed.measure and parsed.measure.kind == "self_evaluation":
            return self._rank_evaluations(parsed, docs)
        hits = self._project_hits(parsed, docs, sort="-amount" if parsed.descending else "amount", limit=10)
        if not hits:
            return self._not_found(parsed, docs)
        top = hits[0]
        word = "最多" if parsed.descending else "最少"
        scope = "、".join(sorted({f"{self.doc_ref(h.doc_id).unit}{h.year}年" for h in hits}))
        rest = "、".join(f"{h.name}（{format_yuan_as_wan(h.amount_yuan)}）" for h in hits[1:4])
        tied = [h.name for h in hits[1:] if h.amount_yuan == top.amount_yuan]
        text = (f"{scope}金额{word}的项目是“{top.name}”" + (f"（与“{'”“'.join(tied)}”并列）" if tied else "")
                + f"，{money_text(top.amount_yuan, self._own_unit(top))}"
                + (f"，其后为{rest}" if rest else "") + f"；{self._where(top)}。")
        return Answer(parsed.question, True, text, json_number(top.amount_yuan), "元",
                      [self._hit_evidence(h) for h in hits[:4]], rows=[self._hit_row(h) for h in hits])

    @staticmethod
    def _where(hit: Hit) -> str:
        return f"见《{hit.location.get('table') or hit.location.get('form') or ''}》第{hit.location.get('line')}行"

    def _hit_row(self, hit: Hit) -> dict[str, Any]:
        return {"unit": hit.unit, "year": hit.year, "kind": hit.kind, "name": hit.name, "group": hit.group,
                "record_type": hit.record_type, "value": json_number(hit.amount_yuan), "value_unit": "元",
                "doc_id": hit.doc_id, "location": hit.location, "location_text": location_text(hit.location)}

    def _project_hits(self, parsed: ParsedQuestion, docs: list[DocRef], sort: str, limit: int) -> list[Hit]:
        """Project rows (项目支出预算表) of budget documents and project self-evaluations of
        final accounts, optionally within an amount range and matching the item words."""
        words = [w for w in parsed.item_words if name_key(w) not in ("项目", "项目支出", "支出", "金额", "资金")]
        text = TextQuery()
        if words:
            groups = [g for w in words for g in self._query_terms(w)]
            text = TextQuery(required=tuple(groups))
        threshold = parsed.threshold
        hits: list[Hit] = []
        for record_type, extra in (("line_item", {"table_kind": PROJECT_TABLES}), ("self_evaluation", {})):
            kinds = {"line_item": ["budget"], "self_evaluation": ["final_account"]}[record_type]
            if parsed.basis and parsed.basis not in kinds:
                continue
            scoped = [d.doc_id for d in docs if d.kind in kinds]
            if not scoped:
                continue
            request = SearchRequest(text=text, filters={"record_type": [record_type], "doc_id": scoped, **extra},
                                    include_subtotals=False, sort=sort, limit=100, facets=())
            if threshold is not None:
                if threshold.op in (">", ">="):
                    request.min_amount, request.min_inclusive = threshold.yuan, threshold.op == ">="
                else:
                    request.max_amount, request.max_inclusive = threshold.yuan, threshold.op == "<="
            page = 1
            while True:
                request.page = page
                result = self.backend.search(request)
                hits.extend(h for h in result.hits if h.amount_yuan is not None and "整体" not in (h.name or ""))
                if page * 100 >= result.total or page >= 20:
                    break
                page += 1
        hits.sort(key=lambda h: h.amount_yuan, reverse=sort == "-amount")
        return hits[:limit] if limit else hits

    # -------------------------------------------------------------------- list

    def _list(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        threshold = parsed.threshold
        if (parsed.measure and parsed.measure.kind == "self_evaluation") or (threshold and threshold.percent):
            if parsed.measure is None or parsed.measure.kind != "self_evaluation":
                parsed.measure = Measure("self_evaluation", "execution_rate", "预算执行率", "")
            return self._rank_evaluations(parsed, docs)
        if parsed.subject == "unit" or (parsed.measure and parsed.measure.kind == "metric"
                                        and parsed.measure.key != "project_expenditure"):
            return self._list_units(parsed, docs)
        hits = self._project_hits(parsed, docs, sort="-amount", limit=0)
        bound = self._bound_text(parsed)
        scope = "、".join(sorted({f"{d.unit}{d.year}年{d.kind_label}" for d in docs}))
        if not hits:
            return Answer(parsed.question, True, f"{scope}中没有{bound}的项目（按项目支出预算表与项目自评表统计）。",
                          0, "个", [], rows=[])
        groups: dict[tuple[str, int], list[Hit]] = {}
        for hit in hits:
            groups.setdefault((hit.unit or "", hit.year or 0), []).append(hit)
        parts = []
        for (unit, year), items in groups.items():
            shown = "、".join(f"{h.name}{format_yuan_as_wan(h.amount_yuan)}" for h in items[:12])
            more = f"等{len(items)}个" if len(items) > 12 else ""
            parts.append(f"{unit}{year}年：{shown}{more}")
        note = "（决算按自评表全年执行数）" if any(h.record_type == "self_evaluation" for h in hits) else ""
        text = f"{bound}的项目共{len(hits)}个{note}——" + "；".join(parts) + "。"
        return Answer(parsed.question, True, text, len(hits), "个", [self._hit_evidence(h) for h in hits],
                      rows=[self._hit_row(h) for h in hits])

    def _bound_text(self, parsed: ParsedQuestion) -> str:
        threshold = parsed.threshold
        if threshold is None:
            return ""
        word = {">": "超过", ">=": "不少于", "<": "低于", "<=": "不超过"}[threshold.op]
        return f"金额{word}{format_yuan_as_wan(threshold.yuan).replace('.00万元', '万元')}"

    def _list_units(self, parsed: ParsedQuestion, docs: list[DocRef]) -> Answer:
        facts = self.preferred_facts(parsed, docs)
        if not facts:
            return self._not_found(parsed, docs)
        threshold = parsed.threshold
        kept = [f for f in facts if threshold is None or threshold.accepts(f.value)]
        kept.sort(key=lambda f: f.value, reverse=True)
        label = facts[0].label
        bound = self._bound_text(parsed).replace("金额", "")
        if not kept:
            text = f"没有单位的{label}{bound}（共比较{len(facts)}个文件）。"
        else:
            shown = "、".join(f"{f.doc.unit}（{f.doc.year}年{self._basis_word(f)}{self._short(f)}）" for f in kept)
            text = f"{label}{bound}的有{len(kept)}个：{shown}。"
        return Answer(parsed.question, True, text, len(kept), "个", [e for f in kept for e in f.evidence[:1]],
                      rows=[f.row() for f in kept])
