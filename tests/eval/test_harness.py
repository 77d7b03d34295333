"""The harness end to end on the seed report: five questions, real ingest, real Answerer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import app
from nianbao.eval import report
from nianbao.eval.harness import run_eval
from tests.conftest import GOLD

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "data" / "2023_zaozhuang_shizhongqu_zfb.txt"
SEED_GOLD = GOLD / "2023_zaozhuang_shizhongqu_zfb.json"
SOURCES = ["2023_zaozhuang_shizhongqu_zfb.txt", "2023_zaozhuang_shizhongqu_zfb.docx"]


def _questions(cells: dict) -> list[dict]:
    """Four questions the seed answers, and one with a deliberately wrong number."""
    first = "市中区政府办2023年收到多少信息公开申请？"
    return [
        {
            "id": "new",
            "question": first,
            "expect": {"number": cells["t3.new_received.total"]},
            "sources": SOURCES,
            "tags": ["table3"],
        },
        {
            "id": "natural",
            "question": "其中自然人呢？",
            "history": [first],
            "expect": {"number": cells["t3.new_received.natural_person"]},
            "sources": SOURCES,
            "tags": ["table3", "followup"],
        },
        {
            "id": "partly",
            "question": "枣庄市中区政府办公室2023年部分公开的申请有几件？",
            "expect": {"number": cells["t3.partly_granted.total"]},
            "sources": SOURCES,
            "tags": ["table3"],
        },
        {
            "id": "beijing",
            "question": "北京市人民政府2023年收到多少政府信息公开申请？",
            "expect": {"not_found": True},
            "sources": [],
            "tags": ["not_found"],
        },
        {
            "id": "wrong",
            "question": "市中区政府办2023年上年结转的申请有多少件？",
            "expect": {"number": cells["t3.carried_over.total"] + 1},
            "sources": SOURCES,
            "tags": ["table3"],
        },
    ]


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/corpus (the seed), tmp/gold (its gold file), tmp/questions.jsonl."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "gold").mkdir()
    shutil.copy(SEED, tmp_path / "corpus")
    shutil.copy(SEED_GOLD, tmp_path / "gold")
    cells = json.loads(SEED_GOLD.read_text(encoding="utf-8"))["cells"]
    lines = [json.dumps(q, ensure_ascii=False) for q in _questions(cells)]
    (tmp_path / "questions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_the_harness_scores_five_seed_questions_and_writes_both_reports(layout: Path) -> None:
    run = run_eval(
        layout / "questions.jsonl",
        corpus=layout / "corpus",
        gold_dir=layout / "gold",
        raw_dir=layout / "corpus",
    )
    assert (run.summary.passed, run.summary.total) == (4, 5)
    failed = [r for r in run.results if not r.passed]
    assert [r.id for r in failed] == ["wrong"]
    assert any("number" in reason and "missing" in reason for reason in failed[0].reasons)
    assert run.summary.by_tag["not_found"] == (1, 1)
    assert [(c.raw, c.total) for c in run.cells] == [(SEED.name, 200)]

    json_path, md_path = report.write(run, layout / "out")
    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert [q["id"] for q in written["questions"]] == ["new", "natural", "partly", "beijing", "wrong"]
    fields = {"question", "expected", "status", "answer", "citations", "pass", "reasons"}
    assert fields <= set(written["questions"][0])
    markdown = md_path.read_text(encoding="utf-8")
    assert "## Failures (1)" in markdown and "### wrong" in markdown


def test_the_eval_command_exits_non_zero_under_the_minimum(layout: Path) -> None:
    args = [
        "eval",
        str(layout / "questions.jsonl"),
        "--corpus",
        str(layout / "corpus"),
        "--out",
        str(layout / "out"),
    ]
    assert CliRunner().invoke(app, [*args, "--min-pass", "0.8"]).exit_code == 0
    result = CliRunner().invoke(app, [*args, "--min-pass", "0.9"])
    assert result.exit_code == 1
    assert (layout / "out" / "questions.md").exists()
