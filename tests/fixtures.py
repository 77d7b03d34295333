"""Three small made-up reports, built in code and stored as records (no search index).

Two bodies of one made-up county, 白鹭县: its government office (2022 and 2023) and its
development and reform bureau (2023). The numbers are chosen here, the way a report prints
them; the tests that use them write the values they expect as literals. The bureau's 表三 does
not balance: its 结转下年度 总计 is printed as 3 where its columns add up to 2.

Gold, 表三 总计 column:

=================  ===========  ===========  ===========
row                政府办 2022  政府办 2023  发改局 2023
=================  ===========  ===========  ===========
一 新收            25           37           10
二 上年结转        1            3            1
（一）予以公开     (blank) 10   14           7
（二）部分公开     4            5            1
（三）不予公开     2            6            0
（四）无法提供     6            8            1
（五）不予处理     1            3            0
（六）其他处理     0            2            0
（七）总计         23           38           9
四 结转下年度      3            2            3 (columns: 2)
=================  ===========  ===========  ===========

>>> library = made_up_library(Settings(data_dir=tmp_path))
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nianbao import store
from nianbao.ingest.checks import check_tables
from nianbao.keys import T3_ROWS, T4_ROWS, TABLE_COLUMNS, TABLE_NAMES, TABLE_ROWS, Layout
from nianbao.library import Library
from nianbao.model import Cell, NarrativeFigure, Report, ReportMeta, Section
from nianbao.settings import Settings

OFFICE = "白鹭县人民政府办公室"
BUREAU = "白鹭县发展和改革局"

#: The six columns a 表三 row is made of, in print order; 总计 is their sum unless written otherwise.
T3_PARTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
#: The rows of a 2021-format 表三, as printed (（六）其他处理 in three sub-rows).
T3_PRINTED_ROWS = tuple(row for row in T3_ROWS if row != "other_total")
T4_PARTS = ("upheld", "corrected", "other", "pending")

Row = tuple[int, int, int, int, int, int]


@dataclass(frozen=True)
class MadeUp:
    """One made-up report as printed: narrative parts, 表二, 表三 and 表四."""

    body: str
    year: int
    parts: Sequence[tuple[tuple[str, ...], Sequence[str]]]
    t2: Mapping[str, float | int]
    t3: Mapping[str, Row]
    t4: Mapping[str, tuple[int, int, int, int]]
    written_totals: Mapping[str, str] = field(default_factory=dict)  #: 总计 cells not printed as the sum
    stated: Sequence[tuple[str, int, str]] = ()  #: figures the text states: (quote, value, key)

    @property
    def source(self) -> str:
        return f"{self.year}_bailuxian_{'zfb' if self.body == OFFICE else 'fgj'}.docx"

    @property
    def title(self) -> str:
        return f"{self.body}{self.year}年政府信息公开工作年度报告"


def _contact(body: str, year: int, phone: str) -> str:
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{year}年1月1日起"
        f"至{year}年12月31日止。如对本报告有疑问，请与{body}联系（地址：白鹭县迎宾路18号，"
        f"邮编：365100，电话：{phone}）。"
    )


def _parts(
    body: str, year: int, phone: str, published: int, readings: int, received: int, trainings: int
) -> list[tuple[tuple[str, ...], list[str]]]:
    general = "一、总体情况"
    return [
        (("前言",), [f"{body}{year}年政府信息公开工作年度报告", _contact(body, year, phone)]),
        ((general,), [f"{year}年，{body}认真落实政务公开各项要求，持续深化重点领域信息公开。"]),
        ((general, "（一）主动公开"), [f"全年主动公开政府信息{published}条，发布政策解读{readings}篇。"]),
        ((general, "（二）依申请公开"), [f"全年共受理政府信息公开申请{received}件，均在法定期限内答复。"]),
        ((general, "（三）政府信息管理"), ["严格落实公开前保密审查，动态更新政府信息主动公开目录。"]),
        ((general, "（四）政府信息公开平台建设"), ["优化政府网站政务公开专栏，完善基层政务公开专区。"]),
        (
            (general, "（五）监督保障"),
            [f"全年组织政务公开业务培训{trainings}场，将政务公开纳入年度绩效考核。"],
        ),
        (("二、主动公开政府信息情况",), []),
        (("三、收到和处理政府信息公开申请情况",), []),
        (("四、政府信息公开行政复议、行政诉讼情况",), []),
        (
            ("五、存在的主要问题及改进情况",),
            [
                "主要问题是政策解读形式较为单一，基层公开专区建设还不够均衡。",
                "下一步将丰富图表、视频等解读形式，推动基层政务公开专区全覆盖。",
            ],
        ),
        (("六、其他需要报告的事项",), ["本年度未收取信息处理费。"]),
    ]


def _zeros() -> Row:
    return (0, 0, 0, 0, 0, 0)


def _person(n: int, commercial: int = 0, legal_service: int = 0) -> Row:
    return (n, commercial, 0, 0, legal_service, 0)


OFFICE_2022 = MadeUp(
    OFFICE,
    2022,
    _parts(OFFICE, 2022, "0599-7654321", published=1310, readings=28, received=25, trainings=2),
    t2={
        "normative_docs.made": 2,
        "normative_docs.repealed": 0,
        "normative_docs.in_force": 13,
        "licensing.decisions": 100,
        "punishment.decisions": 40,
        "fees.amount_10k_yuan": 0,
    },
    t3={
        "new_received": _person(24, commercial=1),
        "carried_over": _person(1),
        "granted": _person(10),
        "partly_granted": _person(4),
        "denied_third_party": _person(2),
        "unavailable_not_held": _person(5, commercial=1),
        "rejected_duplicate": _person(1),
        "total_processed": _person(22, commercial=1),
        "carried_forward": _person(3),
    },
    t4={"review": (2, 0, 0, 0)},
    written_totals={"granted": ""},  # the 总计 of （一）予以公开 was left blank
)

OFFICE_2023 = MadeUp(
    OFFICE,
    2023,
    _parts(OFFICE, 2023, "0599-7654321", published=1520, readings=36, received=37, trainings=3),
    t2={
        "normative_docs.made": 3,
        "normative_docs.repealed": 1,
        "normative_docs.in_force": 15,
        "licensing.decisions": 120,
        "punishment.decisions": 45,
        "fees.amount_10k_yuan": 1.25,
    },
    t3={
        "new_received": _person(32, commercial=4, legal_service=1),
        "carried_over": _person(3),
        "granted": _person(12, commercial=2),
        "partly_granted": _person(5),
        "denied_state_secret": _person(1),
        "denied_third_party": _person(2, commercial=1),
        "denied_process_info": _person(2),
        "unavailable_not_held": _person(6, legal_service=1),
        "unavailable_needs_creation": _person(1),
        "rejected_petition": _person(2),
        "rejected_duplicate": _person(1),
        "other_no_correction": _person(1),
        "other_other": _person(0, commercial=1),
        "total_processed": _person(33, commercial=4, legal_service=1),
        "carried_forward": _person(2),
    },
    t4={"review": (1, 1, 0, 1), "suit_direct": (1, 0, 0, 0), "suit_after_review": (0, 0, 0, 1)},
    stated=[("全年共受理政府信息公开申请37件", 37, "t3.new_received.total")],
)

BUREAU_2023 = MadeUp(
    BUREAU,
    2023,
    _parts(BUREAU, 2023, "0599-7651234", published=412, readings=9, received=10, trainings=1),
    t2={
        "normative_docs.made": 0,
        "normative_docs.repealed": 0,
        "normative_docs.in_force": 2,
        "licensing.decisions": 35,
        "punishment.decisions": 6,
        "fees.amount_10k_yuan": 0,
    },
    t3={
        "new_received": _person(8, commercial=2),
        "carried_over": _person(1),
        "granted": _person(6, commercial=1),
        "partly_granted": _person(1),
        "unavailable_not_held": _person(1),
        "total_processed": _person(8, commercial=1),
        "carried_forward": _person(1, commercial=1),
    },
    t4={},
    written_totals={"carried_forward": "3"},  # printed 3; its columns add up to 2
)

MADE_UP = (OFFICE_2022, OFFICE_2023, BUREAU_2023)


def narrative(parts: Sequence[tuple[tuple[str, ...], Sequence[str]]]) -> tuple[str, tuple[Section, ...]]:
    """The report text (headings on their own lines; 前言 has none) and each heading's span.

    A section runs from its heading to the next heading that is not inside it.
    """
    lines: list[str] = []
    starts: list[int] = []
    offset = 0
    for path, paragraphs in parts:
        starts.append(offset)
        written = ([] if path == ("前言",) else [path[-1]]) + list(paragraphs)
        for line in written:
            lines.append(line)
            offset += len(line) + 1
    text = "\n".join(lines)
    sections = []
    for i, (path, _) in enumerate(parts):
        later = [starts[j] for j in range(i + 1, len(parts)) if len(parts[j][0]) <= len(path)]
        sections.append(Section(path, starts[i], later[0] if later else len(text)))
    return text, tuple(sections)


def _cell(key: str, value: float | int | None, as_written: str) -> Cell:
    table, row, column = key.split(".")
    return Cell(
        key, value, as_written, TABLE_NAMES[table], TABLE_ROWS[table][row], TABLE_COLUMNS[table][column]
    )


def _number(written: str) -> int | float | None:
    if not written.strip():
        return None
    return float(written) if "." in written else int(written)


def cells_of(made: MadeUp) -> list[Cell]:
    """The cells of 表二, 表三 (every printed row) and 表四, as ingest would store them."""
    out = [_cell(f"t2.{key}", value, f"{value:g}") for key, value in made.t2.items()]
    for row in T3_PRINTED_ROWS:
        parts = made.t3.get(row, _zeros())
        out += [_cell(f"t3.{row}.{col}", v, str(v)) for col, v in zip(T3_PARTS, parts, strict=True)]
        written = made.written_totals.get(row, str(sum(parts)))
        out.append(_cell(f"t3.{row}.total", _number(written), written))
    for row in T4_ROWS:
        parts4 = made.t4.get(row, (0, 0, 0, 0))
        out += [_cell(f"t4.{row}.{col}", v, str(v)) for col, v in zip(T4_PARTS, parts4, strict=True)]
        out.append(_cell(f"t4.{row}.total", sum(parts4), str(sum(parts4))))
    return out


def report_of(made: MadeUp) -> Report:
    """The Report value of a made-up report; its findings are the table rules it breaks."""
    text, sections = narrative(made.parts)
    cells = tuple(cells_of(made))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = ReportMeta(
        id=digest[:16],
        source=made.source,
        format="docx",
        body=made.body,
        region="白鹭县",
        year=made.year,
        layout=Layout.FORMAT_2021_30,
        title=made.title,
        sha256=digest,
    )
    stated = tuple(
        NarrativeFigure(quote, value, "件", key, text.index(quote)) for quote, value, key in made.stated
    )
    return Report(meta, text, sections, cells, tuple(check_tables(cells)), stated)


def made_up_library(settings: Settings, reports: Sequence[MadeUp] = MADE_UP) -> Library:
    """A library without a search index holding the made-up reports' records."""
    library = Library(settings)
    with library.engine.begin() as conn:
        for made in reports:
            store.write_report(conn, report_of(made))
    return library


def report_id(made: MadeUp) -> str:
    return report_of(made).meta.id
