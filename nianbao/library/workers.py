"""Ingest with several processes on one host: ``nianbao ingest --workers N``.

Each worker process opens its own Library (and search index, so each loads the model once) and
ingests the files it is handed, one at a time; the slow part of a file (read, extract, embed)
runs in parallel, and only the short write transactions queue for the store's lock. The parent
hands out one file at a time and so always knows which file each worker holds: a worker that dies
(a crash, the OOM killer, SIGKILL) loses only that file, which is handed out again, to a new
worker, up to ``retries`` times. A file is ingested once whatever happens: a report, its cells
and (on PostgreSQL) its vectors commit together, and a file whose bytes are stored already is
``unchanged`` (the content hash), so a retried file that had committed before its worker died
says so.

>>> for outcome in ingest_in_parallel(settings, files, workers=2):
...     print(outcome.status, outcome.source)
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from nianbao import store
from nianbao.library import Library, Outcome
from nianbao.settings import Settings

log = logging.getLogger("nianbao.library")

#: How many times a file whose worker died is handed out again.
RETRIES = 2


@dataclass(frozen=True)
class Options:
    """What every worker needs to ingest a file as the command asked."""

    settings: Settings
    with_index: bool = True
    body: str | None = None
    year: int | None = None
    force: bool = False
    actor: str | None = None


def _work(conn: Connection, options: Options) -> None:
    """A worker: ingest each path it is sent, answer with its Outcome; stop on None."""
    index = None
    if options.with_index:
        from nianbao.retrieval.backend import open_index

        index = open_index(options.settings)
    library = Library(options.settings, index)
    while True:
        try:
            path = conn.recv()
        except EOFError:  # the parent is gone
            break
        if path is None:
            break
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            conn.send(Outcome(Path(path).name, "skipped", f"cannot read the file: {exc}"))
            continue
        outcome = library.ingest_bytes(
            data,
            Path(path).name,
            body=options.body,
            year=options.year,
            force=options.force,
            actor=options.actor,
        )
        conn.send(outcome)
    library.engine.dispose()


def ingest_in_parallel(
    options: Options, paths: Sequence[Path], workers: int, *, retries: int = RETRIES
) -> Iterator[Outcome]:
    """Ingest ``paths`` with ``workers`` processes; each file's Outcome as it is done (in the
    order they finish). A file whose worker died is retried in a new worker; past ``retries``
    it is ``skipped`` with the reason. Repair and purge run once first, as ``ingest_paths``'s do."""
    _repair_first(options)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or model forked
    todo = deque(str(p) for p in paths)
    tries: dict[str, int] = {}
    running: dict[Any, tuple[Connection, str | None]] = {}  # process → (its pipe, the file it holds)

    def start() -> None:
        mine, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs, options), daemon=True, name="nianbao-ingest")
        process.start()
        theirs.close()
        running[process] = (mine, None)

    def hand_out(process: Any) -> None:
        conn, _ = running[process]
        path = todo.popleft() if todo else None
        conn.send(path)
        running[process] = (conn, path)
        if path is None:
            process.join(30)
            del running[process]

    for _ in range(min(workers, len(todo))):
        start()
    for process in list(running):
        hand_out(process)
    while running:
        pipes = {conn: process for process, (conn, _) in running.items()}
        sentinels = {process.sentinel: process for process in running}
        for ready in wait([*pipes, *sentinels]):
            if ready in pipes:
                process = pipes[ready]
                if process not in running:
                    continue
                try:
                    outcome = ready.recv()
                except EOFError:
                    continue  # it died: its sentinel says so
                path = running[process][1]
                if path in tries:
                    outcome = replace(outcome, message=f"{outcome.message} (retried: its worker died)")
                yield outcome
                hand_out(process)
            else:
                process = sentinels[ready]
                if process not in running:
                    continue
                conn, path = running.pop(process)
                if path is not None and conn.poll():  # it answered before it went
                    try:
                        yield conn.recv()
                        path = None
                    except EOFError:
                        pass
                conn.close()
                if path is None:
                    if todo:
                        start()
                        hand_out(list(running)[-1])
                    continue
                tries[path] = tries.get(path, 0) + 1
                why = f"its worker (pid {process.pid}) died, exit code {process.exitcode}"
                if tries[path] > retries:
                    yield Outcome(Path(path).name, "skipped", f"{why}; given up after {retries} retries")
                else:
                    log.warning("%s: %s; retrying in a new worker", Path(path).name, why)
                    todo.appendleft(path)
                if todo:
                    start()
                    hand_out(list(running)[-1])


def _repair_first(options: Options) -> None:
    """What ``Library.ingest_paths`` does before a batch: repair an interrupted run, purge
    deleted versions past their retention."""
    index = None
    if options.with_index:
        from nianbao.retrieval.backend import open_index

        index = open_index(options.settings)
    library = Library(options.settings, index)
    try:
        repaired = library.reconcile()
        if repaired.changed:
            log.warning("an earlier run was interrupted; %s", repaired)
    except store.StoreBusy as exc:  # another writer at work: it leaves no mess; the next ingest repairs
        log.warning("repair put off: %s", exc)
    library.purge_deleted()
    if index is not None:
        index.close()
    library.engine.dispose()
