"""SQL text with named parameters, run on either kind of connection the store hands out: the
standard library's sqlite3 (the embedded store, :mod:`store.lite`) or SQLAlchemy's (PostgreSQL,
and the write transactions of ``store.schema``'s engine).

The reads (``store.queries``) and the conversations' statements are written once, as SQL both
SQLite and PostgreSQL run, so the commands a person waits for on the embedded store need not
import SQLAlchemy at all. A list parameter (``IN (:ids)``) is spelled out as one parameter per
value; a column that holds JSON (:data:`JSON_COLUMNS`) reads back as its value on both (sqlite3
gives the text, psycopg the value).

>>> rows(conn, "SELECT id, year FROM reports WHERE body = :body", body="市中区人民政府办公室")
[namespace(id='…', year=2023)]
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

#: Columns stored as JSON text, by name (no other column of the store shares these names).
JSON_COLUMNS = frozenset(
    {"warnings", "also_seen_as", "coverage", "keys", "numbers", "path", "section_path", "state", "citations"}
)
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def rows(conn: Any, sql: str, **params: Any) -> list[SimpleNamespace]:
    """Every row of a SELECT (or of a statement's RETURNING), columns read as attributes."""
    sql, values = _spelled_out(sql, params)
    if isinstance(conn, sqlite3.Connection):  # rows made by row_factory (store.lite opens them so)
        return conn.execute(sql, values).fetchall()
    return [_row(r._mapping.items()) for r in conn.execute(_text(sql), values)]


def first(conn: Any, sql: str, **params: Any) -> SimpleNamespace | None:
    """The first row, or None (the statement is finished either way)."""
    sql, values = _spelled_out(sql, params)
    if isinstance(conn, sqlite3.Connection):
        cursor = conn.execute(sql, values)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()
    row = conn.execute(_text(sql), values).first()
    return None if row is None else _row(row._mapping.items())


def scalar(conn: Any, sql: str, **params: Any) -> Any:
    """The first column of the first row (None without a row)."""
    row = first(conn, sql, **params)
    return None if row is None else next(iter(vars(row).values()))


def execute(conn: Any, sql: str, **params: Any) -> int:
    """Run a statement that returns no rows; how many rows it changed."""
    sql, values = _spelled_out(sql, params)
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, values).rowcount
    return conn.execute(_text(sql), values).rowcount


def is_sqlite(conn: Any) -> bool:
    """Whether this connection is to SQLite (either kind)."""
    return isinstance(conn, sqlite3.Connection) or conn.engine.dialect.name == "sqlite"


def row_factory(cursor: sqlite3.Cursor, values: tuple) -> SimpleNamespace:
    """sqlite3's rows as SQLAlchemy's read: columns as attributes, JSON decoded."""
    return SimpleNamespace(
        **{
            name: json.loads(v) if is_json and isinstance(v, str) else v
            for (name, is_json), v in zip(_columns(cursor.description), values, strict=True)
        }
    )


@lru_cache(maxsize=256)
def _columns(description: tuple) -> tuple[tuple[str, bool], ...]:
    """Each column's name, and whether it holds JSON (once per statement's shape, not per row)."""
    return tuple((d[0], d[0] in JSON_COLUMNS) for d in description)


def _row(items: Any) -> SimpleNamespace:
    return SimpleNamespace(
        **{n: json.loads(v) if n in JSON_COLUMNS and isinstance(v, str) else v for n, v in items}
    )


def _spelled_out(sql: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``IN (:ids)`` with ``ids=[a, b]`` → ``IN (:ids_0, :ids_1)``: neither driver takes a list."""
    lists = {k: v for k, v in params.items() if isinstance(v, list | tuple | set | frozenset)}
    if not lists:
        return sql, params
    values = {k: v for k, v in params.items() if k not in lists}
    for name, items in lists.items():
        names = [f"{name}_{i}" for i in range(len(items))]
        values.update(zip(names, items, strict=True))
        sql = re.sub(rf"(?<![:\w]):{name}\b", ", ".join(f":{n}" for n in names) or "NULL", sql)
    return sql, values


@lru_cache(maxsize=512)
def _text(sql: str) -> Any:
    """The statement for SQLAlchemy (parsed once; only called on its connections, so it is
    already imported)."""
    from sqlalchemy import text

    return text(sql)


__all__ = ["JSON_COLUMNS", "execute", "first", "is_sqlite", "row_factory", "rows", "scalar"]
