"""The Chinese analysis shared by indexing and querying (analyzers/tokenizer.py).

Real jieba and rjieba throughout, no mocks: these tests are about what the dictionaries,
the lexicon and the HMM actually do to the sample documents.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers import lexicon, tokenizer
from analyzers.normalize import fold_width
from analyzers.tokenizer import Analyzer, get_analyzer, term_form

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data").glob("*.txt"))
ENGINES = ("jieba", "rjieba")


def sample_lines() -> list[str]:
    return [line for path in SAMPLES for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


LINES = sample_lines()


@pytest.fixture(params=ENGINES)
def analyzer(request: pytest.FixtureRequest) -> Analyzer:
    return get_analyzer(request.param)


def matches(groups: list[list[str]], tokens: set[str]) -> bool:
    """How an index evaluates query_terms: every group has an alternative whose tokens
    (one, or several for a phrase) are all among the record's tokens."""
    return all(any(all(t in tokens for t in alt.split()) for alt in group) for group in groups)


def indexed(analyzer: Analyzer, text: str) -> set[str]:
    precise, recall = analyzer.index_text(text)
    return set(precise.split()) | set(recall.split())


def test_samples_are_there() -> None:
    assert len(SAMPLES) == 4 and len(LINES) > 3000


# --- Lexicon words come out whole ------------------------------------------------------

@pytest.mark.parametrize("word", [
    "公务用车运行维护费", "一般公共预算", "机关运行经费", "政府性基金", "国有资本经营预算", "三公经费",
    "项目支出", "基本支出", "绩效目标", "公务接待费", "公务用车购置及运行费", "政府购买服务",
    "一般公共预算安排基本支出分经济科目表", "财政拨款收入支出决算总表", "物业管理费", "其他交通费用",
    "行政运行", "一般行政管理事务", "事业运行", "住房公积金",
])
def test_lexicon_words_are_one_token(analyzer: Analyzer, word: str) -> None:
    assert analyzer.cut(word) == [word]
    assert word in analyzer.cut(f"本单位2023年{word}为12.5万元")


@pytest.mark.parametrize("written, token", [
    ("因公出国（境）费", "因公出国境费"), ("维修（护）费", "维修护费"), ("维修(护)费", "维修护费"),
    ("“三公”经费", "三公经费"), ("财政拨款“三公”经费支出决算表", "财政拨款三公经费支出决算表"),
])
def test_bracketed_and_quoted_names_are_one_token(analyzer: Analyzer, written: str, token: str) -> None:
    assert analyzer.cut(written) == [token]


def test_every_lexicon_word_is_one_token(analyzer: Analyzer) -> None:
    split = {w: analyzer.cut(w) for w in analyzer.lexicon_words if analyzer.cut(w) != [w]}
    assert not split


def test_lexicon_words_stay_whole_in_the_samples(analyzer: Analyzer) -> None:
    """Where a table or economic-classification name occurs in a sample, it is a token of
    that line (or inside a longer lexicon token), not broken by its neighbours."""
    names = [term_form(w) for w in lexicon.TABLE_TITLES + lexicon.ECONOMIC_CLASSIFICATION
             + lexicon.FUNCTIONAL_CLASSIFICATION + lexicon.CORE_TERMS]
    broken = []
    for line in LINES:
        form = term_form(line)
        tokens = None
        for name in names:
            if name in form:
                tokens = tokens or analyzer.cut(line)
                if not any(name in token for token in tokens):
                    broken.append((name, line[:60]))
    assert not broken


def test_user_words_do_not_steal_from_neighbours(analyzer: Analyzer) -> None:
    # 政府办 is a synonym term, but 市政府办公室 is 市政府 + 办公室.
    assert analyzer.cut("保障市政府办公室各项工作正常运转")[:3] == ["保障", "市政府", "办公室"]
    # X费 is a user word; its prose spelling X费用 must not become X费 + 用.
    assert "印刷费用" in analyzer.cut("需专项印刷费用")
    assert "费用" in analyzer.cut_for_search("需专项印刷费用")


# --- Recall: parts find wholes ----------------------------------------------------------

@pytest.mark.parametrize("item", ["培训费", "市政府办培训费", "市委市政府督查办培训经费", "中小学教师全员培训经费"])
def test_training_is_a_recall_token_of_training_items(analyzer: Analyzer, item: str) -> None:
    assert "培训" in analyzer.cut_for_search(item)
    assert matches(analyzer.query_terms("培训"), indexed(analyzer, item))


def test_query_for_a_fee_includes_its_synonyms(analyzer: Analyzer) -> None:
    (group,) = analyzer.query_terms("培训费")
    assert group[0] == "培训费" and "培训经费" in group
    assert matches(analyzer.query_terms("培训费"), indexed(analyzer, "市委市政府督查办培训经费"))


def test_query_terms_of_two_words(analyzer: Analyzer) -> None:
    groups = analyzer.query_terms("公车 培训")
    assert [g[0] for g in groups] == ["公车", "培训"]
    assert "公务用车" in groups[0] and groups[1] == ["培训"]
    assert matches(groups, indexed(analyzer, "公务用车运行维护费用于培训"))
    assert not matches(groups, indexed(analyzer, "公务用车运行维护费"))


@pytest.mark.parametrize("query, text", [
    ("招待费", "公务接待费"), ("出国费", "因公出国（境）费"), ("车辆运行费", "公务用车运行维护费"),
    ("会务费", "会议费"), ("物业费", "物业管理费"), ("政府办", "晋城市人民政府办公室"),
    ("三公经费", "2023年一般公共预算“三公”经费支出预算表"), ("公车", "公务用车运行维护费"),
    ("维修费", "维修（护）费"), ("水电费", "管辖区域电费"), ("办公费", "办公费用"),
])
def test_citizen_words_find_document_words(analyzer: Analyzer, query: str, text: str) -> None:
    assert matches(analyzer.query_terms(query), indexed(analyzer, text))


def test_synonyms_are_symmetric_but_one_way_rules_are_not(analyzer: Analyzer) -> None:
    assert "公务用车" in analyzer.synonyms("公车") and "公车" in analyzer.synonyms("公务用车")
    assert set(analyzer.synonyms("水电费")) >= {"水费", "电费"}
    assert "水电费" not in analyzer.synonyms("水费") and "电费" not in analyzer.synonyms("水费")
    assert analyzer.synonyms("差旅") == []


def test_one_way_values_are_phrases_as_documents_are_cut(analyzer: Analyzer) -> None:
    (group,) = analyzer.query_terms("政府办")
    assert "市政府 办公室" in group  # 市政府办公室 as the documents cut it: a phrase
    assert matches([group], indexed(analyzer, "以市政府、市政府办公室名义印发公文"))
    assert "政府办 => 政府办, 市政府 办公室, 县政府 办公室, 区政府 办公室" in analyzer.synonym_rules()
    assert "印刷费, 印刷费用" in analyzer.synonym_rules()
    assert not [rule for rule in analyzer.synonym_rules() if "," not in rule]  # 三公经费 = “三公”经费


def test_electricity_does_not_find_postage(analyzer: Analyzer) -> None:
    assert not matches(analyzer.query_terms("电费"), indexed(analyzer, "邮电费"))
    assert matches(analyzer.query_terms("电费"), indexed(analyzer, "区政府管辖区域电费"))


def item_names() -> list[str]:
    names: set[str] = set()
    for path in (ROOT / "tests" / "golden").glob("*.json"):
        golden = json.loads(path.read_text(encoding="utf-8"))
        names.update(item["name"] for item in golden["project_items"])
        names.update(form["project"] for form in golden["forms"])
    names.update(lexicon.ECONOMIC_CLASSIFICATION + lexicon.FUNCTIONAL_CLASSIFICATION)
    return sorted(n for n in names if len(term_form(n)) >= 2)


def test_every_item_is_found_by_its_name_wherever_it_occurs(analyzer: Analyzer) -> None:
    """The query analysis decision (precise cut, not search cut) on real data: each item
    name of the golden files and the lexicon, queried as typed, matches every sample line
    that contains it — table rows, form fields and narrative sentences alike."""
    names = item_names()
    assert len(names) > 100
    forms = [(line, term_form(line)) for line in LINES]
    checked, missed = 0, []
    for name in names:
        name_form, groups = term_form(name), analyzer.query_terms(name)
        # 电费 is in the string 邮电费 but deliberately not found there (MISLEADING_PARTS).
        containers = [term_form(k) for k, parts in lexicon.MISLEADING_PARTS.items() if name in parts]
        for line, line_form in forms:
            if name_form in re.sub("|".join(containers) or "$^", "", line_form):
                checked += 1
                if not matches(groups, indexed(analyzer, line)):
                    missed.append((name, line[:60]))
    assert checked > 900
    assert not missed


@pytest.mark.parametrize("query, text", [("招待费", "公务接待费"), ("会务费", "会议费"), ("车辆运行费", "公务用车运行维护费")])
def test_why_queries_use_the_precise_cut(analyzer: Analyzer, query: str, text: str) -> None:
    """The search cut of a query would also require its sub-words (招待), which a document
    using the synonym (公务接待费) does not contain; the precise cut plus synonyms finds it."""
    tokens = indexed(analyzer, text)
    assert matches(analyzer.query_terms(query), tokens)
    search_cut_groups = [[t, *analyzer.synonyms(t)] for t in analyzer.cut_for_search(query)]
    assert not matches(search_cut_groups, tokens)


# --- Normalisation ---------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    "“三公”经费", "＂三公＂经费", "「三公」经费", "\"三公\"经费", "‘三公’经费", "三公经费",
])
def test_quoted_and_full_width_variants_analyse_identically(analyzer: Analyzer, variant: str) -> None:
    reference = "2023年三公经费预算"
    text = f"２０２３年{variant}预算"
    assert analyzer.cut(text) == analyzer.cut(reference) == ["2023", "年", "三公经费", "预算"]
    assert analyzer.cut_for_search(text) == analyzer.cut_for_search(reference)
    assert analyzer.query_terms(variant) == analyzer.query_terms("三公经费")


def test_full_width_latin_and_digits_fold(analyzer: Analyzer) -> None:
    assert analyzer.cut("ＯＡ协同办公系统１２３４５热线") == analyzer.cut("oa协同办公系统12345热线")
    assert "oa" in analyzer.cut("OA协同办公系统")


def test_normalize_keeps_length_and_extends_fold_width() -> None:
    everything = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    normalized = tokenizer.normalize(everything)
    assert len(normalized) == len(everything)
    expected = "".join(tokenizer._UNIFY.get(c, c) for c in fold_width(everything))
    unified_first = {c for c in tokenizer._UNIFY}  # e.g. ［ unifies to ( rather than folding to [
    mismatches = [(a, b, c) for a, b, c in zip(everything, normalized, expected) if b != c and a not in unified_first]
    assert not mismatches
    assert tokenizer.normalize("ＡＢＣ（护）“三公”【注】１，") == 'abc(护)"三公"(注)1,'


def test_punctuation_whitespace_and_stop_words_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.cut("的 和 及 等，其中。主要；“”（）\t\n") == []
    assert analyzer.cut("办公费和印刷费等") == ["办公费", "印刷费"]
    assert analyzer.query_terms("的") == []


# --- Offsets ------------------------------------------------------------------------------

def _token_text(analyzer: Analyzer, original: str) -> str:
    # A span can start or end inside 维修（护）费 or “三公”经费; the brackets and quotes it
    # takes along are the ones the analysis removes, so they are removed here too.
    return re.sub(r"[()\"']", "", analyzer.normalize(original))


def test_offsets_point_at_the_original_text(analyzer: Analyzer) -> None:
    texts = LINES + ["一般公共预算“三公”经费支出预算表（不含上年结转）", "因公出国（境）费和维修(护)费",
                     "ＯＡ协同办公系统　１２３４５热线", "7-12月开展会计审查，v2.0版本"]
    for text in texts:
        spans = analyzer.tokens_with_offsets(text)
        for token, start, end in spans:
            assert 0 <= start < end <= len(text)
            assert _token_text(analyzer, text[start:end]) == token, (text, token, start, end)
        assert {t for t, _, _ in spans} == set(analyzer.cut_for_search(text))
        assert [t for t, _, _ in analyzer.tokens_with_offsets(text, search=False)] == analyzer.cut(text)


def test_offsets_of_a_quoted_word(analyzer: Analyzer) -> None:
    text = "本年“三公”经费为0"
    spans = {t: (s, e) for t, s, e in analyzer.tokens_with_offsets(text)}
    start, end = spans["三公经费"]
    assert text[start:end] == "三公”经费"
    start, end = spans["三公"]
    assert text[start:end] == "三公"


# --- jieba and rjieba agree ------------------------------------------------------------

def test_jieba_and_rjieba_give_the_same_tokens_on_every_sample_line() -> None:
    jieba_, rjieba_ = get_analyzer("jieba"), get_analyzer("rjieba")
    differ = [line[:60] for line in LINES
              if jieba_.cut(line) != rjieba_.cut(line)
              or jieba_.cut_for_search(line) != rjieba_.cut_for_search(line)
              or jieba_.tokens_with_offsets(line) != rjieba_.tokens_with_offsets(line)]
    assert not differ


@pytest.mark.parametrize("text", ["7-12月", "2023-2024年度", "a-1.5%", "v2.0.1版本", "1.2.3", "10%5", "3--4", "c++语言"])
def test_engines_agree_where_jieba_rs_splits_latin_differently(text: str) -> None:
    assert get_analyzer("jieba").cut(text) == get_analyzer("rjieba").cut(text)
    assert get_analyzer("jieba").cut_for_search(text) == get_analyzer("rjieba").cut_for_search(text)


def test_the_documented_jieba_rs_difference_still_exists() -> None:
    """Why _RjiebaEngine re-splits Latin runs: jieba-rs's HMM keeps 7-12 whole (its skip
    pattern has an unescaped dot) where jieba splits 7 / - / 12. If this starts failing,
    rjieba fixed it and `_RjiebaEngine._resplit_ascii` can go."""
    import jieba
    import rjieba

    assert list(jieba.Tokenizer().cut("7-12月")) == ["7", "-", "12", "月"]
    assert rjieba.Jieba().cut("7-12月", True) == ["7-12", "月"]


def test_recall_is_jiebas_cut_for_search_plus_lexicon_parts() -> None:
    """cut_for_search is computed from the cut (per distinct word); on every sample line it
    must equal jieba's own cut_for_search of the same text."""
    analyzer = get_analyzer("jieba")
    jieba_tokenizer = analyzer._engine._tokenizer
    for line in LINES:
        form = tokenizer._cut_form(line)
        assert analyzer._search_cut(form) == list(jieba_tokenizer.cut_for_search(form, HMM=True))


# --- One analyzer per process, dictionary cached on disk -----------------------------------

def test_the_analyzer_is_created_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tokenizer.ENGINE_ENV, raising=False)
    assert get_analyzer() is get_analyzer()
    assert get_analyzer() is get_analyzer("rjieba")  # the default
    assert get_analyzer("rjieba") is get_analyzer("RJIEBA")
    assert get_analyzer("rjieba") is not get_analyzer("jieba")
    monkeypatch.setenv(tokenizer.ENGINE_ENV, "jieba")
    assert get_analyzer() is get_analyzer("jieba")
    assert get_analyzer().engine_name == "jieba"


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer engine"):
        get_analyzer("ik")


def test_the_prefix_dictionary_is_cached_on_disk() -> None:
    get_analyzer("jieba")
    path = tokenizer.jieba_cache_path()
    assert path is not None and path.is_file()
    freq, total = tokenizer._read_prefix_dict(path)
    assert total > 50_000_000 and freq["培训"] > 0 and freq["公务用"] == 0  # a prefix


def test_cache_round_trip_and_corruption(tmp_path: Path) -> None:
    path = tmp_path / "jieba.cache"
    freq = {"培训": 5, "培": 0, "a-b": 3}
    tokenizer._write_prefix_dict(path, freq, 8)
    assert tokenizer._read_prefix_dict(path) == (freq, 8)
    path.write_bytes(path.read_bytes()[:-4])
    assert tokenizer._read_prefix_dict(path) is None
    path.write_bytes(b"not a cache")
    assert tokenizer._read_prefix_dict(path) is None


def test_cache_dir_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert tokenizer.cache_dir() == tmp_path / "cache" / "disclosure-search"
    assert (tmp_path / "cache" / "disclosure-search").is_dir()


def test_index_text_chunked_equals_the_whole_cut(analyzer: Analyzer) -> None:
    """index_text analyses whitespace-separated chunks (and remembers short ones); the result
    must be exactly the cut of the whole text, and recall exactly the words' sub-words."""
    for line in LINES:
        precise, recall = analyzer.index_text(line)
        words = analyzer.cut(line)
        assert precise.split() == words, line
        assert recall.split() == [part for word in words for part in analyzer._parts(word)], line


def test_figures_get_the_grams_the_dictionary_gives_them(analyzer: Analyzer) -> None:
    """Grams of a figure are looked up among the dictionary's figure words, found once at
    start-up: the same sub-words as asking the dictionary about each gram."""
    import random

    rng = random.Random(7)
    figures = [str(rng.randint(0, 10 ** rng.randint(1, 10))) for _ in range(3000)]
    figures += [f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}" for _ in range(1000)]
    figures += ["100%", "12.5%", "110", "120", "315", "2023", "0.5", "1.2.3", "%%", ".."]
    for figure in figures:
        assert tokenizer._search_grams(figure, analyzer._is_figure_word) == \
            tokenizer._search_grams(figure, analyzer._engine.is_word), figure


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[0-9]{1,9}(\.[0-9]{1,4})?%?", fullmatch=True))
def test_a_plain_figure_is_cut_as_jieba_cuts_it_without_asking_jieba(figure):
    """cut() answers plain figures itself (most chunks a worker meets for the first time are
    figures): the same tokens as the jieba path it skips."""
    an = get_analyzer()
    slow = [t for t in an._engine.cut(tokenizer._cut_form(figure)) if t not in lexicon.STOP_WORDS]
    assert an.cut(figure) == slow == [figure]


# Characters _cut_form changes or drops, mixed with Chinese and ASCII that it keeps.
_CUT_ALPHABET = st.sampled_from(sorted({chr(k) for k in tokenizer._CUT_TABLE} | set("培训费（项目）经费 ,.ab12")))


@given(st.text(_CUT_ALPHABET, max_size=60))
def test_the_cut_form_changes_each_character_as_the_whole_table_would(text):
    """_cut_form translates only the runs of characters its table maps (a lookup per
    character of Chinese prose was the slow part): the same text as translating it all."""
    expected = text.translate(tokenizer._CUT_TABLE)
    if "(" in expected:
        expected = tokenizer._INNER_BRACKETS.sub(r"\1", expected)
    assert tokenizer._cut_form(text) == expected
