"""GET /api/conversations/{id}: a conversation's turns, so the page shows it again after a refresh."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from nianbao.api.deps import AnswererDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import ConversationOut, ErrorResponse

router = APIRouter(tags=["chat"])


@router.get(
    "/api/conversations/{conversation_id}",
    response_model=ConversationOut,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="A conversation's questions and answers",
)
def get_conversation(
    conversation_id: Annotated[
        str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The `conversation_id` of a chat answer.")
    ],
    answerer: AnswererDep,
) -> ConversationOut:
    """The turns of a kept conversation, oldest first; 404 when it is not kept (never issued,
    or expired)."""
    conversation = answerer.conversation(conversation_id)
    if conversation is None:
        raise ApiError(
            404, "not_found", "no conversation with this id is kept (it may have expired); start a new one"
        )
    return ConversationOut.of(conversation)
