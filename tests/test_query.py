"""The query language: what people type in one search box → a structure, never syntax."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from indexer.parsers.catalog import KIND_BY_KEY
from indexer.query import FILTER_KEYS, AmountBound, ParsedQuery, QueryError, Term, parse_query, typed_year
from indexer.records import RECORD_TYPES

W = Term  # a word
Y = Decimal


def P(text: str) -> Term:  # a phrase
    return Term(text, phrase=True)


def NOT(text: str, phrase: bool = False) -> Term:
    return Term(text, phrase=phrase, negated=True)


def ge(yuan) -> AmountBound:
    return AmountBound(Y(yuan), True)


def gt(yuan) -> AmountBound:
    return AmountBound(Y(yuan), False)


def Q(terms=(), filters=None, low=None, high=None) -> ParsedQuery:
    return ParsedQuery(list(terms), dict(filters or {}), low, high)


# ------------------------------------------------------------------ every construct

@pytest.mark.parametrize("text, expected", [
    # words
    ("培训费", Q([W("培训费")])),
    ("培训费 公务用车", Q([W("培训费"), W("公务用车")])),
    ("  培训费\u3000\t公务用车\n", Q([W("培训费"), W("公务用车")])),
    ("培训费 培训费", Q([W("培训费")])),                       # duplicates collapse
    # phrases, in ASCII and Chinese quotes
    ('"上年结转"', Q([P("上年结转")])),
    ("“一般公共预算”", Q([P("一般公共预算")])),
    ("「办公费」 『印刷费』", Q([P("办公费"), P("印刷费")])),
    ('"机关  运行 经费"', Q([P("机关 运行 经费")])),          # spaces inside squashed
    ('培训 "上年结转" 会议', Q([W("培训"), P("上年结转"), W("会议")])),
    ("＂上年结转＂", Q([P("上年结转")])),                       # full-width ASCII quote
    # a quoted part glued to text stays one word (the documents write “三公”经费)
    ("“三公”经费", Q([W("“三公”经费")])),
    # exclusion
    ("-公务接待费", Q([NOT("公务接待费")])),
    ('-"上年结转"', Q([NOT("上年结转", phrase=True)])),
    ("培训费 -“上年结转”", Q([W("培训费"), NOT("上年结转", phrase=True)])),
    ("--公务接待费", Q([NOT("公务接待费")])),
    ("培训费 - 会议费", Q([W("培训费"), W("会议费")])),       # a lone dash excludes nothing
    ("COVID-19", Q([W("COVID-19")])),                          # a dash inside a word is text
    # field filters
    ("单位:晋城市财政局", Q(filters={"unit": ["晋城市财政局"]})),
    ("单位：晋城市财政局", Q(filters={"unit": ["晋城市财政局"]})),  # full-width colon
    ('单位:"大同市云冈区人民政府办公室"', Q(filters={"unit": ["大同市云冈区人民政府办公室"]})),
    ("单位:“晋城市 财政局”", Q(filters={"unit": ["晋城市 财政局"]})),
    ("单位: 晋城市财政局 培训费", Q([W("培训费")], {"unit": ["晋城市财政局"]})),
    ("部门:晋城市财政局", Q(filters={"unit": ["晋城市财政局"]})),
    ("unit:晋城市财政局", Q(filters={"unit": ["晋城市财政局"]})),
    ("年度:2023", Q(filters={"year": ["2023"]})),
    ("年度:2023年", Q(filters={"year": ["2023"]})),
    ("年度：２０２３年度", Q(filters={"year": ["2023"]})),
    ("year:2024", Q(filters={"year": ["2024"]})),
    ("年度:2021-2023", Q(filters={"year": ["2021", "2022", "2023"]})),
    ("年度:2022|2023", Q(filters={"year": ["2022", "2023"]})),
    ("年度:2022 年度:2023 年度:2022", Q(filters={"year": ["2022", "2023"]})),
    ("类型:预算", Q(filters={"kind": ["budget"]})),
    ("类型:决算", Q(filters={"kind": ["final_account"]})),
    ("类型:预算|决算", Q(filters={"kind": ["budget", "final_account"]})),
    ("kind:final_account", Q(filters={"kind": ["final_account"]})),
    ("KIND:Budget", Q(filters={"kind": ["budget"]})),
    ("地区:晋城", Q(filters={"region": ["晋城"]})),
    ("region:山西省", Q(filters={"region": ["山西省"]})),
    ("地区:晋城 地区:大同", Q(filters={"region": ["晋城", "大同"]})),
    ("记录:项目", Q(filters={"type": ["line_item"]})),
    ("记录:表格", Q(filters={"type": ["table"]})),
    ("记录:绩效目标表", Q(filters={"type": ["form"]})),
    ("记录:章节", Q(filters={"type": ["section"]})),
    ("记录:指标", Q(filters={"type": ["metric"]})),
    ("记录:自评", Q(filters={"type": ["self_evaluation"]})),
    ("记录:表内行", Q(filters={"type": ["line_item"]})),
    ("type:form", Q(filters={"type": ["form"]})),
    ("type:self_evaluation", Q(filters={"type": ["self_evaluation"]})),
    ("表:项目支出", Q(filters={"table_kind": ["project_expenditure"]})),
    ("表:上年结转", Q(filters={"table_kind": ["project_carryover"]})),
    ("表:项目支出预算表（上年结转）", Q(filters={"table_kind": ["project_carryover"]})),
    ("表:三公经费", Q(filters={"table_kind": ["three_public", "final_three_public"]})),
    ("table:project_carryover", Q(filters={"table_kind": ["project_carryover"]})),
    ("table_kind:budget_summary", Q(filters={"table_kind": ["budget_summary"]})),
    ("培训费 单位:晋城市财政局 年度:2023 类型:预算 地区:晋城 记录:项目 表:项目支出",
     Q([W("培训费")], {"unit": ["晋城市财政局"], "year": ["2023"], "kind": ["budget"], "region": ["晋城"],
                       "type": ["line_item"], "table_kind": ["project_expenditure"]})),
    # unknown field names are words; empty field values are ignored
    ("时间:上午", Q([W("时间:上午")])),
    ("foo:bar", Q([W("foo:bar")])),
    ("单位 :晋城", Q([W("单位"), W(":晋城")])),               # the colon must touch the name
    ("单位:", Q()),
    ("培训费 年度:", Q([W("培训费")])),
    ('单位:""', Q()),
    # amounts with comparators, in any money unit
    ("金额>=100万", Q(low=ge(1_000_000))),
    ("金额≥100万", Q(low=ge(1_000_000))),
    ("金额⩾100万", Q(low=ge(1_000_000))),
    ("金额＞＝100万", Q(low=ge(1_000_000))),
    ("金额>1万元", Q(low=gt(10_000))),
    ("金额＞1万元", Q(low=gt(10_000))),
    ("金额<=0.5亿", Q(high=ge(50_000_000))),
    ("金额≤0.5亿", Q(high=ge(50_000_000))),
    ("金额<500000", Q(high=gt(500_000))),
    ("金额＜1,870.92万元", Q(high=gt(Y("18709200")))),
    ("金额>=3千元", Q(low=ge(3000))),
    ("金额 >= 100万", Q(low=ge(1_000_000))),
    ("金额>= 100万", Q(low=ge(1_000_000))),
    ("amount>=100万", Q(low=ge(1_000_000))),
    ("金额=100万", Q(low=ge(1_000_000), high=ge(1_000_000))),
    ("金额:100万", Q(low=ge(1_000_000), high=ge(1_000_000))),
    ("金额:>=100万", Q(low=ge(1_000_000))),
    ("金额>=1000", Q(low=ge(1000))),                           # no unit: 元
    ("金额>=0", Q(low=ge(0))),
    # ranges (inclusive at both ends)
    ("10万-50万", Q(low=ge(100_000), high=ge(500_000))),
    ("金额:10万-50万", Q(low=ge(100_000), high=ge(500_000))),
    ("金额：10万～50万", Q(low=ge(100_000), high=ge(500_000))),
    ("金额:10万 - 50万", Q(low=ge(100_000), high=ge(500_000))),
    ('金额:"10万 - 50万"', Q(low=ge(100_000), high=ge(500_000))),
    ("10万 至 50万", Q(low=ge(100_000), high=ge(500_000))),
    ("10万到0.5亿", Q(low=ge(100_000), high=ge(50_000_000))),
    ("10-50万", Q(low=ge(100_000), high=ge(500_000))),        # the unit applies to both sides
    ("金额:1000-5000", Q(low=ge(1000), high=ge(5000))),
    ("2021-2023", Q([W("2021-2023")])),                        # no unit, no 金额: not an amount
    # bare comparators
    ("≥0.5亿", Q(low=ge(50_000_000))),
    (">=100万", Q(low=ge(1_000_000))),
    ("＞1万元", Q(low=gt(10_000))),
    ("<500", Q(high=gt(500))),
    ("≤ 20万", Q(high=ge(200_000))),
    # a comparator right after a word: the word AND the amount
    ("项目支出≥100万", Q([W("项目支出")], low=ge(1_000_000))),
    ("公务接待费>1万元", Q([W("公务接待费")], low=gt(10_000))),
    ("培训费<=5000", Q([W("培训费")], high=ge(5000))),
    ("培训费≥ 5万", Q([W("培训费")], low=ge(50_000))),
    ("培训费 ≥5万", Q([W("培训费")], low=ge(50_000))),
    # several amount conditions: all apply, the tighter bound wins, strict beats inclusive
    ("金额>76.1万 金额<=137万", Q(low=gt(761_000), high=ge(1_370_000))),
    ("金额>=10万 金额>=20万", Q(low=ge(200_000))),
    ("金额>=20万 金额>20万", Q(low=gt(200_000))),
    ("10万-50万 金额<30万", Q(low=ge(100_000), high=gt(300_000))),
    ("金额>=5万 金额<=5万", Q(low=ge(50_000), high=ge(50_000))),
    # everything together
    ('培训费 -"上年结转" 单位:晋城市财政局 年度:2023 项目支出≥100万',
     Q([W("培训费"), NOT("上年结转", True), W("项目支出")], {"unit": ["晋城市财政局"], "year": ["2023"]},
       low=ge(1_000_000))),
    # empty
    ("", Q()),
    ("   ", Q()),
])
def test_parses(text, expected):
    assert parse_query(text) == expected


def test_none_is_empty():
    assert parse_query(None).is_empty()  # type: ignore[arg-type]


def test_unbalanced_quotes_make_the_rest_a_phrase():
    assert parse_query('培训 "上年 结转') == Q([W("培训"), P("上年 结转")])
    assert parse_query("“三公经费") == Q([P("三公经费")])
    assert parse_query('"') == Q()
    assert parse_query('""') == Q()
    assert parse_query('-"') == Q()
    assert parse_query('单位:"大同市') == Q(filters={"unit": ["大同市"]})


# ------------------------------------------------------------------ errors name the part

@pytest.mark.parametrize("text, field", [
    ("金额>=abc", "金额"),
    ("金额>=-5万", "金额"),
    ("≥-5万", "金额"),
    ("金额>=1e999", "金额"),
    ("金额>=1e3", "金额"),
    ("金额>=10万元万", "金额"),
    ("金额>=", "金额"),
    ("金额>=1" + "0" * 20, "金额"),                      # beyond any budget
    ("培训费>1e999", "金额"),
    ("50万-10万", "金额"),                               # min > max
    ("金额:50万-10万", "金额"),
    ("金额>=100万 金额<=1万", "金额"),
    ("金额>5万 金额<5万", "金额"),                        # empty range
    ("金额>5万 金额<=5万", "金额"),
    ("年度:23", "年度"),
    ("年度:二〇二三", "年度"),
    ("年度:1989", "年度"),
    ("年度:2101", "年度"),
    ("年度:2023-2021", "年度"),
    ("year:abcd", "年度"),
    ("年度>=2021", "年度"),                               # years take 年度:2021-2023
    ("类型:年报", "类型"),
    ("kind:annual", "类型"),
    ("类型:预算|年报", "类型"),
    ("记录:row", "记录"),
    ("表:不存在的表", "表"),
    ("-单位:晋城", "单位"),                               # filters cannot be excluded
    ("-金额>5万", "金额"),
    ("-10万-50万", "金额"),
    ("x" * 501, "查询"),
])
def test_errors_name_the_part(text, field):
    with pytest.raises(QueryError) as error:
        parse_query(text)
    assert error.value.field == field
    assert str(error.value) and str(error.value) == error.value.message
    assert isinstance(error.value, ValueError)


def test_messages_are_chinese_and_helpful():
    with pytest.raises(QueryError, match="金额“abc”"):
        parse_query("金额>=abc")
    with pytest.raises(QueryError, match="不能为负数"):
        parse_query("金额>=-5万")
    with pytest.raises(QueryError, match="下限.*大于上限"):
        parse_query("50万-10万")
    with pytest.raises(QueryError, match="查询过长"):
        parse_query("培训费" * 200)
    with pytest.raises(QueryError) as error:
        parse_query("类型:年报")
    assert "预算" in str(error.value) and "决算" in str(error.value)
    assert "budget" in str(error.value) and "final_account" in str(error.value)


def test_max_length_is_a_parameter():
    assert parse_query("培训费" * 200, max_length=1000).terms == [W("培训费" * 200)]
    with pytest.raises(QueryError):
        parse_query("培训费 培训费", max_length=5)


def test_query_error_keeps_the_search_module_signature():
    error = QueryError("year", "年度无效")
    assert error.field == "year" and str(error) == "年度无效"


# ------------------------------------------------------------------ describe / is_empty

def test_is_empty():
    assert Q().is_empty()
    assert parse_query("").is_empty()
    assert not parse_query("培训").is_empty()
    assert not parse_query("年度:2023").is_empty()
    assert not parse_query("≥5万").is_empty()
    assert not parse_query("金额<5万").is_empty()
    assert ParsedQuery([], {"unit": []}, None, None).is_empty()


@pytest.mark.parametrize("text, described", [
    ("培训费 年度:2023 金额>=100万", "培训费；年度 2023；金额 ≥ 100万元"),
    ('培训费 "上年结转" -会议费 -“接待”', "培训费 “上年结转”；排除 会议费、“接待”"),
    ("类型:预算|决算 记录:项目 表:上年结转", "类型 预算 或 决算；记录 表内行；表 项目支出预算表（上年结转）"),
    ("单位:晋城市财政局 地区:晋城", "单位 晋城市财政局；地区 晋城"),
    ("公务接待费>1万元", "公务接待费；金额 > 1万元"),
    ("10万-0.5亿", "金额 ≥ 10万元 且 ≤ 5000万元"),
    ("金额<1.5亿", "金额 < 1.5亿元"),
    ("金额<=800", "金额 ≤ 800元"),
    ("金额:100万", "金额 = 100万元"),
    ("金额>=1,870.92万元", "金额 ≥ 1870.92万元"),
    ("", ""),
])
def test_describe(text, described):
    assert parse_query(text).describe() == described


# ------------------------------------------------------------------ hostile input is data

HOSTILE = ['"', '""', '"培训', "(", ")", "((培训费", "培训费)", "NEAR(培训 费)", "培训 NEAR 费", "NEAR/3", "*",
           "培*", "*培训*", ":", "::", "precise:培训", "recall : 费", "培训 OR 会议", "AND", "NOT 培训", "培训 AND NOT 会议",
           "- -", "-", "--", "^培训", "培训^2", "{precise}", "{", "}", "[", "]", "[培训", "(培训]", "\\", "\\\"", "%", "_",
           "' OR 1=1 --", "'; DROP TABLE records; --", "1; SELECT * FROM records", "\" OR \"\"=\"",
           "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;", "培训费" * 2000, "a" * 10_000,
           "\x00", "培\x00训", "\x01\x02\x1b[31m", "\u202e培训", "\u200b", "\ufeff培训", "\ud800", "😀", "👨‍👩‍👧 培训费",
           "金额", "金额:", "金额>", "≥", "<", ">", "=", "-金额", "单位:\"", "单位:“", "年度:", "类型:",
           "10万-", "-10万", "万", "亿元", "0.5", ".5万", "1e5", "NaN", "Infinity", "金额>=NaN", "金额>=Infinity",
           "title:培训 OR body:会议", "培训~", "培训~2", "+培训", "|", "||", "&&", "!", "/", "//", "\\*", "?",
           "“", "”", "「", "」", "『", "』", "“”", "「」", "”培训“", "」培训「", "\n\r\t", "\u3000"]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_words_phrases_or_a_query_error(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error) and error.field
        return
    _check_invariants(parsed)
    parsed.describe()
    parsed.to_text()


@pytest.mark.parametrize("text, expected", [
    ("NEAR(培训 费)", [W("NEAR(培训"), W("费)")]),
    ("培训 OR 会议", [W("培训"), W("OR"), W("会议")]),
    ("NOT 培训", [W("NOT"), W("培训")]),
    ("培*", [W("培*")]),
    ("' OR 1=1 --", [W("'"), W("OR"), W("1=1")]),
    ("<script>alert(1)</script>", [W("<script>alert(1)</script>")]),
    ("precise:培训", [W("precise:培训")]),
    ("recall : 费", [W("recall"), W(":"), W("费")]),
    ("培\x00训", [W("培"), W("训")]),                 # a control character separates
    ("\u202e培训", [W("培训")]),                      # a format character is dropped
    ("😀 培训费", [W("😀"), W("培训费")]),
    ("^培训", [W("^培训")]),
])
def test_operators_are_plain_words(text, expected):
    assert parse_query(text).terms == expected


def _check_invariants(parsed: ParsedQuery) -> None:
    assert isinstance(parsed, ParsedQuery)
    for term in parsed.terms:
        assert isinstance(term, Term)
        assert term.text and term.text == term.text.strip()
        assert "\x00" not in term.text
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in term.text)
        term.text.encode("utf-8")
    assert len(set(parsed.terms)) == len(parsed.terms)
    assert set(parsed.filters) <= set(FILTER_KEYS)
    for key, values in parsed.filters.items():
        assert values and all(isinstance(v, str) and v and v == v.strip() for v in values)
        if key == "year":
            assert all(v.isdigit() and 1990 <= int(v) <= 2100 for v in values)
        if key == "kind":
            assert set(values) <= {"budget", "final_account"}
        if key == "type":
            assert set(values) <= set(RECORD_TYPES)
        if key == "table_kind":
            assert set(values) <= set(KIND_BY_KEY)
    for bound in (parsed.min_amount, parsed.max_amount):
        if bound is not None:
            assert isinstance(bound.yuan, Decimal) and bound.yuan.is_finite()
            assert 0 <= bound.yuan <= Decimal("1e15")
    if parsed.min_amount and parsed.max_amount:
        assert parsed.min_amount.yuan <= parsed.max_amount.yuan


# ------------------------------------------------------------------ fuzzing

SYNTAX = list('"“”「」『』-—~～:：<>=≥≤＞＜＝|,、() *^\\\'') + [
    "金额", "单位", "年度", "类型", "地区", "记录", "表", "unit", "year", "kind", "type", "table", "amount",
    "预算", "决算", "万", "亿", "元", "万元", "千元", "至", "年", "培训费", "项目支出", "OR", "NEAR", "\x00", "\u202e",
    "2023", "1990", "0", "5", "0.5", "1,000", "1e999", "😀", " ", "  ", "\t"]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_any_text_parses_or_raises_query_error(text):
    _parse_or_query_error(text)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SYNTAX), max_size=40).map("".join))
# Found by this test (2026-12-07): an empty phrase or a lone comparator before an amount
# that, written back, read as a word, or as an amount.
@example('""<2023')
@example("< - 2023")
@example('""< - 2023')
@example("<2023<")
def test_any_syntax_soup_parses_or_raises_query_error(text):
    parsed = _parse_or_query_error(text)
    if parsed is not None:
        # what was understood renders back to text that means the same (unless a phrase holds
        # every kind of closing quote, which no quoting style can enclose)
        assume(not any(t.phrase and set(t.text) >= {"」", "』"} and set(t.text) & {'"', "”"} for t in parsed.terms))
        assert parse_query(parsed.to_text(), max_length=100_000) == parsed


def _parse_or_query_error(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error) and error.field
        return None
    _check_invariants(parsed)
    assert isinstance(parsed.describe(), str)
    return parsed


# ------------------------------------------------------------------ round trip

LETTERS = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
# "金额 ≥5万" is an amount condition, so the word 金额 cannot be followed by a bare comparator
WORD = st.text(LETTERS, min_size=1, max_size=8).filter(lambda w: w.lower() not in ("金额", "amount"))
TERMS = st.lists(
    st.builds(lambda words, phrase, negated: Term(" ".join(words) if phrase else words[0], phrase, negated),
              st.lists(WORD, min_size=1, max_size=3), st.booleans(), st.booleans()),
    max_size=6, unique=True)
FILTERS = st.fixed_dictionaries({}, optional={
    "unit": st.lists(WORD, min_size=1, max_size=3, unique=True),
    "region": st.lists(WORD, min_size=1, max_size=2, unique=True),
    "year": st.lists(st.integers(1990, 2100).map(str), min_size=1, max_size=3, unique=True),
    "kind": st.lists(st.sampled_from(["budget", "final_account"]), min_size=1, max_size=2, unique=True),
    "type": st.lists(st.sampled_from(RECORD_TYPES), min_size=1, max_size=3, unique=True),
    "table_kind": st.lists(st.sampled_from(sorted(KIND_BY_KEY)), min_size=1, max_size=3, unique=True),
})
FEN = st.integers(0, 10**17)  # up to 1e15 yuan


@st.composite
def structures(draw) -> ParsedQuery:
    low = high = None
    if draw(st.booleans()):
        low = AmountBound(Decimal(draw(FEN)) / 100, draw(st.booleans()))
    if draw(st.booleans()):
        high = AmountBound(Decimal(draw(FEN)) / 100, draw(st.booleans()))
    if low and high:
        if low.yuan > high.yuan:
            low, high = AmountBound(high.yuan, low.inclusive), AmountBound(low.yuan, high.inclusive)
        if low.yuan == high.yuan:
            low, high = AmountBound(low.yuan, True), AmountBound(high.yuan, True)
    return ParsedQuery(draw(TERMS), draw(FILTERS), low, high)


FIELD_SPELLINGS = {"unit": ["单位", "unit", "部门"], "year": ["年度", "year"], "kind": ["类型", "kind"],
                   "region": ["地区", "region"], "type": ["记录", "type"], "table_kind": ["表", "table"]}
KIND_SPELLINGS = {"budget": ["预算", "budget"], "final_account": ["决算", "final_account"]}
QUOTES = [('"', '"'), ("“", "”"), ("「", "」"), ("『", "』")]


def render(query: ParsedQuery, draw) -> str:
    """Query text for a structure, written the many ways people write it."""
    pieces = []
    for term in query.terms:
        text = term.text
        if term.phrase:
            opener, closer = draw(st.sampled_from(QUOTES))
            text = f"{opener}{text}{closer}"
        pieces.append(("-" if term.negated else "") + text)
    for key, values in query.filters.items():
        for value in values:
            name = draw(st.sampled_from(FIELD_SPELLINGS[key]))
            colon = draw(st.sampled_from([":", "："]))
            if key == "kind":
                value = draw(st.sampled_from(KIND_SPELLINGS[value]))
            elif key == "year" and draw(st.booleans()):
                value += "年"
            elif key in ("unit", "region") and draw(st.booleans()):
                value = f'"{value}"'
            pieces.append(f"{name}{colon}{value}")
    for bound, side in ((query.min_amount, "min"), (query.max_amount, "max")):
        if bound is None:
            continue
        if side == "min":
            op = draw(st.sampled_from([">=", "≥", "＞＝"] if bound.inclusive else [">", "＞"]))
        else:
            op = draw(st.sampled_from(["<=", "≤", "＜＝"] if bound.inclusive else ["<", "＜"]))
        unit, factor = draw(st.sampled_from([("", 1), ("元", 1), ("万", 10_000), ("万元", 10_000), ("亿", 10**8)]))
        number = format((bound.yuan / factor).normalize(), "f")
        prefix = draw(st.sampled_from(["金额", "金额 ", "amount", ""])) if unit else "金额"
        pieces.append(f"{prefix}{op}{number}{unit}")
    order = draw(st.permutations(range(len(pieces))))
    # terms keep their relative order (it is part of the structure); the rest may move
    term_count = len(query.terms)
    others = [pieces[i] for i in order if i >= term_count]
    return " ".join(pieces[:term_count] + others)


def _canonical(query: ParsedQuery) -> ParsedQuery:
    """What parsing gives back: values are canonical keys, amounts compare by value."""
    return ParsedQuery(list(query.terms), {k: list(v) for k, v in query.filters.items() if v},
                       query.min_amount, query.max_amount)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(structures(), st.data())
def test_round_trip_rendered_text_parses_back(query, data):
    text = render(query, data.draw)
    parsed = parse_query(text, max_length=100_000)
    # pieces were shuffled, so values of one field may come back in another order
    assert _sorted_filters(parsed) == _sorted_filters(_canonical(query)), text


def _sorted_filters(query: ParsedQuery) -> ParsedQuery:
    return ParsedQuery(query.terms, {k: sorted(v) for k, v in query.filters.items()},
                       query.min_amount, query.max_amount)


@settings(max_examples=300)
@given(structures())
def test_round_trip_through_to_text(query):
    assert parse_query(query.to_text(), max_length=100_000) == _canonical(query)


def test_round_trip_fixed_example():
    query = Q([W("培训费"), P("上年 结转"), NOT("会议费")],
              {"unit": ["晋城市财政局"], "year": ["2023"], "kind": ["budget"]},
              low=gt(10_000), high=ge(Y("18709200")))
    assert parse_query(query.to_text()) == query
    assert parse_query('培训费 “上年 结转” -会议费 unit:"晋城市财政局" 年度：2023年 类型:预算 金额>1万 ≤1,870.92万元') == query


def test_error_messages_quote_long_values_shortly():
    with pytest.raises(QueryError) as error:
        parse_query("金额>=" + "1" * 400 + "x")
    assert len(str(error.value)) < 100 and "…" in str(error.value)


@pytest.mark.parametrize("typed, year", [
    ("2023", 2023), (" 2023年 ", 2023), ("2023年度", 2023), ("２０２３", 2023), ("２０２３年", 2023),
    ("1990", 1990), ("2100", 2100), ("1989", None), ("2101", None), ("", None), ("年", None),
    # digits to str.isdigit() but not to int(), and digits of other scripts: no year
    ("²", None), ("2023²", None), ("①", None), ("٢٠٢٣", None), ("二〇二三", None), ("2023.0", None),
])
def test_a_typed_year(typed, year):
    assert typed_year(typed) == year
