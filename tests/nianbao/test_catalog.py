"""One read layer: the CLI and the API read through the same Catalog, so for the same filters
they give the same rows. Real corpus files, the real app in-process (TestClient), the real CLI
(CliRunner); expected values from the hand-verified gold file of the seed report."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from nianbao.api.app import create_app
from nianbao.catalog import Catalog
from nianbao.cli import app as cli
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import GOLD, RAW

SEED = "2023_zaozhuang_shizhongqu_zfb"
GOLD_SEED = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))
FILES = [f"{SEED}.docx", "2023_huaian_hongzequ.pdf", "2024_huaian_hongzequ.pdf"]
#: A file name that a spreadsheet would run as a formula: the CSV must defuse it.
FORMULA_NAME = "=HYPERLINK(0).html"
FAGAIJU = "2023_suqian_shuyangxian_fagaiju.html"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three reports and one under a formula-like file name, records only; the CLI reads the
    same directory through NIANBAO_DATA_DIR."""
    data = tmp_path_factory.mktemp("catalog") / "data"
    library = Library(Settings(data_dir=data))
    for name in FILES:
        assert library.ingest_bytes((RAW / name).read_bytes(), name).status == "ingested"
    assert library.ingest_bytes((RAW / FAGAIJU).read_bytes(), FORMULA_NAME).status == "ingested"
    library.engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIANBAO_DATA_DIR", str(data))
        mp.delenv("NIANBAO_DATABASE_URL", raising=False)
        yield data


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=data_dir), with_index=False)) as c:
        yield c


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_args(filters: dict) -> list[str]:
    """``{"body": "x", "year": [2023]}`` as ``--body x --year 2023``."""
    out: list[str] = []
    for name, value in filters.items():
        for each in value if isinstance(value, list) else [value]:
            out += [f"--{name}", str(each)]
    return out


FILTERS = [
    {"body": "市中区政府办", "year": [2023]},  # a name people use, not the stored one
    {"body": "洪泽", "key": "t3.new_received"},  # two years, stored under two spellings of the body
    {"key": "t4.review.total"},
    {"body": "市中区人民政府办公室", "year": [2021]},  # no such year: nothing
]


@pytest.mark.parametrize("filters", FILTERS, ids=[json.dumps(f, ensure_ascii=False) for f in FILTERS])
def test_the_cli_and_the_api_give_the_same_figures_for_the_same_filters(
    client: TestClient, filters: dict
) -> None:
    from_api = client.get("/api/figures", params=filters).json()
    from_cli = json.loads(run_cli("figures", *cli_args(filters), "--format", "json"))
    assert from_cli == from_api


def test_the_abbreviated_body_name_finds_the_seed_report_in_the_cli_and_the_api(
    client: TestClient,
) -> None:
    filters = {"body": "市中区政府办", "year": [2023]}
    rows = json.loads(run_cli("figures", *cli_args(filters), "--format", "json"))
    values = {r["key"]: r["value"] for r in rows}
    assert values["t3.new_received.total"] == GOLD_SEED["cells"]["t3.new_received.total"]
    assert {r["body"] for r in rows} == {GOLD_SEED["agency"]}
    api = client.get("/api/figures", params={**filters, "key": "t3.new_received.total"}).json()
    assert [r["value"] for r in api] == [GOLD_SEED["cells"]["t3.new_received.total"]]


def test_the_deprecated_agency_option_and_parameter_read_like_body(client: TestClient) -> None:
    by_body = json.loads(run_cli("figures", "--body", "洪泽", "--format", "json"))
    assert by_body
    assert json.loads(run_cli("figures", "--agency", "洪泽", "--format", "json")) == by_body
    assert client.get("/api/figures", params={"agency": "洪泽"}).json() == by_body


def test_the_cli_and_the_api_give_the_same_csv_with_formulas_defused(client: TestClient) -> None:
    api = client.get("/api/figures", params={"format": "csv"}).content.decode("utf-8")
    cli_csv = run_cli("figures", "--format", "csv")
    assert api.startswith("\ufeff")  # for Excel; the CLI's stdout goes to a pipe or a file
    assert api[1:].replace("\r\n", "\n") == cli_csv.replace("\r\n", "\n")  # CliRunner's newlines
    rows = list(csv.DictReader(io.StringIO(cli_csv)))
    assert {r["source"] for r in rows} >= {"'" + FORMULA_NAME, f"{SEED}.docx"}
    assert not any(v.startswith("=") for r in rows for v in r.values())


@pytest.mark.parametrize("filters", [{}, {"body": "洪泽"}, {"body": "洪泽", "year": [2024]}])
def test_the_cli_and_the_api_list_the_same_findings(client: TestClient, filters: dict) -> None:
    from_api = client.get("/api/findings", params=filters).json()
    assert json.loads(run_cli("check", *cli_args(filters), "--format", "json")) == from_api


def test_a_finding_from_the_text_carries_its_quote_as_written_and_the_cells_it_names(
    data_dir: Path,
) -> None:
    catalog = Catalog(Library(Settings(data_dir=data_dir)).engine)
    found = catalog.findings(body="洪泽")
    quoted = [f for f in found if f.rule == "narrative"]
    assert quoted and all(f.quote for f in quoted)
    for f in quoted:
        text, _ = catalog.text_with_sections(f.report_id)
        assert f.quote in text and f"「{f.quote}」" in f.message
    for f in found:
        assert f.cells and {c.key for c in f.cells} <= set(f.keys)
        assert all((c.report_id, c.source, c.body) == (f.report_id, f.source, f.body) for c in f.cells)
    assert all(f.quote is None for f in found if f.rule.startswith(("t3.", "t4.")))


def test_stored_cells_point_at_their_place_in_the_report(data_dir: Path) -> None:
    catalog = Catalog(Library(Settings(data_dir=data_dir)).engine)
    [cell] = catalog.cells(body="市中区政府办", years=[2023], key="t3.new_received.total")
    assert cell.locator == f"{cell.table} · {cell.row_label} · 总计"
    [paged] = catalog.cells(body="淮安市洪泽区人民政府", years=[2024], key="t3.new_received.total")
    assert paged.page and paged.locator.endswith(f" · 第{paged.page}页")


def test_a_stored_bodys_exact_name_selects_what_the_body_resolver_would(data_dir: Path) -> None:
    """The exact name skips building the resolver's tables (the light commands' fast path); the
    reports chosen are those the resolver's reading of the name chooses, for every stored name."""
    from nianbao.retrieval.bodies import BodyResolver, same_body

    catalog = Catalog(Library(Settings(data_dir=data_dir)).engine)
    stored = catalog.reports()
    names = {r.meta.body for r in stored}
    assert len(names) == 3 and len(stored) == 4  # 洪泽 with two years
    for name in sorted(names):
        read = {n for m in BodyResolver(names).resolve(name) for n in (m.exact or m.near)}
        chosen = [r for r in stored if name in r.meta.body or any(same_body(r.meta.body, n) for n in read)]
        assert read, name
        assert [r.meta.id for r in catalog.matching_reports(name)] == [r.meta.id for r in chosen], name
