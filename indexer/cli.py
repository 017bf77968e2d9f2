"""The `disclosure` console command.

    disclosure parse FILE... [--json]          parse disclosures and print the document model
    disclosure index PATH... [--rebuild]       build or update the index, with a per-file report
    disclosure search [QUERY] [filters] [--json]
    disclosure ask QUESTION [--json]           answer a question in plain Chinese, with its sources
    disclosure serve [--index FILE] [--host H] [--port P]
    disclosure bench generate --docs N --seed S --out DIR [--pdf-share F]
    disclosure bench run --corpus DIR [--workdir DIR] [--report FILE]   (issue 6 benchmarks)

`--json` prints DESIGN.md §4's parse contract (UTF-8, amounts in yuan as numbers, null for
missing values). A file that cannot be read gets one line on stderr saying why, and the
exit status is non-zero; the other files are still parsed.
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from analyzers.amounts import format_yuan_as_wan
from indexer.model import Document, Location
from indexer.records import RECORD_TYPE_LABELS
from indexer.readers import UnreadableDocument

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="disclosure",
        description="预算/决算公开文件的解析、检索与问答 (search Chinese budget disclosures)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="解析文件并输出文档模型 (parse files)")
    parse.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print the parse contract as JSON")
    parse.set_defaults(handler=run_parse)

    index = commands.add_parser("index", help="建立或更新索引 (build or update the index)")
    index.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    _index_option(index)
    index.add_argument("--rebuild", action="store_true", help="re-index every file, replacing the index")
    index.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores)")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.add_argument("--report", type=Path, metavar="FILE", help="also write the report as JSON to FILE")
    index.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="per-file time limit (default 120, or $DISCLOSURE_FILE_TIMEOUT)")
    index.add_argument("--memory-limit", type=int, metavar="MB",
                       help="per-file memory limit (default 1536, or $DISCLOSURE_FILE_MEMORY_MB)")
    index.set_defaults(handler=run_index)

    search = commands.add_parser("search", help="检索 (search the index)")
    search.add_argument("query", nargs="?", default="", metavar="QUERY")
    _index_option(search)
    for name in ("unit", "year", "kind", "type", "table-kind", "region"):
        search.add_argument(f"--{name}", action="append", default=[])
    search.add_argument("--min", help="amount ≥ (500000, 50万, 0.5亿 …)")
    search.add_argument("--max", help="amount ≤")
    search.add_argument("--sort", default="relevance", help="relevance | amount | -amount | year")
    search.add_argument("--page", default="1")
    search.add_argument("--limit", default="20")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=run_search)

    ask = commands.add_parser("ask", help="问答 (answer a question, citing the documents)")
    ask.add_argument("question", metavar="QUESTION", help="如：晋城市财政局2024年“三公”经费预算是多少？")
    _index_option(ask)
    ask.add_argument("--json", action="store_true", help="print DESIGN.md's ask contract as JSON")
    ask.set_defaults(handler=run_ask)

    serve = commands.add_parser("serve", help="启动网站 (serve the web app)")
    _index_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None, help="gunicorn worker processes (default: cores)")
    serve.set_defaults(handler=run_serve)

    bench = commands.add_parser("bench", help="性能基准 (corpus generator and benchmarks)")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True)
    generate = bench_commands.add_parser("generate", help="generate a deterministic corpus with a manifest")
    generate.add_argument("--docs", type=int, required=True)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--pdf-share", type=float, default=0.0, help="share of documents rendered as PDF (0–1)")
    generate.add_argument("--check", type=int, default=0, metavar="K",
                          help="then parse the first K documents and score them against the manifest")
    generate.set_defaults(handler=run_bench_generate)
    bench_run = bench_commands.add_parser("run", help="run the benchmarks on a generated corpus")
    bench_run.add_argument("--corpus", type=Path, required=True)
    bench_run.add_argument("--workdir", type=Path, default=None, help="where indexes go (default: CORPUS/../bench-work)")
    bench_run.add_argument("--workers", type=int, default=None, help="ingest workers (default: cores)")
    bench_run.add_argument("--single-docs", type=int, default=100, help="documents for the 1-worker ingest run")
    bench_run.add_argument("--repeat", type=int, default=30, help="runs of each query")
    bench_run.add_argument("--requests", type=int, default=400, help="requests per web endpoint")
    bench_run.add_argument("--clients", type=int, default=16)
    bench_run.add_argument("--time-cap", type=float, default=30.0, help="seconds per web endpoint at most")
    bench_run.add_argument("--web-workers", type=int, default=None, help="gunicorn workers (default: cores)")
    bench_run.add_argument("--only", default="ingest,queries,web", help="comma list of ingest, queries, web")
    bench_run.add_argument("--index", type=Path, default=None, help="reuse this index when ingest is skipped")
    bench_run.add_argument("--report", type=Path, default=None, help="append the results to this Markdown file")
    bench_run.add_argument("--label", default="Benchmark run", help="heading of the appended section")
    bench_run.set_defaults(handler=run_bench)
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, default=None,
                        help="SQLite index file (default: $DISCLOSURE_INDEX or data/index.sqlite)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_joined_negative_values(sys.argv[1:] if argv is None else argv))
    try:
        return args.handler(args)
    except BrokenPipeError:
        # `disclosure parse … | head` closed the pipe: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def print_json(payload: object) -> None:
    """The `--json` outputs: UTF-8 JSON on stdout (DESIGN.md §4)."""
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _joined_negative_values(argv: list[str]) -> list[str]:
    """`--sort -amount` as `--sort=-amount`: argparse would read -amount as an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in ("--sort",) and arg.startswith("-"):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def run_parse(args: argparse.Namespace) -> int:
    from indexer.parsers.document import parse_file

    documents: list[dict] = []
    status = EXIT_OK
    for path in args.files:
        try:
            document = parse_file(path)
        except UnreadableDocument as error:
            print(f"错误 {error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        except Exception as error:  # a parser bug must not turn into a traceback for users
            if args.debug:
                traceback.print_exc()
            print(f"错误 {path}: 解析失败 (parser error: {type(error).__name__}: {error})", file=sys.stderr)
            status = EXIT_FAILED
            continue
        if args.json:
            documents.append(document.to_json())
        else:
            print(summary(document, path))
    if args.json and documents:
        payload = documents[0] if len(args.files) == 1 else documents
        print_json(payload)
    return status


def run_index(args: argparse.Namespace) -> int:
    from indexer.index import IndexUnavailable, default_index_path, open_index
    from indexer.ingest import SUFFIXES, ingest

    options = _ingest_options(args)
    try:
        if args.rebuild and not _elasticsearch():
            report = _rebuild_sqlite(args, default_index_path(args.index))
        elif args.rebuild:
            backend = open_index(args.index)
            # A new versioned index behind the alias; the alias moves only when complete.
            with backend.rebuild() as fresh:
                report = ingest(args.paths, fresh, rebuild=True, **options)
            backend.close()
        else:
            backend = open_index(args.index)
            report = ingest(args.paths, backend, **options)
            backend.close()
    except IndexUnavailable as error:
        print(f"错误 {error}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as error:  # a limit from the environment that is no number
        print(f"错误 {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print_json(report.to_json())
    else:
        labels = {"indexed": "已索引", "unchanged": "未变化", "failed": "失败"}
        for item in report.files:
            detail = f"{item.records} 条记录" if item.status == "indexed" else (item.reason or "")
            stage = f"[{item.stage}] " if item.stage else ""
            print(f"{labels[item.status]}  {item.path}  {stage}{detail}")
        if report.skipped:
            print(f"跳过 {len(report.skipped)} 个不支持的文件（只读取 {' '.join(sorted(SUFFIXES))}）")
        counts = report.counts()
        print(f"共 {len(report.files)} 个文件：已索引 {counts['indexed']}，未变化 {counts['unchanged']}，"
              f"失败 {counts['failed']}")
    return EXIT_FAILED if report.failed else EXIT_OK


def _ingest_options(args: argparse.Namespace) -> dict:
    return {"workers": args.workers, "progress": not args.quiet and sys.stderr.isatty(),
            "timeout": args.timeout, "memory_mb": args.memory_limit, "report_path": args.report}


def _elasticsearch() -> bool:
    import os

    return os.environ.get("DISCLOSURE_BACKEND", "").lower() in ("elasticsearch", "es")


def _rebuild_sqlite(args: argparse.Namespace, target: Path):
    from indexer.index.sqlite import staged_rebuild
    from indexer.ingest import ingest

    with staged_rebuild(target) as backend:
        return ingest(args.paths, backend, rebuild=True, **_ingest_options(args))


def run_search(args: argparse.Namespace) -> int:
    from indexer.index import IndexUnavailable, open_index
    from indexer.query import QueryError
    from indexer.search import SearchOptions, search

    options = SearchOptions(query=args.query, unit=args.unit, year=args.year, kind=args.kind, type=args.type,
                            table_kind=args.table_kind, region=args.region, min=args.min, max=args.max,
                            sort=args.sort, page=args.page, limit=args.limit)
    try:
        backend = open_index(args.index, readonly=True)
        result = search(backend, options)
    except QueryError as error:
        print(f"错误 {error}", file=sys.stderr)
        return EXIT_USAGE
    except IndexUnavailable as error:
        print(f"错误 {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    print(f"共 {'' if result.total_exact else '约 '}{result.total:,} 条结果")
    for hit in result.hits:
        amount = f"  {format_yuan_as_wan(hit.amount_yuan)}" if hit.amount_yuan is not None else ""
        print(f"[{RECORD_TYPE_LABELS.get(hit.record_type, hit.record_type)}] {hit.name}{amount}"
              f"  — {hit.unit or ''} {hit.year or ''} {Location.from_json(hit.location).describe()}")
    return EXIT_OK


def run_ask(args: argparse.Namespace) -> int:
    from indexer.index import IndexUnavailable, open_index
    from indexer.qa import ask

    question = (args.question or "").strip()
    if not question:
        print("错误 问题不能为空", file=sys.stderr)
        return EXIT_USAGE
    if len(question) > 500:
        print(f"错误 问题过长：最多 500 个字符，现有 {len(question)} 个", file=sys.stderr)
        return EXIT_USAGE
    try:
        backend = open_index(args.index, readonly=True)
        answer = ask(backend, question)
    except IndexUnavailable as error:
        print(f"错误 {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print_json(answer.to_json())
        return EXIT_OK
    print(answer.answer)
    if answer.evidence:
        print("依据：")
        for number, evidence in enumerate(answer.evidence, 1):
            print(f"  [{number}] {evidence.title or evidence.unit or ''}｜{evidence.location_text}")
            if evidence.excerpt:
                print(f"      {evidence.excerpt[:200]}")
    if answer.nearest:
        print("可参考（非所问）：")
        for item in answer.nearest:
            print(f"  - {item.get('unit') or ''} {item.get('year') or ''} {item.get('label') or ''} "
                  f"{item.get('display') or ''}｜{item.get('location_text') or ''}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from webapp.serve import serve

    serve(args.index, args.host, args.port, args.workers)
    return EXIT_OK


def run_bench_generate(args: argparse.Namespace) -> int:
    import time

    from bench.generate import generate

    if args.docs < 1 or not 0 <= args.pdf_share <= 1:
        print("错误 --docs must be ≥ 1 and --pdf-share within 0–1", file=sys.stderr)
        return EXIT_USAGE
    start = time.perf_counter()
    summary_ = generate(args.docs, args.seed, args.out, args.pdf_share)
    print(f"{summary_['docs']} documents ({summary_['pdfs']} PDF), {summary_['bytes'] / 1e6:.1f} MB in "
          f"{time.perf_counter() - start:.1f} s → {args.out} (manifest.jsonl)")
    if args.check:
        from bench.check import accuracy

        scores = accuracy(args.out, args.check)
        for category, score in scores["totals"].items():
            print(f"  {category}: {score['right']}/{score['of']} ({score['share']:.1%})")
        for miss in scores["misses"][:20]:
            print(f"  miss {miss[0]} {miss[1]}: {miss[2]}", file=sys.stderr)
        for failure in scores["failures"]:
            print(f"  failed {failure}", file=sys.stderr)
    return EXIT_OK


def run_bench(args: argparse.Namespace) -> int:
    import shlex

    from bench.run import markdown, report_section, run

    workdir = args.workdir or args.corpus.resolve().parent / "bench-work"
    results = run(args.corpus, workdir, workers=args.workers, single_docs=args.single_docs, repeat=args.repeat,
                  requests=args.requests, clients=args.clients, time_cap=args.time_cap,
                  only={x.strip() for x in args.only.split(",") if x.strip()}, index=args.index,
                  web_workers=args.web_workers)
    print(markdown(results))
    if args.report:
        command = "disclosure " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "disclosure bench run"
        with open(args.report, "a", encoding="utf-8") as handle:
            handle.write("\n" + report_section(results, command, args.label))
        print(f"appended to {args.report}", file=sys.stderr)
    return EXIT_OK


def summary(document: Document, path: Path) -> str:
    """A human-readable page about one parsed document."""
    info = document.document
    kind = {"budget": "预算", "final_account": "决算"}.get(info.kind or "", "未知")
    scope = {"unit": "单位", "department": "部门"}.get(info.scope or "", "")
    region = " ".join(x for x in (info.province, info.city, info.county) if x) or "未知地区"
    lines = [
        f"{path}",
        f"  {info.title or '（无标题）'}",
        f"  单位：{info.unit or '未知'}    年度：{info.year or '未知'}    类型：{scope}{kind}    地区：{region}",
        f"  章节 {len(document.sections)}  报表 {len(document.tables)}  表内行 {len(document.line_items)}  "
        f"绩效目标表 {len(document.forms)}  项目自评 {len(document.self_evaluations)}  关键指标 {len(document.metrics)}",
    ]
    shown: set[str] = set()
    figures = []
    for metric in document.metrics:
        if metric.key in shown:
            continue
        shown.add(metric.key)
        value = format_yuan_as_wan(metric.value) if metric.unit == "元" else f"{metric.value}{metric.unit}"
        figures.append(f"    {metric.label}：{value}（{metric.source.describe()}）")
    if figures:
        lines.append("  关键指标：")
        lines.extend(figures)
    projects = [i for i in document.line_items
                if i.table_kind in ("project_expenditure", "project_carryover") and not i.is_subtotal]
    if projects:
        lines.append(f"  项目支出（{len(projects)}项）：")
        for item in projects:
            group = f"［{item.group}］" if item.group else ""
            lines.append(f"    {group}{item.name}：{format_yuan_as_wan(item.amount_yuan)}")
    if document.forms:
        lines.append(f"  绩效目标表（{len(document.forms)}张）：")
        for form in document.forms:
            lines.append(f"    {form.project}（{form.implementer or '实施单位未知'}）年度资金 "
                         f"{format_yuan_as_wan(form.annual_funds_yuan)}，指标 {len(form.indicators)} 个")
    if document.warnings:
        lines.append(f"  提示（{len(document.warnings)}条）：")
        lines.extend(f"    - {w}" for w in document.warnings)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
