"""Request and response models: the documented contract of the HTTP API (see /docs, /openapi.json)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from nianbao.answer.model import Answer
from nianbao.keys import Layout
from nianbao.model import (
    AuditEntry,
    Conversation,
    Feedback,
    ReportContents,
    StoredCell,
    StoredFinding,
    StoredReport,
    Turn,
)

MAX_QUESTION_CHARS = 500

_SEED = "2023_zaozhuang_shizhongqu_zfb.docx"
_BODY = "市中区人民政府办公室"
_LAYOUTS = ", ".join(f"`{layout}`" for layout in list(Layout)[:-1]) + f" or `{list(Layout)[-1]}`"


def _example(**values: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [values]})


class ErrorBody(BaseModel):
    """The code and the message of an error response."""

    code: str = Field(description="A stable machine-readable code, e.g. `validation_error`, `not_found`.")
    message: str = Field(description="What was wrong, for people: the field or value and why.")


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx response has this shape."""

    model_config = _example(error={"code": "not_found", "message": "no report with id 'abc'"})
    error: ErrorBody


#: The 400 any route with a body may answer: bytes it cannot decode (JSON that is not UTF-8, a
#: broken multipart body, more files or fields than allowed).
UNDECODABLE: dict[int | str, dict] = {
    400: {
        "model": ErrorResponse,
        "description": "The body could not be decoded (bytes that are not "
        "UTF-8, a broken multipart body, too many files or fields)",
    }
}


# --- chat -----------------------------------------------------------------------------------


#: A conversation id as the API takes it: the server issues 32 hex digits (``uuid4().hex``).
ConversationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class ChatRequest(BaseModel):
    """A question, and the conversation it continues if any."""

    model_config = _example(question="市中区政府办2023年收到多少信息公开申请？", conversation_id=None)

    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)
    ] = Field(description=f"The question in Chinese, 1–{MAX_QUESTION_CHARS} characters after trimming.")
    conversation_id: ConversationId | None = Field(
        None,
        description="Send back the `conversation_id` of an earlier answer to ask a follow-up "
        "(其中自然人呢？). Ids are issued by the server; an id it does not keep (never issued, or "
        "expired after NIANBAO_CONVERSATION_TTL) starts a new conversation under a new id, and the "
        "response says so (`conversation_new`).",
    )


class CitationOut(BaseModel):
    """Where a number or sentence of the answer came from."""

    source: str = Field(description="The file name the report was ingested from.")
    body: str = Field(description="The body (机关) whose report it is.")
    year: int | None = Field(description="The report's year.")
    locator: str = Field(
        description="The place in the report: a section path, or table · row · column · page."
    )
    quote: str = Field(description="The passage or the cell exactly as written in the report.")
    report_id: str = Field("", description="Use with GET /api/reports/{id} to see the whole table or report.")
    page: int | None = Field(None, description="The page, for PDF reports.")
    key: str | None = Field(None, description="The canonical key of the cited table cell; null for text.")


class ChatResponse(BaseModel):
    """An answer with its status, its citations and the figures it used."""

    model_config = _example(
        conversation_id="9f2c…",
        status="answered",
        answer=f"{_BODY}2023年本年新收政府信息公开申请数量为27件。",
        citations=[
            {
                "source": _SEED,
                "body": _BODY,
                "year": 2023,
                "locator": "表三 收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计",
                "quote": "一、本年新收政府信息公开申请数量 · 总计：27",
                "report_id": "2589b7eeb1d8f24a",
                "page": None,
                "key": "t3.new_received.total",
            }
        ],
        figures=[{"source": _SEED, "body": _BODY, "year": 2023, "key": "t3.new_received.total", "value": 27}],
        options=[],
        conversation_new=True,
    )

    conversation_id: str = Field(
        description="Send it with the next question to continue the conversation; "
        "GET /api/conversations/{id} returns its turns."
    )
    status: Literal["answered", "not_found", "clarify"] = Field(
        description="`answered`; `not_found`: the corpus does not say; `clarify`: pick one of "
        "`options` and ask again. Small talk and questions about what is stored (你好, 谢谢, "
        "你能做什么, 有哪些单位的年报) are `answered` from the list of stored reports, without citations."
    )
    answer: str = Field(
        description="The answer text; every number from a report in it is cited (small talk "
        "names stored bodies and years, which come from the list of reports)."
    )
    citations: list[CitationOut] = Field(
        description="One per cell or passage the answer rests on; empty for small talk."
    )
    figures: list[dict[str, Any]] = Field([], description="The figures used, one per report (value answers).")
    options: list[str] = Field([], description="Choices for `clarify` (bodies), or the years a body has.")
    conversation_new: bool = Field(
        False,
        description="True when this answer started a conversation: none was sent, or the one "
        "sent is not kept (unknown or expired; the answer then begins by saying so). Nothing "
        "of an earlier conversation was used.",
    )
    confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        description=(
            "For an answer quoted from a report's narrative (and for `not_found` after reading it): "
            "how sure it is that the quoted passage answers the question, 0–1; under 0.35 the "
            "answer is `not_found`. Null for answers read from table cells and for `clarify`."
        ),
    )

    @classmethod
    def from_answer(cls, answer: Answer, keys: list[str | None]) -> ChatResponse:
        """Build the response; ``keys`` gives each citation's cell key (None for text)."""
        return cls(
            conversation_id=answer.conversation_id,
            status=answer.status,
            answer=answer.text,
            citations=[
                CitationOut(
                    source=c.source,
                    body=c.body,
                    year=c.year,
                    locator=c.locator,
                    quote=c.quote,
                    report_id=c.report_id,
                    page=c.page,
                    key=key,
                )
                for c, key in zip(answer.citations, keys, strict=True)
            ],
            figures=[dict(f) for f in answer.figures],
            options=list(answer.options),
            conversation_new=answer.conversation_new,
            confidence=answer.confidence,
        )


class TurnOut(BaseModel):
    """One question of a conversation and the answer it got, as it was shown (long answers and
    quotes cut)."""

    question: str
    answer: str
    status: Literal["answered", "not_found", "clarify"]
    citations: list[CitationOut]
    at: str = Field(description="When it was answered (UTC, ISO 8601).")

    @classmethod
    def of(cls, turn: Turn) -> TurnOut:
        cites = [
            CitationOut(
                source=c["source"],
                body=c["body"],
                year=c.get("year"),
                locator=c["locator"],
                quote=c["quote"],
                report_id=c.get("report_id", ""),
                page=c.get("page"),
                key=c.get("key") or None,
            )
            for c in turn.citations
        ]
        return cls(
            question=turn.question,
            answer=turn.answer,
            status=turn.status,  # type: ignore[arg-type]
            citations=cites,
            at=_iso(turn.at),
        )


class ConversationOut(BaseModel):
    """A kept conversation: what the page shows again after a refresh."""

    model_config = _example(
        id="9f2c0d6f1b8e4a7c9d3e5f6a7b8c9d0e",
        created="2026-11-28T08:27:00+00:00",
        updated="2026-11-28T08:28:10+00:00",
        turns=[
            {
                "question": "市中区政府办2023年收到多少信息公开申请？",
                "answer": f"{_BODY}2023年本年新收政府信息公开申请数量为27件。",
                "status": "answered",
                "citations": [],
                "at": "2026-11-28T08:27:00+00:00",
            }
        ],
    )

    id: str
    created: str = Field(description="When the conversation started (UTC, ISO 8601).")
    updated: str = Field(
        description="When it last had a question; it is kept NIANBAO_CONVERSATION_TTL after."
    )
    turns: list[TurnOut] = Field(description="Oldest first; only the most recent turns are kept.")

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationOut:
        return cls(
            id=conversation.id,
            created=_iso(conversation.created),
            updated=_iso(conversation.updated),
            turns=[TurnOut.of(t) for t in conversation.turns],
        )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


# --- reports, figures, findings -------------------------------------------------------------


class ReportSummary(BaseModel):
    """A stored report: its body, year, layout and the file it was read from."""

    model_config = _example(
        id="2589b7eeb1d8f24a",
        body=_BODY,
        year=2023,
        layout=Layout.FORMAT_2021_30.value,
        source=_SEED,
        format="docx",
        also_seen_as=["2023_zaozhuang_shizhongqu_zfb.txt"],
        cells=200,
        title=f"{_BODY}2023年度政府信息公开工作年度报告",
        ingested_at="2026-11-28T08:27:00+00:00",
    )

    id: str = Field(description="Content hash of the file the records come from.")
    body: str
    year: int | None
    layout: str = Field(description=f"Table layout: {_LAYOUTS}.")
    source: str = Field(description="The file the records come from.")
    format: str = Field(description="That file's format: docx, html, pdf or txt.")
    also_seen_as: list[str] = Field(description="Other files holding the same report in another format.")
    cells: int = Field(description="How many table cells were read.")
    title: str
    ingested_at: str
    version: int = Field(
        default=1, description="1, 2, … among the versions of this body and year, in arrival order."
    )
    current: bool = Field(
        default=True,
        description="Whether this is the version answers, figures and search read (one per body "
        "and year); false for an earlier or a kept version (GET /api/reports/{id}/versions).",
    )
    deleted_at: str | None = Field(
        default=None, description="When this version was deleted (restorable until it is purged)."
    )

    @classmethod
    def of(cls, rep: StoredReport) -> ReportSummary:
        m = rep.meta
        return cls(
            id=m.id,
            body=m.body,
            year=m.year,
            layout=m.layout,
            source=m.source,
            format=m.format,
            also_seen_as=list(rep.also_seen_as),
            cells=rep.cells or 0,
            title=m.title,
            ingested_at=rep.ingested_at,
            version=rep.version,
            current=rep.current,
            deleted_at=rep.deleted_at,
        )


class Record(BaseModel):
    """One table cell under its canonical key, with where it sat."""

    model_config = _example(
        source=_SEED,
        body=_BODY,
        year=2023,
        key="t3.new_received.total",
        value=27,
        as_written="27",
        table="表三 收到和处理政府信息公开申请情况",
        row_label="一、本年新收政府信息公开申请数量",
        column_label="总计",
        page=None,
    )

    source: str
    body: str
    year: int | None
    key: str = Field(description="Canonical key `table.row.column`, e.g. `t3.new_received.total`.")
    value: float | int | None = Field(description="The number; null for a blank or unreadable cell.")
    as_written: str = Field(description="The cell text as the report printed it.")
    table: str
    row_label: str
    column_label: str
    page: int | None

    @classmethod
    def of(cls, cell: StoredCell) -> Record:
        return cls(
            source=cell.source,
            body=cell.body,
            year=cell.year,
            key=cell.key,
            value=cell.value,
            as_written=cell.as_written,
            table=cell.table,
            row_label=cell.row_label,
            column_label=cell.column_label,
            page=cell.page,
        )


class SectionOut(BaseModel):
    """A heading path and its character span in the report's text."""

    path: list[str] = Field(description="Heading path, outermost first.")
    start: int
    end: int


class FindingOut(BaseModel):
    """A place where a report breaks its own arithmetic (勾稽关系)."""

    model_config = _example(
        source="2023_huaian_hongzequ.pdf",
        body="洪泽区人民政府",
        year=2023,
        rule="t3.column_balance",
        keys=["t3.new_received.total"],
        numbers=[21, 20],
        message="…",
        quote=None,
    )

    source: str
    body: str
    year: int | None
    rule: str = Field(description="The rule broken, e.g. `t3.column_balance`, `narrative`.")
    keys: list[str] = Field(description="The canonical keys of the cells it names.")
    numbers: list[float]
    message: str
    quote: str | None = Field(
        description="The report's sentence, exactly as written, that the tables contradict; "
        "null for a break within the tables."
    )

    @classmethod
    def of(cls, f: StoredFinding) -> FindingOut:
        return cls(
            source=f.source,
            body=f.body,
            year=f.year,
            rule=f.rule,
            keys=list(f.keys),
            numbers=list(f.numbers),
            message=f.message,
            quote=f.quote,
        )


class TableRead(BaseModel):
    """How many cells of a standard table the report's file gave, of the cells its layout has."""

    table: str = Field(description="`t2`, `t3` or `t4`.")
    name: str = Field(description="表二, 表三 or 表四.")
    read: int
    expected: int


class ReportDetail(ReportSummary):
    """A stored report with its warnings, sections, cells and findings, the page's date and
    address, and how many cells of each standard table were read."""

    published: str | None = Field(
        None, description="The page's publication date (YYYY-MM-DD), when the page or its crawler says."
    )
    source_url: str | None = Field(None, description="The page's address, when the page or its crawler says.")
    tables: list[TableRead] = Field(
        [], description="For each standard table the report has: cells read and cells its layout has."
    )
    warnings: list[str]
    sections: list[SectionOut]
    records: list[Record]
    findings: list[FindingOut]

    @classmethod
    def of(cls, contents: ReportContents) -> ReportDetail:  # type: ignore[override]  # takes ReportContents
        rep = contents.report
        return cls(
            **ReportSummary.of(rep).model_dump(),
            published=rep.meta.published,
            source_url=rep.meta.source_url,
            tables=[
                TableRead(table=c.table, name=c.name, read=c.read, expected=c.expected) for c in rep.coverage
            ],
            warnings=list(contents.report.warnings),
            sections=[SectionOut(path=list(s.path), start=s.start, end=s.end) for s in contents.sections],
            records=[Record.of(c) for c in contents.cells],
            findings=[FindingOut.of(f) for f in contents.findings],
        )


class Metric(BaseModel):
    """A canonical key with its Chinese labels, for choosing what to chart."""

    model_config = _example(
        key="t3.new_received.total",
        table="t3",
        table_name="表三 收到和处理政府信息公开申请情况",
        row="new_received",
        column="total",
        row_label="一、本年新收政府信息公开申请数量",
        column_label="总计",
        row_heading=None,
    )

    key: str
    table: str
    table_name: str
    row: str
    column: str
    row_label: str
    column_label: str
    row_heading: str | None = Field(
        description="The heading a table-3 sub-row is printed under (`（三）不予公开`), else null."
    )


# --- admin ----------------------------------------------------------------------------------


class UploadOutcome(BaseModel):
    """What happened to one uploaded file."""

    model_config = _example(
        source=_SEED,
        status="ingested",
        message=f"{_BODY} 2023: 200 cells, 0 findings",
        report_id="2589b7eeb1d8f24a",
        cells=200,
    )

    source: str = Field(description="The uploaded file's name, without any folder part.")
    status: Literal[
        "ingested", "replaced", "unchanged", "same_report", "kept_current", "refused", "skipped"
    ] = Field(
        description="`kept_current`: stored as a version, but it reads fewer cells than the current "
        "version, which stays current (send `force=true` to replace it, or restore the version)."
    )
    message: str
    report_id: str | None
    cells: int
    current_id: str | None = Field(
        default=None, description="`kept_current`: the version that stays current."
    )
    current_cells: int | None = Field(default=None, description="`kept_current`: its cell count.")


class UploadResponse(BaseModel):
    """What happened to each uploaded file."""

    outcomes: list[UploadOutcome]


class DeleteResponse(BaseModel):
    """The id of the report deleted."""

    id: str
    deleted: bool
    message: str = Field(default="", description="How long the version stays restorable.")


class RestoreResponse(BaseModel):
    """A version made current again."""

    id: str
    status: Literal["restored", "unchanged"] = Field(
        description="`unchanged`: the version was current already."
    )
    message: str
    previous: str | None = Field(
        description="The version that was current before (still stored), if there was one."
    )


class AuditEntryOut(BaseModel):
    """One line of the audit log."""

    model_config = _example(
        at="2026-11-28T08:27:00+00:00",
        actor="key:3f9a1c0b7d2e",
        action="replace",
        report_id="2589b7eeb1d8f24a",
        body=_BODY,
        year=2023,
        source=_SEED,
        detail="current instead of 7c1d… (2023_zaozhuang_shizhongqu_zfb.txt, 200 readable cells; 200 now)",
    )

    at: str = Field(description="When (UTC).")
    actor: str = Field(
        description="Who: `key:` and a short hash of the admin key (never the key), or `cli:USER`."
    )
    action: Literal["replace", "force_replace", "keep_current", "delete", "restore", "purge"]
    report_id: str = Field(description="The version acted on.")
    body: str
    year: int | None
    source: str
    detail: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(**asdict(entry))


# --- overview -------------------------------------------------------------------------------


class BodyYears(BaseModel):
    """A stored body (its names in several years' titles as one) and the years of its reports."""

    name: str
    years: list[int]


class Overview(BaseModel):
    """What is stored, for the page's "what's here" panel, and questions it answers."""

    model_config = _example(
        reports=1,
        bodies=[{"name": _BODY, "years": [2023]}],
        examples=[f"{_BODY}2023年本年新收政府信息公开申请多少件？"],
    )

    reports: int = Field(description="How many reports (current versions) are stored.")
    bodies: list[BodyYears] = Field(description="Bodies with the most reports first.")
    examples: list[str] = Field(
        description="Questions built from what is stored, each checked to be answered."
    )


# --- feedback -------------------------------------------------------------------------------

MAX_COMMENT_CHARS = 500


class FeedbackRequest(BaseModel):
    """赞 (``up``) or 踩 (``down``) on the answer a question got in a conversation."""

    model_config = _example(
        conversation_id="4f0c2e9a8b7d4c1e9f3a2b1c0d9e8f7a",
        question="市中区政府办2023年收到多少信息公开申请？",
        rating="down",
        comment="数字对，但没说是哪一年",
    )

    conversation_id: ConversationId = Field(description="The `conversation_id` of the answer.")
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)
    ] = Field(description="The question as asked; its latest answer in the conversation is rated.")
    rating: Literal["up", "down"]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_COMMENT_CHARS)] = Field(
        "", description=f"What was wrong or right, at most {MAX_COMMENT_CHARS} characters."
    )


class FeedbackOut(BaseModel):
    """A stored rating with the question, answer and status the conversation kept."""

    at: str = Field(description="When it was rated (UTC).")
    rating: Literal["up", "down"]
    comment: str
    question: str
    answer: str
    status: str
    sources: str = Field(description="The files the answer cited, separated by `; `.")
    conversation_id: str

    @classmethod
    def of(cls, entry: Feedback) -> FeedbackOut:
        return cls(
            at=_iso(entry.at),
            rating=entry.rating,  # type: ignore[arg-type]  # stored from a validated request
            comment=entry.comment,
            question=entry.question,
            answer=entry.answer,
            status=entry.status,
            sources=entry.sources,
            conversation_id=entry.conversation_id,
        )


class Health(BaseModel):
    """Liveness, the number of stored reports, whether the search model is ready, and what is
    wrong if anything is."""

    model_config = _example(status="ok", reports=9, model="ready", reason=None, problems=[])

    status: Literal["ok", "degraded"] = Field(
        description="`ok`: nothing is wrong; `degraded`: the service answers, but `problems` says "
        "what does not work and what to do. (A store that cannot be read is a 503 in the error shape.)"
    )
    reports: int = Field(description="How many reports are stored.")
    model: Literal["loading", "ready", "unavailable"] = Field(
        description=(
            "The search index and its embedding model: `loading` right after start (figures and "
            "reports are served meanwhile; a text question waits for it), `ready`, or `unavailable` "
            "(text questions are answered by reading the reports; `reason` says why)."
        )
    )
    reason: str | None = Field(
        default=None, description="Why the model is unavailable; null when it is loading or ready."
    )
    problems: list[str] = Field(
        default=[],
        description="What is wrong, each with what to do: no reports stored, the search model "
        "failed to load, the data directory's disk (nearly) full. Empty when `status` is `ok`.",
    )
