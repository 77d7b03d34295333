"""Chat latency over HTTP on the corpus, without a language model.

    .venv/bin/python benchmarks/chat.py [--rounds 5] [--records-only]

Ingests the shared corpus into a temporary data directory, serves the app with uvicorn on a
loopback port, and asks figure questions, text questions and staff questions (rates, what
changed, the audit) one after another over HTTP, and loads the page's overview (GET
/api/overview). Prints p50/p95 per kind, the CPU time per request (of this process: the client
and the server, as they run in it; steadier than the wall times on a shared machine) and the
load average. Aims on these 2-core machines (issue 17): figure answers p50 ≤ 10 ms, text answers
p50 ≤ 60 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo, not this folder, on the path

from nianbao.api.app import create_app  # noqa: E402 - after sys.path points at the repo
from nianbao.library import Library, collect_files  # noqa: E402 - after sys.path points at the repo
from nianbao.settings import Settings  # noqa: E402 - after sys.path points at the repo

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "raw"

FIGURES = [
    "市中区政府办2023年收到多少信息公开申请？",
    "淮安市2024年行政复议有多少件？",
    "平潭2023年行政处罚决定有多少件？",
    "洪泽区2023年和2024年新收申请各多少？",
    "上海市政府办公厅2025年因本机关不掌握等原因无法提供的有多少件？",
    "沭阳县发改局2023年商业企业申请了几件？",
]
TEXT = [
    "市中区政府办公室的联系电话是多少？",
    "平潭2023年全区主动公开政府信息多少条？",
    "洪泽区2023年政府信息公开工作还存在哪些差距？",
    "上海市政府2025年编辑了几期政府公报？",
    "沭阳县发改局2023年全年审核发布了多少条政府信息？",
]

STAFF = [
    "平潭2024年行政复议纠错率是多少？",
    "淮安市2024年有多大比例的申请得到了公开？",
    "平潭2025年跟去年比有什么变化？",
    "平潭2024年存在的问题和2023年比有什么不同",
    "沭阳县发改局2023年报告有没有漏填？",
    "平潭2024年的年报是按时公开的吗？",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--records-only", action="store_true")
    parser.add_argument("--data-dir", type=Path, help="serve this ingested data dir instead of a fresh one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=args.data_dir or Path(tmp), database_url=None, cors_origins="")
        index = None
        if not args.records_only:
            from nianbao.retrieval.index import SearchIndex

            index = SearchIndex(settings)
        if args.data_dir is None:
            list(Library(settings, index).ingest_paths(collect_files([RAW])))
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, with_index=not args.records_only),
                host="127.0.0.1",
                port=port,
                log_level="warning",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                while client.get("/healthz").json()["model"] == "loading":  # the model loads on a thread
                    time.sleep(0.1)
                for kind, questions in (("figure", FIGURES), ("text", TEXT), ("staff", STAFF)):
                    _ask(client, questions, 1)  # warm-up
                    cpu = time.process_time()
                    times = _ask(client, questions, args.rounds)
                    _print(kind, times, time.process_time() - cpu)
                cpu = time.process_time()
                times = _get(client, "/api/overview", args.rounds * 5)
                _print("overview", times, time.process_time() - cpu)
                load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                print(f"load average {load} on {os.cpu_count()} cores")
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _ask(client: httpx.Client, questions: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            response = client.post("/api/chat", json={"question": question})
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return times


def _get(client: httpx.Client, path: str, times_: int) -> list[float]:
    times = []
    for _ in range(times_):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _print(kind: str, times: list[float], cpu: float) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    per = cpu / len(times) * 1000
    print(
        f"{kind:<8} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
        f"   cpu {per:6.1f} ms a request"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
