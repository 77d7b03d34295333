"""One error shape everywhere, documented: bodies FastAPI cannot decode are a 400 in the shape
and the routes that take a body say so; the upload's documented body says what the route
enforces. Over HTTP against the real app under uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, Served, live_server, settings_for


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = settings_for(tmp_path_factory.mktemp("errors") / "data")
    with live_server(settings, with_index=False) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with served.client() as c:
        yield c


def error_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


def test_a_chat_body_that_is_not_utf8_is_a_400_in_the_shape(client: httpx.Client) -> None:
    response = client.post(
        "/api/chat", content=b'{"question": "\xff\xfe\xfa"}', headers={"Content-Type": "application/json"}
    )
    assert error_of(response, 400)["code"] == "bad_request"


def test_a_broken_multipart_upload_is_a_400_in_the_shape(client: httpx.Client) -> None:
    response = client.post(
        "/api/reports",
        content=b"--b\r\nContent-Disposition: form-data; name=files; filename=a.txt\r\n\r\nabc",
        headers={"Content-Type": "multipart/form-data; boundary=b", "X-Admin-Key": ADMIN_KEY},
    )
    assert 400 <= response.status_code < 500
    error_of(response, response.status_code)


def test_the_routes_with_a_body_document_the_400(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in (("/api/chat", "post"), ("/api/reports", "post")):
        documented = paths[path][method]["responses"]
        assert "400" in documented, (path, sorted(documented))
        assert documented["400"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")


def test_the_upload_documents_what_it_enforces(client: httpx.Client) -> None:
    body = client.get("/openapi.json").json()["paths"]["/api/reports"]["post"]["requestBody"]
    fields = body["content"]["multipart/form-data"]["schema"]["properties"]
    assert fields["files"]["minItems"] == 1 and fields["files"]["maxItems"] == 50
    assert (fields["year"]["minimum"], fields["year"]["maximum"]) == (1900, 2099)
    assert fields["body"]["maxLength"] == 100
    # and the route does refuse what the document excludes
    too_long = client.post(
        "/api/reports",
        headers={"X-Admin-Key": ADMIN_KEY},
        data={"body": "局" * 101},
        files=[("files", ("a.txt", b"x", "text/plain"))],
    )
    assert error_of(too_long, 422)["code"] == "validation_error"
