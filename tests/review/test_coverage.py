"""Which bodies and years are stored: 平潭 2021, 2023 and 2024 are, 2022 is not (a gap)."""

from __future__ import annotations

from nianbao.catalog import Catalog
from nianbao.review.coverage import coverage
from tests.review.conftest import PINGTAN


def test_a_year_missing_between_a_bodys_first_and_last_is_a_gap(catalog: Catalog) -> None:
    found = coverage(catalog)
    [pingtan] = [b for b in found.bodies if b.body == PINGTAN]
    assert pingtan.years == (2021, 2023, 2024) and pingtan.missing == (2022,)
    assert [s.source for s in pingtan.stored] == [
        "2021_pingtan_zonghe_shiyanqu.txt",
        "2023_pingtan_zonghe_shiyanqu.html",
        "2024_pingtan_zonghe_shiyanqu.html",
    ]


def test_the_matrix_spans_every_stored_year_and_a_one_year_body_has_no_gap(catalog: Catalog) -> None:
    found = coverage(catalog)
    assert found.years == tuple(range(2019, 2026))  # 上海 2019 … 沭阳县 2025
    [bureau] = [b for b in found.bodies if b.body == "沭阳县发展和改革局"]
    assert bureau.years == (2023,) and bureau.missing == ()
    assert found.gaps == 1
