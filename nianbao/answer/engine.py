"""Answer a question: parse, resolve bodies and years, route to figures or text, compose.

The same code path serves ``POST /api/chat``, ``nianbao ask`` and the evaluation harness.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from nianbao.answer import check, compose
from nianbao.answer.metrics import metrics_for_reports
from nianbao.answer.model import Answer, Citation
from nianbao.answer.parse import Question, follow_up, parse, state_of
from nianbao.answer.quote import Source, quote_answer
from nianbao.answer.text import prefers_text
from nianbao.catalog import Catalog
from nianbao.model import NarrativeFigure, Section, StoredFinding, StoredReport
from nianbao.retrieval.bodies import BodyResolver, same_body
from nianbao.retrieval.figures import Figure, metric_label
from nianbao.settings import Settings

if TYPE_CHECKING:  # the search stack and langchain load only when a question needs them
    from nianbao.answer.llm import Wording
    from nianbao.retrieval.hybrid import Hit

MAX_CONVERSATIONS = 10_000
log = logging.getLogger(__name__)


@runtime_checkable
class ReportSearch(Protocol):
    """The search index as the answerer uses it: the best chunks for a question, by year."""

    def search(self, query: str, k: int = ..., *, year: int | Sequence[int] | None = ...) -> list[Hit]: ...


#: Opens the search index when a question first needs it; None when there is none (yet).
SearchProvider = Callable[[], ReportSearch | None]


class Conversations:
    """Conversation state by id, the oldest forgotten first; safe across threads."""

    def __init__(self, limit: int = MAX_CONVERSATIONS) -> None:
        self._items: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit

    def get(self, conversation_id: str) -> dict:
        with self._lock:
            return dict(self._items.get(conversation_id, {}))

    def put(self, conversation_id: str, state: dict) -> None:
        with self._lock:
            self._items[conversation_id] = state
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)


class Answerer:
    """Answers questions from what the ``Catalog`` reads; ``search`` (the search index), when
    given, picks the reports to quote for a question that names no body.

    ``search`` may be the index or a :data:`SearchProvider` that opens it: it is then called
    only when a question needs text search, so figure answers never load the search stack.
    """

    def __init__(
        self,
        catalog: Catalog,
        search: ReportSearch | SearchProvider | None = None,
        today: date | None = None,
        wording: Wording | None = None,
    ) -> None:
        self.catalog = catalog
        self._search: ReportSearch | None = search if isinstance(search, ReportSearch) else None
        self._provider = search if self._search is None and callable(search) else None
        self._search_lock = threading.Lock()
        self.today = today
        self.wording = wording
        self.figures = catalog.figures
        self.conversations = Conversations()

    @property
    def search(self) -> ReportSearch | None:
        """The search index: the one given, or the provider's, opened once (not kept while the
        provider has none yet, as while the server's model is still loading)."""
        if self._search is None and self._provider is not None:
            with self._search_lock:
                if self._search is None:
                    self._search = self._provider()
        return self._search

    @search.setter
    def search(self, value: ReportSearch | None) -> None:
        self._search, self._provider = value, None

    # --- public --------------------------------------------------------------------------

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        conversation_id = conversation_id or uuid.uuid4().hex
        catalogue = self._catalogue()
        previous = self.conversations.get(conversation_id)
        question = _answer_to_clarify(question.strip(), previous)
        parsed = parse(question, BodyResolver(catalogue), self.today or date.today())
        parsed = follow_up(parsed, previous)
        answer, bodies, years = self._answer(parsed, catalogue)
        if self.wording is not None:
            answer = self.wording.reword(question, answer)
        state = state_of(parsed, bodies, years)
        if answer.status == "clarify" and answer.state.get("mention"):
            state |= {
                "pending": question,
                "mention": answer.state["mention"],
                "options": list(answer.options),
            }
        self.conversations.put(conversation_id, state)
        return replace(answer, conversation_id=conversation_id, state=state)

    def tool_answer(self, question: str) -> str:
        """The plain answer with its sources as text: what the language model's tools return."""
        catalogue = self._catalogue()
        parsed = parse(question.strip(), BodyResolver(catalogue), self.today or date.today())
        answer, _, _ = self._answer(parsed, catalogue)
        sources = "；".join(f"{c.source} {c.locator}：{c.quote}" for c in answer.citations)
        return f"{answer.text}\n出处：{sources}" if sources else answer.text

    # --- resolution ----------------------------------------------------------------------

    def _catalogue(self) -> dict[str, list[StoredReport]]:
        """Stored reports by body name."""
        return self.catalog.by_body()

    def _reports_of(self, body: str, catalogue: dict[str, list[StoredReport]]) -> list[StoredReport]:
        reps = [r for name, rs in catalogue.items() if same_body(name, body) for r in rs]
        return sorted(reps, key=lambda r: r.meta.year or 0)

    def _answer(self, q: Question, catalogue: dict) -> tuple[Answer, list[str], list[int]]:
        if not catalogue:
            return Answer("not_found", "目前还没有收录任何年度报告。"), [], []
        if q.unknown_body and not q.mentions:
            return self._unknown_body(q.unknown_body, catalogue), [], list(q.years)
        bodies, clarify = self._bodies(q, catalogue)
        if clarify:
            return clarify, [], list(q.years)
        if not bodies:
            if q.row is None or prefers_text(q.text):
                return self._text(q, [], catalogue), [], list(q.years)
            names = sorted(catalogue)
            return (
                Answer(
                    "clarify",
                    "请问是哪个机关的年度报告？语料中有：" + "、".join(names) + "。",
                    options=tuple(names),
                ),
                [],
                list(q.years),
            )
        several = [m.text for m in q.mentions if len(self._fitting(m.exact, q, catalogue)) > 1]
        reports, missing = self._reports(q, bodies, catalogue)
        years = sorted({r.meta.year for r in reports if r.meta.year})
        if missing:
            return missing, bodies, list(q.years)
        if q.intent == "check":
            return self._check(q, reports), bodies, years
        if q.asks and not prefers_text(q.text):
            answer = self._figures(q, reports)
            if answer.status == "answered":
                return answer, bodies, years
            text = self._text(q, reports, catalogue)
            return (text if text.status == "answered" else answer), bodies, years
        answer = self._text(q, reports, catalogue)
        if answer.status != "answered" and q.asks:
            figures = self._figures(q, reports)
            answer = figures if figures.status == "answered" else answer
        if several and answer.status == "answered":  # say that the name fits several bodies
            note = f"「{several[0]}」可以指{'、'.join(bodies)}，以下按各自的报告回答。"
            answer = replace(answer, text=note + answer.text)
        return answer, bodies, years

    def _bodies(self, q: Question, catalogue: dict) -> tuple[list[str], Answer | None]:
        """One stored body per mention; a mention that fits several bodies is asked back."""
        bodies: list[str] = []
        resolver = BodyResolver(catalogue)
        for mention in q.mentions:
            fitting = self._fitting(mention.exact, q, catalogue) or self._fitting(mention.near, q, catalogue)
            if len(fitting) > 1:
                fitting = resolver.prefer_government(fitting, mention.text)
            if not fitting:
                fitting = list(mention.exact or mention.near)
            if len(fitting) == 1 or (fitting and not q.asks):  # a text question may read them all
                bodies += fitting
                continue
            return [], Answer(
                "clarify",
                f"「{mention.text}」可以指：{'、'.join(fitting)}。请问是哪一个？",
                options=tuple(fitting),
                state={"mention": mention.text},
            )
        return bodies, None

    def _fitting(self, names: Sequence[str], q: Question, catalogue: dict) -> list[str]:
        """The names that have a report for the years asked (all of them when none is asked)."""
        if not q.years:
            return list(names)
        return [n for n in names if any(r.meta.year in q.years for r in self._reports_of(n, catalogue))]

    def _reports(self, q: Question, bodies: list[str], catalogue: dict) -> tuple[list, Answer | None]:
        chosen = []
        for body in bodies:
            reps = self._reports_of(body, catalogue)
            have = [r.meta.year for r in reps]
            if q.recent:
                chosen += reps[-q.recent :]
            elif q.years:
                lacking = [y for y in q.years if y not in have]
                if lacking and len(lacking) == len(q.years) or lacking and len(bodies) == 1:
                    years = "、".join(str(y) for y in have)
                    return [], Answer(
                        "not_found",
                        f"语料中没有{body}{'、'.join(str(y) for y in lacking)}年的年度报告；"
                        f"现有该机关{years}年的报告。",
                        options=tuple(str(y) for y in have),
                    )
                chosen += [r for r in reps if r.meta.year in q.years]
            else:
                chosen += reps[-1:] if q.intent in ("value", "text") else reps
        return chosen, None

    def _unknown_body(self, mention: str, catalogue: dict) -> Answer:
        names = sorted(catalogue)
        return Answer(
            "not_found",
            f"语料中没有「{mention}」的年度报告，无法回答。现有的机关：{'、'.join(names)}。",
            options=tuple(names),
        )

    # --- figures -------------------------------------------------------------------------

    def _findings(self, report_ids: Sequence[str]) -> list[StoredFinding]:
        """The findings stored with these reports (not those across years)."""
        return self.catalog.findings(report_ids=report_ids, across_years=False)

    def _figures(self, q: Question, reports: list) -> Answer:
        ids = [r.meta.id for r in reports]
        metrics = metrics_for_reports(q, reports)
        table = [(m, [f for f in self.figures.get(ids, m) if f.value is not None]) for m in metrics]
        if (
            all(f.value == 0 for _, figs in table for f in figs)
            and metrics[0].startswith("t3.")
            and len(metrics) > 1
            and q.asks[0][0] == "t3.results"
        ):
            table = table[-1:]
        table = [(m, figs) for m, figs in table if figs]
        if q.asks and q.asks[0][0] == "t3.results":
            table = [(m, figs) for m, figs in table if any(f.value for f in figs)] or table
        findings = self._findings(ids)
        if not table:
            return self._from_narrative(reports, metrics) or self._no_figure(q, reports, metrics[0])
        extra = self._breakdowns(ids, table)
        if q.intent == "ratio" and len(table) == 1 and len(table[0][1]) == 1:
            extra[id(table[0][1][0])] = self._share(table[0][1][0])
        if len(table) == 1 and len(table[0][1]) > 1 and not extra:
            return compose.compare_answer(table[0][1], q.intent, findings)
        return compose.several_answer(table, q.intent, findings, extra)

    def _breakdowns(self, ids: list[str], table: list) -> dict[int, str]:
        """For a table-4 total, the results it is made of (结果维持1件…), keyed by figure id."""
        out: dict[int, str] = {}
        for metric, figures in table:
            table_name, row, column = metric.split(".")
            if table_name != "t4" or column != "total":
                continue
            for fig in figures:
                parts = [
                    p
                    for col in ("upheld", "corrected", "other", "pending")
                    for p in self.figures.get([fig.report_id], f"t4.{row}.{col}")
                ]
                out[id(fig)] = compose.breakdown(fig, parts)
        return out

    def _no_figure(self, q: Question, reports: list, metric: str) -> Answer:
        which = "、".join(f"{r.meta.body}{r.meta.year}年" for r in reports)
        return Answer("not_found", f"{which}的报告表格中没有「{metric_label(metric)}」这一项可以读出的数字。")

    def _check(self, q: Question, reports: list) -> Answer:
        """Does it add up? Name the breaks the question is about, or show the balance."""
        ids = [r.meta.id for r in reports]
        metrics = metrics_for_reports(q, reports) if q.asks else []
        figures = [f for m in metrics for f in self.figures.get(ids, m) if f.value is not None]
        keys = {c.key for f in figures for c in f.cells} | set(metrics)
        found = check.related_findings(q.text, self._findings(ids), keys)
        if found:
            return check.findings_answer(found, figures)
        if check.wants_balance(q.text) or not figures:
            answer = check.balance_answer(self.figures, ids)
            if answer:
                return answer
        if not figures:
            return (
                self._no_figure(q, reports, metrics[0])
                if metrics
                else Answer("not_found", "报告中没有可以核对的表格数字。")
            )
        base = compose.value_answer(figures, [])
        stated = self._stated(ids, figures[0].metric, keys)
        if not stated:
            return replace(base, text=base.text + "正文没有给出与此对应的数字；未发现这一项的数字不一致。")
        lines, cites = [], list(base.citations)
        fig = figures[0]
        for row in stated:
            verdict = "与表格一致" if row.value == fig.value else f"与表格的{compose.number(fig.value)}不一致"
            lines.append(f"正文写的是「{row.quote}」，即{compose.number(row.value)}件，{verdict}。")
            cites.append(Citation(fig.source, fig.body, fig.year, "正文", row.quote, fig.report_id))
        return replace(base, text=base.text + "".join(lines), citations=tuple(cites))

    def _stated(self, ids: Sequence[str], metric: str, keys: set[str]) -> list[NarrativeFigure]:
        """Narrative figures stored for these reports that state this metric."""
        return [
            f
            for f in self.catalog.narrative(ids)
            if f.key and (f.key in keys or f.key in (metric, metric.rsplit(".", 1)[0]))
        ]

    def _from_narrative(self, reports: list, metrics: list[str]) -> Answer | None:
        """A figure the table cannot give but the text states (无法提供的 10 件): quote the text."""
        for rep in reports:
            stated = self._stated([rep.meta.id], metrics[0], set(metrics))
            if stated:
                row = stated[0]
                text = (
                    f"{rep.meta.body}{rep.meta.year}年报告的表格中这一项无法读出；"
                    f"报告正文写的是：「{row.quote}」（{compose.number(row.value)}件）。"
                )
                cite = Citation(rep.meta.source, rep.meta.body, rep.meta.year, "正文", row.quote, rep.meta.id)
                return Answer("answered", text, (cite,))
        return None

    def _share(self, fig: Figure) -> str:
        """（占办理结果总计81件的51.85%）: a table-3 figure as a share of its column's total."""
        column = fig.metric.split(".")[-1]
        if not fig.metric.startswith("t3.") or fig.value is None:
            return ""
        totals = self.figures.get([fig.report_id], f"t3.total_processed.{column}")
        total = totals[0] if totals else None
        if total is None or not total.value:
            return ""
        share = round(100 * fig.value / total.value, 2)
        return f"（占办理结果总计{compose.number(total.value)}件的{compose.number(share)}%）"

    # --- text ----------------------------------------------------------------------------

    def _text(self, q: Question, reports: list, catalogue: dict) -> Answer:
        """Quote the sentences of the reports that answer the question."""
        if not reports:
            reports = self._search_reports(q, catalogue)
        sources = []
        for rep in reports:
            text, sections = self.catalog.text_with_sections(rep.meta.id)
            sources.append(
                Source(
                    rep.meta.id,
                    rep.meta.source,
                    rep.meta.body,
                    rep.meta.year,
                    text,
                    partial(_section_path, sections),
                )
            )
        return quote_answer(topic_of(q), sources, q.intent)

    def _search_reports(self, q: Question, catalogue: dict) -> list:
        """Reports to read for a question that names no body: the search index's best hits when
        there is one, otherwise every report (of the years asked)."""
        reps = [r for rs in catalogue.values() for r in rs]
        if q.years:
            reps = [r for r in reps if r.meta.year in q.years]
        if len(reps) <= 3:
            return reps
        try:
            search = self.search
            if search is None:
                return reps
            hits = search.search(topic_of(q), k=8, year=list(q.years) or None)
        except Exception:  # logged: an index problem must not stop a text answer
            log.exception("search failed; reading every report")
            return reps
        ranked = list(dict.fromkeys(h.report_id for h in hits))[:3]
        by_id = {r.meta.id: r for r in reps}
        return [by_id[i] for i in ranked if i in by_id] or reps


def _answer_to_clarify(question: str, previous: dict) -> str:
    """A reply that only names one of the offered bodies asks the pending question again."""
    pending, mention = previous.get("pending"), previous.get("mention")
    reply = re.sub(r"[\s。.，,！!？?]", "", question)
    chosen = [o for o in previous.get("options", []) if reply and (reply in o or o in reply)]
    if pending and mention and len(chosen) == 1 and len(reply) <= 20:
        return pending.replace(mention, chosen[0], 1)
    return question


def topic_of(q: Question) -> str:
    """The question without the body's name and the year: what the sentence must be about."""
    text = q.text
    for mention in q.mentions:
        text = text.replace(mention.text, " ")
    return re.sub(r"(19|20)\d{2}\s*年?度?", " ", text)


def _section_path(sections: Sequence[Section], offset: int) -> str:
    """The path of the innermost section holding ``offset``, joined with ›."""
    best: tuple[str, ...] = ()
    for s in sections:
        if s.start <= offset < s.end and len(s.path) >= len(best):
            best = s.path
    return " › ".join(best)


def build_answerer(settings: Settings, catalog: Catalog, index: object = None) -> Answerer:
    """The Answerer for these settings: with a language model only when one is configured.

    ``index`` is the Library's index, or a :data:`SearchProvider` that opens it when a question
    first needs it; the answerer searches it when it can search.
    """
    search = index if isinstance(index, ReportSearch) or callable(index) else None
    answerer = Answerer(catalog, search)
    if settings.llm_base_url:
        from nianbao.answer.llm import Wording, chat_model, make_tools

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        model = chat_model(settings.llm_base_url, settings.llm_model, key)

        def figures(question: str) -> str:
            """问一个关于年报表格数字的问题，例如“市中区政府办2023年新收申请多少件”。"""
            return answerer.tool_answer(question)

        def search_text(question: str) -> str:
            """在年报正文中找回答这个问题的原文句子。"""
            return answerer.tool_answer(question)

        answerer.wording = Wording(model, make_tools(figures, search_text))
    return answerer
