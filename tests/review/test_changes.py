"""What changed between two years' reports of one body: 平潭 2023 → 2024 (both .html).

Checked by hand in the two reports' tables: 表三 新收 总计 81 → 218, 自然人 80 → 217, 商业企业 1 → 1;
表二 行政许可 2629 → 4529, 行政处罚 1330 → 1100, 行政事业性收费 5949.088667 → 18651.06 万元; 表四
行政复议 总计 2 → 7 (纠正 1 → 1). Text: part 五 of 2024 says 智能化、数字化手段运用还不够充分; that of
2023 said 三是政策解读的质量有待提高. Part 六 says 无收取信息处理费情况 in both years (only the year
differs, which is no change).

Boilerplate is shown on copies of reports made here: a sentence four bodies' reports carry is
left out, one only 平潭 2024 carries is listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.catalog import Catalog
from nianbao.eval.variants import relabel
from nianbao.library import Library
from nianbao.review.changes import Changes, changes
from nianbao.settings import Settings
from tests.conftest import RAW
from tests.review.conftest import report_id


@pytest.fixture(scope="module")
def pingtan(catalog: Catalog) -> Changes:
    found = changes(catalog, report_id(catalog, "平潭", 2023), report_id(catalog, "平潭", 2024))
    assert found is not None
    return found


def test_every_changed_cell_has_both_values_and_the_change(pingtan) -> None:
    by_key = {c.key: c for c in pingtan.cells}
    new = by_key["t3.new_received.total"]
    assert (new.before.value, new.after.value, new.change) == (81, 218, 137)
    assert new.before.source == "2023_pingtan_zonghe_shiyanqu.html"
    assert new.after.source == "2024_pingtan_zonghe_shiyanqu.html"
    assert by_key["t3.new_received.natural_person"].change == 137
    assert by_key["t4.review.total"].change == 5
    assert by_key["t2.fees.amount_10k_yuan"].change == pytest.approx(18651.06 - 5949.088667)
    assert "t3.new_received.commercial" not in by_key  # 1 in both years
    assert "t4.review.corrected" not in by_key  # 1 in both years
    assert pingtan.unchanged + len(pingtan.cells) == 200


def test_the_largest_changes_lead_the_summary(pingtan) -> None:
    largest = [(c.key, c.change) for c in pingtan.largest]
    assert largest[0] == ("t2.licensing.decisions", 1900)
    assert ("t2.punishment.decisions", -230) in largest and ("t3.new_received.total", 137) in largest
    assert largest[-1][0] == "t2.fees.amount_10k_yuan"  # money after the counts


def test_rates_of_both_years_and_their_change_in_points(pingtan) -> None:
    [review] = [r for r in pingtan.rates if r.name == "review_correction"]
    assert review.before.formula == "结果纠正1 ÷ 总计2 = 50.0%"
    assert review.after.formula == "结果纠正1 ÷ 总计7 = 14.3%"
    assert review.points == -35.7


def test_sentences_added_and_removed_by_part(pingtan) -> None:
    five = [t for t in pingtan.text if t.part == 5]
    assert any(t.kind == "added" and "智能化、数字化手段运用还不够充分" in t.after for t in five)
    assert any(t.kind == "removed" and "三是政策解读的质量有待提高" in t.before for t in five)
    assert all(t.part_title == "五、存在的主要问题及改进情况" for t in five)
    assert not [t for t in pingtan.text if t.part == 6]  # 2023年/2024年，无收取信息处理费情况。


def test_a_sentence_reworded_is_one_sentence_rewritten(pingtan) -> None:
    rewritten = [t for t in pingtan.text if t.kind == "rewritten"]
    period = [t for t in rewritten if "统计期限" in t.before]
    assert period and "统计期限为2024年1月1日至2024年12月31日" in period[0].after


# --- boilerplate ----------------------------------------------------------------------------

SHARED = "本报告中的统计数据以各单位报送为准，如有出入以正式公文为准。"
OWN = "2024年还开通了政务公开短信提醒服务。"
FEES_2024 = "2024年，无收取信息处理费情况。"
FEES_BUREAU = "未发生收费情况。"  # the sentence is split by markup before it


def _boilerplate_library(data_dir: Path) -> Library:
    """平潭 2023 as it is; 平潭 2024 with SHARED and OWN added to part 六; three copies of
    沭阳县发改局 2023 filed by other bodies, each with SHARED added to part 六."""
    library = Library(Settings(data_dir=data_dir))
    pingtan_2024 = (RAW / "2024_pingtan_zonghe_shiyanqu.html").read_text(encoding="utf-8")
    bureau = (RAW / "2023_suqian_shuyangxian_fagaiju.html").read_text(encoding="utf-8")
    assert pingtan_2024.count(FEES_2024) == 1 and bureau.count(FEES_BUREAU) == 1
    files = [
        ("2023_pingtan.html", (RAW / "2023_pingtan_zonghe_shiyanqu.html").read_text(encoding="utf-8")),
        ("2024_pingtan.html", pingtan_2024.replace(FEES_2024, FEES_2024 + SHARED + OWN, 1)),
    ]
    for i, place in enumerate(("试验一县", "试验二县", "试验三县")):
        text = relabel(bureau, [["沭阳县发展和改革局", f"{place}发展和改革局"], ["沭阳县", place]])
        files.append((f"2023_bureau_{i}.html", text.replace(FEES_BUREAU, FEES_BUREAU + SHARED, 1)))
    for name, text in files:
        assert library.ingest_bytes(text.encode("utf-8"), name).status == "ingested", name
    return library


@pytest.fixture(scope="module")
def with_boilerplate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    library = _boilerplate_library(tmp_path_factory.mktemp("boilerplate") / "data")
    yield Catalog(library.engine)
    library.engine.dispose()


def test_a_sentence_most_bodies_carry_is_left_out_and_an_own_one_is_listed(with_boilerplate: Catalog) -> None:
    catalog = with_boilerplate
    assert len(catalog.by_body()) == 4
    found = changes(catalog, report_id(catalog, "平潭", 2023), report_id(catalog, "平潭", 2024))
    assert found is not None
    added = [t.after for t in found.text if t.kind == "added"]
    assert any(OWN in s for s in added)
    assert not any(SHARED in s for s in added)
    assert found.boilerplate_left_out >= 1


def test_changes_are_worked_out_again_when_the_stored_reports_change(tmp_path: Path) -> None:
    library = _boilerplate_library(tmp_path / "data")
    catalog = Catalog(library.engine)
    pair = (report_id(catalog, "平潭", 2023), report_id(catalog, "平潭", 2024))
    first = changes(catalog, *pair)
    assert first is not None and first is changes(catalog, *pair)  # kept while nothing changes
    for place in ("试验一县", "试验二县"):  # SHARED is then carried by two bodies: no boilerplate
        assert library.delete(report_id(catalog, place, 2023)) is not None
    again = changes(catalog, *pair)
    assert again is not None and again is not first
    assert any(SHARED in t.after for t in again.text if t.kind == "added")
    library.engine.dispose()
