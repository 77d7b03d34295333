"""CSV for Excel: the one place CSV rows are made, with the formula-injection guard. Stored
cells (``GET /api/figures?format=csv`` and ``nianbao figures --format csv``) and the 赞/踩
feedback (``GET /api/feedback?format=csv`` and ``nianbao feedback --format csv``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from nianbao.api.schemas import Record
from nianbao.model import Feedback, StoredCell

CSV_COLUMNS = list(Record.model_fields)
FEEDBACK_COLUMNS = ["at", "rating", "comment", "question", "answer", "status", "sources", "conversation_id"]
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def figures_csv(cells: Iterable[StoredCell]) -> str:
    """A header row and one row per cell, with the columns of the JSON records."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows({k: csv_value(v) for k, v in Record.of(c).model_dump().items()} for c in cells)
    return out.getvalue()


def csv_value(value: object) -> object:
    """Text from a report that a spreadsheet would run as a formula (=, +, -, @) gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(value):
        return "'" + value
    return "" if value is None else value


def feedback_csv(entries: Iterable[Feedback]) -> str:
    """A header row and one row per rating, newest first as given; times in UTC (ISO 8601)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FEEDBACK_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for e in entries:
        row = {**e.__dict__, "at": datetime.fromtimestamp(e.at, UTC).isoformat(timespec="seconds")}
        writer.writerow({k: csv_value(v) for k, v in row.items()})
    return out.getvalue()
