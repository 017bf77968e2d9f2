"""Shared fixtures: the samples indexed once per test session into a real SQLite file, and
a Flask app and test client over it."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """data/*.txt indexed into a fresh SQLite file."""
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    backend = SQLiteIndex(path)
    report = ingest([DATA], backend, workers=1, progress=False)
    assert report.counts()["indexed"] == 4, report.to_json()
    backend.close()
    return path


@pytest.fixture(scope="session")
def app(sample_index):
    from webapp import create_app

    app = create_app(sample_index)
    app.config.update(TESTING=True)
    return app


@pytest.fixture()
def client(app):
    return app.test_client()
