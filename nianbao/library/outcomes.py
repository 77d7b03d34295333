"""What the Library tells its callers: one file's ``Outcome``, a version's ``Change``, and the
rules that decide them (which version's records are kept, when a body or year given with a file
is refused)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from nianbao import store
from nianbao.model import Cell, Report, StoredReport
from nianbao.retrieval.bodies import BodyResolver, same_body

Status = Literal["ingested", "replaced", "unchanged", "same_report", "kept_current", "refused", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: the CLI prints it, the API returns it.

    ``kept_current``: the file is stored as a version but reads fewer cells than the current
    one (``current_id``, ``current_cells``), which stays current until the file is ingested
    with ``force``. ``refused``: the body or year given with the file contradicts the file's
    own title; nothing is stored. ``partial`` names the standard tables the file has but that
    were read in part (``表三: 0 of 175 cells read``).
    """

    source: str
    status: Status
    message: str
    report_id: str | None = None
    cells: int = 0
    current_id: str | None = None
    current_cells: int | None = None
    partial: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """What a delete or a restore did to a version; ``previous`` is the version a restore took
    over from (no longer current, still stored)."""

    report_id: str
    action: Literal["delete", "restore", "unchanged"]
    message: str
    previous: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A file read, extracted, chunked and embedded: the slow part of an ingest, done before the
    write transaction opens, so the transaction only writes rows."""

    report: Report
    rows: list[dict]
    vectors: Any = None


def cli_actor() -> str:
    """Who a command-line change is logged as: ``cli:`` and the user name."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def readable(cells: Iterable[Cell]) -> int:
    """How many cells hold a number (a blank or unreadable cell does not count)."""
    return sum(1 for c in cells if c.value is not None)


def better(new: Report, old: StoredReport, old_cells: list[Cell]) -> bool:
    """Keep the version with more readable cells; on a tie, the more structured format."""
    return (readable(new.cells), store.FORMAT_RANK.get(new.meta.format, 0)) > (
        readable(old_cells),
        store.FORMAT_RANK.get(old.meta.format, 0),
    )


def already(known: StoredReport, source: str) -> Outcome:
    """A file whose bytes are stored already: nothing changes, whatever the version's state
    (the tables it read in part are named again)."""
    where = f"already stored as {known.meta.source}"
    if known.deleted_at:
        where += f", deleted at {known.deleted_at}; `nianbao restore {known.meta.id}` brings it back"
    elif not known.current:
        where += f", a version that is not current; `nianbao restore {known.meta.id}` makes it current"
    partial = tuple(str(c) for c in known.partial)
    if partial:
        where += "; read in part: " + ", ".join(partial)
    return Outcome(source, "unchanged", where, known.meta.id, partial=partial)


def identity_conflict(
    source: str, named_body: str | None, named_year: int | None, body: str | None, year: int | None
) -> str | None:
    """Why a body or year given with a file cannot be used: the file names another one."""
    problems: list[str] = []
    if body and named_body and not _same_body(body, named_body):
        problems.append(f"the file names the body {named_body}, not {body}")
    if year and named_year and year != named_year:
        problems.append(f"the file names the year {named_year}, not {year}")
    if not problems:
        return None
    return (
        f"{source}: {'; '.join(problems)}. A body or year given with a file only fills what the "
        "file does not say; upload it without them, or check that it is the file you meant"
    )


def _same_body(given: str, named: str) -> bool:
    """Whether a body given with a file is the one its title names, written another way (a
    shorter or longer name, a short form people use: 市中区政府办)."""
    if same_body(given, named):
        return True
    return any(named in m.exact for m in BodyResolver([named]).resolve(given))


def describe(report: Report, old: StoredReport | None) -> tuple[Status, str]:
    """The status and message of a report made current (``old``: the version it took over from)."""
    m = report.meta
    what = f"{m.body} {m.year or '年份未知'}: {len(report.cells)} cells, {len(report.findings)} findings"
    if report.warnings and not report.cells:
        what += f" ({report.warnings[-1]})"
    if report.partial:
        what += "; read in part: " + ", ".join(str(c) for c in report.partial)
    if old is None:
        return "ingested", what
    if old.meta.format != m.format:
        return "replaced", f"{what}; same report as {old.meta.source}, kept the records of {m.source}"
    return "replaced", f"{what}; new version replaces {old.meta.source}"
