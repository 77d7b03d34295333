"""The values an answer is made of. The API returns them as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["answered", "not_found", "clarify"]


@dataclass(frozen=True)
class Citation:
    """Where a number or sentence came from: the file as ingested and the place in it."""

    source: str
    body: str
    year: int | None
    locator: str
    quote: str
    report_id: str = ""
    page: int | None = None
    key: str = ""


@dataclass(frozen=True)
class Answer:
    """What a question gets: a status, the text, its citations, and the figures used.

    ``confidence`` (0–1) says how sure an answer quoted from the narrative is that the quoted
    passage answers the question (``answer.text``); None for answers read from table cells and
    for clarifying questions.
    """

    status: Status
    text: str
    citations: tuple[Citation, ...] = ()
    figures: tuple[dict, ...] = ()
    options: tuple[str, ...] = ()
    conversation_id: str = ""
    state: dict = field(default_factory=dict)
    #: This answer started a conversation (none was asked for, or the one asked for is not kept).
    conversation_new: bool = False
    confidence: float | None = None
