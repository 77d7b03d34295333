"""Pick the metric keys a question asks for, given the reports it is about."""

from __future__ import annotations

from nianbao.answer import lexicon
from nianbao.keys import Layout

#: What "how were they handled" asks for: the result rows of table 3, then their total.
RESULT_ROWS = (
    "t3.granted",
    "t3.partly_granted",
    "t3.denied",
    "t3.unavailable",
    "t3.rejected",
    "t3.other",
    "t3.total_processed",
)


def metrics_for_reports(question, reports) -> list[str]:  # noqa: ANN001 - Question, [StoredReport]
    """``[t3.new_received.natural_person, …]``; table 2 columns depend on the report's layout."""
    layout_2019 = any(r.meta.layout == Layout.FORMAT_2019_60 for r in reports)
    metrics: list[str] = []
    for row, words in question.asks:
        rows = RESULT_ROWS if row == "t3.results" else (row,)
        for each in rows:
            metrics += lexicon.metrics_for(each, words, question.applicant, layout_2019, question.result)
    return list(dict.fromkeys(metrics))
