"""Answer a question: parse, resolve bodies and years, route to figures or text, compose.

The same code path serves ``POST /api/chat``, ``nianbao ask`` and the evaluation harness.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from nianbao.answer import check, compose, lexicon, review, smalltalk
from nianbao.answer.conversations import (
    ConversationStore,
    MemoryConversations,
    StoredConversations,
    bounded_state,
    new_id,
    turn_of,
)
from nianbao.answer.metrics import metrics_for_reports
from nianbao.answer.model import Answer, Citation
from nianbao.answer.normalise import ask_in_chinese, foreign, normalise
from nianbao.answer.parse import Question, asks_nothing, follow_up, parse, state_of
from nianbao.answer.text import prefers_text, slot_of
from nianbao.catalog import Catalog, consecutive_years
from nianbao.keys import Rate
from nianbao.model import Conversation, NarrativeFigure, Section, StoredFinding, StoredReport
from nianbao.retrieval.bodies import BodyResolver, same_body
from nianbao.retrieval.figures import Figure, metric_label, share_of
from nianbao.settings import Settings

if TYPE_CHECKING:  # the search stack and langchain load only when a question needs them
    from nianbao.answer.llm import Wording
    from nianbao.answer.quote import Source
    from nianbao.retrieval.hybrid import Hit

log = logging.getLogger(__name__)

#: Said when a conversation id is sent that is not (or no longer) kept.
NEW_CONVERSATION_NOTE = "（没有找到这个对话，可能已过期；以下按新对话回答。）"


@runtime_checkable
class ReportSearch(Protocol):
    """The search index as the answerer uses it: the best chunks for a question, by body, year
    and kind (``retrieval.index.SearchIndex.search``)."""

    def search(
        self,
        query: str,
        k: int = ...,
        body: str | Sequence[str] | None = ...,
        year: int | Sequence[int] | None = ...,
        section: str | None = ...,
        kind: str | None = ...,
    ) -> list[Hit]: ...


#: Opens the search index when a question first needs it; None when there is none (yet).
SearchProvider = Callable[[], ReportSearch | None]


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
        conversations: ConversationStore | None = None,
    ) -> None:
        self.catalog = catalog
        self._search: ReportSearch | None = search if isinstance(search, ReportSearch) else None
        self._provider = search if self._search is None and callable(search) else None
        self._search_lock = threading.Lock()
        self.today = today
        self.wording = wording
        self.figures = catalog.figures
        #: In memory unless given: ``build_answerer`` gives the store's (workers, restarts).
        self.conversations = conversations if conversations is not None else MemoryConversations()
        #: The page's examples, with what they were made from (the current reports' ids: a new,
        #: replaced, deleted or restored report changes them), so a page load asks no questions.
        self._examples_made: tuple[object, list[str]] | None = None

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
        """Answer a question; with the id of a kept conversation, as its next turn. An id that is
        not kept (unknown, expired) starts a new conversation, under a new id, and says so."""
        known = self.conversations.load(conversation_id) if conversation_id else None
        previous = known.state if known else {}
        catalogue = self._catalogue()
        asked = _answer_to_clarify(normalise(question), previous)
        parsed = parse(asked, BodyResolver(catalogue), self.today or date.today())
        small = smalltalk.kind_of(parsed)
        if small:  # answered from the catalogue; the topic of the conversation stays as it was
            answer, state = self._small_talk(small, parsed, catalogue), previous
        else:
            is_topic = partial(self._talked_about, previous, parsed, catalogue)
            followed, note = self._soft_years(parsed, follow_up(parsed, previous, is_topic), catalogue)
            answer, state = self._turn(asked, followed, catalogue)
            answer = replace(answer, text=note + answer.text) if note else answer
            state = bounded_state(state)
        if conversation_id and known is None:
            answer = replace(answer, text=NEW_CONVERSATION_NOTE + answer.text)
        kept_id = known.id if known else new_id()
        self.conversations.save(kept_id, state, turn_of(question.strip(), answer))
        return replace(answer, conversation_id=kept_id, state=state, conversation_new=known is None)

    def conversation(self, conversation_id: str) -> Conversation | None:
        """A kept conversation with its turns (GET /api/conversations/{id}); None if not kept."""
        return self.conversations.history(conversation_id)

    def _talked_about(self, state: dict, q: Question, catalogue: dict, words: str) -> bool:
        """Whether ``words`` are a topic (联系电话, 主动公开), not words about the asking (换成…呢):
        a kind of fact the text is searched for, or something the reports in question (those the
        question names, else the conversation's) answer."""
        if slot_of(words) is not None:
            return True
        bodies = [n for m in q.mentions for n in m.exact or m.near] or list(state.get("bodies", []))
        years = set(q.years or state.get("years") or ())
        reports = [
            r
            for b in dict.fromkeys(bodies)
            for r in self._reports_of(b, catalogue)
            if not years or r.meta.year in years
        ]
        from nianbao.answer.quote import quote_answer  # text answers' reading: not a figure's

        return quote_answer(words, self._sources(reports[-3:]), "value").status == "answered"

    def _soft_years(self, asked: Question, followed: Question, catalogue: dict) -> tuple[Question, str]:
        """Years a question inherited (it named none) are dropped when a body it names has no
        report of them: 那发改局呢？ after a year only the office reported is answered from the
        body's latest report, with a note saying so."""
        if asked.years or asked.recent or not followed.years or not asked.mentions:
            return followed, ""
        unbound = replace(followed, years=())
        bodies, _ = self._bodies(unbound, catalogue)
        lacking = [b for b in bodies if not self._fitting([b], followed, catalogue)]
        if not lacking:
            return followed, ""
        years = "、".join(str(y) for y in followed.years)
        return unbound, f"（{'、'.join(lacking)}没有{years}年的报告，以下按其最近的报告回答。）"

    def _turn(self, question: str, parsed: Question, catalogue: dict) -> tuple[Answer, dict]:
        if catalogue and not parsed.mentions and not parsed.unknown_body and asks_nothing(parsed):
            return self._nothing_before(parsed, catalogue), state_of(parsed, [], list(parsed.years))
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
        return answer, state

    @staticmethod
    def _of_years(catalogue: dict, years: Sequence[int]) -> dict:
        """The catalogue's reports of these years (all when none)."""
        if not years:
            return catalogue
        kept = {b: [r for r in rs if r.meta.year in years] for b, rs in catalogue.items()}
        return {b: rs for b, rs in kept.items() if rs}

    def _nothing_before(self, q: Question, catalogue: dict) -> Answer:
        """其中自然人呢？ with no question before it to go on from: ask for a whole question."""
        examples = self._examples(catalogue)[:1]
        example = f"例如：「{examples[0]}」" if examples else ""
        return Answer(
            "clarify", f"请问是哪个单位、哪一年的什么情况？请把问题问完整，{example}。".replace("，。", "。")
        )

    def _examples(self, catalogue: dict, limit: int = 2) -> list[str]:
        """Questions built from what is stored that are answered (at most ``limit``)."""
        examples: list[str] = []
        for candidate in smalltalk.example_questions(catalogue):
            parsed = parse(candidate, BodyResolver(catalogue), self.today or date.today())
            if self._answer(parsed, catalogue)[0].status == "answered":
                examples.append(candidate)
            if len(examples) == limit:
                break
        return examples

    def overview(self, limit: int = 4) -> tuple[dict[str, list[int]], list[str]]:
        """What is stored, for the page: each body with its years, and up to ``limit`` example
        questions built from them and checked to be answered."""
        catalogue = self._catalogue()
        stored = (
            frozenset(r.meta.id for rs in catalogue.values() for r in rs),
            limit,
            self.today or date.today(),
        )
        made = self._examples_made
        if made is None or made[0] != stored:
            made = self._examples_made = (stored, self._examples(catalogue, limit))
        return smalltalk.bodies_and_years(catalogue), list(made[1])

    def _small_talk(self, kind: str, q: Question, catalogue: dict) -> Answer:
        """A greeting, thanks, or a question about what can be asked and what is stored."""
        wanted = kind in ("greeting", "capability", "catalogue")
        examples = self._examples(self._of_years(catalogue, q.years)) if wanted else []
        return Answer("answered", smalltalk.reply(kind, catalogue, q.years, examples))

    def tool_answer(self, question: str) -> str:
        """The plain answer with its sources as text: what the language model's tools return."""
        catalogue = self._catalogue()
        parsed = parse(normalise(question), BodyResolver(catalogue), self.today or date.today())
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
        if foreign(q.text):  # not_found, not clarify: there is no option to pick, only to re-ask
            reply, examples = ask_in_chinese(catalogue)
            return Answer("not_found", reply, options=examples), [], []
        if q.across:
            return self._across(q, catalogue)
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
            return self._from_next_year(q, bodies, catalogue) or missing, bodies, list(q.years)
        whole = review.answer(self.catalog, q, bodies)  # what changed, is it complete
        if whole is not None:
            return whole, bodies, years
        if q.rates:
            return self._rates(q, reports), bodies, years
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
        if answer.status != "answered" and not q.asks and q.unsure:
            answer = _which_row(q.unsure)
        if several and answer.status == "answered":  # say that the name fits several bodies
            note = f"「{several[0]}」可以指{'、'.join(bodies)}，以下按各自的报告回答。"
            answer = replace(answer, text=note + answer.text)
        return answer, bodies, years

    def _bodies(self, q: Question, catalogue: dict) -> tuple[list[str], Answer | None]:
        """One stored body per mention; a mention that fits several bodies is asked back, one
        that names a body not stored is not found (even beside stored ones: 比较A和B)."""
        if q.unknown_body:
            return [], self._unknown_body(q.unknown_body, catalogue)
        bodies: list[str] = []
        resolver = BodyResolver(catalogue)
        for mention in q.mentions:
            fitting = self._fitting(mention.exact, q, catalogue) or self._fitting(mention.near, q, catalogue)
            if not fitting:
                fitting = list(mention.exact or mention.near)
            if len(fitting) > 1:
                fitting = resolver.prefer_government(fitting, mention.text)
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
                chosen += reps[-1:] if _latest_only(q) else reps
        return chosen, None

    def _unknown_body(self, mention: str, catalogue: dict) -> Answer:
        """Not found, naming the bodies that are stored: those of the same place first."""
        names = BodyResolver(catalogue).related(mention)
        text = f"语料中没有「{mention}」的年度报告，无法回答。现有的机关：{'、'.join(names)}。"
        return Answer("not_found", text, options=tuple(names))

    # --- figures -------------------------------------------------------------------------

    def _findings(self, report_ids: Sequence[str]) -> list[StoredFinding]:
        """The findings stored with these reports (not those across years)."""
        return self.catalog.findings(report_ids=report_ids, across_years=False)

    def _figures(self, q: Question, reports: list) -> Answer:
        note = ""
        if not q.years and not q.recent and _latest_only(q):  # the latest report that has it
            reports, note = self._latest_with(reports, partial(self._has_figure, q))
        answer = self._table_answer(q, reports)
        return replace(answer, text=answer.text + note) if note and answer.status == "answered" else answer

    def _has_figure(self, q: Question, rep: StoredReport) -> bool:
        metrics = metrics_for_reports(q, [rep])
        return any(f.value is not None for m in metrics for f in self.figures.get([rep.meta.id], m))

    def _latest_with(self, reports: list, has: Callable[[StoredReport], bool]) -> tuple[list, str]:
        """For a question that names no year: each body's latest report that has what is asked,
        and a note that says which year that is and which other years are stored."""
        catalogue = self._catalogue()
        chosen, notes = [], []
        for rep in reports:
            series = self._reports_of(rep.meta.body, catalogue)
            found = next((r for r in reversed(series) if has(r)), rep)
            chosen.append(found)
            body, year = rep.meta.body, found.meta.year
            if found.meta.id != rep.meta.id:
                note = (
                    f"{body}最新的{rep.meta.year}年报告中没有这一项，"
                    f"以上是有这一项的最近一年（{year}年）的数字"
                )
            elif len(reports) == 1 and len(series) > 1:
                note = f"未指明年份，以上是{body}最新的{year}年报告的数字"
            else:
                continue
            others = "、".join(str(r.meta.year) for r in series if r.meta.year != year)
            notes.append(f"{note}；另有{others}年的报告" if others and len(reports) == 1 else note)
        return chosen, "".join(f"（{n}。）" for n in notes)

    def _table_answer(self, q: Question, reports: list) -> Answer:
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
        shared: list[Figure] = []
        if q.intent == "ratio" and len(table) == 1 and len(table[0][1]) == 1:
            fig = table[0][1][0]
            extra[id(fig)], shared = self._share(fig)
        if len(table) == 1 and len(table[0][1]) > 1 and not extra:
            return compose.compare_answer(table[0][1], q.intent, findings)
        answer = compose.several_answer(table, q.intent, findings, extra)
        if shared:  # the total a share was taken of is cited too
            answer = replace(
                answer,
                citations=answer.citations + compose.citations(shared),
                figures=answer.figures + tuple(f.as_row() for f in shared),
            )
        return answer

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
        """Does it add up? The findings ``nianbao check`` lists for these reports (across years
        too) that the question is about, each cited; without one, the balances in numbers."""
        ids = [r.meta.id for r in reports]
        metrics = metrics_for_reports(q, reports) if q.asks else []
        figures = [f for m in metrics for f in self.figures.get(ids, m) if f.value is not None]
        keys = {c.key for f in figures for c in f.cells} | set(metrics)
        found = check.related_findings(q.text, self.catalog.findings(report_ids=ids), keys)
        scope = check.scope_of(q.text)
        whole = bool(scope) or check.wants_balance(q.text) or not figures
        if found:
            # reports without a break in the tables get their balances shown
            broken = {f.report_id for f in found if f.rule != "narrative"}
            rest = [i for i in ids if i not in broken] if whole and not keys else []
            return _joined([check.findings_answer(found, figures), *self._balances(rest, scope, metrics)])
        shown = self._balances(ids, scope, metrics) if whole else self._carries(ids, metrics)
        if shown:
            return _joined(shown)
        if not figures:
            return (
                self._no_figure(q, reports, metrics[0])
                if metrics
                else Answer("not_found", "报告中没有可以核对的表格数字。")
            )
        return self._stated_check(ids, figures, keys)

    def _balances(self, ids: Sequence[str], scope: set[str], metrics: Sequence[str]) -> list[Answer]:
        """Table 3's balance and table 4's totals, computed from the cells, for the tables the
        question is about (those it names, those of its metrics, or both)."""
        if scope == {"narrative"}:  # the text against the tables: the findings say it all
            return []
        tables = (scope - {"narrative"}) or {m.split(".")[0] for m in metrics} or {"t3", "t4"}
        out = []
        for report_id in ids:
            if "t3" in tables:
                out.append(check.balance_answer(self.figures, [report_id]))
            if "t4" in tables:
                out.append(check.t4_answer(self.figures, report_id))
        return self._carries(ids, metrics) + [a for a in out if a is not None]

    def _carries(self, ids: Sequence[str], metrics: Sequence[str]) -> list[Answer]:
        """上年结转 against last year's 结转下年度, for the consecutive years asked about."""
        if not {"t3.carried_over", "t3.carried_forward"} & {m.rsplit(".", 1)[0] for m in metrics}:
            return []
        pairs = [(p.meta.id, c.meta.id) for p, c in consecutive_years(self.catalog.reports())]
        found = [check.carry_answer(self.figures, p, c) for p, c in pairs if p in ids and c in ids]
        return [a for a in found if a is not None]

    def _stated_check(self, ids: list[str], figures: list[Figure], keys: set[str]) -> Answer:
        """A figure against what the text states for it."""
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

    def _share(self, fig: Figure) -> tuple[str, list[Figure]]:
        """（占办理结果总计（办结）81件的51.9%…）: a figure as a share of the total it is part of
        (an applicant column of its row's 总计, a result row of 办理结果总计), and that total."""
        rate = share_of(fig.metric)
        shares = self.figures.rate([fig.report_id], rate) if rate else []
        if not shares or shares[0].value is None:
            return "", []
        return compose.share_text(shares[0]), list(shares[0].denominator)

    # --- rates and every body ----------------------------------------------------------------

    def _rates(self, q: Question, reports: list) -> Answer:
        """Derived rates (复议纠错率…), each with its formula and every cell it used."""
        rates = [lexicon.rate_of(name) for name in q.rates]
        note = ""
        if not q.years and not q.recent and not re.search(_EVERY_YEAR, q.text):
            reports, note = self._latest_with(reports, partial(self._has_rates, rates))
        ids = [r.meta.id for r in reports]
        found = [value for rate in rates for value in self.figures.rate(ids, rate)]
        if not found:
            which = "、".join(f"{r.meta.body}{r.meta.year}年" for r in reports)
            names = "、".join(r.label for r in rates)
            return Answer("not_found", f"{which}的报告表格中缺少计算{names}所需的数字。")
        answer = compose.rate_answer(found, self._findings(ids))
        return replace(answer, text=answer.text + note) if note else answer

    def _has_rates(self, rates: list[Rate], rep: StoredReport) -> bool:
        return any(self.figures.rate([rep.meta.id], rate) for rate in rates)

    def _across(self, q: Question, catalogue: dict) -> tuple[Answer, list[str], list[int]]:
        """哪个单位最多, 所有单位一共: the metric (or rate) in every stored body's report of the
        year asked (the latest stored year when none is), ranked or added up in code."""
        stored = sorted({r.meta.year for rs in catalogue.values() for r in rs if r.meta.year})
        years = [y for y in q.years if y in stored] or ([] if q.years else stored[-1:])
        if not years:
            have = "、".join(str(y) for y in stored)
            return (
                Answer("not_found", f"语料中没有{'、'.join(map(str, q.years))}年的报告；现有{have}年。"),
                [],
                [],
            )
        earlier = "、".join(str(y) for y in stored[:-1])
        note = "" if q.years else f"（未指明年份，按语料中最新的{years[0]}年；另有{earlier}年的报告。）"
        answers = [a for a in (self._across_year(q, catalogue, year) for year in years) if a]
        if not answers:
            which = "、".join(map(str, years))
            return Answer("not_found", f"{which}年的报告表格中没有可以比较的这一项。"), [], years
        answer = Answer(
            "answered",
            "".join(a.text for a in answers) + note,
            tuple(c for a in answers for c in a.citations),
            tuple(f for a in answers for f in a.figures),
        )
        return answer, list(dict.fromkeys(f["body"] for f in answer.figures)), years

    def _across_year(self, q: Question, catalogue: dict, year: int) -> Answer | None:
        ids = [r.meta.id for rs in catalogue.values() for r in rs if r.meta.year == year]
        fewest = re.search(r"最少|最低|最小|倒数", q.text) is not None
        if q.rates:
            rates = [v for v in self.figures.rate(ids, lexicon.rate_of(q.rates[0])) if v.value is not None]
            return compose.across_rates_answer(rates, fewest) if rates else None
        reports = [r for rs in catalogue.values() for r in rs if r.meta.year == year]
        metric = metrics_for_reports(q, reports)[0]
        figures = [f for f in self.figures.get(ids, metric) if f.value is not None]
        intent = "sum" if q.intent == "sum" else "rank"
        return compose.across_answer(figures, intent, fewest) if figures else None

    # --- text ----------------------------------------------------------------------------

    def _text(self, q: Question, reports: list, catalogue: dict) -> Answer:
        """Quote the sentences of the reports that answer the question.

        No body named: the reports the search picks (every report without an index), answered
        body by body. No year named: every year of the body, the nearest first."""
        across = not reports
        if across:
            reports = self._search_reports(q, catalogue)
        elif not q.years and not q.recent:
            bodies = list(dict.fromkeys(r.meta.body for r in reports))
            reports = [r for b in bodies for r in self._reports_of(b, catalogue)]
        nearest_first = not q.years and not q.recent
        if nearest_first:
            reports = sorted(reports, key=lambda r: -(r.meta.year or 0))
        sources = self._sources(reports)
        topic = topic_of(q)
        hits = self._hits(topic, reports)
        from nianbao.answer.quote import quote_answer

        return quote_answer(topic, sources, q.intent, hits=hits, nearest_first=nearest_first, across=across)

    def _from_next_year(self, q: Question, bodies: list[str], catalogue: dict) -> Answer | None:
        """A count of a year not stored, worked back from the next year's 较上年增加 (``answer.previous``)."""
        if len(bodies) != 1 or len(q.years) != 1:
            return None
        year = q.years[0]
        following = [r for r in self._reports_of(bodies[0], catalogue) if r.meta.year == year + 1]
        if not following:
            return None
        from nianbao.answer.previous import from_next_year

        return from_next_year(topic_of(q), year, self._sources(following[:1])[0])

    def _hits(self, topic: str, reports: list) -> list:
        """The search index's windows for the question within these reports (keywords and
        embeddings fused); [] without an index."""
        if self.search is None or not reports:
            return []
        bodies = sorted({r.meta.body for r in reports})
        years = sorted({r.meta.year for r in reports if r.meta.year})
        ids = {r.meta.id for r in reports}
        try:
            found = self.search.search(topic, k=20, body=bodies, year=years or None, kind="text")
        except Exception:  # logged: an index problem must not stop a text answer
            log.exception("search failed; reading the reports without it")
            return []
        from nianbao.answer.quote import hits_of

        return [h for h in hits_of(found) if h.report_id in ids]

    def _sources(self, reports: Sequence[StoredReport]) -> list[Source]:
        """The reports' texts, each able to say which section an offset is in."""
        from nianbao.answer.quote import Source

        sources: list[Source] = []
        for rep in reports:
            text, stored = self.catalog.text_with_sections(rep.meta.id)
            sections = tuple(stored)
            meta = rep.meta
            sources.append(
                Source(
                    meta.id,
                    meta.source,
                    meta.body,
                    meta.year,
                    text,
                    partial(_section_path, sections),
                    sections,
                    meta.title,
                    meta.published,
                )
            )
        return sources

    def _search_reports(self, q: Question, catalogue: dict) -> list:
        """Reports to read for a question that names no body: those of the search index's best
        hits when there is one, otherwise every report (of the years asked)."""
        reps = [r for rs in catalogue.values() for r in rs]
        if q.years:
            reps = [r for r in reps if r.meta.year in q.years]
        if len(reps) <= 3:
            return reps
        try:
            search = self.search
            if search is None:
                return reps
            hits = search.search(topic_of(q), k=30, year=list(q.years) or None, kind="text")
        except Exception:  # logged: an index problem must not stop a text answer
            log.exception("search failed; reading every report")
            return reps
        ranked = list(dict.fromkeys(h.report_id for h in hits))[:8]
        by_id = {r.meta.id: r for r in reps}
        return [by_id[i] for i in ranked if i in by_id] or reps


def _which_row(rows: Sequence[str]) -> Answer:
    """The question reads as one of a few rows, none clearly: ask which (the reply names it)."""
    names = [metric_label(f"{row}.total") for row in rows]
    return Answer("clarify", f"您问的是{'还是'.join(f'「{n}」' for n in names)}？", options=tuple(names))


def _latest_only(q: Question) -> bool:
    """A question that names no year is asked of the latest report only (a trend, a comparison,
    a sum or a 多少倍 reads them all)."""
    if q.intent == "rate":  # 平潭历年的实质公开率 reads every year
        return re.search(_EVERY_YEAR, q.text) is None
    return q.intent in ("value", "text") or (q.intent == "ratio" and "倍" not in q.text)


def _joined(answers: Sequence[Answer]) -> Answer:
    """Several answers about one question as one: texts in order, citations and figures of all."""
    first = answers[0]
    if len(answers) == 1:
        return first
    return replace(
        first,
        text="".join(a.text for a in answers),
        citations=tuple(c for a in answers for c in a.citations),
        figures=tuple(f for a in answers for f in a.figures),
    )


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
        text = text.replace(mention.text, " ", 1)  # once: 《问政平潭》 keeps its 平潭
    return re.sub(r"(19|20)\d{2}\s*年?度?", " ", text)


def _section_path(sections: Sequence[Section], offset: int) -> str:
    """The path of the innermost section holding ``offset``, joined with ›."""
    best: tuple[str, ...] = ()
    for s in sections:
        if s.start <= offset < s.end and len(s.path) >= len(best):
            best = s.path
    return " › ".join(best)


#: Words asking for every year a body reported (平潭历年的实质公开率).
_EVERY_YEAR = r"历年|逐年|每年|各年|历次|这几年|趋势|走势"


def build_answerer(
    settings: Settings,
    catalog: Catalog,
    index: object = None,
    conversations: ConversationStore | None = None,
) -> Answerer:
    """The Answerer for these settings: conversations kept in the store (the settings' own
    unless given), with a language model only when one is configured.

    ``index`` is the Library's index, or a :data:`SearchProvider` that opens it when a question
    first needs it; the answerer searches it when it can search.
    """
    search = index if isinstance(index, ReportSearch) or callable(index) else None
    answerer = Answerer(
        catalog,
        search,
        conversations=conversations if conversations is not None else StoredConversations.of(settings),
    )
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
