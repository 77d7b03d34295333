"""The ``nianbao`` command.

Each command imports what it needs when it runs: reading figures, reports and findings, and
answering a figure question, never load the search stack (Chroma, the embedding model, langchain)
or the web app, and print with rich only where they print a table; those that only read records
(figures, reports, check) and a figure answer import neither SQLAlchemy nor pydantic (their rows
and answers are plain dicts, cli/records.py). tests/cli/test_imports.py
keeps it so. The commands are click's: typer, built on click, imports pydantic and builds a
validator per option at every start (~0.2 s of a command that reads a few rows).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.exceptions import Exit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from nianbao.answer.engine import ReportSearch
    from nianbao.catalog import Catalog
    from nianbao.library import Library, Outcome
    from nianbao.model import StoredCell
    from nianbao.settings import Settings
    from nianbao.store import Which


class _Group(click.Group):
    """The commands in the order they are defined; a setting that cannot be read
    (``NIANBAO_UPLOAD_WORKERS=many``) is an error message and exit code 2, not a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        from nianbao.settings import SettingsError

        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            raise Exit(2) from None


@click.group(
    cls=_Group,
    help="年报问答: ingest 政府信息公开工作年度报告 and answer questions about them.",
    no_args_is_help=True,
    context_settings={"show_default": True},
)
def app() -> None:
    """年报问答 command line."""


@cache
def _console() -> Console:
    from rich.console import Console

    return Console()


def _library(with_index: bool = False) -> Library:
    from nianbao.library import Library
    from nianbao.settings import Settings

    settings = Settings()
    index = None
    if with_index:
        from nianbao.retrieval.backend import open_index

        index = open_index(settings)
    return Library(settings, index)


@app.command()
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), help="Files or folders of reports"
)
@click.option("--body", help="The body, for files whose title lacks it (never overrides one)")
@click.option("--year", type=int, help="The year, for files whose title lacks it (never overrides one)")
@click.option(
    "--force/--no-force",
    help="Make a new version current even when it reads fewer cells than the current one",
)
@click.option("--records-only/--no-records-only", help="Store records without building the search index")
@click.option(
    "--strict/--no-strict", help="Exit 2 when a file's tables were read only in part (or not at all)"
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="Processes ingesting at once on this host (each loads the model; writes queue)",
)
@click.option(
    "--queue",
    is_flag=True,
    help="Send each file to the Celery workers over Redis (NIANBAO_REDIS_URL) and return",
)
def ingest(
    paths: tuple[Path, ...],
    body: str | None,
    year: int | None,
    force: bool,
    records_only: bool,
    strict: bool,
    workers: int,
    queue: bool,
) -> None:
    """Read reports, extract their tables, check their arithmetic, and store them.

    A file with the same body and year as a stored report is a new version: it becomes current
    unless it reads fewer cells (then it is kept beside the current one: `kept_current`; use
    --force, or `nianbao restore ID` later). Earlier versions stay stored (`nianbao reports --versions`).
    A file whose report has the standard tables but gave fewer cells than its layout has is
    named with the tables it missed (表三: 0 of 175 cells read); with --strict the command then
    exits 2."""
    import time
    from collections import Counter

    from rich.progress import Progress

    from nianbao.library import collect_files

    console = _console()
    files = collect_files(paths)
    if queue:
        from nianbao.library.outcomes import cli_actor
        from nianbao.library.queue import submit
        from nianbao.settings import Settings

        sent = submit(Settings(), files, body=body, year=year, force=force, actor=cli_actor())
        for job_id, source in sent:
            console.print(f"queued {job_id} {escape(source)}", highlight=False)
        console.print(f"{len(sent)} files queued; `nianbao jobs` shows their progress")
        return
    library = _library()
    _say_data_dir(library.settings)
    unchanged = library.already_stored(files) if body is None and year is None else None
    parallel = unchanged is None and workers > 1 and len(files) > 1
    if unchanged is None and not records_only and not parallel:
        library = _library(with_index=True)
    counts: Counter[str] = Counter()
    partial: list[str] = []
    began = time.monotonic()

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("checking the store and the search index", total=len(files))

        def started(path: Path) -> None:
            nonlocal began
            began = time.monotonic()
            progress.update(task, description=f"reading {escape(path.name)}")

        if unchanged is not None:
            outcomes: Iterable[Outcome] = unchanged
        elif parallel:
            from nianbao.library.outcomes import cli_actor
            from nianbao.library.workers import Options, ingest_in_parallel

            progress.update(task, description=f"ingesting with {workers} worker processes")
            options = Options(library.settings, not records_only, body, year, force, cli_actor())
            outcomes = ingest_in_parallel(options, files, workers)
        else:
            outcomes = library.ingest_paths(files, body=body, year=year, force=force, started=started)
        for outcome in outcomes:
            counts[outcome.status] += 1
            style = _OUTCOME_STYLES.get(outcome.status, "yellow" if outcome.partial else "green")
            took = "" if unchanged is not None or parallel else f"{time.monotonic() - began:.1f} s"
            read = f"{outcome.cells} cells" if outcome.cells else ""
            facts = ", ".join(x for x in (took, read) if x)
            progress.console.print(
                f"[{style}]{outcome.status:<12}[/] {escape(outcome.source)}: {escape(outcome.message)}"
                f"{f' [dim]({facts})[/]' if facts else ''}",
                highlight=False,
            )
            if outcome.partial:
                partial.append(f"{outcome.source}: {', '.join(outcome.partial)}")
            progress.advance(task)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    if partial:
        summary += f"; {len(partial)} read in part"
    console.print(f"{len(files)} files: {summary or 'nothing to do'}")
    for line in partial:
        console.print(f"[yellow]tables read in part[/] {line}", highlight=False)
    if strict and partial:
        raise Exit(2)


def _say_data_dir(settings: Settings) -> None:
    """Name the data directory, on stderr: every command that is not told otherwise uses it."""
    line = f"nianbao: data directory {settings.data_dir}"
    if settings.database_url:  # never printed: it may hold a password
        line += " (records in the database of NIANBAO_DATABASE_URL)"
    print(line, file=sys.stderr)


_OUTCOME_STYLES = {
    "skipped": "red",
    "refused": "red",
    "unchanged": "dim",
    "same_report": "yellow",
    "kept_current": "yellow",
}


def escape(text: str) -> str:
    """Report text printed inside rich markup: its brackets are text, not markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _catalog(settings: Settings | None = None, *, light: bool = False) -> Catalog:
    """The reads, on the store alone: no ingest code, no search index. ``light``: over sqlite3
    where the store is an SQLite file already in place (``store.lite``: no SQLAlchemy to import;
    otherwise ``store.connect`` creates or updates it first)."""
    from nianbao.catalog import Catalog
    from nianbao.settings import Settings
    from nianbao.store import lite

    settings = settings or Settings()
    if light and (found := lite.open_lite(settings.db_url, settings.busy_timeout_seconds)):
        return Catalog(found)
    from nianbao import store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Catalog(store.open_engine(settings))


#: ``--body``, as the reading commands take it.
body_option = click.option("--body", help="Body name, part of it, or a name people use (市中区政府办)")
#: The old name of ``--body``, hidden, accepted for one release.
agency_option = click.option("--agency", hidden=True, help="Deprecated: use --body")
#: ``--year``, repeated for several.
years_option = click.option("--year", type=int, multiple=True, help="A year; repeat for several")


def _body(body: str | None, agency: str | None) -> str | None:
    if agency is not None:
        print("--agency is deprecated: use --body", file=sys.stderr)
    return body or agency


@app.command()
@click.option("--versions", is_flag=True, help="Every version, not only the current ones")
@click.option("--deleted", is_flag=True, help="The deleted versions (restorable until purged)")
@click.option("--audit", is_flag=True, help="The audit log instead (as `nianbao audit-log`)")
def reports(versions: bool, deleted: bool, audit: bool) -> None:
    """List the stored reports (the current version of each, unless --versions or --deleted); a
    report whose tables were read in part says which."""
    from rich.table import Table as RichTable

    if audit:
        _print_audit_log(None, 200)
        return
    which: Which = "deleted" if deleted else "versions" if versions else "current"
    columns = ["id", "body", "year", "layout", "source", "cells", "tables read in part", "also seen as"]
    if which != "current":
        columns += ["version", "state", "deleted at" if deleted else "ingested at"]
    table = RichTable(*columns)
    stored = _catalog(light=True).reports(which)
    for rep in stored:
        m = rep.meta
        row = [
            m.id,
            m.body,
            str(m.year or ""),
            m.layout,
            m.source,
            str(rep.cells or 0),
            "; ".join(f"{c.name} {c.read}/{c.expected}" for c in rep.partial),
            ", ".join(rep.also_seen_as),
        ]
        if which != "current":
            row += [f"v{rep.version}", rep.state, (rep.deleted_at if deleted else rep.ingested_at) or ""]
        table.add_row(*map(escape, row), style="bold" if which == "versions" and rep.current else None)
    console = _console()
    console.print(table)
    for rep in stored:
        if rep.partial:
            console.print(
                f"[yellow]warning[/] {escape(rep.meta.source)}: {', '.join(str(c) for c in rep.partial)}",
                highlight=False,
            )
    if deleted:
        from nianbao.settings import Settings

        days = Settings().deleted_retention_days
        console.print(
            f"deleted versions are purged {days:g} days after deletion; `nianbao restore ID` brings one back"
        )


@app.command()
@click.argument("report_id", help="The id of a version (`nianbao reports --versions` or --deleted)")
def restore(report_id: str) -> None:
    """Make a version current again: an earlier one, one kept beside the current one, or a deleted one.

    The version that was current stays stored. Logged in the audit log.
    """
    from nianbao.library import DiskFull
    from nianbao.store import StoreBusy

    console = _console()
    try:
        change = _library(with_index=True).restore(report_id)
    except (StoreBusy, DiskFull) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise Exit(1) from None
    if change is None:
        console.print(
            f"no version with id {escape(report_id)}; `nianbao reports --versions` lists them", style="red"
        )
        raise Exit(1)
    console.print(change.message, markup=False, highlight=False)


@app.command()
@click.argument("report_id", help="The id of a version (`nianbao reports`)")
def delete(report_id: str) -> None:
    """Delete a version: it leaves answers and search at once and can be restored until it is
    purged (NIANBAO_DELETED_RETENTION_DAYS). Logged in the audit log."""
    from nianbao.library import DiskFull
    from nianbao.store import StoreBusy

    console = _console()
    try:
        change = _library(with_index=True).delete(report_id)
    except (StoreBusy, DiskFull) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise Exit(1) from None
    if change is None:
        console.print(f"no stored version with id {escape(report_id)}", style="red")
        raise Exit(1)
    console.print(change.message, markup=False, highlight=False)


@app.command("audit-log")
@click.option("--id", "report_id", help="Only this version")
@click.option("--limit", type=int, default=200, help="How many lines, newest first")
def audit_log(report_id: str | None, limit: int) -> None:
    """Who replaced, kept, deleted, restored or purged which report version, and when (newest first)."""
    _print_audit_log(report_id, limit)


def _print_audit_log(report_id: str | None, limit: int) -> None:
    from rich.table import Table as RichTable

    table = RichTable("at", "actor", "action", "id", "body", "year", "source", "detail")
    for e in _catalog().audit(report_id, limit):
        table.add_row(
            *map(
                escape, (e.at, e.actor, e.action, e.report_id, e.body, str(e.year or ""), e.source, e.detail)
            )
        )
    _console().print(table)


@app.command()
@body_option
@years_option
@click.option("--key", help="Canonical key prefix, e.g. t3.new_received")
@click.option("--format", default="table", help="table, csv or json")
@agency_option
def figures(
    body: str | None, year: tuple[int, ...], key: str | None, format: str, agency: str | None
) -> None:
    """Print stored cells with their sources (the rows of GET /api/figures), in table order.

    The default table has one block per report (body, year, file) with each cell's key, value
    and labels, readable in an 80-column terminal; csv and json carry every field."""
    from nianbao.catalog import unknown_key

    if problem := unknown_key(key):
        print(problem, file=sys.stderr)
        raise Exit(2)
    cells = _catalog(light=True).cells(_body(body, agency), year or [], key)
    if format == "json":
        from nianbao.cli.records import cell_record

        print(json.dumps(list(map(cell_record, cells)), ensure_ascii=False, indent=1))
    elif format == "csv":
        from nianbao.cli.records import figures_csv

        sys.stdout.write(figures_csv(cells))
    else:
        _print_cells(cells)


def _print_cells(cells: list[StoredCell]) -> None:
    """One small table per report, titled with its body, year and file: key, value, row · column."""
    from itertools import groupby

    from rich import box
    from rich.table import Table as RichTable

    console = _console()
    for _, group in groupby(cells, key=lambda c: c.report_id):
        rows = list(group)
        first = rows[0]
        table = RichTable(
            "key",
            "value",
            "row · column",
            title=escape(f"{first.body} {first.year or ''} · {first.source}"),
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        for c in rows:
            value = c.as_written if c.value is None else f"{c.value:g}"
            table.add_row(
                escape(c.key), escape(value or "(blank)"), escape(f"{c.row_label} · {c.column_label}")
            )
        console.print(table)
    if not cells:
        console.print("no stored cells match (`nianbao reports` lists what is stored)")


@app.command()
@body_option
@years_option
@click.option("--format", default="text", help="text or json")
@agency_option
def check(body: str | None, year: tuple[int, ...], format: str, agency: str | None) -> None:
    """List where reports break their own arithmetic (勾稽关系): the rows of GET /api/findings."""
    found = _catalog(light=True).findings(_body(body, agency), year or [])
    if format == "json":
        from nianbao.cli.records import finding_record

        print(json.dumps(list(map(finding_record, found)), ensure_ascii=False, indent=1))
        return
    console = _console()
    for f in found:
        console.print(
            f"[bold]{escape(f.body)} {f.year}[/] ({escape(f.source)}) "
            f"[cyan]{escape(f.rule)}[/]: {escape(f.message)}",
            highlight=False,
        )
    console.print(f"{len(found)} findings")


@app.command()
@click.option("--format", default="table", help="table, csv or json")
@click.option("--limit", type=int, default=1000, help="How many ratings, newest first")
def feedback(format: str, limit: int) -> None:
    """The 赞/踩 ratings of answers with their questions (GET /api/feedback), newest first."""
    from nianbao.answer.conversations import StoredConversations
    from nianbao.answer.feedback import FeedbackBook
    from nianbao.api.export import feedback_csv
    from nianbao.api.schemas import FeedbackOut
    from nianbao.settings import Settings

    kept = StoredConversations.of(Settings())
    entries = FeedbackBook(kept.engine, kept).entries(limit)
    kept.close()
    if format == "csv":
        sys.stdout.write(feedback_csv(entries))
        return
    if format == "json":
        print(json.dumps([FeedbackOut.of(e).model_dump() for e in entries], ensure_ascii=False, indent=1))
        return
    from rich.table import Table as RichTable

    table = RichTable("at", "rating", "question", "answer", "comment")
    for e in map(FeedbackOut.of, entries):
        table.add_row(
            *map(escape, (e.at, "赞" if e.rating == "up" else "踩", e.question, e.answer, e.comment))
        )
    _console().print(table)


@app.command("eval")
@click.argument(
    "questions", type=click.Path(path_type=Path), help="A question set, e.g. eval/questions/dev.jsonl"
)
@click.option(
    "--corpus", type=click.Path(path_type=Path), help="Ingest this folder into a fresh temp data dir"
)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Ask an existing data dir instead")
@click.option("--with-index/--no-with-index", help="Build the search index too (slower)")
@click.option(
    "--variants",
    type=click.Path(path_type=Path),
    help="Also ingest the re-labelled corpus files listed in this JSON file",
)
@click.option("--min-pass", type=float, default=0.0, help="Exit 1 when the pass rate is under this")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("eval/reports"),
    help="Where the JSON and Markdown reports go",
)
def eval_command(
    questions: Path,
    corpus: Path | None,
    data_dir: Path | None,
    with_index: bool,
    variants: Path | None,
    min_pass: float,
    out: Path,
) -> None:
    """Ask every question, score the answers, and report pass rates by tag (see eval/README.md)."""
    from nianbao.eval import report
    from nianbao.eval.harness import run_eval

    if corpus and data_dir:
        raise click.BadParameter("give --corpus or --data-dir, not both")
    if variants and not corpus:
        raise click.BadParameter("--variants needs --corpus (the variants are made from its files)")
    from rich.table import Table as RichTable

    console = _console()
    run = run_eval(questions, corpus=corpus, data_dir=data_dir, with_index=with_index, variants_file=variants)
    table = RichTable("tag", "pass", "total", "rate")
    for tag, passed, total, rate in report.tag_rows(run):
        table.add_row(tag, str(passed), str(total), rate, style="bold" if tag == "overall" else None)
    console.print(table)
    for name, value in report.figure_rows(run):
        console.print(f"{name}: {value}")
    for note in run.notes:
        console.print(f"[dim]{note}[/]")
    json_path, md_path = report.write(run, out)
    console.print(f"reports: {json_path}, {md_path}")
    if run.summary.pass_rate < min_pass:
        console.print(f"[red]pass rate {run.summary.pass_rate:.4f} is under the minimum {min_pass}[/]")
        raise Exit(1)


@app.command()
@click.option("--host", default="127.0.0.1", help="Interface to listen on")
@click.option("--port", type=int, default=8000, help="Port to listen on")
@click.option(
    "--with-index/--no-with-index", default=True, help="Attach the search index when it is available"
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="Worker processes, each a whole app on the one port; more than one with the search "
    "index needs NIANBAO_DATABASE_URL=postgresql://… or NIANBAO_CHROMA_URL",
)
def serve(host: str, port: int, with_index: bool, workers: int) -> None:
    """Serve the web page and the HTTP API (uvicorn).

    With --workers N, uvicorn runs N processes that share the port. Nothing a request depends on
    is kept in a process: reports, conversations and (on PostgreSQL, or with a Chroma server) the
    search index are shared, so any worker answers any request, a follow-up included."""
    import logging

    import uvicorn

    from nianbao.api.app import create_app
    from nianbao.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    _say_data_dir(settings)
    if workers == 1:
        print(f"nianbao: serving http://{host}:{port}/ (admin page: /admin)", file=sys.stderr)
        uvicorn.run(create_app(settings, with_index=with_index), host=host, port=port)
        return
    from nianbao.store import is_postgresql

    if with_index and not (is_postgresql(settings.database_url) or settings.chroma_url):
        raise click.BadParameter(
            "the embedded search index (Chroma) keeps its vectors in each process's memory, so a "
            "report uploaded to one worker would not be found by the others: set "
            "NIANBAO_DATABASE_URL=postgresql://… or NIANBAO_CHROMA_URL=http://… (a `chroma run` "
            "server; see the README), or serve with --no-with-index",
            param_hint="--workers",
        )
    print(
        f"nianbao: serving http://{host}:{port}/ with {workers} workers (admin page: /admin)", file=sys.stderr
    )
    factory = "create_app" if with_index else "create_records_only_app"
    uvicorn.run(f"nianbao.api.app:{factory}", factory=True, host=host, port=port, workers=workers)


@app.command()
@click.option(
    "--concurrency", type=click.IntRange(min=1), default=1, help="Processes (each loads the model once)"
)
@click.option("--loglevel", default="INFO", help="Celery's log level")
def worker(concurrency: int, loglevel: str) -> None:
    """Run an ingest worker: take files from the queue (NIANBAO_REDIS_URL) and store them in
    NIANBAO_DATABASE_URL, until stopped. Run one on every host that should ingest."""
    from nianbao.library.queue import run_worker
    from nianbao.settings import Settings

    run_worker(Settings(), concurrency, loglevel)


@app.command()
@click.option("--limit", type=int, default=200, help="How many of the last submitted files")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table")
def jobs(limit: int, as_json: bool) -> None:
    """The files sent with `nianbao ingest --queue`: each one's state and, when done, its outcome."""
    from collections import Counter

    from nianbao.library.queue import jobs as queued
    from nianbao.settings import Settings

    found = queued(Settings(), limit)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return
    from rich.table import Table as RichTable

    table = RichTable("job", "file", "state", "status", "message")
    for job in found:
        table.add_row(
            *map(
                escape,
                (job["id"], job["source"], job["state"], job.get("status") or "", job.get("message") or ""),
            )
        )
    console = _console()
    console.print(table)
    states = Counter(job["state"] for job in found)
    console.print(", ".join(f"{n} {state.lower()}" for state, n in sorted(states.items())) or "no jobs")


@app.command()
@click.argument("question", help="The question, e.g. 市中区政府办2023年收到多少申请？")
@click.option("--json", "json_output", is_flag=True, help="Print the /api/chat response shape")
@click.option("--conversation-id", help="Continue a conversation: the id an earlier answer printed")
def ask(question: str, json_output: bool, conversation_id: str | None) -> None:
    """Answer one question from the stored reports, with its citations."""
    from nianbao.answer.engine import build_answerer
    from nianbao.cli.records import chat_json, chat_record
    from nianbao.settings import Settings

    settings = Settings()
    catalog = _catalog(settings, light=True)
    # The search index opens only if the question needs text search across reports.
    answer = build_answerer(settings, catalog, lambda: _open_index(settings)).ask(question, conversation_id)
    # A plain dict with the API's fields (cli/records.py): pydantic is no part of a figure answer.
    response = chat_record(answer, catalog.cited_keys(answer.citations))
    if json_output:
        print(chat_json(response))
        return
    console = _console()
    style = {"answered": "green", "not_found": "red", "clarify": "yellow"}[response["status"]]
    console.print(response["status"], style=style, end=" ")
    console.print(response["answer"], markup=False, highlight=False)  # report text is not markup
    for option in response["options"]:
        console.print(f"  · {option}", markup=False, highlight=False)
    for i, c in enumerate(response["citations"], 1):
        console.print(
            f"[{i}] {c['body']} {c['year'] or ''} · {c['locator']}\n    「{c['quote']}」 ({c['source']})",
            markup=False,
            highlight=False,
        )
    console.print(
        f"conversation {response['conversation_id']} (continue with --conversation-id)", style="dim"
    )


def _open_index(settings: Settings) -> ReportSearch | None:
    """The search index, for a question that needs it; None (said on stderr) when it cannot load."""
    try:
        from nianbao.retrieval.backend import open_index

        return open_index(settings)
    except ImportError as exc:
        print(f"search index unavailable ({exc}); reading every report", file=sys.stderr)
        return None


@app.command()
@click.argument("query", help="A question or keywords, e.g. 市中区政府办的联系电话")
@click.option("--k", type=int, default=5, help="How many chunks to show")
@click.option("--body", help="Body name, or part of it")
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text")
@agency_option
def search(query: str, k: int, body: str | None, year: int | None, as_json: bool, agency: str | None) -> None:
    """Search the reports' text and tables; print the best chunks with their sources."""
    index = _library(with_index=True).index
    hits = index.search(query, k=k, body=_body(body, agency), year=year)  # type: ignore[union-attr]  # with_index=True: never None
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "source": h.source,
                        "body": h.body,
                        "year": h.year,
                        "locator": h.locator,
                        "text": h.text,
                        "score": round(h.score, 6),
                        "kind": h.kind,
                        "page": h.page,
                        "span": list(h.span) if h.span else None,
                        "report_id": h.report_id,
                        "chunk_id": h.chunk_id,
                    }
                    for h in hits
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    console = _console()
    for rank, h in enumerate(hits, start=1):
        page = f", p.{h.page}" if h.page else ""
        console.print(
            f"[bold]{rank}. {escape(h.body)} {h.year or ''}[/] "
            f"[dim]{escape(h.source)} · {escape(h.locator)}{page} · {h.score:.4f}[/]"
        )
        console.print(f"   {h.text}", markup=False, highlight=False)
    if not hits:
        console.print("no matching chunks (is anything ingested? `nianbao ingest PATH`)")


@app.command()
@click.option("--fix", is_flag=True, help="First repair what an interrupted ingest left")
@click.option("--records-only/--no-records-only", help="Check the records only, not the search index")
def doctor(fix: bool, records_only: bool) -> None:
    """Check the data directory: database, orphans, cells, search index, model, disk. Exit 1 on a problem."""
    from nianbao.cli import diagnose as checks

    console = _console()
    library = _library(with_index=not records_only)
    if fix and library.settings.data_dir.is_dir():
        try:
            done = f"fix: {library.reconcile()}"
            purged = library.purge_deleted()
            days = library.settings.deleted_retention_days
            done += f"; purged {len(purged)} version(s) deleted more than {days:g} days ago"
        except Exception as exc:  # noqa: BLE001 - the checks below say what is broken
            done = f"fix: could not run ({type(exc).__name__}: {str(exc).splitlines()[0]}); see below"
        console.print(done, markup=False, highlight=False, soft_wrap=True)
    found = checks.run_checks(library.settings, with_index=not records_only, index=library.index)
    for line in checks.lines(found):
        style = "red" if line.startswith("PROBLEM") else "green" if line.startswith("OK") else None
        console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
    problems = sum(not c.ok for c in found)
    console.print(f"{problems} problem{'s' * (problems > 1)}" if problems else "no problems", markup=False)
    if problems:
        raise Exit(1)


# The staff's commands (rates, audit, diff, export, coverage) live in their own module.
from nianbao.cli import review as _review  # noqa: E402, F401 - imported to register its commands
