"""Does text search, with the body/year filters an answer uses, find the answering sentence?

    .venv/bin/python benchmarks/text_search.py [--data-dir D] [--k 5] [--cli]

For every ``text`` question of eval/questions/dev.jsonl that has sources and an expected
answer, searches the index the way ``nianbao search --json --body B --year Y`` does (the body
and year of the reports the question's sources were ingested as) and counts the questions
whose top k hold a hit from a right source that bears the expected answer (recall.py's test).
Ingests the shared corpus with its index into a temporary data dir unless ``--data-dir`` names
one already built. ``--cli`` runs the real ``nianbao search --json`` command per question
(slower: a process each) instead of calling the index.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo, not this folder, on the path

from nianbao.eval.recall import DEV, RAW, bears_answer, ingest_corpus, load_probes, report_filters  # noqa: E402
from nianbao.retrieval.index import SearchIndex  # noqa: E402
from nianbao.settings import Settings  # noqa: E402


def _cli_hits(data_dir: Path, question: str, body: str, year: int | None, k: int) -> list[dict]:
    args = [
        str(Path(sys.executable).parent / "nianbao"),
        "search",
        question,
        "--json",
        "--k",
        str(k),
        "--body",
        body,
    ]
    if year:
        args += ["--year", str(year)]
    env = os.environ | {"NIANBAO_DATA_DIR": str(data_dir)}
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--cli", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-text-search-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        index = (
            SearchIndex(Settings(data_dir=data_dir))
            if args.data_dir
            else ingest_corpus(data_dir, sorted(p for p in RAW.iterdir() if p.is_file()))
        )
        probes = load_probes(DEV)
        filters = report_filters(index, probes)
        found, misses = 0, []
        for probe in probes:
            f = filters[probe.id]
            hits = []
            for body in f.bodies or ():
                for year in f.years or (None,):
                    if args.cli:
                        rows = _cli_hits(data_dir, probe.question, body, year, args.k)
                        hits += [(r["source"], r["text"]) for r in rows]
                    else:
                        found_hits = index.search(probe.question, k=args.k, body=body, year=year)
                        hits += [(h.source, h.text) for h in found_hits]
            ok = any(src in probe.sources and bears_answer(text, probe.expected) for src, text in hits)
            found += ok
            if not ok:
                misses.append(probe.id)
        n = len(probes)
        print(f"{found}/{n} dev text questions ({found / n:.1%}): the answering sentence in the top {args.k}")
        print(
            f"    with the body/year filters of their sources{' (nianbao search --json)' if args.cli else ''}"
        )
        if misses:
            print("missed:", ", ".join(misses))


if __name__ == "__main__":
    main()
