"""Hostile files in a batch: each is skipped with the budget it broke, nothing of it is stored,
and the real report beside them goes in. Run through the real command line, in its own process,
with the search index (real model, Chroma on disk)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao import store
from tests.conftest import RAW
from tests.reliability.hostile import many_pages_pdf, one_line_txt, pdf_bomb

ROOT = Path(__file__).resolve().parents[2]
NIANBAO = Path(sys.executable).parent / "nianbao"
SEED = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"


def nianbao(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NIANBAO_DATA_DIR": str(data_dir),
        "COLUMNS": "400",
        **env,
    }
    environment.pop("NIANBAO_DATABASE_URL", None)
    return subprocess.run(
        [str(NIANBAO), *args], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=900
    )


def stored_sources(data_dir: Path) -> list[str]:
    engine = store.connect(f"sqlite:///{data_dir / 'nianbao.sqlite3'}")
    try:
        with engine.connect() as conn:
            return sorted(r.meta.source for r in store.list_reports(conn))
    finally:
        engine.dispose()


@pytest.mark.slow
def test_hostile_files_are_skipped_with_their_budget_and_the_batch_goes_on(tmp_path: Path) -> None:
    files = {
        "bomb.pdf": pdf_bomb(20 << 20),
        "small-bomb.pdf": pdf_bomb(2 << 20),
        "pages.pdf": many_pages_pdf(100_000),
        "one-line.txt": one_line_txt(19 << 20),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in files] + [str(SEED)]
    done = nianbao(tmp_path / "data", "ingest", *paths)
    assert done.returncode == 0, done.stderr[-3000:]
    said = " ".join(done.stdout.split())
    assert "Traceback" not in done.stderr
    for name, setting in [
        ("bomb.pdf", "STREAM_INFLATED_BYTES"),
        ("small-bomb.pdf", "INFLATE_RATIO"),
        ("pages.pdf", "PAGES"),
        ("one-line.txt", "CHARS"),
    ]:
        assert f"skipped {name}: {name}: over budget:" in said, said
        assert f"NIANBAO_BUDGET__{setting}" in said.split(f"skipped {name}:")[1].split("skipped ")[0]
    assert f"ingested {SEED.name}" in said
    assert stored_sources(tmp_path / "data") == [SEED.name]


@pytest.mark.slow
def test_a_report_of_more_search_chunks_than_the_budget_is_not_embedded_nor_stored(tmp_path: Path) -> None:
    done = nianbao(tmp_path / "data", "ingest", str(SEED), NIANBAO_BUDGET__CHUNKS="5")
    assert done.returncode == 0, done.stderr[-3000:]
    said = " ".join(done.stdout.split())
    assert "search chunks; the limit is 5 (NIANBAO_BUDGET__CHUNKS)" in said, said
    assert stored_sources(tmp_path / "data") == []
