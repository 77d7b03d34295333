"""What the parallel-ingest tests share: the files, the kill put into a worker from outside, the
store's state to compare, and (``tests/reliability/conftest.py``) one process's ingest of the files."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select

from nianbao import store
from tests.conftest import RAW

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
