"""Bytes of a text export into one clean string, before any reader looks at it.

Real exports differ in ways that mean nothing: the encoding (UTF-8 with or without a BOM,
GB18030/GBK, UTF-16 with or without a BOM), the line ends (``\\n``, ``\\r\\n``, a bare ``\\r``
from old Mac or some Windows exports, ``\\r\\r\\n`` from a file converted twice, U+2028/U+2029),
full-width digits (``２７``), and the many spaces (U+3000, no-break, en/em spaces, zero-width
ones). ``normalise`` makes them one thing each, so that the readers see ``\\n``-separated lines
of ordinary digits and spaces. What the report says is never changed: tabs stay (they separate
cells), punctuation stays, full-width letters and brackets stay.

A crawler that saved a page as text often puts a header above the report
(``标题: …``, ``发布时间: …``, ``原文链接: …``, ``==== 正文 ====``): ``split_crawler_header``
takes it off as metadata.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Share of control or undecodable characters above which the bytes are not text.
MAX_BINARY_SHARE = 0.02

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Encodings charset-normalizer may name for Chinese text that GB18030 (their superset) reads.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "hz"})

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANSLATION = str.maketrans(
    {
        **{ch: " " for ch in _SPACES},
        **{ch: None for ch in _INVISIBLE},
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "\u2028": "\n",
        "\u2029": "\n",
        "\x85": "\n",
    }
)
_FULL_WIDTH_POINT = re.compile(r"(?<=\d)．(?=\d)")


class NotText(ValueError):
    """The bytes are not text in any encoding a report comes in."""


def decode(data: bytes) -> str:
    """The text of ``data``: a BOM decides; else strict UTF-8; else UTF-16 by its zero bytes;
    else what charset-normalizer finds (GB18030 for the GB family, the usual case).

    Raises NotText for binary or undecodable bytes.

    >>> decode("政府".encode("gb18030"))
    '政府'
    """
    text = _decode(data)
    if text is None or binary_share(text) > MAX_BINARY_SHARE:
        raise NotText("the bytes are not text in UTF-8, UTF-16 or GB18030 (binary or corrupt)")
    return text


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data, encoding)
    text = _try(data, "utf-8")
    if text is not None:
        return text
    for encoding in _candidates(data):
        text = _try(data, encoding)
        if text is not None:
            return text
    return None


def _candidates(data: bytes) -> list[str]:
    """Encodings to try, most likely first. charset-normalizer is trusted for UTF-16/32 and the
    GB family; another answer (cp949, big5: it guesses those for short Chinese samples) comes
    after GB18030, the encoding of mainland reports that are not UTF-8."""
    guessed = guess(data)
    zero_bytes = utf16_without_bom(data)
    if guessed is None:
        return [e for e in (zero_bytes, "gb18030") if e]
    if guessed.startswith("utf_16") or guessed.startswith("utf_32"):
        if zero_bytes or len(data) >= 256:
            return [guessed, "gb18030"]
        return ["gb18030", guessed]
    if guessed == "gb18030":
        return ["gb18030"]
    return [e for e in (zero_bytes, "gb18030", guessed) if e]


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when zero bytes fill one side of the byte pairs (ASCII and line
    ends in UTF-16), as they never do in UTF-8 or GB18030 text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd > pairs * 0.1 and even < pairs * 0.02:
        return "utf-16-le"
    if even > pairs * 0.1 and odd < pairs * 0.02:
        return "utf-16-be"
    return None


def guess(data: bytes) -> str | None:
    """charset-normalizer's best encoding (``gb18030`` for any of the GB family), or None."""
    from charset_normalizer import from_bytes  # imported here: most files are UTF-8

    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    name = best.encoding.lower()
    return "gb18030" if name.replace("_", "") in _GB_FAMILY else name


#: Characters text never holds: controls but TAB and line ends (Cc), U+FFFD, private use (Co),
#: surrogates (Cs).
_ODD = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)


def binary_share(text: str) -> float:
    """Share of characters that text never holds: controls, U+FFFD, private use, surrogates."""
    return len(_ODD.findall(text)) / max(len(text), 1)


def normalise(text: str) -> str:
    """One line end (``\\n``), one space, ASCII digits; nothing else changes.

    >>> normalise("表三\\r\\r\\n２７\\u3000件\\r1\\u00a02")
    '表三\\n27 件\\n1 2'
    """
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return characters(text)


def characters(text: str) -> str:
    """Spaces, invisible characters and full-width digits only (line ends as they are).

    >>> characters("２０２３\u00a0年\u200b")
    '2023 年'
    """
    text = text.translate(_TRANSLATION)
    if "．" in text:
        text = _FULL_WIDTH_POINT.sub(".", text)
    return text


# --- the crawler header --------------------------------------------------------------------------

_CRAWLER_RULE = re.compile(r"^=+\s*正文\s*=+$")
_HEADER_LINE = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>.*)$")
_HEADER_KEYS = frozenset(
    "标题 发布时间 发布日期 成文日期 文号 发文字号 发布机构 发文机关 栏目 来源 原文链接 原文地址 链接 "
    "网址 本地目录 索引号 主题分类 页面链接与图片详见".split()
)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class CrawlerHeader:
    """What a crawler's header says about the page it saved."""

    title: str | None = None
    published: str | None = None  #: the page's publication date, ``YYYY-MM-DD``
    source_url: str | None = None


def split_crawler_header(lines: list[str]) -> tuple[CrawlerHeader, list[str]]:
    """(header, body lines): the ``key: value`` lines above ``==== 正文 ====`` (or, without that
    rule, the run of such lines that opens the file) are metadata, not report text.

    >>> header, body = split_crawler_header(["标题: 某局2023年报", "原文链接: http://x.cn/a", "正文"])
    >>> header.title, header.source_url, body
    ('某局2023年报', 'http://x.cn/a', ['正文'])
    """
    for i, line in enumerate(lines[:30]):
        if _CRAWLER_RULE.match(line.strip()):
            return _header(lines[:i]), lines[i + 1 :]
    end = 0
    while end < min(len(lines), 30) and _is_header_line(lines[end]):
        end += 1
    keys = {_HEADER_LINE.match(line.strip())["key"] for line in lines[:end]}  # type: ignore[index]
    if end >= 2 and "标题" in keys:
        return _header(lines[:end]), lines[end:]
    return CrawlerHeader(), lines


def _is_header_line(line: str) -> bool:
    match = _HEADER_LINE.match(line.strip())
    return bool(match and match["key"] in _HEADER_KEYS)


def _header(lines: list[str]) -> CrawlerHeader:
    values: dict[str, str] = {}
    for line in lines:
        match = _HEADER_LINE.match(line.strip())
        if match and match["value"].strip():
            values.setdefault(match["key"], match["value"].strip())
    date = next((values[k] for k in ("发布时间", "发布日期", "成文日期") if k in values), "")
    url = next((values[k] for k in ("原文链接", "原文地址", "链接", "网址") if k in values), "")
    return CrawlerHeader(values.get("标题"), published_date(date), _first_url(url))


def published_date(text: str) -> str | None:
    """``2024-03-08 15:34`` or ``2024年3月8日`` → ``2024-03-08``; None when there is no date."""
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _first_url(text: str) -> str | None:
    match = _URL.search(text)
    return match.group(0) if match else None
