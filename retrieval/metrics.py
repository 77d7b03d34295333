"""Pick the metric key a question asks for, given the reports it is about."""

from __future__ import annotations

from answer import lexicon


def metric_for_reports(question, reports) -> str:  # noqa: ANN001 - Question, [StoredReport]
    """``t3.new_received.natural_person``; table 2 columns depend on the report's layout."""
    layout_2019 = any(r.meta.layout == "2019-60" for r in reports)
    return lexicon.metric_for(question.row, question.text, question.applicant, layout_2019)
