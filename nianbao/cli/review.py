"""The staff's commands: ``rates``, ``audit``, ``diff``, ``export`` and ``coverage``
(``nianbao.review``; the same rows as GET /api/rates, /api/audit, /api/diff, /api/export and
/api/coverage). ``--format json`` prints the API's models.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.exceptions import Exit

from nianbao.cli import _catalog, _console, app, body_option, escape, years_option

if TYPE_CHECKING:
    from nianbao.review.changes import Changes

T = TypeVar("T")


def _reviewed(make: Callable[[], T]) -> T:
    """The value, or the review's error on stderr and exit code 1 (a body or year not stored, a
    name that fits several bodies, years that cannot be read)."""
    from nianbao.review.choose import ReviewError

    try:
        return make()
    except (ReviewError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise Exit(1) from None


def _json(rows: Any) -> None:
    print(json.dumps(rows, ensure_ascii=False, indent=1))


@app.command()
@body_option
@years_option
@click.option("--format", default="table", help="table, csv or json")
def rates(body: str | None, year: tuple[int, ...], format: str) -> None:
    """Derived rates (实质公开率, 复议纠错率, 申请人结构 …) of each report, each with its formula and
    the cells it used; a rate over fewer than 30 cases says 样本较少."""
    from nianbao.review.rates import report_rates, sample_note

    found = report_rates(_catalog(), body, year or [])
    if format == "json":
        from nianbao.api.review_schemas import RateOut

        _json([RateOut.of(r).model_dump() for r in found])
        return
    if format == "csv":
        from nianbao.review.rates import rates_csv

        sys.stdout.write(rates_csv(found))
        return
    from rich.table import Table as RichTable

    table = RichTable("body", "year", "rate", "%", "formula", "note", "cells (file · table · row · column)")
    for r in found:
        cells = "\n".join(dict.fromkeys(f"{c.source} · {c.locator}" for c in r.cells))
        percent = "" if r.percent is None else f"{r.percent:.1f}"
        table.add_row(
            *map(escape, (r.body, str(r.year), r.rate.label, percent, r.formula, sample_note(r), cells))
        )
    _console().print(table)
    if not found:
        _console().print("no rates: no stored report of that body and year has the figures they need")


@app.command()
@body_option
@years_option
@click.option("--id", "report_id", help="One version instead")
@click.option("--problems", is_flag=True, help="Only the items that are problems")
@click.option("--format", default="text", help="text or json")
def audit(
    body: str | None, year: tuple[int, ...], report_id: str | None, problems: bool, format: str
) -> None:
    """Completeness audit: six parts in order, three tables with every cell filled, part 五
    naming this year's problems, fees explained in 六, year/body/date consistent, and the
    arithmetic findings; each item with its place. (Who changed what: `nianbao audit-log`.)"""
    from nianbao.review.audit import audit as audit_of
    from nianbao.review.audit import audit_reports

    catalog = _catalog()
    if report_id is not None:
        one = audit_of(catalog, report_id)
        if one is None:
            print(f"error: no report with id {report_id}; `nianbao reports` lists them", file=sys.stderr)
            raise Exit(1)
        found = [one]
    else:
        found = audit_reports(catalog, body, year or [])
    if format == "json":
        from nianbao.api.review_schemas import ReportAuditOut

        _json([ReportAuditOut.of(a).model_dump() for a in found])
        return
    console = _console()
    styles = {"ok": "green", "problem": "red", "unknown": "yellow"}
    words = {"ok": "ok     ", "problem": "problem", "unknown": "unknown"}
    for done in found:
        meta = done.report.meta
        console.print(f"[bold]{escape(meta.body)} {meta.year}[/] ({escape(meta.source)}): {done.summary}")
        for item in done.items:
            if problems and item.status != "problem":
                continue
            quote = f"\n      「{escape(item.quote)}」" if item.quote else ""
            console.print(
                f"  [{styles[item.status]}]{words[item.status]}[/] {escape(item.message)}"
                f"\n      [dim]{escape(item.where)}[/]{quote}",
                highlight=False,
            )
    if not found:
        console.print("no stored report of that body and year")


@app.command()
@click.argument("body", help="The body (平潭, 洪泽区政府, or the full name)")
@click.argument("year", type=int, help="A year")
@click.argument(
    "year2", type=int, required=False, help="The other year (default: the latest stored before YEAR)"
)
@click.option("--format", default="text", help="text or json")
def diff(body: str, year: int, year2: int | None, format: str) -> None:
    """What changed between two years' reports of one body: every changed cell with both values
    and the change, the rates, and the sentences added, removed or rewritten by part."""
    from nianbao.review import choose
    from nianbao.review.changes import changes

    catalog = _catalog()

    def pick() -> Changes | None:
        before, after = choose.pair(catalog, choose.one_body(catalog, body), year, year2)
        return changes(catalog, before.meta.id, after.meta.id)

    found = _reviewed(pick)
    if found is None:
        raise Exit(1)
    if format == "json":
        from nianbao.api.review_schemas import DiffOut

        print(DiffOut.of(found).model_dump_json(indent=1))
        return
    _print_changes(found)


def _print_changes(ch: Changes) -> None:
    from rich.table import Table as RichTable

    from nianbao.review.changes import KIND_WORDS, cell_text, signed, summary_line

    console = _console()
    a, b = ch.before.meta, ch.after.meta
    console.print(f"[bold]{escape(b.body)}[/] {a.year} ({escape(a.source)}) → {b.year} ({escape(b.source)})")
    console.print(summary_line(ch), markup=False, highlight=False)
    table = RichTable("key", "cell (table · row · column)", str(a.year), str(b.year), "change")
    for c in ch.cells:
        where = (c.after or c.before).locator if (c.after or c.before) else ""  # type: ignore[union-attr]  # one of them is a cell
        table.add_row(*map(escape, (c.key, where, cell_text(c.before), cell_text(c.after), signed(c.change))))
    console.print(table)
    for r in ch.rates:
        before = r.before.formula if r.before else "—"
        after = r.after.formula if r.after else "—"
        points = "" if r.points is None else f"（{signed(r.points)}个百分点）"
        console.print(f"{r.label}: {before} → {after}{points}", markup=False, highlight=False)
    for t in ch.text:
        words = {"added": t.after, "removed": t.before, "rewritten": f"{t.before}\n      → {t.after}"}[t.kind]
        console.print(f"  {t.part_title} {KIND_WORDS[t.kind]}: {words}", markup=False, highlight=False)


@app.command()
@click.option("--body", required=True, help="The body (平潭综合实验区, or a name people use)")
@click.option("--years", required=True, help="2021-2025, or 2021,2023")
@click.option("--format", default="docx", help="docx or csv")
@click.option(
    "--out", type=click.Path(path_type=Path), help="Where to write it (default: a name in this folder)"
)
def export(body: str, years: str, format: str, out: Path | None) -> None:
    """A report for one body over several years: the figures table, rates, audit and changes,
    every number cited to file · table · row · column (.docx with python-docx, or .csv)."""
    from nianbao.review.choose import parse_years
    from nianbao.review.dossier import csv_of, docx_bytes, dossier

    if format not in ("docx", "csv"):
        print(f"error: --format {format!r}: give docx or csv", file=sys.stderr)
        raise Exit(1)
    catalog = _catalog()
    found = _reviewed(lambda: dossier(catalog, body, parse_years(years)))
    path = out or Path(f"nianbao-{found.body}-{found.years[0]}-{found.years[-1]}.{format}")
    if format == "csv":
        path.write_text("\ufeff" + csv_of(found), encoding="utf-8")
    else:
        path.write_bytes(docx_bytes(found))
    stored = "、".join(str(r.meta.year) for r in found.reports)
    missing = f"; not stored: {'、'.join(map(str, found.missing))}" if found.missing else ""
    _console().print(f"wrote {escape(str(path))} ({escape(found.body)} {stored}{missing})", highlight=False)


@app.command()
@click.option("--format", default="table", help="table or json")
def coverage(format: str) -> None:
    """Which bodies and years are stored, and the years missing between a body's first and last."""
    from nianbao.review.coverage import coverage as stored_coverage

    found = stored_coverage(_catalog())
    if format == "json":
        from nianbao.api.review_schemas import CoverageOut

        print(CoverageOut.of(found).model_dump_json(indent=1))
        return
    from rich.table import Table as RichTable

    table = RichTable("body", *(str(y) for y in found.years), "missing")
    for b in found.bodies:
        marks = ["✓" if y in b.years else ("缺" if y in b.missing else "") for y in found.years]
        table.add_row(escape(b.body), *marks, "、".join(map(str, b.missing)))
    console = _console()
    console.print(table)
    console.print(
        f"{len(found.bodies)} bodies; {found.gaps} years missing between a body's first and last report"
    )
