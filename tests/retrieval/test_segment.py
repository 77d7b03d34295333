"""jieba's cuts without jieba's dictionary in memory: every cut equals jieba's own.

The reference is jieba itself, run on the whole corpus (every report in every format: its
narrative and its table cells) and on phrasings written for these tests: plain questions, names
no dictionary holds (for the HMM), digits and Latin letters, whitespace, characters outside
jieba's CJK range.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import jieba
import pytest

from nianbao.ingest.read import read_path
from nianbao.retrieval import segment
from tests.conftest import RAW

ROOT = Path(__file__).resolve().parents[2]

OWN = [
    "市中区人民政府办公室2023年收到多少信息公开申请？",
    "白鹭县红枫镇的政务新媒体有几个？",  # names no dictionary holds
    "沭阳县发展和改革局 2023 年度 报告\r\n联系电话：0527-83591234，邮箱 fgj@shuyang.gov.cn",
    "市场监督管理局、人力资源和社会保障厅、卫生健康委员会、住房和城乡建设局",
    "政府信息公开申请的办理结果：予以公开12件，部分公开3件（占比20.5%）",
    "㐀㐁乾隆年间鿕鿖的事情",  # characters on both sides of jieba's range
    "A股B超iPhone15Pro和C++、C#以及.NET",
    "   ",
    "",
    "平谭综合实验区管委会2022年行政复议被纠错的有几件",
]


def corpus_lines() -> list[str]:
    """Every non-empty line of the corpus reports' narrative and table cells, every format."""
    lines: list[str] = []
    for path in sorted(RAW.iterdir()):
        if path.suffix not in (".txt", ".html", ".docx", ".pdf"):
            continue
        document = read_path(path)
        lines += document.text.splitlines()
        lines += [cell for table in document.tables for row in table.rows for cell in row]
    return [line for line in lines if line.strip()]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    dev = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions" / "dev.jsonl").open()]
    return corpus_lines() + dev + OWN


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


@pytest.mark.parametrize("hmm", [False, True])
def test_cuts_are_jiebas(texts: list[str], reference: jieba.Tokenizer, hmm: bool) -> None:
    assert len(texts) > 1000
    assert {p.suffix for p in RAW.iterdir()} <= {".txt", ".html", ".docx", ".pdf"}  # none left out
    differ = [
        (t, segment.lcut(t, hmm=hmm)) for t in texts if segment.lcut(t, hmm=hmm) != reference.lcut(t, HMM=hmm)
    ]
    assert not differ, differ[:5]


def test_search_words_are_jiebas(texts: list[str], reference: jieba.Tokenizer) -> None:
    differ = [t for t in texts if segment.lcut_for_search(t) != reference.lcut_for_search(t)]
    assert not differ, differ[:5]


def test_counts_are_jiebas(reference: jieba.Tokenizer) -> None:
    words = [
        "政府",
        "信息公开",
        "人力资源",
        "人力资",
        "平谭",
        "上年",
        "白鹭",
        "红枫",
        "x",
        "通过",
        "全县",
        "",
    ]
    assert [segment.count(w) for w in words] == [reference.FREQ.get(w, 0) for w in words]
    assert segment.count("政府") > 0 and segment.count("平谭") == 0  # a prefix of no word: 0


def test_the_hmm_reads_a_name_no_dictionary_holds(reference: jieba.Tokenizer) -> None:
    text = "韩冰雁说"
    assert not segment.count("韩冰雁")
    assert segment.lcut(text) == reference.lcut(text)
    assert segment.lcut(text) != segment.lcut(text, hmm=False)  # the HMM joined characters


def test_a_missing_or_broken_copy_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.dictionary.cache_clear()
    try:
        path = segment.dictionary_path()
        assert path.parent == tmp_path / "nianbao" and not path.exists()
        made = segment.dictionary()
        assert made.path == path and path.exists()
        assert made.total == jieba.dt.total
        segment.dictionary.cache_clear()
        path.write_bytes(b"not a database")
        assert segment.dictionary().counts(["政府"]) == {"政府": jieba.dt.FREQ["政府"]}
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == (
                str(segment.FORMAT),
            )
    finally:
        segment.dictionary.cache_clear()
