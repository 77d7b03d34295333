"""Recover single cells from digit strings that web text glued together (``行政规范性文件6233440``).

A flat row gives its numbers as one run of digits. Where the digits may be cut is constrained only
by the arithmetic of report-format.md: in table 3 every row's parts add up to its 总计 and every
column balances (一 + 二 = （七）总计 + 四; （七）总计 = the sum of the result rows); in table 4 each
group's four results add up to its 总计. We enumerate every cut the rules allow and keep a value
only when all of them agree on it. Where several cuts satisfy every rule the row is reported as
ambiguous with its candidates: this module never guesses.

Written spaces and minus signs are kept in the digit string: a space always separates two cells
(``"230 000023"``), a minus sign starts one (``"2648-18538"``, 本年增/减 of the 2019 layout).

>>> split_row("000", 3)
[[0, 0, 0]]
>>> split_t4("000000000000000").values["review"]
(0, 0, 0, 0, 0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from nianbao.ingest import labels
from nianbao.keys import (
    BALANCES,
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T3_COLUMNS,
    T3_OTHER_SUBROWS,
    T3_RESULT_ROWS,
    T4_COLUMNS,
    T4_ROWS,
)
from nianbao.model import Table

Number = int | float
Values = tuple[Number, ...]

#: Stop enumerating table 3 after this many complete solutions or search steps; every row that
#: is not fixed by its own digits is then reported as ambiguous.
MAX_SOLUTIONS = 2_000
MAX_STEPS = 2_000_000
#: No report figure has more digits than this; a longer run is text glued together (and Python
#: refuses to convert a number of over 4,300 digits).
MAX_CELL_DIGITS = 15
#: A digit string with more cuts than this is left unsplit: listing them would take minutes
#: (sixty digits into fifteen cells have ~10^13 cuts), and no rule could choose among so many.
MAX_CUTS = 100_000

_FRAME = BALANCES["t3.column_balance"].terms
_PIECE = re.compile(r"-?(?:0|[1-9]\d*)")


@dataclass(frozen=True)
class FlatSplit:
    """The cells recovered from one flat table, keyed by canonical row key (``new_received``).

    ``values``: rows whose split is unique, their numbers in the order of ``columns[row]``.
    ``ambiguous``: rows that several rule-abiding splits disagree on, with every candidate.
    ``unsplit``: rows whose digits allow no split at all (garbled text, a report that breaks
    the row rule in a way the digits cannot show, or more than ``MAX_CUTS`` cuts to list), with
    the digits as written.
    ``warnings``: what else the caller should report (unknown labels, rules no split satisfies).
    ``blank``: rows the report left blank (their label stands without digits).
    """

    table: str
    values: Mapping[str, Values] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[Values, ...]] = field(default_factory=dict)
    unsplit: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    blank: tuple[str, ...] = ()


# --- cutting one digit string --------------------------------------------------------------


def split_row(digits: str, n: int) -> list[list[int]]:
    """Every way to cut ``digits`` into ``n`` integers without leading zeros.

    ``"0"`` alone is a cell, ``"05"`` is not. A space is a cut that must be made; a ``-`` starts
    a negative cell. Anything else in the string (a decimal point, a letter) allows no cut, and
    so does a string with more than ``MAX_CUTS`` cuts or a cell of over ``MAX_CELL_DIGITS``.

    >>> split_row("1020", 3)
    [[1, 0, 20], [10, 2, 0]]
    >>> split_row("35-15", 2)
    [[35, -15]]
    """
    text = " ".join(digits.split())
    if n < 1 or not text or not re.fullmatch(r"[-\d ]+", text) or _count(text, n) > MAX_CUTS:
        return []
    return [list(cut) for cut in _cuts(text, n)]


@lru_cache(maxsize=4096)
def _cuts(text: str, n: int) -> tuple[tuple[int, ...], ...]:
    """All cuts of ``text`` (digits, single spaces, minus signs) into ``n`` pieces."""
    if not text:
        return ((),) if n == 0 else ()
    if text[0] == " ":
        return _cuts(text[1:], n)
    if n == 0:
        return ()
    found: list[tuple[int, ...]] = []
    for end, value in _first_cells(text):
        found.extend((value, *rest) for rest in _cuts(text[end:], n - 1))
    return tuple(found)


@lru_cache(maxsize=4096)
def _count(text: str, n: int) -> int:
    """How many cuts ``_cuts`` would list, counted without listing them."""
    if not text:
        return 1 if n == 0 else 0
    if text[0] == " ":
        return _count(text[1:], n)
    if n == 0:
        return 0
    return sum(_count(text[end:], n - 1) for end, _ in _first_cells(text))


def _first_cells(text: str) -> Iterator[tuple[int, int]]:
    """``(end, value)`` of each cell ``text`` may begin with."""
    for end in range(1, len(text) + 1):
        piece = text[:end]
        if len(piece.lstrip("-")) > MAX_CELL_DIGITS:
            break
        if not _PIECE.fullmatch(piece) or piece == "-0":
            if " " in piece or (end > 1 and "-" in piece[1:]):
                break
            continue
        yield end, int(piece)


def _split_number_row(digits: str, n: int) -> list[Values]:
    """Like ``split_row`` but the last cell may be a decimal (``"13575394432.52"``) or carry 元."""
    text = digits.strip().removesuffix("元").strip()
    if "." not in text:
        return [tuple(cut) for cut in split_row(text, n)]
    head, _, fraction = text.rpartition(".")
    if not fraction.isdigit() or "." in head:
        return []
    out: list[Values] = []
    for cut in split_row(head, n):
        out.append((*cut[:-1], float(f"{cut[-1]}.{fraction}")))
    return out


# --- table 3 ---------------------------------------------------------------------------------


def _t3_candidates(digits: str) -> tuple[list[Values], bool]:
    """The row's splits whose six parts add up to its total; (candidates, rule broken)."""
    cuts = split_row(digits, 7)
    ok: list[Values] = [tuple(c) for c in cuts if sum(c[:6]) == c[6]]
    if not ok and len(cuts) == 1:
        return [tuple(cuts[0])], True  # forced by the digits alone; the row breaks its own rule
    return ok, False


def split_t3(rows: Iterable[tuple[str, str]], blanks: bool = False) -> FlatSplit:
    """Split the flat rows ``(label, digits)`` of table 3; header rows (no digits) are skipped,
    rows whose label names a row but has no digits are blank rows.

    ``blanks``: the report leaves cells blank, which glued digits do not show: no row is cut,
    except a row of seven zeros (no cut with a blank cell spells ``0000000``)."""
    rows = list(rows)
    blank = _blank_t3_rows(rows)
    if blanks:
        return _uncut("t3", rows, tuple(T3_COLUMNS), blank)
    candidates, unsplit, warnings = _keyed_candidates(rows)
    result_rows = [k for k in T3_RESULT_ROWS if k in candidates]
    if any(k in candidates for k in T3_OTHER_SUBROWS):
        result_rows = [k for k in result_rows if k != "other_total"]
    solutions, complete = _solve_t3(candidates, result_rows)
    if not all(k in candidates for k in _FRAME) or not result_rows:
        warnings.append("表三: a frame row (一, 二, （七）总计 or 四) is missing; only row totals were used")
    elif not solutions:
        warnings.append("表三: no split of the rows balances every column; only row totals were used")
    if not complete:
        warnings.append(f"表三: more than {MAX_SOLUTIONS} balanced splits; rows left ambiguous")
    if not solutions or not complete:
        solutions = [{}]  # fall back to what each row's own digits fix
    values, ambiguous = _agreement(candidates, solutions)
    columns = {k: tuple(T3_COLUMNS) for k in (*values, *ambiguous, *unsplit, *blank)}
    return FlatSplit("t3", values, ambiguous, unsplit, columns, tuple(warnings), blank)


def _blank_t3_rows(rows: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Rows whose numbered label (一、 （一） 1.) stands without digits; header text has no
    number."""
    keyed = (
        labels.t3_row_key(label)
        for label, digits in rows
        if not digits.strip() and labels.strip_numbering(label) != labels.normalise(label)
    )
    return tuple(dict.fromkeys(k for k in keyed if k is not None))


def _uncut(
    table: str, rows: Sequence[tuple[str, str]], width: tuple[str, ...], blank: tuple[str, ...]
) -> FlatSplit:
    """Table 3's rows when blanks may hide in the digits: only all-zero rows are certain."""
    values: dict[str, Values] = {}
    unsplit: dict[str, str] = {}
    for label, digits in rows:
        key = labels.t3_row_key(label) if digits.strip() else None
        if key is None or key in values or key in unsplit:
            continue
        if digits.replace(" ", "") == "0" * len(width):
            values[key] = (0,) * len(width)
        else:
            unsplit[key] = digits
    columns = {k: width for k in (*values, *unsplit, *blank)}
    note = f"{_NAMES[table]}: the report leaves cells blank, which glued digits do not show; rows not cut"
    return FlatSplit(table, values, {}, unsplit, columns, (note,), blank)


def _keyed_candidates(
    rows: Iterable[tuple[str, str]],
) -> tuple[dict[str, list[Values]], dict[str, str], list[str]]:
    candidates: dict[str, list[Values]] = {}
    unsplit: dict[str, str] = {}
    warnings: list[str] = []
    for label, digits in rows:
        if not digits.strip():
            continue
        key = labels.t3_row_key(label)
        if key is None:
            warnings.append(f"表三: no row key for label {label!r} (digits {digits!r})")
            continue
        if key in candidates or key in unsplit:
            warnings.append(f"表三: second row for {key} ({label!r}) ignored")
            continue
        found, broken = _t3_candidates(digits)
        if not found:
            unsplit[key] = digits
        else:
            candidates[key] = found
            if broken:
                warnings.append(f"表三 {key}: {digits!r} only splits as {found[0]}, parts ≠ total")
    return candidates, unsplit, warnings


def _solve_t3(candidates: Mapping[str, list[Values]], result_rows: Sequence[str]) -> tuple[list[dict], bool]:
    """Every choice of one candidate per row that satisfies both column rules.

    Returns the solutions found and whether the enumeration finished within its limits.
    """
    if not all(k in candidates for k in _FRAME) or not result_rows:
        return [], True
    state = _Search(candidates, sorted(result_rows, key=lambda k: len(candidates[k])))
    frames = [candidates[k] for k in _FRAME]
    for new, over, total, forward in product(*frames):
        if any(a + b != c + d for a, b, c, d in zip(new, over, total, forward, strict=True)):
            continue
        chosen = dict(zip(_FRAME, (new, over, total, forward), strict=True))
        if not state.run(chosen, list(total)):
            return state.solutions, False
    return state.solutions, True


class _Search:
    """Depth-first search over the result rows, pruning when a column overshoots （七）总计."""

    def __init__(self, candidates: Mapping[str, list[Values]], order: Sequence[str]) -> None:
        self.candidates = candidates
        self.order = order
        self.solutions: list[dict[str, Values]] = []
        self.steps = 0

    def run(self, chosen: dict[str, Values], remaining: list[Number]) -> bool:
        """Extend ``chosen``; False when a limit was hit."""
        return self._visit(0, chosen, remaining)

    def _visit(self, depth: int, chosen: dict[str, Values], remaining: list[Number]) -> bool:
        self.steps += 1
        if self.steps > MAX_STEPS or len(self.solutions) > MAX_SOLUTIONS:
            return False
        if depth == len(self.order):
            if not any(remaining):
                self.solutions.append(dict(chosen))
            return True
        key = self.order[depth]
        for cand in self.candidates[key]:
            left = [r - v for r, v in zip(remaining, cand, strict=True)]
            if min(left) < 0:
                continue
            chosen[key] = cand
            if not self._visit(depth + 1, chosen, left):
                return False
            del chosen[key]
        return True


def _agreement(
    candidates: Mapping[str, list[Values]], solutions: list[dict[str, Values]]
) -> tuple[dict[str, Values], dict[str, tuple[Values, ...]]]:
    """A row is fixed when every solution gives it the same values (rows outside the solutions
    fall back to their own candidates)."""
    values: dict[str, Values] = {}
    ambiguous: dict[str, tuple[Values, ...]] = {}
    for key, own in candidates.items():
        seen = list(dict.fromkeys(s[key] for s in solutions if key in s)) or own
        if len(seen) == 1:
            values[key] = seen[0]
        else:
            ambiguous[key] = tuple(seen)
    return values, ambiguous


# --- table 4 ---------------------------------------------------------------------------------


def split_t4(digits: str, blanks: bool = False) -> FlatSplit:
    """Split table 4's fifteen numbers: three groups of 结果维持/纠正/其他/尚未审结/总计.

    ``blanks``: the report leaves cells blank; only fifteen zeros are certain."""
    groups = tuple(T4_ROWS)
    columns = {g: tuple(T4_COLUMNS) for g in groups}
    if blanks and digits.replace(" ", "") != "0" * 15:
        note = f"{_NAMES['t4']}: the report leaves cells blank, which glued digits do not show; not cut"
        return FlatSplit("t4", unsplit={g: digits for g in groups}, columns=columns, warnings=(note,))
    cuts = split_row(digits, 15)
    good = [c for c in cuts if all(sum(c[i : i + 4]) == c[i + 4] for i in (0, 5, 10))]
    warnings: list[str] = []
    if not good and len(cuts) == 1:
        good = cuts
        warnings.append(f"表四: {digits!r} only splits as {cuts[0]}, whose groups miss their totals")
    if not good:
        return FlatSplit("t4", unsplit={g: digits for g in groups}, columns=columns, warnings=tuple(warnings))
    solutions: list[dict[str, Values]] = [
        {g: tuple(c[5 * i : 5 * i + 5]) for i, g in enumerate(groups)} for c in good
    ]
    own: dict[str, list[Values]] = {g: [s[g] for s in solutions] for g in groups}
    values, ambiguous = _agreement(own, solutions)
    return FlatSplit("t4", values, ambiguous, {}, columns, tuple(warnings))


# --- table 2 ---------------------------------------------------------------------------------


def split_t2(rows: Iterable[tuple[str, str]], blanks: bool = False) -> FlatSplit:
    """Split table 2's rows. No arithmetic links its cells, so a split is unique only when the
    digits force it (``"000"``, or as many digits as cells); single-value rows take the whole
    string. The 2019 layout (本年新制作数量, 上一年项目数量…) is recognised from its header text.

    ``blanks``: the report leaves cells blank; a row of several cells is cut only when it is
    all zeros."""
    rows = list(rows)
    header = "".join(label for label, _ in rows)
    layout = T2_COLUMNS_2019 if ("新制作" in header or "上一年项目" in header) else T2_COLUMNS_2021
    values: dict[str, Values] = {}
    ambiguous: dict[str, tuple[Values, ...]] = {}
    unsplit: dict[str, str] = {}
    columns: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []
    for label, digits in rows:
        key = labels.t2_row_key(label) if digits.strip() else None
        if key is None or key in columns:
            if digits.strip():
                warnings.append(f"表二: row {label!r} ({digits!r}) not used")
            continue
        columns[key] = layout.get(key) or T2_COLUMNS_2019.get(key, ())
        if blanks and len(columns[key]) > 1 and digits.replace(" ", "") != "0" * len(columns[key]):
            unsplit[key] = digits
            continue
        found = _split_number_row(digits, len(columns[key]))
        if len(found) == 1:
            values[key] = found[0]
        elif found:
            ambiguous[key] = tuple(found)
        else:
            unsplit[key] = digits
    return FlatSplit("t2", values, ambiguous, unsplit, columns, tuple(warnings))


# --- a whole flat table ----------------------------------------------------------------------


def flat_table_kind(table: Table) -> str | None:
    """``t2``, ``t3`` or ``t4`` for a flat table, from its labels; None when it cannot tell."""
    text = labels.normalise("".join(label for label, *_ in table.rows))
    if "新收" in text or "上年结转" in text or "予以公开" in text:
        return "t3"
    if "行政复议" in text and ("维持" in text or "起诉" in text):
        return "t4"
    if "第二十条" in text or "规章" in text or "行政许可" in text:
        return "t2"
    return None


def split_table(table: Table, blanks: bool = False) -> FlatSplit | None:
    """Split a ``Table(flat=True)`` whichever standard table it is; None for other tables.

    ``blanks``: the report is known to leave cells blank (``leaves_blanks`` of any of its flat
    tables), so digit strings are cut only where no blank can hide in them."""
    rows = _rows(table)
    kind = flat_table_kind(table)
    if kind == "t3":
        return split_t3(rows, blanks)
    if kind == "t2":
        return split_t2(rows, blanks)
    if kind == "t4":
        digits = [d for _, d in rows if d.strip()]
        if len(digits) != 1:
            return FlatSplit("t4", warnings=(f"表四: expected one digit string, found {len(digits)}",))
        return split_t4(digits[0], blanks)
    return None


def _rows(table: Table) -> list[tuple[str, str]]:
    return [(row[0], row[1] if len(row) > 1 else "") for row in table.rows if row]


def leaves_blanks(table: Table) -> bool:
    """True when a flat table shows that its report leaves cells blank: a table 3 row whose
    label stands without digits, or a row with fewer digits than cells."""
    kind = flat_table_kind(table)
    rows = _rows(table)
    if kind == "t3":
        return bool(_blank_t3_rows(rows)) or any(
            _digit_count(d) < len(T3_COLUMNS) for label, d in rows if d.strip() and labels.t3_row_key(label)
        )
    if kind == "t4":
        return any(0 < _digit_count(d) < 15 for _, d in rows)
    if kind == "t2":
        return any(0 < _digit_count(d) < 3 and labels.t2_row_key(label) in _T2_WIDE for label, d in rows)
    return False


def _digit_count(digits: str) -> int:
    return sum(ch.isdigit() for ch in digits.split(".")[0])


#: Table 2 rows of three cells in both layouts.
_T2_WIDE = frozenset({"rules", "normative_docs"})
_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
