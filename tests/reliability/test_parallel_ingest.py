"""``nianbao ingest --workers 2`` on PostgreSQL: a worker killed with SIGKILL in the middle of a
file (its report's rows and vectors written, the transaction not committed) leaves no partial
report, the file is handed to a new worker, and the store ends as one process's ingest leaves it.

The kill is put in from outside the product: a ``sitecustomize`` on the workers' PYTHONPATH wraps
the index's ``add`` so that the first call of the run, in whichever worker makes it, does the real
work and then kills its own process."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.reliability.ingest_runs import FILES, KILL_AFTER_ADD, NIANBAO, REPO, state
from tests.servers import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_worker_killed_mid_file_leaves_no_partial_report_and_the_file_is_retried(
    postgres: object, one_process_store: dict, tmp_path: Path
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
    assert after == one_process_store
    for source, current, cells, sections, chunks in after["reports"].values():
        assert current and cells and sections and chunks, source
    assert {chunk for chunk, _ in after["indexed"]} == set().union(*(r[4] for r in after["reports"].values()))
