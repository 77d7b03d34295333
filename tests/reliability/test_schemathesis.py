"""The API against its own OpenAPI document: requests generated from the schema (valid and not)
at every operation of the real app over HTTP. No 5xx; every 4xx in the one error shape; 2xx bodies,
status codes, content types and headers as documented.

Bounded and reproducible: 25 derandomized examples per operation, no example database. Admin
operations run twice per example: with the generated ``X-Admin-Key`` (a 401, whose body is still
checked) and with the right key, so the upload and delete code is reached too.

Two of schemathesis's checks are left out, for reasons of the framework rather than of the app:
``allow_header_conformance`` (Starlette's 405 lists the methods of the route that matched, not of
the path: OPTIONS /api/reports says ``Allow: GET`` though POST exists too) and
``negative_data_rejection`` (it counts ``year=2023`` as a schema violation of the array ``year``,
which FastAPI rightly reads as a one-item list). The upload's documented body says what the
route enforces (at least one file, a year of four digits, a body of at most 100 characters), and
the routes with a body document the 400 of a body that cannot be decoded, so both are checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import allow_header_conformance, negative_data_rejection

from nianbao.api.app import create_app
from nianbao.library import Library
from tests.api.conftest import ADMIN_KEY, RAW, live_server, settings_for

#: The schema as the app documents it; building the app touches nothing on disk.
schema = schemathesis.openapi.from_dict(create_app(settings_for(Path("/nonexistent"))).openapi())
EXCLUDED = [allow_header_conformance, negative_data_rejection]
ADMIN_TAG = "admin"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over HTTP with the seed report stored (records only: the schema is the same)."""
    settings = settings_for(tmp_path_factory.mktemp("schemathesis") / "data")
    library = Library(settings)
    outcomes = library.ingest_paths([RAW / "2023_zaozhuang_shizhongqu_zfb.docx"])
    assert [o.status for o in outcomes] == ["ingested"]
    library.engine.dispose()
    with live_server(settings, with_index=False) as served:
        yield served.url


def assert_error_shape(response: object, what: str) -> None:
    body = response.json()  # type: ignore[attr-defined]  # an httpx or requests response
    assert isinstance(body, dict) and set(body) == {"error"}, (what, body)
    assert isinstance(body["error"], dict) and set(body["error"]) == {"code", "message"}, (what, body)
    assert all(isinstance(v, str) and v for v in body["error"].values()), (what, body)


@schema.parametrize()
@settings(
    max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_no_operation_answers_5xx_or_a_4xx_outside_the_error_shape(case: schemathesis.Case, url: str) -> None:
    is_admin = ADMIN_TAG in (case.operation.definition.raw.get("tags") or [])
    keys = [case.headers.get("X-Admin-Key") if case.headers else None, ADMIN_KEY] if is_admin else [None]
    for key in keys:
        headers = {"X-Admin-Key": key} if key is not None else None
        response = case.call(base_url=url, headers=headers, timeout=60)
        what = f"{case.method} {case.formatted_path} key={'right' if key == ADMIN_KEY else 'generated'}"
        assert response.status_code < 500, (what, response.text[:500])
        if response.status_code >= 400:
            assert_error_shape(response, what)
        if is_admin and key != ADMIN_KEY:
            # the generated key is wrong: the only right answer is 401, in the shape (checked above);
            # a method the path does not have is refused first (405), before any key is looked at
            wrong_method = case.method.upper() != case.operation.method.upper()
            assert response.status_code == (405 if wrong_method else 401), (what, response.status_code)
            continue
        case.validate_response(response, excluded_checks=EXCLUDED)
