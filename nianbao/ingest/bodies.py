"""Who a report is by: one name, decided from the title, the opening and the signature
together, with a slip of one character corrected against the table of administrative divisions.

- **Votes.** The title names the body (``沭阳县人民政府2025年…``), the opening usually repeats it
  on a line of its own, and the signature closes with it. A name that another place writes with
  one character different, and that more places write the other way, is a slip: the name the
  majority writes wins (an OCR slip in the title does not become the name). A longer form
  (``枣庄市市中区人民政府办公室`` in the signature of ``市中区人民政府办公室``) is not a slip; the
  title's form stays.
- **Divisions.** The places a name starts with (``淮安市``, ``洪泽区``) are checked against the
  省/市/区县 table the ``cpca`` package ships. A place that is no real division but one character
  from a real one is corrected, when that one is the only such division under the same parent
  (``淮安市`` before it), or anywhere; where several are, the one whose differing character
  looks like the written one (形近字: 沐/沭, not 沐/泗) is taken, if it is the only one. A
  report that writes 沐阳县 throughout is then stored as 沭阳县's.
- Every name corrected away is kept as an alias.

``same_body`` decides whether two stored names are one body (洪泽区人民政府 and
淮安市洪泽区人民政府): one ends with the other and the longer one's extra places are in the
region the shorter one's report gives.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: How a body's name ends (人民政府, 办公室, 发展和改革局, 管理委员会, 街道办事处…).
_BODY_END = re.compile(r"(?:政府|办公室|办公厅|局|委员会|管委会|中心|办事处|厅|委|署|院|所|站|队|会)$")
_NOT_A_NAME = re.compile(r"[。，；：:、《》“”()（）\d]|报告|年度|以下简称")
#: Lines of the opening and of the signature that are searched for the body's name.
OPENING_LINES = 8
SIGNATURE_LINES = 8
_PLACE_END = "省市州盟区县旗"
_PLACE = re.compile(rf"[\u4e00-\u9fff]{{1,11}}?(?:自治区|地区|[{_PLACE_END}])")

#: Characters that look alike (形近字), one group a string: what OCR and hurried typing confuse.
#: Used only to choose among several real divisions one character away from a written name.
CONFUSABLE = (
    "沐沭 己已巳 戊戌戍戎 未末 汩汨 日曰 土士 干于千 天夭 人入八 刀力 田由甲申 问间 代伐 冶治 "
    "茶荼 徒徙 析折拆 崇祟 往住 侯候 拔拨 即既 辩辨辫 贷货 栗粟 暑署 迁迂 免兔 鸟乌 季李 泪汨 "
    "洒泗 薄簿 幕墓慕暮募 瓜爪 宇宁 牛午 今令 师帅 白自 汪注 泾经 淮准 汾汶 沅沉 亳毫 邛邙 盱吁 "
    "睢雎 黟黔 郧陨 崖涯 坊访 阪阳 杨扬 洛络 沔沔 渑绳 岱贷 峄泽 兖衮 莒宫 澧醴 郴彬 耒来 "
    "涟莲 溧漂 浏测 滁除 歙翕 婺骛 衢瞿 鄞勤 嵊乘 崂唠 胶股 潍维 莱菜 蓟葡 涿琢 邺业 漯累"
).split()


@dataclass(frozen=True)
class BodyName:
    """The body's name, and the other names the report wrote it as."""

    name: str
    aliases: tuple[str, ...] = ()


def decide(title_name: str | None, text: str) -> BodyName | None:
    """The body of a report from its title's name and its text (opening and signature lines).

    >>> decide("沭阳县人民政府", "沭阳县人民政府\\n正文……\\n沐阳县人民政府").name
    '沭阳县人民政府'
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    others = [*names_in(lines[:OPENING_LINES]), *names_in(lines[-SIGNATURE_LINES:])]
    written = title_name or (Counter(others).most_common(1)[0][0] if others else None)
    if written is None:
        return None
    chosen = _majority(written, [title_name or written, *others])
    corrected = correct_places(chosen)
    aliases = {written, chosen, *(n for n in others if _one_apart(n, corrected))} - {corrected}
    return BodyName(corrected, tuple(sorted(aliases)))


def names_in(lines: Sequence[str]) -> list[str]:
    """Lines that are a body's name and nothing else (a heading line, a signature line)."""
    out = []
    for line in lines:
        name = re.sub(r"^#+\s*", "", line).replace(" ", "")
        if 4 <= len(name) <= 30 and _BODY_END.search(name) and not _NOT_A_NAME.search(name):
            out.append(name)
    return out


def _majority(written: str, votes: list[str]) -> str:
    """``written``, unless more votes go to a name one character from it."""
    counts = Counter(votes)
    rivals = [n for n in counts if _one_apart(n, written)]
    best = max(rivals, key=lambda n: counts[n], default=None)
    return best if best is not None and counts[best] > counts[written] else written


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# --- the divisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Divisions:
    codes: dict[str, tuple[str, ...]]  #: name → adcodes (several places share a name: 市中区)
    near: dict[str, tuple[str, ...]]  #: name with one character blanked (沭?县) → names


@cache
def _divisions() -> _Divisions | None:
    """The 省/市/区县 table of ``cpca`` (read as a file; importing cpca would load pandas)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    if not path.exists():
        return None
    codes: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.setdefault(row["name"], []).append(row["adcode"])
    near: dict[str, list[str]] = {}
    for name in codes:
        for i in range(len(name)):
            near.setdefault(name[:i] + "?" + name[i + 1 :], []).append(name)
    return _Divisions({k: tuple(v) for k, v in codes.items()}, {k: tuple(v) for k, v in near.items()})


def places(name: str) -> list[str]:
    """The place names a body's name starts with: ``淮安市洪泽区人民政府`` → 淮安市, 洪泽区."""
    out: list[str] = []
    position = 0
    while True:
        match = _PLACE.match(name, position)
        if match is None:
            return out
        out.append(match.group())
        position = match.end()


def is_division(place: str) -> bool:
    """Whether ``place`` is the name of a real province, city or county (淮安市: yes)."""
    table = _divisions()
    return table is not None and place in table.codes


def correct_places(name: str) -> str:
    """``name`` with each place that is no real division replaced by the real one it is a slip
    of (see the module docstring); unchanged where that is not certain."""
    table = _divisions()
    if table is None:
        return name
    parent: tuple[str, ...] = ()
    position = 0
    for place in places(name):
        start = name.index(place, position)
        position = start + len(place)
        if place in table.codes:
            parent = table.codes[place]
            continue
        fixed = _slip_of(place, parent, table)
        if fixed is None:
            break  # an unknown place ends the places we can check (平潭综合实验区)
        name = name[:start] + fixed + name[position:]
        parent = table.codes[fixed]
    return name


def _slip_of(place: str, parent: tuple[str, ...], table: _Divisions) -> str | None:
    candidates = sorted({n for i in range(len(place)) for n in table.near.get(_blank(place, i), ())})
    if parent:
        under = [n for n in candidates if any(_is_under(c, p) for c in table.codes[n] for p in parent)]
        candidates = under or candidates
    if len(candidates) > 1:
        candidates = [n for n in candidates if _looks_alike(place, n)]
    return candidates[0] if len(candidates) == 1 else None


def _blank(text: str, i: int) -> str:
    return text[:i] + "?" + text[i + 1 :]


def _is_under(code: str, parent: str) -> bool:
    """Whether adcode ``code`` lies in ``parent`` (a province: 2 digits, a city: 4)."""
    prefix = parent.rstrip("0")
    width = 2 if len(prefix) <= 2 else 4 if len(prefix) <= 4 else 6
    return code != parent and code.startswith(parent[:width])


@cache
def _confusable_pairs() -> frozenset[tuple[str, str]]:
    return frozenset((a, b) for group in CONFUSABLE for a in group for b in group if a != b)


def _looks_alike(written: str, real: str) -> bool:
    pairs = _confusable_pairs()
    return all(a == b or (a, b) in pairs for a, b in zip(written, real, strict=True))


# --- one body under two names ------------------------------------------------------------------


def same_body(a: str, b: str, where_a: str = "", where_b: str = "") -> bool:
    """Whether names ``a`` and ``b`` are one body: equal, or one ends with the other (4
    characters at least) and the places the longer one adds are in the shorter one's region
    (``where_*``: 淮安市洪泽区), so that 市中区人民政府办公室 of 枣庄 is not 济南市市中区人民政府办公室.

    >>> same_body("洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区")
    True
    """
    if a == b:
        return True
    (short, short_where), (long, _) = sorted(((a, where_a), (b, where_b)), key=lambda x: len(x[0]))
    if len(short) < 4 or not long.endswith(short):
        return False
    added = long[: len(long) - len(short)]
    return all(place in short_where for place in places(added)) and bool(places(added))


def canonical(a: str, b: str) -> str:
    """The name to store one body under: the shorter, the name as people say it (洪泽区人民政府);
    the longer stays an alias."""
    return min(a, b, key=lambda n: (len(n), n))
