"""Synthetic variant reports: a corpus report re-labelled as another body and year.

A variants file (``eval/questions/variants.json``) lists ``{"name", "from", "replace"}``: the
source file in the corpus, the new file name, and ``[old, new]`` pairs. All pairs of one variant
are applied at once, longest first, so a replaced text is never replaced again (2023→2022 and
2022→2021 in one variant do not chain). Only text formats (.txt, .html) can be re-labelled.

>>> relabel("平潭2023年报告，2022年对比", [["平潭", "某县"], ["2023年", "2022年"], ["2022年", "2021年"]])
'某县2022年报告，2021年对比'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".html", ".htm")
_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Variant:
    """One re-labelled copy of a corpus file."""

    name: str
    source: str
    pairs: tuple[tuple[str, str], ...]


def load(path: Path) -> list[Variant]:
    """The variants listed in a JSON file."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Variant(r["name"], r["from"], tuple((a, b) for a, b in r["replace"])) for r in rows]


def relabel(text: str, pairs: list[list[str]] | tuple[tuple[str, str], ...]) -> str:
    """``text`` with every pair's old text replaced by its new text in one pass, longest first."""
    table = {old: new for old, new in pairs if old}
    if not table:
        return text
    pattern = re.compile("|".join(re.escape(old) for old in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda m: table[m.group(0)], text)


def write(variants: list[Variant], corpus: Path, out: Path) -> list[Path]:
    """Write each variant of a file in ``corpus`` into ``out``, in the source file's encoding."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for variant in variants:
        source = corpus / variant.source
        if source.suffix.lower() not in TEXT_SUFFIXES:
            raise ValueError(
                f"variant {variant.name}: {variant.source} is not a text format ({TEXT_SUFFIXES})"
            )
        raw = source.read_bytes()
        text, encoding = _decode(raw, variant.source)
        target = out / variant.name
        target.write_bytes(relabel(text, variant.pairs).encode(encoding))
        written.append(target)
    return written


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"variant source {name} is neither UTF-8 nor GB18030")
