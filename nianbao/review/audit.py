"""The completeness audit of one stored report: is everything there that the format asks for?

Each check gives one or more items, each ``ok``, ``problem`` or ``unknown`` (the report does not
say enough to tell), with the place in the report it is about:

- ``sections``: the six standard parts, present, numbered and in order (``outline``);
- ``tables``: 表二, 表三 and 表四 present, with as many cells as their layout has;
- ``cells``: every cell filled with a number (blank, “/”, “—” … listed row by row);
- ``problems``: part 五 not empty, naming problems, and not last year's text again;
- ``fees``: information-processing fees explained in part 六;
- ``year``, ``body``, ``date``: the title, the statistics period, the signature and the date
  agree with the stored year and body, and the report is dated within January of the next year;
- ``arithmetic``: the arithmetic findings already stored (勾稽关系), cited by their cells.

The text checks are in ``audit_text``.

>>> [i.check for i in audit(catalog, report_id).problems]
['date']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.catalog import Catalog
from nianbao.ingest.values import EMPTY_MARKS
from nianbao.keys import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T3_COLUMNS,
    T3_OTHER_SUBROWS,
    T3_ROWS,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_NAMES,
    Layout,
    label_of,
)
from nianbao.model import ReportContents, StoredCell, StoredFinding, StoredReport
from nianbao.review import audit_text
from nianbao.review.audit_text import AuditItem, Status

#: The checks, in the order a report's items are listed.
CHECKS = ("sections", "tables", "cells", "problems", "fees", "year", "body", "date", "arithmetic")
#: The first year whose reports have the standard tables (国办公开办函〔2019〕60号).
FIRST_TABLES_YEAR = 2019


@dataclass(frozen=True)
class ReportAudit:
    """A report and the items of its audit, in the order of :data:`CHECKS`."""

    report: StoredReport
    items: tuple[AuditItem, ...]

    @property
    def problems(self) -> tuple[AuditItem, ...]:
        return tuple(i for i in self.items if i.status == "problem")

    @property
    def summary(self) -> str:
        """9项检查，2项有问题（公开日期、勾稽关系）；1项无法判断（表格填写）."""
        checks = list(dict.fromkeys(i.check for i in self.items))
        bad = list(dict.fromkeys(i.check for i in self.problems))
        unsure = [
            c for c in dict.fromkeys(i.check for i in self.items if i.status == "unknown") if c not in bad
        ]
        said = (
            f"{len(checks)}项检查，{len(bad)}项有问题（{_names(bad)}）"
            if bad
            else f"{len(checks)}项检查均未发现问题"
        )
        return said + (f"；{len(unsure)}项无法判断（{_names(unsure)}）" if unsure else "")


def _names(checks: Sequence[str]) -> str:
    return "、".join(CHECK_NAMES[c] for c in checks)


#: Each check's name as the page and the answers say it.
CHECK_NAMES = {
    "sections": "六个部分",
    "tables": "三张表格",
    "cells": "表格填写",
    "problems": "存在的问题",
    "fees": "信息处理费",
    "year": "年份",
    "body": "机关名称",
    "date": "公开日期",
    "arithmetic": "勾稽关系",
}


def audit(catalog: Catalog, report_id: str) -> ReportAudit | None:
    """The audit of one stored version (None when there is no such version)."""
    contents = catalog.report(report_id)
    if contents is None:
        return None
    rep = contents.report
    text, sections = catalog.text_with_sections(report_id)
    last_year = _last_year(catalog, rep)
    last_text = catalog.text_with_sections(last_year.meta.id) if last_year else None
    findings = catalog.findings(report_ids=[report_id]) if rep.current else list(contents.findings)
    items = [
        *audit_text.sections(text, sections),
        *_tables(contents),
        *_cells(contents.cells),
        *audit_text.problems(text, sections, rep, last_year, last_text),
        *audit_text.fees(text, sections, contents.cells),
        *audit_text.year(text, rep),
        *audit_text.body(text, rep, catalog.aliases()),
        *audit_text.date(text, rep),
        *_arithmetic(findings, has_tables=bool(contents.cells)),
    ]
    return ReportAudit(rep, tuple(items))


def audit_reports(catalog: Catalog, body: str | None = None, years: Sequence[int] = ()) -> list[ReportAudit]:
    """The audits of the current reports of a body (as ``Catalog.matching_reports`` reads it)
    and years, by body and year."""
    found = (audit(catalog, r.meta.id) for r in catalog.matching_reports(body, years))
    return [a for a in found if a is not None]


def _last_year(catalog: Catalog, rep: StoredReport) -> StoredReport | None:
    """The same body's current report of the year before, when stored."""
    if rep.meta.year is None:
        return None
    earlier = catalog.matching_reports(rep.meta.body, [rep.meta.year - 1])
    return next((r for r in earlier if r.meta.body == rep.meta.body), None)


# --- tables and cells -----------------------------------------------------------------------


def expected_keys(table: str, layout: str, present: set[str]) -> list[str]:
    """The keys a table has in a layout, in printed order (表三 with （六）其他处理 as one row when
    the report prints it so)."""
    if table == "t2":
        columns = T2_COLUMNS_2019 if layout == Layout.FORMAT_2019_60 else T2_COLUMNS_2021
        return [f"t2.{row}.{column}" for row, cs in columns.items() for column in cs]
    if table == "t3":
        collapsed = any(k.startswith("t3.other_total.") for k in present)
        skip = set(T3_OTHER_SUBROWS) if collapsed else {"other_total"}
        return [f"t3.{row}.{column}" for row in T3_ROWS if row not in skip for column in T3_COLUMNS]
    return [f"t4.{row}.{column}" for row in T4_ROWS for column in T4_COLUMNS]


def _tables(contents: ReportContents) -> list[AuditItem]:
    rep = contents.report
    if rep.meta.layout == Layout.OLDER or (rep.meta.year or FIRST_TABLES_YEAR) < FIRST_TABLES_YEAR:
        return [
            AuditItem(
                "tables",
                "unknown",
                f"{rep.meta.year}年的报告早于统一的表格格式（国办公开办函〔2019〕60号），不检查三张表格。",
                "表格",
            )
        ]
    present = {c.key for c in contents.cells}
    out = []
    for table, title in TABLE_NAMES.items():
        short = title.split(" ")[0]
        keys = expected_keys(table, rep.meta.layout, present)
        have = [k for k in keys if k in present]
        if not have:
            out.append(AuditItem("tables", "problem", f"缺少{title}（没有读出任何单元格）。", title))
            continue
        missing = [k for k in keys if k not in present]
        if missing:
            names = "、".join(_cell_name(k) for k in missing)
            message = f"{short}读出{len(have)}个单元格，按格式应有{len(keys)}个；缺少：{names}。"
            out.append(AuditItem("tables", "problem", message, title, keys=tuple(missing)))
        else:
            out.append(AuditItem("tables", "ok", f"{short}的{len(keys)}个单元格都在。", title))
    return out


def _cell_name(key: str) -> str:
    row, column = label_of(key)
    return f"{row} · {column}"


def _cells(cells: Sequence[StoredCell]) -> list[AuditItem]:
    """One item per row with cells that hold no number: left blank or marked (“/”, “—”, 无) by
    the report (a problem), or not readable from the file (unknown: digits glued together)."""
    if not cells:
        return []
    rows: dict[tuple[str, str, bool], list[StoredCell]] = {}
    for cell in cells:
        if not _filled(cell):
            unreadable = cell.value is None and cell.as_written.strip() not in EMPTY_MARKS
            rows.setdefault((cell.table, cell.row_label, unreadable), []).append(cell)
    if not rows:
        return [AuditItem("cells", "ok", f"表格的{len(cells)}个单元格都填写了数字。", "表格")]
    out = []
    for (table, row, unreadable), found in rows.items():
        name = f"{table.split(' ')[0]}「{label_of(found[0].key)[0]}」"
        where = f"{table} · {row}"
        keys = tuple(c.key for c in found)
        if unreadable:
            columns = "、".join(c.column_label for c in found)
            message = f"{name}的{columns}未能从原文读出（原文数字连写为“{found[0].as_written[:24]}”）。"
            out.append(AuditItem("cells", "unknown", message, where, found[0].as_written, keys))
            continue
        written = "、".join(f"{c.column_label}（{c.as_written.strip() or '空白'}）" for c in found)
        message = f"{name}有{len(found)}个单元格没有填写数字：{written}。"
        out.append(AuditItem("cells", "problem", message, where, keys=keys))
    return out


def _filled(cell: StoredCell) -> bool:
    return cell.value is not None and cell.as_written.strip() not in EMPTY_MARKS


# --- arithmetic -----------------------------------------------------------------------------


def _arithmetic(findings: Sequence[StoredFinding], has_tables: bool) -> list[AuditItem]:
    if not findings:
        if not has_tables:
            return []
        return [AuditItem("arithmetic", "ok", "表格数字的勾稽关系没有发现不一致。", "表格")]
    out = []
    for f in findings:
        places = list(dict.fromkeys(f"{c.year}年 {c.locator}" for c in f.cells))
        where = "；".join(places[:3]) + (f" 等{len(places)}处" if len(places) > 3 else "")
        out.append(AuditItem("arithmetic", "problem", f.message, where or "表格", f.quote or "", f.keys))
    return out


__all__ = ["CHECKS", "CHECK_NAMES", "AuditItem", "ReportAudit", "Status", "audit", "audit_reports"]
