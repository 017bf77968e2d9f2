"""The one way views reach the index and the analyzer."""
from __future__ import annotations

from typing import Any

from flask import current_app

from indexer.index import IndexBackend


def backend() -> IndexBackend:
    return current_app.extensions["disclosure_backend"]


def analyzer() -> Any:
    from analyzers.tokenizer import get_analyzer

    return get_analyzer()
