"""Chinese words as jieba cuts them, read from a dictionary file instead of a dictionary in memory.

jieba holds its dictionary (349 000 words and their counts) in memory: loading it takes most of
a second, far more than a figure question takes from start to answer. This module cuts text
exactly as jieba 0.42 does — the same graph of dictionary words, the same most probable route,
the same hidden Markov model for runs of characters no word holds, the same search-mode words —
but looks the words up in an SQLite copy of jieba's dictionary, reading only the words of the
text at hand.

The copy is made from jieba's own loaded dictionary the first time it is needed (``python -m
nianbao.retrieval.segment`` makes it ahead, as ``scripts/setup.sh`` does). It lives in the user's
cache directory (``$XDG_CACHE_HOME/nianbao``, else ``~/.cache/nianbao``, else the temporary
directory, where jieba keeps its own cache), named for the jieba files it was made from: another
jieba gets another copy. ``tests/retrieval/test_segment.py`` holds the cuts to jieba's on the
whole corpus (every line and table cell of every report) and the dev questions, with and
without the HMM, in search mode, and the word counts.

Why not jieba itself, or a faster library (issue 17 weighed them; measured on the 2-core
machines): the light commands (a figure answer, ``figures --body``) look up a few words of a
body's name, and jieba's ``initialize`` reads its whole dictionary first: 1.8-2.7 s here (load
average 4) even from its own marshal cache, several times such a command's whole budget.
``rjieba`` (jieba-rs, on PyPI) loads in 0.2-0.3 s but cuts 26 of the 5,914 test texts
differently from jieba 0.42 with the HMM (long passages with names), so the keyword index would
change with it. This module reads a lookup's words only (milliseconds) and is held to jieba's
cuts by the test above; jieba stays the reference and the source of the copy.

>>> lcut("市场监督管理局", hmm=False)
['市场', '监督', '管理局']
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

#: Bumped when the file's layout changes, so an older copy is not read.
FORMAT = 1

# jieba's own patterns (jieba/__init__.py, jieba/finalseg/__init__.py), kept as written.
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_ENG = re.compile("[a-zA-Z0-9]")
_HMM_HAN = re.compile("([\u4e00-\u9fd5]+)")
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
_MIN_FLOAT = -3.14e100
_STATES = "BMES"
_PREVIOUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
#: SQLite's bound on the parameters of one statement, with room to spare.
_BATCH = 900


class Dictionary:
    """jieba's dictionary in an SQLite file: word counts, their total, the HMM's probabilities."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if int(meta.get("format", 0)) != FORMAT:
            raise ValueError(f"{path} is not a format-{FORMAT} copy of jieba's dictionary")
        self.total = int(meta["total"])
        self.logtotal = math.log(self.total)
        self.longest = int(meta["longest"])
        self.start: dict[str, float] = json.loads(meta["start"])
        self.trans: dict[str, dict[str, float]] = json.loads(meta["trans"])

    def counts(self, words: Iterable[str]) -> dict[str, int]:
        """The count of each of ``words`` the dictionary holds (those it does not, left out)."""
        wanted = list({w for w in words if len(w) <= self.longest})
        out: dict[str, int] = {}
        with self._lock:
            for i in range(0, len(wanted), _BATCH):
                batch = wanted[i : i + _BATCH]
                marks = ",".join("?" * len(batch))
                out.update(self._db.execute(f"SELECT word, freq FROM words WHERE word IN ({marks})", batch))
        return out

    def emissions(self, chars: Iterable[str]) -> dict[str, dict[str, float]]:
        """The HMM's emission log-probabilities of ``chars``, by state (B, M, E, S)."""
        wanted = list(set(chars))
        out: dict[str, dict[str, float]] = {s: {} for s in _STATES}
        with self._lock:
            for i in range(0, len(wanted), _BATCH):
                batch = wanted[i : i + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(f"SELECT state, char, p FROM emit WHERE char IN ({marks})", batch)
                for state, char, p in rows:
                    out[state][char] = p
        return out


# --- cutting, as jieba.Tokenizer.cut does -----------------------------------------------------------


def lcut(text: str, hmm: bool = True) -> list[str]:
    """``jieba.lcut(text, HMM=hmm)``: the words of ``text`` in order; together they are the text."""
    return list(_cut(text, hmm))


def lcut_for_search(text: str) -> list[str]:
    """``jieba.lcut_for_search(text)``: each word, after its two- and three-character parts that
    are words of their own (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, 中华人民共和国)."""
    words = _cut(text, True)
    grams = {w[i : i + n] for w in words for n in (2, 3) if len(w) > n for i in range(len(w) - n + 1)}
    counts = dictionary().counts(grams)
    out: list[str] = []
    for w in words:
        if len(w) > 2:
            out += [w[i : i + 2] for i in range(len(w) - 1) if counts.get(w[i : i + 2])]
        if len(w) > 3:
            out += [w[i : i + 3] for i in range(len(w) - 2) if counts.get(w[i : i + 3])]
        out.append(w)
    return out


def count(word: str) -> int:
    """``jieba.dt.FREQ.get(word, 0)``: how often the dictionary has the word (0: not a word)."""
    return dictionary().counts([word]).get(word, 0)


def _cut(text: str, hmm: bool) -> tuple[str, ...]:
    out: list[str] = []
    for block in _HAN.split(text):
        if not block:
            continue
        if _HAN.match(block):
            out += _cut_block(block, hmm)
        else:
            for part in _SKIP.split(block):
                out += [part] if _SKIP.match(part) else list(part)
    return tuple(out)


@lru_cache(maxsize=8192)
def _cut_block(block: str, hmm: bool) -> tuple[str, ...]:
    """One run of word characters, cut along the most probable route through dictionary words."""
    d = dictionary()
    n = len(block)
    counts = d.counts(block[k:i] for k in range(n) for i in range(k + 1, min(n, k + d.longest) + 1))
    route: dict[int, tuple[float, int]] = {n: (0.0, 0)}
    for k in range(n - 1, -1, -1):
        ends = [i for i in range(k, min(n, k + d.longest)) if counts.get(block[k : i + 1])] or [k]
        route[k] = max(
            (math.log(counts.get(block[k : x + 1]) or 1) - d.logtotal + route[x + 1][0], x) for x in ends
        )
    words: list[str] = []
    buf = ""
    x = 0
    while x < n:
        y = route[x][1] + 1
        word = block[x:y]
        if hmm and y - x == 1:
            buf += word
        elif not hmm and _ENG.match(word) and len(word) == 1:
            buf += word
        else:
            if buf:
                words += _flush(buf, counts) if hmm else [buf]
                buf = ""
            words.append(word)
        x = y
    if buf:
        words += _flush(buf, counts) if hmm else [buf]
    return tuple(words)


def _flush(buf: str, counts: dict[str, int]) -> list[str]:
    """Single characters the route left: a word of the dictionary stays characters; a run no word
    holds goes to the HMM (it may be a name)."""
    if len(buf) == 1:
        return [buf]
    if not counts.get(buf):
        return _hmm_cut(buf)
    return list(buf)


def _hmm_cut(text: str) -> list[str]:
    """``jieba.finalseg.cut``: words of unknown characters, by the most probable B/M/E/S tags."""
    out: list[str] = []
    for block in _HMM_HAN.split(text):
        if _HMM_HAN.match(block):
            out += _hmm_words(block)
        else:
            out += [x for x in _HMM_SKIP.split(block) if x]
    return out


def _hmm_words(text: str) -> list[str]:
    d = dictionary()
    emit = d.emissions(text)
    path = _viterbi(text, d.start, d.trans, emit)
    out: list[str] = []
    begin = following = 0
    for i, char in enumerate(text):
        tag = path[i]
        if tag == "B":
            begin = i
        elif tag == "E":
            out.append(text[begin : i + 1])
            following = i + 1
        elif tag == "S":
            out.append(char)
            following = i + 1
    if following < len(text):
        out.append(text[following:])
    return out


def _viterbi(
    obs: str, start: dict[str, float], trans: dict[str, dict[str, float]], emit: dict[str, dict[str, float]]
) -> list[str]:
    v: list[dict[str, float]] = [{}]
    path: dict[str, list[str]] = {}
    for y in _STATES:
        v[0][y] = start[y] + emit[y].get(obs[0], _MIN_FLOAT)
        path[y] = [y]
    for t in range(1, len(obs)):
        v.append({})
        new: dict[str, list[str]] = {}
        for y in _STATES:
            em = emit[y].get(obs[t], _MIN_FLOAT)
            prob, state = max((v[t - 1][y0] + trans[y0].get(y, _MIN_FLOAT) + em, y0) for y0 in _PREVIOUS[y])
            v[t][y] = prob
            new[y] = path[state] + [y]
        path = new
    _, state = max((v[len(obs) - 1][y], y) for y in "ES")
    return path[state]


# --- the dictionary file --------------------------------------------------------------------------


@cache
def dictionary() -> Dictionary:
    """The dictionary file for the installed jieba, made first if there is none yet."""
    path = dictionary_path()
    try:
        return Dictionary(path)
    except (sqlite3.Error, ValueError, KeyError):
        return Dictionary(build(path))


def dictionary_path() -> Path:
    """Where the copy of the installed jieba's dictionary is (or is to be) kept."""
    return _cache_dir() / f"jieba-{_fingerprint()}.sqlite3"


def _jieba_files() -> list[Path]:
    """The files jieba reads its dictionary and HMM from (found without importing jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed: `pip install jieba`")
    root = Path(spec.origin).resolve().parent  # one copy per jieba, whatever link led to it
    return [root / "dict.txt", root / "finalseg" / "prob_emit.py", root / "finalseg" / "prob_trans.py"]


def _fingerprint() -> str:
    stats = [f"{p}:{s.st_size}:{s.st_mtime_ns}" for p in _jieba_files() for s in [p.stat()]]
    return hashlib.sha256("\n".join([str(FORMAT), *stats]).encode()).hexdigest()[:16]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for folder in (Path(base) / "nianbao", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return Path(tempfile.gettempdir())


def build(path: Path) -> Path:
    """Copy jieba's loaded dictionary and HMM into ``path`` (written aside, then moved in place)."""
    import jieba
    from jieba.finalseg import emit_P, start_P, trans_P

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    log.info("copying jieba's dictionary to %s", path)
    words = [(w, f) for w, f in jieba.dt.FREQ.items() if f > 0]
    meta = {
        "format": str(FORMAT),
        "total": str(jieba.dt.total),
        "longest": str(max(len(w) for w, _ in words)),
        "start": json.dumps(start_P),
        "trans": json.dumps(trans_P),
    }
    fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        with sqlite3.connect(aside) as db:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
            db.execute(
                "CREATE TABLE emit (char TEXT, state TEXT, p REAL NOT NULL, PRIMARY KEY (char, state))"
                " WITHOUT ROWID"
            )
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany("INSERT INTO words VALUES (?, ?)", words)
            db.executemany(
                "INSERT INTO emit VALUES (?, ?, ?)",
                ((c, s, p) for s, probs in emit_P.items() for c, p in probs.items()),
            )
        db.close()
        os.chmod(aside, 0o644)  # a cache, readable like jieba's own
        os.replace(aside, path)
    finally:
        Path(aside).unlink(missing_ok=True)
    return path


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(dictionary().path)
