"""Shared test fixtures. The corpus lives in ../shared beside the clone (CI has it too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RAW = SHARED / "corpus" / "raw"
GOLD = SHARED / "corpus" / "gold"


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def formats_of(gold: dict) -> list[Path]:
    """Every raw file holding the gold report: the same base name in any format."""
    stem = Path(gold["source"]).stem
    return sorted(p for p in RAW.iterdir() if p.stem == stem)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory for the test, set in the environment as NIANBAO_DATA_DIR."""
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"
