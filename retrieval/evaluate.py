"""recall@k of text search on the dev questions, and the comparison that picked the defaults.

A question counts as found when one of the top-k hits comes from one of its ``sources`` (the
"source hit"), and, for the "answer-bearing hit", when that hit's text also contains one of the
expected strings or numbers (``expect.contains`` / ``any`` / ``number`` / ``numbers``).
``not_found`` questions have nothing to find and are left out.

    .venv/bin/python -m retrieval.evaluate                 # ingest the corpus once, compare setups
    .venv/bin/python -m retrieval.evaluate --data-dir D    # reuse an ingested data dir
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

import numpy as np

from retrieval.bm25 import TOKENIZERS
from retrieval.hybrid import FusionWeights, Hit

DEV = Path(__file__).resolve().parents[1] / "eval" / "questions" / "dev.jsonl"
RAW = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "raw"


@dataclass(frozen=True)
class Probe:
    """A question to search for, where its answer is, and what the answering text contains."""

    id: str
    question: str
    sources: tuple[str, ...]
    expected: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Probe:
        return cls(row["id"], row["question"], tuple(row.get("sources", ())), expected_strings(row.get("expect", {})))


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
    return [Probe.of(r) for r in rows
            if tag in r.get("tags", ()) and r.get("sources") and not r.get("expect", {}).get("not_found")]


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
    from nianbao.settings import Settings
    from retrieval.index import SearchIndex

    settings = Settings(data_dir=data_dir)
    index = SearchIndex(settings)
    for outcome in Library(settings, index).ingest_paths(files):
        if outcome.status == "skipped":
            print(f"skipped {outcome.source}: {outcome.message}")
    return index


def compare(index: Any, probes: Sequence[Probe], k: int = 5) -> list[tuple[str, Recall]]:
    """recall@k of dense only, keyword only (each tokeniser) and fusions at several weights."""
    vectors = {p.id: index.embeddings.query(p.question) for p in probes}
    setups: list[tuple[str, str, FusionWeights]] = [("dense only", "bigram", FusionWeights(1, 0))]
    for tokenizer in TOKENIZERS:
        setups.append((f"keyword only ({tokenizer})", tokenizer, FusionWeights(0, 1)))
        for dense, keyword in ((1, 1), (2, 1), (3, 1)):
            setups.append((f"RRF {dense}:{keyword} ({tokenizer})", tokenizer, FusionWeights(dense, keyword)))
    results = []
    for name, tokenizer, weights in setups:
        variant = _variant(index, tokenizer, weights)
        results.append((name, measure(_by_vector(variant, vectors, k), probes, k)))
    return results


def _variant(index: Any, tokenizer: str, weights: FusionWeights) -> Any:
    from retrieval.index import SearchIndex

    return SearchIndex(index.settings, index.embeddings, tokenizer=tokenizer, weights=weights)


def _by_vector(index: Any, vectors: Mapping[str, np.ndarray], k: int) -> Searcher:
    return lambda p: index.search_vector(p.question, vectors[p.id], k)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="ingest into / reuse this data dir (default: a temp dir)")
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--corpus", type=Path, default=RAW)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list the questions each setup missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-recall-") as tmp:
        index = ingest_corpus(args.data_dir or Path(tmp), sorted(p for p in args.corpus.iterdir() if p.is_file()))
        probes = load_probes(args.questions)
        print(f"{len(probes)} text questions with sources and an expected answer; recall@{args.k}")
        print(f"{'setup':<24} {'source hit':>10} {'answer-bearing':>15}")
        for name, r in compare(index, probes, args.k):
            print(f"{name:<24} {r.source_recall:>10.3f} {r.answer_recall:>15.3f}")
            if args.misses and r.misses:
                print("    missed:", ", ".join(r.misses))


if __name__ == "__main__":
    main()
