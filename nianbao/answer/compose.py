"""Sentences from figures. Every number in them is a Figure's value or computed from Figures in
code; each Figure brings its cells as citations."""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.answer.model import Answer, Citation
from nianbao.ingest.values import EMPTY_MARKS, clean
from nianbao.model import StoredCell, StoredFinding
from nianbao.retrieval.figures import Figure


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
        steps = []
        for prev, cur in zip(figures, figures[1:], strict=False):
            delta = cur.value - prev.value  # type: ignore[operator]  # callers rule out None
            move = "持平" if delta == 0 else f"{'增加' if delta > 0 else '减少'}{number(abs(delta))}{unit}"
            steps.append(f"{_who(prev, figures)}到{_who(cur, figures)}{move}")
        return "逐年变化：" + "；".join(steps) + "。"
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
