"""The Flask web front end: faceted search, document/table/form/section views, exports,
feeds and the JSON API, all reading through the index contract (indexer/index/).

    create_app()        the app factory; the backend is opened once per process
    params.py           request arguments → SearchOptions (shared by pages, API, exports, feed)
    formatting.py       amounts as people read them, provenance paths, badges (Jinja filters)
    links.py            where a record leads (table row, form, section, document): one
                        implementation for the pages, the API, exports, answers and comparisons
    security.py         security headers and the Content-Security-Policy on every response
    views/pages.py      the HTML pages
    views/qa.py         /ask, /compare (with its SVG chart, charts.py) and /projects
    qa.py               what counts as a question; the parameters of ask and compare
    views/api.py        the JSON API and its OpenAPI document
    views/exports.py    CSV/XLSX downloads and the Atom feed of a search
    serve.py            `disclosure serve`: the app under gunicorn
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from indexer.index import IndexBackend, open_index


def create_app(index: str | Path | None = None, backend: IndexBackend | None = None,
               config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        JSON_AS_ASCII=False,
        EXPORT_LIMIT=10_000,  # rows in one CSV/XLSX download; stated on the page
        MAX_QUERY_STRING=4_000,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.extensions["disclosure_backend"] = backend or open_index(index, readonly=True)

    from webapp import errors, formatting, security
    from webapp.views import api, exports, pages, qa

    formatting.register(app)
    security.register(app)
    errors.register(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(qa.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(exports.blueprint)
    return app
