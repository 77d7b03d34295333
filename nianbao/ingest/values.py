"""Read one table cell's text into a number, keeping what was written apart from the value."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Written forms of "nothing here". Kept as written; the arithmetic value is decided by context.
EMPTY_MARKS = frozenset({"", "—", "——", "-", "－", "–", "/", "／", "无", "\\"})

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_NUMBER = re.compile(
    r"^(?P<num>[-－]?\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>万元|元|件|个|项|次|条)?\s*(?P<note>[（(].*[）)])?$"
)


@dataclass(frozen=True)
class CellValue:
    """A cell's number (None when blank), its note in brackets, and whether it was blank."""

    value: int | float | None
    note: str | None
    blank: bool


def clean(text: str) -> str:
    """Collapse all whitespace (ASCII, full-width, no-break); keep everything else."""
    return _SPACE.sub("", text or "")


def is_value_text(text: str) -> bool:
    """True when a cell holds a number (with an optional unit or note) or an empty mark."""
    compact = clean(text)
    return compact in EMPTY_MARKS or _NUMBER.match(compact) is not None


def parse_value(text: str) -> CellValue:
    """``"22（其中修订16件）"`` → 22 with its note; ``"—"`` → blank; ``"5949.088667"`` → float.

    >>> parse_value(" 27 ").value
    27
    """
    compact = clean(text)
    if compact in EMPTY_MARKS:
        return CellValue(None, None, True)
    match = _NUMBER.match(compact)
    if match is None:
        return CellValue(None, compact, False)
    number = match["num"].replace(",", "").replace("，", "").replace("－", "-")
    if len(number) > 20:  # no table cell counts that high: glued digits, not a number
        return CellValue(None, compact[:40], False)
    value: int | float = float(number) if "." in number else int(number)
    return CellValue(value, match["note"], False)
