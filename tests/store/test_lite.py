"""One set of reads: ``store.queries``' SQL text read over sqlite3 (``store.lite``, the embedded
store) gives what it gives through SQLAlchemy's connection (as on PostgreSQL, where the
conformance suites run the same reads), on a store of corpus reports (two consecutive years of
one body, reports with findings, one version deleted).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nianbao import store
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from nianbao.store import lite
from tests.conftest import RAW
from tests.fakes import fake_embeddings

FILES = [
    "2020_pingtan_zonghe_shiyanqu.txt",  # findings (表三 totals)
    "2021_pingtan_zonghe_shiyanqu.txt",  # the next year of the same body: carry-over compared
    "2019_shanghai_shizhengfu_bangongting.html",  # narrative findings
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",  # deleted below
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The reports ingested with a search index (a deterministic embedder: the chunks' rows are
    the point, not their vectors)."""
    from nianbao.retrieval.index import SearchIndex

    settings = Settings(data_dir=tmp_path_factory.mktemp("lite") / "data")
    library = Library(settings, SearchIndex(settings, fake_embeddings()))
    outcomes = list(library.ingest_paths([RAW / name for name in FILES]))
    assert [o.status for o in outcomes] == ["ingested"] * len(FILES)
    assert library.delete(outcomes[-1].report_id or "") is not None
    library.engine.dispose()
    return settings


@pytest.fixture(scope="module")
def both(settings: Settings) -> Iterator[tuple[Any, Any]]:
    """A connection of each kind to the same store: SQLAlchemy's, and sqlite3's."""
    engine, found = store.connect(settings.db_url), lite.open_lite(settings.db_url)
    assert found is not None
    with engine.connect() as full, found.connect() as light:
        yield full, light
    engine.dispose()
    found.dispose()


def _reads(ids: list[str], chunk_ids: list[str], body: str) -> dict[str, Callable[[Any], object]]:
    """Every read of ``store.queries``, with arguments that find something (``body``: the
    body of the 2021 report)."""
    keys = {"t3.new_received.total", "t2.rules.made", "no.such.key"}
    return {
        "list_reports": store.list_reports,
        "list_reports versions": lambda c: store.list_reports(c, "versions"),
        "list_reports deleted": lambda c: store.list_reports(c, "deleted"),
        "get_report": lambda c: [store.get_report(c, i) for i in [*ids, "no-such-id"]],
        "find_by_body_year": lambda c: store.find_by_body_year(c, body, 2021),
        "versions": lambda c: [store.versions(c, i) for i in ids],
        "deleted_before": lambda c: store.deleted_before(c, "9999"),
        "audit_log": lambda c: (store.audit_log(c), store.audit_log(c, ids[-1], 1)),
        "body_regions": store.body_regions,
        "reports_of_body": lambda c: store.reports_of_body(c, body),
        "report_texts": lambda c: store.report_texts(c, ids),
        "cell_counts": store.cell_counts,
        "reports_with_sections": store.reports_with_sections,
        "load_cells": lambda c: [store.load_cells(c, i) for i in ids],
        "cell_keys_at": lambda c: [store.cell_keys_at(c, i, _places(store.load_cells(c, i))) for i in ids],
        "stored_cells": lambda c: store.stored_cells(c, ids),
        "stored_cells of keys": lambda c: store.stored_cells(c, ids, keys),
        "load_findings": lambda c: [store.load_findings(c, i) for i in ids],
        "load_sections": lambda c: [store.load_sections(c, i) for i in ids],
        "load_narrative": lambda c: store.load_narrative(c, ids),
        "keyword_rows": store.keyword_rows,
        "keyword_rows of reports": lambda c: store.keyword_rows(c, ids[:2]),
        "chunk_rows": lambda c: store.chunk_rows(c, chunk_ids),
        "stored_chunks": store.stored_chunks,
        "chunks_of": lambda c: [store.chunks_of(c, i) for i in ids],
        "chunk_rows_by_report": lambda c: store.chunk_rows_by_report(c, chunk_ids),
        "integrity_problems": store.integrity_problems,
    }


def _places(cells: list[Any]) -> list[str]:
    """Where each cell sits, as a citation names it, and a place no cell is at."""
    return [f"{c.table} · {c.row_label} · {c.column_label}" for c in cells] + ["表九 · 无 · 无"]


def test_a_cited_place_reads_as_the_first_cell_there(both: tuple[Any, Any]) -> None:
    _, light = both
    for rep in store.list_reports(light):
        cells = store.load_cells(light, rep.meta.id)
        first = {}
        for cell, place in zip(cells, _places(cells), strict=False):
            first.setdefault(place, cell.key)
        assert store.cell_keys_at(light, rep.meta.id, _places(cells)) == first


def test_every_read_reads_alike_over_either_connection(both: tuple[Any, Any]) -> None:
    full, light = both
    reports = store.list_reports(full, "versions") + store.list_reports(full, "deleted")
    ids = [r.meta.id for r in reports]
    chunk_ids = list(store.stored_chunks(full))
    assert len(ids) == len(FILES) and chunk_ids
    body = next(r.meta.body for r in reports if r.meta.source == FILES[1])
    for name, read in _reads(ids, chunk_ids, body).items():
        found = read(light)
        assert found == read(full), name
        assert found or name == "integrity_problems", f"{name} found nothing to compare"
    assert store.stored_cells(light, ids, []) == store.stored_cells(full, ids, []) == []
    assert store.orphan_rows(light) == store.orphan_rows(full) == {}


def test_values_read_over_sqlite3_are_the_reports(both: tuple[Any, Any]) -> None:
    """JSON, booleans and numbers come back as values, not as SQLite's text and integers."""
    _, light = both
    reports = {r.meta.source: r for r in store.list_reports(light, "versions")}
    assert reports[FILES[3]].current is True and isinstance(reports[FILES[3]].warnings, tuple)
    cells = store.stored_cells(light, [reports[FILES[3]].meta.id], ["t3.new_received.total"])
    assert [c.value for c in cells] == [27]  # gold: 市中区政府办 2023 新收申请 总计 27
    sections = store.load_sections(light, reports[FILES[3]].meta.id)
    assert sections and all(isinstance(s.path, tuple) and s.path for s in sections)


def test_an_engine_on_an_sqlite_file_is_read_over_sqlite3(settings: Settings) -> None:
    engine = store.connect(settings.db_url)
    catalog = Catalog(engine)
    assert isinstance(catalog.engine, lite.LiteStore)
    assert {r.meta.source for r in catalog.reports()} == set(FILES[:-1])
    engine.dispose()


def test_findings_are_read_across_years(settings: Settings) -> None:
    """The reports chosen have findings (from the reports' own arithmetic) and a carry-over to
    compare between 2020 and 2021."""
    found = Catalog(lite.open_lite(settings.db_url)).findings()
    assert {f.source for f in found} >= {FILES[0], FILES[2]}


def test_only_an_sqlite_store_in_place_is_read_light(settings: Settings, tmp_path: Path) -> None:
    assert lite.open_lite("postgresql://nianbao@localhost/nianbao") is None
    assert lite.open_lite(f"sqlite:///{tmp_path / 'none.sqlite3'}") is None
    assert not (tmp_path / "none.sqlite3").exists()  # not created by looking
    older = tmp_path / "older.sqlite3"
    with sqlite3.connect(older) as db:  # a store made before findings had quotes
        db.execute("CREATE TABLE reports (id TEXT)")
    assert lite.open_lite(f"sqlite:///{older}") is None
    assert lite.open_lite(settings.db_url) is not None


def test_the_tables_lite_checks_are_the_schemas() -> None:
    from nianbao.store.conversation_schema import conversation_metadata
    from nianbao.store.schema import _ADDED_COLUMNS, CHILD_TABLES, metadata

    assert set(lite.RECORDS) == set(metadata.tables)
    assert {t: {c.split()[0] for c in cs} for t, cs in _ADDED_COLUMNS.items()} == {
        t: set(cs) for t, cs in lite.RECORDS.items() if cs
    }
    assert set(lite.CONVERSATIONS) == set(conversation_metadata.tables)
    assert store.queries.CHILD_TABLE_NAMES == tuple(t.name for t in CHILD_TABLES)


def test_a_write_that_fails_keeps_nothing_and_the_store_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "rows.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE reports (id TEXT PRIMARY KEY)")
    kept = lite.LiteStore(path)
    with pytest.raises(sqlite3.IntegrityError), kept.writing() as conn:
        conn.execute("INSERT INTO reports VALUES ('a')")
        conn.execute("INSERT INTO reports VALUES ('a')")
    with kept.writing() as conn:
        conn.execute("INSERT INTO reports VALUES ('b')")
    with kept.connect() as conn:
        assert [r.id for r in conn.execute("SELECT id FROM reports")] == ["b"]
    kept.dispose()
