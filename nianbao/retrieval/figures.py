"""The figures tool: typed operations over stored cells, with the arithmetic in code.

A metric is a canonical key (``t3.new_received.total``) or a group the reports do not print as
one cell (``t3.denied.total`` = every （三）不予公开 row; ``t4.suit.total`` = both kinds of
lawsuit; ``t3.new_received.org`` = the five 法人或其他组织 columns). Every value comes back with
the cells it was read from, so the answer can cite each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from nianbao import store
from nianbao.ingest.labels import strip_numbering
from nianbao.keys import (
    ROW_GROUPS,
    SMALL_SAMPLE,
    T3_APPLICANT_COLUMNS,
    T3_COLUMN_GROUPS,
    T3_COLUMNS,
    T3_OTHER_SUBROWS,
    T3_RESULT_ROWS,
    T3_ROWS,
    T4_RESULT_COLUMNS,
    T4_ROWS,
    TABLE_COLUMNS,
    Rate,
    label_of,
    row_heading,
)
from nianbao.model import StoredCell

_ORG = T3_COLUMN_GROUPS["org"]


@dataclass(frozen=True)
class Figure:
    """A metric's value in one report, and the cells it was read or added up from."""

    report_id: str
    source: str
    body: str
    year: int | None
    metric: str
    label: str
    value: float | int | None
    cells: tuple[StoredCell, ...]
    summed: bool

    def as_row(self) -> dict:
        return {
            "source": self.source,
            "body": self.body,
            "year": self.year,
            "key": self.metric,
            "label": self.label,
            "value": self.value,
            "cells": [c.key for c in self.cells],
        }


#: Row names that read well in a sentence where the table's own label does not.
_SPOKEN_ROWS = {
    "t3.new_received": "新收政府信息公开申请",
    "t3.carried_over": "上年结转的申请",
    "t3.total_processed": "办理结果总计（办结）",
    "t3.carried_forward": "结转下年度继续办理的申请",
    "t4.suit_direct": "未经复议直接起诉的行政诉讼",
    "t4.suit_after_review": "复议后起诉的行政诉讼",
}
_T2_ONE_COLUMN = {"decisions", "amount_10k_yuan"}


def _spoken(table: str, row: str) -> str | None:
    """无法提供（本机关不掌握相关政府信息）: a sub-row named with its group."""
    heading = row_heading(table, row)
    if heading is None:
        return None
    return f"{strip_numbering(heading)}（{strip_numbering(T3_ROWS[row].split(' ')[-1])}）"


def metric_label(metric: str) -> str:
    """Chinese words for a metric: ``t3.new_received.natural_person`` → 新收政府信息公开申请（自然人）."""
    table, row, column = metric.split(".")
    group = f"{table}.{row}"
    named = ROW_GROUPS.get(group)
    row_label = _SPOKEN_ROWS.get(group) or (named.label if named else None) or _spoken(table, row)
    if row_label is None:
        row_label = strip_numbering(
            label_of(f"{table}.{row}.total" if table != "t2" else metric)[0].split(" ")[-1]
        )
    if column == "org":
        return f"{row_label}（{_ORG.label}）"
    if column == "total" or (table == "t2" and column in _T2_ONE_COLUMN):
        return row_label
    return f"{row_label}（{TABLE_COLUMNS[table].get(column, column)}）"


def concrete_keys(metric: str, present: set[str]) -> list[str]:
    """The stored keys a metric adds up, given the keys a report has."""
    table, row, column = metric.split(".")
    columns = list(_ORG.columns) if column == "org" else [column]
    rows = list(_rows_of(f"{table}.{row}"))
    if f"{table}.{row}" == "t3.other" and not any(k.startswith("t3.other_total.") for k in present):
        rows = list(T3_OTHER_SUBROWS)
    return [f"{table}.{r}.{c}" for r in rows for c in columns]


class FiguresTool:
    """Read figures from the store. ``report_ids`` come from body and year resolution;
    ``engine`` is what the Catalog reads with (an SQLAlchemy engine or ``store.lite.LiteStore``)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def cells(self, report_ids: Sequence[str], keys: Iterable[str] | None = None) -> list[StoredCell]:
        """The stored cells of these reports (only ``keys``, when given), in table order."""
        with self.engine.connect() as conn:
            return store.stored_cells(conn, report_ids, keys)

    def get(self, report_ids: Sequence[str], metric: str) -> list[Figure]:
        """The metric in each report, in the order of ``report_ids``."""
        by_report: dict[str, list[StoredCell]] = {}
        for ref in self.cells(report_ids, _candidate_keys(metric)):
            by_report.setdefault(ref.report_id, []).append(ref)
        figures = []
        for report_id in report_ids:
            refs = by_report.get(report_id, [])
            figure = _figure(metric, refs)
            if figure:
                figures.append(figure)
        return figures

    def compare(self, report_ids: Sequence[str], metric: str) -> tuple[list[Figure], float | None]:
        """The metric in two or more reports, and last minus first (None when a value is missing)."""
        figures = self.get(report_ids, metric)
        values = [f.value for f in figures]
        if len(figures) < 2 or any(v is None for v in values):
            return figures, None
        return figures, _tidy(values[-1] - values[0])  # type: ignore[operator]  # None ruled out above

    def total(self, report_ids: Sequence[str], metric: str) -> tuple[list[Figure], float | None]:
        figures = self.get(report_ids, metric)
        if not figures or any(f.value is None for f in figures):
            return figures, None
        return figures, _tidy(sum(f.value for f in figures))  # type: ignore[misc]  # None ruled out above

    def rank(self, report_ids: Sequence[str], metric: str, descending: bool = True) -> list[Figure]:
        figures = [f for f in self.get(report_ids, metric) if f.value is not None]
        return sorted(figures, key=lambda f: f.value, reverse=descending)  # type: ignore[arg-type, return-value]  # None filtered out

    def trend(self, report_ids: Sequence[str], metric: str) -> list[Figure]:
        return sorted(self.get(report_ids, metric), key=lambda f: f.year or 0)

    def rate(self, report_ids: Sequence[str], rate: Rate) -> list[RateFigure]:
        """The rate in each report (in the order of ``report_ids``) with every figure it used.

        A report lacking one of the rate's terms is left out; one whose denominator is 0 comes
        back with ``value`` None.

        >>> [r.formula for r in tool.rate([pingtan_2024], RATES["review_correction"])]
        ['结果纠正1 ÷ 总计7 = 14.3%']
        """
        terms = {m: {f.report_id: f for f in self.get(report_ids, m)} for m in rate_terms(rate)}
        out = []
        for report_id in report_ids:
            numerator = tuple(terms[m].get(report_id) for m in rate.numerator)
            denominator = tuple(terms[m].get(report_id) for m in rate.denominator)
            if all(f is not None for f in (*numerator, *denominator)):
                recounted = tuple(self._recount(f) for f in denominator)  # type: ignore[arg-type]  # no term is None here
                printed = tuple(f for f, r in zip(denominator, recounted, strict=True) if r is not f)
                out.append(RateFigure(rate, numerator, recounted, printed))  # type: ignore[arg-type]  # no term is None here
        return out

    def _recount(self, total: Figure) -> Figure:
        """A rate's denominator as the sum of its parts when the printed total disagrees with them
        (洪泽 2023 表四 行政复议: 总计 0, but 维持10 + 纠正1 = 11): the rate is taken over what the
        report shows case by case, the numerator being one of those parts, and the printed total is
        kept beside it (``RateFigure.printed``). Any other figure comes back as it is."""
        metrics = parts_of(total.metric)
        if total.value is None or total.summed or not metrics:
            return total
        parts = [next(iter(self.get([total.report_id], m)), None) for m in metrics]
        if any(p is None or p.value is None for p in parts):
            return total
        value = _tidy(sum(p.value for p in parts))  # type: ignore[misc, union-attr]  # None ruled out above
        if value == total.value:
            return total
        cells = tuple(c for p in parts for c in p.cells)  # type: ignore[union-attr]  # None ruled out above
        return replace(total, value=value, cells=cells, summed=True)


def share_of(metric: str) -> Rate | None:
    """The rate a figure is a share of: an applicant column of its row's 总计 (自然人 217 of 新收
    218), a result row of （七）办理结果总计, a table-4 result of its row's 总计. None for a figure
    that is no part of a total (新收, 结转下年度)."""
    table, row, column = metric.split(".")
    if column not in ("total",) and (table == "t3" or table == "t4"):
        whole = f"{table}.{row}.total"
    elif table == "t3" and _is_result(row):
        whole = "t3.total_processed.total"
    else:
        return None
    return Rate("share", f"{metric_label(metric)}占比", (metric,), (whole,))


def _is_result(row: str) -> bool:
    """A row (or group of rows) of 三、本年度办理结果, other than its （七）总计."""
    return all(r in T3_RESULT_ROWS for r in _rows_of(f"t3.{row}"))


def parts_of(metric: str) -> tuple[str, ...]:
    """The figures a printed total must equal the sum of (report-format.md, 勾稽关系): a table-4
    总计 its four results; （七）总计 of a table-3 column the six kinds of result in that column;
    any other table-3 总计 its row's applicant columns. () for a figure that is no such total.

    >>> parts_of("t4.review.total")
    ('t4.review.upheld', 't4.review.corrected', 't4.review.other', 't4.review.pending')
    """
    table, row, column = metric.split(".")
    if table == "t4" and row in T4_ROWS and column == "total":
        return tuple(f"t4.{row}.{c}" for c in T4_RESULT_COLUMNS)
    if table == "t3" and row == "total_processed" and column in T3_COLUMNS:
        return tuple(f"t3.{r}.{column}" for r in _RESULT_KINDS)
    if table == "t3" and row in T3_ROWS and column == "total":
        return tuple(f"t3.{row}.{c}" for c in T3_APPLICANT_COLUMNS)
    return ()


#: The six kinds of result of 三、本年度办理结果 as figures (a group adds up its sub-rows).
_RESULT_KINDS = ("granted", "partly_granted", "denied", "unavailable", "rejected", "other")


def rate_terms(rate: Rate) -> tuple[str, ...]:
    """Every metric a rate reads, numerator first, each once."""
    return tuple(dict.fromkeys((*rate.numerator, *rate.denominator)))


@dataclass(frozen=True)
class RateFigure:
    """A rate in one report: the figures of its numerator and denominator, each with its cells.

    ``value`` is the fraction (None when a term has no value or the denominator is 0);
    ``percent`` is it in percent with one decimal, as answers show it. ``printed`` holds the
    denominator's totals as the report prints them where they disagree with their own parts: the
    rate is then over the parts' sum (``FiguresTool.rate``), and the formula says so.
    """

    rate: Rate
    numerator: tuple[Figure, ...]
    denominator: tuple[Figure, ...]
    printed: tuple[Figure, ...] = ()

    @property
    def first(self) -> Figure:
        return self.numerator[0]

    @property
    def report_id(self) -> str:
        return self.first.report_id

    @property
    def body(self) -> str:
        return self.first.body

    @property
    def year(self) -> int | None:
        return self.first.year

    @property
    def source(self) -> str:
        return self.first.source

    @property
    def parts(self) -> tuple[float | int | None, float | int | None]:
        """(numerator sum, denominator sum); None where a term has no value."""
        return _sum(self.numerator), _sum(self.denominator)

    @property
    def cases(self) -> float | int | None:
        """What the rate is taken over: the denominator's sum."""
        return self.parts[1]

    @property
    def value(self) -> float | None:
        top, bottom = self.parts
        return None if top is None or not bottom else top / bottom

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(100 * self.value, 1)

    @property
    def small_sample(self) -> bool:
        return self.cases is not None and self.cases < SMALL_SAMPLE

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every figure the rate shows: numerator, denominator, and any total as printed."""
        return (*self.numerator, *self.denominator, *self.printed)

    @property
    def cells(self) -> tuple[StoredCell, ...]:
        return tuple(c for f in self.figures for c in f.cells)

    @property
    def printed_percent(self) -> float | None:
        """The rate over the totals as printed, when ``printed`` replaced any and they are not 0."""
        if not self.printed:
            return None
        swapped = {f.metric: f for f in self.printed}
        bottom = _sum([swapped.get(f.metric, f) for f in self.denominator])
        top = self.parts[0]
        return None if top is None or not bottom else round(100 * top / bottom, 1)

    @property
    def formula(self) -> str:
        """结果纠正1 ÷ 总计7 = 14.3%; (予以公开71 + 部分公开29) ÷ 办理结果总计（办结）218 = 45.9%;
        结果纠正1 ÷ 总计按各项之和11（表中为0） = 9.1% where the printed total disagrees with its parts."""
        labels = term_labels(rate_terms(self.rate))
        top = _side(self.numerator, labels)
        bottom = _side(self.denominator, labels, {f.metric: f for f in self.printed})
        result = "无法计算（分母为0）" if self.percent is None else f"{self.percent:.1f}%"
        return f"{top} ÷ {bottom} = {result}"

    @property
    def note(self) -> str:
        """Why the rate is not over the printed total, e.g. 表中所印总计0与其各项之和11不符，比率按各项之和
        计算；按所印总计无法计算. "" when every total agrees with its parts."""
        if not self.printed:
            return ""
        recounted = {f.metric: f.value for f in self.denominator}
        said = "、".join(
            f"{f.label}{_number(f.value)}与其各项之和{_number(recounted[f.metric])}" for f in self.printed
        )
        other = self.printed_percent
        tail = f"按所印总计为{other:.1f}%" if other is not None else "按所印总计无法计算"
        return f"表中所印{said}不符，比率按各项之和计算；{tail}"

    def as_row(self) -> dict:
        return {
            "source": self.source,
            "body": self.body,
            "year": self.year,
            "rate": self.rate.name,
            "label": self.rate.label,
            "value": self.value,
            "percent": self.percent,
            "formula": self.formula,
            "note": self.note,
            "small_sample": self.small_sample,
            "numerator": [f.as_row() for f in self.numerator],
            "denominator": [f.as_row() for f in self.denominator],
            "printed": [f.as_row() for f in self.printed],
        }


def term_labels(metrics: Sequence[str]) -> dict[str, str]:
    """Short names for a formula's terms: the column when they share a row (结果纠正, 总计), the
    row when they share a column (予以公开, 部分公开), else both (复议后起诉（结果纠正）)."""
    split = [m.split(".") for m in metrics]
    if len({(table, row) for table, row, _ in split}) == 1:
        return {m: _column_label(t, c) for m, (t, _, c) in zip(metrics, split, strict=True)}
    if len({column for _, _, column in split}) == 1:
        return {m: metric_label(m) for m in metrics}
    return {
        m: f"{strip_numbering(label_of(f'{t}.{r}.total')[0].split(' ')[-1])}（{_column_label(t, c)}）"
        for m, (t, r, c) in zip(metrics, split, strict=True)
    }


def _column_label(table: str, column: str) -> str:
    return _ORG.label if column == "org" else TABLE_COLUMNS[table].get(column, column)


def _side(figures: Sequence[Figure], labels: dict[str, str], printed: dict[str, Figure] | None = None) -> str:
    """予以公开71; (a + b); a total recounted from its parts as 总计按各项之和11（表中为0）."""
    printed = printed or {}
    terms = [
        f"{labels[f.metric]}按各项之和{_number(f.value)}（表中为{_number(printed[f.metric].value)}）"
        if f.metric in printed
        else f"{labels[f.metric]}{_number(f.value)}"
        for f in figures
    ]
    return terms[0] if len(terms) == 1 else f"({' + '.join(terms)})"


def _sum(figures: Sequence[Figure]) -> float | int | None:
    values = [f.value for f in figures]
    return None if any(v is None for v in values) else _tidy(sum(values))  # type: ignore[arg-type]  # no term is None here


def _number(value: float | int | None) -> str:
    if value is None:
        return "（未填写）"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(int(value))


def _rows_of(name: str) -> tuple[str, ...]:
    """A row group's rows, or the one row ``name`` names (``t3.granted`` → granted)."""
    group = ROW_GROUPS.get(name)
    return group.rows if group else (name.split(".")[1],)


def _candidate_keys(metric: str) -> list[str]:
    table, row, column = metric.split(".")
    rows = set(_rows_of(f"{table}.{row}")) | (
        set(T3_OTHER_SUBROWS) | {"other_total"} if f"{table}.{row}" == "t3.other" else set()
    )
    columns = set(_ORG.columns) | {column} if column == "org" else {column}
    if table == "t3" and column == "total":
        columns |= set(T3_COLUMNS)  # to add up a row whose 总计 the report left blank
    return [f"{table}.{r}.{c}" for r in rows for c in columns]


def _figure(metric: str, refs: list[StoredCell]) -> Figure | None:
    if not refs:
        return None
    present = {r.key: r for r in refs}
    keys = concrete_keys(metric, set(present))
    used: list[StoredCell] = []
    total: float = 0
    for key in keys:
        ref = present.get(key)
        if ref is None or ref.value is None:
            parts = _row_parts(key, present)
            if parts is None:
                return _incomplete(metric, refs)
            used += parts
            total += sum(p.value for p in parts)  # type: ignore[misc]  # parts all have a value
            continue
        used.append(ref)
        total += ref.value
    return _of_cells(metric, refs, _tidy(total), used, summed=len(used) > 1)


def _row_parts(key: str, present: dict[str, StoredCell]) -> list[StoredCell] | None:
    """A blank table-3 总计 cell, rebuilt from its row's parts (cited one by one)."""
    table, row, column = key.split(".")
    if table != "t3" or column != "total" or row not in T3_ROWS:
        return None
    parts = [present.get(f"t3.{row}.{c}") for c in T3_APPLICANT_COLUMNS]
    if any(p is None or p.value is None for p in parts):
        return None
    return parts  # type: ignore[return-value]  # None ruled out above


def _incomplete(metric: str, refs: list[StoredCell]) -> Figure:
    return _of_cells(metric, refs, None, refs, summed=False)


def _of_cells(
    metric: str, refs: list[StoredCell], value: float | int | None, used: list[StoredCell], summed: bool
) -> Figure:
    """A Figure of one report (the first cell's) with the cells it was read from."""
    first = refs[0]
    return Figure(
        first.report_id,
        first.source,
        first.body,
        first.year,
        metric,
        metric_label(metric),
        value,
        tuple(used),
        summed=summed,
    )


def _tidy(value: float) -> float | int:
    """Whole numbers as int; money keeps its decimals (rounded off float noise)."""
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


__all__ = [
    "Figure",
    "FiguresTool",
    "RateFigure",
    "T4_ROWS",
    "concrete_keys",
    "metric_label",
    "parts_of",
    "rate_terms",
    "share_of",
]
