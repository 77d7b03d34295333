"""ingest/read_txt.py on every plain-text report of the corpus and on bad input.

Expected figures come from the gold file (seed report) or were read by eye from the raw text.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from nianbao.ingest.errors import UnreadableFile
from nianbao.ingest.labels import normalise
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_bytes
from nianbao.ingest.read_txt import read_txt
from nianbao.model import Document, Paragraph, Table

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
RAW = CORPUS / "raw"
TXT_FILES = sorted(p.name for p in RAW.glob("*.txt"))
SEED = "2023_zaozhuang_shizhongqu_zfb.txt"
T3_COLUMNS = "natural_person commercial research social_welfare legal_service other_org total".split()
T4_KEYS = [
    f"t4.{r}.{c}"
    for r in ("review", "suit_direct", "suit_after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
]


def _read(name: str) -> Document:
    return read_txt((RAW / name).read_bytes(), name, "0" * 64)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: _read(name) for name in TXT_FILES}


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((CORPUS / "gold" / SEED.replace(".txt", ".json")).read_text(encoding="utf-8"))


def _row_with(doc: Document, word: str) -> tuple[str, ...]:
    """The first row with a cell containing ``word`` (whitespace ignored) and a number."""
    return next(
        row
        for t in doc.tables
        for row in t.rows
        if any(word in normalise(c) for c in row) and any(_is_number(c) for c in row)
    )


def _cells(doc: Document) -> list[str]:
    return [cell for t in doc.tables for row in t.rows for cell in row]


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


# --- every file ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TXT_FILES)
def test_every_txt_in_the_corpus_reads_into_titled_text(docs, name) -> None:
    doc = docs[name]
    assert doc.format == "txt" and doc.source == name
    assert "报告" in doc.title
    assert len(doc.text) > 1000


@pytest.mark.parametrize("name", TXT_FILES)
def test_no_converter_residue_or_page_footer_reaches_the_output(docs, name) -> None:
    everything = "\n".join([docs[name].text, *_cells(docs[name])])
    assert "[bookmark" not in everything and "[image" not in everything and "_Hlk" not in everything
    assert not re.search(r"^— \d+ —$", everything, re.M)


def test_read_bytes_dispatches_plain_text_here() -> None:
    doc = read_bytes((RAW / SEED).read_bytes(), SEED)
    assert doc.format == "txt" and doc.tables


# --- one cell a line: the seed report ----------------------------------------------------------


def test_seed_not_held_row_has_the_gold_figures(docs, gold) -> None:
    row = _row_with(docs[SEED], "本机关不掌握")
    expected = [gold["cells"][f"t3.unavailable_not_held.{c}"] for c in T3_COLUMNS]
    assert [int(c) for c in row[-7:]] == expected
    assert not _is_number(row[-8])


def test_seed_bookmark_digits_never_become_numbers(docs) -> None:
    cells = _cells(docs[SEED])
    assert not any("66973" in c or "66974" in c or "66975" in c for c in cells)
    assert all(len(c) < 6 for c in cells if _is_number(c))


def test_seed_table_four_is_one_row_of_the_fifteen_gold_figures(docs, gold) -> None:
    expected = [gold["cells"][k] for k in T4_KEYS]
    rows = [row for row in docs[SEED].tables[2].rows if row and all(_is_number(c) for c in row)]
    assert [[int(c) for c in row] for row in rows] == [expected]


def test_seed_title_joins_the_two_title_lines(docs) -> None:
    assert docs[SEED].title == "市中区人民政府办公室2023年度政府信息公开工作年度报告"


def test_seed_narrative_keeps_the_contact_phone_and_its_headings(docs) -> None:
    doc = docs[SEED]
    assert "0632-3921308" in doc.text
    texts = [p.text for p in doc.paragraphs]
    assert "一、总体情况" in texts and "六、其他需要报告的事项" in texts


def test_seed_has_one_table_per_region_right_after_its_heading(docs) -> None:
    blocks = docs[SEED].blocks
    kinds = ["table" if isinstance(b, Table) else b.text[:2] for b in blocks]
    assert kinds.count("table") == 3
    for heading in ("二、", "三、", "四、"):
        assert kinds[kinds.index(heading) + 1] == "table"
    assert all(not t.flat for t in docs[SEED].tables)


def test_seed_wrapped_label_is_one_cell(docs) -> None:
    assert "5.要求行政机关确认或重新出具已获取信息" in _cells(docs[SEED])
    header = docs[SEED].tables[2].rows[1]
    assert header[:4] == ("结果维持", "结果纠正", "其他结果", "尚未审结")


def test_seed_merged_group_label_stands_beside_each_sub_row(docs) -> None:
    row = _row_with(docs[SEED], "其他法律行政法规禁止公开")
    assert row[:2] == ("三、本年度办理结果", "（三）不予公开")
    assert _row_with(docs[SEED], "3.其他")[1] == "（六）其他处理"


def test_seed_header_rows_carry_no_padding_blank(docs) -> None:
    header = docs[SEED].tables[1].rows[2]
    assert "商业企业" in header and header[-1] == "其他"


# --- flat web text: 平潭 ---------------------------------------------------------------------

PINGTAN = [f"{y}_pingtan_zonghe_shiyanqu.txt" for y in range(2019, 2026)]


@pytest.mark.parametrize("name", [*PINGTAN, "2018_pingtan_zonghe_shiyanqu_oldformat.txt"])
def test_pingtan_title_is_the_crawler_header_and_the_header_is_not_text(docs, name) -> None:
    year = name[:4]
    assert docs[name].title == f"平潭综合实验区{year}年度政府信息公开工作年度报告"
    assert "原文链接" not in docs[name].text and "====" not in docs[name].text


@pytest.mark.parametrize("name", PINGTAN)
def test_pingtan_tables_are_flat_rows_of_label_and_digits(docs, name) -> None:
    tables = docs[name].tables
    assert len(tables) == 3 and all(t.flat for t in tables)
    assert all(len(row) == 2 and re.fullmatch(r"[-\d .元]*", row[1]) for t in tables for row in t.rows)


@pytest.mark.parametrize("name", PINGTAN)
def test_pingtan_paragraphs_are_cut_at_the_section_headings(docs, name) -> None:
    texts = [p.text for p in docs[name].paragraphs]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"):
        assert heading in texts
    assert any(t.startswith("五、") for t in texts) and "六、其他需要报告的事项" in texts
    assert any(t.startswith("（一）") for t in texts)


def test_pingtan_digit_run_ends_before_the_next_labels_number(docs) -> None:
    rows = docs["2023_pingtan_zonghe_shiyanqu.txt"].tables[1].rows
    assert ("一、本年新收政府信息公开申请数量", "801000081") in rows
    assert ("（三）不予公开1.属于国家秘密", "0000000") in rows
    assert ("2.其他法律行政法规禁止公开", "0000000") in rows
    assert ("3.其他", "1000001") in rows


def test_pingtan_header_text_is_a_row_of_its_own_with_empty_digits(docs) -> None:
    rows = docs["2023_pingtan_zonghe_shiyanqu.txt"].tables[0].rows
    assert ("规章", "000") in rows and ("行政许可", "2629") in rows
    assert ("第二十条第（五）项信息内容本年处理决定数量", "") in rows
    assert docs["2023_pingtan_zonghe_shiyanqu.txt"].tables[1].rows[0][1] == ""


def test_pingtan_decimals_negatives_and_written_spaces_stay_in_the_digits(docs) -> None:
    assert ("行政事业性收费", "5949.088667") in docs["2023_pingtan_zonghe_shiyanqu.txt"].tables[0].rows
    assert ("行政事业性收费", "18651.06") in docs["2024_pingtan_zonghe_shiyanqu.txt"].tables[0].rows
    old = docs["2020_pingtan_zonghe_shiyanqu.txt"].tables[0].rows
    assert ("行政处罚", "2648-18538") in old and ("行政事业性收费", "35-15") in old
    rows_2019 = docs["2019_pingtan_zonghe_shiyanqu.txt"].tables[1].rows
    assert ("一、本年新收政府信息公开申请数量", "230 000023") in rows_2019


def test_pingtan_table_four_is_one_digit_string_after_its_header(docs) -> None:
    ((label, digits),) = docs["2023_pingtan_zonghe_shiyanqu.txt"].tables[2].rows
    assert label.startswith("行政复议行政诉讼结果维持") and label.endswith("总计")
    assert digits == "110024001510102"


def test_old_format_report_reads_as_paragraphs_cut_at_its_headings(docs) -> None:
    doc = docs["2018_pingtan_zonghe_shiyanqu_oldformat.txt"]
    assert doc.tables == []
    texts = [p.text for p in doc.paragraphs]
    assert "六、政府信息公开情况统计表" in texts
    assert any(t.startswith("指标名称计量单位") for t in texts)


# --- markdown from PDF/OCR ---------------------------------------------------------------------

SHANGHAI = "2025_shanghai_shizhengfu_bangongting.txt"
KEWEI = "2024_shanghai_kewei.txt"
SHUYANG = "2025_suqian_shuyangxian.txt"
#: Table 3 in the national order, as a test writes it (labels typed here, not taken from code).
T3_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_query_item": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_mass_repeated": "4.无正当理由大量反复申请",
    "rejected_confirm_existing": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
KEYS_T3 = list(T3_LABELS)


def test_shanghai_not_held_row_has_its_figures(docs) -> None:
    row = _row_with(docs[SHANGHAI], "本机关不掌握")
    assert row == ("1.本机关不掌握相关政府信息", "484", "28", "0", "0", "1", "0", "513")


def test_shanghai_cell_note_printed_apart_rejoins_its_number(docs) -> None:
    # the 本年废止 cell was lost in extraction: two values, none invented
    assert _row_with(docs[SHANGHAI], "规章") == ("规章", "22（其中修订 16 件）", "235")


def test_shanghai_label_on_the_lines_before_a_label_less_row_is_attached(docs) -> None:
    row = _row_with(docs[SHANGHAI], "部分公开")
    assert row == ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", *"2 0 0 0 0 0 2".split())


def test_shanghai_padding_cells_are_dropped_and_split_labels_kept(docs) -> None:
    assert _row_with(docs[SHANGHAI], "国家秘密")[-1] == "4"
    assert _row_with(docs[SHANGHAI], "第三方")[:2] == ("（三）不", "4.保护第三方合法权益")
    assert _row_with(docs[SHANGHAI], "缴纳费用")[0] == "缴纳费用、行政机关不再处理其政"


def test_shanghai_plain_text_rows_and_the_fifteen_figure_row(docs) -> None:
    assert _row_with(docs[SHANGHAI], "行政许可") == ("行政许可", "0")
    row = next(r for r in docs[SHANGHAI].tables[2].rows if len(r) == 15)
    assert row == tuple("40 0 10 5 55 2 0 4 6 12 6 0 9 7 22".split())


def test_kewei_blank_total_is_kept_as_a_blank_cell(docs) -> None:
    row = _row_with(docs[KEWEI], "结转下年度")
    assert row == ("四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "")


def test_kewei_jumbled_labels_are_not_pinned_on_a_row(docs) -> None:
    # "（三）不/予公开/5.属于三类内部事务信/息/1.本机关不掌握相关政/府信息" name two rows: no
    # fragment of that jumble is pinned on the row after it; its label comes from its place.
    t3 = docs[KEWEI].tables[1]
    jumble_at = t3.rows.index(("府信息",))
    assert t3.rows[jumble_at + 1] == ("（三）不予公开 5.属于三类内部事务信息", *"1 0 0 0 0 0 1".split())
    assert _row_with(docs[KEWEI], "缴纳费用")[0].startswith("（六）其他处理2.申请人逾期未按收费通知要求")


@pytest.fixture(scope="module")
def reports(docs) -> dict:
    return {name: extract_report(docs[name]) for name in (KEWEI, SHANGHAI, SHUYANG)}


def _t3_row(report, row: str) -> list:
    return [report.cell(f"t3.{row}.{c}").value for c in T3_COLUMNS]


# Rows of 科委 table 3 that lost their label, read by eye in the order the file prints them:
# each sits between two labelled rows with exactly its own place free in the national order.
KEWEI_ROWS_BY_PLACE = {
    "partly_granted": [0, 0, 0, 0, 0, 0, 0],  # after （一）予以公开, before 1.属于国家秘密
    "denied_law_prohibited": [0, 0, 0, 0, 0, 0, 0],  # between 1.国家秘密 and 3.危及
    "denied_internal_affairs": [1, 0, 0, 0, 0, 0, 1],  # between 4.第三方 and 6.过程性
    "unavailable_not_held": [4, 0, 0, 0, 0, 0, 4],  # three rows between 8.查询事项 and 1.信访
    "unavailable_needs_creation": [6, 0, 0, 0, 0, 0, 6],
    "unavailable_unclear": [0, 0, 0, 0, 0, 0, 0],
    "rejected_mass_repeated": [0, 0, 0, 0, 0, 0, 0],  # three rows between 3.出版物 and （六）2.缴纳费用
    "rejected_confirm_existing": [0, 0, 0, 0, 0, 0, 0],
    "other_no_correction": [8, 2, 0, 0, 0, 0, 10],
}


@pytest.mark.parametrize("row", KEWEI_ROWS_BY_PLACE)
def test_kewei_label_less_rows_take_the_label_of_their_place(reports, row) -> None:
    assert _t3_row(reports[KEWEI], row) == KEWEI_ROWS_BY_PLACE[row]


def test_kewei_table_three_is_complete_and_agrees_with_the_narrative(reports) -> None:
    report = reports[KEWEI]
    assert len({c.key.rsplit(".", 1)[0] for c in report.cells if c.key.startswith("t3.")}) == 25

    def total(*rows: str) -> int:
        return sum(report.cell(f"t3.{r}.total").value for r in rows)

    # section 四: 34 received, 2 carried over, 同意公开 9, 部分公开 0, 不予公开 2, 无法提供 10,
    # 不予处理 0, 其他处理 14
    assert total("new_received") == 34 and total("carried_over") == 2
    assert total("granted") == 9 and total("partly_granted") == 0
    denied = [k for k in KEYS_T3 if k.startswith("denied_")]
    assert total(*denied) == 2
    assert total("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear") == 10
    assert total(*[k for k in KEYS_T3 if k.startswith("rejected_")]) == 0
    assert total("other_no_correction", "other_no_fee", "other_other") == 14
    assert not report.findings


def test_shanghai_confirm_and_no_correction_rows_take_the_labels_of_their_places(docs, reports) -> None:
    # between 4.无正当理由大量反复申请 and the 缴纳费用 row: a label-less row and one whose label
    # survived only as "行政机关不再处理其政府信息公"
    assert _t3_row(reports[SHANGHAI], "rejected_confirm_existing") == [0, 0, 0, 0, 0, 0, 0]
    assert _t3_row(reports[SHANGHAI], "other_no_correction") == [40, 1, 0, 0, 2, 0, 43]
    assert _row_with(docs[SHANGHAI], "不补正")[0] == "行政机关不再处理其政府信息公"


def test_a_label_less_row_whose_place_is_not_certain_stays_label_less() -> None:
    # two label-less rows where the order leaves room for three: neither is labelled
    lines = ["某县2025年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    numbers = "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |"
    for key, label in T3_LABELS.items():
        missing = key in ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
        if key != "unavailable_unclear":
            lines.append(numbers if missing else f"| {label} {numbers}")
    doc = read_txt("\n".join(lines).encode(), "t3.txt", "0")
    assert doc.tables[0].rows.count(tuple("1 0 0 0 0 0 1".split())) == 2


def test_a_label_less_row_between_known_neighbours_takes_its_label() -> None:
    lines = ["某县2025年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    for key, label in T3_LABELS.items():
        lines.append(f"| {'' if key == 'partly_granted' else label} | 2 | 0 | 0 | 0 | 0 | 0 | 2 |")
    report = extract_report(read_txt("\n".join(lines).encode(), "t3.txt", "0"))
    assert [report.cell(f"t3.partly_granted.{c}").value for c in T3_COLUMNS] == [2, 0, 0, 0, 0, 0, 2]


def test_shuyang_new_received_row_has_its_figures(docs) -> None:
    row = _row_with(docs[SHUYANG], "本年新收")
    assert row[-7:] == ("705", "3", "0", "0", "5", "0", "713")


def test_shuyang_table_four_mini_tables_become_one_row_of_fifteen(docs) -> None:
    table = docs[SHUYANG].tables[2]
    numeric = [row for row in table.rows if any(_is_number(c) for c in row)]
    assert numeric == [tuple("27 10 9 15 61 3 0 0 0 3 8 0 1 1 10".split())]
    assert table.rows[0] == ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
    assert table.rows[1][0] == "结果维持"


def test_shuyang_table_four_cells_come_out_of_the_pipeline(reports) -> None:
    # 行政复议 27/10/9/15/61, 未经复议直接起诉 3/0/0/0/3, 复议后起诉 8/0/1/1/10
    expected = [27, 10, 9, 15, 61, 3, 0, 0, 0, 3, 8, 0, 1, 1, 10]
    assert [reports[SHUYANG].cell(k).value for k in T4_KEYS] == expected


def test_table_four_groups_out_of_order_stay_three_labelled_rows() -> None:
    header = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
    text = "某县2025年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
    for group, total in (("行政诉讼（复议后起诉）", 1), ("行政复议", 2), ("行政诉讼（未经复议直接起诉）", 3)):
        text += f"### {group}\n{header}| {total} | 0 | 0 | 0 | {total} |\n"
    doc = read_txt(text.encode(), "t4.txt", "0")
    numeric = [row for row in doc.tables[0].rows if any(_is_number(c) for c in row)]
    labels = [row[0] for row in numeric]
    assert labels == ["行政诉讼（复议后起诉）", "行政复议", "行政诉讼（未经复议直接起诉）"]


# --- decoding and bad input --------------------------------------------------------------------


def test_gb18030_and_bom_files_read_like_the_utf8_file(docs) -> None:
    text = (RAW / SEED).read_text(encoding="utf-8-sig")
    for data in (text.encode("gb18030"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        doc = read_txt(data, SEED, "0" * 64)
        assert doc.title == docs[SEED].title and doc.blocks == docs[SEED].blocks


@pytest.mark.parametrize(
    "data",
    [b"", b"  \n\t \r\n", b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4000), bytes(range(32)) * 50],
    ids=["empty", "whitespace", "png-like-garbage", "control-bytes"],
)
def test_empty_or_binary_input_is_unreadable(data) -> None:
    with pytest.raises(UnreadableFile):
        read_txt(data, "bad.txt", "0")


def test_unreadable_message_names_the_file() -> None:
    with pytest.raises(UnreadableFile, match="bad.txt"):
        read_txt(random.Random(1).randbytes(3000), "bad.txt", "0")


def test_text_without_a_report_title_takes_its_first_line() -> None:
    doc = read_txt("某机关工作情况\n正文一段。".encode(), "x.txt", "0")
    assert doc.title == "某机关工作情况" and isinstance(doc.blocks[0], Paragraph)


def test_a_whole_page_line_without_section_headings_reads_as_text() -> None:
    # a line past WHOLE_PAGE_LINE with no 一、…六、 heading is narrative, not a crash
    text = "某县2023年政府信息公开工作年度报告\n|---|---|" + "0" * 2000 + " |"
    doc = read_txt(text.encode(), "long.txt", "0")
    assert doc.tables == [] and doc.paragraphs[-1].text.endswith("0 |")
