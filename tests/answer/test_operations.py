"""Operations on figures in chat: shares of the right total, rates with their formula, ranking
and adding up across every stored body, trends said in words, and the year chosen when none is
named.

Two libraries: the made-up reports of ``tests.fixtures`` plus a 2024 report of the office that
prints no 表二 行政许可 row; and 平潭 2023–2025 from the corpus, whose figures were read by hand
in the HTML files (新收 81, 218, 154; 2024: 自然人217 of 218, 行政复议 纠正1 of 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.model import Answer
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from tests.answer.conftest import TODAY
from tests.conftest import RAW
from tests.fixtures import BUREAU, MADE_UP, OFFICE, OFFICE_2023, made_up_library

#: The office's 2024 report: the 2023 one re-dated, without its 行政许可 row in 表二.
OFFICE_2024 = replace(
    OFFICE_2023,
    year=2024,
    parts=[(path, [p.replace("2023", "2024") for p in paras]) for path, paras in OFFICE_2023.parts],
    t2={k: v for k, v in OFFICE_2023.t2.items() if not k.startswith("licensing.")},
    stated=[],
)
PINGTAN = [f"{year}_pingtan_zonghe_shiyanqu.html" for year in (2023, 2024, 2025)]


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("operations") / "data")
    library = made_up_library(settings, (*MADE_UP, OFFICE_2024))
    yield Answerer(Catalog(library.engine), today=TODAY)
    library.engine.dispose()


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("pingtan") / "data"))
    for name in PINGTAN:
        assert library.ingest_bytes((RAW / name).read_bytes(), name).status == "ingested"
    yield Answerer(Catalog(library.engine), today=TODAY)
    library.engine.dispose()


def cited(answer: Answer) -> set[tuple[int | None, str]]:
    return {(c.year, c.key) for c in answer.citations}


def all_cells_cited(answer: Answer) -> bool:
    used = {(f["year"], key) for f in answer.figures for key in f["cells"]}
    return answer.status == "answered" and bool(used) and used <= cited(answer)


# --- shares --------------------------------------------------------------------------------------


def test_an_applicant_share_is_of_the_rows_total_not_of_the_results(pingtan: Answerer) -> None:
    answer = pingtan.ask("平潭2024年自然人占比多少？")
    assert all_cells_cited(answer)
    assert "217件" in answer.text and "218件" in answer.text and "99.5%" in answer.text
    assert (2024, "t3.new_received.total") in cited(answer)


def test_a_share_of_the_made_up_office_uses_its_new_applications(made_up: Answerer) -> None:
    answer = made_up.ask("白鹭县政府办2023年新收申请中商业企业的比例是多少？")
    assert "4件" in answer.text and "37件" in answer.text and "10.8%" in answer.text  # 4 / 37


# --- rates ---------------------------------------------------------------------------------------


def test_a_rate_is_answered_with_its_formula_and_every_cell(pingtan: Answerer) -> None:
    answer = pingtan.ask("平潭2024年行政复议纠错率是多少？")
    assert all_cells_cited(answer)
    assert "行政复议纠错率 = 结果纠正1 ÷ 总计7 = 14.3%" in answer.text
    assert "样本较少" in answer.text  # 7 cases
    assert cited(answer) == {(2024, "t4.review.corrected"), (2024, "t4.review.total")}


def test_the_applicant_structure_gives_both_shares(pingtan: Answerer) -> None:
    answer = pingtan.ask("平潭2024年的申请人结构是怎样的？")
    assert "自然人217 ÷ 总计218 = 99.5%" in answer.text
    assert "法人或其他组织1 ÷ 总计218 = 0.5%" in answer.text and "样本较少" not in answer.text


def test_a_rate_over_years_says_how_it_moved(pingtan: Answerer) -> None:
    answer = pingtan.ask("平潭2023年和2024年的实质公开率分别是多少？")
    assert "(予以公开22 + 部分公开20) ÷ 办理结果总计（办结）81 = 51.9%" in answer.text
    assert "(予以公开71 + 部分公开29) ÷ 办理结果总计（办结）218 = 45.9%" in answer.text
    assert "下降6.0个百分点" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # 实质公开率 by the word its rows share (予以公开, 部分公开 → 公开): (71 + 29) / 218
        ("平潭2024年的公开比例是多少？", "= 45.9%"),
        ("平潭2024年有多大比例的申请得到了公开？", "= 45.9%"),
        # 争议转化率 by its rows named together: (7 + 0 + 19) / 218
        ("平潭2024年的申请有多少比例转成了复议或诉讼？", "= 11.9%"),
        ("平潭2024年复议和诉讼案件占新收申请的比例", "= 11.9%"),
        # 诉讼纠错率, its parts named: (0 + 2) / (0 + 19)
        ("平潭2024年行政诉讼被纠正的比例", "= 10.5%"),
    ],
)
def test_a_rate_asked_by_its_parts_is_the_rate(pingtan: Answerer, question: str, expected: str) -> None:
    answer = pingtan.ask(question)
    assert all_cells_cited(answer) and expected in answer.text, answer.text


def test_one_row_asked_as_a_proportion_stays_a_share_of_its_total(pingtan: Answerer) -> None:
    answer = pingtan.ask("平潭2024年申请人里自然人占多少？")  # 217 of 218
    assert "217件" in answer.text and "218件的99.5%" in answer.text
    # 信息公开 in the name of the applications is no 公开 of a result
    assert "公开率" not in pingtan.ask("平潭2024年政府信息公开申请中自然人的比例").text


def test_a_follow_up_keeps_the_rate_and_changes_the_year(pingtan: Answerer) -> None:
    first = pingtan.ask("平潭2024年行政复议纠错率是多少？")
    answer = pingtan.ask("那2025年呢？", first.conversation_id)
    assert "行政复议纠错率 = 结果纠正3 ÷ 总计36 = 8.3%" in answer.text  # 表四 2025: 纠正3, 总计36


def test_which_body_has_the_highest_rate_is_no_bare_question(pingtan: Answerer) -> None:
    answer = pingtan.ask("2024年哪个单位的实质公开率最高")
    assert answer.status == "answered" and "45.9%" in answer.text


def test_main_open_rate_of_the_text_is_no_derived_rate(made_up: Answerer) -> None:
    question = "白鹭县政府办2023年主动公开率是多少？"
    assert "实质公开率" not in made_up.ask(question).text


# --- every body --------------------------------------------------------------------------------


def test_which_body_received_most_ranks_every_stored_body_of_the_year(made_up: Answerer) -> None:
    answer = made_up.ask("2023年哪个单位收到的申请最多？")
    assert all_cells_cited(answer)
    assert f"最多的是{OFFICE}（37件）" in answer.text and f"{BUREAU}10件" in answer.text
    assert {c.body for c in answer.citations} == {OFFICE, BUREAU}


def test_the_fewest_is_asked_for_too(made_up: Answerer) -> None:
    assert f"最少的是{BUREAU}（10件）" in made_up.ask("2023年哪个单位收到的申请最少？").text


def test_all_bodies_added_up(made_up: Answerer) -> None:
    answer = made_up.ask("2023年所有单位一共收到多少件申请？")
    assert all_cells_cited(answer) and "合计47件" in answer.text  # 37 + 10


def test_a_body_named_is_not_ranked_against_the_others(made_up: Answerer) -> None:
    answer = made_up.ask("白鹭县发改局2023年收到多少申请？")
    assert OFFICE not in answer.text and "10件" in answer.text


# --- trends ------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["平潭的申请越来越多了吗？", "平潭收到的申请是增加还是减少？"])
def test_trend_words_read_every_year_in_order_and_say_the_direction(pingtan: Answerer, question: str) -> None:
    answer = pingtan.ask(question)
    assert all_cells_cited(answer)
    assert "有增有减" in answer.text and "从2023年的81件到2025年的154件" in answer.text
    assert "2023年到2024年增加137件" in answer.text and "2024年到2025年减少64件" in answer.text


def test_did_it_fall_is_answered_with_the_change(made_up: Answerer) -> None:
    answer = made_up.ask("白鹭县政府办2023年新收申请比2022年有没有下降？")
    assert "从2022年的25件到2023年的37件，增加12件" in answer.text


# --- the year when none is named ---------------------------------------------------------------


def test_no_year_answers_the_latest_report_and_names_the_others(made_up: Answerer) -> None:
    answer = made_up.ask("白鹭县政府办新收申请多少件？")
    assert answer.figures[0]["year"] == 2024 and "37件" in answer.text
    assert "2024年" in answer.text and "另有2022、2023年的报告" in answer.text


def test_no_year_falls_back_to_the_latest_report_that_has_the_figure(made_up: Answerer) -> None:
    answer = made_up.ask("白鹭县政府办行政许可决定有多少？")
    assert answer.status == "answered" and answer.figures[0]["year"] == 2023
    assert "120件" in answer.text and "最新的2024年报告中没有这一项" in answer.text
