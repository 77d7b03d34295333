"""``nianbao figures`` and ``nianbao check`` print the API's rows without the API's models: each
cell and finding as JSON text (numbers' types included) and as CSV is what ``api.schemas`` and
``api.export`` make of it. Real corpus files, records only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from nianbao.api.export import figures_csv as api_figures_csv
from nianbao.api.schemas import FindingOut, Record
from nianbao.catalog import Catalog
from nianbao.cli.records import RECORD_FIELDS, cell_record, figures_csv, finding_record
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW

#: Cells of the three readers' kinds (Word, PDF with pages, HTML, text), findings within the
#: tables (t3, t4) and against the text (narrative, with quotes).
FILES = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_huaian_hongzequ.pdf",
    "2019_shanghai_shizhengfu_bangongting.html",
    "2020_pingtan_zonghe_shiyanqu.txt",
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("records") / "data"))
    assert [o.status for o in library.ingest_paths([RAW / n for n in FILES])] == ["ingested"] * len(FILES)
    yield Catalog(library.engine)
    library.engine.dispose()


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)


def test_a_cell_record_is_the_apis_record(catalog: Catalog) -> None:
    cells = catalog.cells()
    assert len({c.report_id for c in cells}) == len(FILES) and any(c.page for c in cells)
    assert RECORD_FIELDS == tuple(Record.model_fields)
    assert as_json([cell_record(c) for c in cells]) == as_json([Record.of(c).model_dump() for c in cells])


def test_a_finding_record_is_the_apis_finding(catalog: Catalog) -> None:
    found = catalog.findings()
    assert {f.rule for f in found} >= {"narrative", "t3.results_total", "t4.group_total"}
    assert any(f.quote for f in found)
    mine = as_json([finding_record(f) for f in found])
    assert mine == as_json([FindingOut.of(f).model_dump() for f in found])


def test_the_figures_csv_is_the_apis(catalog: Catalog) -> None:
    cells = catalog.cells()
    assert figures_csv(cells) == api_figures_csv(cells)
