"""The `disclosure` console command.

    disclosure parse FILE... [--json]   parse disclosures and print the document model

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
from indexer.model import Document
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # `disclosure parse … | head` closed the pipe: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


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
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return status


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
