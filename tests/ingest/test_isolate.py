"""Files are read in a child process with memory and time limits, so that a budget a library
ignores still holds: what pdfminer spends interpreting a page is stopped at the deadline or
the memory limit, the file is skipped with the reason, and the batch goes on.

The hostile PDFs here inflate no more than real content does (tests/reliability/hostile.py
``slow_pdf``), so the counts inside the readers let them through; only the child's limits stop
them.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from nianbao import store
from nianbao.ingest import isolate
from nianbao.ingest.errors import Cancelled, NotAReport, OverBudget, UnreadableFile
from nianbao.ingest.isolate import read_isolated
from nianbao.ingest.pipeline import parse_file
from nianbao.library import Library
from nianbao.settings import Budget, Settings
from tests.conftest import RAW
from tests.reliability.hostile import slow_pdf

SEED = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"


# --- targets the child runs (importable by name, as a child needs them) ------------------------


def reader_pid(data: bytes, source: str, budget: Budget) -> int:
    return os.getpid()


def not_a_report(data: bytes, source: str, budget: Budget) -> None:
    raise NotAReport(f"{source}: this does not read as a report")


def sleeps(data: bytes, source: str, budget: Budget) -> None:
    time.sleep(60)


def aborts(data: bytes, source: str, budget: Budget) -> None:
    os.abort()


def read_in_a_pool_process(results: Any) -> None:
    """What a Celery pool process does with a file: read it in a child of its own."""
    try:
        results.put(read_isolated(reader_pid, b"x", "a.txt", Budget()))
    except Exception as exc:  # noqa: BLE001 - the test shows it
        results.put(repr(exc))


def reader_limits(data: bytes, source: str, budget: Budget) -> tuple[int, int]:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0], os.nice(0)


# --- the child process ---------------------------------------------------------------------


def test_a_file_is_read_in_another_process_under_the_memory_limit_at_a_lower_priority() -> None:
    assert read_isolated(reader_pid, b"x", "a.txt", Budget()) != os.getpid()
    limit, niceness = read_isolated(reader_limits, b"x", "a.txt", Budget(parse_memory_bytes=300 << 20))
    assert limit == 300 << 20
    assert niceness > os.nice(0)


def test_a_readers_error_comes_back_with_its_message() -> None:
    with pytest.raises(NotAReport, match="a.txt: this does not read as a report"):
        read_isolated(not_a_report, b"x", "a.txt", Budget())


def test_a_reader_past_the_deadline_is_killed() -> None:
    started = time.monotonic()
    with pytest.raises(OverBudget, match="took over 1 s.*NIANBAO_BUDGET__PARSE_SECONDS"):
        read_isolated(sleeps, b"x", "slow.txt", Budget(parse_seconds=1))
    assert time.monotonic() - started < 30  # not the 60 s it would have slept


def test_a_reader_that_crashes_is_an_unreadable_file() -> None:
    with pytest.raises(UnreadableFile, match="killed by SIGABRT"):
        read_isolated(aborts, b"x", "crash.txt", Budget())


def test_cancelling_stops_the_reader() -> None:
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(Cancelled, match="cancelled while it was being read"):
        read_isolated(sleeps, b"x", "gone.txt", Budget(), cancel=cancel)
    with pytest.raises(Cancelled, match="cancelled before it was read"):
        read_isolated(reader_pid, b"x", "gone.txt", Budget(), cancel=cancel)


def test_a_celery_pool_process_can_read_in_a_child() -> None:
    """Celery's pool processes are billiard processes: daemonic, and billiard's own process
    object stands in for the standard library's (a ``multiprocessing`` child failed there with
    "Pickling an AuthenticationString object is disallowed")."""
    billiard = pytest.importorskip("billiard", reason="billiard comes with the queue extra (celery)")
    results = billiard.get_context("fork").Queue()
    pool_process = billiard.get_context("fork").Process(
        target=read_in_a_pool_process, args=(results,), daemon=True
    )
    pool_process.start()
    answer = results.get(timeout=60)
    pool_process.join(10)
    assert isinstance(answer, int), answer
    assert answer not in (os.getpid(), pool_process.pid)


def test_the_corpus_reads_the_same_in_the_child_as_in_process() -> None:
    for path in (SEED, RAW / "2024_huaian_shi.pdf", RAW / "2024_pingtan_zonghe_shiyanqu.html"):
        data = path.read_bytes()
        child = read_isolated(parse_file, data, path.name, Budget())
        here = parse_file(data, path.name, Budget())
        assert child == here


# --- through the Library: the real readers, the real stack ----------------------------------


def library(tmp_path: Path, **budget: float) -> Library:
    return Library(Settings(data_dir=tmp_path / "data", budget=Budget(**budget)))  # type: ignore[arg-type]


def stored(lib: Library) -> list[str]:
    with lib.engine.connect() as conn:
        return [r.meta.source for r in store.list_reports(conn)]


def test_a_pdf_that_takes_too_long_to_interpret_is_skipped_at_the_deadline(tmp_path: Path) -> None:
    lib = library(tmp_path, parse_seconds=2)
    slow = slow_pdf(300_000)  # ~15 s of pdfminer on an idle machine
    outcomes = list(lib.ingest_paths([_write(tmp_path / "slow.pdf", slow), SEED]))
    assert [o.status for o in outcomes] == ["skipped", "ingested"]
    assert "reading it took over 2 s" in outcomes[0].message
    assert "NIANBAO_BUDGET__PARSE_SECONDS" in outcomes[0].message
    assert stored(lib) == [SEED.name]


def test_a_pdf_that_needs_too_much_memory_is_skipped_at_the_memory_limit(tmp_path: Path) -> None:
    lib = library(tmp_path, parse_memory_bytes=192 << 20, parse_seconds=300)
    boxes = slow_pdf(50_000, boxes=True)  # 250 kB; pdfminer keeps ~260 MB of rectangles
    outcomes = list(lib.ingest_paths([_write(tmp_path / "boxes.pdf", boxes), SEED]))
    assert [o.status for o in outcomes] == ["skipped", "ingested"]
    assert "needed more memory" in outcomes[0].message
    assert "NIANBAO_BUDGET__PARSE_MEMORY_BYTES" in outcomes[0].message
    assert stored(lib) == [SEED.name]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("handed_over", [b"", pickle.dumps(["/nowhere"])[:-3]])
def test_a_reader_whose_parent_died_while_handing_over_the_call_exits_without_a_traceback(
    handed_over: bytes,
) -> None:
    """A killed ``nianbao ingest`` leaves its reading child a cut-off call on standard input; the
    child shares the parent's standard error, where a traceback would look like the parent's."""
    done = subprocess.run(
        [sys.executable, "-c", isolate.CHILD],
        input=handed_over,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=60,
    )
    assert done.returncode == isolate.PARENT_GONE
    assert b"Traceback" not in done.stderr
