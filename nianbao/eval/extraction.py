"""Cell accuracy of extraction against the gold files: for every gold report and every raw file
of it (any format), the share of gold cells extracted with exactly the gold value.

Example: ``overall(cell_accuracy(Path("../shared/corpus/gold"), Path("../shared/corpus/raw")))``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path


@dataclass(frozen=True)
class CellScore:
    """One raw file against its gold: cells right, cells in the gold, and why it could not run."""

    gold: str
    raw: str
    correct: int
    total: int
    error: str = ""

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def raw_files_of(gold: dict, raw_dir: Path) -> list[Path]:
    """Every raw file holding the gold report: the same base name in any format."""
    stem = Path(gold["source"]).stem
    return sorted(p for p in raw_dir.iterdir() if p.is_file() and p.stem == stem)


def score_file(gold_path: Path, gold: dict, raw: Path) -> CellScore:
    """Extract one raw file and count the gold cells it gets exactly right."""
    expected = gold["cells"]
    try:
        report = extract_report(read_path(raw))
    except Exception as exc:  # noqa: BLE001 - a reader's failure is a score of 0, not a crash
        return CellScore(gold_path.name, raw.name, 0, len(expected), f"{type(exc).__name__}: {exc}")
    got = {c.key: c.value for c in report.cells}
    correct = sum(1 for key, value in expected.items() if key in got and got[key] == value)
    return CellScore(gold_path.name, raw.name, correct, len(expected))


def cell_accuracy(gold_dir: Path, raw_dir: Path) -> list[CellScore]:
    """One CellScore per (gold report, raw file of it); [] when either folder is missing."""
    if not gold_dir.is_dir() or not raw_dir.is_dir():
        return []
    out = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        out += [score_file(gold_path, gold, raw) for raw in raw_files_of(gold, raw_dir)]
    return out


def overall(scores: list[CellScore]) -> float | None:
    """Cells right over gold cells, across every file; None when nothing was scored."""
    total = sum(s.total for s in scores)
    return sum(s.correct for s in scores) / total if total else None
