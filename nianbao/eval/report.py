"""A Run as a JSON report (every question) and a Markdown report (summary and failures).

>>> json_path, md_path = write(run, Path("eval/reports"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from nianbao.eval.harness import Run


def percent(value: float | None) -> str:
    """``0.6234`` → ``62.3%``; ``None`` → ``n/a``."""
    return "n/a" if value is None else f"{100 * value:.1f}%"


def tag_rows(run: Run) -> list[tuple[str, int, int, str]]:
    """(tag, passed, total, rate) for each tag, then ``overall``."""
    s = run.summary
    rows = [(tag, p, t, percent(p / t)) for tag, (p, t) in s.by_tag.items()]
    return [*rows, ("overall", s.passed, s.total, percent(s.pass_rate))]


def figure_rows(run: Run) -> list[tuple[str, str]]:
    """(measure, value) lines under the tag table."""
    s = run.summary
    cells = run.cells
    return [
        ("pass rate", f"{percent(s.pass_rate)} ({s.passed}/{s.total})"),
        ("citation accuracy", f"{percent(s.citation_accuracy)} of {s.cited_questions} answered questions"),
        ("latency p50 / p95", f"{1000 * s.latency_p50_s:.1f} ms / {1000 * s.latency_p95_s:.1f} ms"),
        (
            "cell accuracy (gold)",
            f"{percent(run.cell_accuracy)} over {len(cells)} files"
            f" ({sum(c.correct for c in cells)}/{sum(c.total for c in cells)} cells)",
        ),
        ("recall@5 (text search)", percent(run.recall_at_5)),
    ]


def to_json(run: Run) -> dict:
    """Every question with its answer, citations, verdict and reasons, plus the summary."""
    return {
        "questions_file": run.questions_file,
        "library": run.library,
        "summary": {
            **asdict(run.summary),
            "pass_rate": run.summary.pass_rate,
            "cell_accuracy": run.cell_accuracy,
            "recall_at_5": run.recall_at_5,
        },
        "notes": run.notes,
        "ingested": [asdict(o) for o in run.ingested],
        "cells": [{**asdict(c), "accuracy": c.accuracy} for c in run.cells],
        "questions": [
            {
                "id": r.id,
                "question": r.question,
                "history": list(r.history),
                "tags": list(r.tags),
                "expected": r.expected,
                "sources": list(r.sources),
                "status": r.status,
                "answer": r.answer,
                "citations": list(r.citations),
                "pass": r.passed,
                "reasons": list(r.reasons),
                "latency_ms": round(1000 * r.latency_s, 2),
            }
            for r in run.results
        ],
    }


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]


def _failure(r) -> list[str]:  # noqa: ANN001 - an eval.score.Result
    asked = " → ".join([*r.history, r.question])
    cited = ", ".join(sorted({c["source"] for c in r.citations})) or "none"
    expected = json.dumps(r.expected, ensure_ascii=False)
    return [
        f"### {r.id} ({', '.join(r.tags)})",
        "",
        f"- asked: {asked}",
        f"- expected: `{expected}` from {', '.join(r.sources) or '—'}",
        f"- got ({r.status}): {r.answer[:400]}",
        f"- cited: {cited}",
        f"- why it fails: {'; '.join(r.reasons)}",
        "",
    ]


def to_markdown(run: Run) -> str:
    """Summary tables, notes, per-file cell accuracy, then every failure with its reasons."""
    lines = [f"# Evaluation of {run.questions_file}", "", f"Library: {run.library}", ""]
    lines += _table(("tag", "pass", "total", "rate"), tag_rows(run)) + [""]
    lines += _table(("measure", "value"), figure_rows(run)) + [""]
    lines += [f"- {note}" for note in run.notes] + ([""] if run.notes else [])
    if run.cells:
        rows = [(c.gold, c.raw, c.correct, c.total, percent(c.accuracy), c.error) for c in run.cells]
        header = ("gold", "raw file", "right", "cells", "rate", "error")
        lines += ["## Cell accuracy by file", "", *_table(header, rows), ""]
    failures = [r for r in run.results if not r.passed]
    lines += [f"## Failures ({len(failures)})", ""]
    for r in failures:
        lines += _failure(r)
    return "\n".join(lines)


def write(run: Run, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<set>.json`` and ``<set>.md`` (named after the question file) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(run.questions_file).stem
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(to_json(run), ensure_ascii=False, indent=1), encoding="utf-8")
    md_path.write_text(to_markdown(run), encoding="utf-8")
    return json_path, md_path
