"""Cells from flat tables: web text that glued each row's numbers into one digit string."""

from __future__ import annotations

from collections.abc import Iterable

from ingest.model import Table
from ingest.tables import Extraction


def extract_flat(tables: Iterable[Table]) -> Extraction:
    """Split each flat row's digits where the arithmetic rules leave one way; report the rest."""
    result = Extraction()
    for _ in tables:
        result.warnings.append("flat table: digit splitting not yet available")
    return result
