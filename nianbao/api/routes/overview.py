"""GET /api/overview: the stored bodies and years, and example questions that they answer (the
page's "what's here" panel and its example buttons)."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.api.deps import AnswererDep
from nianbao.api.schemas import BodyYears, Overview

router = APIRouter(tags=["chat"])


@router.get("/api/overview", response_model=Overview, summary="What is stored, and questions to ask")
def overview(answerer: AnswererDep) -> Overview:
    """Each stored body with its years (most reports first), and up to four example questions
    built from them, each asked first to check that it is answered."""
    bodies, examples = answerer.overview()
    return Overview(
        reports=sum(len(years) for years in bodies.values()),
        bodies=[BodyYears(name=name, years=years) for name, years in bodies.items()],
        examples=examples,
    )
