"""PostgreSQL as the one store: a report, its cells and its vectors commit together or not at all,
and writers queue on the advisory lock as SQLite's writers do on theirs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nianbao import store
from nianbao.library import Library, Prepared
from nianbao.retrieval.backend import in_database, open_index
from nianbao.settings import Settings
from tests.fakes import fake_embeddings
from tests.fixtures import BUREAU_2023, report_of
from tests.servers import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def url(postgres: object) -> Iterator[str]:
    with fresh_database(postgres) as database:
        yield database


def test_a_postgresql_url_as_people_write_it_uses_psycopg() -> None:
    assert store.engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.engine_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.engine_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    assert in_database(Settings(database_url="postgresql://u@h/db"))
    assert not in_database(Settings(database_url=None))


def counts(library: Library) -> tuple[int, int, int]:
    """Reports, cells and indexed chunks stored."""
    with library.engine.connect() as conn:
        reports = conn.execute(select(func.count()).select_from(store.reports)).scalar_one()
        cells = conn.execute(select(func.count()).select_from(store.cells)).scalar_one()
    return reports, cells, len(library.index.indexed())  # type: ignore[union-attr]  # attached


def test_a_report_its_cells_and_its_vectors_commit_in_one_transaction(url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    library = Library(settings, open_index(settings, fake_embeddings()))
    report = report_of(BUREAU_2023)
    rows = library.index.chunk_rows(report)  # type: ignore[union-attr]  # attached
    vectors = library.index.embed(rows)  # type: ignore[union-attr]
    try:
        with pytest.raises(RuntimeError, match="killed"), store.writing(library.engine) as conn:
            store.write_report(conn, report, chunk_rows=rows)
            library.index.add(report.meta.id, rows, vectors, report.meta, conn=conn)  # type: ignore[union-attr]
            raise RuntimeError("killed between the vectors and the commit")
        assert counts(library) == (0, 0, 0)
        with store.writing(library.engine) as conn:
            store.write_report(conn, report, chunk_rows=rows)
            library.index.add(report.meta.id, rows, vectors, report.meta, conn=conn)  # type: ignore[union-attr]
        assert counts(library) == (1, len(report.cells), len(rows))
    finally:
        library.index.close()  # type: ignore[union-attr]
        library.engine.dispose()


def test_a_writer_waits_for_the_advisory_lock_and_past_the_busy_timeout_is_told_the_store_is_busy(
    url: str,
) -> None:
    engine = store.connect(url, busy_timeout=0.5)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.writing(engine):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with pytest.raises(store.StoreBusy, match="busy"), store.writing(engine):
            pass
        assert 0.4 < time.monotonic() - started < 5
    finally:
        release.set()
        holder.join(10)
    with store.writing(engine):  # free again
        pass
    engine.dispose()


def test_the_pool_settings_bound_each_engines_connections(url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=url, db_pool_size=2, db_max_overflow=1)
    engine = store.open_engine(settings)
    conversations = store.connect_conversations(url, settings.db_pool_size, settings.db_max_overflow)
    try:
        for pool in (engine.pool, conversations.pool):
            assert (pool.size(), pool._max_overflow) == (2, 1)  # type: ignore[attr-defined]  # QueuePool's
    finally:
        engine.dispose()
        conversations.dispose()


def test_over_every_body_the_keyword_half_finds_chunks_by_the_rarer_words_past_its_budget(
    url: str, tmp_path: Path
) -> None:
    """A word every chunk holds would make every chunk a candidate; past the budget the chunks are
    found by the rarer words (the planner's statistics say which), and all words still score."""
    from sqlalchemy import text

    from nianbao.store import search as sql
    from tests.fixtures import MADE_UP

    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    library = Library(settings, open_index(settings, fake_embeddings()))
    index = library.index
    assert index is not None
    try:
        for made in MADE_UP:
            report = report_of(made)
            rows = index.chunk_rows(report)
            library.commit(Prepared(report, rows, index.embed(rows)))
        with library.engine.connect() as conn:
            assert sql.match_words(conn, ["政府", "联系电话"]) == ["政府", "联系电话"]  # no statistics yet
        with library.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE chunk_index"))
        with library.engine.connect() as conn:
            chunks = len(index.indexed())
            holding = conn.execute(
                text("SELECT count(*) FROM chunk_index WHERE terms @@ to_tsquery('simple', :w)"),
                {"w": "政府"},
            ).scalar_one()
            assert holding > chunks / 2  # a common word of these reports
            assert sql.match_words(conn, ["政府", "联系电话"], budget=chunks * 10) == ["政府", "联系电话"]
            assert sql.match_words(conn, ["政府", "联系电话"], budget=holding - 1) == ["联系电话"]
            assert sql.match_words(conn, ["政府"], budget=1) == ["政府"]  # at least one word
    finally:
        index.close()
        library.engine.dispose()
