"""Never silently text-only: a report that has the standard tables but gave fewer cells than its
layout has is named, with the tables it missed, by the ingest outcome, `nianbao ingest`
(exit 2 with --strict), `nianbao reports` and `nianbao doctor`; the API's report detail counts
each table's cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from nianbao.api.app import create_app
from nianbao.cli import app
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW
from tests.ingest import variants

GOLD = variants.load(next(p for p in variants.gold_files() if p.stem == "2023_zaozhuang_shizhongqu_zfb"))
CRAWLED = RAW / "2023_pingtan_zonghe_shiyanqu.txt"


def without_table_3(gold: variants.Gold) -> bytes:
    """The gold report in tab-separated text, its table 3 replaced by a note (a picture)."""
    lines = variants.report_text(gold, "tsv").split("\n")
    start = lines.index("三、收到和处理政府信息公开申请情况") + 1
    end = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join([*lines[:start], "（表格为图片，见附件）", *lines[end:]]).encode()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    whole = folder / "whole.txt"
    whole.write_bytes(variants.render(GOLD, "tsv"))
    partial = folder / "partial.txt"
    partial.write_bytes(without_table_3(GOLD).replace(b"2023", b"2022"))
    return {"whole": whole, "partial": partial}


def test_the_outcome_names_the_table_that_was_not_read(tmp_path: Path, files: dict[str, Path]) -> None:
    library = Library(Settings(data_dir=tmp_path / "data"))
    whole, partial = library.ingest_paths([files["whole"], files["partial"]])
    assert whole.partial == ()
    assert partial.partial == ("表三: 0 of 175 cells read",)
    assert "表三: 0 of 175 cells read" in partial.message


def test_ingest_says_which_file_missed_which_table_and_exits_2_with_strict(
    data_dir: Path, files: dict[str, Path]
) -> None:
    runner = CliRunner()
    lenient = runner.invoke(app, ["ingest", "--records-only", str(files["partial"])])
    assert lenient.exit_code == 0, lenient.output
    assert "partial.txt" in lenient.output and "表三: 0 of 175 cells read" in lenient.output
    strict = runner.invoke(app, ["ingest", "--records-only", "--strict", str(files["whole"])])
    assert strict.exit_code == 0, strict.output
    again = runner.invoke(app, ["ingest", "--records-only", "--strict", str(files["partial"].parent)])
    assert again.exit_code == 2 and "1 read in part" in again.output


def test_reports_and_doctor_name_the_report_read_in_part(data_dir: Path, files: dict[str, Path]) -> None:
    runner = CliRunner()
    runner.invoke(app, ["ingest", "--records-only", str(files["partial"].parent)])
    reports = runner.invoke(app, ["reports"])
    assert "warning partial.txt: 表三: 0 of 175 cells read" in reports.output
    doctor = runner.invoke(app, ["doctor", "--records-only"])
    assert "tables read: 1 report with tables read in part" in doctor.output
    assert "partial.txt" in doctor.output and "表三: 0 of 175 cells read" in doctor.output


def test_the_report_detail_shows_the_page_date_address_and_cells_per_table(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    [outcome] = Library(settings).ingest_paths([CRAWLED])
    with TestClient(create_app(settings, with_index=False)) as client:
        detail = client.get(f"/api/reports/{outcome.report_id}").json()
    header = CRAWLED.read_text(encoding="utf-8").split("\n")
    assert detail["published"] == header[1].split(": ", 1)[1][:10]
    assert detail["source_url"] == header[5].split(": ", 1)[1]
    assert {t["name"]: (t["read"], t["expected"]) for t in detail["tables"]} == {
        "表二": (10, 10),
        "表三": (175, 175),
        "表四": (15, 15),
    }
