"""Ask every question of a JSONL set through the Answerer, as ``POST /api/chat`` does, and score it.

The library is either a fresh temporary data dir with a corpus ingested into it (records only
unless ``with_index``) or an existing data dir. A question with ``history`` asks those questions
first, in the same conversation. Besides the answers, a run measures the cell accuracy of
extraction against the gold files and, where retrieval offers it, recall@5 of text search.

>>> run = run_eval(Path("eval/questions/dev.jsonl"), corpus=Path("../shared/corpus/raw"))  # doctest: +SKIP
>>> run.summary.pass_rate  # doctest: +SKIP
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nianbao.answer.conversations import StoredConversations
from nianbao.answer.engine import Answerer, ReportSearch
from nianbao.catalog import Catalog
from nianbao.eval import extraction, variants
from nianbao.eval.score import Result, Summary, score, summarise
from nianbao.library import Library, Outcome, collect_files
from nianbao.settings import Settings

#: Where the corpus lives beside a clone (CI has it too).
SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
RECALL_K = 5


@dataclass(frozen=True)
class Question:
    """One line of a question set (see eval/questions/README.md)."""

    id: str
    question: str
    expect: dict
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Run:
    """Everything a run measured; ``eval.report`` turns it into JSON and Markdown."""

    questions_file: str
    library: str
    results: list[Result]
    summary: Summary
    ingested: list[Outcome] = field(default_factory=list)
    cells: list[extraction.CellScore] = field(default_factory=list)
    recall_at_5: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cell_accuracy(self) -> float | None:
        return extraction.overall(self.cells)


def load_questions(path: Path) -> list[Question]:
    """The questions of a JSONL file, in order; blank lines are skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(
                Question(
                    row["id"],
                    row["question"],
                    row["expect"],
                    tuple(row.get("sources", ())),
                    tuple(row.get("tags", ())),
                    tuple(row.get("history", ())),
                )
            )
    return out


def ask(answerer: Answerer, q: Question) -> Result:
    """Ask the history, then the question, in one conversation (under the id the first answer
    was given); time and score the last answer."""
    conversation: str | None = None
    status: str
    start = time.perf_counter()
    try:
        for earlier in q.history:
            conversation = answerer.ask(earlier, conversation).conversation_id
        start = time.perf_counter()
        answer = answerer.ask(q.question, conversation)
        status, text, cites = answer.status, answer.text, tuple(asdict(c) for c in answer.citations)
    except Exception as exc:  # noqa: BLE001 - one broken question must not end the run
        status, text, cites = "error", f"{type(exc).__name__}: {exc}", ()
    latency = time.perf_counter() - start
    reasons = score(q.expect, q.sources, status, text, [c["source"] for c in cites])
    return Result(
        q.id, q.question, q.tags, q.expect, q.sources, status, text, cites, latency, tuple(reasons), q.history
    )


def _settings(data_dir: Path | None) -> Settings:
    """The data dir given, else the environment's (NIANBAO_DATA_DIR) or the default."""
    return Settings(data_dir=data_dir) if data_dir else Settings()


def _index(settings: Settings, notes: list[str]):  # noqa: ANN202 - the index type may not exist yet
    try:
        from nianbao.retrieval.backend import open_index
    except ImportError as exc:
        notes.append(f"--with-index: retrieval.index is not importable ({exc}); ran on records only")
        return None
    return open_index(settings)


@contextmanager
def open_library(
    corpus: Path | None,
    data_dir: Path | None,
    with_index: bool,
    notes: list[str],
    variants_file: Path | None = None,
) -> Iterator[tuple[Library, object, list[Outcome]]]:
    """The library to ask: a temporary one with ``corpus`` (and the variants of its files listed
    in ``variants_file``) ingested, or the one in ``data_dir``."""
    with tempfile.TemporaryDirectory(prefix="nianbao-eval-", ignore_cleanup_errors=True) as tmp:
        settings = _settings(Path(tmp) / "data" if corpus else data_dir)
        index = _index(settings, notes) if with_index else None
        library = Library(settings, index)
        files = collect_files([corpus]) if corpus else []
        if corpus and variants_file:
            files += variants.write(variants.load(variants_file), corpus, Path(tmp) / "variants")
        outcomes = list(library.ingest_paths(files)) if files else []
        try:
            yield library, index, outcomes
        finally:
            library.engine.dispose()


def text_recall(search: object, questions: list[Question], notes: list[str]) -> float | None:
    """recall@5 of text search over the ``text`` questions: a top-5 hit from a right source that
    holds the expected answer (``eval.recall.recall_at_k``)."""
    try:
        from nianbao.eval.recall import recall_at_k  # imports the search stack (Chroma)
    except ImportError as exc:
        notes.append(f"recall@5 skipped: eval.recall is not importable ({exc})")
        return None
    if search is None:
        notes.append("recall@5 skipped: it needs the search index (--with-index)")
        return None
    rows = [
        {"id": q.id, "question": q.question, "sources": list(q.sources), "expect": q.expect}
        for q in questions
        if "text" in q.tags and q.sources and not q.expect.get("not_found")
    ]
    return float(recall_at_k(search, rows, k=RECALL_K))


def default_corpus_dirs(corpus: Path | None) -> tuple[Path, Path]:
    """(gold dir, raw dir): beside the corpus folder given, else ../shared/corpus beside the clone."""
    if corpus is not None and corpus.is_dir() and (corpus.parent / "gold").is_dir():
        return corpus.parent / "gold", corpus
    return SHARED_CORPUS / "gold", SHARED_CORPUS / "raw"


def run_eval(
    questions_file: Path,
    *,
    corpus: Path | None = None,
    data_dir: Path | None = None,
    with_index: bool = False,
    gold_dir: Path | None = None,
    raw_dir: Path | None = None,
    variants_file: Path | None = None,
) -> Run:
    """Ask and score every question; measure extraction against the gold and text recall."""
    questions = load_questions(questions_file)
    notes: list[str] = []
    with open_library(corpus, data_dir, with_index, notes, variants_file) as (library, index, outcomes):
        search = index if isinstance(index, ReportSearch) else None
        conversations = StoredConversations.of(library.settings)  # as the API keeps them
        answerer = Answerer(Catalog(library.engine), search=search, conversations=conversations)
        try:
            results = [ask(answerer, q) for q in questions]
        finally:
            conversations.close()
        recall = text_recall(index, questions, notes)
        where = str(corpus) if corpus else str(library.settings.data_dir)
    default_gold, default_raw = default_corpus_dirs(corpus)
    cells = extraction.cell_accuracy(gold_dir or default_gold, raw_dir or default_raw)
    if not cells:
        notes.append(f"cell accuracy skipped: no gold files in {gold_dir or default_gold}")
    return Run(str(questions_file), where, results, summarise(results), outcomes, cells, recall, notes)
