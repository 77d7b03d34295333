"""The made-up reports of ``tests.fixtures``, stored as records once per test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from nianbao.answer.engine import Answerer
from nianbao.library import Library
from nianbao.settings import Settings
from tests.fixtures import made_up_library

#: "Today" for questions with relative years (去年): the 2023 reports are the latest.
TODAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = made_up_library(Settings(data_dir=tmp_path_factory.mktemp("made_up") / "data"))
    yield lib
    lib.engine.dispose()


@pytest.fixture(scope="module")
def answerer(library: Library) -> Answerer:
    return Answerer(library, today=TODAY)
