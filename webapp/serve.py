"""`disclosure serve`: the app under gunicorn (threaded workers), a real WSGI server.

Sizing: a request is mostly Python (the GIL), so one worker process per usable core
(`workers`, default: the cores this process may run on) does the work; threads let a
worker overlap what releases the GIL (SQLite reads, socket I/O) and hold idle keep-alive
connections without a thread each (gthread parks them in its poller). 8 threads per worker
serve 16 busy clients on 2 cores; more threads only add switching. `preload_app` stays off:
SQLite connections must not cross a fork, so each worker opens the index itself.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

THREADS = 8
KEEPALIVE = 5  # seconds an idle keep-alive connection stays open (gunicorn's default is 2)


def usable_cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def serve(index: str | Path | None, host: str, port: int, workers: int | None = None, threads: int = THREADS) -> None:
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
                "bind": f"{host}:{port}", "workers": workers or usable_cores(),
                "worker_class": "gthread", "threads": threads, "keepalive": KEEPALIVE,
                "timeout": 60, "accesslog": "-", "preload_app": False,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            from analyzers.tokenizer import get_analyzer
            from webapp import create_app

            app = create_app(index)
            get_analyzer()  # the dictionary loads as the worker starts, not in its first request
            return app

    print(f"disclosure-search 正在 http://{host}:{port}/ 提供服务（索引：{index or 'Elasticsearch'}）", flush=True)
    Application().run()
