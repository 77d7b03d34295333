"""Report metadata: the body (``ingest.bodies``), region, year, layout, and what the page says
about itself (publication date, address)."""

from __future__ import annotations

import re

from nianbao.ingest import bodies
from nianbao.keys import Layout
from nianbao.model import Document, ReportMeta

_REPORT_WORDS = re.compile(r"(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:年度报告|年报).*$")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_PERIOD = re.compile(r"统计(?:期限|时限|期间|时间)[^。]{0,12}?(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_ADMIN = re.compile(r"^(.{2,}?(?:省|自治区))?(.{1,}?(?:市|州|盟|地区))?(.{1,}?(?:区|县|旗))?")


def title_year(title: str) -> int | None:
    """The year a title names (``…2023年度…`` → 2023), or None."""
    match = _YEAR.search(title)
    return int(match.group(1)) if match else None


def body_from_title(title: str) -> str | None:
    """``淮安市人民政府2024年政府信息公开工作年度报告`` → ``淮安市人民政府``."""
    text = re.sub(r"\s+", "", title)
    text = re.sub(r"^关于", "", text)
    match = _YEAR.search(text)
    if match and match.start() > 0:
        body = text[: match.start()]
    elif match:
        body = _REPORT_WORDS.sub("", text[match.end() :]).lstrip("度")
    else:
        body = _REPORT_WORDS.sub("", text)
    body = body.strip("《》“”\"' ：:-—")
    return body or None


def region_of(body: str, text: str) -> str | None:
    """The region a body's name states, widened by the text when it names the city too.

    ``市中区人民政府办公室`` with ``枣庄市市中区`` in the text → ``枣庄市市中区``.
    """
    match = _ADMIN.match(body)
    region = match.group(0) if match else ""
    if not region or region.endswith("政府"):
        return None
    if region.endswith(("省", "市", "自治区")):
        return region
    for found in re.finditer(re.escape(region), text):
        wider = _division_before(text[max(0, found.start() - 8) : found.start()])
        if wider and not region.startswith(wider):
            return wider + region
    return region


def _division_before(text: str) -> str | None:
    """The province or city that ``text`` ends with (淮安市 of 本报告由淮安市), if it is one."""
    for size in range(2, len(text) + 1):
        tail = text[-size:]
        if tail.endswith(("省", "市", "州", "盟")) and bodies.is_division(tail):
            return tail
    return None


def layout_of(text: str, tables_found: bool, hints: set[str], year: int | None) -> Layout:
    """The table layout: the 2019 format when named or hinted, 2021 when its tables were read."""
    if Layout.FORMAT_2019_60 in hints or "〔2019〕60号" in text or "[2019]60号" in text:
        return Layout.FORMAT_2019_60
    if tables_found:
        return Layout.FORMAT_2021_30
    if year is not None and year < 2019:
        return Layout.OLDER
    return Layout.UNKNOWN


def named_identity(doc: Document) -> tuple[str | None, int | None]:
    """The body and year a document names itself (its title; for the year, then its statistics
    period); None for what it does not name. What a caller's body and year may fill, never
    override (``Library`` refuses a file that names another)."""
    return body_from_title(doc.title), title_year(doc.title) or _period_year(doc.text)


def build_meta(
    doc: Document,
    *,
    tables_found: bool,
    hints: set[str],
    body: str | None = None,
    year: int | None = None,
) -> ReportMeta:
    """Metadata of one document; ``body`` and ``year`` override what the report says.

    The body is decided from the title, the opening and the signature together, and its places
    checked against the table of divisions (``ingest.bodies``); the names corrected away are
    the report's aliases."""
    text = doc.text
    year = year or title_year(doc.title) or _period_year(text)
    aliases: tuple[str, ...] = ()
    if not body:
        decided = bodies.decide(body_from_title(doc.title), text)
        body, aliases = (decided.name, decided.aliases) if decided else ("未知机关", ())
    return ReportMeta(
        id=doc.sha256[:16],
        source=doc.source,
        format=doc.format,
        body=body,
        region=region_of(body, text),
        year=year,
        layout=layout_of(text, tables_found, hints, year),
        title=doc.title,
        sha256=doc.sha256,
        published=doc.published,
        source_url=doc.source_url,
        aliases=aliases,
    )


def _period_year(text: str) -> int | None:
    match = _PERIOD.search(text)
    return int(match.group(1)) if match else None
