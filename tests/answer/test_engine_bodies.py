"""Bodies as people name them, end to end: traditional characters, full-width digits, typos,
level words, years glued to names, bodies that are not stored, and questions in English.

The library holds the made-up reports of ``tests.fixtures`` (白鹭县人民政府办公室 2022 and 2023,
白鹭县发展和改革局 2023) and one more: the bureau's 2023 report re-labelled as a body of another
made-up place, 青山市科学技术局. Expected values are the numbers those reports print
(表三 新收 总计: 政府办 2023 37, 发改局 2023 10).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.normalise import foreign, normalise
from nianbao.eval.variants import relabel
from nianbao.library import Library
from nianbao.settings import Settings
from tests.answer.conftest import answerer_of
from tests.fixtures import BUREAU, BUREAU_2023, MADE_UP, OFFICE, made_up_library

OTHER = "青山市科学技术局"


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    pairs = [(BUREAU, OTHER), ("白鹭县", "青山市")]
    parts = [(path, [relabel(p, pairs) for p in paragraphs]) for path, paragraphs in BUREAU_2023.parts]
    reports = (*MADE_UP, replace(BUREAU_2023, body=OTHER, parts=parts))
    library: Library = made_up_library(Settings(data_dir=tmp_path_factory.mktemp("bodies") / "data"), reports)
    yield answerer_of(library)
    library.engine.dispose()


@pytest.mark.parametrize(
    ("question", "body", "value"),
    [
        ("白鷺縣發改局2023年新收政府信息公開申請多少件？", BUREAU, "10"),  # traditional
        ("白鹭县发改局２０２３年新收申请多少件？", BUREAU, "10"),  # full-width digits
        ("白鹭县 政府办 2023 年新收申请多少件？", OFFICE, "37"),  # stray whitespace
        ("白路县发改局2023年新收申请多少件？", BUREAU, "10"),  # a one-character typo of the place
        ("青杉2023年新收申请多少件？", OTHER, "10"),  # …of a place's short name
        ("2023年县发改局新收申请多少件？", BUREAU, "10"),  # a year glued to a level word
        ("县政府办2023年新收申请多少件？", OFFICE, "37"),  # a level word
        ("青山科技局2023年新收申请多少件？", OTHER, "10"),  # a short place and a department
    ],
)
def test_a_body_named_as_people_write_it_is_answered(
    answerer: Answerer, question: str, body: str, value: str
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered", answer.text
    assert answer.text.startswith(f"{body}2023年") and f"为{value}件" in answer.text
    assert {c.body for c in answer.citations} == {body}


@pytest.mark.parametrize(
    ("question", "absent", "first"),
    [
        ("白鹭县卫健委2023年新收申请多少件？", "白鹭县卫健委", {OFFICE, BUREAU}),
        ("青山市发展和改革委员会2023年收到多少申请？", "青山市发展和改革委员会", {OTHER}),
        ("县卫健委2023年收到多少申请？", "县卫健委", None),
        ("白鹭县发改局和白鹭县卫健委2023年新收申请各多少件？", "白鹭县卫健委", {OFFICE, BUREAU}),
    ],
)
def test_a_body_that_is_not_stored_is_not_found_naming_the_stored_bodies_of_its_place_first(
    answerer: Answerer, question: str, absent: str, first: set[str] | None
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "not_found", answer.text
    assert f"「{absent}」" in answer.text and not answer.citations and not answer.figures
    assert set(answer.options) == {OFFICE, BUREAU, OTHER}
    if first:
        assert set(answer.options[: len(first)]) == first


def test_a_question_in_english_is_asked_again_in_chinese_with_the_bodies_and_two_examples(
    answerer: Answerer,
) -> None:
    answer = answerer.ask("How many information disclosure requests did Bailu County receive in 2023?")
    assert answer.status == "not_found" and "请用中文提问" in answer.text
    assert all(body in answer.text for body in (OFFICE, BUREAU, OTHER))
    assert len(answer.options) == 2
    for example in answer.options:
        assert example in answer.text and answerer.ask(example).status == "answered"


def test_normalising_a_question() -> None:
    assert normalise("懷遠縣行政復議") == "怀远县行政复议"
    assert normalise("市中區政府辦　２０２３年") == "市中区政府办2023年"
    assert normalise("  What is  this ? ") == "What is this?"
    assert foreign("What did Pingtan receive in 2023?") and not foreign("平潭2023年PDF版在哪里下载")
