"""recall@k of text search: which hits count as bearing the answer (eval/recall.py)."""

from __future__ import annotations

from nianbao.eval.recall import Probe, bears_answer, expected_strings, measure
from nianbao.retrieval.hybrid import Hit


def test_expected_strings_come_from_every_kind_of_expectation() -> None:
    expect = {"contains": ["专业人员"], "any": ["司法局"], "numbers": [1136, 51.85], "number": 0}
    assert set(expected_strings(expect)) == {"专业人员", "司法局", "1136", "51.85", "0"}


def test_a_number_must_stand_alone_and_separators_are_ignored() -> None:
    assert bears_answer("配备专职工作人员4名", ["4"])
    assert not bears_answer("2024年", ["4"])
    assert bears_answer("关注人数1,016,823人", ["1016823"])
    assert not bears_answer("占比51.85%", ["51"])


def _hit(source: str, text: str) -> Hit:
    return Hit("id", "r", source, "b", 2023, "前言", text, 1.0, (0, 1), None, "text")


def test_recall_counts_source_hits_and_answer_bearing_hits_apart() -> None:
    probes = [Probe("p1", "q1", ("a.txt",), ("0632",)), Probe("p2", "q2", ("b.txt",), ("42",))]
    results = {"q1": [_hit("a.txt", "电话0632")], "q2": [_hit("b.txt", "无关"), _hit("c.txt", "42场")]}
    recall = measure(lambda p: results[p.question], probes, k=5)
    assert (recall.source_hits, recall.answer_hits, recall.misses) == (2, 1, ("p2",))
