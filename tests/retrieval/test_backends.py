"""One conformance suite for every search backend (Haystack's document-store tests are the model):
the embedded default (SQLite records, Chroma vectors, BM25 files), the same with the vectors on a
Chroma server (``NIANBAO_CHROMA_URL``, a real ``chroma run``) and PostgreSQL (records, pgvector
and tsvector in one database). Each test of the shared library runs against all three.

The reports are the made-up ones of ``tests.fixtures``, written through the Library's real write
path (prepare → commit) and embedded with the deterministic fake, so no model loads; the tests
marked ``slow`` ingest a corpus report with the real model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from nianbao import store
from nianbao.library import Library, Prepared
from nianbao.retrieval.backend import TextIndex, open_index
from nianbao.retrieval.hybrid import Hit
from nianbao.settings import Settings
from tests.conftest import DATABASES, RAW
from tests.fakes import fake_embeddings
from tests.fixtures import BUREAU, BUREAU_2023, MADE_UP, OFFICE, OFFICE_2022, OFFICE_2023, report_of


def commit(library: Library, report: object) -> str:
    """Write a report through the Library's write path; its outcome's status."""
    index = library.index
    assert index is not None
    rows = index.chunk_rows(report)  # type: ignore[arg-type]  # a Report
    outcome = library.commit(Prepared(report, rows, index.embed(rows)))  # type: ignore[arg-type]  # a Report
    return outcome.status


@pytest.fixture(
    scope="module", params=["chroma", "chroma-server", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The settings that choose a backend: its database and Chroma URLs."""
    if request.param == "chroma":
        yield {}
    elif request.param == "chroma-server":
        from tests.servers import chroma_server

        with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
            yield {"chroma_url": url}
    else:
        from tests.servers import fresh_database

        with fresh_database(request.getfixturevalue("postgres")) as url:
            yield {"database_url": url}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, backend: dict) -> Iterator[Library]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("backend") / "data", **backend)
    lib = Library(settings, open_index(settings, fake_embeddings()))
    assert [commit(lib, report_of(made)) for made in MADE_UP] == ["ingested"] * 3
    yield lib
    lib.index.close()  # type: ignore[union-attr]  # an index is attached
    lib.engine.dispose()


@pytest.fixture(scope="module")
def index(library: Library) -> TextIndex:
    return library.index  # type: ignore[return-value]  # open_index's


def stored_text(library: Library, report_id: str) -> str:
    with library.engine.connect() as conn:
        return store.report_text(conn, report_id)


def current_chunks(library: Library) -> dict[str, str]:
    with library.engine.connect() as conn:
        return store.stored_chunks(conn)


# --- what a search returns ------------------------------------------------------------------


def test_a_question_finds_the_chunk_that_answers_it_with_everything_a_citation_needs(
    library: Library, index: TextIndex
) -> None:
    [top, *_] = index.search("白鹭县发展和改革局的联系电话是多少", k=3, body=BUREAU)
    assert "0599-7651234" in top.text
    assert (top.body, top.year, top.source, top.kind) == (BUREAU, 2023, BUREAU_2023.source, "text")
    assert top.report_id == report_of(BUREAU_2023).meta.id
    assert top.span is not None
    start, end = top.span
    assert stored_text(library, top.report_id)[start:end] in top.text
    assert top.locator == "前言"


def test_hits_are_k_distinct_chunks_best_first(index: TextIndex) -> None:
    hits = index.search("政府信息公开申请", k=7)
    assert len(hits) == 7
    assert len({h.chunk_id for h in hits}) == 7
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("政府信息公开申请", k=0) == []


@pytest.mark.parametrize(
    ("filters", "holds"),
    [
        ({"year": 2022}, lambda h: h.year == 2022),
        ({"year": [2022, 2023], "body": OFFICE}, lambda h: h.body == OFFICE),
        ({"body": "发展和改革局"}, lambda h: h.body == BUREAU),  # part of a name
        ({"body": [OFFICE, BUREAU], "year": 2023}, lambda h: h.year == 2023),
        ({"kind": "table"}, lambda h: h.kind == "table"),
        ({"kind": "text", "body": BUREAU}, lambda h: h.kind == "text" and h.body == BUREAU),
        ({"section": "主要问题"}, lambda h: "主要问题" in h.locator),
    ],
    ids=["year", "years+body", "part-of-name", "bodies+year", "kind", "kind+body", "section"],
)
def test_filters_restrict_the_hits(index: TextIndex, filters: dict, holds: object) -> None:
    hits = index.search("政府信息公开 申请 培训 电话", k=10, **filters)
    assert hits
    assert all(holds(h) for h in hits), [(h.body, h.year, h.kind, h.locator) for h in hits]  # type: ignore[operator]


def test_a_filter_that_names_nothing_stored_finds_nothing(index: TextIndex) -> None:
    assert index.search("联系电话", body="青山市统计局") == []
    assert index.search("联系电话", year=1999) == []
    assert index.search("联系电话", section="没有这一节") == []


def test_the_index_holds_exactly_the_chunks_of_the_current_versions(
    library: Library, index: TextIndex
) -> None:
    assert index.indexed() == current_chunks(library)


# --- versions: only current ones are searched ---------------------------------------------


def test_a_new_version_replaces_the_old_in_search_and_a_restore_brings_it_back(library: Library) -> None:
    index = library.index
    assert index is not None
    old = report_of(OFFICE_2023)
    parts = [(p, [t.replace("认真落实", "全面落实") for t in texts]) for p, texts in OFFICE_2023.parts]
    parts.append((("七、附记",), ["本年度新增了紫藤花开便民服务窗口。"]))
    new = report_of(replace(OFFICE_2023, parts=parts))
    assert commit(library, new) == "replaced"
    try:
        found = index.search("紫藤花开便民服务窗口", k=3, body=OFFICE, year=2023)  # type: ignore[attr-defined]
        assert found and found[0].report_id == new.meta.id
        everything = index.search("政府信息公开", k=50, body=OFFICE, year=2023)  # type: ignore[attr-defined]
        assert {h.report_id for h in everything} == {new.meta.id}
        assert index.indexed() == current_chunks(library)  # type: ignore[attr-defined]
    finally:
        change = library.restore(old.meta.id)
        assert change is not None and change.action == "restore"
    everything = index.search("政府信息公开", k=50, body=OFFICE, year=2023)  # type: ignore[attr-defined]
    assert {h.report_id for h in everything} == {old.meta.id}
    assert index.indexed() == current_chunks(library)  # type: ignore[attr-defined]


def test_a_deleted_version_leaves_search_and_comes_back_when_restored(
    library: Library, index: TextIndex
) -> None:
    rid = report_of(OFFICE_2022).meta.id
    assert library.delete(rid) is not None
    try:
        assert index.search("政府信息公开", k=50, year=2022) == []
        assert rid not in set(index.indexed().values())
    finally:
        library.restore(rid)
    assert {h.report_id for h in index.search("政府信息公开", k=50, year=2022)} == {rid}


# --- the model a store was built with ------------------------------------------------------


def test_an_index_built_with_one_model_refuses_another(library: Library) -> None:
    other = open_index(library.settings, fake_embeddings(dim=64))
    rows = other.chunk_rows(report_of(BUREAU_2023))
    with pytest.raises(RuntimeError, match="embed_model"):
        other.add(report_of(BUREAU_2023).meta.id, rows, other.embed(rows))
    other.close()


def test_an_empty_index_finds_nothing(tmp_path: Path, database_url: str | None) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    index = open_index(settings, fake_embeddings())
    try:
        assert index.search("联系电话", k=5) == []
        assert index.indexed() == {}
    finally:
        index.close()


# --- the real model, a corpus report --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("database", DATABASES)
def test_with_the_real_model_a_question_finds_the_contact_line_of_a_corpus_report(
    request: pytest.FixtureRequest, tmp_path: Path, database: str
) -> None:
    url = None
    if database == "postgresql":
        from tests.servers import fresh_database

        context = fresh_database(request.getfixturevalue("postgres"))
        url = context.__enter__()
        request.addfinalizer(lambda: context.__exit__(None, None, None))
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    library = Library(settings, open_index(settings))
    try:
        [outcome] = library.ingest_paths([RAW / "2023_zaozhuang_shizhongqu_zfb.docx"])
        assert outcome.status == "ingested", outcome.message
        hits: list[Hit] = library.index.search("市中区政府办公室的联系电话是多少", k=3)  # type: ignore[union-attr]
        assert "0632-3921308" in hits[0].text  # the report's 前言 gives this number
    finally:
        library.index.close()  # type: ignore[union-attr]
        library.engine.dispose()
