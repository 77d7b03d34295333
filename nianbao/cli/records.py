"""The rows ``nianbao figures`` and ``nianbao check`` print as JSON and CSV, and the answer
``nianbao ask`` prints, as plain dicts: the fields and values of the API's ``Record``,
``FindingOut`` and ``ChatResponse`` (``api.schemas``), without importing pydantic or the web app
for a command that reads a few rows. ``tests/cli/test_records.py`` holds them equal to the API's
models on every cell and finding of the corpus and on answers of every kind.

>>> cell_record(cell)["key"]
't3.new_received.total'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from nianbao.answer.model import Answer
from nianbao.model import StoredCell, StoredFinding

#: The fields of ``api.schemas.Record``, in its order: the JSON keys and the CSV columns.
RECORD_FIELDS = (
    "source",
    "body",
    "year",
    "key",
    "value",
    "as_written",
    "table",
    "row_label",
    "column_label",
    "page",
)


def cell_record(cell: StoredCell) -> dict[str, Any]:
    """A stored cell as ``GET /api/figures`` gives it."""
    return {name: getattr(cell, name) for name in RECORD_FIELDS}


def finding_record(finding: StoredFinding) -> dict[str, Any]:
    """A finding as ``GET /api/findings`` gives it (its numbers as floats, as the API's are)."""
    return {
        "source": finding.source,
        "body": finding.body,
        "year": finding.year,
        "rule": finding.rule,
        "keys": list(finding.keys),
        "numbers": [float(n) for n in finding.numbers],
        "message": finding.message,
        "quote": finding.quote,
    }


def figures_csv(cells: Iterable[StoredCell]) -> str:
    """A header row and one row per cell (``GET /api/figures?format=csv``)."""
    from nianbao.review.spreadsheet import csv_text

    return csv_text(list(RECORD_FIELDS), map(cell_record, cells))


#: The fields of ``api.schemas.CitationOut``, in its order (``key`` is the cited cell's).
CITATION_FIELDS = ("source", "body", "year", "locator", "quote", "report_id", "page", "key")


def chat_record(answer: Answer, keys: list[str | None]) -> dict[str, Any]:
    """An answer as ``POST /api/chat`` gives it (``ChatResponse.from_answer``); ``keys`` gives
    each citation's cell key (None for text)."""
    return {
        "conversation_id": answer.conversation_id,
        "status": answer.status,
        "answer": answer.text,
        "citations": [
            {**{name: getattr(c, name) for name in CITATION_FIELDS[:-1]}, "key": key}
            for c, key in zip(answer.citations, keys, strict=True)
        ],
        "figures": [dict(f) for f in answer.figures],
        "options": list(answer.options),
        "conversation_new": answer.conversation_new,
        "confidence": answer.confidence,
    }


def chat_json(record: dict[str, Any]) -> str:
    """The record as ``nianbao ask --json`` prints it: ``ChatResponse.model_dump_json(indent=1)``'s
    text (an answer's floats are cell values and rounded confidences, which both write alike)."""
    return json.dumps(record, ensure_ascii=False, indent=1)
