"""POST /api/chat: a question in, an answer with its citations out."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from nianbao.api.deps import AnswererDep, CatalogDep
from nianbao.api.schemas import UNDECODABLE, ChatRequest, ChatResponse, ErrorResponse

log = logging.getLogger("nianbao.api")
router = APIRouter(tags=["chat"])


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={**UNDECODABLE, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Ask a question about the stored reports",
)
def chat(request: ChatRequest, answerer: AnswererDep, catalog: CatalogDep) -> ChatResponse:
    """Answer with exact figures and a citation for each; follow-ups reuse ``conversation_id``.

    A plain ``def``: FastAPI runs it in the threadpool, so the blocking answer code never stalls
    the event loop.
    """
    log.info("chat question %r", request.question[:100])  # %r: a newline cannot forge a log line
    answer = answerer.ask(request.question, request.conversation_id)
    log.info("chat answer %s in conversation %s", answer.status, answer.conversation_id[:12])
    return ChatResponse.from_answer(answer, catalog.cited_keys(answer.citations))
