"""Extraction damage (DESIGN.md §1) gives warnings, never crashes: the samples with cells
shifted, merged and dropped, numbers spaced or cut short, labels broken, lines lost."""
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.model import Document
from indexer.parsers.document import parse_blocks
from indexer.readers import UnreadableDocument
from indexer.readers.text import blocks_from_lines

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted((ROOT / "data").glob("*.txt"))}


def damage_line(line: str, rng: random.Random) -> str:
    separator = "\t" if "\t" in line else ("|" if line.startswith("|") else None)
    if separator is None:
        if len(line) > 4 and rng.random() < 0.5:
            cut = rng.randrange(1, len(line))
            return line[:cut] + " " + line[cut:]  # a label broken in two
        return line
    cells = line.split(separator)
    operation = rng.choice(["shift", "merge", "drop", "space", "truncate", "empty"])
    index = rng.randrange(len(cells))
    if operation == "shift":
        cells.insert(index, "")
    elif operation == "merge" and index + 1 < len(cells):
        cells[index:index + 2] = [cells[index] + cells[index + 1]]
    elif operation == "drop":
        cells.pop(index)
    elif operation == "space" and len(cells[index]) > 2:
        cut = rng.randrange(1, len(cells[index]))
        cells[index] = cells[index][:cut] + " " + cells[index][cut:]
    elif operation == "truncate" and any(ch.isdigit() for ch in cells[index]):
        cells[index] = cells[index][:-1]
    elif operation == "empty":
        cells[index] = ""
    return separator.join(cells)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), seed=st.integers(0, 2**32 - 1),
       rate=st.floats(0.01, 0.3), lost=st.floats(0, 0.05))
def test_damaged_samples_parse_or_are_refused_cleanly(name, seed, rate, lost):
    rng = random.Random(seed)
    lines = [damage_line(line, rng) if rng.random() < rate else line
             for line in SAMPLES[name] if rng.random() >= lost]
    try:
        document = parse_blocks(blocks_from_lines(lines), name)
    except UnreadableDocument as error:
        assert error.reason == "not_a_disclosure"
        return
    assert isinstance(document, Document)
    document.to_json()  # every value stays serialisable
