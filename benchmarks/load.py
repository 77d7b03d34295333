"""Load: many clients asking at once, for a while; no 5xx, no timeouts, no wrong shapes.

    .venv/bin/python benchmarks/load.py                       # 50 clients, 60 s, records + index
    .venv/bin/python benchmarks/load.py --seconds 10          # the CI run
    .venv/bin/python benchmarks/load.py --records-only --clients 20
    .venv/bin/python benchmarks/load.py --workers 2 --database-url postgresql://…   # two serving processes

Ingests a few corpus files into a fresh data directory (``nianbao ingest``, with the search index
unless ``--records-only``; or ``--data-dir`` to serve an existing one), starts the app under
uvicorn in its own process on a free loopback port, warms it up (the model loads on the first
text question), then runs ``--clients`` asyncio httpx clients for ``--seconds``. Each client
loops over a mix:

- ``figure``: a figure question about a stored report (收到多少信息公开申请);
- ``text``: a question answered from the text (联系电话, 政务新媒体);
- ``follow-up``: a figure question, then 其中自然人呢？ in the same conversation; the follow-up
  must cite the report the first answer cited (conversations do not mix under load);
- ``bad``: an empty question, one of 600 characters, garbage JSON, a wrong type, a bad
  conversation id: each must be a 4xx in the one error shape.

Prints requests, errors (5xx, timeouts and connection errors, wrong shapes, mixed
conversations) and p50/p95/p99 latency per kind and overall, and requests per second.
Exits 1 on any error. Traffic goes to 127.0.0.1 only.

``--hostile N`` adds N uploaders that send hostile files over and over for the whole run (with
the admin key): PDFs whose streams inflate hugely (20 MB, 2 MB, twice-compressed 200 MB), a
100,000-page PDF, a 19 MB one-line ``.txt``, and a PDF that inflates no more than real content
but takes pdfminer seconds and hundreds of MB to interpret. Each must be answered 200 with the
file ``skipped`` (its reason: the budget it broke). Meanwhile ``/healthz`` is asked every
0.25 s (each must answer 200 within 5 s), and the server's memory is sampled: its own RSS and
that of the processes reading files, against the configured budget (upload workers × the
reading process's address-space limit). Exits 1 also when chat p95 is 1 s or more, /healthz
missed an answer, or the readers went over their budget.

    .venv/bin/python benchmarks/load.py --hostile 40 --seconds 120
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # run as a script: the package and the tests' hostile inputs

from nianbao.settings import Budget, Settings  # noqa: E402 - after the path is set
from tests.reliability.hostile import many_pages_pdf, one_line_txt, pdf_bomb, slow_pdf  # noqa: E402 - ditto

RAW = ROOT.parent / "shared" / "corpus" / "raw"
FILES = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2024_pingtan_zonghe_shiyanqu.txt",
]
KINDS = ("figure", "text", "follow-up", "bad")
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 180.0
#: Chat p95 that --hostile must stay under, and how long /healthz may take to answer.
CHAT_P95_TARGET_MS = 1000.0
HEALTH_TIMEOUT = 5.0
#: Processes under the server that neither serve nor read: counted in neither figure.
HELPERS = ("nianbao.ingest.isolate", "resource_tracker")
ADMIN_KEY = "load-" + os.urandom(8).hex()
CHAT_KEYS = {"conversation_id", "status", "answer", "citations", "figures", "options"}

FIGURE_QUESTIONS = [
    "{body}{year}年收到多少信息公开申请？",
    "{body}{year}年行政复议有几件？",
    "{body}{year}年上年结转了多少件申请？",
    "{body}{year}年予以公开的有多少件？",
]
TEXT_QUESTIONS = [
    "{body}的联系电话是多少？",
    "{body}{year}年政务新媒体情况如何？",
    "{body}{year}年存在的主要问题是什么？",
]
#: Bad requests: (what, JSON body or raw bytes). Each must be answered 4xx in the error shape.
BAD: list[tuple[str, object]] = [
    ("empty", {"question": ""}),
    ("blank", {"question": "   "}),
    ("600 chars", {"question": "多" * 600}),
    ("garbage json", b'{"question": "\xff\xfe'),
    ("not json", b"question=hello"),
    ("wrong type", {"question": 12345}),
    ("no question", {"conversation_id": "abc"}),
    ("bad conversation id", {"question": "收到多少申请？", "conversation_id": "../../etc/passwd"}),
]


@dataclass
class Tally:
    """Latencies and errors per kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)

    def error(self, kind: str, what: str, example: str) -> None:
        self.errors[(kind, what)] += 1
        self.examples.setdefault((kind, what), example[:300])


# --- the server -------------------------------------------------------------------------


def ingest(data_dir: Path, files: list[Path], records_only: bool, database_url: str | None = None) -> float:
    """``nianbao ingest`` the files into ``data_dir`` (or the database); the seconds it took."""
    command = [str(Path(sys.executable).parent / "nianbao"), "ingest", *map(str, files)]
    if records_only:
        command.append("--records-only")
    started = time.perf_counter()
    env = _env(data_dir, database_url)
    subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=900, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


@contextmanager
def serve(
    data_dir: Path, records_only: bool, log: Path, workers: int = 1, database_url: str | None = None
) -> Iterator[tuple[str, int]]:
    """uvicorn on a loopback socket bound here (no race for the port), in its own process (with
    ``workers`` > 1, that many worker processes on the socket, as ``nianbao serve --workers``);
    the URL and the server's process id."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    factory = "create_records_only_app" if records_only else "create_app"
    code = (
        f"import uvicorn; uvicorn.run('nianbao.api.app:{factory}', factory=True, fd={sock.fileno()}, "
        f"workers={workers}, log_level='warning', backlog=2048)"
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=_env(data_dir, database_url),
            cwd=ROOT,
            pass_fds=[sock.fileno()],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    sock.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_until_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode} before it was up")
        try:
            health = httpx.get(f"{url}/healthz", timeout=2)
            # up, and past loading the model (which it does on a thread after it starts answering)
            if health.status_code == 200 and health.json().get("model") != "loading":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server was not up after {START_TIMEOUT:.0f} s")


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_")}
    env = {**env, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "NIANBAO_ADMIN_KEY": ADMIN_KEY}
    return {**env, "NIANBAO_DATABASE_URL": database_url} if database_url else env


# --- the clients ------------------------------------------------------------------------


def is_error_shape(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and set(body) == {"error"}
        and isinstance(body["error"], dict)
        and set(body["error"]) == {"code", "message"}
        and all(isinstance(v, str) and v for v in body["error"].values())
    )


def chat_shape_problem(response: httpx.Response) -> str | None:
    """Why a 200 from /api/chat is not a ChatResponse, or None."""
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    if not isinstance(body, dict) or not CHAT_KEYS <= set(body):
        return f"keys {sorted(body) if isinstance(body, dict) else type(body).__name__}"
    if body["status"] not in ("answered", "not_found", "clarify") or not isinstance(body["answer"], str):
        return f"status {body['status']!r}"
    if not body["answer"] or not isinstance(body["citations"], list):
        return "empty answer or citations not a list"
    if body["status"] == "answered" and not body["citations"]:
        return "answered without a citation"
    return None


class Client:
    """One simulated user with its own connection, looping over the mix until the deadline."""

    def __init__(self, url: str, reports: list[dict], tally: Tally, rng: random.Random) -> None:
        self.url = url
        self.reports = reports
        self.tally = tally
        self.rng = rng

    async def run(self, deadline: float) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=REQUEST_TIMEOUT) as http:
            steps = [self.figure, self.text, self.follow_up, self.bad]
            turn = self.rng.randrange(len(steps))
            while time.monotonic() < deadline:
                await steps[turn % len(steps)](http)
                turn += 1

    def _question(self, templates: list[str]) -> str:
        report = self.rng.choice(self.reports)
        return self.rng.choice(templates).format(body=report["body"], year=report["year"])

    async def ask(self, http: httpx.AsyncClient, kind: str, payload: object) -> httpx.Response | None:
        """Send, time, and count transport errors and 5xx; the response otherwise."""
        started = time.perf_counter()
        try:
            if isinstance(payload, bytes):
                response = await http.post(
                    "/api/chat", content=payload, headers={"Content-Type": "application/json"}
                )
            else:
                response = await http.post("/api/chat", json=payload)
        except httpx.TimeoutException as exc:
            self.tally.error(kind, "timeout", repr(exc))
            return None
        except httpx.TransportError as exc:
            self.tally.error(kind, "connection", repr(exc))
            return None
        self.tally.latencies[kind].append(time.perf_counter() - started)
        if response.status_code >= 500:
            self.tally.error(kind, f"{response.status_code}", response.text)
            return None
        return response

    async def answered(self, http: httpx.AsyncClient, kind: str, payload: dict) -> dict | None:
        response = await self.ask(http, kind, payload)
        if response is None:
            return None
        if response.status_code != 200:
            self.tally.error(kind, f"{response.status_code} to a good question", response.text)
            return None
        problem = chat_shape_problem(response)
        if problem:
            self.tally.error(kind, "wrong shape", f"{problem}: {response.text}")
            return None
        body = response.json()
        self.tally.statuses[(kind, body["status"])] += 1
        return body

    async def figure(self, http: httpx.AsyncClient) -> None:
        await self.answered(http, "figure", {"question": self._question(FIGURE_QUESTIONS)})

    async def text(self, http: httpx.AsyncClient) -> None:
        await self.answered(http, "text", {"question": self._question(TEXT_QUESTIONS)})

    async def follow_up(self, http: httpx.AsyncClient) -> None:
        report = self.rng.choice(self.reports)
        question = f"{report['body']}{report['year']}年收到多少信息公开申请？"
        first = await self.answered(http, "follow-up", {"question": question})
        if first is None:
            return
        reply = await self.answered(
            http, "follow-up", {"question": "其中自然人呢？", "conversation_id": first["conversation_id"]}
        )
        if reply is None:
            return
        cited = {c["report_id"] for c in first["citations"]}
        again = {c["report_id"] for c in reply["citations"]}
        if reply["conversation_id"] != first["conversation_id"] or (cited and again and again != cited):
            self.tally.error(
                "follow-up",
                "mixed conversation",
                f"asked about {sorted(cited)}, the follow-up cited {sorted(again)}",
            )

    async def bad(self, http: httpx.AsyncClient) -> None:
        what, payload = self.rng.choice(BAD)
        response = await self.ask(http, "bad", payload)
        if response is None:
            return
        if not 400 <= response.status_code < 500:
            self.tally.error("bad", f"{response.status_code} to {what}", response.text)
        elif not is_error_shape(response):
            self.tally.error("bad", "wrong error shape", f"{what}: {response.text}")


# --- hostile uploads, /healthz and memory while the clients ask ----------------------------


def hostile_files() -> dict[str, bytes]:
    """The hostile inputs, built in memory (tests/reliability/hostile.py)."""
    return {
        "bomb.pdf": pdf_bomb(20 << 20),
        "small-bomb.pdf": pdf_bomb(2 << 20),
        "double.pdf": pdf_bomb(200 << 20, filters=2),
        "pages.pdf": many_pages_pdf(100_000),
        "one-line.txt": one_line_txt(19 << 20),
        "boxes.pdf": slow_pdf(30_000, boxes=True),  # within every count: seconds and ~200 MB to read
    }


@dataclass
class Watch:
    """What the uploaders, the /healthz prober and the memory sampler saw."""

    uploads: Counter[str] = field(default_factory=Counter)
    upload_seconds: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)
    server_rss: int = 0
    readers_rss: int = 0
    reader_rss: int = 0
    readers_at_once: int = 0


def run_uploaders(url: str, uploaders: int, seconds: float) -> tuple[Counter[str], list[float], list]:
    """In a process of its own (so building and sending hundreds of MB does not slow the chat
    clients' measurements): ``uploaders`` clients uploading hostile files until the time is up.
    Returns the reasons files were skipped, the seconds each upload took, and the errors."""
    files = hostile_files()
    tally, watch = Tally(), Watch()
    deadline = time.monotonic() + seconds

    async def run() -> None:
        await asyncio.gather(*(uploader(url, files, tally, watch, deadline, i) for i in range(uploaders)))

    asyncio.run(run())
    return watch.uploads, watch.upload_seconds, [(k, n, tally.examples[k]) for k, n in tally.errors.items()]


async def uploader(
    url: str, files: dict[str, bytes], tally: Tally, watch: Watch, deadline: float, first: int
) -> None:
    """Upload hostile files one after another, from the ``first``, until the deadline; an upload
    still waiting then is given up (the connection closes, which cancels it on the server)."""
    names = list(files)
    turn = first
    async with httpx.AsyncClient(base_url=url, timeout=None) as http:
        while (left := deadline - time.monotonic()) > 0:
            name = names[turn % len(names)]
            turn += 1
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(
                    http.post(
                        "/api/reports",
                        headers={"X-Admin-Key": ADMIN_KEY},
                        files=[("files", (name, files[name], "application/octet-stream"))],
                    ),
                    timeout=left,
                )
            except TimeoutError:
                watch.uploads["given up at the end (cancelled)"] += 1
                return
            except httpx.TransportError as exc:
                tally.error("upload", "connection", repr(exc))
                continue
            watch.upload_seconds.append(time.perf_counter() - started)
            outcome = response.json()["outcomes"][0] if response.status_code == 200 else None
            if outcome is None or outcome["status"] != "skipped":
                tally.error("upload", f"{name} answered {response.status_code}", response.text)
                continue
            watch.uploads[f"{name}: {_reason(outcome['message'])}"] += 1


def _reason(message: str) -> str:
    """The budget a skipped file broke (its setting), or the start of what else was said."""
    if "NIANBAO_BUDGET__" in message:
        return message.split("NIANBAO_BUDGET__")[1].split(")")[0].lower()
    return message.split(": ", 1)[-1][:40]


async def probe_health(url: str, watch: Watch, deadline: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=HEALTH_TIMEOUT) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await http.get("/healthz")
                if response.status_code == 200:
                    watch.health.append(time.perf_counter() - started)
                else:
                    watch.health_failures.append(f"{response.status_code}: {response.text[:200]}")
            except httpx.HTTPError as exc:
                watch.health_failures.append(repr(exc))
            await asyncio.sleep(0.25)


async def sample_memory(pid: int, watch: Watch, deadline: float) -> None:
    """Peak RSS of the serving processes (the server and its workers, if any), and of the
    processes reading files (``ingest.isolate``'s children of the serving ones)."""
    server = psutil.Process(pid)
    while time.monotonic() < deadline:
        seen = {p.pid: _seen(p) for p in [server, *_descendants(server)]}
        readers = [rss for (line, rss) in seen.values() if "nianbao.ingest.isolate" in line]
        serving = [rss for (line, rss) in seen.values() if not any(h in line for h in HELPERS)]
        watch.server_rss = max(watch.server_rss, sum(serving))
        watch.readers_rss = max(watch.readers_rss, sum(readers))
        watch.reader_rss = max([watch.reader_rss, *readers])
        watch.readers_at_once = max(watch.readers_at_once, len(readers))
        await asyncio.sleep(0.1)


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _seen(process: psutil.Process) -> tuple[str, int]:
    """(command line, RSS) of a process; nothing for one that just ended."""
    try:
        with process.oneshot():
            return " ".join(process.cmdline()), process.memory_info().rss
    except psutil.Error:
        return "", 0


async def load(
    url: str,
    reports: list[dict],
    clients: int,
    seconds: float,
    seed: int,
    hostile: int = 0,
    pid: int | None = None,
) -> tuple[Tally, float, Watch]:
    tally = Tally()
    watch = Watch()
    rng = random.Random(seed)
    users = [Client(url, reports, tally, random.Random(rng.random())) for _ in range(clients)]
    started = time.monotonic()
    deadline = started + seconds
    extra = [probe_health(url, watch, deadline)] if hostile else []
    if pid is not None:
        extra.append(sample_memory(pid, watch, deadline))
    with ProcessPoolExecutor(1) as pool:
        uploads = pool.submit(run_uploaders, url, hostile, seconds) if hostile else None
        await asyncio.gather(*(u.run(deadline) for u in users), *extra)
        if uploads is not None:
            watch.uploads, watch.upload_seconds, errors = await asyncio.wrap_future(uploads)
            for (kind, what), n, example in errors:
                tally.errors[(kind, what)] += n
                tally.examples.setdefault((kind, what), example)
    return tally, time.monotonic() - started, watch


def print_watch(watch: Watch, hostile: int, serving: int = 1) -> list[str]:
    """Print what the hostile run saw; the reasons it failed, if any. ``serving``: the server's
    worker processes, each with its own upload workers."""
    mib = 1024 * 1024
    budget = Budget()
    workers = serving * Settings.__dataclass_fields__["upload_workers"].default
    limit = workers * budget.parse_memory_bytes
    failures = []
    if hostile:
        done = sorted(watch.upload_seconds)
        took = f"p50 {done[len(done) // 2]:.1f} s, max {done[-1]:.1f} s" if done else "none finished"
        print(f"hostile uploads ({hostile} uploaders): {sum(watch.uploads.values())} ({took})")
        for reason, n in sorted(watch.uploads.items()):
            print(f"  {n:>5}  {reason}")
        answered = sorted(watch.health)
        if answered:
            p95 = 1000 * answered[max(0, math.ceil(0.95 * len(answered)) - 1)]
            print(
                f"/healthz: {len(answered)} answers, {len(watch.health_failures)} missed; "
                f"p95 {p95:.0f} ms, max {1000 * answered[-1]:.0f} ms"
            )
        if watch.health_failures or not answered:
            failures.append(f"/healthz missed {len(watch.health_failures)}: {watch.health_failures[:3]}")
    print(
        f"peak RSS: server {watch.server_rss / mib:.0f} MiB; files being read: {watch.readers_rss / mib:.0f} "
        f"MiB in all, {watch.reader_rss / mib:.0f} MiB the largest, {watch.readers_at_once} at once; budget "
        f"{workers} upload workers × {budget.parse_memory_bytes / mib:.0f} MiB = {limit / mib:.0f} MiB"
    )
    if watch.readers_rss > limit or watch.readers_at_once > workers:
        failures.append("the processes reading files went over their budget")
    return failures


def warm_up(url: str) -> tuple[list[dict], float]:
    """The stored reports; one figure and one text question so the model is loaded before timing."""
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=120) as http:
        reports = [r for r in http.get("/api/reports").json() if r["year"] and r["cells"]]
        if not reports:
            raise SystemExit("no report with cells is stored: nothing to ask about")
        r = reports[0]
        for question in (f"{r['body']}{r['year']}年收到多少信息公开申请？", f"{r['body']}的联系电话是多少？"):
            response = http.post("/api/chat", json={"question": question})
            if response.status_code != 200:
                raise SystemExit(f"warm-up question failed: {response.status_code} {response.text[:300]}")
    return reports, time.perf_counter() - started


# --- the report -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(tally: Tally, elapsed: float) -> dict:
    rows = {}
    for kind in (*KINDS, "overall"):
        values = (
            tally.latencies[kind] if kind != "overall" else [v for k in KINDS for v in tally.latencies[k]]
        )
        errors = sum(n for (k, _), n in tally.errors.items() if kind in ("overall", k))
        rows[kind] = {
            "requests": len(values)
            + sum(
                n
                for (k, w), n in tally.errors.items()
                if kind in ("overall", k) and w in ("timeout", "connection")
            ),
            "errors": errors,
            **({f"p{q}_ms": round(percentile(values, q), 1) for q in (50, 95, 99)} if values else {}),
            **({"mean_ms": round(1000 * statistics.fmean(values), 1)} if values else {}),
        }
    rows["overall"]["requests_per_second"] = round(rows["overall"]["requests"] / elapsed, 1)
    return rows


def print_summary(rows: dict, tally: Tally, clients: int, elapsed: float) -> None:
    print(f"{clients} clients for {elapsed:.1f} s")
    print(f"{'kind':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, row in rows.items():
        print(
            f"{kind:<10} {row['requests']:>8} {row['errors']:>6} {row.get('p50_ms', '-'):>8} "
            f"{row.get('p95_ms', '-'):>8} {row.get('p99_ms', '-'):>8}"
        )
    print(f"requests/s: {rows['overall']['requests_per_second']}")
    answers = ", ".join(f"{kind} {status} {n}" for (kind, status), n in sorted(tally.statuses.items()))
    print(f"answers: {answers}")
    for (kind, what), n in sorted(tally.errors.items()):
        print(f"ERROR {kind} {what} ×{n}: {tally.examples[(kind, what)]}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to load (default 60)")
    parser.add_argument("--records-only", action="store_true", help="serve without the search index")
    parser.add_argument("--data-dir", type=Path, help="serve this data directory instead of ingesting")
    parser.add_argument("--files", nargs="+", default=FILES, help=f"corpus files to ingest (from {RAW})")
    parser.add_argument("--seed", type=int, default=7, help="seed of the clients' choices")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--workers", type=int, default=1, help="serving processes (default 1)")
    parser.add_argument("--database-url", help="an empty database to use (PostgreSQL) instead of SQLite")
    parser.add_argument("--hostile", type=int, default=0, help="hostile uploaders meanwhile (default 0)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 1000 or not 0 < args.seconds <= 3600:
        parser.error("--clients must be 1..1000 and --seconds 0..3600")
    with tempfile.TemporaryDirectory(prefix="nianbao-load-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        ingest_seconds = 0.0
        if args.data_dir is None:
            files = [RAW / name for name in args.files]
            ingest_seconds = ingest(data_dir, files, args.records_only, args.database_url)
            print(
                f"ingested {len(args.files)} files in {ingest_seconds:.1f} s "
                f"({'records only' if args.records_only else 'records + search index'})"
            )
        log = Path(tmp) / "server.log"
        with serve(data_dir, args.records_only, log, args.workers, args.database_url) as (url, pid):
            reports, warm = warm_up(url)
            print(f"serving {len(reports)} reports on {url}; warm-up {warm:.1f} s")
            tally, elapsed, watch = asyncio.run(
                load(url, reports, args.clients, args.seconds, args.seed, args.hostile, pid)
            )
        rows = summary(tally, elapsed)
        print_summary(rows, tally, args.clients, elapsed)
        failures = print_watch(watch, args.hostile, args.workers)
        chat = [v for k in KINDS if k != "bad" for v in tally.latencies[k]]
        if args.hostile and chat:
            p95 = percentile(chat, 95)
            print(f"chat p95 (figure, text, follow-up): {p95:.0f} ms; target < {CHAT_P95_TARGET_MS:.0f} ms")
            if p95 >= CHAT_P95_TARGET_MS:
                failures.append(f"chat p95 {p95:.0f} ms is over the target")
        server_errors = [line for line in log.read_text(errors="replace").splitlines() if "ERROR" in line]
        for line in server_errors[:10]:
            print(f"server: {line}")
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "clients": args.clients,
                        "seconds": round(elapsed, 1),
                        "records_only": args.records_only,
                        "workers": args.workers,
                        "ingest_seconds": round(ingest_seconds, 1),
                        "kinds": rows,
                        "answers": {f"{k} {s}": n for (k, s), n in tally.statuses.items()},
                        "hostile": args.hostile,
                        "hostile_outcomes": dict(watch.uploads),
                        "healthz_answers": len(watch.health),
                        "healthz_missed": len(watch.health_failures),
                        "peak_rss_server_mib": round(watch.server_rss / 2**20),
                        "peak_rss_readers_mib": round(watch.readers_rss / 2**20),
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
    for failure in failures:
        print(f"FAIL: {failure}")
    failed = bool(tally.errors) or bool(server_errors) or bool(failures)
    print("FAIL" if failed else "OK: no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
