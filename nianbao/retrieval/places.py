"""China's administrative divisions: provinces, cities and counties, with their short names.

The table is the one ``cpca`` ships (``cpca/resources/adcodes.csv``: adcode, name); it is read
as a file, without importing ``cpca`` (which would import pandas). A name reads as a chain of
places from the start: 淮安市洪泽区人民政府 → 淮安市, 洪泽区; a place the table does not know
(平潭综合实验区, a made-up 白鹭县) is read by its suffix.

>>> [p.name for p in divisions().chain("江苏省沭阳县发展和改革局")[0]]
['江苏省', '沭阳县']
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Suffixes of place names, longest first. 区 and 县 names stay whole in the short forms of
#: the table (too many of them, too short); only provinces and cities get a short name.
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "区",
    "县",
    "旗",
)
#: Level words as a question writes them (省教育厅, 县政府, 市卫健委).
LEVEL_WORDS = "省市县区州旗盟"
#: A place the table does not know: a few characters and a suffix (平潭综合实验区, 白鹭县).
_UNLISTED = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:自治区|自治州|自治县|省|市|州|盟|区|县|旗)")
#: Names in the table that are no place of their own.
_NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Place:
    """One place: its full name, its 6-digit code ("" when unlisted) and rank (0 province,
    1 city, 2 county; 2 for an unlisted place too)."""

    name: str
    code: str = ""
    rank: int = 2

    @property
    def level(self) -> str:
        """The level word a question uses for a body of this place: 省, 市, 县, 区…"""
        if self.rank == 0:
            return "市" if self.name.endswith("市") else "省"
        return self.name[-1]

    def within(self, other: Place) -> bool:
        """Whether this place lies inside ``other`` (by code; a place is not within itself)."""
        if not self.code or not other.code or self.code == other.code or other.rank >= self.rank:
            return False
        return self.code.startswith(other.code[: 2 * (other.rank + 1)])


class Divisions:
    """The table: full names (some shared: 市中区 ×4), short names of provinces and cities."""

    def __init__(self, rows: list[tuple[str, str]], nations: list[str]) -> None:
        self.by_name: dict[str, list[Place]] = {}
        self.by_short: dict[str, list[Place]] = {}
        self._nations = sorted({n for name in nations for n in (name, name.removesuffix("族"))}, key=len)
        for code, name in rows:
            if name in _NOT_PLACES or len(name) < 2:
                continue
            six = code[:6]
            rank = 0 if six.endswith("0000") else 1 if six.endswith("00") else 2
            place = Place(name, six, rank)
            self.by_name.setdefault(name, []).append(place)
            short = self.short_of(name) if rank < 2 else name  # counties keep their names whole
            if short != name:
                self.by_short.setdefault(short, []).append(place)
        self.longest = max((len(n) for n in self.by_name), default=0)

    def short_of(self, name: str) -> str:
        """江西省 → 江西, 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边; a name that would
        keep under two characters stays whole (城区)."""
        stem = name
        for suffix in SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
        changed = "自治" in name  # only an autonomous place carries its peoples' names
        while changed:
            changed = False
            for nation in reversed(self._nations):  # longest first
                if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                    stem, changed = stem[: -len(nation)], True
                    break
        return stem if len(stem) >= 2 else name

    def listed(self, text: str, start: int = 0) -> str | None:
        """The longest full place name of the table at ``start`` of ``text``."""
        for size in range(min(self.longest, len(text) - start), 1, -1):
            if text[start : start + size] in self.by_name:
                return text[start : start + size]
        return None

    def chain(self, name: str) -> tuple[tuple[Place, ...], str]:
        """The places a body's name starts with, and the rest (the department).

        Listed places are read one after another; an unlisted one only first, or as 某X.
        """
        places: list[Place] = []
        pos = 0
        while pos < len(name):
            found = self.listed(name, pos)
            if found:
                places.append(self.pick(found, places))
                pos += len(found)
                continue
            unlisted = self.unlisted(name, pos, places)
            if unlisted:
                places.append(Place(unlisted))
                pos += len(unlisted)
                continue
            break
        return tuple(places), name[pos:]

    def unlisted(self, text: str, start: int, before: list[Place]) -> str | None:
        """The shortest run of up to seven characters at ``start`` that ends with a place
        suffix and may be a place the table does not list."""
        for end in range(start + 2, min(len(text), start + 8) + 1):
            candidate = text[start:end]
            if _UNLISTED.fullmatch(candidate) and _may_be_unlisted(candidate, before):
                return candidate
        return None

    def pick(self, name: str, outer: list[Place]) -> Place:
        """The place of that name inside the places before it (市中区 of 枣庄市), else the first."""
        options = self.by_name.get(name) or [Place(name)]
        inside = [p for p in options if any(p.within(o) for o in outer)]
        return (inside or options)[0]


def _may_be_unlisted(name: str, before: list[Place]) -> bool:
    """某省, 白鹭县 first; after a listed city a newer district (叙州区), not 城市 of 城市管理局."""
    if name.startswith("某"):
        return True
    stem_ok = len(name) - 1 >= 2
    if not before:
        return stem_ok
    return stem_ok and before[-1].rank < 2 and name[-1] in "区县旗"


def _table_dir() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    """The table, read once. Without ``cpca`` installed it is empty: names are read by suffix."""
    folder = _table_dir()
    rows: list[tuple[str, str]] = []
    nations: list[str] = []
    if folder is not None and (folder / "adcodes.csv").exists():
        with (folder / "adcodes.csv").open(encoding="utf-8") as f:
            rows = [(r["adcode"], r["name"].strip()) for r in csv.DictReader(f)]
        nations_file = folder / "56_nations.csv"
        if nations_file.exists():
            nations = [line.strip() for line in nations_file.read_text(encoding="utf-8").splitlines()]
    return Divisions(rows, [n for n in nations if n])
