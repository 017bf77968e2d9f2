"""Question answering and comparisons over the index (issue 4/6).

    ask(backend, "晋城市财政局2024年“三公”经费预算是多少？") → Answer

- `question.py` parses a plain-Chinese question into a `ParsedQuestion` (unit resolved
  against the units the index holds, year, 预算/决算 basis, measure, question type);
- `answer.py` looks the facts up through the index contract only (`search`,
  `aggregate_metric`, `document(...).parse_json`) and returns DESIGN.md §4's ask contract
  with cited evidence, or `found: false` and "无相关数据" when the corpus does not hold it;
- `compare.py` lays a metric or an item out across units and years (预算 vs 决算, execution
  rate) and links a project that recurs across years into one history.

See docs/qa.md for how it works and the accuracy of the question set.
"""
from __future__ import annotations

from typing import Any

from indexer.qa.answer import Answer, Answerer, Evidence
from indexer.qa.question import Catalog, ParsedQuestion, parse_question

__all__ = ["Answer", "Answerer", "Catalog", "Evidence", "ParsedQuestion", "ask", "parse_question"]


def ask(backend: Any, question: str) -> Answer:
    """Answer one question from what `backend` (any IndexBackend) holds."""
    return Answerer(backend).ask(question)
