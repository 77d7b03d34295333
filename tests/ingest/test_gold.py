"""Every hand-verified gold cell comes out of every format of its report: 100%, not most."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path
from tests.conftest import formats_of, gold_files, load_gold

CASES = [
    pytest.param(gold_path, raw, id=raw.name)
    for gold_path in gold_files()
    for raw in formats_of(load_gold(gold_path))
]


@pytest.mark.parametrize(("gold_path", "raw"), CASES)
def test_every_gold_cell_is_extracted_exactly(gold_path: Path, raw: Path) -> None:
    gold = load_gold(gold_path)
    report = extract_report(read_path(raw))
    got = {c.key: c.value for c in report.cells}
    wrong = {k: (v, got.get(k, "missing")) for k, v in gold["cells"].items() if got.get(k, "missing") != v}
    assert wrong == {}, f"{len(wrong)} of {len(gold['cells'])} cells differ (gold, got)"


@pytest.mark.parametrize(("gold_path", "raw"), CASES)
def test_as_written_is_kept_for_cells_that_are_not_plain_numbers(gold_path: Path, raw: Path) -> None:
    gold = load_gold(gold_path)
    report = extract_report(read_path(raw))
    written = {c.key: c.as_written for c in report.cells}
    for key, text in gold["as_written"].items():
        assert written.get(key, "missing").replace(" ", "") == text.replace(" ", ""), key


@pytest.mark.parametrize(("gold_path", "raw"), CASES)
def test_metadata_names_the_body_and_year(gold_path: Path, raw: Path) -> None:
    gold = load_gold(gold_path)
    meta = extract_report(read_path(raw)).meta
    assert meta.body == gold["agency"]
    assert meta.year == gold["year"]
    assert meta.layout == gold["layout"]


@pytest.mark.parametrize(("gold_path", "raw"), CASES)
def test_findings_match_the_breaks_the_gold_lists(gold_path: Path, raw: Path) -> None:
    gold = load_gold(gold_path)
    findings = extract_report(read_path(raw)).findings
    if not gold["findings"]:
        assert findings == ()
        return
    # Each gold finding quotes the narrative figure or the cells it is about; ours must name them too.
    messages = " ".join(f.message for f in findings)
    for figure in gold["narrative_figures"]:
        if any(figure["quote"] in g for g in gold["findings"]):
            assert figure["quote"] in messages.replace(" ", ""), figure["quote"]
