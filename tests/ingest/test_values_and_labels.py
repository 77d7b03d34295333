"""Cell texts and row labels as they are written in real reports."""

from __future__ import annotations

import pytest

from nianbao.ingest.labels import t2_column_key, t2_row_key, t3_row_key, t4_column_key
from nianbao.ingest.values import is_value_text, parse_value


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        (" 27 ", 27, None),
        ("\u3000\u30000", 0, None),
        ("\xa0\u30004", 4, None),
        ("5949.088667", 5949.088667, None),
        ("22（其中修订16件）", 22, "（其中修订16件）"),
        ("22（其中修订 16 件）", 22, "（其中修订16件）"),
        ("251000元", 251000, None),
        ("-3", -3, None),
        ("1,234", 1234, None),
    ],
)
def test_numbers_keep_their_value_and_note(text: str, value: float, note: str | None) -> None:
    parsed = parse_value(text)
    assert parsed.value == value
    assert parsed.note == note
    assert not parsed.blank


@pytest.mark.parametrize("text", ["", " ", "—", "/", "无", "－", "\u3000"])
def test_blanks_and_dashes_are_blank_not_zero(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.blank and parsed.value is None


@pytest.mark.parametrize("label", ["1.属于国家秘密", "2023年", "三、本年度办理结果", "总计"])
def test_labels_are_not_values(label: str) -> None:
    assert not is_value_text(label)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("一、本年新收政府信息公开申请数量", "new_received"),
        ("[bookmark: _Hlk66974104]2.其他法律行政法规禁止公开", "denied_law_prohibited"),
        ("2.其他法律行政止公开", "denied_law_prohibited"),
        ("2、其他法律行政法规禁止公开", "denied_law_prohibited"),
        ("5.要求行政机关确认或重新\n出具已获取信息", "rejected_confirm_existing"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partly_granted"),
        ("（一）予以公开", "granted"),
        ("（六）其他处理", "other_total"),
        ("3.其他", "other_other"),
        ("3、其他", "other_other"),
        ("1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
        ("（七）总计", "total_processed"),
        ("四、结转下年度继续办理", "carried_forward"),
        ("3.危及“三安全一稳定”", "denied_three_safeties"),
    ],
)
def test_table3_labels_match_by_meaning(label: str, key: str) -> None:
    assert t3_row_key(label) == key


def test_table2_and_table4_labels() -> None:
    assert t2_row_key("规范性文件") == "normative_docs"
    assert t2_row_key("行政事业性收费") == "fees"
    assert t2_row_key("第二十条第（九）项 政府集中采购") == "procurement"
    assert t2_column_key("本年收费金额（单位：万元）") == "amount_10k_yuan"
    assert t2_column_key("本年新制作数量") == "made_new"
    assert t4_column_key("尚未\n审结") == "pending"
    assert t4_column_key("结果\n维持") == "upheld"
