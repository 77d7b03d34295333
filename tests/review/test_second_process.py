"""The worked-out changes and the overview's examples are kept per process, keyed by the ids of the
current reports read from the store on every call; a second process (another serve worker, an
ingest worker, the command line) that stores or deletes a report changes those ids, so this
process works them out again on its next call. Shown with a real second Python process writing
the same data directory.

The copies are those of ``test_changes``: 平潭 2024 with SHARED and OWN added to part 六, and
bureaus' reports carrying SHARED; SHARED is boilerplate once at least three of four bodies carry it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.answer.engine import Answerer
from nianbao.catalog import Catalog
from nianbao.eval.variants import relabel
from nianbao.review.changes import changes
from tests.conftest import RAW
from tests.review.conftest import report_id
from tests.review.test_changes import FEES_BUREAU, SHARED, _boilerplate_library

ROOT = Path(__file__).resolve().parents[2]

#: What the second process runs: store one file in the data directory, or delete a report.
SECOND = """
import sys
from pathlib import Path
from nianbao.library import Library
from nianbao.settings import Settings
library = Library(Settings(data_dir=Path(sys.argv[1])))
if sys.argv[2] == "delete":
    assert library.delete(sys.argv[3]) is not None
else:
    path = Path(sys.argv[3])
    assert library.ingest_bytes(path.read_bytes(), path.name).status == "ingested"
"""


def in_second_process(data_dir: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SECOND, str(data_dir), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_report_deleted_by_another_process_changes_what_counts_as_boilerplate(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    library = _boilerplate_library(data_dir)
    catalog = Catalog(library.engine)
    pair = (report_id(catalog, "平潭", 2023), report_id(catalog, "平潭", 2024))
    first = changes(catalog, *pair)
    assert first is not None and not any(SHARED in t.after for t in first.text if t.kind == "added")
    for place in ("试验一县", "试验二县"):  # then only two bodies carry SHARED: no boilerplate
        in_second_process(data_dir, "delete", report_id(catalog, place, 2023))
    again = changes(catalog, *pair)
    assert again is not None and any(SHARED in t.after for t in again.text if t.kind == "added")
    library.engine.dispose()


def test_a_body_stored_by_another_process_is_in_this_process_overview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    library = _boilerplate_library(data_dir)
    answerer = Answerer(Catalog(library.engine))
    built: list[int] = []
    examples = answerer._examples
    monkeypatch.setattr(answerer, "_examples", lambda *a: built.append(1) or examples(*a))
    bodies, _ = answerer.overview()
    assert "试验四县发展和改革局" not in bodies
    answerer.overview()
    assert len(built) == 1  # kept while the stored reports stay the same
    bureau = (RAW / "2023_suqian_shuyangxian_fagaiju.html").read_text(encoding="utf-8")
    text = relabel(bureau, [["沭阳县发展和改革局", "试验四县发展和改革局"], ["沭阳县", "试验四县"]])
    path = tmp_path / "2023_bureau_4.html"
    path.write_text(text.replace(FEES_BUREAU, FEES_BUREAU + SHARED, 1), encoding="utf-8")
    in_second_process(data_dir, "ingest", str(path))
    bodies, _ = answerer.overview()
    assert bodies.get("试验四县发展和改革局") == [2023] and len(built) == 2  # the examples built again
    library.engine.dispose()
