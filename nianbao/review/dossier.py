"""A report for one body over several years, as .docx (python-docx) or .csv: which years are
stored, the figures table, the rates, the audit and the changes from year to year.

Every number is cited: in the .docx a figures table has a column per year headed by that year's
file and a row per cell named table · row · column (with its canonical key); a rate shows its
formula and lists the cells it used; a change names both files and the cell. In the .csv every
row carries its file and place.

>>> found = dossier(catalog, "平潭", range(2021, 2026))
>>> docx_bytes(found)[:2]
b'PK'
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from nianbao.catalog import Catalog
from nianbao.keys import CANONICAL_KEYS, RATES, TABLE_NAMES, label_of
from nianbao.model import StoredCell, StoredReport
from nianbao.retrieval.figures import RateFigure
from nianbao.review.audit import CHECK_NAMES, ReportAudit, audit
from nianbao.review.changes import KIND_WORDS, Changes, cell_text, changes, signed, summary_line
from nianbao.review.choose import NotStored, one_body, reports_of
from nianbao.review.rates import rates_of, sample_note
from nianbao.review.spreadsheet import csv_text

STATUS_WORDS = {"ok": "通过", "problem": "有问题", "unknown": "无法判断"}


@dataclass(frozen=True)
class Dossier:
    """One body's stored reports of the years asked, and what is derived from them."""

    body: str
    years: tuple[int, ...]
    reports: tuple[StoredReport, ...]
    cells: tuple[StoredCell, ...]
    rates: tuple[RateFigure, ...]
    audits: tuple[ReportAudit, ...]
    changes: tuple[Changes, ...]

    @property
    def missing(self) -> tuple[int, ...]:
        stored = {r.meta.year for r in self.reports}
        return tuple(y for y in self.years if y not in stored)

    def value(self, key: str, report_id: str) -> StoredCell | None:
        return next((c for c in self.cells if c.key == key and c.report_id == report_id), None)


def dossier(catalog: Catalog, name: str, years: Iterable[int]) -> Dossier:
    """The dossier of the body ``name`` names for these years; :class:`NotStored` when it has no
    report of any of them."""
    body = one_body(catalog, name)
    wanted = tuple(sorted(set(years)))
    reports = reports_of(catalog, body, wanted)
    if not reports:
        have = "、".join(str(r.meta.year) for r in reports_of(catalog, body) if r.meta.year)
        raise NotStored(f"{body}没有{wanted[0]}–{wanted[-1]}年的报告；已收录的年份：{have or '无'}")
    ids = [r.meta.id for r in reports]
    order = {report_id: i for i, report_id in enumerate(ids)}
    cells = tuple(sorted(catalog.figures.cells(ids), key=lambda c: order[c.report_id]))
    audits = tuple(a for a in (audit(catalog, i) for i in ids) if a is not None)
    pairs = (changes(catalog, a, b) for a, b in zip(ids, ids[1:], strict=False))
    return Dossier(
        body,
        wanted,
        tuple(reports),
        cells,
        tuple(rates_of(catalog, reports)),
        audits,
        tuple(c for c in pairs if c is not None),
    )


def keys_in_order(found: Dossier, table: str) -> list[str]:
    """The keys of a table that any of the years has, in the canonical (printed) order."""
    present = {c.key for c in found.cells}
    return [k for k in CANONICAL_KEYS if k.startswith(table + ".") and k in present]


def cell_label(key: str) -> str:
    """一、本年新收政府信息公开申请数量 · 总计: a key's row and column."""
    row, column = label_of(key)
    return f"{row} · {column}"


# --- .docx ------------------------------------------------------------------------------------


def docx_bytes(found: Dossier, today: date | None = None) -> bytes:
    """The dossier as a Word document."""
    from docx import Document  # python-docx: loaded only to write one
    from docx.oxml.ns import qn

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    span = f"{found.years[0]}–{found.years[-1]}" if len(found.years) > 1 else str(found.years[0])
    doc.add_heading(f"{found.body} 政府信息公开工作年度报告 {span}年", level=0)
    doc.add_paragraph(
        f"由年报问答（nianbao）根据收录的报告生成，{(today or date.today()).isoformat()}。"
        "每个数字都出自所在列的年份的报告文件，位置为 表 · 行 · 列；比率给出公式和所用单元格。"
    )
    _docx_reports(doc, found)
    for table, title in TABLE_NAMES.items():
        keys = keys_in_order(found, table)
        if keys:
            doc.add_heading(title, level=1)
            header = ["项目（行 · 列）", "键", *(_year_head(r) for r in found.reports)]
            rows = [
                [cell_label(k), k, *(cell_text(found.value(k, r.meta.id)) for r in found.reports)]
                for k in keys
            ]
            _table(doc, header, rows)
    _docx_rates(doc, found)
    _docx_audits(doc, found)
    _docx_changes(doc, found)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _year_head(rep: StoredReport) -> str:
    return f"{rep.meta.year}年\n{rep.meta.source}"


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _docx_reports(doc: Any, found: Dossier) -> None:
    doc.add_heading("收录情况", level=1)
    rows = [[f"{r.meta.year}年", r.meta.source, f"v{r.version}", r.meta.id] for r in found.reports]
    rows += [[f"{y}年", "（未收录）", "", ""] for y in found.missing]
    _table(doc, ["年份", "文件", "版本", "报告 id"], sorted(rows))


def _docx_rates(doc: Any, found: Dossier) -> None:
    if not found.rates:
        return
    doc.add_heading("比率", level=1)
    rows = []
    for name, rate in RATES.items():
        by_year = {r.year: r for r in found.rates if r.rate.name == name}
        if by_year:
            rows.append([rate.label, *(_rate_text(by_year.get(r.meta.year)) for r in found.reports)])
    _table(doc, ["比率", *(_year_head(r) for r in found.reports)], rows)
    doc.add_paragraph("各比率所用的单元格（表 · 行 · 列）：")
    for name, rate in RATES.items():
        used = [r for r in found.rates if r.rate.name == name]
        if used:
            places = "；".join(dict.fromkeys(c.locator for c in used[0].cells))
            doc.add_paragraph(f"{rate.label}：{places}", style=doc.styles["List Bullet"])


def _rate_text(rate: RateFigure | None) -> str:
    if rate is None:
        return ""
    note = sample_note(rate)
    return f"{rate.formula}" + (f"\n{note}" if note else "")


def _docx_audits(doc: Any, found: Dossier) -> None:
    doc.add_heading("完整性检查", level=1)
    for done in found.audits:
        rep = done.report.meta
        doc.add_heading(f"{rep.year}年（{rep.source}）：{done.summary}", level=2)
        rows = [
            [CHECK_NAMES[i.check], STATUS_WORDS[i.status], i.message, i.where, i.quote] for i in done.items
        ]
        _table(doc, ["检查", "结果", "说明", "位置", "原文"], rows)


def _docx_changes(doc: Any, found: Dossier) -> None:
    if not found.changes:
        return
    doc.add_heading("年度变化", level=1)
    bullet = doc.styles["List Bullet"]  # looked up once: python-docx looks a style name up slowly
    for ch in found.changes:
        a, b = ch.before.meta, ch.after.meta
        doc.add_heading(f"{a.year}年 → {b.year}年（{a.source} → {b.source}）", level=2)
        doc.add_paragraph(summary_line(ch))
        rows = [
            [cell_label(c.key), c.key, cell_text(c.before), cell_text(c.after), signed(c.change)]
            for c in ch.cells
        ]
        if rows:
            _table(doc, ["项目（行 · 列）", "键", f"{a.year}年", f"{b.year}年", "变化"], rows)
        for t in ch.text:
            words = {"added": t.after, "removed": t.before, "rewritten": f"{t.before} → {t.after}"}[t.kind]
            doc.add_paragraph(f"{t.part_title}｜{KIND_WORDS[t.kind]}：{words}", style=bullet)


# --- .csv ------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "section",
    "year",
    "year_to",
    "key",
    "item",
    "value",
    "value_to",
    "change",
    "formula",
    "note",
    "source",
    "where",
]


def csv_rows(found: Dossier) -> Iterator[dict[str, object]]:
    """One row per figure, rate, audit item, changed cell and changed sentence."""
    for c in found.cells:
        yield {
            "section": "数据",
            "year": c.year,
            "key": c.key,
            "item": cell_label(c.key),
            "value": c.value,
            "note": "" if c.value is not None else f"原文：{c.as_written.strip() or '空白'}",
            "source": c.source,
            "where": c.locator,
        }
    for r in found.rates:
        yield {
            "section": "比率",
            "year": r.year,
            "key": r.rate.name,
            "item": r.rate.label,
            "value": r.percent,
            "formula": r.formula,
            "note": sample_note(r),
            "source": r.source,
            "where": "；".join(dict.fromkeys(c.locator for c in r.cells)),
        }
    for done in found.audits:
        for i in done.items:
            yield {
                "section": "完整性检查",
                "year": done.report.meta.year,
                "key": i.check,
                "item": CHECK_NAMES[i.check],
                "value": STATUS_WORDS[i.status],
                "note": i.message + (f"（原文：{i.quote}）" if i.quote else ""),
                "source": done.report.meta.source,
                "where": i.where,
            }
    for ch in found.changes:
        yield from _change_rows(ch)


def _change_rows(ch: Changes) -> Iterator[dict[str, object]]:
    a, b = ch.before.meta, ch.after.meta
    both: dict[str, object] = {"year": a.year, "year_to": b.year, "source": f"{a.source} → {b.source}"}
    for c in ch.cells:
        either = c.after or c.before
        yield both | {
            "section": "年度变化",
            "key": c.key,
            "item": cell_label(c.key),
            "value": cell_text(c.before),
            "value_to": cell_text(c.after),
            "change": c.change,
            "where": either.locator if either else "",
        }
    for t in ch.text:
        yield both | {
            "section": "正文变化",
            "key": t.kind,
            "item": f"{t.part_title}｜{KIND_WORDS[t.kind]}",
            "value": t.before,
            "value_to": t.after,
            "where": t.part_title,
        }


def csv_of(found: Dossier) -> str:
    """The dossier as CSV (a ``section`` column says which part a row belongs to)."""
    return csv_text(CSV_COLUMNS, csv_rows(found))
