"""Rows for a spreadsheet: CSV text with the formula-injection guard, the one place CSV is made
(``GET /api/figures?format=csv``, ``nianbao figures --format csv`` and the per-body export).

>>> csv_value("=HYPERLINK(0)")
"'=HYPERLINK(0)"
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def csv_value(value: object) -> object:
    """Text from a report that a spreadsheet would run as a formula (=, +, -, @) gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(value):
        return "'" + value
    return "" if value is None else value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A header row and the rows, every value guarded."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows({k: csv_value(row.get(k)) for k in columns} for row in rows)
    return out.getvalue()
