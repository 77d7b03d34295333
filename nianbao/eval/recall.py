"""recall@k of text search on the dev questions, and the comparison that picked the defaults.

A question counts as found when one of the top-k hits comes from one of its ``sources`` (the
"source hit"), and, for the "answer-bearing hit", when that hit's text also contains one of the
expected strings or numbers (``expect.contains`` / ``any`` / ``number`` / ``numbers``).
``not_found`` questions have nothing to find and are left out.

    .venv/bin/python -m nianbao.eval.recall                 # ingest the corpus once, compare setups
    .venv/bin/python -m nianbao.eval.recall --data-dir D    # reuse an ingested data dir
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.retrieval.filters import Filters
from nianbao.retrieval.hybrid import FusionWeights, Hit
from nianbao.retrieval.tokens import TOKENIZERS

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"
RAW = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "raw"


@dataclass(frozen=True)
class Probe:
    """A question to search for, where its answer is, and what the answering text contains."""

    id: str
    question: str
    sources: tuple[str, ...]
    expected: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Probe:
        expected = expected_strings(row.get("expect", {}))
        return cls(row["id"], row["question"], tuple(row.get("sources", ())), expected)


@dataclass(frozen=True)
class Recall:
    """recall@k over ``n`` probes: how many had a hit from a right source, and one bearing the answer."""

    k: int
    n: int
    source_hits: int
    answer_hits: int
    misses: tuple[str, ...]

    @property
    def source_recall(self) -> float:
        return self.source_hits / self.n if self.n else 0.0

    @property
    def answer_recall(self) -> float:
        return self.answer_hits / self.n if self.n else 0.0


def expected_strings(expect: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings and numbers any one of which marks a text as answer-bearing."""
    out = [str(s) for s in expect.get("contains", ())] + [str(s) for s in expect.get("any", ())]
    numbers = list(expect.get("numbers", ())) + ([expect["number"]] if "number" in expect else [])
    out += [_number_text(n) for n in numbers]
    return tuple(out)


def _number_text(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def bears_answer(text: str, expected: Iterable[str]) -> bool:
    """True when ``text`` holds one of the expected strings; a number must stand alone
    (``4`` is not found in ``2024``) and thousands separators are ignored."""
    flat = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    for item in expected:
        if re.fullmatch(r"\d+(?:\.\d+)?", item):
            if re.search(rf"(?<![\d.]){re.escape(item)}(?![\d]|\.\d)", flat):
                return True
        elif item in flat:
            return True
    return False


def load_probes(path: Path = DEV, tag: str = "text") -> list[Probe]:
    """Tagged questions that have sources and something to find."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Probe.of(r)
        for r in rows
        if tag in r.get("tags", ()) and r.get("sources") and not r.get("expect", {}).get("not_found")
    ]


Searcher = Callable[[Probe], Sequence[Hit]]


def measure(search: Searcher, probes: Sequence[Probe], k: int = 5) -> Recall:
    """Run every probe through ``search`` and count source and answer-bearing hits in the top k."""
    source_hits = answer_hits = 0
    misses: list[str] = []
    for probe in probes:
        hits = [h for h in search(probe)[:k] if h.source in probe.sources]
        source_hits += bool(hits)
        found = any(bears_answer(h.text, probe.expected) for h in hits) if probe.expected else bool(hits)
        answer_hits += found
        if not found:
            misses.append(probe.id)
    return Recall(k, len(probes), source_hits, answer_hits, tuple(misses))


def recall_at_k(index: Any, rows: Sequence[Mapping[str, Any]], k: int = 5) -> float:
    """recall@k of ``index.search`` over question rows (id, question, sources[, expect]).

    Rows with an ``expect`` need an answer-bearing hit; rows without one, a source hit.
    """
    probes = [Probe.of(r) for r in rows]
    return measure(lambda p: index.search(p.question, k=k), probes, k).answer_recall


# --- the comparison ----------------------------------------------------------------------


def ingest_corpus(data_dir: Path, files: Sequence[Path]) -> Any:
    """A SearchIndex over ``files`` ingested into ``data_dir`` (already stored files are skipped)."""
    from nianbao.library import Library
    from nianbao.retrieval.backend import open_index
    from nianbao.settings import Settings

    settings = Settings(data_dir=data_dir)
    index = open_index(settings)
    for outcome in Library(settings, index).ingest_paths(files):
        if outcome.status == "skipped":
            print(f"skipped {outcome.source}: {outcome.message}")
    return index


#: (name, tokenizer, weights) compared by ``main``; the dense-only row ignores the tokenizer.
SETUPS: list[tuple[str, str, FusionWeights]] = [("dense only", "jieba", FusionWeights(1, 0))] + [
    row
    for tokenizer in TOKENIZERS
    for row in [
        (f"keyword only ({tokenizer})", tokenizer, FusionWeights(0, 1)),
        (f"RRF 2:1 k0=60 ({tokenizer})", tokenizer, FusionWeights(2, 1, 60)),
        (f"RRF 1:1 k0=60 ({tokenizer})", tokenizer, FusionWeights(1, 1, 60)),
        (f"RRF 1:1 k0=10 ({tokenizer})", tokenizer, FusionWeights(1, 1, 10)),
        (f"RRF 1:2 k0=60 ({tokenizer})", tokenizer, FusionWeights(1, 2, 60)),
        (f"RRF 1:2 k0=10 ({tokenizer})", tokenizer, FusionWeights(1, 2, 10)),
    ]
]


def compare(
    index: Any, probes: Sequence[Probe], k: int = 5, setups: Sequence[tuple[str, str, FusionWeights]] = SETUPS
) -> list[tuple[str, Recall, Recall]]:
    """For each setup: recall@k with no filter, and with the filter the answering layer would pass
    once it has resolved the body and year (the stored report of the question's sources)."""
    vectors = {p.id: index.embeddings.query(p.question) for p in probes}
    filters = report_filters(index, probes)
    results = []
    for name, tokenizer, weights in setups:
        variant = _variant(index, tokenizer, weights)

        def free(p: Probe, v: Any = variant) -> Sequence[Hit]:
            return v.search_vector(p.question, vectors[p.id], k)

        def held(p: Probe, v: Any = variant) -> Sequence[Hit]:
            return v.search_vector(p.question, vectors[p.id], k, filters[p.id])

        results.append((name, measure(free, probes, k), measure(held, probes, k)))
    return results


def report_filters(index: Any, probes: Sequence[Probe]) -> dict[str, Filters]:
    """Per probe: the bodies and years of the stored reports its sources were ingested as."""
    from nianbao import store

    with index.engine.connect() as conn:
        stored = store.list_reports(conn)
    by_source = {name: r.meta for r in stored for name in (r.meta.source, *r.also_seen_as)}
    out = {}
    for p in probes:
        metas = [by_source[s] for s in p.sources if s in by_source]
        years = tuple({m.year for m in metas if m.year})
        out[p.id] = Filters(bodies=tuple({m.body for m in metas}), years=years)
    return out


def _variant(index: Any, tokenizer: str, weights: FusionWeights) -> Any:
    return type(index)(index.settings, index.embeddings, tokenizer=tokenizer, weights=weights)


def main(argv: Sequence[str] | None = None) -> None:
    """Ingest the corpus (or reuse a data dir) and print recall@k for each search setup."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, help="ingest into, or reuse, this data dir (default: temp)")
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--corpus", type=Path, default=RAW)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list the questions each setup missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-recall-") as tmp:
        files = sorted(p for p in args.corpus.iterdir() if p.is_file())
        index = ingest_corpus(args.data_dir or Path(tmp), files)
        probes = load_probes(args.questions)
        print(f"{len(probes)} text questions with sources and an expected answer; recall@{args.k}")
        print(f"{'setup':<26} {'source hit':>10} {'answer-bearing':>15} {'same, body+year filter':>23}")
        for name, free, held in compare(index, probes, args.k):
            print(
                f"{name:<26} {free.source_recall:>10.3f} {free.answer_recall:>15.3f} "
                f"{held.answer_recall:>23.3f}"
            )
            if args.misses and free.misses:
                print("    missed:", ", ".join(free.misses))


if __name__ == "__main__":
    main()
