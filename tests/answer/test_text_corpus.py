"""Text answers on real reports of the corpus (records only, as the eval gate runs): the failures
that issue 11 lists, asked in words of our own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao import store
from nianbao.answer.engine import Answerer
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW

FILES = [
    *sorted(RAW.glob("20*_pingtan_zonghe_shiyanqu*.txt")),
    RAW / "2023_suqian_shuyangxian_fagaiju.html",
    RAW / "2023_zaozhuang_shizhongqu_zfb.docx",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library(Settings(data_dir=tmp_path_factory.mktemp("corpus") / "data"))
    list(lib.ingest_paths(FILES))
    yield lib
    lib.engine.dispose()


@pytest.fixture(scope="module")
def answerer(library: Library) -> Answerer:
    return Answerer(Catalog(library.engine))


def _stored_text(library: Library, report_id: str) -> str:
    with library.engine.connect() as conn:
        return store.report_text(conn, report_id)


def _quoted_exactly(library: Library, answer) -> bool:
    return all(c.quote in _stored_text(library, c.report_id).replace("\n", "") for c in answer.citations)


def test_an_explicit_none_answers_how_many_applications(answerer: Answerer, library: Library) -> None:
    answer = answerer.ask("平潭综合实验区2018年一共收到过几件信息公开申请？")
    assert answer.status == "answered"
    assert [c.quote for c in answer.citations] == ["2018年未收到有关政府信息公开申请。"]
    assert _quoted_exactly(library, answer)


def test_a_phone_asked_with_no_year_comes_from_the_latest_report_that_gives_one(
    answerer: Answerer, library: Library
) -> None:
    # the 2024 and 2025 reports print no phone number; 2023 is the latest that does
    answer = answerer.ask("平潭综合实验区政府信息公开的咨询电话是多少？")
    assert answer.status == "answered" and "23165385" in answer.text
    assert answer.citations[0].year == 2023 and "2023年" in answer.text
    assert _quoted_exactly(library, answer)


def test_the_date_of_publication_is_the_signature_date_cited(answerer: Answerer) -> None:
    answer = answerer.ask("沭阳县发改局这份年报的落款日期是哪天？")
    assert answer.status == "answered" and "2024年1月17日" in answer.text
    assert answer.citations[0].quote == "2024年1月17日"


def test_a_count_asked_in_other_words_finds_the_sentence_with_the_count(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2020年《问政平潭》一共搞了几期？")
    assert answer.status == "answered" and "6期《问政平潭》" in answer.citations[0].quote
    answer = answerer.ask("市中区政府办2023年出了多少期政府公报？")
    assert answer.status == "answered" and "公报》4期" in answer.citations[0].quote


def test_this_years_problems_not_last_years_fixes(answerer: Answerer, library: Library) -> None:
    answer = answerer.ask("市中区政府办2023年的政务公开工作还有哪些不足？")
    quotes = [c.quote for c in answer.citations]
    assert any("解读质量有待提高" in q for q in quotes) and any("缺少专业人员" in q for q in quotes)
    assert not any("组配" in q for q in quotes)  # that is 2022's 整改, in the block before
    assert len(quotes) == len(set(quotes)) == 2
    assert _quoted_exactly(library, answer)


def test_a_text_answer_carries_its_confidence(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2018年主动公开了多少条政府信息？")
    assert answer.status == "answered" and "2069条" in answer.citations[0].quote
    assert answer.confidence is not None and 0.35 <= answer.confidence <= 1
