"""Imported once by the fork server of ``ingest.isolate``: the readers, and the tables they
would otherwise load on first use in every child (the 省/市/区县 table of ``ingest.bodies``), so
that each child starts warm."""

from __future__ import annotations

from nianbao.ingest import bodies, pipeline, read_docx, read_html, read_pdf, read_txt

__all__ = ["pipeline", "read_docx", "read_html", "read_pdf", "read_txt"]

bodies.is_division("北京市")  # loads the table once, here
