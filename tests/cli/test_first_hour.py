"""What a newcomer meets on the command line (issue 15): one default data directory, named at
start; ingest naming each file with its time and cells; figures in table order, a default table
that fits 80 columns, and an unknown key named with the nearest ones. Numbers from the gold file."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from nianbao import cli as cli_module
from nianbao.cli import app as cli
from nianbao.keys import CANONICAL_KEYS
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import GOLD, RAW

REPO = Path(__file__).resolve().parents[2]
SEED = "2023_zaozhuang_shizhongqu_zfb"
GOLD_SEED = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))


def run(*args: str, columns: int = 400) -> tuple[str, str]:
    cli_module._console.cache_clear()  # a command is a new process: its console reads COLUMNS anew
    try:
        result = CliRunner().invoke(cli, list(args), env={"COLUMNS": str(columns)})
    finally:
        cli_module._console.cache_clear()  # nor does the next test get this width
    assert result.exception is None and result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    data = tmp_path_factory.mktemp("first-hour") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIANBAO_DATA_DIR", str(data))
        mp.delenv("NIANBAO_DATABASE_URL", raising=False)
        out, err = run("ingest", "--records-only", str(REPO / "data"))
        yield data, out, err


def test_the_default_data_directory_of_a_checkout_is_its_dot_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    assert Settings().data_dir == REPO / ".data"
    assert "/.data/" in (REPO / ".gitignore").read_text()


def test_the_default_data_directory_outside_a_checkout_is_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "site-packages" / "nianbao"
    copy.mkdir(parents=True)
    shutil.copy(REPO / "nianbao" / "settings.py", copy / "settings.py")
    spec = importlib.util.spec_from_file_location("installed_settings", copy / "settings.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert module.default_data_dir() == tmp_path / "xdg" / "nianbao"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert module.default_data_dir() == Path.home() / ".local" / "share" / "nianbao"


def test_ingest_names_the_data_directory_and_each_file_with_its_time_and_cells(
    ingested: tuple[Path, str, str],
) -> None:
    data, out, err = ingested
    assert f"data directory {data}" in err
    line = next(line for line in out.splitlines() if line.startswith("ingested"))
    assert f"{SEED}.txt" in line and f"{len(GOLD_SEED['cells'])} cells" in line
    assert line.rstrip().endswith(f"s, {len(GOLD_SEED['cells'])} cells)")


def test_ingest_says_which_file_it_starts_before_its_outcome(tmp_path: Path) -> None:
    library = Library(Settings(data_dir=tmp_path / "data"))
    events: list[str] = []
    files = [RAW / f"{SEED}.txt", RAW / "2023_suqian_shuyangxian_fagaiju.html"]
    for outcome in library.ingest_paths(files, started=lambda p: events.append(f"start {p.name}")):
        events.append(f"done {outcome.source}")
    assert events == [f"{kind} {f.name}" for f in files for kind in ("start", "done")]


def test_figures_csv_is_in_table_order_with_the_reports_values(ingested: tuple[Path, str, str]) -> None:
    out, _ = run("figures", "--body", "市中区政府办", "--year", "2023", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["key"] for r in rows] == [k for k in CANONICAL_KEYS if k in GOLD_SEED["cells"]]
    assert all(float(r["value"]) == GOLD_SEED["cells"][r["key"]] for r in rows if r["value"] != "")


def test_the_default_figures_table_fits_80_columns_without_cutting_anything(
    ingested: tuple[Path, str, str],
) -> None:
    out, _ = run("figures", "--body", "市中区政府办", "--key", "t3.new_received", columns=80)
    assert "…" not in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80  # display width: 汉字 take two
    keys = [k for k in CANONICAL_KEYS if k.startswith("t3.new_received.")]
    for key in keys:
        assert any(line.split()[0:1] == [key] for line in out.splitlines()), key
    assert f"{SEED}.txt" in out and GOLD_SEED["agency"] in out


def test_figures_with_an_unknown_key_exits_2_naming_the_nearest(ingested: tuple[Path, str, str]) -> None:
    result = CliRunner().invoke(cli, ["figures", "--key", "t4.revew"])
    assert result.exit_code == 2
    assert "t4.revew" in result.stderr and "t4.review" in result.stderr
