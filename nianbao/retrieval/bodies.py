"""Resolve the names people use for a body to the bodies stored.

A body's name is read as places and a department (``places``: 淮安市, 洪泽区; ``departments``:
人民政府). A question names a body by its places (full, or short: 江西, 平潭) and a department
in any of its generated forms (人社厅, 发改委, 政府办), by a level word and a department
(省教育厅, 县政府, 市卫健委), by a department alone (科技厅), or by a bare place (淮安市: its
people's government when stored). Years are masked first, so 2022年省民政厅 reads 省民政厅.
A place one character off a stored one (平谭, 沭杨县) is offered as ``near``. A body named with
place and department that is not stored comes back with no stored body: the caller says which
bodies are stored. When a name fits several bodies the caller gets them all and asks; nothing
is picked silently.

>>> [m.exact for m in BodyResolver(["江西省科学技术厅"]).resolve("2022年江西科技厅")]
[('江西省科学技术厅',)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Hamming

from nianbao.retrieval.departments import (
    GOVERNMENT,
    OFFICE,
    department_forms,
    same_stem_other_kind,
    standard_forms,
)
from nianbao.retrieval.mentions import (
    ANY_DEPARTMENT,
    CJK,
    NOT_IN_NAMES,
    SUFFIX_CHARS,
    inside_name,
    is_word,
    mask_years,
    name_starts,
    unknown_name,
    word_bounds,
)
from nianbao.retrieval.names import same_body as same_body  # where it lives now, light to import
from nianbao.retrieval.places import LEVEL_WORDS, Divisions, Place, divisions


@dataclass(frozen=True)
class Mention:
    """A body's name as the question wrote it, with the stored bodies it names exactly and nearly.

    Both empty: the question names a body that is not stored (``BodyResolver.unknown_mention``).
    """

    text: str
    exact: tuple[str, ...]
    near: tuple[str, ...]


@dataclass(frozen=True)
class Body:
    """A stored body: its canonical name, the place chains of its stored names, its department
    (``""`` for a place named alone, like 平潭综合实验区) and the department's forms."""

    name: str
    chains: tuple[tuple[Place, ...], ...]
    department: str
    forms: frozenset[str]

    @property
    def kind(self) -> str:
        """government, office (its general office) or department."""
        if self.department in GOVERNMENT:
            return "government"
        return "office" if self.department in OFFICE else "department"

    @property
    def place(self) -> str:
        """The innermost place's name (洪泽区)."""
        chain = self.chains[0]
        return chain[-1].name if chain else ""

    @property
    def level(self) -> str:
        chain = self.chains[0]
        return chain[-1].level if chain else ""


@dataclass(frozen=True)
class _Written:
    """A place as the question writes it: its text, whether with its suffix, and the stored
    places it is one character off (a typo)."""

    text: str
    full: bool
    near_of: frozenset[str] = frozenset()


def canonical(names: Iterable[str]) -> dict[str, str]:
    """Map each stored name to one canonical name: a name that ends with another is the same body."""
    ordered = sorted(set(names), key=len, reverse=True)
    result: dict[str, str] = {}
    for name in ordered:
        longer = next((n for n in ordered if n != name and len(name) >= 4 and n.endswith(name)), None)
        result[name] = result.get(longer, longer) if longer else name
    return result


class BodyResolver:
    """Find the stored bodies a question names. The tables are built once per set of names."""

    def __init__(self, names: Iterable[str]) -> None:
        tables = _tables(frozenset(names))
        self.canonical = tables.canonical
        self.bodies = tables.bodies
        self._t = tables

    def name_of(self, stored_name: str) -> str:
        return self.canonical.get(stored_name, stored_name)

    def resolve(self, text: str) -> list[Mention]:
        """Each stored body mention in text order, with the stored bodies it names.

        ``exact`` bodies have the name as written; ``near`` bodies differ in one character
        of the place (沭阳县 and an OCR's 沐阳县) or in the kind of department (发改委 for a
        发改局): the caller uses them only when no exact body fits.
        """
        return [m for m in self.scan(text) if m.exact or m.near]

    def unknown_mention(self, text: str) -> str | None:
        """A body named in the question that is not stored (枣庄市人民政府), if any."""
        return next((m.text for m in self.scan(text) if not (m.exact or m.near)), None)

    def scan(self, text: str) -> list[Mention]:
        """Every body mention, stored or not, in text order."""
        return list(self._t.scan(text))

    def prefer_government(self, names: list[str], mention: str) -> list[str]:
        """A bare place (淮安市) means its people's government when that is stored."""
        governments = [n for n in names if self.bodies[n].kind == "government"]
        return governments if len(governments) == 1 else names

    def related(self, mention: str) -> list[str]:
        """The stored bodies, those sharing a place with the mention first (then by name)."""
        return self._t.related(mention)


def _unlisted_short(name: str, table: Divisions) -> set[str]:
    """Short names of a place: 江西省 → 江西; 平潭综合实验区 → 平潭 (a long unlisted name's
    first two characters); 沭阳县 → 沭阳."""
    short = table.short_of(name)
    if short == name:
        stem = name[:-1]
        short = stem if len(stem) >= 2 else name
    out = {short} if short != name else set()
    if len(short) > 3 and not table.by_name.get(name):
        out.add(short[:2])
    return out


class _Tables:
    """The lookup tables of one set of stored names."""

    def __init__(self, names: frozenset[str]) -> None:
        self.table = divisions()
        self.canonical = canonical(names)
        chains: dict[str, set[tuple[Place, ...]]] = {}
        departments: dict[str, str] = {}
        for stored, name in self.canonical.items():
            chain, department = self.table.chain(stored)
            chains.setdefault(name, set()).add(chain)
            departments.setdefault(name, department)
        self.bodies = {
            name: Body(
                name,
                tuple(sorted(chains[name], key=len, reverse=True)),
                departments[name],
                department_forms(departments[name]),
            )
            for name in sorted(chains)
        }
        self.places: dict[str, tuple[bool, str]] = {}  # written form → (with suffix, full name)
        for body in self.bodies.values():
            for chain in body.chains:
                for place in chain:
                    self.places[place.name] = (True, place.name)
                    for short in _unlisted_short(place.name, self.table):
                        self.places.setdefault(short, (False, place.name))
        self.department_words = {f for b in self.bodies.values() for f in b.forms if f} | set(
            standard_forms()
        )
        self.department_words |= {f for f in GOVERNMENT | OFFICE if f}
        self.bare_words = {
            f for b in self.bodies.values() if b.kind == "department" for f in b.forms if len(f) >= 3
        }
        self.longest_department = max((len(w) for w in self.department_words), default=0)
        sizes: dict[str, set[int]] = {}  # first character → the lengths of place names
        for name in (*self.places, *self.table.by_name, *self.table.by_short):
            sizes.setdefault(name[0], set()).add(len(name))
        self.sizes = {c: sorted(n, reverse=True) for c, n in sizes.items()}
        self.near_choices: dict[int, list[str]] = {}
        for written in self.places:
            self.near_choices.setdefault(len(written), []).append(written)
        self._cache: dict[str, tuple[Mention, ...]] = {}

    # --- reading the question --------------------------------------------------------------

    def scan(self, text: str) -> tuple[Mention, ...]:
        if text in self._cache:
            return self._cache[text]
        masked = mask_years(text)
        bounds = word_bounds(masked)
        out: list[Mention] = []
        i = 0
        while i < len(masked):
            found = self._at(text, masked, i, bounds, levels=not out)
            if found is None:
                i += 1
                continue
            mention, i = found
            if mention is not None and all((mention.exact, mention.near) != (m.exact, m.near) for m in out):
                out.append(mention)
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[text] = tuple(out)
        return self._cache[text]

    def _at(
        self, text: str, masked: str, i: int, bounds: set[int], levels: bool = True
    ) -> tuple[Mention | None, int] | None:
        """The mention starting at ``i`` and where it ends, or None. A place one character
        off is tried when the place as written names no stored body, and after a level word
        or a department (市科委 is no typo of 市中). A level word is read only in a question
        that has named no body before it (沭阳县…县政府网站 is 沭阳县's)."""
        if not CJK.match(masked[i]):
            return None
        read = self._read(text, masked, i, bounds, near=False)
        if read is not None:
            typo = self._read(text, masked, i, bounds, near=True)
            if not _stored(read[0]):
                return typo if typo is not None and _stored(typo[0]) else read
            if typo is not None and typo[1] == read[1] and read[0] is not None and typo[0] is not None:
                return _with_near(read[0], typo[0]), read[1]
            return read
        if levels and masked[i] in LEVEL_WORDS and not inside_name(masked, i, bounds):
            department, end = self._department_at(masked, i + 1, bounds, any_word=False)
            if department is not None and department not in ("", "办", "委", "局", "厅"):
                return self._at_level(text[i:end], masked[i], department), end
        for size in range(min(self.longest_department, len(masked) - i), 2, -1):
            word = masked[i : i + size]
            if word in self.bare_words and i in bounds and i + size in bounds:
                bodies = [b.name for b in self.bodies.values() if word in b.forms]
                return Mention(text[i : i + size], tuple(bodies), ()), i + size
        return self._read(text, masked, i, bounds, near=True) if i in bounds else None

    def _read(
        self, text: str, masked: str, i: int, bounds: set[int], near: bool
    ) -> tuple[Mention | None, int] | None:
        """Places from ``i`` and the department after them, if any (the first place one
        character off with ``near``)."""
        written, j = self._places_at(masked, i, bounds, near)
        if not written:
            return None
        k = j + 1 if masked.startswith("的", j) else j
        department, end = self._department_at(masked, k, bounds, any_word=True)
        mention = None if department is None else self._named(text[i:end], written, department)
        if not _stored(mention):
            typo = self._near_department(text, masked, i, k, written)
            if typo is not None:
                return typo
        if mention is None:
            return self._bare_place(text[i:j], written), j
        return mention, end

    def _near_department(
        self, text: str, masked: str, i: int, k: int, written: list[_Written]
    ) -> tuple[Mention, int] | None:
        """A department of the bodies of these places written one character off (政付办),
        not in its last character and not a word of its own."""
        found: dict[int, set[str]] = {}
        for body in self._at_places(written):
            for form in body.forms:
                window = masked[k : k + len(form)]
                if (
                    len(form) >= 3
                    and len(window) == len(form)
                    and window[-1] == form[-1]
                    and Hamming.distance(window, form) == 1
                    and CJK.match(window[0])
                    and not is_word(window)
                ):
                    found.setdefault(len(form), set()).add(body.name)
        if not found:
            return None
        size = max(found)
        return Mention(text[i : k + size], (), tuple(sorted(found[size]))), k + size

    def _places_at(
        self, masked: str, i: int, bounds: set[int], near: bool = False
    ) -> tuple[list[_Written], int]:
        """The places written one after another from ``i`` (淮安市洪泽区), and where they end;
        with ``near``, the first may be a stored place mistyped. Of the readings, the one that
        covers most (枣庄市中区 is 枣庄 + 市中区, not 枣庄市 + 中区)."""
        if near:
            first = self._near_place_at(masked, i)
            if first is None:
                return [], i
            rest, j = self._places_at(masked, i + len(first.text), bounds)
            return [first, *rest], max(j, i + len(first.text))
        best: tuple[list[_Written], int] = ([], i)
        for place in self._places_here(masked, i, bounds):
            rest, j = self._places_at(masked, i + len(place.text), bounds)
            if j > best[1]:
                best = ([place, *rest], j)
        return best

    def _places_here(self, masked: str, j: int, bounds: set[int]) -> list[_Written]:
        """The place names at ``j``, longest first: of the table, of the stored bodies (full or
        short), else a place the table does not list (白鹭县, 某省)."""
        out: list[_Written] = []
        for size in self.sizes.get(masked[j : j + 1], ()):
            if j + size > len(masked):
                continue
            word = masked[j : j + size]
            cut = j + size < len(masked) and masked[j + size] in SUFFIX_CHARS
            if cut and self._full_place_at(masked, j + size):
                cut = False  # 枣庄市中区: 枣庄 and 市中区 share the 市
                bounds = bounds | {j + size}
            if word in self.places and (self.places[word][0] or not cut):
                out.append(_Written(word, self.places[word][0]))
            elif word in self.table.by_name:
                out.append(_Written(word, True))
            elif word in self.table.by_short and not cut and j in bounds and j + size in bounds:
                out.append(_Written(word, False))
        if not out:
            unlisted = self.table.unlisted(masked, j, [])
            if unlisted and (j in bounds or unlisted.startswith("某")) and unknown_name(j, unlisted, bounds):
                out.append(_Written(unlisted, True))
        return out[:3]

    def _full_place_at(self, masked: str, k: int) -> bool:
        """Whether a full place name (of the table or stored) starts at ``k``."""
        return any(
            masked[k : k + n] in self.table.by_name or self.places.get(masked[k : k + n], (False,))[0]
            for n in self.sizes.get(masked[k : k + 1], ())
            if n >= 3 and k + n <= len(masked)
        )

    def _near_place_at(self, masked: str, j: int) -> _Written | None:
        """A stored place written one character off (平谭, 沭杨县), when it is no other word."""
        for size in sorted(self.near_choices, reverse=True):
            window = masked[j : j + size]
            if len(window) < size or not all(CJK.match(c) for c in window):
                continue
            if size == 2 and not (name_starts(masked, j) and self._name_follows(masked, j + size)):
                continue  # a two-character typo stands where a name does (平谭2024年), not 年报上留的
            found = {
                self.places[choice][1]
                for choice, _, _ in process.extract(
                    window, self.near_choices[size], scorer=Hamming.distance, score_cutoff=1, limit=None
                )
                if self._typo(window, choice)
            }
            if found:
                return _Written(
                    window, self.places[next(iter(found))][0] if len(found) == 1 else True, frozenset(found)
                )
        return None

    def _name_follows(self, masked: str, k: int) -> bool:
        """Whether a year (masked), a place suffix or a department follows at ``k``."""
        after = masked[k : k + 1]
        if after in ("", " ") or after.isdigit() or after in SUFFIX_CHARS:
            return bool(after)
        return any(masked[k : k + n] in self.department_words for n in range(2, 8))

    def _typo(self, window: str, choice: str) -> bool:
        """Whether ``window`` may be ``choice`` mistyped: one character off, not the suffix, and
        not a word or a real place of its own (unless the stored name is the odd one: 沐阳县)."""
        if window == choice:
            return False
        full, name = self.places[choice]
        if full and window[-1] != choice[-1]:
            return False
        if window in self.table.by_name or window in self.table.by_short:
            return name not in self.table.by_name
        return not is_word(window)

    def _department_at(self, masked: str, k: int, bounds: set[int], any_word: bool) -> tuple[str | None, int]:
        """The department named at ``k`` (a known form, else, ``any_word``, any department
        word) and where it ends; ``(None, k)`` when none."""
        for size in range(min(self.longest_department, len(masked) - k), 0, -1):
            word = masked[k : k + size]
            if word in self.department_words and k + size in bounds:
                return word, k + size
        if any_word:
            match = ANY_DEPARTMENT.match(masked, k)
            while match and not (match.end() in bounds and not NOT_IN_NAMES.search(match.group(0))):
                match = None
            if match:
                return match.group(0), match.end()
        return None, k

    # --- matching stored bodies ------------------------------------------------------------

    def _bare_place(self, text: str, written: list[_Written]) -> Mention | None:
        """淮安市, 平潭, 江西: every body of that place (the caller prefers its government)."""
        bodies = self._at_places(written)
        names = tuple(b.name for b in bodies)
        if names:
            near = any(w.near_of for w in written)
            return Mention(text, () if near else names, names if near else ())
        real = any(w.text in self.places or w.text in self.table.by_name or w.near_of for w in written)
        return Mention(text, (), ()) if real and len(text) >= 2 else None

    def _named(self, text: str, written: list[_Written], department: str) -> Mention:
        """Place and department: the bodies of that place with that department."""
        bodies = self._at_places(written)
        exact, near = _by_department(bodies, department)
        if any(w.near_of for w in written):
            exact, near = [], exact or near
        return Mention(text, tuple(exact), tuple(near))

    def _at_level(self, text: str, level: str, department: str) -> Mention:
        """省教育厅, 县政府: the bodies at that level with that department."""
        bodies = [b for b in self.bodies.values() if any(c and c[-1].level == level for c in b.chains)]
        exact, near = _by_department(bodies, department)
        return Mention(text, tuple(exact), tuple(near))

    def _at_places(self, written: list[_Written]) -> list[Body]:
        return [b for b in self.bodies.values() if any(self._fits(written, c) for c in b.chains)]

    def _fits(self, written: list[_Written], chain: tuple[Place, ...]) -> bool:
        """The innermost place written is the body's own; the others are in its chain or
        contain it (江苏省沭阳县 for 沭阳县发展和改革局)."""
        if not chain or not self._same(written[-1], chain[-1]):
            return False
        return all(
            any(self._same(w, p) for p in chain[:-1]) or self._encloses(w, chain[-1]) for w in written[:-1]
        )

    def _same(self, written: _Written, place: Place) -> bool:
        if written.near_of:
            return place.name in written.near_of
        if written.full:
            return written.text == place.name
        return written.text in _unlisted_short(place.name, self.table)

    def _encloses(self, written: _Written, place: Place) -> bool:
        table = self.table.by_name if written.full else self.table.by_short
        inner = self.table.by_name.get(place.name, [place])  # the stored name may be any 市中区
        return any(p.within(outer) for outer in table.get(written.text, []) for p in inner)

    def related(self, mention: str) -> list[str]:
        """Stored bodies, those sharing a place with the mention first (for 县卫健委, those
        at its level)."""
        masked = mask_years(mention)
        written, _ = self._places_at(masked, 0, word_bounds(masked))
        names = {w.text for w in written}
        shorts = {s for n in names for s in _unlisted_short(n, self.table)} | names
        level = mention[:1] if not written and mention[:1] in LEVEL_WORDS else ""

        def shares(body: Body) -> bool:
            if level:
                return body.level == level
            return any(
                p.name in names
                or shorts & _unlisted_short(p.name, self.table)
                or any(self._encloses(w, p) for w in written)  # 江苏省: 沭阳县, 淮安市…
                for c in body.chains
                for p in c
            )

        return sorted(self.bodies, key=lambda n: (not shares(self.bodies[n]), n))


def _with_near(mention: Mention, typo: Mention) -> Mention:
    """A stored place's mention with the bodies of a place one character off as ``near``
    (沭阳县: 沭阳县发展和改革局, and near, 沐阳县人民政府)."""
    near = tuple(n for n in (*mention.near, *typo.exact, *typo.near) if n not in mention.exact)
    return Mention(mention.text, mention.exact, tuple(dict.fromkeys(near)))


def _stored(mention: Mention | None) -> bool:
    return mention is not None and bool(mention.exact or mention.near)


def _by_department(bodies: list[Body], department: str) -> tuple[list[str], list[str]]:
    """The bodies with that department (exact) and those with it under another kind (near).

    政府 names a people's government, else its general office (上海市政府 → 上海市人民政府办公厅);
    政府办 a general office, else (near) the government.
    """
    if department in GOVERNMENT:
        exact = [b.name for b in bodies if b.kind == "government"]
        return exact or [b.name for b in bodies if b.kind == "office"], []
    if department in OFFICE:
        exact = [b.name for b in bodies if b.kind == "office"]
        return exact, [] if exact else [b.name for b in bodies if b.kind == "government"]
    exact = [b.name for b in bodies if department in b.forms]
    near = [b.name for b in bodies if any(same_stem_other_kind(department, f) for f in b.forms)]
    return exact, [] if exact else near


@lru_cache(maxsize=8)
def _tables(names: frozenset[str]) -> _Tables:
    return _Tables(names)
