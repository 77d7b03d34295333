"""Pick the reader by what a file contains, not by its name, and bound what it may cost."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from nianbao.ingest.budget import Budget, check_bytes, check_document
from nianbao.ingest.errors import UnreadableFile
from nianbao.model import Document

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str:
    """The format of a file's bytes: ``pdf``, ``docx``, ``ole`` (.doc/.wps), ``html`` or ``txt``."""
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200_000].lower():
        return "html"
    if lowered.startswith((b"<p", b"<div", b"<h1", b"<span", b"<meta", b"<body", b"<head")):
        return "html"
    return "txt"


def read_bytes(data: bytes, source: str, budget: Budget | None = None) -> Document:
    """Read one file's bytes into a Document. Raises an IngestError subclass on bad input, and
    OverBudget when reading it would cost more than ``budget`` allows (see ``settings.Budget``)."""
    budget = budget or Budget()
    check_bytes(budget, source, len(data))
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty; nothing to ingest")
    doc = _read(data, source, budget)
    check_document(budget, doc)
    return doc


def _read(data: bytes, source: str, budget: Budget) -> Document:
    kind = sniff(data)
    sha = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        from nianbao.ingest.read_pdf import read_pdf

        return read_pdf(data, source, sha, budget)
    if kind == "docx":
        from nianbao.ingest.read_docx import read_docx

        return read_docx(data, source, sha)
    if kind == "ole":
        return _read_via_libreoffice(data, source, sha)
    if kind == "html":
        from nianbao.ingest.read_html import read_html

        return read_html(data, source, sha)
    from nianbao.ingest.read_txt import read_txt

    return read_txt(data, source, sha, budget)


def read_path(path: Path, budget: Budget | None = None) -> Document:
    """Read a file from disk into a Document; its name is the source."""
    return read_bytes(path.read_bytes(), path.name, budget)


def _read_via_libreoffice(data: bytes, source: str, sha: str) -> Document:
    """Old Word (.doc) and WPS files: converted to .docx by LibreOffice headless, if installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise UnreadableFile(
            f"{source}: an old Word/WPS file (.doc/.wps); install LibreOffice to convert it, "
            "or save it as .docx and ingest that"
        )
    from nianbao.ingest.read_docx import read_docx

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [office, "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                check=True,
                capture_output=True,
                timeout=120,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise UnreadableFile(f"{source}: LibreOffice could not convert it ({exc})") from exc
        converted = Path(tmp) / "in.docx"
        if not converted.exists():
            raise UnreadableFile(f"{source}: LibreOffice produced no .docx; the file may be corrupt")
        return read_docx(converted.read_bytes(), source, sha)
