"""The completeness audit, on real reports whose gaps were found by reading them:

- 沭阳县发改局 2023 (.html): 表三 fills only 自然人 and 总计; the five 法人或其他组织 columns are
  empty in all 25 rows. Signed 2024年1月17日; part 六: 未发生收费情况.
- 上海市科委 2024 (.txt): parts 一 总体情况, 二 工作机制保障, 三 主动公开工作情况, 四 政府信息公开申请情况 …;
  no 存在的主要问题 heading; 其他需要报告的事项 numbered 五. 表三 结转下年度 总计 left blank.
- 沭阳县 2025 (.txt): title and signature say 沐阳县人民政府 (an OCR slip for 沭阳); dated 2026年1月23日.
- 平潭 2024 (.html): the page says 时间：2025-03-10 15:35: a government's own report, due by 31 March
  (条例第四十九条第二款); a department's (第一款) would be late after 31 January.
- 上海市政府办公厅 2019 (.html): 发布日期：2020-01-31, the last day.
- 洪泽区 2023 (.pdf): 表四 行政复议 维持10 纠正1, 总计0.
- 平潭 2021 (.txt): 表二's rows are glued digit strings (行政规范性文件 693665).

The part-五 and fee rules are also tested on small texts written here.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from nianbao.catalog import Catalog
from nianbao.model import ReportMeta, StoredReport
from nianbao.review import audit_text
from nianbao.review.audit import CHECKS, audit, audit_reports
from tests.review.conftest import report_id


def items(catalog: Catalog, body: str, year: int, check: str) -> list:
    done = audit(catalog, report_id(catalog, body, year))
    assert done is not None
    return [i for i in done.items if i.check == check]


def test_every_check_runs_in_order_on_a_report(catalog: Catalog) -> None:
    done = audit(catalog, report_id(catalog, "平潭", 2024))
    assert done is not None
    assert list(dict.fromkeys(i.check for i in done.items)) == list(CHECKS)
    assert all(i.where for i in done.items)


def test_blank_legal_person_columns_are_listed_row_by_row(catalog: Catalog) -> None:
    blank = items(catalog, "沭阳县发展和改革局", 2023, "cells")
    assert len(blank) == 25 and all(i.status == "problem" for i in blank)
    first = blank[0]
    assert first.keys == tuple(
        f"t3.new_received.{c}"
        for c in ("commercial", "research", "social_welfare", "legal_service", "other_org")
    )
    assert "一、本年新收政府信息公开申请数量" in first.where and "商业企业（空白）" in first.message


def test_a_department_signed_within_january_is_on_time_under_article_49(catalog: Catalog) -> None:
    [dated] = items(catalog, "沭阳县发展和改革局", 2023, "date")
    assert dated.status == "ok" and dated.quote == "2024年1月17日" and dated.where == "落款"
    assert "2024年1月31日的期限之内" in dated.message and "第四十九条" in dated.message
    # a government's office is a department of it: its own report is due in January too
    [last_day] = items(catalog, "上海市人民政府办公厅", 2019, "date")
    assert last_day.status == "ok" and "2020-01-31" in last_day.quote
    assert "2020年1月31日的期限之内" in last_day.message and "第四十九条" in last_day.message


def test_a_government_report_published_in_march_is_on_time_under_article_49_second_paragraph(
    catalog: Catalog,
) -> None:
    [dated] = items(catalog, "平潭", 2024, "date")  # the page: 时间：2025-03-10 15:35
    assert dated.status == "ok" and "2025-03-10" in dated.quote
    assert "2025年3月10日，在2025年3月31日的期限之内" in dated.message and "第四十九条第二款" in dated.message
    [county] = items(catalog, "沭阳县人民政府", 2025, "date")
    assert (
        county.status == "ok" and "2026年3月31日" in county.message and "第四十九条第二款" in county.message
    )


def test_the_same_march_date_is_late_for_a_department(catalog: Catalog) -> None:
    text, _ = catalog.text_with_sections(report_id(catalog, "平潭", 2024))
    [stored] = catalog.matching_reports("平潭", [2024])
    department = replace(stored, meta=replace(stored.meta, body="平潭综合实验区财政金融局"))
    [late] = audit_text.date(text, department)
    assert late.status == "problem" and "2025-03-10" in late.quote
    assert "2025年3月10日晚于2025年1月31日" in late.message and "第四十九条" in late.message


def test_a_township_is_held_to_march_and_told_the_article_names_county_level_and_above(
    catalog: Catalog,
) -> None:
    # 平潭 2024's text filed by a town: 条例第四十九条 names only 县级以上 governments and their
    # departments, so the message may not say the town is one of them.
    text, _ = catalog.text_with_sections(report_id(catalog, "平潭", 2024))
    [stored] = catalog.matching_reports("平潭", [2024])
    for town in ("城关镇人民政府", "鼓楼街道办事处", "民意乡"):
        [dated] = audit_text.date(text, replace(stored, meta=replace(stored.meta, body=town)))
        assert dated.status == "ok" and "2025年3月31日的期限之内" in dated.message
        assert "未规定乡镇人民政府、街道办事处" in dated.message
        assert "县级以上地方人民政府的年报由" not in dated.message


@pytest.mark.parametrize(
    ("body", "level"),
    [
        ("平潭综合实验区", "government"),
        ("霞浦县", "government"),
        ("洪泽区人民政府", "government"),
        ("城关镇人民政府", "township"),
        ("民意乡", "township"),
        ("鼓楼街道办事处", "township"),
        ("某某苏木", "township"),
        ("杭州市西湖区教育局", "department"),
        ("市中区人民政府办公室", "department"),
    ],
)
def test_the_level_of_a_body_is_read_off_its_name(body: str, level: str) -> None:
    assert audit_text.level_of(body) == level


@pytest.mark.parametrize(
    ("body", "government"),
    [
        # the bodies of the corpus's titles
        ("平潭综合实验区", True),
        ("淮安市人民政府", True),
        ("洪泽区人民政府", True),
        ("沭阳县人民政府", True),
        ("沭阳县发展和改革局", False),
        ("市中区人民政府办公室", False),
        ("上海市人民政府办公厅", False),
        ("上海市科委", False),
        # and bodies of other kinds, named the way such reports are titled
        ("城关镇人民政府", True),
        ("苏州工业园区管理委员会", True),
        ("福州经济技术开发区管委会", True),
        ("鼓楼街道办事处", True),
        ("福建省卫生健康委员会", False),
        ("北京市市场监督管理局", False),
        ("杭州市西湖区教育局", False),
    ],
)
def test_the_deadline_follows_the_kind_of_body_its_name_gives(body: str, government: bool) -> None:
    assert audit_text.reports_as_government(body) is government


def test_fees_said_in_part_six_are_cited(catalog: Catalog) -> None:
    [fees] = items(catalog, "沭阳县发展和改革局", 2023, "fees")
    assert fees.status == "ok" and fees.quote == "2023年度，县发展和改革局政府信息公开未发生收费情况。"
    assert fees.where.startswith("六、")


def test_misnumbered_and_missing_parts_are_named(catalog: Catalog) -> None:
    found = items(catalog, "上海市科委", 2024, "sections")
    messages = " ".join(i.message for i in found)
    assert all(i.status == "problem" for i in found)
    assert "缺少第五部分「存在的主要问题及改进情况」" in messages
    assert "「三、主动公开工作情况」是第二部分" in messages
    assert "「五、其他需要报告的事项」是第六部分" in messages
    [problems] = items(catalog, "上海市科委", 2024, "problems")
    assert problems.status == "problem"


def test_a_blank_total_is_a_problem_of_its_row(catalog: Catalog) -> None:
    blank = items(catalog, "上海市科委", 2024, "cells")
    carried = [i for i in blank if "t3.carried_forward.total" in i.keys]
    assert len(carried) == 1 and carried[0].status == "problem"


def test_the_six_parts_of_a_standard_report_pass(catalog: Catalog) -> None:
    [ok] = items(catalog, "平潭", 2024, "sections")
    assert ok.status == "ok" and "六、其他需要报告的事项" in ok.message


def test_a_body_name_written_with_a_slip_is_flagged_in_title_and_signature(catalog: Catalog) -> None:
    found = items(catalog, "沭阳县人民政府", 2025, "body")
    assert [i.where for i in found] == ["标题", "落款"]
    assert all(i.status == "problem" and "沐阳县人民政府" in i.message for i in found)
    [dated] = items(catalog, "沭阳县人民政府", 2025, "date")
    assert dated.status == "ok" and dated.quote == "2026年1月23日"


def test_the_stored_arithmetic_findings_are_items_with_their_cells(catalog: Catalog) -> None:
    found = items(catalog, "洪泽", 2023, "arithmetic")
    review = [i for i in found if "t4.review.total" in i.keys]
    assert review and review[0].status == "problem"
    assert "表四 政府信息公开行政复议、行政诉讼情况 · 行政复议" in review[0].where


def test_glued_digits_are_unknown_not_blamed_on_the_report(catalog: Catalog) -> None:
    found = items(catalog, "平潭", 2021, "cells")
    glued = [i for i in found if "t2.normative_docs.made" in i.keys]
    assert glued and glued[0].status == "unknown" and "693665" in glued[0].message


def test_a_body_and_years_audit_each_current_report(catalog: Catalog) -> None:
    done = audit_reports(catalog, "平潭", [2023, 2024])
    assert [a.report.meta.year for a in done] == [2023, 2024]
    assert audit(catalog, "no-such-id") is None


# --- the text rules on texts written here --------------------------------------------------


def _report(year: int) -> StoredReport:
    meta = ReportMeta(
        "r", "x.txt", "txt", "白鹭县人民政府", None, year, "2021-30", f"白鹭县人民政府{year}年报告", "h"
    )
    return StoredReport(meta, (), (), "")


PARTS = "\n".join(
    [
        "一、总体情况",
        "略。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "",
    ]
)


def test_part_five_copied_from_last_year_is_flagged() -> None:
    five = (
        "五、存在的主要问题及改进情况\n2023年主要问题是政策解读形式较为单一，基层公开专区建设还不够均衡。\n"
    )
    last = PARTS + five.replace("2023", "2022") + "六、其他需要报告的事项\n无。"
    this = PARTS + five + "六、其他需要报告的事项\n无。"
    [item] = audit_text.problems(this, [], _report(2023), _report(2022), (last, []))
    assert item.status == "problem" and "2022年报告的第五部分基本相同" in item.message
    [fresh] = audit_text.problems(this, [], _report(2023), None, None)
    assert fresh.status == "ok" and "政策解读形式较为单一" in fresh.quote


def test_part_five_without_problems_is_flagged() -> None:
    text = (
        PARTS
        + "五、存在的主要问题及改进情况\n下一步将继续做好各项工作，推动政务公开再上新台阶。\n"
        + "六、其他需要报告的事项\n无。"
    )
    [item] = audit_text.problems(text, [], _report(2023), None, None)
    assert item.status == "problem" and "没有写出存在的问题" in item.message


def test_a_fee_charged_but_not_explained_in_part_six_is_a_problem() -> None:
    text = (
        PARTS
        + "全年收取信息处理费共计380元。\n五、存在的主要问题\n问题是人手不足。\n六、其他需要报告的事项\n无。"
    )
    [item] = audit_text.fees(text, [], [])
    assert item.status == "problem" and "收取信息处理费共计380元" in item.message
    silent = text.replace("全年收取信息处理费共计380元。\n", "")
    [unknown] = audit_text.fees(silent, [], [])
    assert unknown.status == "unknown"


def test_a_report_dated_before_the_year_is_over_is_flagged() -> None:
    early = "一、总体情况\n略。\n白鹭县人民政府\n2023年12月20日"
    [item] = audit_text.date(early, _report(2023))
    assert item.status == "problem" and "早于2023年结束" in item.message
    [none] = audit_text.date("一、总体情况\n略。", _report(2023))
    assert none.status == "unknown"
