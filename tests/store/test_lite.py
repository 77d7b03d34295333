"""The sqlite3 reads of the light commands (store/lite.py) read what store.queries reads.

A store of corpus reports (two consecutive years of one body, reports with findings, one
version deleted) is read both ways: every read, and the Catalog's reports, cells and findings
on either, must be equal.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nianbao import store
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from nianbao.store import lite
from tests.conftest import RAW

FILES = [
    "2020_pingtan_zonghe_shiyanqu.txt",  # findings (表三 totals)
    "2021_pingtan_zonghe_shiyanqu.txt",  # the next year of the same body: carry-over compared
    "2019_shanghai_shizhengfu_bangongting.html",  # narrative findings
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",  # deleted below
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("lite") / "data")
    library = Library(settings)
    outcomes = list(library.ingest_paths([RAW / name for name in FILES]))
    assert [o.status for o in outcomes] == ["ingested"] * len(FILES)
    assert library.delete(outcomes[-1].report_id or "") is not None
    library.engine.dispose()
    return settings


@pytest.fixture(scope="module")
def both(settings: Settings) -> tuple[Catalog, Catalog]:
    """The Catalog on SQLAlchemy's engine, and on the sqlite3 reads."""
    found = lite.open_lite(settings.db_url)
    assert found is not None
    return Catalog(store.connect(settings.db_url)), Catalog(found)


@pytest.mark.parametrize("which", ["current", "versions", "deleted"])
def test_reports_read_alike(both: tuple[Catalog, Catalog], which: store.Which) -> None:
    full, light = both
    assert light.reports(which) == full.reports(which)
    assert light.reports(which), which  # every list has something to compare


def test_every_read_is_store_queries(both: tuple[Catalog, Catalog]) -> None:
    full, light = both
    with full.engine.connect() as a, light.engine.connect() as b:
        reports = store.list_reports(a, "versions") + store.list_reports(a, "deleted")
        assert lite.cell_counts(b) == store.cell_counts(a)
        ids = [r.meta.id for r in reports]
        assert [lite.get_report(b, i) for i in [*ids, "no-such-id"]] == [
            store.get_report(a, i) for i in [*ids, "no-such-id"]
        ]
        for report_id in ids:
            assert lite.load_cells(b, report_id) == store.load_cells(a, report_id)
            assert lite.load_findings(b, report_id) == store.load_findings(a, report_id)
        keys = {"t3.new_received.total", "t2.rules.made", "no.such.key"}
        assert lite.stored_cells(b, ids) == store.stored_cells(a, ids)
        assert lite.stored_cells(b, ids, keys) == store.stored_cells(a, ids, keys)
        assert lite.stored_cells(b, ids, []) == store.stored_cells(a, ids, []) == []
    assert sum(len(f.keys) for r in reports for f in full.findings(report_ids=[r.meta.id])) > 0


@pytest.mark.parametrize(
    ("body", "years", "key"),
    [
        (None, [], None),
        ("平潭", [2021], None),
        ("市中区政府办", [], "t3.new_received"),
        ("上海", [2019], "t4"),
    ],
)
def test_the_catalog_reads_alike(
    both: tuple[Catalog, Catalog], body: str | None, years: list[int], key: str | None
) -> None:
    full, light = both
    cells = light.cells(body, years, key)
    assert cells == full.cells(body, years, key) and cells
    assert light.findings(body, years) == full.findings(body, years)


def test_findings_are_there_to_compare(both: tuple[Catalog, Catalog]) -> None:
    """The reports chosen have findings (from the reports' own arithmetic), so the comparison
    above is not of two empty lists."""
    _, light = both
    found = light.findings()
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
