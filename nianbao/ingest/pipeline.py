"""One document in, one Report out: tables → cells, metadata, sections, narrative, checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.ingest import blanks, checks, narrative, tables
from nianbao.ingest.budget import Budget
from nianbao.ingest.coverage import coverage
from nianbao.ingest.errors import IngestError, NotAReport
from nianbao.ingest.flat_tables import extract_flat
from nianbao.ingest.meta import build_meta, named_identity
from nianbao.ingest.read import read_bytes
from nianbao.ingest.sections import split_sections
from nianbao.model import Document, Report

_REPORT_MARKERS = re.compile(r"政府信息公开|政务公开|信息公开工作")


@dataclass(frozen=True)
class Parsed:
    """A file read: the body and year its title names (None where it names none), and its
    Report, or why none could be extracted (kept, so the caller can first refuse a file whose
    title contradicts the body or year given with it)."""

    named_body: str | None
    named_year: int | None
    report: Report | None
    error: IngestError | None = None


def parse_file(
    data: bytes, source: str, budget: Budget, *, body: str | None = None, year: int | None = None
) -> Parsed:
    """Read a file's bytes and extract its Report, within ``budget``; ``body`` and ``year`` fill
    what the file does not name. Raises an IngestError when the file cannot be read at all.
    This is what ``ingest.isolate`` runs in a child process."""
    doc = read_bytes(data, source, budget)
    named_body, named_year = named_identity(doc)
    try:
        report = extract_report(doc, body=None if named_body else body, year=None if named_year else year)
    except IngestError as exc:
        return Parsed(named_body, named_year, None, exc)
    return Parsed(named_body, named_year, report)


def extract_report(doc: Document, *, body: str | None = None, year: int | None = None) -> Report:
    """Everything ingest knows about one document. Raises NotAReport for other documents."""
    text = doc.text
    if not _REPORT_MARKERS.search(doc.title + text[:5000]):
        raise NotAReport(
            f"{doc.source}: this does not read as a 政府信息公开工作年度报告 "
            "(no mention of 政府信息公开 in its title or opening); skipped"
        )
    grid = tables.extract(doc.tables)
    flat = extract_flat([t for t in doc.tables if t.flat])
    grid_keys = {c.key for c in grid.cells}
    cells = blanks.settle(grid.cells + [c for c in flat.cells if c.key not in grid_keys])
    warnings = grid.warnings + flat.warnings
    meta = build_meta(
        doc, tables_found=bool(cells), hints=grid.layout_hints | flat.layout_hints, body=body, year=year
    )
    if not cells:
        warnings.append(_no_tables_reason(meta.year))
    figures = narrative.find_figures(text)
    findings = checks.check_tables(cells) + checks.check_narrative(cells, figures, text)
    read = coverage(text, doc.tables, cells, meta.layout, meta.year)
    return Report(
        meta=meta,
        text=text,
        sections=split_sections(text),
        cells=tuple(cells),
        findings=tuple(findings),
        narrative=tuple(figures),
        warnings=tuple(warnings),
        coverage=read,
    )


def _no_tables_reason(year: int | None) -> str:
    if year is not None and year < 2019:
        return (
            f"no standard tables: a {year} report predates the national table format (〔2019〕60号); "
            "text only"
        )
    return "no standard tables were found (a picture, or a layout we cannot read); text only"
