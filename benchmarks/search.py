"""Search benchmarks: embedding throughput, search latency, and both at 10,000 reports.

    .venv/bin/python benchmarks/search.py            # the corpus, then 10,000 reports (~10 min)
    .venv/bin/python benchmarks/search.py --quick    # three files, 500 reports (~2 min)

1. Embedding throughput: the model alone on the corpus's chunk texts, against a full ingest of
   the same files (read, extract, store records and chunks, embed, upsert into Chroma). A full
   ingest should be embedding-bound: at least 80% of the model's own rate.
2. Search latency, p50/p95, over the dev text questions: the hybrid search with the question
   already embedded, and the question embedding on its own.
3. The same search at scale: the corpus's reports copied to ``--reports`` reports, re-labelled
   as other bodies and years, their chunk vectors reused (nothing is re-embedded), searched in a
   fresh process whose peak RSS is reported. Aim: p95 ≤ 100 ms without the query embedding,
   RSS ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

# Run as a script, this file's folder comes first on sys.path and its name hides the package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import insert, select  # noqa: E402 - after sys.path points at the repo

from nianbao import store  # noqa: E402 - after sys.path points at the repo
from nianbao.eval.recall import load_probes  # noqa: E402 - after sys.path points at the repo
from nianbao.ingest.pipeline import extract_report  # noqa: E402 - after sys.path points at the repo
from nianbao.ingest.read import read_path  # noqa: E402 - after sys.path points at the repo
from nianbao.library import Library  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.chunks import chunk_report, squeeze  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.embed import E5Embeddings  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.index import SearchIndex, vector_metadata  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.vectors import Filters  # noqa: E402 - after sys.path points at the repo
from nianbao.settings import Settings  # noqa: E402 - after sys.path points at the repo

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "raw"
QUICK_FILES = (
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2023_huaian_hongzequ.pdf",
)
YEARS = tuple(range(2015, 2026))
SAMPLE = 240  # chunk texts embedded for the model-alone rate
SERVE_RESERVE = 150  # seconds kept for the keyword rebuild and the scaled search process


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="three files and 500 scaled reports")
    parser.add_argument(
        "--reports", type=int, help="reports in the scaled corpus (default 10,000; 500 with --quick)"
    )
    parser.add_argument(
        "--budget", type=float, default=840, help="seconds; the scaled build stops short of it"
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # internal: the scaled search process
    args = parser.parse_args()
    deadline = time.perf_counter() + args.budget
    if args.serve:
        print(json.dumps(serve(args.serve)))
        return
    files = (
        [RAW / name for name in QUICK_FILES]
        if args.quick
        else sorted(p for p in RAW.iterdir() if p.is_file())
    )
    n_reports = args.reports or (500 if args.quick else 10_000)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        run(files, n_reports, Path(tmp), deadline)


def run(files: list[Path], n_reports: int, tmp: Path, deadline: float) -> None:
    texts = [squeeze(c.text) for path in files for c in chunk_report(extract_report(read_path(path)))]
    mean = np.mean([len(t) for t in texts])
    print(f"{len(files)} files, {len(texts)} chunks, {mean:.0f} characters on average")
    E5Embeddings().passages(texts[:4])  # load the model outside the timing
    sample = [texts[i] for i in np.random.default_rng(0).permutation(len(texts))[:SAMPLE]]
    model_rate = embed_rate(sample)
    index, ingest_rate, seconds = full_ingest(files, tmp / "corpus")
    print(f"embedding, model alone:   {model_rate:6.1f} passages/s ({len(sample)} of the chunks)")
    print(
        f"full ingest:              {ingest_rate:6.1f} passages/s ({seconds:.0f} s, "
        f"{ingest_rate / model_rate:.0%} of the model's rate)"
    )
    probes = load_probes()
    vectors, query_ms = embed_queries(index, [p.question for p in probes])
    print(f"query embedding:          p50 {pct(query_ms, 50):6.1f} ms  p95 {pct(query_ms, 95):6.1f} ms")
    ms = latencies(lambda i: index.search_vector(probes[i].question, vectors[i], 5), len(probes))
    print(
        f"hybrid search, {index.vectors.count():,} chunks: p50 {pct(ms, 50):.1f} ms  p95 {pct(ms, 95):.1f} ms"
        " (query embedded beforehand)"
    )
    started = time.perf_counter()
    reports, chunks = scale(index, tmp / "scaled", n_reports, deadline - SERVE_RESERVE)
    built = time.perf_counter() - started
    print(f"scaled corpus: {reports:,} reports, {chunks:,} chunks, built in {built:.0f} s (vectors reused)")
    if reports < n_reports:
        print(f"  (stopped short of {n_reports:,} reports to stay within --budget)")
    np.save(tmp / "scaled" / "queries.npy", np.stack(vectors))
    result = subprocess.run(
        [sys.executable, __file__, "--serve", str(tmp / "scaled")],
        capture_output=True,
        text=True,
        timeout=max(60.0, deadline - time.perf_counter() + 60),
        check=True,
    )
    report_scaled(json.loads(result.stdout.strip().splitlines()[-1]))


def embed_rate(texts: Sequence[str]) -> float:
    embeddings = E5Embeddings()
    started = time.perf_counter()
    embeddings.passages(list(texts))
    return len(texts) / (time.perf_counter() - started)


def full_ingest(files: Sequence[Path], data_dir: Path) -> tuple[SearchIndex, float, float]:
    """Ingest ``files`` with the search index; (index, passages per wall-clock second, seconds)."""
    settings = Settings(data_dir=data_dir)
    index = SearchIndex(settings)
    library = Library(settings, index)
    started = time.perf_counter()
    outcomes = list(library.ingest_paths(files))
    seconds = time.perf_counter() - started
    skipped = [o for o in outcomes if o.status == "skipped"]
    if skipped:
        print("skipped:", "; ".join(o.message for o in skipped))
    return index, index.embeddings.timing.passages / seconds, seconds


def embed_queries(index: SearchIndex, questions: Sequence[str]) -> tuple[list[np.ndarray], list[float]]:
    vectors, ms = [], []
    for question in questions:
        started = time.perf_counter()
        vectors.append(index.embeddings.query(question))
        ms.append((time.perf_counter() - started) * 1000)
    return vectors, ms


def latencies(search: Callable[[int], Any], n: int, rounds: int = 3) -> list[float]:
    """Milliseconds per call of ``search(i)`` for i < n, ``rounds`` times; one warm-up call first."""
    search(0)
    out = []
    for _ in range(rounds):
        for i in range(n):
            started = time.perf_counter()
            search(i)
            out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: Sequence[float], q: int) -> float:
    return float(np.percentile(values, q))


# --- the scaled corpus ------------------------------------------------------------------


def scale(source: SearchIndex, data_dir: Path, n_reports: int, deadline: float) -> tuple[int, int]:
    """Copy the stored reports into ``n_reports`` re-labelled reports, reusing their vectors;
    stop early at ``deadline``. Returns (reports, chunks) written."""
    with source.engine.connect() as conn:
        templates = [r for r in store.list_reports(conn)]
        rows = [dict(r._mapping) for r in conn.execute(select(store.chunks))]
        texts = dict(conn.execute(select(store.reports.c.id, store.reports.c.text)).all())
    stored = source.vectors.collection.get(ids=[r["id"] for r in rows], include=["embeddings"])
    vectors = dict(zip(stored["ids"], np.asarray(stored["embeddings"], dtype=np.float32), strict=True))
    by_report: dict[str, list[dict]] = {}
    for row in rows:
        by_report.setdefault(row["report_id"], []).append(row)
    settings = Settings(data_dir=data_dir)
    target = SearchIndex(settings, source.embeddings)
    total = written = 0
    for start in range(0, n_reports, 500):
        if time.perf_counter() > deadline:
            break
        copies = [
            copy_of(templates[i % len(templates)].meta, i) for i in range(start, min(start + 500, n_reports))
        ]
        total += write_copies(target, copies, by_report, texts, vectors)
        written += len(copies)
    started = time.perf_counter()
    target.rebuild_keywords()  # the copies went to SQL and Chroma directly: build the keyword index once
    print(f"keyword index rebuilt from SQL over {total:,} chunks in {time.perf_counter() - started:.0f} s")
    return written, total


def copy_of(meta: Any, i: int) -> tuple[Any, dict[str, Any]]:
    """(template meta, the new report's row): another body and year, a new id and file name."""
    new_id = hashlib.sha256(f"{meta.id}|{i}".encode()).hexdigest()
    return meta, {
        "id": new_id[:16],
        "sha256": new_id,
        "source": f"scaled_{i:05d}_{meta.source}",
        "format": meta.format,
        "body": f"模拟{i // len(YEARS):04d}号机关",
        "region": None,
        "year": YEARS[i % len(YEARS)],
        "layout": meta.layout,
        "title": meta.title,
        "text": "",
        "warnings": [],
        "also_seen_as": [],
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_copies(
    index: SearchIndex,
    copies: list[tuple[Any, dict[str, Any]]],
    by_report: dict[str, list[dict]],
    texts: dict[str, str],
    vectors: dict[str, np.ndarray],
) -> int:
    """Write one batch of copied reports: report and chunk rows to SQL, vectors to Chroma."""
    report_rows, chunk_rows, ids, matrix, metas = [], [], [], [], []
    for meta, report in copies:
        report_rows.append({**report, "text": texts[meta.id]})
        new_meta = type(meta)(**{**meta.__dict__, **{k: report[k] for k in ("id", "source", "body", "year")}})
        for row in by_report.get(meta.id, []):
            chunk_id = hashlib.sha1(f"{report['id']}|{row['id']}".encode()).hexdigest()
            chunk_rows.append({**row, "id": chunk_id, "report_id": report["id"]})
            ids.append(chunk_id)
            matrix.append(vectors[row["id"]])
            metas.append(vector_metadata(new_meta, row))
    with index.engine.begin() as conn:
        conn.execute(insert(store.reports), report_rows)
        conn.execute(insert(store.chunks), chunk_rows)
    index.vectors.upsert(ids, np.stack(matrix), metas)
    return len(chunk_rows)


def serve(data_dir: Path) -> dict[str, Any]:
    """In a fresh process: open the scaled index, search the dev questions, report latency and RSS."""
    index = SearchIndex(Settings(data_dir=data_dir))
    questions = [p.question for p in load_probes()]
    vectors = np.load(data_dir / "queries.npy")
    started = time.perf_counter()
    index.embeddings.query("预热")  # the model is part of a serving process
    index.search_vector(questions[0], vectors[0], 5)
    out: dict[str, Any] = {"open_s": time.perf_counter() - started, "chunks": index.vectors.count()}
    body = index.keywords().columns["body"].values[7]
    for name, filters in (
        ("no filter", Filters()),
        ("year=2023", Filters(years=(2023,))),
        ("one body", Filters(bodies=(body,))),
    ):
        ms = latencies(
            lambda i, f=filters: index.search_vector(questions[i], vectors[i], 5, f), len(questions), 2
        )
        out[name] = (pct(ms, 50), pct(ms, 95))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_scaled(result: dict[str, Any]) -> None:
    print(f"scaled search process: {result['chunks']:,} chunks, opened in {result['open_s']:.1f} s")
    for name in ("no filter", "year=2023", "one body"):
        p50, p95 = result[name]
        print(
            f"hybrid search at scale, {name:<10} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
            " (query embedded beforehand)"
        )
    print(
        f"peak RSS of the search process: {result['peak_rss_mb']:.0f} MB; "
        f"of this process: {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
