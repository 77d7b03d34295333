"""Fixtures of the reliability tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.library import Library
from nianbao.retrieval.backend import open_index
from nianbao.settings import Settings
from tests.reliability.ingest_runs import FILES, state
from tests.servers import fresh_database


@pytest.fixture(scope="session")
def one_process_store(postgres: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The parallel-ingest tests' files ingested by one process into PostgreSQL, with the real
    model: what a parallel ingest must leave too."""
    with fresh_database(postgres) as url:
        settings = Settings(data_dir=tmp_path_factory.mktemp("one") / "data", database_url=url)
        library = Library(settings, open_index(settings))
        assert [o.status for o in library.ingest_paths(FILES)] == ["ingested"] * 3
        library.index.close()  # type: ignore[union-attr]
        library.engine.dispose()
        yield state(url)
