"""Score answers against a question's expectations. Pure: text and lists in, verdicts out.

A question passes when every check holds:

- the status: ``answered`` when it expects ``number``/``numbers``/``contains``/``any``,
  ``not_found`` when it expects ``not_found: true``;
- every expected number stands in the answer as a whole number (``7`` is not in ``2023``, ``17``
  or ``7.5``; ``96171.6`` is in ``96,171.6``);
- every ``contains`` substring is in the answer, and at least one ``any`` substring, whitespace
  ignored on both sides;
- for an answered question with ``sources``, some citation names one of them.

>>> score({"number": 27}, ["a.txt"], "answered", "新收申请27件。", ["a.txt"])
[]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: A number written in groups of three digits: ``96,171.6``, ``1，234``, ``3 119``.
_GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:[,，\s\u00a0\u2009\u202f\u3000]\d{3})+(?!\d)")
_SEPARATORS = re.compile(r"[,，\s\u00a0\u2009\u202f\u3000]")
_SPACE = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")
_ANSWERING = ("number", "numbers", "contains", "any")


def normalise(text: str) -> str:
    """Drop thousands separators inside grouped numbers, then all whitespace.

    >>> normalise("共 96,171.6 万元，分别为27，2件")
    '共96171.6万元，分别为27，2件'
    """
    text = _GROUPED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)
    return _SPACE.sub("", text)


def number_text(value: int | float) -> str:
    """How an expected number is written: ``27``, ``96171.6``, ``7545`` for ``7545.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def has_number(text: str, value: int | float) -> bool:
    """Whether ``value`` stands in ``text`` as a whole number, not a piece of a longer one.

    >>> has_number("2023年共7件", 7), has_number("2023年共17件", 7), has_number("7.5万元", 7)
    (True, False, False)
    """
    written = re.escape(number_text(value))
    pattern = rf"(?<!\d)(?<!\d\.){written}(?!\.?\d)"
    return re.search(pattern, normalise(text)) is not None


def expected_status(expect: Mapping) -> str:
    """``not_found`` for ``not_found: true``, else ``answered``."""
    return "not_found" if expect.get("not_found") else "answered"


def expected_numbers(expect: Mapping) -> list[int | float]:
    """``number`` and ``numbers`` as one list."""
    out = list(expect.get("numbers") or [])
    if expect.get("number") is not None:
        out.insert(0, expect["number"])
    return out


def score(expect: Mapping, sources: Sequence[str], status: str, text: str, cited: Iterable[str]) -> list[str]:
    """Reasons the answer fails; ``[]`` when it passes. ``cited`` are the citations' sources."""
    reasons = []
    want = expected_status(expect)
    if status != want:
        reasons.append(f"status {status}, expected {want}")
    numbers = expected_numbers(expect)
    reasons += [f"number {number_text(n)} missing" for n in numbers if not has_number(text, n)]
    flat = normalise(text)
    reasons += [f"text 「{s}」 missing" for s in expect.get("contains") or [] if normalise(s) not in flat]
    wanted_any = expect.get("any") or []
    if wanted_any and not any(normalise(s) in flat for s in wanted_any):
        reasons.append(f"none of {'/'.join(wanted_any)} in the answer")
    if want == "answered" and sources and not set(cited) & set(sources):
        reasons.append(f"no citation of {' or '.join(sources)}")
    return reasons


@dataclass(frozen=True)
class Result:
    """One question as asked and scored; ``citations`` are dicts of the answer's citations."""

    id: str
    question: str
    tags: tuple[str, ...]
    expected: dict
    sources: tuple[str, ...]
    status: str
    answer: str
    citations: tuple[dict, ...]
    latency_s: float
    reasons: tuple[str, ...] = ()
    history: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def cites_a_source(self) -> bool:
        return any(c.get("source") in self.sources for c in self.citations)


@dataclass(frozen=True)
class Summary:
    """The figures of a run: overall and per tag (passed, total), citation accuracy, latency."""

    passed: int
    total: int
    by_tag: dict[str, tuple[int, int]]
    citation_accuracy: float | None
    cited_questions: int
    latency_p50_s: float
    latency_p95_s: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def summarise(results: Sequence[Result]) -> Summary:
    """Pass counts overall and per tag; citation accuracy over answered questions with sources."""
    by_tag: dict[str, tuple[int, int]] = {}
    for r in results:
        for tag in r.tags:
            passed, total = by_tag.get(tag, (0, 0))
            by_tag[tag] = (passed + r.passed, total + 1)
    cited = [r for r in results if r.status == "answered" and r.sources]
    accuracy = sum(r.cites_a_source for r in cited) / len(cited) if cited else None
    latencies = [r.latency_s for r in results]
    return Summary(
        passed=sum(r.passed for r in results),
        total=len(results),
        by_tag=dict(sorted(by_tag.items())),
        citation_accuracy=accuracy,
        cited_questions=len(cited),
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
    )


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile; 0.0 for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.0, 4.0)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]
