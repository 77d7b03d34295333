"""What a search may be restricted to: bodies, years, top-level sections, a kind.

Kept apart from the backends (Chroma in ``vectors``, PostgreSQL in ``pgindex``) so that either
can be imported without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Restrict a search to exact values: body names, years, top-level sections (or table
    names), a kind. ``None`` leaves a field free; an empty tuple matches nothing."""

    bodies: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    sections: tuple[str, ...] | None = None
    kind: str | None = None

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause, or None for no filter."""
        terms: list[dict[str, Any]] = []
        if self.bodies is not None:
            terms.append({"body": {"$in": list(self.bodies)}})
        if self.years is not None:
            terms.append({"year": {"$in": list(self.years)}})
        if self.sections is not None:
            terms.append({"section": {"$in": list(self.sections)}})
        if self.kind is not None:
            terms.append({"kind": self.kind})
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else {"$and": terms}

    @property
    def active(self) -> bool:
        """True when any field restricts the search."""
        return any(v is not None for v in (self.bodies, self.years, self.sections, self.kind))

    @property
    def empty(self) -> bool:
        """True when a field can match nothing, so a search need not run."""
        return () in (self.bodies, self.years, self.sections)


#: No restriction.
NO_FILTERS = Filters()
