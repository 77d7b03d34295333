"""``nianbao ingest --workers 2`` on PostgreSQL: a worker killed with SIGKILL in the middle of a
file (its report's rows and vectors written, the transaction not committed) leaves no partial
report, the file is handed to a new worker, and the store ends as one process's ingest leaves it.

The kill is put in from outside the product: a ``sitecustomize`` on the workers' PYTHONPATH wraps
the index's ``add`` so that the first call of the run, in whichever worker makes it, does the real
work and then kills its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nianbao import store
from nianbao.library import Library
from nianbao.retrieval.backend import open_index
from nianbao.settings import Settings
from tests.conftest import RAW
from tests.servers import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
NIANBAO = str(Path(sys.executable).parent / "nianbao")
FILES = [
    RAW / "2023_zaozhuang_shizhongqu_zfb.docx",
    RAW / "2023_suqian_shuyangxian_fagaiju.html",
    RAW / "2024_shanghai_kewei.txt",
]

KILL_AFTER_ADD = """
import os, signal
from nianbao.retrieval import pgindex

_real = pgindex.PgSearchIndex.add

def add(self, report_id, rows, vectors=None, meta=None, *, conn=None):
    _real(self, report_id, rows, vectors, meta, conn=conn)
    try:  # the first add of the run, in whichever worker: only one process creates the marker
        os.close(os.open(os.environ["NIANBAO_TEST_KILLED"], os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    with open(os.environ["NIANBAO_TEST_KILLED"], "w") as marker:
        marker.write(meta.source if meta else report_id)
    os.kill(os.getpid(), signal.SIGKILL)

pgindex.PgSearchIndex.add = add
"""


def state(url: str) -> dict:
    """What the store holds: per report its source, cells, sections and chunk ids; the indexed ids."""
    engine = store.connect(url)
    try:
        with engine.connect() as conn:
            out: dict = {}
            for rep in store.list_reports(conn, "versions"):
                rid = rep.meta.id
                cells = conn.execute(select(func.count()).where(store.cells.c.report_id == rid)).scalar_one()
                sections = conn.execute(
                    select(func.count()).where(store.sections.c.report_id == rid)
                ).scalar_one()
                chunks = {row["id"] for row in store.chunks_of(conn, rid)}
                out[rid] = (rep.meta.source, rep.current, cells, sections, frozenset(chunks))
            from nianbao.store import search

            indexed = frozenset(search.indexed_chunks(conn).items())
        return {"reports": out, "indexed": indexed}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def reference(postgres: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The same files ingested by one process, with the same model."""
    with fresh_database(postgres) as url:
        settings = Settings(data_dir=tmp_path_factory.mktemp("one") / "data", database_url=url)
        library = Library(settings, open_index(settings))
        assert [o.status for o in library.ingest_paths(FILES)] == ["ingested"] * 3
        library.index.close()  # type: ignore[union-attr]
        library.engine.dispose()
        yield state(url)


def test_a_worker_killed_mid_file_leaves_no_partial_report_and_the_file_is_retried(
    postgres: object, reference: dict, tmp_path: Path
) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(KILL_AFTER_ADD))
    marker = tmp_path / "killed"
    with fresh_database(postgres) as url:
        env = {
            **os.environ,
            "PYTHONPATH": f"{hook}{os.pathsep}{REPO}",
            "NIANBAO_DATABASE_URL": url,
            "NIANBAO_DATA_DIR": str(tmp_path / "data"),
            "NIANBAO_TEST_KILLED": str(marker),
            "COLUMNS": "400",
        }
        done = subprocess.run(
            [NIANBAO, "ingest", "--workers", "2", *map(str, FILES)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        killed = marker.read_text()
        assert killed in {f.name for f in FILES}, killed
        lines = [line for line in done.stdout.splitlines() if line.split()[:1] in (["ingested"],)]
        assert len(lines) == 3, done.stdout
        [retried] = [line for line in lines if "retried: its worker died" in line]
        assert killed in retried
        assert "3 files: 3 ingested" in done.stdout
        after = state(url)
    assert after == reference
    for source, current, cells, sections, chunks in after["reports"].values():
        assert current and cells and sections and chunks, source
    assert {chunk for chunk, _ in after["indexed"]} == set().union(*(r[4] for r in after["reports"].values()))
