"""CSV for Excel: stored cells (``GET /api/figures?format=csv`` and ``nianbao figures --format
csv``) and the 赞/踩 feedback (``GET /api/feedback?format=csv`` and ``nianbao feedback --format
csv``). The formula-injection guard and the writing of rows are ``review.spreadsheet``'s, the one
place CSV is made (the staff's rates and per-body export use it too)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from nianbao.api.schemas import Record
from nianbao.model import Feedback, StoredCell
from nianbao.review.spreadsheet import csv_text, csv_value

CSV_COLUMNS = list(Record.model_fields)
FEEDBACK_COLUMNS = ["at", "rating", "comment", "question", "answer", "status", "sources", "conversation_id"]


def figures_csv(cells: Iterable[StoredCell]) -> str:
    """A header row and one row per cell, with the columns of the JSON records."""
    return csv_text(CSV_COLUMNS, (Record.of(c).model_dump() for c in cells))


def feedback_csv(entries: Iterable[Feedback]) -> str:
    """A header row and one row per rating, newest first as given; times in UTC (ISO 8601)."""
    rows = (
        {**e.__dict__, "at": datetime.fromtimestamp(e.at, UTC).isoformat(timespec="seconds")} for e in entries
    )
    return csv_text(FEEDBACK_COLUMNS, rows)


__all__ = ["CSV_COLUMNS", "FEEDBACK_COLUMNS", "csv_value", "feedback_csv", "figures_csv"]
