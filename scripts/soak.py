#!/usr/bin/env python3
"""A bounded soak of the real web server (issue 6/6, part 4).

Starts `disclosure serve` (gunicorn, threaded workers) on a loopback port against an index,
then for `--duration` seconds a bounded pool of client threads sends a mix of searches
(/api/search with varied words, filters, amounts, sorts and pages; /search), questions
(/ask, /api/ask), exports (/search.csv, /search.xlsx), comparisons and document views,
plus a few deliberate 4xx requests whose status is checked. Meanwhile the resident memory
of the server processes (gunicorn master + workers, from /proc) is sampled.

It fails (exit status 1) when any request errs (a status other than the expected one, a
connection failure, a timeout), when a server worker is replaced mid-run (a crash or a
timeout), or when the server's total RSS grows by more than `--rss-bound-mb` between the
end of the warm-up and the end of the run. It prints a Markdown table: requests, errors and
latency percentiles per endpoint, and the RSS figures.

    python3 scripts/soak.py                         # 3 minutes, data/ indexed into a temp file
    python3 scripts/soak.py --duration 20           # what CI runs (tests/test_crash_safety.py)
    python3 scripts/soak.py --index data/index.sqlite --clients 8 --json soak.json
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import descendants, free_port

ROOT = Path(__file__).resolve().parent.parent

QUERIES = ["培训费", "经费", "办公设备 购置", "公务接待费", "项目支出", "“三公”经费", "公务用车", "物业管理费",
           "绩效目标", "机关运行经费", "差旅费", "政府采购", "信息化 运维", "\"办公费\"", "培训 -会议",
           "单位:财政局 培训费", "金额>=10万", "项目支出≥100万", "公务接待费 金额>1万", "记录:项目 年度:2023",
           "类型:决算 绩效自评", "表:项目支出预算表", "地区:晋城", "10万-50万", "不存在的词语"]
QUESTIONS = ["晋城市财政局2024年“三公”经费预算是多少？", "2023年哪个单位的项目支出最多？",
             "大同市云冈区人民政府办公室2023年培训费是多少", "三门峡市人民政府办公室2023年决算公务接待费是多少？",
             "晋城市人民政府办公室2023年有多少个绩效目标表？", "太原市财政局2023年三公经费是多少"]
MEASURES = ["三公经费", "公务接待费", "项目支出", "培训费", "机关运行经费"]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(label, []).append(seconds)
            if error:
                self.errors.setdefault(label, []).append(error)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def build_index(target: Path) -> Path:
    """data/ indexed into `target` (the default index of a soak run)."""
    sys.path.insert(0, str(ROOT))
    from indexer.index.sqlite import SQLiteIndex
    from indexer.ingest import ingest

    backend = SQLiteIndex(target)
    report = ingest([ROOT / "data"], backend, workers=2, progress=False)
    backend.close()
    if report.failed or not report.counts()["indexed"]:
        raise SystemExit(f"indexing data/ failed: {report.to_json()}")
    return target


def start_server(index: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index), "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
    with open(log, "ab") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"disclosure serve exited with {server.returncode} before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/search?q=" + urllib.parse.quote("培训费"))
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("disclosure serve did not answer within a minute")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def request_mix(doc_ids: list[str], rng: random.Random) -> tuple[str, str, tuple[int, ...]]:
    """One request: (endpoint label, path with query, expected statuses)."""
    q = urllib.parse.quote
    roll = rng.random()
    query = rng.choice(QUERIES)
    if roll < 0.30:
        params = [("q", query)]
        if rng.random() < 0.3:
            params.append(("year", rng.choice(["2023", "2024"])))
        if rng.random() < 0.2:
            params.append(("type", rng.choice(["line_item", "form", "section", "metric"])))
        if rng.random() < 0.2:
            params += [("min", rng.choice(["1", "5", "10"])), ("unit_money", "万元")]
        if rng.random() < 0.2:
            params.append(("sort", rng.choice(["-amount", "amount", "year"])))
        if rng.random() < 0.2:
            params.append(("page", str(rng.randint(1, 4))))
        return "/api/search", "/api/search?" + urllib.parse.urlencode(params), (200,)
    if roll < 0.50:
        page = f"&page={rng.randint(1, 3)}" if rng.random() < 0.3 else ""
        return "/search", f"/search?q={q(query)}{page}", (200,)
    if roll < 0.60:
        return "/ask", f"/ask?q={q(rng.choice(QUESTIONS))}", (200,)
    if roll < 0.68:
        return "/api/ask", f"/api/ask?q={q(rng.choice(QUESTIONS))}", (200,)
    if roll < 0.73:
        return "/search.csv", f"/search.csv?q={q(rng.choice(QUERIES[:8]))}", (200,)
    if roll < 0.76:
        return "/search.xlsx", f"/search.xlsx?q={q(rng.choice(QUERIES[:8]))}", (200,)
    if roll < 0.80:
        return "/api/compare", f"/api/compare?measure={q(rng.choice(MEASURES))}", (200,)
    if roll < 0.90 and doc_ids:
        doc = rng.choice(doc_ids)
        which = rng.random()
        if which < 0.5:
            return "/documents/<id>", f"/documents/{doc}", (200,)
        if which < 0.8:
            return "/documents/<id>/tables/<n>", f"/documents/{doc}/tables/{rng.randint(0, 3)}", (200,)
        return "/api/documents/<id>", f"/api/documents/{doc}", (200,)
    # Deliberate mistakes: the right 4xx, never a 5xx.
    bad = rng.choice([("/api/search?year=abc", 400), ("/api/search?min=" + q("很多"), 400),
                      ("/search?page=0", 400), ("/documents/nope", 404), ("/api/documents/nope", 404),
                      ("/api/search?q=" + q("金额>abc"), 400)])
    return "deliberate 4xx", bad[0], (bad[1],)


def client(port: int, doc_ids: list[str], stats: Stats, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    connection: http.client.HTTPConnection | None = None
    while not stop.is_set():
        label, path, expected = request_mix(doc_ids, rng)
        start = time.perf_counter()
        error = None
        for attempt in range(2):
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status not in expected:
                    error = f"{response.status} {path} {body[:200]!r}"
                elif b"Traceback" in body:
                    error = f"traceback in {path}"
                if response.will_close:
                    connection.close()
                    connection = None
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                # A keep-alive connection the server closed between requests: one retry on a
                # fresh connection, as browsers do; a second failure is an error.
                if connection is not None:
                    connection.close()
                connection = None
                if attempt == 0:
                    with stats.lock:
                        stats.retries += 1
                    continue
                error = f"{type(exc).__name__} {path}"
            except (OSError, http.client.HTTPException) as exc:
                if connection is not None:
                    connection.close()
                connection = None
                error = f"{type(exc).__name__}: {exc} {path}"
                break
        stats.record(label, time.perf_counter() - start, error)
    if connection is not None:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    index = Path(args.index) if args.index else build_index(workdir / "index.sqlite")
    port = args.port or free_port()
    log = workdir / "server.log"
    server = start_server(index, port, args.workers, log)
    samples: list[tuple[float, int, int]] = []  # (seconds since start, total RSS KiB, processes)
    pids_seen: set[int] = set()
    try:
        wait_until_serving(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/documents")
        doc_ids = [d["doc_id"] for d in json.loads(connection.getresponse().read())["documents"]]
        connection.close()
        stats = Stats()
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(port, doc_ids, stats, stop, args.seed + n), daemon=True)
                   for n in range(args.clients)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        while (elapsed := time.monotonic() - start) < args.duration:
            pids = descendants(server.pid)
            pids_seen.update(pids)
            samples.append((elapsed, sum(rss_kib(pid) for pid in pids), len(pids)))
            if server.poll() is not None:
                break
            time.sleep(min(args.sample_every, max(0.05, args.duration - elapsed)))
        stop.set()
        for thread in threads:
            thread.join(90)
        wall = time.monotonic() - start
        pids = descendants(server.pid)
        samples.append((wall, sum(rss_kib(pid) for pid in pids), len(pids)))
        pids_seen.update(pids)
    finally:
        stop_server(server)
    warm = args.warmup if args.warmup is not None else min(30.0, max(args.duration / 4, min(8.0, args.duration / 2)))
    after_warmup = [s for s in samples if s[0] >= warm] or samples[-1:]
    baseline = after_warmup[0][1]
    final = samples[-1][1]
    peak = max(s[1] for s in samples)
    growth_mb = (final - baseline) / 1024
    restarts = len(pids_seen) - (args.workers + 1)
    endpoints = {}
    for label in sorted(stats.latencies):
        values = stats.latencies[label]
        endpoints[label] = {"requests": len(values), "errors": len(stats.errors.get(label, [])),
                            "p50_ms": percentile(values, 0.50) * 1000, "p95_ms": percentile(values, 0.95) * 1000,
                            "p99_ms": percentile(values, 0.99) * 1000, "max_ms": max(values) * 1000,
                            "mean_ms": statistics.fmean(values) * 1000}
    total = sum(e["requests"] for e in endpoints.values())
    errors = sum(e["errors"] for e in endpoints.values())
    result = {
        "duration_s": round(wall, 1), "clients": args.clients, "server_workers": args.workers,
        "requests": total, "errors": errors, "throughput_rps": round(total / wall, 1) if wall else 0.0,
        "keepalive_retries": stats.retries, "worker_restarts": max(0, restarts),
        "rss_mb": {"start": round(samples[0][1] / 1024, 1), "after_warmup": round(baseline / 1024, 1),
                   "end": round(final / 1024, 1), "peak": round(peak / 1024, 1), "growth": round(growth_mb, 1),
                   "bound": args.rss_bound_mb, "warmup_s": warm},
        "rss_timeline_mb": [(round(t, 1), round(k / 1024, 1)) for t, k, _ in samples],
        "endpoints": endpoints,
        "error_examples": {label: errs[:5] for label, errs in stats.errors.items()},
        "index": str(index), "server_log": str(log),
    }
    failures = []
    if errors:
        failures.append(f"{errors} request errors")
    if result["worker_restarts"]:
        failures.append(f"{result['worker_restarts']} server worker restarts")
    if growth_mb > args.rss_bound_mb:
        failures.append(f"RSS grew {growth_mb:.1f} MB after warm-up (bound {args.rss_bound_mb} MB)")
    if server.returncode not in (0, -signal.SIGTERM, None):
        failures.append(f"server exited with {server.returncode}")
    if total == 0:
        failures.append("no requests completed")
    result["failures"] = failures
    result["passed"] = not failures
    if result["passed"] and not args.index and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = [f"Soak: {result['duration_s']} s, {result['clients']} client threads, gunicorn "
             f"{result['server_workers']} workers × 8 threads; {result['requests']} requests "
             f"({result['throughput_rps']} req/s), {result['errors']} errors, "
             f"{result['worker_restarts']} worker restarts, {result['keepalive_retries']} keep-alive reconnects.",
             "",
             "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, e in result["endpoints"].items():
        lines.append(f"| `{label}` | {e['requests']} | {e['errors']} | {e['p50_ms']:.1f} | {e['p95_ms']:.1f} | "
                     f"{e['p99_ms']:.1f} | {e['max_ms']:.1f} |")
    rss = result["rss_mb"]
    lines += ["", f"Server RSS (master + workers): {rss['start']} MB at start, {rss['after_warmup']} MB after "
              f"the {rss['warmup_s']:.0f} s warm-up, {rss['end']} MB at the end (peak {rss['peak']} MB): "
              f"growth {rss['growth']} MB, bound {rss['bound']} MB.",
              "", "Result: " + ("**passed**" if result["passed"] else "**FAILED** — " + "; ".join(result["failures"]))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index to serve (default: data/ indexed into a temporary file)")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load (default 180)")
    parser.add_argument("--clients", type=int, default=6, help="client threads (default 6)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds before the RSS baseline (default: a quarter of the run, 8 to 30)")
    parser.add_argument("--rss-bound-mb", type=float, default=100.0,
                        help="allowed RSS growth after warm-up, all server processes together (default 100)")
    parser.add_argument("--sample-every", type=float, default=2.0, help="RSS sampling interval (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary index and server log")
    args = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        parser.error("needs /proc (Linux) to sample the server's memory")
    result = run(args)
    print(markdown(result))
    if result["error_examples"]:
        print("\nerrors:", json.dumps(result["error_examples"], ensure_ascii=False, indent=1), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
