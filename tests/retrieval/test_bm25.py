"""The keyword index: both tokenisers, filters, and saving and loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nianbao.retrieval.bm25 import KeywordDoc, KeywordIndex, SavedMatrix
from nianbao.retrieval.tokens import bigram_tokens, jieba_tokens
from nianbao.retrieval.vectors import Filters

DOCS = [
    KeywordDoc(
        "a",
        "前言：联系电话：0632-3921308，电子邮箱：szq@zz.cn。",
        "r1",
        "市中区人民政府办公室",
        2023,
        "前言",
        "text",
    ),
    KeywordDoc(
        "b",
        "一、总体情况：全年主动公开政府信息2981条。",
        "r1",
        "市中区人民政府办公室",
        2023,
        "一、总体情况",
        "text",
    ),
    KeywordDoc("c", "前言：联系电话：0517-87222589。", "r2", "洪泽区人民政府", 2023, "前言", "text"),
    KeywordDoc(
        "d",
        "一、总体情况：全年主动公开政府信息1136条。",
        "r3",
        "洪泽区人民政府",
        2024,
        "一、总体情况",
        "text",
    ),
    KeywordDoc(
        "e",
        "表三 收到和处理政府信息公开申请情况 · （一）予以公开：自然人4，总计4",
        "r1",
        "市中区人民政府办公室",
        2023,
        "表三 收到和处理政府信息公开申请情况",
        "table",
    ),
]


def test_bigram_tokens_are_characters_pairs_and_ascii_words() -> None:
    assert bigram_tokens("电话：0632-3921308") == ["电", "话", "电话", "0632", "3921308"]
    assert "szqdsj" in bigram_tokens("SZQdsj@zz.shandong.cn")
    assert "行政" in bigram_tokens("行\n政规范性文件")


def test_jieba_tokens_are_words_without_punctuation() -> None:
    tokens = jieba_tokens("市中区政府办的联系电话是多少？0632")
    assert "电话" in tokens and "0632" in tokens and "？" not in tokens


@pytest.mark.parametrize("tokenizer", ["bigram", "jieba"])
def test_the_chunk_with_the_words_ranks_first(tokenizer: str) -> None:
    index = KeywordIndex.build(DOCS, tokenizer)
    assert index.search("市中区政府办公室的联系电话", k=2)[0][0] == "a"
    assert index.search("2024年洪泽区主动公开政府信息多少条", k=1)[0][0] == "d"


@pytest.mark.parametrize("tokenizer", ["bigram", "jieba"])
def test_filters_keep_only_matching_chunks(tokenizer: str) -> None:
    index = KeywordIndex.build(DOCS, tokenizer)
    assert {i for i, _ in index.search("联系电话", k=5, filters=Filters(bodies=("洪泽区人民政府",)))} == {"c"}
    assert {i for i, _ in index.search("主动公开政府信息", k=5, filters=Filters(years=(2024,)))} == {"d"}
    assert {i for i, _ in index.search("公开", k=5, filters=Filters(kind="table"))} == {"e"}
    assert (
        index.search("联系电话", k=5, filters=Filters(sections=("表三 收到和处理政府信息公开申请情况",)))
        == []
    )
    assert index.search("联系电话", k=5, filters=Filters(bodies=("没有这个机关",))) == []


def test_words_in_no_chunk_find_nothing() -> None:
    assert KeywordIndex.build(DOCS, "bigram").search("蝴蝶飞舞", k=5) == []


def test_an_empty_index_finds_nothing() -> None:
    assert KeywordIndex.build([], "bigram").search("电话", k=5) == []


def test_a_saved_index_loads_and_ranks_the_same(tmp_path: Path) -> None:
    index = KeywordIndex.build(DOCS, "jieba")
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded.tokenizer == "jieba" and len(loaded) == len(DOCS)
    for query in ("联系电话", "主动公开政府信息", "予以公开"):
        assert loaded.search(query, k=3) == index.search(query, k=3)
    assert loaded.search("电话", k=5, filters=Filters(years=(2023,), bodies=("洪泽区人民政府",)))[0][0] == "c"


def test_a_loaded_index_reads_bm25s_files_as_bm25s_does(tmp_path: Path) -> None:
    """The saved matrix is read without bm25s: the same vocabulary and scores as bm25s's own load,
    and saved again (a loaded index re-saved) it loads the same once more."""
    import bm25s

    index = KeywordIndex.build(DOCS, "jieba")
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    theirs = bm25s.BM25.load(str(tmp_path / "kw" / "bm25s"), mmap=True)
    assert isinstance(loaded.retriever, SavedMatrix)
    assert loaded.retriever.vocab_dict == theirs.vocab_dict
    for name in SavedMatrix.MATRIX:
        assert np.array_equal(loaded.retriever.scores[name], theirs.scores[name])
    loaded.save(tmp_path / "again")
    again = KeywordIndex.load(tmp_path / "again")
    for query in ("联系电话", "主动公开政府信息"):
        assert again.search(query, k=3) == index.search(query, k=3)
