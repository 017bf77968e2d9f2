"""`disclosure serve`: the app under gunicorn (threaded workers), a real WSGI server."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def serve(index: str | Path | None, host: str, port: int, workers: int | None = None, threads: int = 8) -> None:
    from gunicorn.app.base import BaseApplication

    from indexer.index import default_index_path

    if os.environ.get("DISCLOSURE_BACKEND", "sqlite").lower() not in ("elasticsearch", "es"):
        path = default_index_path(index)
        if not path.exists():
            raise SystemExit(f"错误 索引文件不存在：{path}（请先运行 disclosure index data/）")
        index = path

    class Application(BaseApplication):
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": f"{host}:{port}", "workers": workers or (os.cpu_count() or 1),
                "worker_class": "gthread", "threads": threads, "timeout": 60, "accesslog": "-",
                "preload_app": False,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            from webapp import create_app

            return create_app(index)

    print(f"disclosure-search 正在 http://{host}:{port}/ 提供服务（索引：{index or 'Elasticsearch'}）", flush=True)
    Application().run()
