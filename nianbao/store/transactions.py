"""How a transaction begins: reads as snapshots, writes as writes.

A read (``engine.connect()``) begins with a plain ``BEGIN`` on SQLite, so its SELECTs share one
snapshot. A write (:func:`writing`) begins with ``BEGIN IMMEDIATE``: it takes the write lock at
once, and SQLite waits for it up to the busy timeout. A deferred transaction that reads first and
writes later is refused at its first write without waiting (in WAL mode, when another writer
committed since it began), which is how two uploads at the same moment used to end in a 500.
On PostgreSQL a write takes a transaction-scoped advisory lock, so writers queue there too (up
to ``lock_timeout``, set from the busy timeout by ``schema.connect``), and runs at READ COMMITTED:
each statement after the lock sees what the writer before it committed. Reads there run at
REPEATABLE READ (the engine's default), one snapshot per transaction as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

#: The execution option that makes a connection's transactions begin as writes.
WRITE = "nianbao_write"
#: One advisory lock that every nianbao writer on PostgreSQL takes.
_PG_LOCK = 0x6E69616E62616F


class StoreBusy(RuntimeError):
    """Another writer held the store for longer than the busy timeout."""


def begin_statement(conn: Connection) -> str:
    """The SQLite statement that begins this connection's transaction."""
    return "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed when the block ends without an error.

    Raises :class:`StoreBusy` (with what to do) when the write lock could not be had within the
    busy timeout, or when the store reported itself locked during the transaction; nothing of
    the transaction is kept then.
    """
    try:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            if engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                lock_writes(conn)
                yield conn
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        raise StoreBusy(
            "the store is busy: another process held its write lock longer than the busy timeout "
            f"({str(exc.orig).strip()}); nothing was written, try again (NIANBAO_BUSY_TIMEOUT_SECONDS "
            "sets how long a writer waits)"
        ) from exc


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database is busy" (and PostgreSQL's lock timeout)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(word in text for word in ("database is locked", "database is busy", "lock timeout"))


def lock_writes(conn: Connection) -> None:
    """Take the database's write lock now rather than at the first write (a write transaction
    on SQLite already has it: ``BEGIN IMMEDIATE``)."""
    dialect = conn.engine.dialect.name
    if dialect == "sqlite":
        if not conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("UPDATE reports SET id = id WHERE 0")
    elif dialect == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
