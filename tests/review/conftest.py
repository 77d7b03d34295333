"""Real corpus reports stored as records (no search index), for the staff's reviews.

平潭 2021 (.txt), 2023 and 2024 (.html): three years of one body with 2022 left out (a gap), and
two consecutive years to compare; 沭阳县发改局 2023 (blank legal-person columns, dated
2024年1月17日); 上海市科委 2024 (parts misnumbered, part 五's heading lost); 沭阳县 2025 (title
and signature spell 沐阳县); 洪泽区 2023 (表四 totals of 0); 上海市政府办公厅 2019 (dated
2020-01-31, 总计 column blank for most rows of 表三).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from tests.conftest import RAW

PINGTAN = "平潭综合实验区"
FILES = [
    "2021_pingtan_zonghe_shiyanqu.txt",
    "2023_pingtan_zonghe_shiyanqu.html",
    "2024_pingtan_zonghe_shiyanqu.html",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2024_shanghai_kewei.txt",
    "2025_suqian_shuyangxian.txt",
    "2023_huaian_hongzequ.pdf",
    "2019_shanghai_shizhengfu_bangongting.html",
]


@pytest.fixture(scope="package")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("review") / "data"))
    for name in FILES:
        assert library.ingest_bytes((RAW / name).read_bytes(), name).status == "ingested", name
    yield Catalog(library.engine)
    library.engine.dispose()


def report_id(catalog: Catalog, body: str, year: int) -> str:
    """The id of the stored report of this body (part of its name) and year."""
    [found] = catalog.matching_reports(body, [year])
    return found.meta.id
