"""Domain errors of ingest. Each message says what was wrong, with the value, and what to do."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested. The batch reports it and goes on."""


class UnreadableFile(IngestError):
    """Corrupt, truncated, encrypted, too large, or of a format we do not read."""


class NoTextLayer(IngestError):
    """A scanned document: pages without text, so no figure can be read from it."""


class NotAReport(IngestError):
    """Readable, but not a 政府信息公开工作年度报告."""
