"""Report text is never Rich markup: a report whose body name holds ``[/]`` and ``[bold]`` is
ingested, listed, checked, searched and shown in its versions by the real CLI, and every command
prints the name as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import app as cli
from nianbao.eval.variants import relabel
from tests.conftest import RAW

#: A real report with arithmetic findings, re-labelled so its body name is Rich markup.
SOURCE = RAW / "2020_pingtan_zonghe_shiyanqu.txt"
BODY = "平潭[/]综合[bold]实验区"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None and result.exit_code == 0, result.output
    return " ".join(result.stdout.split())  # the console wraps long lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("markup")
    report = root / "markup[red]report[bold].txt"
    report.write_text(
        relabel(SOURCE.read_text(encoding="utf-8"), [["平潭综合实验区", BODY]]), encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIANBAO_DATA_DIR", str(root / "data"))
        mp.setenv("COLUMNS", "400")
        mp.delenv("NIANBAO_DATABASE_URL", raising=False)
        said = run("ingest", str(report))
        assert f"ingested {report.name}: {BODY} 2020" in said, said
        yield root / "data"


@pytest.mark.slow
def test_reports_delete_restore_and_the_audit_log_print_a_body_name_with_markup_as_written(
    data_dir: Path,
) -> None:
    assert BODY in run("reports") and "markup[red]report[bold].txt" in run("reports")
    [report_id] = [w for w in run("reports", "--versions").split() if len(w) == 16 and w.isalnum()]
    assert BODY in run("delete", report_id)
    deleted = run("reports", "--deleted")
    assert BODY in deleted and report_id in deleted and "v1 │ deleted" in deleted
    assert BODY in run("restore", report_id) and BODY in run("reports")
    log = run("audit-log")
    assert "delete" in log and "restore" in log and BODY in log


@pytest.mark.slow
def test_check_prints_findings_of_a_body_name_with_markup_as_written(data_dir: Path) -> None:
    said = run("check", "--body", "综合")
    assert f"{BODY} 2020" in said and "0 findings" not in said


@pytest.mark.slow
def test_search_and_figures_print_a_body_name_with_markup_as_written(data_dir: Path) -> None:
    assert BODY in run("search", "政府信息公开 申请", "--k", "2")
    assert BODY in run("figures", "--body", "综合", "--key", "t3.new_received.total")
