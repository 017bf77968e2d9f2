"""The index: one contract (contract.py), two backends (sqlite.py default, elastic.py).

`open_index()` picks the backend from the environment: `DISCLOSURE_BACKEND=elasticsearch`
with `DISCLOSURE_ES_URL` (and optionally `DISCLOSURE_ES_INDEX`) selects Elasticsearch;
otherwise the SQLite file `--index FILE`, `DISCLOSURE_INDEX`, or data/index.sqlite.
"""
from __future__ import annotations

import os
from pathlib import Path

from indexer.index.contract import IndexBackend, IndexUnavailable

DEFAULT_INDEX = Path("data") / "index.sqlite"

__all__ = ["DEFAULT_INDEX", "IndexBackend", "IndexUnavailable", "default_index_path", "open_index"]


def default_index_path(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get("DISCLOSURE_INDEX") or DEFAULT_INDEX)


def open_index(path: str | Path | None = None, *, readonly: bool = False) -> IndexBackend:
    if os.environ.get("DISCLOSURE_BACKEND", "sqlite").lower() in ("elasticsearch", "es"):
        url = os.environ.get("DISCLOSURE_ES_URL")
        if not url:
            raise IndexUnavailable("DISCLOSURE_BACKEND=elasticsearch 需要设置 DISCLOSURE_ES_URL")
        from indexer.index.elastic import ElasticIndex

        return ElasticIndex(url, os.environ.get("DISCLOSURE_ES_INDEX", "disclosures"))
    from indexer.index.sqlite import SQLiteIndex

    return SQLiteIndex(default_index_path(path), readonly=readonly)
