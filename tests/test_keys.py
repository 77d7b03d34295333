"""The vocabulary of keys.py against the document that defines it (shared/docs/report-format.md).

The expected keys, labels, layouts, groups and sums are read from the document's text, so a
change on either side that the other does not follow fails here.
"""

from __future__ import annotations

import re

import pytest

from nianbao import keys
from tests.conftest import SHARED

DOC = (SHARED / "docs" / "report-format.md").read_text(encoding="utf-8")
CANONICAL = DOC[DOC.index("## Canonical keys") :]


def _section(heading: str) -> str:
    """The text under a ``## `` heading, up to the next one."""
    start = DOC.index(heading)
    end = DOC.find("\n## ", start + len(heading))
    return DOC[start : end if end >= 0 else len(DOC)]


def _paragraph(text: str, start: str) -> str:
    """The paragraph of ``text`` that begins with ``start``, on one line."""
    at = text.index(start)
    end = text.find("\n\n", at)
    return " ".join(text[at : end if end >= 0 else len(text)].split())


def _labelled(text: str) -> dict[str, str]:
    """```key` (label; more)`` → {key: label}."""
    return {
        key: re.split(r"[;,]", inside)[0].strip() for key, inside in re.findall(r"`(\w+)` \(([^)]*)\)", text)
    }


def _backticked(text: str) -> list[str]:
    return re.findall(r"`(\w+)`", text)


def _row_columns(paragraph: str) -> dict[str, tuple[str, ...]]:
    """``rows `a`, `b` with columns `x`, `y`; row `c` with `z`` → {a: (x, y), b: (x, y), c: (z,)}."""
    plain = re.sub(r"\([^)]*\)", "", paragraph)
    out: dict[str, tuple[str, ...]] = {}
    for clause in plain.split(";"):
        if " with " in clause:
            rows, columns = clause.split(" with ", 1)
            out.update(dict.fromkeys(_backticked(rows), tuple(_backticked(columns))))
    return out


def _same_label(doc: str, ours: str) -> bool:
    """The document's label and ours name the same thing, allowing for how each shortens it.

    Ours names a sub-row's group (``（三）不予公开 1.属于国家秘密``, ``行政诉讼 复议后起诉``) where
    the document gives only its number or the sub-row; ours or the document may carry the unit
    (``（元）``, ``（单位：万元）``); the document may name the block (``第二十条第（九）项``) and
    shortens long labels with ``…``.
    """
    doc = re.sub(r"^第二十条第（[一二三四五六七八九十]+）项\s*", "", doc)
    doc = re.sub(r"（(?:单位：)?万?元）$", "", doc)
    shortened = doc.endswith("…")
    doc = doc.rstrip("…")
    ours = re.sub(r"（(?:单位：)?万?元）$", "", ours)
    variants = {ours, ours.split(" ")[-1], re.sub(r"^(（[一二三四五六七]）)\S+ ", r"\1", ours)}
    return any(v.startswith(doc) if shortened else v == doc for v in variants)


def _t3_doc_rows() -> dict[str, str]:
    rows = re.findall(r"^\| (\w+) \| (.+?) \|$", CANONICAL, flags=re.M)
    return {key: label.split(", ")[0] for key, label in rows if key != "key"}


T2_2021 = _paragraph(CANONICAL, "Table 2 (`t2`)")
T2_2019 = _paragraph(CANONICAL, "Older layout").split("Tables 3 and 4")[0]
T4_DOC = _paragraph(CANONICAL, "Table 4 (`t4`)")


# --- keys and labels ----------------------------------------------------------------------


def test_the_2021_table_2_rows_have_the_documented_columns() -> None:
    assert _row_columns(T2_2021) == keys.T2_COLUMNS_2021


def test_the_2019_table_2_rows_have_the_documented_columns() -> None:
    assert _row_columns(T2_2019) == keys.T2_COLUMNS_2019


def test_every_table_2_row_and_2019_column_has_the_documented_label() -> None:
    labelled = {**_labelled(T2_2021), **_labelled(T2_2019)}
    rows = {*_row_columns(T2_2021), *_row_columns(T2_2019)}
    assert rows == set(keys.T2_ROWS)
    assert rows <= set(labelled)
    in_2021 = {c for columns in keys.T2_COLUMNS_2021.values() for c in columns}
    for key, label in labelled.items():
        ours = keys.T2_ROWS.get(key) or keys.T2_COLUMNS[key]
        if key in in_2021:
            # One label per key: a column both layouts have keeps the 2021 wording, of which the
            # 2019 one is a part (处理决定数量 in 本年处理决定数量).
            assert label in ours, (key, label, ours)
        else:
            assert _same_label(label, ours), (key, label, ours)


def test_the_2021_table_2_columns_have_the_labels_of_the_table_2_block() -> None:
    """Their labels are in the block table of "Table 2" (规章; 行政规范性文件 | 本年制发件数, …)."""
    blocks = re.findall(r"^\| 第二十条[^|]*\| ([^|]+) \| ([^|]+) \|$", _section("## Table 2"), flags=re.M)
    row_labels = _labelled(T2_2021)
    checked = 0
    for row, columns in keys.T2_COLUMNS_2021.items():
        [block] = [b for b in blocks if row_labels[row] in b[0].split("; ")]
        printed = [c.strip() for c in block[1].split(" — ")[0].split(", ")]
        assert len(printed) == len(columns), (row, printed)
        for column, label in zip(columns, printed, strict=True):
            assert _same_label(label, keys.T2_COLUMNS[column]), (row, column, label)
            checked += 1
    assert checked == 10


def test_every_table_3_row_has_the_documented_key_and_label() -> None:
    doc_rows = _t3_doc_rows()
    assert list(doc_rows) == list(keys.T3_ROWS)
    for key, label in doc_rows.items():
        assert _same_label(label, keys.T3_ROWS[key]), (key, label, keys.T3_ROWS[key])


def test_table_3_columns_and_the_applicant_group_are_the_documented_ones() -> None:
    column_keys = _backticked(_paragraph(CANONICAL, "Table 3 (`t3`) columns").split("Rows:")[0])[1:]
    sentence = _paragraph(_section("## Table 3"), "Seven number columns").split(".")[0]
    found = re.search(r"(\S+) split into ([^;]+);", sentence)
    assert found is not None
    group, members = found.groups()
    words = [w for w in re.findall(r"[\u4e00-\u9fff]+", sentence.split(":", 1)[1]) if w != group]
    assert column_keys == list(keys.T3_COLUMNS)
    assert words == list(keys.T3_COLUMNS.values())
    org = keys.T3_COLUMN_GROUPS["org"]
    assert org.label == group
    assert [keys.T3_COLUMNS[c] for c in org.columns] == [m.strip() for m in members.split(",")]


def test_table_4_rows_and_columns_have_the_documented_keys_and_labels() -> None:
    rows_part, columns_part = T4_DOC.split("columns:")
    assert list(_labelled(rows_part)) == list(keys.T4_ROWS)
    assert list(_labelled(columns_part)) == list(keys.T4_COLUMNS)
    for key, label in _labelled(rows_part).items():
        assert _same_label(label, keys.T4_ROWS[key]), (key, label)
    for key, label in _labelled(columns_part).items():
        assert _same_label(label, keys.T4_COLUMNS[key]), (key, label)


def test_every_key_the_document_writes_out_is_canonical() -> None:
    written = set(re.findall(r"`(t[234]\.\w+\.\w+)`", DOC))
    assert written
    assert written <= set(keys.CANONICAL_KEYS)


def test_canonical_keys_are_every_documented_row_with_each_of_its_columns() -> None:
    t2 = {
        f"t2.{r}.{c}" for layout in (T2_2021, T2_2019) for r, cs in _row_columns(layout).items() for c in cs
    }
    t3 = {f"t3.{r}.{c}" for r in _t3_doc_rows() for c in keys.T3_COLUMNS}
    t4 = {f"t4.{r}.{c}" for r in keys.T4_ROWS for c in keys.T4_COLUMNS}
    assert len(keys.CANONICAL_KEYS) == len(set(keys.CANONICAL_KEYS))
    assert set(keys.CANONICAL_KEYS) == t2 | t3 | t4


@pytest.mark.parametrize(("table", "heading", "number"), [("t2", 2, "二"), ("t3", 3, "三"), ("t4", 4, "四")])
def test_table_names_are_the_documented_titles(table: str, heading: int, number: str) -> None:
    title = re.search(rf"^## Table {heading}: (.+)$", DOC, flags=re.M)
    assert title is not None
    assert keys.TABLE_NAMES[table] == f"表{number} {title.group(1).strip()}"


def test_layout_values_are_the_documented_circulars() -> None:
    circulars = {f"{year}-{number}" for year, number in re.findall(r"〔(\d{4})〕(\d+)号", DOC)}
    assert circulars == {keys.Layout.FORMAT_2021_30, keys.Layout.FORMAT_2019_60}
    assert {str(layout) for layout in keys.Layout} == {"2021-30", "2019-60", "older", "unknown"}


# --- groups -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(keys.ROW_GROUPS))
def test_every_row_group_member_is_a_row_of_its_table(name: str) -> None:
    table = name.split(".")[0]
    group = keys.ROW_GROUPS[name]
    assert group.rows
    assert set(group.rows) <= set(keys.TABLE_ROWS[table])


@pytest.mark.parametrize("name", ["t3.denied", "t3.unavailable", "t3.rejected"])
def test_a_numbered_table_3_group_is_every_row_the_document_numbers_under_it(name: str) -> None:
    group = keys.ROW_GROUPS[name]
    heading = keys.row_heading("t3", group.rows[0])
    assert heading is not None
    marker = heading[: heading.index("）") + 1]
    assert heading == marker + group.label
    assert re.search(rf"{marker}\s*{group.label}", _section("## Table 3"))
    documented = [k for k, label in _t3_doc_rows().items() if label.startswith(marker)]
    assert list(group.rows) == documented


def test_other_processing_is_one_row_or_the_sub_rows_the_document_numbers_under_it() -> None:
    documented = [k for k, label in _t3_doc_rows().items() if label.startswith("（六）")]
    assert set(documented) == {*keys.ROW_GROUPS["t3.other"].rows, *keys.T3_OTHER_SUBROWS}
    assert keys.ROW_GROUPS["t3.other"].rows == ("other_total",)
    assert re.search(r"（六）其他处理", _section("## Table 3"))


def test_lawsuits_are_the_two_kinds_the_document_splits_them_into() -> None:
    group = keys.ROW_GROUPS["t4.suit"]
    table4 = " ".join(_section("## Table 4").split())
    split = re.search(rf"{group.label} split into (\S+) and (\S+?),", table4)
    assert split is not None
    labels = _labelled(T4_DOC.split("columns:")[0])
    assert [labels[row] for row in group.rows] == list(split.groups())


def test_total_keys_of_a_group_are_its_rows_totals_and_a_key_is_itself() -> None:
    assert keys.total_keys("t3.granted_or_partly") == ("t3.granted.total", "t3.partly_granted.total")
    assert keys.total_keys("t3.other") == ("t3.other_total.total",)
    assert keys.total_keys("t4.review.total") == ("t4.review.total",)


def test_only_table_3_sub_rows_have_a_heading() -> None:
    assert keys.row_heading("t3", "rejected_duplicate") == "（五）不予处理"
    assert keys.row_heading("t3", "other_total") is None
    assert keys.row_heading("t3", "granted") is None
    assert keys.row_heading("t4", "suit_direct") is None  # 行政诉讼 heads columns in the printed table 4


# --- arithmetic ---------------------------------------------------------------------------


def _rule(start: str) -> str:
    line = next(x for x in _section("## Arithmetic").splitlines() if x.startswith(f"- {start}"))
    return line.split(":", 1)[1]


def _numbered(markers: list[str]) -> list[str]:
    """The table-3 rows whose documented label starts with one of ``markers``, in table order."""
    return [k for k, label in _t3_doc_rows().items() if label.startswith(tuple(markers))]


def test_the_column_balance_is_the_documented_one_plus_two_equals_seven_plus_four() -> None:
    left, right = (
        re.findall(r"（[一二三四五六七]）|[一二三四五六七]", side)
        for side in _rule("Table 3, every column").split("=")
    )
    rule = keys.BALANCES["t3.column_balance"]
    assert list(rule.left) == [_numbered([m])[0] for m in left]
    assert list(rule.right) == [_numbered([m])[0] for m in right]
    assert rule.across == "rows"


def test_the_results_total_is_every_documented_result_row() -> None:
    text = _rule("Table 3: （七）总计")
    first, last = re.findall(r"（[一二三四五六七]）", text.split("all sub-rows of")[1])
    numerals = "一二三四五六七"
    markers = [f"（{n}）" for n in numerals[: numerals.index(last[1]) + 1]]
    rule = keys.BALANCES["t3.results_total"]
    assert first == "（三）"
    assert list(rule.left) == _numbered(markers)
    assert rule.right == ("total_processed",)


def test_a_row_total_is_natural_persons_plus_the_organisation_columns() -> None:
    text = _rule("Table 3, every row")
    rule = keys.BALANCES["t3.row_total"]
    assert "自然人" in text and keys.T3_COLUMN_GROUPS["org"].label in text
    assert rule.left == ("natural_person", *keys.T3_COLUMN_GROUPS["org"].columns)
    assert rule.right == ("total",) and rule.across == "columns"


def test_a_table_4_group_total_is_the_documented_four_results() -> None:
    total, parts = _rule("Table 4, each of the three groups").rstrip(".").split("=")
    words = [w.strip() for w in parts.split("+")]
    rule = keys.BALANCES["t4.group_total"]
    assert [keys.T4_COLUMNS[c] for c in rule.right] == [total.strip()]
    assert len(rule.left) == len(words)
    assert all(word in keys.T4_COLUMNS[c] for c, word in zip(rule.left, words, strict=True))


@pytest.mark.parametrize("name", list(keys.BALANCES))
def test_every_balance_names_rows_and_columns_of_its_table(name: str) -> None:
    rule = keys.BALANCES[name]
    names = keys.TABLE_ROWS[rule.table] if rule.across == "rows" else keys.TABLE_COLUMNS[rule.table]
    assert set(rule.terms) <= set(names)


def test_table_2_combos_are_both_layouts_columns_2021_first() -> None:
    for row, columns in keys.T2_COMBOS.items():
        assert set(columns) == {*keys.T2_COLUMNS_2021.get(row, ()), *keys.T2_COLUMNS_2019.get(row, ())}
        assert columns[: len(keys.T2_COLUMNS_2021.get(row, ()))] == keys.T2_COLUMNS_2021.get(row, ())
    assert set(keys.T2_COMBOS) == set(keys.T2_ROWS)
