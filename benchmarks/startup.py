"""Start-up: what a person waits for, cold, next to the same work inside a warm process.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--data-dir DIR] [--files 6] [--light | --figure-ask]

Each command runs in a fresh process, ``--runs`` times; printed are the medians of its wall time,
its CPU time (user + system: on a machine shared with other work, closer to what an idle machine's
wall time would be) and its peak memory (``ru_maxrss`` of the child, from ``wait4``):

- ``nianbao figures`` (a body and year, JSON), ``nianbao reports``, ``nianbao check`` (JSON),
  ``nianbao ask`` with a figure question, with a text
  question that names its body (no search), and with one that names none (opens the search index:
  Chroma, the keyword index, the embedding model);
- ``nianbao serve`` until ``/healthz`` answers, and until it says ``"model": "ready"``;
- the first text question after an ingest, in a warm server: a new report uploaded (POST
  /api/reports; a synthetic variant with a line of its own, so it is new to any data dir, even
  one that keeps an earlier run's upload as a deleted version), then a question that searches,
  timed; the report deleted again (and purged at the next upload: the server runs with a
  retention of 0 days).

The in-process column is the same answer inside one warm process (Catalog, Answerer, SearchIndex
built once), median of 20. ``--light``: only the commands that read records (figures, reports,
check), which need no search index (a data dir ingested with ``--records-only`` will do);
``--figure-ask``: only ``nianbao ask`` with the figure question (no search index needed either). Without
``--data-dir``, ``--files`` corpus reports are ingested (with the search index) into a temporary
directory first. The load average is printed with the table: on a busy machine every wall time is
longer.

Aims on these 2-core machines (issue 17): figures ≤ 0.3 s, ask figure ≤ 0.5 s, ask text ≤ 2 s cold,
serve → /healthz ≤ 3 s, the first text question after an ingest ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repo, not this folder, on the path
RAW = ROOT.parent / "shared" / "corpus" / "raw"
NIANBAO = Path(sys.executable).parent / "nianbao"

FILES = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2023_huaian_hongzequ.pdf",
    "2024_pingtan_zonghe_shiyanqu.html",
    "2025_pingtan_zonghe_shiyanqu.html",
    "2024_shanghai_kewei.txt",
]
#: Uploaded and deleted again by the "first text question after an ingest" runs: the first
#: synthetic variant (a corpus report re-labelled as another body), so it is new to any data dir.
VARIANTS = ROOT / "eval" / "questions" / "variants.json"
FIGURE = "市中区人民政府办公室2023年收到多少信息公开申请？"
TEXT_NAMED = "市中区政府办公室的联系电话是多少？"
#: Names no body or year: the answer searches across reports (the search index and the model
#: open). "2023年哪些机关…" no longer does: it is answered from the list of stored reports.
TEXT_SEARCH = "政务新媒体建设有什么进展？"
ADMIN_KEY = "startup-benchmark"


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="an ingested data dir (default: a temporary one)")
    parser.add_argument("--files", type=int, default=len(FILES), help="corpus files to ingest first")
    parser.add_argument("--light", action="store_true", help="only figures, reports and check")
    parser.add_argument("--figure-ask", action="store_true", help="only ask with a figure question")
    parser.add_argument("--in-process", type=Path, help=argparse.SUPPRESS)  # the child that times warm work
    args = parser.parse_args()
    if args.in_process:
        print(json.dumps(in_process(args.in_process, args.light, args.figure_ask)))
        return
    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = tempfile.mkdtemp(prefix="nianbao-startup-")
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        ingest(data_dir, FILES[: args.files])
        print(f"ingested {args.files} reports with the search index in {time.perf_counter() - started:.0f} s")
    # Retention 0: the report the "first text question after an ingest" runs upload and delete
    # is purged at the next upload, not kept (restorable) in the data dir.
    env = {
        **os.environ,
        "NIANBAO_DATA_DIR": str(data_dir),
        "NIANBAO_ADMIN_KEY": ADMIN_KEY,
        "NIANBAO_DELETED_RETENTION_DAYS": "0",
    }
    env.pop("NIANBAO_LLM_BASE_URL", None)
    try:
        rows = measure(env, data_dir, args.runs, args.light, args.figure_ask)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
        f"medians of {args.runs} cold runs\n"
    )
    print(f"{'':44} {'wall':>8} {'cpu':>8} {'peak':>9} {'in process':>11}")
    for name, runs, warm in rows:
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        rss = statistics.median(r.rss_mib for r in runs)
        inproc = f"{warm * 1000:8.1f} ms" if warm is not None else ""
        print(f"{name:44} {wall:7.2f}s {cpu:7.2f}s {rss:6.0f} MiB {inproc:>11}")


def ingest(data_dir: Path, names: list[str]) -> None:
    from nianbao.library import Library
    from nianbao.retrieval.index import SearchIndex
    from nianbao.settings import Settings

    settings = Settings(data_dir=data_dir)
    library = Library(settings, SearchIndex(settings))
    for outcome in library.ingest_paths([RAW / n for n in names]):
        if outcome.status == "skipped":
            raise SystemExit(f"{outcome.source}: {outcome.message}")
    library.engine.dispose()


def measure(
    env: dict[str, str], data_dir: Path, runs: int, light: bool = False, figure_ask: bool = False
) -> list[tuple[str, list[Run], float | None]]:
    # In a child: a parent that had loaded the model would lend its memory to every child's
    # ru_maxrss (a forked child starts with the parent's pages).
    flags = [*(["--light"] if light else []), *(["--figure-ask"] if figure_ask else [])]
    child = [sys.executable, __file__, "--in-process", str(data_dir), *flags]
    warm = json.loads(subprocess.run(child, env=env, capture_output=True, text=True, check=True).stdout)

    def ask_figure() -> tuple[str, list[Run], float | None]:
        return (
            "nianbao ask, a figure question",
            [command(["ask", FIGURE], env) for _ in range(runs)],
            warm["figure"],
        )

    if figure_ask:
        return [ask_figure()]
    figures = ["figures", "--body", "市中区人民政府办公室", "--year", "2023", "--format", "json"]
    rows: list[tuple[str, list[Run], float | None]] = [
        ("nianbao figures (body, year, json)", [command(figures, env) for _ in range(runs)], warm["figures"]),
        ("nianbao reports", [command(["reports"], env) for _ in range(runs)], warm["reports"]),
        (
            "nianbao check (json)",
            [command(["check", "--format", "json"], env) for _ in range(runs)],
            warm["check"],
        ),
    ]
    if light:
        return rows
    rows += [
        ask_figure(),
        (
            "nianbao ask, a text question naming its body",
            [command(["ask", TEXT_NAMED], env) for _ in range(runs)],
            warm["text_named"],
        ),
        (
            "nianbao ask, a text question that searches",
            [command(["ask", TEXT_SEARCH], env) for _ in range(runs)],
            warm["text_search"],
        ),
    ]
    healthz, ready = zip(*(serve(env) for _ in range(runs)), strict=True)
    rows.append(("nianbao serve → /healthz answers", list(healthz), None))
    rows.append(("nianbao serve → /healthz says model ready", list(ready), None))
    rows.append(
        ("first text question after an ingest (warm)", first_after_ingest(env, runs), warm["text_search"])
    )
    return rows


def command(args: list[str], env: dict[str, str]) -> Run:
    """One cold run of ``nianbao ARGS``: wall time, CPU time and peak memory of the child."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(NIANBAO), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        assert proc.stderr is not None
        raise SystemExit(f"nianbao {' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def serve(env: dict[str, str]) -> tuple[Run, Run]:
    """Start ``nianbao serve``; time /healthz's first answer and its first ``ready``."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(NIANBAO), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = wait_for(port, lambda h: True)
        answered = time.perf_counter() - started
        ready_at = answered
        if first.get("model") != "ready":
            wait_for(port, lambda h: h.get("model") != "loading", timeout=300)
            ready_at = time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGINT)
        _, _, usage = os.wait4(proc.pid, 0)
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    return Run(answered, cpu, rss), Run(ready_at, cpu, rss)


def first_after_ingest(env: dict[str, str], runs: int) -> list[Run]:
    """In one warm server: upload a report, then time the first question that searches."""
    port = free_port()
    proc = subprocess.Popen(
        [str(NIANBAO), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = []
    try:
        wait_for(port, lambda h: h.get("model") != "loading", timeout=300)
        name, report = new_report()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            ask(client, TEXT_SEARCH)  # warm
            for _ in range(runs):
                data = report + f"\n（{uuid.uuid4().hex}）\n".encode()  # never stored before
                uploaded = client.post(
                    "/api/reports",
                    headers={"X-Admin-Key": ADMIN_KEY},
                    files=[("files", (name, data, "application/octet-stream"))],
                )
                uploaded.raise_for_status()
                [outcome] = uploaded.json()["outcomes"]
                if outcome["status"] != "ingested":
                    raise SystemExit(f"{name} was not new to the data dir: {outcome}")
                started = time.perf_counter()
                ask(client, TEXT_SEARCH)
                out.append(Run(time.perf_counter() - started, 0.0, 0.0))
                client.delete(f"/api/reports/{outcome['report_id']}", headers={"X-Admin-Key": ADMIN_KEY})
    finally:
        proc.send_signal(signal.SIGINT)
        _, _, usage = os.wait4(proc.pid, 0)
    rss = usage.ru_maxrss / 1024
    return [Run(r.wall, float("nan"), rss) for r in out]  # CPU: the server's, not this question's


def new_report() -> tuple[str, bytes]:
    """A report no data dir holds: the first synthetic variant of a corpus report."""
    from nianbao.eval import variants

    with tempfile.TemporaryDirectory() as tmp:
        [path] = variants.write(variants.load(VARIANTS)[:1], RAW, Path(tmp))
        return path.name, path.read_bytes()


def ask(client: httpx.Client, question: str) -> dict:
    response = client.post("/api/chat", json={"question": question})
    response.raise_for_status()
    return response.json()


def wait_for(port: int, done: Callable[[dict], bool], timeout: float = 60) -> dict:
    """Poll /healthz until ``done``. One client for all the polls: a new one each time makes an
    SSL context (tens of ms of CPU), taken from the server starting on the same 2 cores."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                health = client.get("/healthz").json()
            except httpx.HTTPError:
                time.sleep(0.02)
                continue
            if done(health):
                return health
            time.sleep(0.05)
    raise SystemExit(f"the server on port {port} did not get there in {timeout:.0f} s")


def in_process(data_dir: Path, light: bool = False, figure_ask: bool = False) -> dict[str, float]:
    """The same answers inside one warm process: the median of 20 after one warm-up each."""
    from nianbao import store
    from nianbao.catalog import Catalog
    from nianbao.settings import Settings

    settings = Settings(data_dir=data_dir)
    catalog = Catalog(store.connect(settings.db_url))
    work = {
        "figures": lambda: catalog.cells("市中区人民政府办公室", [2023]),
        "reports": lambda: catalog.reports(),
        "check": lambda: catalog.findings(),
    }
    if figure_ask:
        from nianbao.answer.engine import build_answerer

        answerer = build_answerer(settings, catalog)
        work = {"figure": lambda: answerer.ask(FIGURE)}
    elif not light:
        from nianbao.answer.engine import build_answerer
        from nianbao.retrieval.index import SearchIndex

        answerer = build_answerer(settings, catalog, SearchIndex(settings))
        work |= {
            "figure": lambda: answerer.ask(FIGURE),
            "text_named": lambda: answerer.ask(TEXT_NAMED),
            "text_search": lambda: answerer.ask(TEXT_SEARCH),
        }
    out = {}
    for name, job in work.items():
        job()
        times = []
        for _ in range(20):
            started = time.perf_counter()
            job()
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times)
    catalog.engine.dispose()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
