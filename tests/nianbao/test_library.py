"""Storing reports: idempotent, versions replace, one report in two formats counts once,
bad files are skipped without losing what is stored."""

from __future__ import annotations

from pathlib import Path

from nianbao import store
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path
from nianbao.library import Library, collect_files
from nianbao.settings import Settings
from tests.conftest import RAW

SEED_DOCX = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"
SEED_TXT = RAW / "2023_zaozhuang_shizhongqu_zfb.txt"
PINGTAN_HTML = RAW / "2024_pingtan_zonghe_shiyanqu.html"


def library(tmp_path: Path) -> Library:
    return Library(Settings(data_dir=tmp_path / "data"))


def count_reports(lib: Library) -> int:
    with lib.engine.connect() as conn:
        return len(store.list_reports(conn))


def test_ingesting_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    lib = library(tmp_path)
    [first] = lib.ingest_paths([PINGTAN_HTML])
    [second] = lib.ingest_paths([PINGTAN_HTML])
    assert first.status == "ingested" and first.cells > 0
    assert second.status == "unchanged"
    assert count_reports(lib) == 1


def test_a_new_version_replaces_the_old_one(tmp_path: Path) -> None:
    lib = library(tmp_path)
    original = PINGTAN_HTML.read_bytes()
    lib.ingest_bytes(original, "v1.html")
    edited = original.replace(b"218", b"219", 1)
    outcome = lib.ingest_bytes(edited, "v2.html")
    assert outcome.status == "replaced"
    with lib.engine.connect() as conn:
        [rep] = store.list_reports(conn)
    assert rep.meta.source == "v2.html"


def test_one_report_in_two_formats_is_stored_once(tmp_path: Path) -> None:
    lib = library(tmp_path)
    outcomes = list(lib.ingest_paths([SEED_TXT, SEED_DOCX]))
    assert count_reports(lib) == 1
    assert {o.status for o in outcomes} <= {"ingested", "replaced", "same_report"}
    with lib.engine.connect() as conn:
        [rep] = store.list_reports(conn)
        cells = {c.key: c.value for c in store.load_cells(conn, rep.meta.id)}
    assert set(rep.also_seen_as) | {rep.meta.source} == {SEED_TXT.name, SEED_DOCX.name}
    assert cells["t3.new_received.total"] == 27


def test_bad_files_are_skipped_and_stored_reports_survive(tmp_path: Path) -> None:
    lib = library(tmp_path)
    lib.ingest_paths([PINGTAN_HTML]).__next__()
    bad = {
        "empty.pdf": b"",
        "garbage.docx": b"PK\x03\x04 not really a zip",
        "note.txt": "这是一份会议通知，请各单位准时参加。".encode(),
        "half.pdf": (RAW / "2024_huaian_shi.pdf").read_bytes()[:5000],
    }
    outcomes = [lib.ingest_bytes(data, name) for name, data in bad.items()]
    assert [o.status for o in outcomes] == ["skipped"] * len(bad)
    assert all(o.message for o in outcomes)
    assert count_reports(lib) == 1


def test_collect_files_walks_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "a" / "readme.png").write_bytes(b"")
    assert [p.name for p in collect_files([tmp_path])] == ["x.pdf"]


def test_a_file_with_the_wrong_extension_is_read_by_its_content(tmp_path: Path) -> None:
    lib = library(tmp_path)
    outcome = lib.ingest_bytes(SEED_DOCX.read_bytes(), "misnamed.pdf")
    assert outcome.status == "ingested" and outcome.cells == 200
    pdf_as_txt = lib.ingest_bytes((RAW / "2024_huaian_shi.pdf").read_bytes(), "report.txt")
    assert pdf_as_txt.status == "ingested" and pdf_as_txt.cells == 200


HONGZE = [RAW / "2023_huaian_hongzequ.pdf", RAW / "2024_huaian_hongzequ.pdf"]


def test_one_body_under_two_titles_is_stored_under_one_name_whichever_comes_first(tmp_path: Path) -> None:
    names = [extract_report(read_path(p)).meta.body for p in HONGZE]
    assert len(set(names)) == 2  # the two years' titles name the body differently
    for i, order in enumerate((HONGZE, HONGZE[::-1])):
        lib = Library(Settings(data_dir=tmp_path / f"data{i}"))
        assert [o.status for o in lib.ingest_paths(order)] == ["ingested", "ingested"]
        with lib.engine.connect() as conn:
            stored = {rep.meta.body for rep in store.list_reports(conn)}
            aliases = store.body_alias_map(conn)
        assert len(stored) == 1
        [name] = stored
        assert aliases == {n: name for n in names if n != name}


def test_a_corrected_name_is_kept_as_an_alias_of_the_body(tmp_path: Path) -> None:
    lib = library(tmp_path)
    [outcome] = lib.ingest_paths([RAW / "2025_suqian_shuyangxian.txt"])
    with lib.engine.connect() as conn:
        [rep] = store.list_reports(conn)
        aliases = store.body_alias_map(conn)
    assert outcome.status == "ingested" and rep.meta.body.startswith("沭阳县")
    assert aliases == {"沐" + rep.meta.body[1:]: rep.meta.body}
