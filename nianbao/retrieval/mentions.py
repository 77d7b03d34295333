"""How a question writes the name of a body: years masked, word boundaries (jieba's cuts), where a
name may start or stop, and whether a run of characters may be a place nobody listed.

>>> mask_years("2022年省民政厅")
'     省民政厅'
"""

from __future__ import annotations

import re

from nianbao.retrieval import segment

#: Year expressions, masked before names are read (2022年省民政厅 is not a body 年省民政厅).
YEARS = re.compile(
    r"(?:19|20)\d{2}\s*(?:年度|年)?|[〇零一二三四五六七八九]{4}\s*年度?|"
    r"(?:去|今|前|明|上一?|本|当|同|全|每|历|逐)年度?|近[一二两三四五六七八九十\d]年"
)
#: A department the stored bodies do not have, after a place: 枣庄市人民政府, 某省发展和改革委员会.
ANY_DEPARTMENT = re.compile(
    r"[\u4e00-\u9fff]{0,10}?(?:委员会|办公室|办公厅|管委会|人民政府|政府|局|厅|委|办)"
)
NOT_IN_NAMES = re.compile(r"[的了吗呢是在有多少几哪]")
SUFFIX_CHARS = "省市区县州"
PARTICLES = set("的和与及或在是了吗呢问全本该各我此这那每省市县区")
CJK = re.compile(r"[\u4e00-\u9fff]")


def mask_years(text: str) -> str:
    """The text with each year expression blanked (same length, so offsets hold)."""
    return YEARS.sub(lambda m: " " * len(m.group(0)), text)


def word_bounds(text: str) -> set[int]:
    """Offsets where a word starts or ends (jieba's cuts), so a name does not end inside a word."""
    out = {0, len(text)}
    pos = 0
    for word in segment.lcut(text, hmm=False):
        pos += len(word)
        out.add(pos)
    return out


#: A stem this frequent in jieba's dictionary is a common word (通过, 全县), not an unknown
#: place's name (白鹭 39, 红枫 0; listed places like 上海 are read from the table).
COMMON_WORD = 100


def unknown_name(start: int, name: str, bounds: set[int]) -> bool:
    """An unlisted place's stem is one rare word (白鹭), or characters no word holds (红枫):
    not 请问某 of 请问某省, not 通过 of 通过县政府."""
    if name.startswith("某"):
        return True
    inner = sorted(b for b in bounds if start < b < start + len(name) - 1)
    cuts = [start, *inner, start + len(name) - 1]
    if inner and not all(b - a == 1 for a, b in zip(cuts, cuts[1:], strict=False)):
        return False
    return segment.count(name[:-1]) <= COMMON_WORD


def inside_name(masked: str, i: int, bounds: set[int]) -> bool:
    """Whether the character at ``i`` ends an unknown name (红枫市) rather than being a level
    word (请问县政府, 本市卫健委): it follows a single character that is no particle."""
    before = max((b for b in bounds if b < i), default=None)
    if before is None or i - before != 1:
        return False
    return bool(CJK.match(masked[before])) and masked[before] not in PARTICLES


def name_starts(masked: str, j: int) -> bool:
    """Whether a name may start at ``j``: at the start, after a year or punctuation, or after
    a particle (请问平谭…, 平潭和洪泽…)."""
    before = masked[j - 1 : j]
    return not before or not CJK.match(before) or before in "问和与及跟同"


def is_word(text: str) -> bool:
    """Whether jieba's dictionary holds the text as a word (上年 is; 平谭 is not)."""
    return bool(segment.count(text))
