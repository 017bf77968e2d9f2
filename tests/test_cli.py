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
