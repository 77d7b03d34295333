"""``nianbao figures``, ``nianbao check`` and ``nianbao ask`` print the API's rows without the
API's models: each cell, finding and answer as JSON text (numbers' types included) and as CSV is
what ``api.schemas`` and ``api.export`` make of it. Real corpus files, records only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from nianbao.answer.engine import Answerer
from nianbao.api.export import figures_csv as api_figures_csv
from nianbao.api.schemas import ChatResponse, CitationOut, FindingOut, Record
from nianbao.catalog import Catalog
from nianbao.cli.records import (
    CITATION_FIELDS,
    RECORD_FIELDS,
    cell_record,
    chat_json,
    chat_record,
    figures_csv,
    finding_record,
)
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW

#: Cells of the three readers' kinds (Word, PDF with pages, HTML, text), findings within the
#: tables (t3, t4) and against the text (narrative, with quotes).
FILES = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_huaian_hongzequ.pdf",
    "2019_shanghai_shizhengfu_bangongting.html",
    "2020_pingtan_zonghe_shiyanqu.txt",
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("records") / "data"))
    assert [o.status for o in library.ingest_paths([RAW / n for n in FILES])] == ["ingested"] * len(FILES)
    yield Catalog(library.engine)
    library.engine.dispose()


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)


def test_a_cell_record_is_the_apis_record(catalog: Catalog) -> None:
    cells = catalog.cells()
    assert len({c.report_id for c in cells}) == len(FILES) and any(c.page for c in cells)
    assert RECORD_FIELDS == tuple(Record.model_fields)
    assert as_json([cell_record(c) for c in cells]) == as_json([Record.of(c).model_dump() for c in cells])


def test_a_finding_record_is_the_apis_finding(catalog: Catalog) -> None:
    found = catalog.findings()
    assert {f.rule for f in found} >= {"narrative", "t3.results_total", "t4.group_total"}
    assert any(f.quote for f in found)
    mine = as_json([finding_record(f) for f in found])
    assert mine == as_json([FindingOut.of(f).model_dump() for f in found])


def test_the_figures_csv_is_the_apis(catalog: Catalog) -> None:
    cells = catalog.cells()
    assert figures_csv(cells) == api_figures_csv(cells)


#: Questions of every kind an answer takes, asked of the four reports above (no search index:
#: text questions read the named body's report): a figure, figures over parts and years, a
#: rate, the arithmetic, a quoted sentence, one the reports do not answer, small talk, a
#: question that asks which body, and a follow-up in a conversation the answerer does not keep.
QUESTIONS = [
    ("市中区人民政府办公室2023年收到多少信息公开申请？", None),
    ("洪泽区2023年的行政复议和行政诉讼各有多少件？", None),
    ("平潭综合实验区2020年自然人申请了多少件？", None),
    ("洪泽区2023年申请的公开率是多少？", None),
    ("洪泽区2023年报告的数字对得上吗？", None),
    ("市中区人民政府办公室的联系电话是多少？", None),
    ("平潭综合实验区2020年建了几座水库？", None),
    ("你好", None),
    ("2023年新收了多少申请？", None),
    ("其中法人呢？", "0123456789abcdef0123456789abcdef"),
]


def test_a_chat_record_is_the_apis_chat_response(catalog: Catalog) -> None:
    answerer = Answerer(catalog)
    answers = [answerer.ask(q, conversation_id) for q, conversation_id in QUESTIONS]
    assert {a.status for a in answers} == {"answered", "not_found", "clarify"}
    assert any(a.figures for a in answers) and any(a.options for a in answers)
    assert any(a.confidence is not None for a in answers) and any(a.conversation_new for a in answers)
    assert CITATION_FIELDS == tuple(CitationOut.model_fields)
    for answer in answers:
        keys = catalog.cited_keys(answer.citations)
        mine = chat_json(chat_record(answer, keys))
        assert mine == ChatResponse.from_answer(answer, keys).model_dump_json(indent=1), answer.text
        assert json.loads(mine) == ChatResponse.from_answer(answer, keys).model_dump(mode="json")
