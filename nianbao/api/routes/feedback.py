"""POST /api/feedback (anyone: 赞/踩 on an answer) and GET /api/feedback (admin: every rating,
as JSON or a CSV download), so staff can see which questions fail."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from nianbao.api.deps import AdminDep, FeedbackDep
from nianbao.api.errors import ApiError
from nianbao.api.export import FEEDBACK_COLUMNS, feedback_csv
from nianbao.api.schemas import UNDECODABLE, ErrorResponse, FeedbackOut, FeedbackRequest

router = APIRouter(tags=["feedback"])


@router.post(
    "/api/feedback",
    response_model=FeedbackOut,
    responses={**UNDECODABLE, 404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Rate an answer: 赞 (up) or 踩 (down)",
)
def rate(request: FeedbackRequest, book: FeedbackDep) -> FeedbackOut:
    """Stored with the question, the answer and its status as the conversation kept them; rating
    the same answer again replaces the earlier rating."""
    entry = book.rate(request.conversation_id, request.question, request.rating, request.comment)
    if entry is None:
        raise ApiError(
            404,
            "not_found",
            "no answer to this question in a kept conversation (it may have expired); ask it again",
        )
    return FeedbackOut.of(entry)


@router.get(
    "/api/feedback",
    response_model=list[FeedbackOut],
    dependencies=[AdminDep],
    responses={
        200: {
            "content": {"text/csv": {"example": ",".join(FEEDBACK_COLUMNS) + "\r\n"}},
            "description": "JSON, or a CSV download with `format=csv`.",
        },
        401: {"model": ErrorResponse, "description": "X-Admin-Key missing or wrong"},
        403: {"model": ErrorResponse, "description": "NIANBAO_ADMIN_KEY is not set"},
    },
    summary="Every rating, newest first (admin)",
)
def export(
    book: FeedbackDep,
    format: Annotated[Literal["json", "csv"], Query(description="`csv` downloads the ratings")] = "json",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[FeedbackOut] | Response:
    """The ratings with the question, the answer, its status and the files it cited."""
    entries = book.entries(limit)
    if format == "csv":
        return Response(
            ("\ufeff" + feedback_csv(entries)).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="nianbao-feedback.csv"'},
        )
    return [FeedbackOut.of(e) for e in entries]
