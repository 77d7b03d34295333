"""Everyday names of bodies resolve to the stored ones; nothing ambiguous is picked silently."""

from __future__ import annotations

import pytest

from nianbao.retrieval.bodies import BodyResolver, same_body

BODIES = [
    "市中区人民政府办公室",
    "淮安市洪泽区人民政府",
    "洪泽区人民政府",
    "淮安市人民政府",
    "平潭综合实验区",
    "沐阳县人民政府",
    "沭阳县发展和改革局",
    "上海市科委",
    "上海市人民政府办公厅",
]


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("市中区政府办2023年", ("市中区人民政府办公室",)),
        ("淮安市2024年", ("淮安市人民政府",)),
        ("洪泽区人民政府", ("淮安市洪泽区人民政府",)),
        ("平潭2025年", ("平潭综合实验区",)),
        ("沭阳县发改局", ("沭阳县发展和改革局",)),
        ("市科委2024年", ("上海市科委",)),
        ("上海2025年", ("上海市人民政府办公厅", "上海市科委")),
    ],
)
def test_everyday_names(text: str, exact: tuple[str, ...]) -> None:
    [mention] = BodyResolver(BODIES).resolve(text)
    assert mention.exact == exact


def test_two_names_of_one_body_in_two_years_are_one_body() -> None:
    resolver = BodyResolver(BODIES)
    assert resolver.canonical["洪泽区人民政府"] == resolver.canonical["淮安市洪泽区人民政府"]


def test_same_body_is_one_name_ending_with_the_other_not_a_short_suffix() -> None:
    assert same_body("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert same_body("淮安市洪泽区人民政府", "洪泽区人民政府")
    assert not same_body("淮安区人民政府", "洪泽区人民政府")
    assert not same_body("政府办", "市中区政府办")  # under four characters names no body


def test_a_one_character_variant_is_offered_only_as_near() -> None:
    [mention] = BodyResolver(BODIES).resolve("沭阳县政府2025年")
    assert mention.exact == () and mention.near == ("沐阳县人民政府",)


def test_another_district_of_the_same_city_is_not_the_city() -> None:
    assert BodyResolver(BODIES).resolve("淮安区2024年") == []


def test_unknown_bodies_are_reported() -> None:
    resolver = BodyResolver(BODIES)
    assert resolver.unknown_mention("北京市海淀区人民政府2023年") is not None
    assert resolver.unknown_mention("市中区政府办2023年") is None
