"""The README's command-line examples work as written after ``scripts/run.sh``.

``test_readme_examples_run_as_written`` runs each line of the README's first ``sh`` block under
"Command line" against a data directory made by ``scripts/run.sh``'s own ingest line.
``test_a_fresh_clone_starts_with_run_sh_and_the_readme_examples_then_work`` does what a newcomer
does: clones the repository, runs ``scripts/run.sh`` (setup, ingest, serve), and runs the same
lines in the clone with no NIANBAO_* setting at all, so they must find run.sh's data by
themselves. It takes minutes (a new .venv), so it runs in CI (``CI=true``) or with
NIANBAO_TEST_CLONE=1. Expected numbers come from the seed's gold file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import GOLD, SHARED

REPO = Path(__file__).resolve().parents[1]
SEED = "2023_zaozhuang_shizhongqu_zfb"
GOLD_SEED = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))


def readme_examples(readme: Path = REPO / "README.md") -> list[str]:
    """The command lines of the first ``sh`` block after the "## Command line" heading."""
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## Command line") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's Command line section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def run_sh_ingest(repo: Path = REPO) -> list[str]:
    """scripts/run.sh's ingest line (the command that fills the data directory), as words."""
    text = (repo / "scripts" / "run.sh").read_text()
    lines = [line for line in text.splitlines() if " ingest " in line and not line.startswith("#")]
    assert len(lines) == 1, lines
    return shlex.split(lines[0])


def check_examples(cwd: Path, env: dict[str, str]) -> None:
    """Run every README example in ``cwd``; each exits 0 and the figure ones show the gold value."""
    said = {}
    for line in readme_examples():
        done = subprocess.run(
            shlex.split(line), cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert done.stdout.strip(), line
        said[line] = done.stdout
    received = GOLD_SEED["cells"]["t3.new_received.total"]
    csv_line = next(line for line in said if "--format csv" in line)
    assert f",t3.new_received.total,{received}," in said[csv_line]
    figure = next(line for line in said if " ask " in line and "收到多少" in line)
    assert re.search(rf"(?<!\d){received}(?!\d)", said[figure])
    assert f"{SEED}.txt" in said[".venv/bin/nianbao reports"]
    assert "no problems" in said[".venv/bin/nianbao doctor"]


@pytest.mark.slow
def test_readme_examples_run_as_written(tmp_path: Path) -> None:
    env = {**os.environ, "NIANBAO_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("NIANBAO_DATABASE_URL", None)
    subprocess.run(run_sh_ingest(), cwd=REPO, env=env, check=True, capture_output=True, timeout=600)
    check_examples(REPO, env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[Path]:
    """A fresh clone of this repository's HEAD with ../shared beside it, as CI lays it out."""
    if not (os.environ.get("CI") or os.environ.get("NIANBAO_TEST_CLONE")):
        pytest.skip("minutes: a new .venv; runs in CI, or set NIANBAO_TEST_CLONE=1")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "clone", "-q", str(REPO), str(tmp_path / "repo")], check=True, timeout=120)
    (tmp_path / "shared").symlink_to(SHARED)
    yield tmp_path / "repo"


@pytest.mark.slow
@pytest.mark.clone
def test_a_fresh_clone_starts_with_run_sh_and_the_readme_examples_then_work(clone: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "PYTHONPATH", "VIRTUAL_ENV"))}
    port = free_port()
    log = (clone.parent / "run.log").open("w")
    server = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=clone,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 1200
        while True:
            assert server.poll() is None, (clone.parent / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "run.sh did not serve within 20 minutes"
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
                break
            except httpx.HTTPError:
                time.sleep(2)
        assert health["reports"] == 1
        said = (clone.parent / "run.log").read_text()
        assert f"data directory {clone / '.data'}" in said
        assert "swagger-ui-bundle.js" in httpx.get(f"http://127.0.0.1:{port}/docs").text
        check_examples(clone, {**env, "COLUMNS": "200"})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
