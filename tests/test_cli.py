"""`disclosure parse` as other tools call it: a real process, real files."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2023-budget-datong-yungang-government-office.txt"


def disclosure(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=120)


def test_console_script_is_installed():
    script = Path(sys.executable).parent / ("disclosure.exe" if os.name == "nt" else "disclosure")
    assert script.exists(), "pip install -e . provides the `disclosure` command"


def test_parse_json_contract():
    result = disclosure("parse", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"document", "sections", "tables", "line_items", "forms",
                         "self_evaluations", "metrics", "warnings"}
    assert set(data["document"]) == {"unit", "year", "kind", "scope", "province", "city", "county", "title"}
    hotline = next(i for i in data["line_items"] if i["name"] == "12345政府服务热线")
    # 76.10万元 in the 项目支出预算表, as a number of yuan, never a string.
    assert hotline["amount_yuan"] == 761000 and isinstance(hotline["amount_yuan"], int)
    assert hotline["table_kind"] == "project_expenditure"
    assert hotline["group"] == "大同市云冈区人民政府办公室"
    assert hotline["location"]["line"] > 0 and "项目支出预算表" in hotline["location"]["table"]
    form = next(f for f in data["forms"] if f["project"] == "12345政府服务热线")
    assert form["annual_funds_yuan"] == 761000
    indicator = form["indicators"][0]
    assert set(indicator) == {"level1", "level2", "level3", "value", "op", "number", "unit", "side"}
    metric = data["metrics"][0]
    assert set(metric) == {"key", "label", "value", "unit", "source"}


def test_parse_summary_for_people():
    result = disclosure("parse", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "大同市云冈区人民政府办公室" in result.stdout
    assert "12345政府服务热线：76.10万元" in result.stdout


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "空文件"),
    ("junk.bin", os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00", "二进制"),
    ("notes.txt", "会议纪要\n今天讨论了食堂菜单。\n".encode(), "不是预算"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF"),
])
def test_bad_input_is_one_clear_line_and_a_failing_exit(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    result = disclosure("parse", str(path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and name in lines[0]
    assert "Traceback" not in result.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = disclosure("parse", str(bad), str(SAMPLE), "--json")
    assert result.returncode == 1
    documents = json.loads(result.stdout)
    assert [d["document"]["unit"] for d in documents] == ["大同市云冈区人民政府办公室"]


# ---- index and search ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for sample in (ROOT / "data").glob("*.txt"):
        (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    index = folder / "index.sqlite"
    result = disclosure("index", str(folder), "--index", str(index), "--json")
    return folder, index, result


def test_index_reports_every_file_and_fails_when_one_failed(indexed):
    folder, index, result = indexed
    assert result.returncode == 1  # the empty file failed; the others are indexed
    report = json.loads(result.stdout)
    assert report["counts"] == {"indexed": 4, "unchanged": 0, "failed": 1}
    [failed] = [f for f in report["files"] if f["status"] == "failed"]
    assert failed["path"].endswith("empty.txt") and failed["stage"] == "read" and "空文件" in failed["reason"]
    again = disclosure("index", *[str(p) for p in folder.glob("2023*.txt")], "--index", str(index))
    assert again.returncode == 0 and "未变化" in again.stdout


def test_search_json_contract(indexed):
    _, index, _ = indexed
    result = disclosure("search", "培训费", "--index", str(index), "--json", "--year", "2023")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # DESIGN §4's keys, and what says whether the total was counted or estimated
    assert set(data) == {"total", "hits", "facets", "total_exact", "facets_sample"}
    assert data["total_exact"] is True and data["facets_sample"] is None
    hit = data["hits"][0]
    assert {"record_type", "doc_id", "unit", "year", "kind", "title", "name", "table_kind", "group",
            "is_subtotal", "amount_yuan", "snippet", "location"} <= set(hit)
    assert all(h["year"] == 2023 for h in data["hits"])
    assert data["facets"]["year"] == {"2023": data["total"]}


def test_search_sorts_by_descending_amount_and_reads_any_unit(indexed):
    _, index, _ = indexed
    result = disclosure("search", "--index", str(index), "--type", "line_item", "--table-kind",
                        "project_expenditure", "--min", "0.01亿", "--sort", "-amount", "--json")
    amounts = [h["amount_yuan"] for h in json.loads(result.stdout)["hits"]]
    assert amounts == sorted(amounts, reverse=True) and min(amounts) >= 1_000_000


def test_search_bad_option_names_it(indexed):
    _, index, _ = indexed
    result = disclosure("search", "培训费", "--index", str(index), "--min", "很多")
    assert result.returncode == 2 and "min" in result.stderr and "Traceback" not in result.stderr


def test_search_without_an_index_says_so(tmp_path):
    result = disclosure("search", "培训费", "--index", str(tmp_path / "none.sqlite"))
    assert result.returncode == 1 and "disclosure index" in result.stderr


def test_rebuild_swaps_in_a_complete_index(indexed, tmp_path):
    folder, _, _ = indexed
    index = tmp_path / "rebuilt.sqlite"
    first = disclosure("index", str(folder / "2023-budget-jincheng-city-government-office.txt"), "--index", str(index))
    assert first.returncode == 0
    rebuilt = disclosure("index", str(folder / "2024-budget-jincheng-finance-bureau.txt"), "--index", str(index),
                         "--rebuild", "--json")
    assert json.loads(rebuilt.stdout)["counts"]["indexed"] == 1
    units = json.loads(disclosure("search", "--index", str(index), "--json").stdout)["facets"]["unit"]
    assert set(units) == {"晋城市财政局"}  # the rebuild replaced the whole index
    assert not (tmp_path / "rebuilt.sqlite.rebuild").exists()
