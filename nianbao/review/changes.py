"""What changed between two years' reports of one body: every table cell whose value changed
(both cells, cited), the rates, and the sentences of the text added, removed or rewritten, part
by part (boilerplate left out).

The text is compared sentence by sentence within each standard part (``outline``): paragraph
breaks are not the report's own (an HTML page splits a heading from its paragraph, a text
export glues paragraphs), sentences are. Years are masked before comparing (2023年 and 2024年
in the same sentence is no change); a sentence of one year close enough to one of the other
(:data:`REWRITTEN`, rapidfuzz's ratio) is a rewrite, the rest are added or removed.

>>> found = changes(catalog, before_id, after_id)
>>> [(c.label, c.before.value, c.after.value, c.change) for c in found.largest][:1]
[('行政许可（本年处理决定数量）', 2629, 4529, 1900)]
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from rapidfuzz import fuzz

from nianbao.catalog import Catalog
from nianbao.keys import RATES, label_of
from nianbao.model import StoredCell, StoredReport
from nianbao.retrieval.figures import RateFigure
from nianbao.review.boilerplate import boilerplate, names_of, sentences, without_years
from nianbao.review.outline import STANDARD, parts

#: How alike (0–100) a removed and an added sentence must be to count as one sentence rewritten.
REWRITTEN = 60
#: How many of the changed cells the summary names.
LARGEST = 5
#: The totals a reader of two years' reports looks at first, whatever else moved more: 表三's
#: applications received and answered, 表四's cases, in the tables' order.
HEADLINE = (
    "t3.new_received.total",
    "t3.total_processed.total",
    "t4.review.total",
    "t4.suit_direct.total",
    "t4.suit_after_review.total",
)
#: The kinds of text change in Chinese.
KIND_WORDS = {"added": "新增", "removed": "删去", "rewritten": "改写"}
#: Money cells: a change in 万元 or 元 is not ranked against counts of cases.
MONEY = ("amount_10k_yuan", "amount_yuan")


@dataclass(frozen=True)
class CellChange:
    """A table cell in the two reports: ``before`` or ``after`` is None where that report has no
    such cell (a layout that changed); ``change`` is after minus before when both have a value."""

    key: str
    before: StoredCell | None
    after: StoredCell | None

    @property
    def label(self) -> str:
        """行政许可（本年处理决定数量）: the row and, unless it is 总计, the column."""
        row, column = label_of(self.key)
        return row if column == "总计" else f"{row}（{column}）"

    @property
    def change(self) -> float | int | None:
        a = self.before.value if self.before else None
        b = self.after.value if self.after else None
        if a is None or b is None:
            return None
        delta = round(b - a, 6)
        return int(delta) if float(delta).is_integer() else delta

    @property
    def money(self) -> bool:
        return self.key.endswith(MONEY)


@dataclass(frozen=True)
class TextChange:
    """A sentence added, removed or rewritten in one part of the text (``part``: its number 1–6,
    or 0 for the text before part 一), as each report wrote it ("" where it has none)."""

    part: int
    kind: Literal["added", "removed", "rewritten"]
    before: str
    after: str

    @property
    def part_title(self) -> str:
        return "前言" if self.part == 0 else f"{'一二三四五六'[self.part - 1]}、{STANDARD[self.part - 1]}"


@dataclass(frozen=True)
class RateChange:
    """One rate in both reports (None where a report lacks a figure it needs)."""

    name: str
    label: str
    before: RateFigure | None
    after: RateFigure | None

    @property
    def points(self) -> float | None:
        """The change in percentage points, when both have a value."""
        a = self.before.percent if self.before else None
        b = self.after.percent if self.after else None
        return None if a is None or b is None else round(b - a, 1)


@dataclass(frozen=True)
class Changes:
    """Two reports of one body, earlier first, and what changed between them."""

    before: StoredReport
    after: StoredReport
    cells: tuple[CellChange, ...]
    unchanged: int
    rates: tuple[RateChange, ...]
    text: tuple[TextChange, ...]
    boilerplate_left_out: int

    @property
    def largest(self) -> tuple[CellChange, ...]:
        """The cells that changed most, in cases, among each row's 总计 and table 2 (an applicant
        column would repeat its row's change); money cells after, ranked by their own size."""
        return self.largest_in()

    def headline(self, tables: Collection[str] = ()) -> tuple[CellChange, ...]:
        """The ``HEADLINE`` totals that changed (of these tables; every table when none)."""
        moved = {c.key: c for c in self.cells if c.change and c.key in HEADLINE}
        return tuple(moved[k] for k in HEADLINE if k in moved and (not tables or k.split(".")[0] in tables))

    def largest_in(self, tables: Collection[str] = ()) -> tuple[CellChange, ...]:
        """``largest`` among the cells of these tables (``t3``, ``t4``; every table when none)."""
        known = [
            c
            for c in self.cells
            if c.change
            and (c.key.startswith("t2.") or c.key.endswith(".total"))
            and (not tables or c.key.split(".")[0] in tables)
        ]
        counts = sorted((c for c in known if not c.money), key=lambda c: -abs(c.change or 0))
        money = sorted((c for c in known if c.money), key=lambda c: -abs(c.change or 0))
        return tuple(counts[:LARGEST] + money)

    def text_counts(self) -> dict[int, dict[str, int]]:
        """How many sentences each part added, removed and rewrote."""
        out: dict[int, dict[str, int]] = {}
        for t in self.text:
            kinds = out.setdefault(t.part, {"added": 0, "removed": 0, "rewritten": 0})
            kinds[t.kind] += 1
        return out


#: Changes already worked out, by the store, the two reports' ids and the current reports' ids
#: (ids are content hashes; what counts as boilerplate depends on every current report): a few.
_made: dict[tuple[str, str, str, frozenset[str]], Changes] = {}
_made_lock = threading.Lock()
#: How many pairs ``_made`` keeps.
KEPT = 16


def changes(catalog: Catalog, before_id: str, after_id: str) -> Changes | None:
    """What changed from one stored report to another (None when either is not stored); worked
    out once while the stored reports stay the same."""
    key = (str(catalog.engine.url), before_id, after_id, frozenset(r.meta.id for r in catalog.reports()))
    with _made_lock:
        if key in _made:
            return _made[key]
    found = _changes(catalog, before_id, after_id)
    if found is not None:
        with _made_lock:
            if len(_made) >= KEPT:
                _made.pop(next(iter(_made)))  # the oldest
            _made[key] = found
    return found


def _changes(catalog: Catalog, before_id: str, after_id: str) -> Changes | None:
    before, after = catalog.report(before_id), catalog.report(after_id)
    if before is None or after is None:
        return None
    cells, same = _cell_changes(before.cells, after.cells)
    rates = tuple(_rate_change(catalog, name, before_id, after_id) for name in RATES)
    text, left_out = _text_changes(catalog, before.report, after.report)
    return Changes(
        before.report,
        after.report,
        cells,
        same,
        tuple(r for r in rates if r.before or r.after),
        text,
        left_out,
    )


def _cell_changes(
    before: Sequence[StoredCell], after: Sequence[StoredCell]
) -> tuple[tuple[CellChange, ...], int]:
    """Every key whose value (or whose being there) differs, in table order; and how many agree."""
    old = {c.key: c for c in before}
    new = {c.key: c for c in after}
    keys = list(dict.fromkeys([*(c.key for c in after), *(c.key for c in before)]))
    changed = [
        CellChange(k, old.get(k), new.get(k)) for k in keys if _value(old.get(k)) != _value(new.get(k))
    ]
    return tuple(changed), len(keys) - len(changed)


def _value(cell: StoredCell | None) -> object:
    """What a cell compares by: its value, or what was written where it has none."""
    if cell is None:
        return ("absent",)
    return cell.value if cell.value is not None else ("blank", cell.as_written.strip())


def _rate_change(catalog: Catalog, name: str, before_id: str, after_id: str) -> RateChange:
    rate = RATES[name]
    found = {r.report_id: r for r in catalog.figures.rate([before_id, after_id], rate)}
    return RateChange(name, rate.label, found.get(before_id), found.get(after_id))


def _text_changes(
    catalog: Catalog, before: StoredReport, after: StoredReport
) -> tuple[tuple[TextChange, ...], int]:
    common = boilerplate(catalog)
    names = names_of(after.meta.body, catalog.aliases()) | {before.meta.body}
    old = _sentences_by_part(catalog, before.meta.id)
    new = _sentences_by_part(catalog, after.meta.id)
    out: list[TextChange] = []
    left_out = 0
    for part in sorted(set(old) | set(new)):
        a = [s for s in old.get(part, []) if not common.holds(s, names)]
        b = [s for s in new.get(part, []) if not common.holds(s, names)]
        left_out += len(old.get(part, [])) - len(a) + len(new.get(part, [])) - len(b)
        out += _compare(part, a, b)
    return tuple(out), left_out


def _sentences_by_part(catalog: Catalog, report_id: str) -> dict[int, list[str]]:
    """The report's sentences by standard part (0: before part 一; the tables' own headings and
    a part's heading left out)."""
    text, sections = catalog.text_with_sections(report_id)
    found = parts(text, sections)
    out: dict[int, list[str]] = {}
    first = found[0].start if found else len(text)
    out[0] = sentences(text[:first])
    for part in found:
        out.setdefault(part.number, []).extend(sentences(part.content(text)))
    return {k: v for k, v in out.items() if v}


def _compare(part: int, a: list[str], b: list[str]) -> list[TextChange]:
    """The sentences of one part: equal ones (years masked) skipped, the rest paired into rewrites
    where alike, else added or removed."""
    keys_a = [without_years(s) for s in a]
    keys_b = [without_years(s) for s in b]
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    still = set(keys_b)
    removed = [s for s in removed if without_years(s) not in still]  # moved, not removed
    gone = set(keys_a)
    added = [s for s in added if without_years(s) not in gone]
    out: list[TextChange] = []
    for old in removed:
        best = max(added, key=lambda new: fuzz.ratio(without_years(old), without_years(new)), default=None)
        if best is not None and fuzz.ratio(without_years(old), without_years(best)) >= REWRITTEN:
            added.remove(best)
            out.append(TextChange(part, "rewritten", old, best))
        else:
            out.append(TextChange(part, "removed", old, ""))
    out += [TextChange(part, "added", "", new) for new in added]
    return out


# --- words ----------------------------------------------------------------------------------


def number(value: float | int | None) -> str:
    """A stored value as text: every decimal kept, no exponent; （未填写） for none."""
    if value is None:
        return "（未填写）"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(int(value))


def signed(value: float | int | None) -> str:
    """A change with its sign: +137, -230; "" for none."""
    return "" if value is None else ("+" if value > 0 else "") + number(value)


def cell_text(cell: StoredCell | None) -> str:
    """What the figures table shows for a cell: its value, or what was written where it has
    none (（空白）, “/”); "" where the report has no such cell."""
    if cell is None:
        return ""
    if cell.value is None:
        return cell.as_written.strip() or "（空白）"
    return number(cell.value)


def _part_name(part: int) -> str:
    return "前言" if part == 0 else f"第{'一二三四五六'[part - 1]}部分"


def summary_line(ch: Changes) -> str:
    """有变化的单元格43个（未变157个）；变化最大：行政许可 2629→4529（+1900）…"""
    largest = "；".join(
        f"{c.label} {cell_text(c.before)}→{cell_text(c.after)}（{signed(c.change)}）" for c in ch.largest
    )
    counts = ch.text_counts()
    text = "，".join(
        _part_name(p) + "、".join(f"{KIND_WORDS[kind]}{n}句" for kind, n in kinds.items() if n)
        for p, kinds in sorted(counts.items())
    )
    line = f"有变化的单元格{len(ch.cells)}个（未变{ch.unchanged}个）"
    line += f"；变化最大：{largest}" if largest else ""
    line += f"。正文：{text}" if text else "。正文没有变化"
    if ch.boilerplate_left_out:
        line += f"（多数报告共有的套话{ch.boilerplate_left_out}句未列入）"
    return line + "。"
