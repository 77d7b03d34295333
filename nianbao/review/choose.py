"""Which body and which reports a review is about, from a name as people write it (平潭, 洪泽,
市中区政府办) and years; the two ways that can fail, as exceptions that say what to do.

>>> one_body(catalog, "平潭")
'平潭综合实验区'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.catalog import Catalog
from nianbao.model import StoredReport


class ReviewError(ValueError):
    """A body or report a review cannot be made of; ``code`` names the kind for the API
    (``not_found`` or ``ambiguous_body``), the message says the value and what to do."""

    code = "not_found"


class NotStored(ReviewError):
    """No stored report fits the body or year asked for."""

    code = "not_found"


class SameYear(ReviewError):
    """Two years to compare that are one."""

    code = "bad_request"


class AmbiguousBody(ReviewError):
    """The name fits several stored bodies; ``options`` are their names."""

    code = "ambiguous_body"

    def __init__(self, name: str, options: Sequence[str]) -> None:
        self.options = tuple(options)
        super().__init__(f"「{name}」可以指：{'、'.join(options)}；请写出其中一个的全称")


def one_body(catalog: Catalog, name: str) -> str:
    """The one stored body ``name`` names (a part of its name, or a name people use)."""
    found = list(dict.fromkeys(r.meta.body for r in catalog.matching_reports(name)))
    exact = [b for b in found if b == name]
    if exact:
        return exact[0]
    if not found:
        stored = "、".join(sorted(catalog.by_body())) or "（还没有收录任何报告）"
        raise NotStored(f"没有「{name}」的报告；已收录的机关：{stored}")
    if len(found) > 1:
        raise AmbiguousBody(name, found)
    return found[0]


def reports_of(catalog: Catalog, body: str, years: Sequence[int] = ()) -> list[StoredReport]:
    """The body's current reports of these years (all, when none), oldest first."""
    found = [r for r in catalog.matching_reports(body, years) if r.meta.body == body]
    return sorted(found, key=lambda r: r.meta.year or 0)


def report_of(catalog: Catalog, body: str, year: int) -> StoredReport:
    """The body's current report of the year; :class:`NotStored` names the years that are."""
    found = reports_of(catalog, body, [year])
    if not found:
        have = "、".join(str(r.meta.year) for r in reports_of(catalog, body) if r.meta.year) or "无"
        raise NotStored(f"没有{body}{year}年的报告；已收录的年份：{have}")
    return found[0]


def year_before(catalog: Catalog, body: str, year: int) -> StoredReport:
    """The body's latest stored report before ``year`` (what a year is compared with by default)."""
    earlier = [r for r in reports_of(catalog, body) if r.meta.year and r.meta.year < year]
    if not earlier:
        raise NotStored(f"没有{body}{year}年以前的报告可以比较；请给出要比较的年份")
    return earlier[-1]


def pair(
    catalog: Catalog, body: str, year: int | None = None, other: int | None = None
) -> tuple[StoredReport, StoredReport]:
    """The two reports of ``body`` to compare, the earlier first: those of ``year`` and ``other``
    (in either order); without ``other``, ``year``'s and the latest stored before it; without
    either, the latest two."""
    if year is None:
        stored = reports_of(catalog, body)
        if not stored:
            raise NotStored(f"没有{body}的报告")
        later = stored[-1]
    else:
        later = report_of(catalog, body, year)
    if other is None:
        return year_before(catalog, body, later.meta.year or 0), later
    if other == year:
        raise SameYear(f"要比较的两个年份相同（{year}年）；请给出两个不同的年份")
    first, second = sorted([later, report_of(catalog, body, other)], key=lambda r: r.meta.year or 0)
    return first, second


#: Years as the API takes them: 2021-2025, 2021,2023 or both (2019,2021-2023).
YEARS_PATTERN = r"^(?:19|20)\d{2}(?:-(?:19|20)\d{2})?(?:,(?:19|20)\d{2}(?:-(?:19|20)\d{2})?)*$"


def parse_years(text: str) -> list[int]:
    """``2021-2025`` → 2021…2025 (``2025-2021`` too); ``2021,2023`` → both; ``2024`` → [2024].
    ValueError, saying how to write them, when the text is not years of 1900–2099."""
    compact = re.sub(
        r"\s", "", text.replace("，", ",").replace("～", "-").replace("—", "-").replace("至", "-")
    )
    if not re.fullmatch(YEARS_PATTERN, compact):
        raise ValueError(f"年份「{text}」看不懂：请写作 2021-2025 或 2021,2023")
    out: set[int] = set()
    for piece in compact.split(","):
        first, _, last = piece.partition("-")
        start, end = sorted((int(first), int(last or first)))
        out.update(range(start, end + 1))
    return sorted(out)
