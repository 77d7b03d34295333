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
    r"|(?<![全本该各我此])[\u4e00-\u9fff]{2,4}(?:省|市|区|县)(?![\u4e00-\u9fff]*(?:局|委|厅|办))"
)


@dataclass(frozen=True)
class Mention:
    """A body's name as the question wrote it, with the stored bodies it names exactly and nearly."""

    text: str
    exact: tuple[str, ...]
    near: tuple[str, ...]


@dataclass(frozen=True)
class Body:
    """A stored body: its canonical name, its place, and the short names people use for it."""

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


def same_body(a: str, b: str) -> bool:
    """洪泽区人民政府 and 淮安市洪泽区人民政府 are one body: one name ends with the other."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))


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
    city = re.match(r"^[\u4e00-\u9fff]{2,3}市(?=[\u4e00-\u9fff]{2,})", name)
    if city and not outer:  # 上海市科委 is 市科委 in its own city's words
        found |= {
            "市" + a[city.end() :]
            for a in set(found)
            if a.startswith(city.group(0)) and len(a) > city.end() + 1 and not a.endswith("政府")
        }
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
            name: Body(name, _place(name), frozenset(aliases(name))) for name in set(self.canonical.values())
        }
        for stored, name in self.canonical.items():
            body = self.bodies[name]
            self.bodies[name] = Body(name, body.place, body.aliases | aliases(stored))

    def resolve(self, text: str) -> list[Mention]:
        """Each body mention in text order, with the stored bodies it names.

        ``exact`` bodies have the name as written; ``near`` bodies differ in one character
        that is not the place suffix (沭阳县 and an OCR's 沐阳县): the caller uses them only
        when no exact body fits.
        """
        spans = [
            (m.start(), m.end(), name, exact)
            for name, body in self.bodies.items()
            for alias in body.aliases
            for m, exact in _matches(alias, text)
        ]
        chosen: list[tuple[int, int]] = []
        for start, end, _, _ in sorted(spans, key=lambda s: (s[0] - s[1], not s[3], s[0])):
            if all(end <= a or start >= b for a, b in chosen):
                chosen.append((start, end))
        out: list[Mention] = []
        for start, end in sorted(chosen):
            here = [(n, exact) for a, b, n, exact in spans if (a, b) == (start, end)]
            exact_names = tuple(sorted({n for n, e in here if e}))
            near = tuple(sorted({n for n, e in here if not e} - set(exact_names)))
            if all((exact_names, near) != (m.exact, m.near) for m in out):
                out.append(Mention(text[start:end], exact_names, near))
        return out

    def prefer_government(self, names: list[str], mention: str) -> list[str]:
        """A bare place (淮安市) means its people's government when that is stored."""
        governments = [n for n in names if n.endswith("人民政府") and _alike(self.bodies[n].place, mention)]
        if len(governments) == 1:
            return governments
        governments = [
            n for n in names if n.endswith("人民政府") and _alike(_place(n)[-len(mention) :], mention)
        ]
        return governments if len(governments) == 1 else names

    def unknown_mention(self, text: str) -> str | None:
        """A body named in the question that is not stored (枣庄市人民政府), if any."""
        for match in MENTION.finditer(text):
            mention = match.group(0)
            if not any(
                mention in a or a in mention for b in self.bodies.values() for a in b.aliases if len(a) >= 3
            ):
                return mention
        return None

    def name_of(self, stored_name: str) -> str:
        return self.canonical.get(stored_name, stored_name)


_ADMIN_CHARS = "省市区县州"


def _matches(alias: str, text: str) -> list[tuple[re.Match[str], bool]]:
    """Occurrences of an alias: exact (True), or with one character changed before its last."""
    found = [m for m in re.finditer(re.escape(alias), text) if not _cut_place(alias, text, m.end())]
    if len(alias) < 3 or alias[0] == "市" or (len(alias) == 3 and alias[-1] not in _ADMIN_CHARS):
        return [(m, True) for m in found]
    variants = "|".join(
        re.escape(alias[:i]) + "[^" + re.escape(alias[i]) + "]" + re.escape(alias[i + 1 :])
        for i in range(len(alias) - 1)
    )
    near = [m for m in re.finditer(variants, text) if "\u4e00" <= m.group(0)[0] <= "\u9fff"]
    return [(m, True) for m in found] + [(m, False) for m in near]


def _cut_place(alias: str, text: str, end: int) -> bool:
    """淮安 inside 淮安区 names another place: a bare stem followed by a place suffix."""
    return alias[-1] not in _ADMIN_CHARS and end < len(text) and text[end] in _ADMIN_CHARS


def _alike(a: str, b: str) -> bool:
    """Equal, or of one length and one character apart."""
    return a == b or (len(a) == len(b) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1)
