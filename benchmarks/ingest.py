"""Records-only ingest throughput per format, on one core (no embeddings).

    .venv/bin/python benchmarks/ingest.py [--rounds 5]

For each format in the corpus: read + extract (tables, checks, sections) + store into a fresh
SQLite file, repeated ``--rounds`` times, reported as reports per second. Aim: ≥ 20/s for
.txt/.html/.docx and ≥ 2/s for PDF.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name hides the package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from nianbao.ingest.pipeline import extract_report  # noqa: E402 - after sys.path points at the repo
from nianbao.ingest.read import read_bytes  # noqa: E402 - after sys.path points at the repo
from nianbao.library import Library  # noqa: E402 - after sys.path points at the repo
from nianbao.settings import Settings  # noqa: E402 - after sys.path points at the repo

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "raw"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the target says
    files = sorted(p for p in RAW.iterdir() if p.is_file())
    by_format: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        by_format[path.suffix.lstrip(".")].append(path)
    print(f"{'format':<6} {'files':>5} {'read+extract/s':>15} {'with store/s':>13}")
    for fmt, paths in sorted(by_format.items()):
        blobs = [(p.name, p.read_bytes()) for p in paths]
        extract_rate = _rate(blobs, args.rounds, store=False)
        store_rate = _rate(blobs, args.rounds, store=True)
        print(f"{fmt:<6} {len(paths):>5} {extract_rate:>15.1f} {store_rate:>13.1f}")


def _rate(blobs: list[tuple[str, bytes]], rounds: int, store: bool) -> float:
    done, elapsed = 0, 0.0
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            library = Library(Settings(data_dir=Path(tmp))) if store else None
            if library:
                library.engine  # noqa: B018 - open the database outside the timed part
            started = time.perf_counter()
            for name, data in blobs:
                if library:
                    library.ingest_bytes(data, name)
                else:
                    extract_report(read_bytes(data, name))
                done += 1
            elapsed += time.perf_counter() - started
    return done / elapsed


if __name__ == "__main__":
    main()
