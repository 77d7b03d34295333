"""The embedded SQLite store over the standard library's sqlite3: the commands a person waits for
start without SQLAlchemy, and the server's reads and conversation turns skip its layers.

Importing SQLAlchemy takes 0.2-0.3 s of CPU on the 2-core machines, about half of a cold
``nianbao figures`` (``benchmarks/startup.py``). :class:`LiteStore` stands in for an engine:
``connect()`` gives a connection inside one read snapshot, ``writing()`` one inside a write
transaction; the statements run on it are those of ``store.queries`` and ``store.conversations``
(SQL text, ``store.sql``), the same that run through SQLAlchemy on PostgreSQL. Connections are
kept between uses (opening one costs ~0.9 ms here, a read on a kept one ~20 µs).

:func:`open_lite` gives None where only SQLAlchemy will do: a PostgreSQL URL, an SQLite file not
there yet, or one whose tables ``schema.connect`` (or ``connect_conversations``) must first
create or bring up to date. SQLAlchemy stays the owner of the schema; this only reads and writes
rows.

>>> lite = open_lite(settings.db_url, tables=RECORDS)
>>> with lite.connect() as conn:
...     list_reports(conn)
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nianbao.store.sql import row_factory

#: The records' tables, each with the columns added since it was first made (``schema.connect``
#: adds them to an older store): a store without all of them is opened through ``schema``.
RECORDS: Mapping[str, tuple[str, ...]] = {
    "reports": ("version", "current", "deleted_at", "published", "source_url", "coverage"),
    "body_aliases": (),
    "sections": (),
    "cells": (),
    "findings": ("quote",),
    "narrative": (),
    "chunks": (),
    "audit": (),
}
#: The tables of the conversations' file (``store.conversation_schema``).
CONVERSATIONS: Mapping[str, tuple[str, ...]] = {"conversations": (), "conversation_turns": (), "feedback": ()}
#: Connections kept open for reuse, per store.
_KEPT = 8


class LiteStore:
    """An SQLite store file read and written with sqlite3; ``connect()`` as an engine's."""

    def __init__(self, path: Path, busy_timeout: float = 30.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.url = f"sqlite:///{path}"
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one read transaction: its SELECTs see one state of the store."""
        with self._transaction("BEGIN", "ROLLBACK") as conn:  # nothing written: nothing to keep
            yield conn

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A connection in a write transaction (``BEGIN IMMEDIATE``: it waits for another
        writer up to the busy timeout), committed when the block ends without an error."""
        with self._transaction("BEGIN IMMEDIATE", "COMMIT") as conn:
            yield conn

    @contextmanager
    def _transaction(self, begin: str, end: str) -> Iterator[sqlite3.Connection]:
        conn = self._take()
        try:
            conn.execute(begin)
            yield conn
            conn.execute(end)
        except BaseException:
            conn.close()  # what the transaction did is rolled back with it
            raise
        self._give(conn)

    def _take(self) -> sqlite3.Connection:
        with self._lock:
            if self._pid != os.getpid():  # a forked child opens its own
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
        return _open(self.path, self.busy_timeout)

    def _give(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if len(self._idle) < _KEPT and self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()

    def dispose(self) -> None:
        """Close the connections kept (an engine's ``dispose``)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def open_lite(
    url: str, busy_timeout: float = 30.0, tables: Mapping[str, tuple[str, ...]] = RECORDS
) -> LiteStore | None:
    """The SQLite file at this URL for sqlite3; None unless it exists with every one of
    ``tables`` and their added columns (then SQLAlchemy creates or updates it first)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = Path(url[len(prefix) :])
    if not path.is_file():
        return None
    try:
        conn = _open(path, busy_timeout)
    except sqlite3.Error:
        return None
    try:
        for table, added in tables.items():
            have = {row.name for row in conn.execute(f"PRAGMA table_info({table})")}
            if not have or not set(added) <= have:
                return None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return LiteStore(path, busy_timeout)


def reader(engine: Any) -> Any:
    """What to read the records of this engine with: a :class:`LiteStore` for an SQLAlchemy
    engine on an SQLite file in place (or a LiteStore itself), else the engine."""
    if isinstance(engine, LiteStore) or getattr(getattr(engine, "dialect", None), "name", "") != "sqlite":
        return engine
    return open_lite(str(engine.url)) or engine


def sqlite_pragmas(conn: Any, busy_timeout: float) -> None:
    """A new SQLite connection's settings (sqlite3's, or the one under SQLAlchemy's): the busy
    timeout first (so the others may wait), foreign keys, WAL. Switching a new file to WAL needs
    it unlocked and SQLite does not wait for that (the busy handler is not asked), so two
    processes opening one new file at once retry it within the busy timeout rather than one
    failing with "database is locked"."""
    cur = conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                cur.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def _open(path: Path, busy_timeout: float) -> sqlite3.Connection:
    # check_same_thread off: a kept connection serves the next thread; one thread at a time.
    conn = sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        sqlite_pragmas(conn, busy_timeout)
    except sqlite3.Error:
        conn.close()
        raise
    conn.row_factory = row_factory
    return conn
