"""Does it add up? A break is reported with both sides' numbers; a balance is shown in numbers.

白鹭县发展和改革局 2023 prints 新收10 + 上年结转1 = 11 against （七）总计9 + 结转下年度3 = 12;
白鹭县人民政府办公室 2023 balances at 37 + 3 = 38 + 2 = 40 (see ``tests.fixtures``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from nianbao.answer import check
from nianbao.answer.engine import Answerer
from nianbao.catalog import Catalog
from nianbao.retrieval.figures import FiguresTool
from nianbao.settings import Settings
from tests.fixtures import (
    BUREAU,
    BUREAU_2023,
    OFFICE,
    OFFICE_2022,
    OFFICE_2023,
    MadeUp,
    made_up_library,
    report_id,
)

Findings = Callable[[MadeUp], list]


def test_a_table_three_that_does_not_balance_is_a_break_naming_both_sums(tool: FiguresTool) -> None:
    answer = check.balance_answer(tool, [report_id(BUREAU_2023)])
    assert answer is not None and answer.status == "answered"
    assert f"{BUREAU}2023年" in answer.text and "不一致" in answer.text
    assert "＝11件" in answer.text and "＝12件" in answer.text
    assert {c.key for c in answer.citations} == {
        "t3.new_received.total",
        "t3.carried_over.total",
        "t3.total_processed.total",
        "t3.carried_forward.total",
    }


def test_a_balanced_table_three_is_said_to_balance(tool: FiguresTool) -> None:
    answer = check.balance_answer(tool, [report_id(OFFICE_2023)])
    assert answer is not None and f"{OFFICE}2023年" in answer.text
    assert answer.text.count("＝40件") == 2 and "不一致" not in answer.text and "（一致）" in answer.text


def test_no_balance_is_claimed_for_a_report_that_is_not_stored(tool: FiguresTool) -> None:
    assert check.balance_answer(tool, ["no-such-report"]) is None


def test_asking_whether_table_three_adds_up_reports_the_break(answerer: Answerer) -> None:
    broken = answerer.ask("白鹭县发改局2023年表三对得上吗？")
    assert broken.status == "answered" and "不一致" in broken.text
    assert "11" in broken.text and "12" in broken.text
    balanced = answerer.ask("白鹭县政府办2023年表三对得上吗？")
    assert balanced.status == "answered" and "不一致" not in balanced.text and "40" in balanced.text


def test_only_the_unbalanced_report_has_stored_breaks_and_they_name_both_sums(findings: Findings) -> None:
    assert findings(OFFICE_2023) == [] and findings(OFFICE_2022) == []
    stated = check.findings_answer(findings(BUREAU_2023), []).text
    assert "=11" in stated and "=12" in stated  # 新收10+上年结转1 against 总计9+结转下年度3
    assert "总计3" in stated and "之和为2" in stated  # 结转下年度: printed 3, its columns add up to 2


def test_a_question_stating_a_number_is_about_the_breaks_with_that_number(findings: Findings) -> None:
    found = findings(BUREAU_2023)
    assert len(check.related_findings("结转下年度3件对不对", found, set())) == 2  # 3 is in both breaks
    assert len(check.related_findings("新收10件对不对", found, set())) == 1  # only the column balance
    assert check.related_findings("新收7件对不对", found, set()) == []


def test_a_question_naming_cells_is_about_the_breaks_that_touch_them(findings: Findings) -> None:
    found = findings(BUREAU_2023)
    assert len(check.related_findings("对得上吗", found, {"t3.carried_forward.total"})) == 2
    assert len(check.related_findings("对得上吗", found, {"t3.new_received.total"})) == 1
    assert check.related_findings("对不对", found, {"t4.review.total"}) == []


def test_the_findings_answer_states_each_break_with_its_numbers(
    findings: Findings, tool: FiguresTool
) -> None:
    found = findings(BUREAU_2023)
    figures = tool.get([report_id(BUREAU_2023)], "t3.carried_forward.total")
    answer = check.findings_answer(check.related_findings("3件对不对", found, set()), figures)
    assert answer.status == "answered" and answer.text.startswith("不一致：")
    assert "=11" in answer.text and "=12" in answer.text
    assert "t3.carried_forward.total" in {c.key for c in answer.citations}


def test_the_findings_answer_cites_as_text_only_what_the_text_says(
    findings: Findings, stored_text: Callable[[MadeUp], str], tool: FiguresTool
) -> None:
    found = findings(BUREAU_2023)
    figures = tool.get([report_id(BUREAU_2023)], "t3.carried_forward.total")
    answer = check.findings_answer(found, figures)
    text = stored_text(BUREAU_2023)
    assert all(c.quote in text for c in answer.citations if not c.key)


def test_numbers_a_question_states_do_not_include_its_years() -> None:
    assert check.asked_numbers("2023年结转下年度3件、新收10.5件对吗") == {3.0, 10.5}


def test_a_break_across_years_is_named_as_nianbao_check_lists_it(tmp_path: Path) -> None:
    """白鹭县政府办 2022 carries 3 applications forward; this 2023 prints 上年结转 2 (balanced
    within itself: 新收38 + 2 = 38 + 2)."""
    t3 = {**OFFICE_2023.t3, "new_received": (33, 4, 0, 0, 1, 0), "carried_over": (2, 0, 0, 0, 0, 0)}
    carried_less = replace(OFFICE_2023, t3=t3, stated=[])
    library = made_up_library(Settings(data_dir=tmp_path / "data"), [OFFICE_2022, carried_less])
    try:
        catalog = Catalog(library.engine)
        crossing = [f for f in catalog.findings() if f.rule.startswith("cross_year")]
        assert crossing and all(f.year == 2023 for f in crossing)
        answer = Answerer(catalog).ask("白鹭县政府办2023年表三对得上吗？")
        assert answer.status == "answered" and "不一致" in answer.text
        assert all(f.message in answer.text for f in crossing)
        assert {(c.year, c.key) for c in answer.citations} >= {
            (2022, "t3.carried_forward.total"),
            (2023, "t3.carried_over.total"),
        }
    finally:
        library.engine.dispose()
