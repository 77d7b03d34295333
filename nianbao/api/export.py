"""Stored cells as CSV, for Excel: the one place CSV rows are made (``GET /api/figures?format=csv``
and ``nianbao figures --format csv`` both call it), with the formula-injection guard."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from nianbao.api.schemas import Record
from nianbao.model import StoredCell

CSV_COLUMNS = list(Record.model_fields)
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
