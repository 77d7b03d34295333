"""Body identity: title, opening and signature decide the name together; a place written with one
wrong character is corrected against the 省/市/区县 table (cpca); the names corrected away are
aliases (``tests/nianbao/test_library.py``: one body is stored under one name)."""

from __future__ import annotations

from nianbao.ingest import bodies
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_bytes, read_path
from tests.conftest import RAW

SHUYANG = RAW / "2025_suqian_shuyangxian.txt"


def report(title: str, opening: str, signature: str) -> str:
    return f"{title}\n{opening}\n一、总体情况\n本机关依法做好政府信息公开工作。\n{signature}\n2024年1月20日\n"


def test_a_slip_in_the_title_is_outvoted_by_the_opening_and_the_signature() -> None:
    text = report("某市某区人民政府2023年报告", "泗阳县人民政府", "泗阳县人民政府")
    assert bodies.decide("洒阳县人民政府", text) == bodies.BodyName("泗阳县人民政府", ("洒阳县人民政府",))


def test_a_slip_in_the_signature_does_not_become_the_name() -> None:
    text = report("", "沭阳县人民政府", "沐阳县人民政府")
    assert bodies.decide("沭阳县人民政府", text) == bodies.BodyName("沭阳县人民政府", ("沐阳县人民政府",))


def test_a_longer_form_in_the_signature_is_not_a_slip() -> None:
    text = report("", "", "枣庄市市中区人民政府办公室")
    assert bodies.decide("市中区人民政府办公室", text) == bodies.BodyName("市中区人民政府办公室")


def test_a_report_without_a_body_in_its_title_takes_the_signature() -> None:
    assert bodies.decide(None, report("", "", "淮安市洪泽区人民政府")).name == "淮安市洪泽区人民政府"


def test_a_place_that_is_no_division_is_corrected_to_the_one_it_is_a_slip_of() -> None:
    assert bodies.correct_places("江苏省宿迁市沐阳县人民政府") == "江苏省宿迁市沭阳县人民政府"
    assert bodies.correct_places("淮安市洪泽匹人民政府") == "淮安市洪泽匹人民政府"  # no place to check
    assert bodies.correct_places("平潭综合实验区管理委员会") == "平潭综合实验区管理委员会"
    assert bodies.correct_places("淮安市洪泽区人民政府") == "淮安市洪泽区人民政府"


def test_a_slip_with_several_real_neighbours_and_no_look_alike_is_left_as_written() -> None:
    # 中阳县, 云阳县, 元阳县 …: one character from 丙阳县 each, none of them a look-alike.
    assert bodies.correct_places("丙阳县人民政府") == "丙阳县人民政府"


def test_the_report_that_writes_its_county_wrong_throughout_is_stored_under_the_real_name() -> None:
    meta = extract_report(read_path(SHUYANG)).meta
    written = SHUYANG.read_text(encoding="utf-8").split("\n")[2].strip()
    assert written.startswith("沐阳县")
    assert meta.body == "沭" + written[1:]
    assert meta.aliases == (written,)
    assert meta.region == "沭阳县"


def test_a_body_given_by_the_caller_is_taken_as_it_is() -> None:
    meta = extract_report(read_bytes(SHUYANG.read_bytes(), SHUYANG.name), body="沐阳县人民政府").meta
    assert (meta.body, meta.aliases) == ("沐阳县人民政府", ())


def test_same_body_needs_the_longer_names_places_where_the_shorter_one_is() -> None:
    assert bodies.same_body("洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区")
    assert not bodies.same_body("市中区人民政府办公室", "济南市市中区人民政府办公室", "枣庄市市中区")
    assert not bodies.same_body("淮安市人民政府", "市人民政府")
