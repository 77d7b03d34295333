"""Weighted reciprocal rank fusion."""

from __future__ import annotations

import pytest

from nianbao.retrieval.hybrid import rrf


def test_fusion_adds_weighted_reciprocal_ranks() -> None:
    fused = dict(rrf([(["a", "b"], 2.0), (["b", "c"], 1.0)], k0=10))
    assert fused["a"] == pytest.approx(2 / 11)
    assert fused["b"] == pytest.approx(2 / 12 + 1 / 11)
    assert fused["c"] == pytest.approx(1 / 12)


def test_a_chunk_both_retrievers_rank_beats_one_ranked_by_one() -> None:
    order = [i for i, _ in rrf([(["x", "both"], 1.0), (["y", "both"], 2.0)], k0=10)]
    assert order[0] == "both"


def test_the_heavier_ranking_wins_a_disagreement() -> None:
    assert rrf([(["dense"], 1.0), (["keyword"], 2.0)], k0=10)[0][0] == "keyword"
