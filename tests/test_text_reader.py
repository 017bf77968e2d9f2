"""Text extractions: both table formats, every encoding the samples come in, bad bytes."""
from pathlib import Path

import pytest

from indexer.readers import Paragraph, TableBlock, UnreadableDocument, read_blocks

MARKDOWN = """晋城市人民政府办公室

2023年项目支出预算表（本年预算）

单位：万元

| 项目名称 | 合计 |
|------|----|
| 市政府办培训费 | 25.00 |

| | |
|--|--|
| 市委市政府督查办培训经费 | 25.00 |
"""

TSV = "2023年项目支出预算表（本年预算）\n\n项目名称\t合计\n业务费\t111.00\n\n12345政府服务热线\t76.10"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_markdown_tables_and_paragraphs_keep_their_lines(tmp_path):
    result = read_blocks(write(tmp_path, "a.txt", MARKDOWN.encode()))
    paragraphs = [b for b in result.blocks if isinstance(b, Paragraph)]
    tables = [b for b in result.blocks if isinstance(b, TableBlock)]
    assert paragraphs[0].text == "晋城市人民政府办公室" and paragraphs[0].location.line == 1
    assert tables[0].rows == [["项目名称", "合计"], ["市政府办培训费", "25.00"]]
    assert tables[0].row_locations[1].line == 9
    # The empty markdown header row of a continuation is dropped; the block says it follows a break.
    assert tables[1].rows == [["市委市政府督查办培训经费", "25.00"]]
    assert tables[1].after_break and not tables[0].after_break


def test_tab_separated_rows_and_an_unterminated_last_line(tmp_path):
    result = read_blocks(write(tmp_path, "b.txt", TSV.encode()))
    tables = [b for b in result.blocks if isinstance(b, TableBlock)]
    assert tables[0].rows[-1] == ["业务费", "111.00"]
    # The last line has no newline and holds a table row: it must not be lost.
    assert tables[1].rows == [["12345政府服务热线", "76.10"]]
    assert tables[1].after_break


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")])
def test_encodings(tmp_path, encoding, bom):
    path = write(tmp_path, "c.txt", bom + TSV.encode(encoding))
    result = read_blocks(path)
    assert result.blocks[0].text == "2023年项目支出预算表（本年预算）"
    if encoding != "utf-8":
        assert any("gb18030" in w for w in result.warnings)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\n\n   \n", "empty"),
    (b"\x00\x01\x02binary\x00junk" * 50, "binary"),
])
def test_bad_text_files_are_refused_with_a_reason(tmp_path, data, reason):
    with pytest.raises(UnreadableDocument) as error:
        read_blocks(write(tmp_path, "bad.txt", data))
    assert error.value.reason == reason
    assert "bad.txt" in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableDocument) as error:
        read_blocks(tmp_path / "nope.txt")
    assert error.value.reason == "missing"


def test_pdf_extension_without_pdf_bytes_is_corrupt(tmp_path):
    with pytest.raises(UnreadableDocument) as error:
        read_blocks(write(tmp_path, "x.pdf", "不是PDF".encode()))
    assert error.value.reason == "corrupt"
