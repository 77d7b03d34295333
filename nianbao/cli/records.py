"""The rows ``nianbao figures`` and ``nianbao check`` print as JSON and CSV, as plain dicts: the
fields and values of the API's ``Record`` and ``FindingOut`` (``api.schemas``), without
importing pydantic or the web app for a command that reads a few rows.
``tests/cli/test_records.py`` holds them equal to the API's models on every cell and finding of
the corpus.

>>> cell_record(cell)["key"]
't3.new_received.total'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
