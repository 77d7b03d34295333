"""Resolve the names people use for a body to the bodies stored.

市中区政府办 → 市中区人民政府办公室; 淮安市 → 淮安市人民政府; 洪泽区人民政府 and
淮安市洪泽区人民政府 are one body in two years' titles. When a name fits several bodies the
caller gets them all and asks; nothing is picked silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_PLACE = re.compile(r"^(?:.{2,}?(?:省|自治区))?(?:.{1,}?(?:市|州|盟|地区))?(?:.{1,}?(?:区|县|旗))?")
_SUFFIX_SHORT = [
    ("人民政府办公室", ("政府办公室", "政府办", "办公室")),
    ("人民政府办公厅", ("政府办公厅", "办公厅", "政府办")),
    ("人民政府", ("政府",)),
    ("发展和改革局", ("发改局", "发展改革局")),
    ("发展和改革委员会", ("发改委", "发展改革委")),
    ("科学技术委员会", ("科委",)),
    ("科学技术局", ("科技局",)),
    ("管委会", ("管委会",)),
]
_PLACE_TAIL = re.compile(r"(省|市|区|县|自治区)$")
#: A name of an administrative body in a question: place + (government | a department word).
MENTION = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:省|市|区|县|州)(?:人民)?(?:政府|[\u4e00-\u9fff]{0,6}?(?:局|委|厅|办|委员会|办公室))"
)


@dataclass(frozen=True)
class Body:
    name: str
    place: str
    aliases: frozenset[str]


def canonical(names: Iterable[str]) -> dict[str, str]:
    """Map each stored name to one canonical name: a name that ends with another is the same body."""
    ordered = sorted(set(names), key=len, reverse=True)
    result: dict[str, str] = {}
    for name in ordered:
        longer = next((n for n in ordered if n != name and len(name) >= 4 and n.endswith(name)), None)
        result[name] = result.get(longer, longer) if longer else name
    return result


def _place(name: str) -> str:
    match = _PLACE.match(name)
    place = match.group(0) if match else ""
    return place if place and not place.endswith(("政府", "机关")) else ""


def aliases(name: str) -> set[str]:
    """The ways people write a body's name, longest first in use."""
    found = {name}
    for suffix, shorts in _SUFFIX_SHORT:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            found |= {stem + s for s in shorts}
            if "办公" in suffix:  # 上海市政府 is answered by 上海市人民政府办公厅's report
                found |= {stem + "政府", stem + "人民政府"}
    place = _place(name)
    outer = re.match(r"^.{2,}?(?:省|市)(?=.{2,}(?:区|县))", name)
    if outer:  # 淮安市洪泽区人民政府 is also 洪泽区人民政府, 洪泽区政府
        found |= {a[outer.end() :] for a in set(found) if a.startswith(outer.group(0))}
    if place:
        found |= {place}
        short = _PLACE_TAIL.sub("", place.split("市")[-1] or place)
        if len(short) >= 2:
            found.add(short)
        if len(short) > 3:  # 平潭综合实验区 → 平潭
            found.add(short[:2])
    return {a for a in found if len(a) >= 2}


class BodyResolver:
    """Find the stored bodies a question names."""

    def __init__(self, names: Iterable[str]) -> None:
        self.canonical = canonical(names)
        self.bodies = {
            name: Body(name, _place(name), frozenset(aliases(name)))
            for name in set(self.canonical.values())
        }
        for stored, name in self.canonical.items():
            body = self.bodies[name]
            self.bodies[name] = Body(name, body.place, body.aliases | aliases(stored))

    def resolve(self, text: str) -> list[tuple[str, list[str]]]:
        """Each body mention in text order, with the stored bodies it fits (several: ask)."""
        spans: list[tuple[int, int, str]] = []
        for body in self.bodies.values():
            for alias in body.aliases:
                spans += [(m.start(), m.end(), alias) for m in re.finditer(re.escape(alias), text)]
        chosen: list[tuple[int, int, str]] = []
        for start, end, alias in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if all(end <= a or start >= b for a, b, _ in chosen):
                chosen.append((start, end, alias))
        out: list[tuple[str, list[str]]] = []
        for _, _, alias in sorted(chosen):
            names = sorted(n for n, b in self.bodies.items() if alias in b.aliases)
            names = self._prefer_government(names, alias) if len(names) > 1 else names
            if all(names != seen for _, seen in out):
                out.append((alias, names))
        return out

    def _prefer_government(self, names: list[str], mention: str) -> list[str]:
        """A bare place (淮安市) means its people's government when that is stored."""
        governments = [n for n in names if n.endswith("人民政府") and self.bodies[n].place == mention]
        if len(governments) == 1:
            return governments
        governments = [n for n in names if n.endswith("人民政府") and _place(n).endswith(mention)]
        return governments if len(governments) == 1 else names

    def unknown_mention(self, text: str) -> str | None:
        """A body named in the question that is not stored (枣庄市人民政府), if any."""
        for match in MENTION.finditer(text):
            mention = match.group(0)
            if not any(mention in a or a in mention for b in self.bodies.values() for a in b.aliases if len(a) >= 3):
                return mention
        return None

    def name_of(self, stored_name: str) -> str:
        return self.canonical.get(stored_name, stored_name)
