"""The names people use for a department, generated from its full name by rule.

A department's name is a stem and a kind: 人力资源和社会保障 + 厅. The stem is split into
parts on 和/与/及 and each part into words (jieba's cuts, with four-character words cut into two
words where both halves are words); the short form takes one character of each part (the
first of its first word, or of its last word that is not a generic word like 管理):
人力资源和社会保障厅 → 人社厅, 住房和城乡建设局 → 住建局, 发展和改革委员会 → 发改委; a stem of
one part takes the first character of each word (科学技术厅 → 科技厅, 卫生健康委员会 → 卫健委),
or its first word whole and the first character of the others (市场监督管理局 → 市场监管局).
Where the usage is not the rule's, a short list of standing exceptions adds it (生态环境局 →
环保局). A stored name that is itself short (上海市科委) is matched to the standard department
whose forms hold it, and takes all of that department's forms.

>>> sorted(department_forms("卫生健康委员会") & {"卫健委", "卫生健康委"})
['卫健委', '卫生健康委']
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from nianbao.retrieval import segment

#: The kinds a department name ends with, longest first, and the kind in a short form.
KINDS: tuple[tuple[str, str], ...] = (
    ("委员会", "委"),
    ("办公室", "办"),
    ("办公厅", "办"),
    ("中心", "中心"),
    ("局", "局"),
    ("厅", "厅"),
    ("委", "委"),
    ("办", "办"),
    ("署", "署"),
    ("院", "院"),
)
#: Words that a short form leaves out when they end a part: 应急管理 → 应急, 国有资产监督管理 → 国资.
GENERIC = ("管理", "事务", "监督", "服务", "工作")
#: Standing exceptions: short stems that usage has and the rule does not give.
EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "生态环境": ("环保", "环境保护"),
    "交通运输": ("交通",),
    "农业农村": ("农业",),
    "自然资源和规划": ("自然资源",),
    "科学技术": ("科",),  # 科委
}
#: The names of a people's government and of its general office (all of one body each).
GOVERNMENT = frozenset({"", "人民政府", "政府", "管委会", "管理委员会"})
OFFICE = frozenset(
    {
        "人民政府办公室",
        "政府办公室",
        "政府办",
        "人民政府办公厅",
        "政府办公厅",
        "办公厅",
        "办公室",
        "政府办公",
        "人民政府办",
        "府办",  # 市府办, 县府办
    }
)
#: Standard departments of a government at province, city or county level (a general list, so
#: that a short stored name like 科委 finds its full name, and a question's full name its short one).
STANDARD_STEMS = (
    "发展和改革",
    "教育",
    "科学技术",
    "工业和信息化",
    "民族宗教事务",
    "公安",
    "民政",
    "司法",
    "财政",
    "人力资源和社会保障",
    "自然资源",
    "自然资源和规划",
    "生态环境",
    "住房和城乡建设",
    "交通运输",
    "水利",
    "农业农村",
    "商务",
    "文化和旅游",
    "文化广电和旅游",
    "卫生健康",
    "退役军人事务",
    "应急管理",
    "审计",
    "外事",
    "国有资产监督管理",
    "市场监督管理",
    "广播电视",
    "体育",
    "统计",
    "医疗保障",
    "林业和草原",
    "地方金融监督管理",
    "机关事务管理",
    "信访",
    "乡村振兴",
    "政务服务和数据管理",
    "城市管理",
    "行政审批",
    "人民防空",
    "粮食和物资储备",
    "知识产权",
    "住房公积金管理",
)
_STANDARD_KINDS = ("厅", "局", "委员会", "办公室")
_PARTS = re.compile(r"[和与及、]")


def split_kind(name: str) -> tuple[str, str, str]:
    """(stem, kind, short kind): 发展和改革委员会 → (发展和改革, 委员会, 委)."""
    for kind, short in KINDS:
        if name.endswith(kind) and len(name) > len(kind):
            return name[: -len(kind)], kind, short
    return name, "", ""


@lru_cache(maxsize=4096)
def words(part: str) -> tuple[str, ...]:
    """The words of a part, fine-grained: 科学技术 → 科学, 技术; 市场监督管理 → 市场, 监督, 管理."""
    out: list[str] = []
    for word in segment.lcut(part, hmm=False):
        halves = (word[:2], word[2:])
        if len(word) == 4 and all(segment.count(h) for h in halves):
            out += halves
        else:
            out.append(word)
    return tuple(out)


def _trimmed(ws: tuple[str, ...]) -> tuple[str, ...]:
    """The words without the generic ones at the end (应急, 管理 → 应急)."""
    while len(ws) > 1 and ws[-1] in GENERIC:
        ws = ws[:-1]
    return ws


def short_stems(stem: str) -> set[str]:
    """The short forms of a stem by rule, with the standing exceptions."""
    parts = [p for p in _PARTS.split(stem) if p]
    found = set(EXCEPTIONS.get(stem, ()))
    if len(parts) > 1:
        found.add("".join(parts))  # 发展改革
        heads = [{words(p)[0][0], _trimmed(words(p))[-1][0]} for p in parts]
        found |= {"".join(chars) for chars in product(*heads)}
        return found
    ws = words(stem)
    for variant in {ws, _trimmed(ws)}:
        if len(variant) >= 2:
            found.add("".join(w[0] for w in variant))  # 科学技术 → 科技
        if len(variant) >= 3:
            found.add(variant[0] + "".join(w[0] for w in variant[1:]))  # 市场监督管理 → 市场监管
    trimmed = "".join(_trimmed(ws))
    if trimmed != stem and len(trimmed) >= 2:
        found.add(trimmed)  # 应急管理 → 应急
    return found


@lru_cache(maxsize=4096)
def generated_forms(name: str) -> frozenset[str]:
    """Every way of writing a department by rule: the name, its stem with the short kind, and
    each short stem with the short kind (外事办公室 → 外事办, 外办)."""
    if name in GOVERNMENT:
        return GOVERNMENT
    if name in OFFICE:
        return OFFICE
    for prefix in ("人民政府", "政府"):  # 人民政府外事办公室: the government's own office of 外事
        if name.startswith(prefix) and name[len(prefix) :] not in GOVERNMENT | OFFICE:
            inner = generated_forms(name[len(prefix) :])
            return inner | {p + f for p in ("人民政府", "政府") for f in inner}
    stem, kind, short = split_kind(name)
    if not kind:
        return frozenset({name})
    forms = {name, stem + short}
    for s in short_stems(stem) | {_PARTS.sub("", stem)}:
        forms |= {s + short, s + kind}
    if kind in ("办公室", "办公厅") and len(_trimmed(words(stem))) == 1:
        forms.add(stem[0] + "办")  # 外事办公室 → 外办
    return frozenset(f for f in forms if len(f) >= 2)


@lru_cache(maxsize=1)
def standard_forms() -> dict[str, frozenset[str]]:
    """Each form of a standard department → the full names it may stand for."""
    out: dict[str, set[str]] = {}
    for stem in STANDARD_STEMS:
        for kind in _STANDARD_KINDS:
            full = stem + kind
            for form in generated_forms(full):
                out.setdefault(form, set()).add(full)
    return {form: frozenset(names) for form, names in out.items()}


def department_forms(name: str) -> frozenset[str]:
    """The forms of a department: its own, and those of the standard department it is
    written as (科委 → 科学技术委员会 and all its forms) when there is exactly one."""
    own = generated_forms(name)
    if name in GOVERNMENT or name in OFFICE:
        return own
    full = standard_forms().get(name, frozenset())
    if len(full) == 1:
        return own | generated_forms(next(iter(full)))
    return own


def same_stem_other_kind(a: str, b: str) -> bool:
    """发改局 and 发改委, 科技厅 and 科技局: one department named with another kind."""
    stem_a, kind_a, _ = split_kind(a)
    stem_b, kind_b, _ = split_kind(b)
    return bool(kind_a and kind_b) and kind_a != kind_b and stem_a == stem_b and len(stem_a) >= 2
