"""Sentences from figures. Every number in them is a Figure's value or computed from Figures in
code; each Figure brings its cells as citations."""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.answer.model import Answer, Citation
from nianbao.ingest.values import EMPTY_MARKS, clean
from nianbao.model import StoredCell, StoredFinding
from nianbao.retrieval.figures import Figure, RateFigure, metric_label


def unit_of(metric: str) -> str:
    """The unit a metric is counted in: 件 for most, 万元 for fees, 元 and 个 for procurement."""
    if metric.startswith("t2.fees.amount"):
        return "万元"
    if metric.endswith("amount_yuan"):
        return "元"
    if metric.startswith("t2.procurement"):
        return "个"
    return "件"


def number(value: float | int | None) -> str:
    """A value as the report wrote it: every decimal kept (18651.06, 4166.241619), no exponent."""
    if value is None:
        return "（未填写）"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(int(value))


def cite(cell: StoredCell) -> Citation:
    """A stored cell as a citation: its report, place and the cell as written."""
    quote = f"{cell.row_label} · {cell.column_label}：{cell.as_written or '（空白）'}"
    return Citation(
        cell.source, cell.body, cell.year, cell.locator, quote, cell.report_id, cell.page, cell.key
    )


def citations(figures: Sequence[Figure]) -> tuple[Citation, ...]:
    """The citations of every cell the figures rest on, in order."""
    return tuple(cite(ref) for fig in figures for ref in fig.cells)


def describe(fig: Figure) -> str:
    """市中区人民政府办公室2023年本年新收政府信息公开申请数量为27件; a figure whose cells the
    report left blank: …为报告未填写."""
    unit = unit_of(fig.metric)
    value = "报告未填写" if fig.value is None and _left_blank(fig) else number(fig.value)
    text = f"{fig.body}{fig.year}年{fig.label}为{value}{unit if fig.value is not None else ''}"
    nonzero = [c for c in fig.cells if c.value]
    if fig.summed and fig.value is not None and len(nonzero) > 1:
        text += f"（表中{'＋'.join(number(c.value) for c in nonzero)}）"
    return text


def _left_blank(fig: Figure) -> bool:
    """The figure has no value because the report left its cells blank (not because a glued
    digit string could not be cut)."""
    missing = [c for c in fig.cells if c.value is None]
    return bool(missing) and all(clean(c.as_written) in EMPTY_MARKS for c in missing)


def flags(figures: Sequence[Figure], findings: Sequence[StoredFinding]) -> list[str]:
    """Sentences for every arithmetic break that touches a cell used in the answer."""
    used = {(c.report_id, c.key) for f in figures for c in f.cells}
    out = []
    for finding in findings:
        if any((finding.report_id, key) in used for key in finding.keys):
            sentence = f"注意：该报告这里的数字不一致——{finding.message}。"
            if sentence not in out:
                out.append(sentence)
    return out


def flag_citations(figures: Sequence[Figure], findings: Sequence[StoredFinding]) -> tuple[Citation, ...]:
    """The narrative sentences that the flagged findings compare with the table."""
    used = {(c.report_id, c.key) for f in figures for c in f.cells}
    out = []
    for f in findings:
        if f.quote and any((f.report_id, key) in used for key in f.keys):
            out.append(Citation(f.source, f.body, f.year, "正文", f.quote, f.report_id))
    return tuple(out)


def value_answer(figures: Sequence[Figure], findings: Sequence[StoredFinding]) -> Answer:
    """One sentence per figure, with a warning for each arithmetic break that touches its cells."""
    lines = [describe(f) + "。" for f in figures]
    return Answer(
        "answered",
        "".join(lines + flags(figures, findings)),
        citations(figures) + flag_citations(figures, findings),
        tuple(f.as_row() for f in figures),
    )


def breakdown(total: Figure, parts: Sequence[Figure]) -> str:
    """（其中结果维持1件、尚未审结2件）: the non-zero parts of a table-4 total."""
    named = [
        f"{p.label.split('（')[-1].rstrip('）')}{number(p.value)}{unit_of(p.metric)}"
        for p in parts
        if p.value
    ]
    return f"（其中{'、'.join(named)}）" if named and total.value else ""


def several_answer(
    table: Sequence[tuple[str, Sequence[Figure]]],
    intent: str,
    findings: Sequence[StoredFinding],
    extra: dict[int, str] | None = None,
) -> Answer:
    """Several metrics: one sentence each (or a comparison line each), and their sum if asked."""
    extra = extra or {}
    lines: list[str] = []
    used: list[Figure] = []
    for _metric, figures in table:
        if len(figures) == 1:
            lines.append(describe(figures[0]) + extra.get(id(figures[0]), "") + "。")
        else:
            lines.append(compare_answer(figures, intent, ()).text)
        used += figures
    singles = [figs[0] for _, figs in table if len(figs) == 1]
    if intent == "sum" and len(singles) == len(table) > 1 and len({unit_of(f.metric) for f in singles}) == 1:
        values = [f.value for f in singles]
        if all(v is not None for v in values):
            lines.append(
                f"合计{number(sum(values))}{unit_of(singles[0].metric)}"  # type: ignore[arg-type]  # None ruled out above
                f"（{'＋'.join(number(v) for v in values)}）。"
            )
    return Answer(
        "answered",
        "".join(lines + flags(used, findings)),
        citations(used) + flag_citations(used, findings),
        tuple(f.as_row() for f in used),
    )


def compare_answer(figures: Sequence[Figure], intent: str, findings: Sequence[StoredFinding]) -> Answer:
    """Two or more figures side by side, with the difference, sum, ratio or order computed here."""
    parts = [describe(f) for f in figures]
    text = "；".join(parts) + "。"
    values = [f.value for f in figures]
    if len(figures) >= 2 and all(v is not None for v in values):
        text += _relation(figures, intent)
    return Answer(
        "answered",
        text + "".join(flags(figures, findings)),
        citations(figures) + flag_citations(figures, findings),
        tuple(f.as_row() for f in figures),
    )


def _who(fig: Figure, figures: Sequence[Figure]) -> str:
    same_body = len({f.body for f in figures}) == 1
    return f"{fig.year}年" if same_body else f"{fig.body}{fig.year}年"


def _relation(figures: Sequence[Figure], intent: str) -> str:
    unit = unit_of(figures[0].metric)
    values = [f.value for f in figures]
    first, last = figures[0], figures[-1]
    if intent == "sum":
        return f"合计{number(sum(values))}{unit}（{'＋'.join(number(v) for v in values)}）。"  # type: ignore[arg-type]  # callers rule out None
    if intent == "ratio" and len(figures) == 2:
        a, b = values
        if b:
            times = number(round(a / b, 2))  # type: ignore[operator]  # callers rule out None
            return f"{_who(first, figures)}是{_who(last, figures)}的{times}倍（{number(a)}÷{number(b)}）。"
    if intent == "trend" or (len(figures) > 2 and intent != "rank" and len({f.body for f in figures}) == 1):
        return _trend(figures, unit)
    if intent == "rank" or len(figures) > 2:
        ordered = sorted(figures, key=lambda f: f.value, reverse=True)  # type: ignore[arg-type, return-value]  # callers rule out None
        return "从多到少：" + "、".join(f"{_who(f, figures)}{number(f.value)}{unit}" for f in ordered) + "。"
    a, b = first.value, last.value
    delta = b - a  # type: ignore[operator]  # callers rule out None
    if delta == 0:
        return f"两者相同，均为{number(a)}{unit}。"
    more, less = (last, first) if delta > 0 else (first, last)
    change = "增加" if delta > 0 else "减少"
    diff = number(round(abs(delta), 6))
    return (
        f"{_who(more, figures)}较多，比{_who(less, figures)}多{diff}{unit}；"
        f"从{_who(first, figures)}到{_who(last, figures)}{change}了{diff}{unit}。"
    )


def _trend(figures: Sequence[Figure], unit: str) -> str:
    """Each body's direction over its years, said in words, then its steps year by year."""
    by_body: dict[str, list[Figure]] = {}
    for f in figures:
        by_body.setdefault(f.body, []).append(f)
    named = len(by_body) > 1
    return "".join(_direction(sorted(fs, key=lambda f: f.year or 0), unit, named) for fs in by_body.values())


def _direction(figures: Sequence[Figure], unit: str, named: bool) -> str:
    """逐年增加：从2023年的81件到2025年的154件，总体增加73件。逐年变化：…"""
    if len(figures) < 2:
        return ""
    deltas = [_tidy(cur.value - prev.value) for prev, cur in zip(figures, figures[1:], strict=False)]  # type: ignore[operator]  # None values are left out before
    first, last = figures[0], figures[-1]
    total = _tidy(last.value - first.value)  # type: ignore[operator]  # None values are left out before
    overall = _move(total, unit)
    who = f"{first.body}" if named else ""
    span = f"{who}从{first.year}年的{number(first.value)}{unit}到{last.year}年的{number(last.value)}{unit}"
    if len(figures) == 2:
        return f"{span}，{overall}。"
    if all(d > 0 for d in deltas):
        way = "逐年增加"
    elif all(d < 0 for d in deltas):
        way = "逐年减少"
    elif all(d == 0 for d in deltas):
        way = "各年持平"
    else:
        way = "有增有减"
    steps = [
        f"{prev.year}年到{cur.year}年{_move(d, unit)}"
        for prev, cur, d in zip(figures, figures[1:], deltas, strict=False)
    ]
    return f"{way}：{span}，总体{overall}。逐年变化：{'；'.join(steps)}。"


def _move(delta: float | int, unit: str) -> str:
    """增加3件, 减少2件, 持平."""
    return "持平" if delta == 0 else f"{'增加' if delta > 0 else '减少'}{number(abs(delta))}{unit}"


def _tidy(value: float) -> float | int:
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


# --- rates and shares ---------------------------------------------------------------------------


def percent(value: float, decimals: int = 1) -> str:
    """One decimal, as rates are given (14.3%)."""
    return f"{100 * value:.{decimals}f}%"


def rate_sentence(rate: RateFigure) -> str:
    """平潭综合实验区2024年行政复议纠错率 = 结果纠正1 ÷ 总计7 = 14.3%（样本较少：…）。"""
    text = f"{rate.body}{rate.year}年{rate.rate.label} = {rate.formula}"
    if rate.small_sample and rate.value is not None:
        text += f"（样本较少：只有{number(rate.cases)}件，比例仅供参考）"
    if rate.note:
        text += f"（{rate.note}）"
    return text + "。"


def rate_answer(rates: Sequence[RateFigure], findings: Sequence[StoredFinding]) -> Answer:
    """One sentence per rate and report, the formula with its numbers; every cell cited. Two or
    more reports of one body and rate: the change in percentage points too."""
    lines = [rate_sentence(r) for r in rates]
    by_rate: dict[tuple[str, str], list[RateFigure]] = {}
    for r in rates:
        by_rate.setdefault((r.body, r.rate.name), []).append(r)
    for series in by_rate.values():
        known = sorted((r for r in series if r.value is not None), key=lambda r: r.year or 0)
        if len(known) >= 2:
            first, last = known[0], known[-1]
            points = round(100 * (last.value - first.value), 1)  # type: ignore[operator]  # None values are left out before
            move = "持平" if points == 0 else f"{'上升' if points > 0 else '下降'}{abs(points):.1f}个百分点"
            lines.append(
                f"{first.rate.label}从{first.year}年的{percent(first.value)}"  # type: ignore[arg-type]  # None values are left out before
                f"到{last.year}年的{percent(last.value)}，{move}。"  # type: ignore[arg-type]  # None values are left out before
            )
    figures = [f for r in rates for f in r.figures]
    return Answer(
        "answered",
        "".join(lines + flags(figures, findings)),
        citations(figures) + flag_citations(figures, findings),
        tuple(f.as_row() for f in figures),
    )


def share_text(share: RateFigure) -> str:
    """（占办理结果总计（办结）81件的51.9%，42÷81=51.85%）: a figure as a share of its total."""
    if share.value is None:
        return ""
    top, bottom = share.parts
    whole = share.denominator[0]
    text = f"（占{metric_label(whole.metric)}{number(bottom)}{unit_of(whole.metric)}的{percent(share.value)}"
    finer = percent(share.value, 2)
    if float(finer[:-1]) != float(percent(share.value)[:-1]):
        text += f"，{number(top)}÷{number(bottom)}={finer}"
    return text + "）"


def across_answer(figures: Sequence[Figure], intent: str, fewest: bool, note: str = "") -> Answer:
    """A metric of every stored body of a year: the one with the most (or fewest), all of them in
    order, or their sum; every cell cited."""
    unit = unit_of(figures[0].metric)
    known = [f for f in figures if f.value is not None]
    ordered = sorted(known, key=lambda f: f.value, reverse=not fewest)  # type: ignore[arg-type, return-value]  # None values are left out before
    label = figures[0].label
    year = figures[0].year
    if intent == "sum":
        total = _tidy(sum(f.value for f in known))  # type: ignore[misc]  # None values are left out before
        head = (
            f"{year}年语料中{len(known)}个单位的{label}合计{number(total)}{unit}"
            f"（{'＋'.join(number(f.value) for f in known)}）。"
        )
    else:
        best = ordered[0].value
        top = "、".join(f.body for f in ordered if f.value == best)
        most = "最少" if fewest else "最多"
        head = f"{year}年语料中{len(known)}个单位里，{label}{most}的是{top}（{number(best)}{unit}）。"
    order = "从少到多" if fewest else "从多到少"
    listing = f"{order}：" + "、".join(f"{f.body}{number(f.value)}{unit}" for f in ordered) + "。"
    return Answer(
        "answered",
        head + listing + note,
        citations(known),
        tuple(f.as_row() for f in known),
    )


def across_rates_answer(rates: Sequence[RateFigure], fewest: bool, note: str = "") -> Answer:
    """A rate in every stored body's report of a year, highest (or lowest) first, each formula
    shown and every cell cited."""
    ordered = sorted(rates, key=lambda r: r.value, reverse=not fewest)  # type: ignore[arg-type, return-value]  # None values are left out before
    best = ordered[0]
    most = "最低" if fewest else "最高"
    head = (
        f"{best.year}年语料中{len(ordered)}个单位里，{best.rate.label}{most}的是{best.body}"
        f"（{percent(best.value)}）。"  # type: ignore[arg-type]  # None values are left out before
    )
    lines = [rate_sentence(r) for r in ordered]
    figures = [f for r in ordered for f in r.figures]
    return Answer(
        "answered", head + "".join(lines) + note, citations(figures), tuple(f.as_row() for f in figures)
    )
