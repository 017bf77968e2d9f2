"""Bounded search on the embedded backend: above `exact_limit` matches, ranking and facets
come from a sample, the total is estimated, and amount and year orders stay exact.

The samples hold ~900 records; an index opened with a tiny `exact_limit` puts common words
(经费, 合计) and filter-only searches over the limit, and the same file opened with the
default limit gives the exact answer to compare with.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.index import filter_tokens as ft
from indexer.index.contract import SearchRequest, TextQuery
from indexer.index.sqlite import SQLiteIndex


@pytest.fixture(scope="module")
def exact(sample_index):
    index = SQLiteIndex(sample_index, readonly=True)
    yield index
    index.close()


@pytest.fixture(scope="module")
def bounded(sample_index):
    index = SQLiteIndex(sample_index, readonly=True, exact_limit=40, sample_size=160)
    yield index
    index.close()


def _request(words: tuple[str, ...] = (), **values) -> SearchRequest:
    text = TextQuery(required=tuple((w,) for w in words), highlight=words)
    return SearchRequest(text=text, **values)


def _all(index: SQLiteIndex, request: SearchRequest) -> list:
    hits, page = [], 1
    while True:
        request.page, request.limit = page, 100
        batch = index.search(request).hits
        hits += batch
        if len(batch) < 100:
            return hits
        page += 1


SEARCHES = [
    _request(("经费",)),
    _request(("合计",)),
    _request(),
    _request(filters={"record_type": ["line_item"]}),
    _request(("支出",), min_amount=Decimal("10000"), max_amount=Decimal("5000000")),
]


@pytest.mark.parametrize("request_", SEARCHES, ids=["经费", "合计", "everything", "line items", "支出 1万-500万"])
def test_bounded_total_is_estimated_close_to_the_exact_count(exact, bounded, request_):
    truth = exact.search(request_)
    estimate = bounded.search(request_)
    assert truth.total_exact and truth.total > 40
    assert not estimate.total_exact and estimate.facets_sample
    assert abs(estimate.total - truth.total) <= 0.25 * truth.total, (estimate.total, truth.total)


@pytest.mark.parametrize("request_", SEARCHES, ids=["经费", "合计", "everything", "line items", "支出 1万-500万"])
def test_bounded_hits_are_real_matches_and_facets_real_values(exact, bounded, request_):
    truth = exact.search(request_)
    matching = {h.record_id for h in _all(exact, request_)}
    request_.page, request_.limit = 1, 20
    result = bounded.search(request_)
    assert result.hits and {h.record_id for h in result.hits} <= matching
    for name, values in result.facets.items():
        assert set(values) <= set(truth.facets[name]), name


@pytest.mark.parametrize("sort", ["-amount", "amount"])
@pytest.mark.parametrize("request_", SEARCHES, ids=["经费", "合计", "everything", "line items", "支出 1万-500万"])
def test_amount_order_is_exact_beyond_the_limit(exact, bounded, request_, sort):
    for page in (1, 2, 7):
        request_.sort, request_.page, request_.limit = sort, page, 20
        want = [(h.record_id, h.amount_yuan) for h in exact.search(request_).hits]
        got = [(h.record_id, h.amount_yuan) for h in bounded.search(request_).hits]
        assert got == want, (sort, page)


@pytest.mark.parametrize("request_", SEARCHES, ids=["经费", "合计", "everything", "line items", "支出 1万-500万"])
def test_year_order_is_exact_beyond_the_limit(exact, bounded, request_):
    request_.sort, request_.page, request_.limit = "year", 1, 100
    truth_years = [h.year or 0 for h in exact.search(request_).hits]
    got = bounded.search(request_).hits
    years = [h.year or 0 for h in got]
    assert years == sorted(years, reverse=True)
    assert years == truth_years  # the same number of hits of each year, newest first


def test_rare_words_stay_exact(bounded):
    result = bounded.search(_request(("培训费",), filters={"year": ["2023"]}))
    assert result.total_exact and result.facets_sample is None


# --- filter tokens --------------------------------------------------------------------------

amounts = st.integers(min_value=-10**12, max_value=10**18)


@given(amounts, amounts, amounts)
def test_range_cover_holds_every_amount_in_the_range(fen, a, b):
    low, high = min(a, b), max(a, b)
    if low <= fen <= high:
        assert set(ft.amount_tokens(fen)) & set(ft.range_cover(low, high))


@given(amounts, amounts)
def test_range_cover_never_holds_an_amount_far_outside(fen, bound):
    # Covers may overshoot the bounds by at most one leading-digit bucket, never more.
    if fen > 0 and bound > 0 and len(str(fen)) > len(str(bound)) + 1:
        assert not set(ft.amount_tokens(fen)) & set(ft.range_cover(None, bound))


@given(st.lists(amounts, min_size=2, max_size=30))
def test_buckets_come_in_amount_order(values):
    order = {token: rank for rank, token in enumerate(ft.buckets_descending())}

    def bucket(fen: int) -> int:
        return min(order[t] for t in ft.amount_tokens(fen) if t in order)

    ranked = sorted(values, key=bucket)
    assert ranked == sorted(ranked, key=lambda v: (bucket(v), 0)) and all(
        x >= y for x, y in zip(ranked, ranked[1:]) if bucket(x) != bucket(y))


def test_cached_results_never_outlive_a_change_to_the_index(tmp_path):
    """The result cache is keyed by the index's write generation: a search after a document
    is added (by another connection, as the indexer is to the web app) sees it."""
    from indexer.ingest import ingest
    from tests.conftest import DATA

    path = tmp_path / "index.sqlite"
    writer = SQLiteIndex(path)
    files = sorted(DATA.glob("*.txt"))
    ingest(files[:1], writer, workers=1, progress=False)
    reader = SQLiteIndex(path, readonly=True)
    request = _request(("经费",))
    before = reader.search(request)
    assert reader.search(request).total == before.total  # served from the cache
    ingest(files[1:2], writer, workers=1, progress=False)
    after = reader.search(request)
    assert after.total > before.total
    writer.delete_document(after.hits[0].doc_id)
    assert reader.search(request).total < after.total
