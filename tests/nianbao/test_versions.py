"""Versions are never lost: a new file with the same body and year replaces the current version
only with consent when it reads fewer cells, the old one stays restorable, a delete is soft and
purged only after the retention period, a body or year given with a file never relabels it, and
every change is in the audit log. Answers, figures, findings and search read current versions
only. The seed report (data/ and the corpus) with stubs written here; expected values from the
seed's gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.retrieval.index import SearchIndex
from nianbao.settings import Settings
from tests.conftest import GOLD, RAW
from tests.fakes import fake_embeddings

ROOT = Path(__file__).resolve().parents[2]
SEED_TXT = ROOT / "data" / "2023_zaozhuang_shizhongqu_zfb.txt"
SEED_BODY = "市中区人民政府办公室"
GOLD_SEED = json.loads((GOLD / "2023_zaozhuang_shizhongqu_zfb.json").read_text(encoding="utf-8"))
NEW_RECEIVED = "t3.new_received.total"
#: Two lines in GBK, titled like the seed report: a stub, not a report's tables.
GBK_STUB = (
    f"{SEED_BODY}2023年度政府信息公开工作年度报告\n本年度报告根据《中华人民共和国政府信息公开条例》编制。\n"
).encode("gbk")
#: Three lines of UTF-8 text with the seed's body and year.
THREE_LINES = (
    f"{SEED_BODY}\n2023年度政府信息公开工作年度报告\n一、总体情况：本机关依法推进政府信息公开工作。\n"
).encode()


def gold_value(key: str) -> float | int:
    return GOLD_SEED["cells"][key]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    assert lib.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name).status == "ingested"
    return lib


def current_new_received(lib: Library) -> list[float | int | None]:
    cells = Catalog(lib.engine).cells(body="市中区政府办", years=[2023], key=NEW_RECEIVED)
    return [c.value for c in cells]


def test_a_two_line_gbk_stub_titled_like_the_seed_report_is_kept_beside_it_not_made_current(
    library: Library,
) -> None:
    outcome = library.ingest_bytes(GBK_STUB, "stub.txt")
    assert outcome.status == "kept_current", outcome
    assert (outcome.cells, outcome.current_cells) == (0, len(GOLD_SEED["cells"]))
    assert "0 readable cells against 200" in outcome.message and "--force" in outcome.message
    assert current_new_received(library) == [gold_value(NEW_RECEIVED)]
    catalog = Catalog(library.engine)
    [current] = catalog.reports()
    assert current.meta.source == SEED_TXT.name and current.cells == len(GOLD_SEED["cells"])
    versions = catalog.versions(current.meta.id)
    assert [(v.meta.source, v.state) for v in versions] == [(SEED_TXT.name, "current"), ("stub.txt", "kept")]


def test_a_three_line_txt_with_the_same_body_and_year_does_not_replace_the_report(library: Library) -> None:
    outcome = library.ingest_bytes(THREE_LINES, "three_lines.txt")
    assert outcome.status == "kept_current"
    assert current_new_received(library) == [gold_value(NEW_RECEIVED)]


def test_with_force_the_stub_becomes_current_and_the_old_report_is_restorable(library: Library) -> None:
    catalog = Catalog(library.engine)
    [seed] = catalog.reports()
    forced = library.ingest_bytes(THREE_LINES, "three_lines.txt", force=True)
    assert forced.status == "replaced" and forced.report_id
    assert current_new_received(library) == []  # figures now read the stub, which has no tables
    [current] = catalog.reports()
    assert current.meta.source == "three_lines.txt"
    assert catalog.report(seed.meta.id) is not None  # the old version is still there, whole
    change = library.restore(seed.meta.id)
    assert change is not None and change.action == "restore" and change.previous == forced.report_id
    assert current_new_received(library) == [gold_value(NEW_RECEIVED)]
    states = {v.meta.source: v.state for v in catalog.versions(seed.meta.id)}
    assert states == {SEED_TXT.name: "current", "three_lines.txt": "kept"}


def test_force_on_a_file_stored_as_a_kept_version_makes_it_current(library: Library) -> None:
    assert library.ingest_bytes(GBK_STUB, "stub.txt").status == "kept_current"
    again = library.ingest_bytes(GBK_STUB, "stub.txt")
    assert again.status == "unchanged" and "not current" in again.message
    forced = library.ingest_bytes(GBK_STUB, "stub.txt", force=True)
    assert forced.status == "replaced"
    assert [r.meta.source for r in Catalog(library.engine).reports()] == ["stub.txt"]


def test_a_new_version_with_as_many_cells_replaces_and_the_old_one_stays_listed(tmp_path: Path) -> None:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    original = (RAW / "2024_pingtan_zonghe_shiyanqu.html").read_bytes()
    first = lib.ingest_bytes(original, "v1.html")
    second = lib.ingest_bytes(original.replace(b"218", b"219", 1), "v2.html")
    assert (first.status, second.status) == ("ingested", "replaced")
    catalog = Catalog(lib.engine)
    assert [r.meta.source for r in catalog.reports()] == ["v2.html"]
    listed = [(r.meta.source, r.current) for r in catalog.reports("versions")]
    assert listed == [("v1.html", False), ("v2.html", True)]


def test_the_same_report_in_two_formats_is_still_one_report_listed_as_also_seen_as(tmp_path: Path) -> None:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    docx, txt = RAW / "2023_zaozhuang_shizhongqu_zfb.docx", RAW / "2023_zaozhuang_shizhongqu_zfb.txt"
    statuses = [lib.ingest_bytes(p.read_bytes(), p.name).status for p in (docx, txt)]
    assert statuses == ["ingested", "same_report"]
    [rep] = Catalog(lib.engine).reports()
    assert (rep.meta.source, rep.also_seen_as) == (docx.name, (txt.name,))


# --- a body or year given with a file -------------------------------------------------------


def test_a_body_given_with_a_file_never_overrides_a_title_that_names_another(tmp_path: Path) -> None:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    outcome = lib.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name, body="淮安市人民政府")
    assert outcome.status == "refused"
    assert SEED_BODY in outcome.message and "淮安市人民政府" in outcome.message
    wrong_year = lib.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name, year=2022)
    assert wrong_year.status == "refused" and "2023" in wrong_year.message and "2022" in wrong_year.message
    assert Catalog(lib.engine).reports("versions") == []


def test_a_body_and_year_given_with_a_file_fill_what_its_title_lacks(tmp_path: Path) -> None:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    untitled = "政府信息公开工作年度报告\n一、总体情况：本机关依法推进政府信息公开工作。\n".encode()
    outcome = lib.ingest_bytes(untitled, "untitled.txt", body="某县人民政府", year=2021)
    assert outcome.status == "ingested", outcome
    [rep] = Catalog(lib.engine).reports()
    assert (rep.meta.body, rep.meta.year) == ("某县人民政府", 2021)
    # a name for the same body that the title spells out in full is not a conflict
    same = lib.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name, body="市中区政府办", year=2023)
    assert same.status == "ingested" and same.message.startswith(SEED_BODY)


# --- soft delete, retention, audit ---------------------------------------------------------


def test_delete_is_soft_restorable_and_gone_from_answers_until_restored(library: Library) -> None:
    catalog = Catalog(library.engine)
    [seed] = catalog.reports()
    change = library.delete(seed.meta.id)
    assert change is not None and "30 days" in change.message
    assert catalog.reports() == [] and current_new_received(library) == []
    assert catalog.report(seed.meta.id) is None
    assert [r.meta.id for r in catalog.reports("deleted")] == [seed.meta.id]
    assert library.delete(seed.meta.id) is None  # deleted already
    again = library.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name)
    assert again.status == "unchanged" and "restore" in again.message
    assert library.restore(seed.meta.id) is not None
    assert current_new_received(library) == [gold_value(NEW_RECEIVED)]
    assert catalog.reports("deleted") == []


def test_deleted_versions_are_purged_after_the_retention_period_and_not_before(tmp_path: Path) -> None:
    keep = Library(Settings(data_dir=tmp_path / "data"))
    keep.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name)
    [seed] = Catalog(keep.engine).reports()
    keep.delete(seed.meta.id)
    assert keep.purge_deleted() == []  # 30 days by default
    list(keep.ingest_paths([]))
    assert len(Catalog(keep.engine).reports("deleted")) == 1
    expired = Library(Settings(data_dir=tmp_path / "data", deleted_retention_days=0))
    list(expired.ingest_paths([]))  # an ingest purges what is past the retention period
    catalog = Catalog(expired.engine)
    assert catalog.reports("deleted") == [] and catalog.versions(seed.meta.id) == []
    assert expired.restore(seed.meta.id) is None
    assert [e.action for e in catalog.audit(seed.meta.id)] == ["purge", "delete"]


def test_every_replace_keep_delete_and_restore_is_logged_with_who_and_when(library: Library) -> None:
    catalog = Catalog(library.engine)
    [seed] = catalog.reports()
    kept = library.ingest_bytes(GBK_STUB, "stub.txt", actor="key:0123456789ab")
    forced = library.ingest_bytes(THREE_LINES, "three.txt", force=True, actor="key:0123456789ab")
    assert library.restore(seed.meta.id, actor="cli:tester") is not None
    assert library.delete(forced.report_id or "", actor="cli:tester") is not None
    log = list(reversed(catalog.audit()))
    assert [(e.action, e.report_id, e.actor) for e in log] == [
        ("keep_current", kept.report_id, "key:0123456789ab"),
        ("force_replace", forced.report_id, "key:0123456789ab"),
        ("restore", seed.meta.id, "cli:tester"),
        ("delete", forced.report_id, "cli:tester"),
    ]
    assert all(e.at.endswith("+00:00") and e.body == SEED_BODY and e.year == 2023 for e in log)
    assert seed.meta.id in log[1].detail  # a replace names the version it took over from


# --- only current versions are read ---------------------------------------------------------


def test_findings_and_cells_of_a_version_that_is_not_current_are_not_read(tmp_path: Path) -> None:
    lib = Library(Settings(data_dir=tmp_path / "data"))
    pingtan = (RAW / "2020_pingtan_zonghe_shiyanqu.txt").read_bytes()  # a report with findings
    first = lib.ingest_bytes(pingtan, "v1.txt")
    catalog = Catalog(lib.engine)
    assert catalog.findings(body="平潭", years=[2020])
    lib.ingest_bytes(
        "平潭综合实验区2020年政府信息公开工作年度报告\n一、总体情况：依法公开。\n".encode(),
        "stub.txt",
        force=True,
    )
    assert catalog.findings(body="平潭", years=[2020]) == []
    assert catalog.findings(report_ids=[first.report_id or ""]) == []
    assert catalog.cells(body="平潭", years=[2020]) == []
    assert [r.meta.source for r in catalog.matching_reports("平潭", [2020])] == ["stub.txt"]


def test_search_finds_chunks_of_current_versions_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    index = SearchIndex(settings, fake_embeddings())
    lib = Library(settings, index)
    seed = lib.ingest_bytes(SEED_TXT.read_bytes(), SEED_TXT.name)
    query = "市中区人民政府办公室 政府信息公开 联系电话"
    assert {h.report_id for h in index.search(query, k=5)} == {seed.report_id}
    stub = lib.ingest_bytes(THREE_LINES, "three.txt", force=True)
    assert {h.report_id for h in index.search(query, k=5)} == {stub.report_id}
    lib.restore(seed.report_id or "")
    assert {h.report_id for h in index.search(query, k=5)} == {seed.report_id}
    assert lib.reconcile().changed is False  # Chroma holds exactly the current versions' chunks
