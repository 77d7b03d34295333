"""A full disk is said as such: on a small real file system (a tmpfs, mounted for the test; it
needs root, and is skipped without it), filled up to the last MiB while the service runs, ingest
with the search index skips each file with "disk full", the directory and what to do (then, in
brackets, what the library said: Chroma's "Error in compaction", say), never a traceback; the
API answers 507 ``disk_full`` and /healthz names it; once space is freed the next ingest goes in
and ``nianbao doctor`` finds the store whole (SQL, vectors and keyword index agree)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import ADMIN_KEY, live_server, settings_for, upload
from tests.conftest import RAW
from tests.reliability.test_hostile_files import nianbao, stored_sources

SEED = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"
MORE = sorted(RAW.glob("*.html"))
#: The free space kept on the 24 MiB disk (the default, 64 MiB, is more than it has).
KEEP = str(8 << 20)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_kib: int) -> Path:
    """A file taking all but ``leave_kib`` KiB of ``disk``."""
    filler = disk / "filler"
    free = int(subprocess.run(["df", "-k", "--output=avail", str(disk)], capture_output=True, text=True)
               .stdout.split()[-1])  # fmt: skip
    subprocess.run(["fallocate", "-l", f"{max(free - leave_kib, 1)}k", str(filler)], check=True)
    return filler


@pytest.mark.slow
def test_a_full_disk_is_said_as_such_and_nothing_is_lost(small_disk: Path) -> None:
    data = small_disk / "data"
    first = nianbao(data, "ingest", str(SEED), NIANBAO_MIN_FREE_BYTES=KEEP)
    assert first.returncode == 0 and f"ingested {SEED.name}" in " ".join(first.stdout.split())
    settings = settings_for(data, min_free_bytes=int(KEEP))
    with live_server(settings, with_index=False) as srv, srv.client() as client:  # a running service
        assert client.get("/healthz").json()["status"] == "ok"
        filler = fill(small_disk, leave_kib=1000)

        # writes are tried (nothing kept free) and fail on the full disk
        tried = nianbao(data, "ingest", *map(str, MORE), NIANBAO_MIN_FREE_BYTES="0")
        said = " ".join(tried.stdout.split())
        assert tried.returncode == 0, tried.stderr[-3000:]
        assert "disk full: the file system of the data directory" in said, said
        skipped = said.count("skipped ")
        assert skipped >= 1 and said.count(": disk full: ") == skipped, said  # each says why first
        assert "Traceback" not in tried.stderr + tried.stdout

        # with free space kept, nothing is tried
        refused = nianbao(data, "ingest", *map(str, MORE), NIANBAO_MIN_FREE_BYTES=KEEP)
        said = " ".join(refused.stdout.split())
        skipped = said.count("skipped ")
        assert skipped >= 1 and said.count("disk full") == skipped, said  # the others are stored already
        assert said.count("at least 8 MiB is kept free, NIANBAO_MIN_FREE_BYTES") == skipped
        assert "Error" not in said  # refused before any write was tried

        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and any(p.startswith("disk full") for p in health["problems"])
        [outcome] = upload(client, [(MORE[-1].name, MORE[-1].read_bytes())]).json()["outcomes"]
        assert outcome["status"] in ("skipped", "unchanged"), outcome
        assert outcome["status"] == "unchanged" or "disk full" in outcome["message"], outcome
        [seed_id] = [r["id"] for r in client.get("/api/reports").json() if r["source"] == SEED.name]
        deleted = client.delete(f"/api/reports/{seed_id}", headers={"X-Admin-Key": ADMIN_KEY})
        assert deleted.status_code == 507 and deleted.json()["error"]["code"] == "disk_full", deleted.text
        chat = client.post("/api/chat", json={"question": "市中区政府办2023年收到多少信息公开申请？"})
        assert chat.status_code in (200, 507), chat.text
        if chat.status_code == 507:
            assert chat.json()["error"]["code"] == "disk_full"

    filler.unlink()
    again = nianbao(data, "ingest", *map(str, MORE), NIANBAO_MIN_FREE_BYTES=KEEP)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "disk full" not in again.stdout
    assert set(stored_sources(data)) == {SEED.name} | {p.name for p in MORE} - _same_reports(again.stdout)
    doctor = nianbao(data, "doctor").stdout
    # whole: the one problem left is the disk itself (doctor asks for 1 GiB; this one has 24 MiB)
    assert [line.split()[1] for line in doctor.splitlines() if line.startswith("PROBLEM")] == ["disk"], doctor
    for check in ("database integrity", "orphan rows", "search vectors", "keyword index"):
        assert f"OK       {check}" in doctor, doctor


def _same_reports(said: str) -> set[str]:
    """Files stored as another format of a report already stored (kept as its alias)."""
    return {
        w.rstrip(":")
        for line in said.splitlines()
        if line.startswith("same_report")
        for w in line.split()[1:2]
    }
