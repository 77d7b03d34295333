"""The arithmetic rules of report-format.md (勾稽关系). A finding names the rule, the cells and
the numbers; it never changes a number."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nianbao.ingest.narrative import all_upheld_claims
from nianbao.keys import BALANCES, T3_COLUMNS, T3_OTHER_SUBROWS, T3_RESULT_ROWS, T4_ROWS, label_of, total_keys
from nianbao.model import Cell, Finding, NarrativeFigure

_FRAME = BALANCES["t3.column_balance"].terms
_PARTS = BALANCES["t3.row_total"].left
_T4_PARTS = BALANCES["t4.group_total"].left


def _fmt(x: float) -> str:
    return f"{x:g}"


def _values(cells: Iterable[Cell]) -> dict[str, float]:
    return {c.key: c.value for c in cells if c.value is not None}


def check_tables(cells: Iterable[Cell]) -> list[Finding]:
    """Every within-report table rule that the cells break."""
    v = _values(cells)
    return [*_t3_column_balance(v), *_t3_row_totals(v), *_t3_results_total(v), *_t4_group_totals(v)]


def _t3_column_balance(v: Mapping[str, float]) -> list[Finding]:
    out = []
    for col, name in T3_COLUMNS.items():
        keys = [f"t3.{r}.{col}" for r in _FRAME]
        if not all(k in v for k in keys):
            continue
        a, b, c, d = (v[k] for k in keys)
        if a + b != c + d:
            out.append(
                Finding(
                    "t3.column_balance",
                    tuple(keys),
                    (a, b, c, d),
                    f"表三「{name}」列：新收{_fmt(a)}+上年结转{_fmt(b)}={_fmt(a + b)}，"
                    f"但总计{_fmt(c)}+结转下年度{_fmt(d)}={_fmt(c + d)}",
                )
            )
    return out


def _rows_present(v: Mapping[str, float]) -> set[str]:
    return {k.split(".")[1] for k in v if k.startswith("t3.")}


def _t3_row_totals(v: Mapping[str, float]) -> list[Finding]:
    out = []
    for row in sorted(_rows_present(v)):
        total_key = f"t3.{row}.total"
        part_keys = [f"t3.{row}.{c}" for c in _PARTS]
        label = label_of(total_key)[0]
        found = _sum_break(
            v,
            "t3.row_total",
            total_key,
            part_keys,
            f"表三「{label}」行：总计{{total}}，但自然人与各类法人或其他组织之和为{{parts}}",
        )
        out += [found] if found else []
    return out


def _result_rows(v: Mapping[str, float]) -> list[str]:
    rows = _rows_present(v)
    if "other_total" in rows:
        return [r for r in T3_RESULT_ROWS if r not in T3_OTHER_SUBROWS]
    return [r for r in T3_RESULT_ROWS if r != "other_total"]


def _t3_results_total(v: Mapping[str, float]) -> list[Finding]:
    out = []
    rows = _result_rows(v)
    for col, name in T3_COLUMNS.items():
        total_key = f"t3.total_processed.{col}"
        part_keys = [f"t3.{r}.{col}" for r in rows]
        found = _sum_break(
            v,
            "t3.results_total",
            total_key,
            part_keys,
            f"表三「{name}」列：（七）总计{{total}}，但各项办理结果之和为{{parts}}",
        )
        out += [found] if found else []
    return out


def _sum_break(
    v: Mapping[str, float],
    rule: str,
    total_key: str,
    part_keys: list[str],
    message: str,
) -> Finding | None:
    """A finding when every cell is there and the parts do not add up to the total; else None.
    ``message`` names ``{total}`` and ``{parts}``."""
    if total_key not in v or not all(k in v for k in part_keys):
        return None
    parts = sum(v[k] for k in part_keys)
    if parts == v[total_key]:
        return None
    return Finding(
        rule,
        (total_key, *part_keys),
        (v[total_key], parts),
        message.format(total=_fmt(v[total_key]), parts=_fmt(parts)),
    )


def _t4_group_totals(v: Mapping[str, float]) -> list[Finding]:
    out = []
    for group, name in T4_ROWS.items():
        total_key = f"t4.{group}.total"
        part_keys = [f"t4.{group}.{c}" for c in _T4_PARTS]
        if total_key not in v or not all(k in v for k in part_keys):
            continue
        parts = [v[k] for k in part_keys]
        if sum(parts) != v[total_key]:
            out.append(
                Finding(
                    "t4.group_total",
                    (total_key, *part_keys),
                    (v[total_key], *parts),
                    f"表四「{name}」：维持{_fmt(parts[0])}+纠正{_fmt(parts[1])}+其他{_fmt(parts[2])}"
                    f"+尚未审结{_fmt(parts[3])}={_fmt(sum(parts))}，但总计为{_fmt(v[total_key])}",
                )
            )
    return out


def row_total(v: Mapping[str, float], key: str) -> float | None:
    """A 总计 cell, or the sum of its row's parts when the report left 总计 blank."""
    if key in v:
        return v[key]
    if key.startswith("t3.") and key.endswith(".total"):
        row = key.split(".")[1]
        parts = [f"t3.{row}.{c}" for c in _PARTS]
        if all(p in v for p in parts):
            return sum(v[p] for p in parts)
    return None


def table_value(v: Mapping[str, float], key: str) -> float | None:
    """The table's figure for a narrative key: one cell, or a group's sum (keys.ROW_GROUPS)."""
    if key == "t3.other" and "t3.other_total.total" not in v:
        keys: tuple[str, ...] = tuple(f"t3.{r}.total" for r in T3_OTHER_SUBROWS)
    else:
        keys = total_keys(key)
    totals = [row_total(v, k) for k in keys]
    if any(t is None for t in totals):
        return None
    return sum(t for t in totals if t is not None)


def _readings(v: Mapping[str, float], key: str, table: float) -> set[float]:
    """What a narrative figure may fairly mean: 收到75件 often counts 上年结转 in as well."""
    values = {table}
    carried = v.get("t3.carried_over.total")
    if key == "t3.new_received.total" and carried is not None:
        values.add(table + carried)
    return values


def check_narrative(cells: Iterable[Cell], figures: Iterable[NarrativeFigure], text: str) -> list[Finding]:
    """Figures the text states that the tables contradict."""
    v = _values(cells)
    out = []
    for fig in figures:
        if fig.key is None:
            continue
        table = table_value(v, fig.key)
        if table is None or fig.value in _readings(v, fig.key, table):
            continue
        out.append(
            Finding(
                "narrative",
                total_keys(fig.key),
                (fig.value, table),
                f"正文「{fig.quote}」为{_fmt(fig.value)}，表格对应数为{_fmt(table)}",
                quote=fig.quote,
            )
        )
    out.extend(_upheld_claims(v, text))
    return out


def _upheld_claims(v: Mapping[str, float], text: str) -> list[Finding]:
    out = []
    for quote, _ in all_upheld_claims(text):
        for group, name in T4_ROWS.items():
            if group == "review" and "复议" not in quote or group != "review" and "诉讼" not in quote:
                continue
            total, upheld = v.get(f"t4.{group}.total"), v.get(f"t4.{group}.upheld")
            if total and upheld is not None and upheld != total:
                others = "".join(
                    f"、{label}{_fmt(v[f't4.{group}.{col}'])}件"
                    for col, label in (("corrected", "纠正"), ("other", "其他结果"), ("pending", "尚未审结"))
                    if v.get(f"t4.{group}.{col}")
                )
                out.append(
                    Finding(
                        "narrative",
                        (f"t4.{group}.upheld", f"t4.{group}.total"),
                        (upheld, total),
                        f"正文称「{quote}」，但表四「{name}」总计{_fmt(total)}件中维持{_fmt(upheld)}件{others}",
                        quote=quote,
                    )
                )
    return out


def check_carry_over(prev: Iterable[Cell], cur: Iterable[Cell], prev_year: int, year: int) -> list[Finding]:
    """This year's 上年结转 should equal last year's 结转下年度继续办理, column by column."""
    p, c = _values(prev), _values(cur)
    out = []
    for col, name in T3_COLUMNS.items():
        a, b = p.get(f"t3.carried_forward.{col}"), c.get(f"t3.carried_over.{col}")
        if a is None or b is None or a == b:
            continue
        out.append(
            Finding(
                "cross_year.carry_over",
                (f"t3.carried_forward.{col}", f"t3.carried_over.{col}"),
                (a, b),
                f"表三「{name}」列：{prev_year}年结转下年度{_fmt(a)}，但{year}年上年结转为{_fmt(b)}",
            )
        )
    return out
