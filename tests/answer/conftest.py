"""The made-up reports of ``tests.fixtures``, stored as records once per test module, and the
few ways the tests read them back.

Every read of the store the answer tests need is here, so a change in how the answer layer is
handed its reports (a catalogue, the shape of a stored finding) is adapted in this one file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from nianbao import store
from nianbao.answer.engine import Answerer
from nianbao.answer.quote import Source
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.model import Section, StoredFinding
from nianbao.retrieval.figures import FiguresTool
from nianbao.settings import Settings
from tests.fixtures import MadeUp, made_up_library, report_id

#: "Today" for questions with relative years (去年): the 2023 reports are the latest.
TODAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Library]:
    """The made-up reports stored as records, in SQLite and in PostgreSQL."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("made_up") / "data", database_url=module_database_url
    )
    lib = made_up_library(settings)
    yield lib
    lib.engine.dispose()


def answerer_of(library: Library) -> Answerer:
    return Answerer(Catalog(library.engine), today=TODAY)


@pytest.fixture(scope="module")
def answerer(library: Library) -> Answerer:
    return answerer_of(library)


@pytest.fixture
def empty_answerer(tmp_path: Path, database_url: str | None) -> Iterator[Answerer]:
    """An answerer over a library that holds no report."""
    empty = Library(Settings(data_dir=tmp_path / "data", database_url=database_url))
    yield answerer_of(empty)
    empty.engine.dispose()


@pytest.fixture(scope="module")
def tool(library: Library) -> FiguresTool:
    return FiguresTool(library.engine)


@pytest.fixture(scope="module")
def findings(library: Library) -> Callable[[MadeUp], list[StoredFinding]]:
    """The stored findings of a made-up report, as the answer layer is handed them."""

    def findings_of(made: MadeUp) -> list[StoredFinding]:
        return Catalog(library.engine).findings(report_ids=[report_id(made)], across_years=False)

    return findings_of


@pytest.fixture(scope="module")
def stored_text(library: Library) -> Callable[[MadeUp], str]:
    """A made-up report's text as stored: what quotes must be cut from."""

    def text_of(made: MadeUp) -> str:
        with library.engine.connect() as conn:
            return store.report_text(conn, report_id(made))

    return text_of


@pytest.fixture(scope="module")
def source(library: Library) -> Callable[[MadeUp], Source]:
    """What the quoting step reads of a stored report: its text and where each section lies."""

    def source_of(made: MadeUp) -> Source:
        rid = report_id(made)
        with library.engine.connect() as conn:
            rep = store.get_report(conn, rid)
            text = store.report_text(conn, rid)
            sections = store.load_sections(conn, rid)
        assert rep is not None
        m = rep.meta
        return Source(
            rid, m.source, m.body, m.year, text, _section_finder(sections), tuple(sections), m.title
        )

    return source_of


def _section_finder(sections: list[Section]) -> Callable[[int], str]:
    """offset → the path of the deepest section holding it (《一、总体情况 › （一）主动公开》)."""

    def section_of(offset: int) -> str:
        inside = [s.path for s in sections if s.start <= offset < s.end]
        return " › ".join(max(inside, key=len)) if inside else ""

    return section_of
