"""The store opens a database made before a column was added, and its rows still read."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from nianbao import store
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW

#: The ``findings`` table as it was before findings kept their quote.
OLD_FINDINGS = """
CREATE TABLE reports (id VARCHAR(32) PRIMARY KEY);
CREATE TABLE findings (
    report_id VARCHAR(32) NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    rule VARCHAR(32) NOT NULL, keys JSON NOT NULL, numbers JSON NOT NULL, message TEXT NOT NULL
);
INSERT INTO reports VALUES ('r1');
INSERT INTO findings VALUES ('r1', 't3.column_balance', '["t3.new_received.total"]', '[21, 20]', 'm');
"""


def test_a_database_without_the_quote_column_gets_it_and_its_findings_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_FINDINGS)
    engine = store.connect(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            [finding] = store.load_findings(conn, "r1")
        assert (finding.rule, finding.numbers, finding.quote) == ("t3.column_balance", (21, 20), None)
        store.connect(f"sqlite:///{path}").dispose()  # a second open finds the column in place
    finally:
        engine.dispose()


def test_a_database_made_before_versions_gets_them_and_its_reports_stay_current(tmp_path: Path) -> None:
    library = Library(Settings(data_dir=tmp_path / "data"))
    name = "2024_shanghai_kewei.txt"
    assert library.ingest_bytes((RAW / name).read_bytes(), name).status == "ingested"
    library.engine.dispose()
    db = tmp_path / "data" / "nianbao.sqlite3"
    with sqlite3.connect(db) as raw:  # the reports table as it was before versions were kept
        raw.execute("DROP INDEX ix_reports_current")
        for column in ("version", "current", "deleted_at"):
            raw.execute(f"ALTER TABLE reports DROP COLUMN {column}")
        raw.execute("DROP TABLE audit")
    engine = store.connect(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            [rep] = store.list_reports(conn)
            assert (rep.meta.source, rep.version, rep.state) == (name, 1, "current")
            assert store.audit_log(conn) == []
    finally:
        engine.dispose()


#: The ``reports`` table as it was before reports kept the page's date, address and coverage.
OLD_REPORTS = """
CREATE TABLE reports (
    id VARCHAR(32) PRIMARY KEY, sha256 VARCHAR(64) NOT NULL UNIQUE, source TEXT NOT NULL,
    format VARCHAR(8) NOT NULL, body TEXT NOT NULL, region TEXT, year INTEGER,
    layout VARCHAR(16) NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, warnings JSON NOT NULL,
    also_seen_as JSON NOT NULL, ingested_at VARCHAR(32) NOT NULL
);
INSERT INTO reports VALUES
    ('r1', 'ab', 'a.txt', 'txt', '某局', NULL, 2023, '2021-30', 't', 'x', '[]', '[]', 'now');
"""


def test_a_database_without_the_page_columns_gets_them_and_its_reports_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_REPORTS)
    engine = store.connect(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            [rep] = store.list_reports(conn)
            store.add_body_alias(conn, "某某局", "某局")
            aliases = store.body_alias_map(conn)
        assert (rep.meta.body, rep.meta.published, rep.meta.source_url, rep.coverage) == (
            "某局",
            None,
            None,
            (),
        )
        assert aliases == {"某某局": "某局"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("opener", ["records", "conversations"])
def test_a_new_file_another_process_holds_locked_is_switched_to_wal_once_it_is_free(
    tmp_path: Path, opener: str
) -> None:
    """Two workers starting on one new file: the second finds it locked while the first creates
    the tables, and switching to WAL does not wait by itself; it waits within the busy timeout."""
    path = tmp_path / "new.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE first_worker (x)")
    threading.Thread(target=lambda: (time.sleep(0.5), holder.execute("COMMIT")), daemon=True).start()
    url = f"sqlite:///{path}"
    engine = store.connect(url) if opener == "records" else store.connect_conversations(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
        holder.close()
