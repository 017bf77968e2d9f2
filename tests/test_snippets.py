"""Snippets: the text is escaped before the words are marked."""
from indexer.index.snippets import snippet


def test_document_markup_is_escaped_and_words_marked():
    html = snippet("市政府办培训费 <script>alert(1)</script>", ["培训费"])
    assert html == "市政府办<mark>培训费</mark> &lt;script&gt;alert(1)&lt;/script&gt;"


def test_query_words_cannot_inject_markup():
    html = snippet("预算 <b>x</b>", ["<b>"])
    assert "<b>" not in html and "<mark>&lt;b&gt;</mark>" in html


def test_words_match_across_quotes_and_brackets_the_analyzer_drops():
    html = snippet("“三公”经费预算10.20万元，因公出国（境）费0元", ["三公经费", "因公出国境费"])
    assert "<mark>三公”经费</mark>" in html and "<mark>因公出国（境）费</mark>" in html


def test_long_text_is_windowed_around_the_first_match():
    text = "甲" * 300 + "培训费" + "乙" * 300
    html = snippet(text, ["培训费"])
    assert html.startswith("…") and html.endswith("…") and "<mark>培训费</mark>" in html
    assert len(html) < 140
