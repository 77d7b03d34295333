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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "corpus" / "raw"
FILES = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2024_pingtan_zonghe_shiyanqu.txt",
]
KINDS = ("figure", "text", "follow-up", "bad")
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 180.0
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
) -> Iterator[str]:
    """uvicorn on a loopback socket bound here (no race for the port), in its own process (with
    ``workers`` > 1, that many worker processes on the socket, as ``nianbao serve --workers``)."""
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
        yield url
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
    env = {**env, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
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


async def load(url: str, reports: list[dict], clients: int, seconds: float, seed: int) -> tuple[Tally, float]:
    tally = Tally()
    rng = random.Random(seed)
    users = [Client(url, reports, tally, random.Random(rng.random())) for _ in range(clients)]
    started = time.monotonic()
    await asyncio.gather(*(u.run(started + seconds) for u in users))
    return tally, time.monotonic() - started


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
        with serve(data_dir, args.records_only, log, args.workers, args.database_url) as url:
            reports, warm = warm_up(url)
            print(f"serving {len(reports)} reports on {url}; warm-up {warm:.1f} s")
            tally, elapsed = asyncio.run(load(url, reports, args.clients, args.seconds, args.seed))
        rows = summary(tally, elapsed)
        print_summary(rows, tally, args.clients, elapsed)
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
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
    failed = bool(tally.errors) or bool(server_errors)
    print("FAIL" if failed else "OK: no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
