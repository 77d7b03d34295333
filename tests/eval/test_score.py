"""The scorer on its own: whole-number matching, separators, status, sources, contains/any."""

from __future__ import annotations

import pytest

from nianbao.eval.score import Result, has_number, normalise, percentile, score, summarise

SOURCES = ["2023_zaozhuang_shizhongqu_zfb.txt", "2023_zaozhuang_shizhongqu_zfb.docx"]
CITED = ["2023_zaozhuang_shizhongqu_zfb.docx"]


@pytest.mark.parametrize("text", ["共27件", "27", "新收27件，结转2件", "为27。", "（27）"])
def test_a_whole_number_is_found(text: str) -> None:
    assert has_number(text, 27)


@pytest.mark.parametrize("text", ["2023年", "17件", "7.5万元", "0.7万元", "70件", "2.7件"])
def test_a_number_is_not_found_inside_a_longer_one(text: str) -> None:
    assert not has_number(text, 7)


@pytest.mark.parametrize(
    ("text", "found"),
    [("0件", True), ("均为0。", True), ("10件", False), ("2020年", False), ("0.5万元", False)],
)
def test_zero_matches_only_a_standalone_zero(text: str, found: bool) -> None:
    assert has_number(text, 0) is found


@pytest.mark.parametrize("text", ["96171.6万元", "96,171.6万元", "96，171.6万元", "96 171.6万元"])
def test_thousands_separators_are_ignored(text: str) -> None:
    assert has_number(text, 96171.6)


def test_separators_in_a_longer_number_are_all_removed() -> None:
    assert has_number("行政许可517,645件", 517645)
    assert has_number("共1,016,823人", 1016823)


def test_a_list_separated_by_commas_is_not_read_as_one_number() -> None:
    text = "分别为27，2件"
    assert has_number(text, 27) and has_number(text, 2)
    assert not has_number(text, 272)


@pytest.mark.parametrize(
    ("text", "found"),
    [("18651.06万元", True), ("18651.1万元", False), ("18651.061万元", False), ("18,651.06万元", True)],
)
def test_a_decimal_matches_exactly_its_written_digits(text: str, found: bool) -> None:
    assert has_number(text, 18651.06) is found


def test_a_decimal_is_not_found_by_its_integer_part() -> None:
    assert not has_number("7730.28万元", 7730)
    assert has_number("24252.311082万元", 24252.311082)


def test_a_whole_float_matches_the_integer_as_written() -> None:
    assert has_number("7545万元", 7545.0)


def test_normalise_removes_whitespace_but_keeps_list_commas() -> None:
    assert normalise("共 3,119 件，分别为27，2件") == "共3119件，分别为27，2件"


def test_a_right_answer_with_a_citation_passes() -> None:
    assert score({"number": 27}, SOURCES, "answered", "新收申请27件。", CITED) == []


def test_every_one_of_numbers_must_appear() -> None:
    reasons = score({"numbers": [4, 12]}, SOURCES, "answered", "废止4件。", CITED)
    assert reasons == ["number 12 missing"]


@pytest.mark.parametrize("status", ["not_found", "clarify", "error"])
def test_an_answerable_question_needs_the_answered_status(status: str) -> None:
    reasons = score({"number": 27}, SOURCES, status, "27", CITED)
    assert reasons == [f"status {status}, expected answered"]


def test_a_not_found_question_passes_without_a_citation() -> None:
    assert score({"not_found": True}, [], "not_found", "语料中没有北京市的报告。", []) == []
    assert score({"not_found": True}, SOURCES, "not_found", "报告中没有找到。", []) == []


def test_a_not_found_question_answered_fails() -> None:
    reasons = score({"not_found": True}, SOURCES, "answered", "据报告：……", CITED)
    assert reasons == ["status answered, expected not_found"]


def test_an_answer_must_cite_one_of_the_sources() -> None:
    assert score({"number": 27}, SOURCES, "answered", "27件", []) == [
        f"no citation of {SOURCES[0]} or {SOURCES[1]}"
    ]
    assert score({"number": 27}, SOURCES, "answered", "27件", ["2024_huaian_shi.pdf"]) != []
    assert score({"number": 27}, SOURCES, "answered", "27件", ["2023_zaozhuang_shizhongqu_zfb.txt"]) == []


def test_no_citation_is_needed_when_the_question_lists_no_sources() -> None:
    assert score({"any": ["没有"]}, [], "answered", "没有。", []) == []


def test_contains_ignores_whitespace_on_both_sides() -> None:
    assert score({"contains": ["0591-23165255"]}, [], "answered", "电 话：0591- 23165255", []) == []
    assert score({"contains": ["专业 人员"]}, [], "answered", "缺少专业人员", []) == []


def test_every_contains_substring_is_required() -> None:
    reasons = score({"contains": ["专业人员", "解读质量"]}, [], "answered", "缺少专业人员", [])
    assert reasons == ["text 「解读质量」 missing"]


def test_one_of_any_is_enough_and_none_fails() -> None:
    expect = {"number": 1, "any": ["尚未审结", "未审结"]}
    assert score(expect, [], "answered", "行政复议1件，尚未审结。", []) == []
    assert score(expect, [], "answered", "行政复议1件。", []) == ["none of 尚未审结/未审结 in the answer"]


def _result(qid: str, tags: tuple[str, ...], passed: bool, cited: bool, latency: float) -> Result:
    citation = {"source": "a.txt" if cited else "b.txt"}
    reasons = () if passed else ("number 1 missing",)
    return Result(qid, "q", tags, {"number": 1}, ("a.txt",), "answered", "1", (citation,), latency, reasons)


def test_summary_counts_per_tag_citations_and_latency() -> None:
    results = [
        _result("a", ("table3",), True, True, 0.01),
        _result("b", ("table3", "text"), False, False, 0.03),
        _result("c", ("text",), True, True, 0.02),
    ]
    s = summarise(results)
    assert (s.passed, s.total) == (2, 3)
    assert s.by_tag == {"table3": (1, 2), "text": (1, 2)}
    assert s.citation_accuracy == pytest.approx(2 / 3)
    assert (s.latency_p50_s, s.latency_p95_s) == (0.02, 0.03)


def test_percentile_of_nothing_is_zero() -> None:
    assert percentile([], 95) == 0.0
