"""The one way views reach the index and the analyzer."""
from __future__ import annotations

from typing import Any

from flask import current_app

from indexer.index import IndexBackend


def backend() -> IndexBackend:
    return current_app.extensions["disclosure_backend"]


def analyzer() -> Any:
    """The process's analyzer, looked up once per app (get_analyzer takes a lock each call)."""
    extensions = current_app.extensions
    found = extensions.get("disclosure_analyzer")
    if found is None:
        from analyzers.tokenizer import get_analyzer

        found = extensions["disclosure_analyzer"] = get_analyzer()
    return found
