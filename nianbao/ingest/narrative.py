"""Figures the narrative states about the tables (共受理申请27件), found by phrase.

Each pattern names a quantity: one canonical key, or a row group whose totals it adds up
(``t3.denied`` = all （三）不予公开 rows; ``keys.ROW_GROUPS``). Numbers are taken as written; PDF
text may carry spaces around them.
"""

from __future__ import annotations

import re

from nianbao.model import NarrativeFigure

_N = r"(?<![\d,])(?P<n>\d[\d,]{0,12})\s*件"
_GAP = r"[^。；，,\d%]{0,12}?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (key, re.compile(pattern))
    for key, pattern in [
        ("t3.new_received.total", r"(?:受理|收到|新收|接收)[^。；，,\d%]{0,25}?申请" + _GAP + _N),
        (
            "t3.total_processed.total",
            r"(?<!公开)(?<!处理)(?<!办理)(?:办结|答复)(?:了)?(?:依申请公开|政府信息公开)?(?:申请)?(?:共计|共)?\s*"
            + _N,
        ),
        ("t3.carried_over.total", r"上年度?结转(?:政府信息公开)?(?:申请)?\s*" + _N),
        ("t3.carried_forward.total", _N + r"[^。；，,\d%]{0,10}?(?:结转|顺延)(?:到|至)?下一?年"),
        ("t3.carried_forward.total", r"(?:结转|顺延|转)(?:到|至|入)?下一?年度?[^。；，,\d%]{0,10}?" + _N),
        ("t3.granted_or_partly", r"予以公开(?:及|和|与)部分公开\s*" + _N),
        ("t3.granted.total", r"(?<![及和与])(?:予以|同意)公开(?:答复)?\s*" + _N),
        ("t3.partly_granted.total", r"(?<![及和与])部分公开(?:答复)?\s*" + _N),
        ("t3.denied", r"不予公开(?:答复)?\s*" + _N),
        ("t3.unavailable", r"无法提供的?\s*" + _N),
        ("t3.unavailable_not_held.total", r"本机关不掌握(?:相关政府信息)?\s*" + _N),
        ("t3.rejected", r"不予处理的?\s*" + _N),
        ("t3.other", r"其他处理的?\s*" + _N),
        ("t2.normative_docs.in_force", r"现行有效的?(?:行政)?规范性文件\s*" + _N),
        ("t4.review.total", r"行政复议(?:案件)?\s*" + _N),
        ("t4.suit", r"行政诉讼(?:案件)?\s*" + _N),
    ]
]

_ALL_UPHELD = re.compile(r"均(?:获|被|予)?维持")


def find_figures(text: str) -> list[NarrativeFigure]:
    """Every figure a pattern finds, in text order, with its exact quote and offset."""
    found: list[NarrativeFigure] = []
    taken: set[int] = set()
    for key, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            number_at = match.start("n")
            if number_at in taken:
                continue
            taken.add(number_at)
            value = int(match["n"].replace(",", ""))
            start = _clause_start(text, match.start())
            found.append(NarrativeFigure(text[start : match.end()], value, "件", key, start))
    return sorted(found, key=lambda f: f.start)


def _clause_start(text: str, at: int) -> int:
    """Widen a quote back to the start of its clause, so that it reads on its own."""
    lo = max(0, at - 30)
    cut = max(text.rfind(p, lo, at) for p in "，。；,;：:\n（(")
    return cut + 1 if cut >= 0 else lo


def all_upheld_claims(text: str) -> list[tuple[str, int]]:
    """Clauses that say every review or suit was upheld (均获维持), with their offsets.

    Found from the phrase outwards (linear time, whatever the text), then kept when the
    sentence speaks of 复议 or 诉讼.
    """
    out = []
    for match in _ALL_UPHELD.finditer(text):
        start = max(text.rfind(p, 0, match.start()) for p in "。；\n") + 1
        quote = text[start : match.end()].strip()
        if "复议" in quote or "诉讼" in quote:
            out.append((quote, start))
    return out
