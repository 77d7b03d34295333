"""Hostile input and careless operation, end to end through the HTTP API.

What tests/api/test_http.py and tests/ingest/test_read_*.py already show is not repeated here
(one file over the size limit, names stripped in the outcome, XXE and hostile HTML at the reader,
CORS off by default and on for a listed origin). Here: bombs and oversized bodies over HTTP with
nothing stored, upload names against the file system, entities and page resources pointing at a
live loopback listener (no connection may arrive), markup in report text served as JSON text,
the admin key compared in constant time and never logged, CORS for unlisted origins, and what
the chat log keeps of a question. Network traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from nianbao import store
from nianbao.api.app import create_app
from nianbao.library import Library
from nianbao.settings import Settings
from tests.api.conftest import ADMIN_KEY, RAW, Served, live_server, raw_files, settings_for, upload

SEED_DOCX = RAW / "2023_zaozhuang_shizhongqu_zfb.docx"
SMALL_TXT = RAW / "2025_pingtan_zonghe_shiyanqu.txt"
MAX_UPLOAD = 2 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


# --- fixtures -------------------------------------------------------------------------------


class Listener:
    """A loopback TCP listener that counts the connections it gets (it should get none)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app over HTTP (records only) with a 2 MB upload limit, in its own data directory."""
    settings = settings_for(tmp_path_factory.mktemp("security") / "data", max_upload_bytes=MAX_UPLOAD)
    with live_server(settings, with_index=False) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with served.client() as c:
        yield c


def stored(settings: Settings) -> dict[str, str]:
    """Stored report id → source, read straight from the database."""
    engine = store.connect(settings.db_url)
    try:
        with engine.connect() as conn:
            return {r.meta.id: r.meta.source for r in store.list_reports(conn)}
    finally:
        engine.dispose()


def tree(path: Path) -> dict[str, int]:
    """Every file under ``path`` with its size."""
    return {str(p.relative_to(path)): p.stat().st_size for p in path.rglob("*") if p.is_file()}


def assert_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


def rezip(source: Path, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out.getvalue()


# --- size bounds ----------------------------------------------------------------------------


def zip_bomb(declared_mib: int) -> bytes:
    """A .docx-shaped zip whose document.xml inflates to ``declared_mib`` MiB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(declared_mib):
                member.write(chunk)
    return out.getvalue()


def lying_zip_bomb(real_mib: int, declared: int) -> bytes:
    """A zip bomb whose headers understate the member's size (so no size check sees it)."""
    data = bytearray()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + bytes(real_mib << 20))
        info = archive.getinfo("word/document.xml")
    data += out.getvalue()
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    central = data.index(b"PK\x01\x02", local + 30)  # the central directory entry of the member
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    return bytes(data)


def test_zip_bombs_over_http_are_refused_quickly_and_store_nothing(
    client: httpx.Client, served: Served
) -> None:
    bombs = [("bomb.docx", zip_bomb(512)), ("liar.docx", lying_zip_bomb(64, declared=20_000))]
    assert all(len(data) < MAX_UPLOAD for _, data in bombs)  # small enough to pass the upload limit
    before_files = tree(served.settings.data_dir)
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = upload(client, bombs)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text
    outcomes = response.json()["outcomes"]
    assert [o["status"] for o in outcomes] == ["skipped", "skipped"], outcomes
    assert "limit" in outcomes[0]["message"] or "bomb" in outcomes[0]["message"]
    assert seconds < 5, f"the bombs took {seconds:.1f} s"
    assert stored(served.settings) == {}
    after = tree(served.settings.data_dir)
    grown = {k: v for k, v in after.items() if v > before_files.get(k, 0) + (1 << 20)}
    assert grown == {}, grown
    # ru_maxrss is in KiB: inflating either bomb would have added hundreds of MiB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss < 100 * 1024


def test_an_upload_streamed_without_a_length_is_cut_off_at_the_limit(
    client: httpx.Client, served: Served
) -> None:
    boundary = "nianbao-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield head
        for _ in range(4 * MAX_UPLOAD // 65536):  # twice the whole request limit
            sent += 65536
            yield b"%PDF" + bytes(65532)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        "/api/reports",
        content=body(),
        headers={"X-Admin-Key": ADMIN_KEY, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert assert_error(response, 413)["code"] == "payload_too_large"
    assert stored(served.settings) == {}


def test_many_small_files_over_the_request_limit_are_refused_before_reading(
    client: httpx.Client, served: Served
) -> None:
    part = MAX_UPLOAD // 2
    files = [(f"part{i}.txt", b"x" * part) for i in range(8)]  # each under the limit, 4x it in all
    assert_error(upload(client, files), 413)
    too_many = [(f"n{i}.txt", b"x") for i in range(60)]  # the route takes at most 50 files
    error = assert_error(upload(client, too_many), 400)
    assert "files" in error["message"].lower()
    assert stored(served.settings) == {}


def test_a_pdf_whose_page_stream_inflates_hugely_is_refused_quickly(tmp_path: Path) -> None:
    """Run in a child process with a deadline, so a hang does not stall the suite."""
    script = (
        "import sys, zlib\n"
        "from nianbao.library import Library\n"
        "from nianbao.settings import Settings\n"
        f"{_PDF_BOMB}\n"
        "out = Library(Settings(data_dir=sys.argv[1])).ingest_bytes(pdf(20 << 20), 'bomb.pdf')\n"
        "print(out.status)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "data")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading a 31 KB PDF took over 10 s")
    assert done.stdout.strip() == "skipped", done.stderr[-2000:]


_PDF_BOMB = """
def pdf(inflated: int) -> bytes:
    stream = zlib.compress(b"0 0 m " * (inflated // 6), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\\nstream\\n" % len(stream) + stream + b"\\nendstream"]
    out, offsets = b"%PDF-1.4\\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\\n" % number + body + b"\\nendobj\\n"
    xref = len(out)
    out += b"xref\\n0 5\\n0000000000 65535 f \\n" + b"".join(b"%010d 00000 n \\n" % o for o in offsets)
    return out + b"trailer\\n<< /Size 5 /Root 1 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n" % xref
"""


# --- names ----------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../escape_a.txt",
    "..\\..\\escape_b.txt",
    "{abs}/escape_c.txt",
    "C:\\Windows\\escape_d.txt",
    "..%2f..%2fescape_e.txt",
    "sub/../../escape_f.txt",
    "escape_g\x00.txt",
    "./././escape_h.txt",
]


def test_upload_names_never_become_paths(
    client: httpx.Client, served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every upload is a real report (so it is stored); nothing appears outside the data dir."""
    workdir = tmp_path / "cwd" / "deeper"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)  # a relative name resolved anywhere would land around here
    outside = served.settings.data_dir.parent
    before = tree(outside)
    text = SMALL_TXT.read_bytes()
    names = [n.replace("{abs}", str(tmp_path / "abs")) for n in HOSTILE_NAMES]
    # each a new version of the same report, so each is stored and replaces the one before
    files = [(name, text + b"\n" * (i + 1)) for i, name in enumerate(names)]
    outcomes = [upload(client, [f]).json()["outcomes"][0] for f in files]
    assert {o["status"] for o in outcomes} <= {"ingested", "replaced"}, outcomes
    for outcome in outcomes:
        assert not re.search(r"[/\\\x00]", outcome["source"]), outcome
        assert outcome["source"] not in ("", ".", ".."), outcome
    [(_, source)] = stored(served.settings).items()
    assert source == outcomes[-1]["source"]
    after = tree(outside)
    data = served.settings.data_dir.name
    new_outside = {k for k in after if k not in before and not k.startswith(data + os.sep)}
    assert new_outside == set(), new_outside
    assert not list(tmp_path.rglob("escape_*")) and not list(Path.cwd().rglob("escape_*"))


# --- nothing is ever fetched ----------------------------------------------------------------

ENTITIES = {
    "general entity": '<!DOCTYPE x [<!ENTITY e SYSTEM "{url}/general">]>',
    "parameter entity": '<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}/parameter"> %p;]>',
    "external dtd": '<!DOCTYPE x SYSTEM "{url}/external.dtd">',
    "local file": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
}
PARTS = ["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels", "word/styles.xml"]


def xxe_docx(part: str, doctype: str) -> bytes:
    with zipfile.ZipFile(SEED_DOCX) as archive:
        xml = archive.read(part).decode("utf-8")
    end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    xml = xml[:end] + doctype + xml[end:]
    if part == "word/document.xml" and "ENTITY e" in doctype:
        xml = xml.replace("<w:t>一、总体情况</w:t>", "<w:t>一、总体情况&e;</w:t>", 1)
    return rezip(SEED_DOCX, {part: xml.encode("utf-8")})


@pytest.mark.parametrize("part", PARTS)
def test_docx_entities_in_any_part_are_never_resolved_over_http(
    client: httpx.Client, served: Served, listener: Listener, part: str
) -> None:
    doctypes = [d.format(url=listener.url) for d in ENTITIES.values()]
    files = [(f"xxe_{i}.docx", xxe_docx(part, d)) for i, d in enumerate(doctypes)]
    response = upload(client, files)
    assert response.status_code == 200, response.text
    for outcome in response.json()["outcomes"]:
        assert outcome["status"] in ("skipped", "ingested", "replaced", "unchanged"), outcome
        if outcome["report_id"]:
            detail = client.get(f"/api/reports/{outcome['report_id']}").text
            assert "root:" not in detail
    assert listener.hits == 0
    engine = store.connect(served.settings.db_url)
    with engine.connect() as conn:
        assert all("root:" not in store.report_text(conn, rid) for rid in stored(served.settings))
    engine.dispose()


def test_docx_entities_are_not_fetched_even_past_the_dtd_refusal(
    tmp_path: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader refuses any DTD first; with that lock off, the XML parser must still not fetch.
    (Files are read in this process here, so the lock taken off is the one the reader uses.)"""
    from nianbao.ingest import read_docx

    monkeypatch.setattr(read_docx, "_check_no_dtd", lambda *args: None)
    doctypes = [d.format(url=listener.url) for d in ENTITIES.values()]
    files = [
        (f"past_{i}_{j}.docx", xxe_docx(part, d))
        for i, part in enumerate(PARTS[:2])
        for j, d in enumerate(doctypes)
    ]
    settings = settings_for(tmp_path / "data", parse_in_child=False)
    with live_server(settings, with_index=False) as srv, srv.client() as client:
        response = upload(client, files)
        details = [
            client.get(f"/api/reports/{o['report_id']}").text
            for o in response.json()["outcomes"]
            if o["report_id"]
        ]
    assert response.status_code == 200, response.text
    assert details  # the files were really parsed
    assert listener.hits == 0
    assert all("root:" not in detail for detail in details)


def hostile_page(url: str) -> str:
    """A text-only report whose page would fetch from ``url`` if anything rendered it, and whose
    text carries markup as words (written escaped, so it is text, not tags)."""
    return f"""<html><head><meta charset="utf-8">
<title>测试县人民政府2023年政府信息公开工作年度报告&lt;img src=x onerror=alert(1)&gt;</title>
<link rel="stylesheet" href="{url}/link.css"><script src="{url}/script.js"></script>
<style>@import url("{url}/import.css"); body {{ background: url("{url}/bg.png") }}</style>
<meta http-equiv="refresh" content="0; url={url}/refresh"><base href="{url}/base/"></head>
<body background="{url}/body.png"><img src="{url}/img.png" srcset="{url}/srcset.png 2x">
<iframe src="{url}/frame"></iframe><object data="{url}/object"></object><embed src="{url}/embed">
<video poster="{url}/poster.png"><source src="{url}/video.mp4"></video>
<svg><image href="{url}/svg.png"/></svg>
<p>一、总体情况</p>
<p>本机关2023年主动公开政府信息120条。联系电话：0000-1234567&lt;script&gt;alert("x")&lt;/script&gt;。</p>
<p>二、收到和处理政府信息公开申请情况</p><p>本年新收申请5件。</p>
</body></html>"""


def test_html_resources_are_never_fetched_and_markup_in_text_is_served_as_json_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listener: Listener
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise ConnectionRefusedError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # read in this process, where the patched sockets are (a reading process would not see them)
    app = create_app(settings_for(tmp_path / "data", parse_in_child=False), with_index=False)
    with TestClient(app) as c:  # in-process ASGI: the test needs no socket either
        response = upload(c, [("hostile.html", hostile_page(listener.url).encode())])
        [outcome] = response.json()["outcomes"]
        assert outcome["status"] == "ingested", outcome
        detail = c.get(f"/api/reports/{outcome['report_id']}")
        answer = c.post("/api/chat", json={"question": "测试县人民政府的联系电话是多少？"})
    assert attempts == [] and listener.hits == 0
    for response in (detail, answer):
        assert response.headers["content-type"] == "application/json"
        json.loads(response.text)  # the whole body is JSON, whatever the report's text holds
    assert detail.json()["title"].endswith("<img src=x onerror=alert(1)>")  # text, as written
    quoted = [c["quote"] for c in answer.json()["citations"]]
    assert any('<script>alert("x")</script>' in q for q in quoted), answer.json()
    assert '\\"x\\"' in answer.text  # a JSON string: its quotes are escaped, not markup
    assert all(url_part not in detail.text + answer.text for url_part in ("link.css", "script.js", "img.png"))


# --- the admin key --------------------------------------------------------------------------


def test_the_admin_key_is_compared_in_constant_time(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = secrets.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(secrets, "compare_digest", spy)
    for key in ("x", ADMIN_KEY[:-1] + "0", ADMIN_KEY + "-longer", ADMIN_KEY):
        status = client.delete("/api/reports/nosuch", headers={"X-Admin-Key": key}).status_code
        assert status == (404 if key == ADMIN_KEY else 401)
    # every key, even of another length, went through compare_digest against the real one
    assert [a.decode() for a, _ in calls] == ["x", ADMIN_KEY[:-1] + "0", ADMIN_KEY + "-longer", ADMIN_KEY]
    assert {b for _, b in calls} == {ADMIN_KEY.encode()}


def test_the_admin_key_never_reaches_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    wrong = ADMIN_KEY[:-4] + "beef"
    app = create_app(settings_for(tmp_path / "data"), with_index=False)
    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as c:
        responses = [
            upload(c, raw_files(SMALL_TXT.name), key=wrong),
            upload(c, raw_files(SMALL_TXT.name)),
            c.delete("/api/reports/nosuch", headers={"X-Admin-Key": wrong}),
            c.delete("/api/reports/nosuch", headers={"X-Admin-Key": ADMIN_KEY}),
        ]
    assert [r.status_code for r in responses] == [401, 200, 401, 404]
    logged = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''} {getattr(r, 'headers', '')}" for r in caplog.records
    )
    assert "upload" in logged  # the calls were logged ...
    assert ADMIN_KEY not in logged and wrong not in logged  # ... without the key, right or wrong
    assert all(ADMIN_KEY not in r.text and wrong not in r.text for r in responses)


# --- CORS -----------------------------------------------------------------------------------

ALLOWED = "https://allowed.example"


@pytest.fixture(scope="module")
def cors_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Origins set the way an operator would: NIANBAO_CORS_ORIGINS in the environment."""
    os.environ["NIANBAO_CORS_ORIGINS"] = f"{ALLOWED}, https://other.example"
    try:
        settings = Settings(data_dir=tmp_path_factory.mktemp("cors") / "data", admin_key=ADMIN_KEY)
    finally:
        del os.environ["NIANBAO_CORS_ORIGINS"]
    assert settings.allowed_origins == [ALLOWED, "https://other.example"]
    with TestClient(create_app(settings, with_index=False)) as c:
        yield c


def preflight(c: TestClient | httpx.Client, origin: str) -> httpx.Response:
    return c.options(
        "/api/chat",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def test_cors_answers_only_the_listed_origins(cors_client: TestClient) -> None:
    for origin in (
        "https://evil.example",
        "https://allowed.example.evil.example",
        "null",
        "http://allowed.example",
    ):
        simple = cors_client.get("/healthz", headers={"Origin": origin})
        assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers, origin
        assert "access-control-allow-origin" not in preflight(cors_client, origin).headers, origin
    allowed = preflight(cors_client, ALLOWED)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-credentials" not in allowed.headers  # no cookies across origins
    error = cors_client.get("/api/reports/nosuch", headers={"Origin": ALLOWED})
    assert error.status_code == 404 and error.headers["access-control-allow-origin"] == ALLOWED


def test_without_cors_origins_a_preflight_gets_no_cors_header(client: httpx.Client) -> None:
    response = preflight(client, ALLOWED)
    assert "access-control-allow-origin" not in response.headers
    assert_error(response, 405)


def test_a_refused_preflight_is_in_the_error_shape(cors_client: TestClient) -> None:
    response = preflight(cors_client, "https://evil.example")
    error = assert_error(response, 400)
    assert error["code"] == "cors_refused" and "https://evil.example" in error["message"]
    assert "access-control-allow-origin" not in response.headers


# --- what the chat log keeps ----------------------------------------------------------------


def test_questions_are_logged_truncated_without_the_conversations_earlier_turns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path / "data")
    Library(settings).ingest_paths([SEED_DOCX]).__next__()
    app = create_app(settings, with_index=False)
    first_question = "市中区政府办2023年收到多少信息公开申请？我的身份证号110101199003071234"
    long_question = "其中自然人呢？" + "请详细说明" * 60 + "末尾的秘密TAILSECRET"
    with TestClient(app) as c:
        first = c.post("/api/chat", json={"question": first_question}).json()
        caplog.clear()
        caplog.set_level(logging.DEBUG)
        follow = c.post(
            "/api/chat", json={"question": long_question, "conversation_id": first["conversation_id"]}
        )
        forged = c.post("/api/chat", json={"question": "收到多少申请？\nERROR forged log line"})
    assert follow.status_code == 200 and forged.status_code == 200
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("nianbao")]
    about_chat = [m for m in messages if "chat question" in m]
    assert len(about_chat) == 2, messages
    assert "其中自然人呢" in about_chat[0]  # the question is logged ...
    assert "TAILSECRET" not in "\n".join(messages)  # ... cut short,
    assert all(len(m) < 300 for m in about_chat)
    assert "110101199003071234" not in "\n".join(messages)  # and without the earlier turn
    assert all("\n" not in m for m in messages)  # a newline in a question cannot forge a log line
