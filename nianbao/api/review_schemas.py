"""Response models of the staff's views (``nianbao.review``): rates, the completeness audit, the
changes between two years and the coverage. Every number comes with the stored cells (``Record``)
it was read from. ``nianbao rates|audit|diff|coverage --format json`` print the same models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from nianbao.api.schemas import Record
from nianbao.retrieval.figures import RateFigure
from nianbao.review.audit import CHECK_NAMES, ReportAudit
from nianbao.review.audit_text import AuditItem
from nianbao.review.changes import CellChange, Changes, RateChange, TextChange, summary_line
from nianbao.review.coverage import Coverage
from nianbao.review.rates import sample_note

# --- rates ----------------------------------------------------------------------------------


class RateOut(BaseModel):
    """A derived rate of one report: its formula with the numbers, and every cell it used."""

    source: str
    body: str
    year: int | None
    report_id: str
    rate: str = Field(description="The rate's name in `keys.RATES`, e.g. `review_correction`.")
    label: str = Field(description="Its Chinese name, e.g. 行政复议纠错率.")
    numerator: float | int | None = Field(description="The sum of the numerator's cells.")
    denominator: float | int | None = Field(description="The sum of the denominator's cells (the cases).")
    value: float | None = Field(description="numerator ÷ denominator; null when the denominator is 0.")
    percent: float | None = Field(description="The value in percent, one decimal, as answers show it.")
    formula: str = Field(description="e.g. `结果纠正1 ÷ 总计7 = 14.3%`.")
    small_sample: bool = Field(description="Fewer than 30 cases: the rate rests on a small sample.")
    note: str = Field(
        description="样本较少（7件，少于30件） for a small sample; a printed total that disagrees with its "
        "parts (the rate is then over their sum); else empty."
    )
    cells: list[Record] = Field(description="Every stored cell the rate used, numerator first.")

    @classmethod
    def of(cls, rate: RateFigure) -> RateOut:
        top, bottom = rate.parts
        return cls(
            source=rate.source,
            body=rate.body,
            year=rate.year,
            report_id=rate.report_id,
            rate=rate.rate.name,
            label=rate.rate.label,
            numerator=top,
            denominator=bottom,
            value=rate.value,
            percent=rate.percent,
            formula=rate.formula,
            small_sample=rate.small_sample,
            note=sample_note(rate),
            cells=[Record.of(c) for c in rate.cells],
        )


# --- audit ----------------------------------------------------------------------------------


class AuditItemOut(BaseModel):
    """One item of a report's completeness audit, with the place in the report it is about."""

    check: str = Field(
        description="`sections`, `tables`, `cells`, `problems`, `fees`, `year`, `body`, `date` "
        "or `arithmetic`."
    )
    check_name: str = Field(description="The check's Chinese name, e.g. 六个部分.")
    status: Literal["ok", "problem", "unknown"] = Field(
        description="`unknown`: the report does not say enough to tell (no date, cells not readable)."
    )
    message: str
    where: str = Field(description="The place: a part's heading, table · row (· column), 落款, 标题 …")
    quote: str = Field(description="The report's words there, as written (may be empty).")
    keys: list[str] = Field(description="Canonical keys of the cells the item is about.")

    @classmethod
    def of(cls, item: AuditItem) -> AuditItemOut:
        return cls(
            check=item.check,
            check_name=CHECK_NAMES[item.check],
            status=item.status,
            message=item.message,
            where=item.where,
            quote=item.quote,
            keys=list(item.keys),
        )


class ReportAuditOut(BaseModel):
    """The completeness audit of one report."""

    report_id: str
    source: str
    body: str
    year: int | None
    summary: str = Field(description="e.g. 9项检查，1项有问题（公开日期）.")
    problems: int = Field(description="How many items are problems.")
    items: list[AuditItemOut]

    @classmethod
    def of(cls, done: ReportAudit) -> ReportAuditOut:
        meta = done.report.meta
        return cls(
            report_id=meta.id,
            source=meta.source,
            body=meta.body,
            year=meta.year,
            summary=done.summary,
            problems=len(done.problems),
            items=[AuditItemOut.of(i) for i in done.items],
        )


# --- diff -----------------------------------------------------------------------------------


class CellChangeOut(BaseModel):
    """A table cell in both years: each stored cell (null where that year has none) and the change."""

    key: str
    label: str
    before: Record | None
    after: Record | None
    change: float | int | None = Field(description="after − before, when both have a value.")

    @classmethod
    def of(cls, c: CellChange) -> CellChangeOut:
        return cls(
            key=c.key,
            label=c.label,
            before=Record.of(c.before) if c.before else None,
            after=Record.of(c.after) if c.after else None,
            change=c.change,
        )


class TextChangeOut(BaseModel):
    """A sentence of the text added, removed or rewritten, in one of the six parts."""

    part: int = Field(description="1–6 for 一…六, 0 for the text before 一.")
    part_title: str
    kind: Literal["added", "removed", "rewritten"]
    before: str = Field(description="The earlier report's sentence, as written ('' when added).")
    after: str = Field(description="The later report's sentence, as written ('' when removed).")

    @classmethod
    def of(cls, t: TextChange) -> TextChangeOut:
        return cls(part=t.part, part_title=t.part_title, kind=t.kind, before=t.before, after=t.after)


class RateChangeOut(BaseModel):
    """A rate in both years and its change in percentage points."""

    rate: str
    label: str
    before: RateOut | None
    after: RateOut | None
    points: float | None

    @classmethod
    def of(cls, r: RateChange) -> RateChangeOut:
        return cls(
            rate=r.name,
            label=r.label,
            before=RateOut.of(r.before) if r.before else None,
            after=RateOut.of(r.after) if r.after else None,
            points=r.points,
        )


class DiffOut(BaseModel):
    """What changed between two years' reports of one body, the earlier first."""

    body: str
    year_before: int | None
    year_after: int | None
    source_before: str
    source_after: str
    report_before: str = Field(description="The earlier report's id.")
    report_after: str = Field(description="The later report's id.")
    summary: str
    largest: list[CellChangeOut] = Field(description="The cells that changed most (see `cells` for all).")
    cells: list[CellChangeOut] = Field(description="Every cell whose value differs, in table order.")
    unchanged: int = Field(description="How many cells have the same value in both.")
    rates: list[RateChangeOut]
    text: list[TextChangeOut]
    boilerplate_left_out: int = Field(
        description="Sentences left out because the reports of most stored bodies carry them."
    )

    @classmethod
    def of(cls, ch: Changes) -> DiffOut:
        a, b = ch.before.meta, ch.after.meta
        return cls(
            body=b.body,
            year_before=a.year,
            year_after=b.year,
            source_before=a.source,
            source_after=b.source,
            report_before=a.id,
            report_after=b.id,
            summary=summary_line(ch),
            largest=[CellChangeOut.of(c) for c in ch.largest],
            cells=[CellChangeOut.of(c) for c in ch.cells],
            unchanged=ch.unchanged,
            rates=[RateChangeOut.of(r) for r in ch.rates],
            text=[TextChangeOut.of(t) for t in ch.text],
            boilerplate_left_out=ch.boilerplate_left_out,
        )


# --- coverage -------------------------------------------------------------------------------


class StoredYearOut(BaseModel):
    """A body's report of one year."""

    year: int
    report_id: str
    source: str


class BodyCoverageOut(BaseModel):
    """One body: the years stored and the years missing between its first and last."""

    body: str
    years: list[int]
    missing: list[int]
    reports: list[StoredYearOut]
    undated: int = Field(description="Reports of this body stored without a year.")


class CoverageOut(BaseModel):
    """Which bodies and years are stored: every year from the first to the last stored, and each body."""

    years: list[int]
    gaps: int = Field(description="Body-years missing between a body's first and last report.")
    bodies: list[BodyCoverageOut]

    @classmethod
    def of(cls, found: Coverage) -> CoverageOut:
        return cls(
            years=list(found.years),
            gaps=found.gaps,
            bodies=[
                BodyCoverageOut(
                    body=b.body,
                    years=list(b.years),
                    missing=list(b.missing),
                    reports=[
                        StoredYearOut(year=s.year, report_id=s.report_id, source=s.source) for s in b.stored
                    ],
                    undated=b.undated,
                )
                for b in found.bodies
            ],
        )
