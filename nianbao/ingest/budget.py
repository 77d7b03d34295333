"""What reading a file costs, counted against its :class:`~nianbao.settings.Budget`.

The readers call these as they go, before the expensive step each one guards; over the budget
they raise :class:`~nianbao.ingest.errors.OverBudget`, which skips the file with the reason.

>>> check_chars(Budget(chars=10), "a.txt", 11)
Traceback (most recent call last):
...
nianbao.ingest.errors.OverBudget: a.txt: over budget: 11 characters of text; the limit is 10 ...
"""

from __future__ import annotations

from nianbao.ingest.errors import OverBudget
from nianbao.model import Document
from nianbao.settings import Budget

__all__ = ["Budget", "check_bytes", "check_chars", "check_document"]


def check_bytes(budget: Budget, source: str, size: int) -> None:
    """The file's size, before anything reads it."""
    if size > budget.file_bytes:
        raise OverBudget(source, f"the file is {size:,} bytes", "file_bytes", budget.file_bytes)


def check_chars(budget: Budget, source: str, chars: int, where: str = "") -> None:
    """Characters of text read so far (``where``: how far the reader got, for the message)."""
    if chars > budget.chars:
        raise OverBudget(source, f"{chars:,} characters of text{where}", "chars", budget.chars)


def check_document(budget: Budget, doc: Document) -> None:
    """A whole Document: its characters and its table cells."""
    check_chars(budget, doc.source, len(doc.text))
    cells = sum(len(row) for table in doc.tables for row in table.rows)
    if cells > budget.table_cells:
        raise OverBudget(doc.source, f"{cells:,} table cells", "table_cells", budget.table_cells)
