"""A chat check answer agrees with ``nianbao check`` for every report of the corpus.

``nianbao check`` lists ``Catalog.findings`` (the breaks stored with each report, and 上年结转
against last year's 结转下年度). Asked whether a report, or its table 3 or table 4, adds up, the
answer names every finding about it, each with its numbers and the report's own sentence cited;
with none, it never says 不一致, and 一致 only with the balance shown in cited cells.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.answer.engine import Answerer
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.model import StoredFinding
from nianbao.settings import Settings
from tests.conftest import RAW


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library(Settings(data_dir=tmp_path_factory.mktemp("corpus") / "data", database_url=None))
    files = sorted(p for p in RAW.iterdir() if p.is_file() and p.suffix != ".md")
    outcomes = list(lib.ingest_paths(files))
    assert all(o.status != "skipped" for o in outcomes), outcomes
    yield lib
    lib.engine.dispose()


@pytest.fixture(scope="module")
def catalog(library: Library) -> Catalog:
    return Catalog(library.engine)


@pytest.fixture(scope="module")
def answerer(catalog: Catalog) -> Answerer:
    return Answerer(catalog)


#: What the question asks about → which findings are about it (by the cells they name).
SCOPES = {
    "年报里的数字对得上吗？": None,
    "的表三对得上吗？": "t3",
    "表四的数字有没有问题？": "t4",
}


def about(finding: StoredFinding, table: str | None) -> bool:
    return table is None or any(key.startswith(f"{table}.") for key in finding.keys)


def test_the_corpus_has_reports_with_and_without_findings(catalog: Catalog) -> None:
    reports = catalog.reports()
    broken = {f.report_id for f in catalog.findings()}
    assert len(reports) >= 15 and 3 <= len(broken) < len(reports)


@pytest.mark.parametrize(("wording", "table"), SCOPES.items(), ids=["report", "table3", "table4"])
def test_a_check_answer_names_exactly_the_breaks_nianbao_check_lists(
    catalog: Catalog, answerer: Answerer, wording: str, table: str | None
) -> None:
    checked = 0
    for report in catalog.reports():
        meta = report.meta
        question = f"{meta.body}{meta.year}年{wording}"
        answer = answerer.ask(question)
        found = [f for f in catalog.findings(report_ids=[meta.id]) if about(f, table)]
        where = f"{question} → {answer.status}: {answer.text[:300]}"
        if found:
            assert answer.status == "answered" and "不一致" in answer.text, where
            for f in found:
                assert f.message in answer.text, (f.message, where)
                if f.quote:
                    assert any(c.quote == f.quote and not c.key for c in answer.citations), where
                named = {c.key for c in f.cells if c.value}
                assert named <= {c.key for c in answer.citations if c.report_id == f.report_id}, where
        else:
            assert "不一致" not in answer.text, where
            if "一致" in answer.text:  # said only with the balance shown, in cited cells
                assert answer.status == "answered" and answer.citations, where
                assert {c.report_id for c in answer.citations} == {meta.id}, where
            else:
                assert answer.status == "not_found", where
        checked += 1
    assert checked == len(catalog.reports())
