"""Which bodies and years are stored: a matrix of bodies × years, and each body's gaps (years
between its first and last stored report that have none).

>>> [(b.body, b.missing) for b in coverage(catalog).bodies if b.missing]
[('上海市人民政府办公厅', (2020, 2021, 2022, 2023, 2024))]
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.catalog import Catalog


@dataclass(frozen=True)
class StoredYear:
    """A body's report of one year: its id and file."""

    year: int
    report_id: str
    source: str


@dataclass(frozen=True)
class BodyCoverage:
    """One body: the years stored, and the years missing between its first and last."""

    body: str
    stored: tuple[StoredYear, ...]
    missing: tuple[int, ...]
    undated: int = 0  #: reports stored without a year

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(s.year for s in self.stored)


@dataclass(frozen=True)
class Coverage:
    """Every body and the span of years over all of them (first to last year stored)."""

    years: tuple[int, ...]
    bodies: tuple[BodyCoverage, ...]

    @property
    def gaps(self) -> int:
        """How many body-years are missing between a body's first and last report."""
        return sum(len(b.missing) for b in self.bodies)


def coverage(catalog: Catalog) -> Coverage:
    """The current reports by body and year (one body under one name: aliases are merged when
    stored), with each body's gaps."""
    bodies = []
    for body, reports in sorted(catalog.by_body().items()):
        dated = sorted((r for r in reports if r.meta.year), key=lambda r: r.meta.year or 0)
        stored = tuple(StoredYear(r.meta.year or 0, r.meta.id, r.meta.source) for r in dated)
        years = {s.year for s in stored}
        first, last = (min(years), max(years)) if years else (0, -1)
        missing = tuple(y for y in range(first, last + 1) if y not in years)
        bodies.append(BodyCoverage(body, stored, missing, len(reports) - len(dated)))
    every = {s.year for b in bodies for s in b.stored}
    span: tuple[int, ...] = tuple(range(min(every), max(every) + 1)) if every else ()
    return Coverage(span, tuple(bodies))
