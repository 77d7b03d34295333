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


class OverBudget(IngestError):
    """Reading the file would cost more than its budget allows (``settings.Budget``).

    >>> print(OverBudget("a.pdf", "it has 100,000 pages", "pages", 300))
    a.pdf: over budget: it has 100,000 pages; the limit is 300 (NIANBAO_BUDGET__PAGES); skipped, ...
    """

    def __init__(self, source: str, detail: str, setting: str, limit: float) -> None:
        shown = f"{limit:,}" if isinstance(limit, int) else f"{limit:g}"
        super().__init__(
            f"{source}: over budget: {detail}; the limit is {shown} (NIANBAO_BUDGET__{setting.upper()}); "
            "skipped, nothing of it stored"
        )
        self.setting = setting

    def __reduce__(self) -> tuple:  # pickled back from the reading process with its message
        return (_rebuilt, (self.args[0], self.setting))


def _rebuilt(message: str, setting: str) -> OverBudget:
    exc = OverBudget.__new__(OverBudget)
    IngestError.__init__(exc, message)
    exc.setting = setting
    return exc


class Cancelled(IngestError):
    """The caller gave the file up while it was waiting or being read (an upload whose client
    disconnected); nothing of it is stored."""
