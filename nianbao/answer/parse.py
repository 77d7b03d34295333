"""Understand a question: years, bodies, metric, applicant type, and what is asked of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from nianbao.answer import lexicon
from nianbao.answer.meaning import MetricMatcher, content, default_matcher
from nianbao.retrieval.bodies import Mention

_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_YEAR_RANGE = re.compile(r"(20\d{2})\s*(?:年)?\s*(?:-|—|–|~|～|到|至)\s*(20\d{2})")
_RECENT = re.compile(r"近([一二两三四五六七八九十\d])年")
_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

INTENTS: list[tuple[str, str]] = [
    (
        # a check names agreement (一致, 勾稽, 对得上) or asks whether something is right or wrong
        "check",
        r"一致|一样吗|一样不|相同吗|对得上|对不上|相符|吻合|勾稽|核对|核实|平衡|矛盾|出入|是否相等|加起来等于"
        r"|算得对|有误|差错|错误|(?<![针相面反])对(?:吗|么|不对)|(?:正确|准确|没错|错了)(?:吗|么)"
        r"|有没有错|是不是对|(?:有没有|有无|是否有)问题|有问题(?:吗|么)|(?:属实|是真的|确实如此)(?:吗|么)",
    ),
    ("rate", lexicon.RATE_PATTERN),
    ("ratio", r"多少倍|几倍|倍数|" + lexicon.RATIO),
    (
        "diff",
        r"增加了?多少|减少了?多少|相差|差多少|差了|多了多少|少了多少|增长了?多少|下降了?多少|变化了?多少|增减|多多少|少多少|差额",
    ),
    ("sum", r"加起来|合计|一共|总共|共计|总和|累计"),
    ("rank", r"排名|排序|最多|最少|最高|最低|哪个.{0,4}最"),
    (
        "trend",
        r"趋势|逐年|历年|每年|变化情况|走势|越来越|是(?:在)?(?:增加|增长|上升|减少|下降)|"
        r"(?:增加|增长|上升|多了|变多|涨了)还是(?:减少|下降|少了|变少|降了)|"
        r"(?:减少|下降|少了|变少|降了)还是(?:增加|增长|上升|多了|变多|涨了)|"
        r"有没有(?:增加|增长|上升|减少|下降|变多|变少|变化)|是否(?:增加|增长|上升|减少|下降)|"
        r"(?:增加|增长|上升|减少|下降|变多|变少)了(?:吗|没有?)",
    ),
    (
        "compare",
        r"哪年多|哪一年多|哪个多|哪年更多|比较|对比|谁多|谁更多|更多|多还是少|分别|各多少|各是多少|各有多少|各有几|各几|哪年",
    ),
]


@dataclass(frozen=True)
class Question:
    """A question as parsed: the years, the bodies mentioned, the rows asked for and the intent."""

    text: str
    years: tuple[int, ...] = ()
    recent: int | None = None
    mentions: tuple[Mention, ...] = ()
    unknown_body: str | None = None
    asks: tuple[tuple[str, str], ...] = ()
    applicant: str | None = None
    intent: str = "value"
    #: When no row is clear: the rows the question may mean, to ask back.
    unsure: tuple[str, ...] = ()
    #: A table-4 result column read by meaning (复议后原答复被认可的 → upheld).
    result: str | None = None
    #: Derived rates asked for (``keys.RATES`` names): 复议纠错率 → review_correction.
    rates: tuple[str, ...] = ()
    #: No body named, and asked of every stored body (哪个单位最多, 所有单位一共).
    across: bool = False

    @property
    def row(self) -> str | None:
        """The first row asked for: what a follow-up inherits."""
        return self.asks[0][0] if self.asks else None


def parse_years(text: str, today: date) -> tuple[tuple[int, ...], int | None]:
    """Years named in the question; relative words count from ``today``; 近三年 → (, 3)."""
    text = text.translate(_CN_DIGITS) if re.search(r"[〇零一二三四五六七八九]{4}年", text) else text
    years: list[int] = []
    for start, end in _YEAR_RANGE.findall(text):
        years += list(range(int(start), int(end) + 1))
    years += [int(y) for y in _YEAR.findall(text) if int(y) not in years]
    for word, offset in (("前年", 2), ("去年", 1), ("今年", 0), ("上一年", 1)):
        if word in text and not years:
            years.append(today.year - offset)
    recent = _RECENT.search(text)
    count = None
    if recent:
        token = recent.group(1)
        count = int(token) if token.isdigit() else _NUM[token]
    return tuple(sorted(set(years))), count


def parse(
    text: str,
    resolver,  # noqa: ANN001 - BodyResolver
    today: date | None = None,
    matcher: MetricMatcher | None = None,
) -> Question:
    """A Question from its text; bodies come from the stored ones the resolver knows, metrics
    from the lexicon and, where its words are not decisive, from ``matcher`` (by meaning)."""
    today = today or date.today()
    years, recent = parse_years(text, today)
    mentions = tuple(resolver.resolve(text))
    stripped = _without(text, [m.text for m in mentions])
    metrics = read_metrics(stripped, matcher or default_matcher(), standalone=bool(mentions))
    intent = next((name for name, pattern in INTENTS if re.search(pattern, text)), "value")
    if intent == "value" and lexicon.asks_union(stripped):
        intent = "sum"  # 不予或部分公开的有多少: one category of two rows is their sum
    unknown = resolver.unknown_mention(text)
    rates = lexicon.find_rates(stripped)
    across = not mentions and not unknown and bool(metrics.asks or rates) and asks_every_body(text, intent)
    return Question(
        text,
        years,
        recent,
        mentions,
        unknown,
        metrics.asks,
        metrics.applicant,
        intent,
        metrics.unsure,
        metrics.result,
        rates,
        across,
    )


#: Words that ask a question of every stored body: 哪个单位, 各单位, 所有机关, 谁.
_EVERY_BODY = re.compile(
    r"哪(?:个|些|一个|一家|家)?(?:单位|机关|部门|政府)|哪家|谁|"
    r"(?:各|每)(?:个|一个|家)?(?:单位|机关|部门)|(?:所有|全部|这些)(?:的)?(?:单位|机关|部门|报告|年报)"
)


def asks_every_body(text: str, intent: str) -> bool:
    """Whether a question that names no body asks of all of them: it says so (各单位, 哪个单位),
    or ranks or adds up and speaks of bodies (最多的单位)."""
    if _EVERY_BODY.search(text):
        return True
    return intent in ("rank", "sum") and re.search(r"单位|机关|部门", text) is not None


_SEGMENT = re.compile(r"[？?。；;！!，,]")
_GENERIC_T3 = {"t3.new_received", "t3.total_processed", "t3.results"}
_COLUMN_WORDS = [lexicon.T4_RESULTS, lexicon.T2_COLUMNS, lexicon.APPLICANTS]


def asks_of(text: str, matcher: MetricMatcher | None = None) -> tuple[tuple[str, str], ...]:
    """(row, the words of its clause) for every row asked; a clause naming only a column
    (其中结果维持多少？) asks it of the row before."""
    return read_metrics(text, matcher or default_matcher()).asks


@dataclass(frozen=True)
class Metrics:
    """What a question asks of the tables: (row, clause) asks, an applicant column, a table-4
    result column read by meaning, and when no row is clear the rows it may mean."""

    asks: tuple[tuple[str, str], ...]
    applicant: str | None
    result: str | None
    unsure: tuple[str, ...]


def read_metrics(text: str, matcher: MetricMatcher, standalone: bool = False) -> Metrics:
    """The metrics of a question without its bodies and years. Each clause is read by the
    lexicon, and by meaning where that is not decisive (a question whose words name no row at
    all is read as one clause); a clause naming only a column (其中结果维持多少？) asks it of
    the row before. An applicant column without a row asks of 新收 when the question stands on
    its own (names a body) or speaks of 申请; otherwise it is a follow-up's."""
    asks: list[tuple[str, str]] = []
    applicant: str | None = None
    result: str | None = None
    unsure: tuple[str, ...] = ()
    segments = _SEGMENT.split(text)
    if not any(lexicon.named_rows(s) for s in segments):
        segments = [text]
    for segment in segments:
        named = lexicon.named_rows(segment)
        found = lexicon.find_in(lexicon.APPLICANTS, segment)
        if not named and asks and any(lexicon.find_in(t, segment) for t in _COLUMN_WORDS):
            asks.append((asks[-1][0], segment))
            applicant = applicant or found
            continue
        guessed = [] if named else lexicon.guessed_rows(segment)
        reading = matcher.read(segment, named, guessed, found, lexicon.without_columns(segment))
        applicant = applicant or reading.applicant
        rows = list(reading.rows)
        if result is None and _t4_without_result(rows, segment):
            result = matcher.result(lexicon.without_rows(segment))
        unsure = unsure or reading.unsure
        if any(not r.startswith("t3.") for r in rows):  # 复议…办理了 asks of the review, not of table 3
            rows = [r for r in rows if r not in _GENERIC_T3]
        if rows == ["t3.results"] and asks and asks[-1][0].startswith("t4."):
            continue  # 行政复议…结果如何: the answer gives a review's results anyway
        asks += [(row, segment) for row in rows if (row, segment) not in asks]
    if not asks and applicant and ("申请" in text or standalone):
        asks = [("t3.new_received", text)]  # 有商业企业申请吗: who applied is table 3's first row
    if not asks and _ONLY_APPLICATIONS.fullmatch(content(text)):
        asks = [("t3.new_received", text)]  # 申请越来越多了吗: applications, and nothing else
    return Metrics(tuple(asks), applicant, result, () if asks else unsure)


#: A question whose only words (asking words aside) are 申请: it asks of 新收.
_ONLY_APPLICATIONS = re.compile(r"[的了是\s]*(?:政府信息公开|信息公开|依)?申请(?:数|量|件数)?[的了是\s]*")


def _t4_without_result(rows: list[str], segment: str) -> bool:
    """A table-4 row asked for in words that name no result column."""
    return any(r.startswith("t4.") for r in rows) and not lexicon.find_in(lexicon.T4_RESULTS, segment)


def _without(text: str, aliases: list[str]) -> str:
    """The question with body names taken out, so 发改局 does not read as a metric word."""
    for alias in sorted(aliases, key=len, reverse=True):
        text = text.replace(alias, " ")
    return re.sub(r"(19|20)\d{2}\s*年度?", " ", text)


#: The form of a question that goes on from the one before: 那…, 其中…, 这些…, …呢？
_CONTINUES = re.compile(
    r"^\W*(?:那么|那|还有|另外|其中|这其中|这些|这个|这|该|上述|同年|同期|当年|再|又)"
    r"|呢\W*$"
)
#: Bodies in general (哪个单位, 所有单位, 各部门): the question fills the body slot with all of them.
_ANY_BODY = re.compile(
    r"(?:哪个|哪些|哪一个|哪家|哪几个|所有|全部|各个?|每个|几个)(?:单位|机关|部门|政府|地方)"
)
#: Words of a question's form rather than of its topic: particles, question and measure words.
_FORM_WORDS = re.compile(
    r"那么|那|还有|另外|其中|这些|这个|这|该|上述|同年|同期|当年|请问|一下|分别|里面|当中|"
    r"多少|几|怎么样|怎样|如何|情况|数量|数目|数字|一共|总共|"
    r"[的了吗呢吧啊呀么是有为又再也都和与及中件个项次条年度]"
)
_RELATIVE_YEARS = re.compile(r"前年|去年|今年|上一年|近[一二两三四五六七八九十\d]年")


def _named(question: Question) -> list[str]:
    """The body names as the question writes them."""
    names = [m.text for m in question.mentions if m.text]
    return [*names, question.unknown_body] if question.unknown_body else names


def continues(question: Question) -> bool:
    """Whether the question has the form of a follow-up (那…呢？ 其中… 这些…) or leaves the body
    open; one that names its own body without that form asks something of its own."""
    if _CONTINUES.search(question.text.strip()):
        return True
    return not (question.mentions or question.unknown_body or _ANY_BODY.search(question.text))


def own_topic(question: Question) -> str:
    """What the question asks about beyond its body, years, applicant and column words, what it
    does with a figure and its form: empty for 其中自然人呢？ 那2023年呢？ 洪泽区呢？ 增加了多少？
    (they ask the earlier question again); a stray character (其中被纠正的 → 被) is no topic."""
    text = _without(question.text, _named(question))
    text = _RELATIVE_YEARS.sub(" ", text)
    for table in (lexicon.APPLICANTS, *_COLUMN_WORDS):
        for pattern, _ in table:
            text = re.sub(pattern, " ", text)
    for _, pattern in INTENTS:  # 增加了多少, 各多少: what is done with the figure, not a topic
        text = re.sub(pattern, " ", text)
    text = _FORM_WORDS.sub(" ", text)
    return re.sub(r"[\W_\d]+", "", text)


def asks_nothing(question: Question, is_topic: Callable[[str], bool] | None = None) -> bool:
    """No metric and no topic of its own: the question asks the one before again (其中自然人呢？).

    A stray character (其中被纠正的 → 被) is no topic: a word takes two. When the question has
    the form of a follow-up (那…呢？), ``is_topic`` (is this something a report may state?)
    tells a topic (那联系电话呢？) from words about the asking (换成洪泽区呢？).
    """
    if question.row is not None or question.rates:
        return False
    topic = own_topic(question)
    if len(topic) <= 1:
        return True
    shaped = _CONTINUES.search(question.text.strip()) is not None
    return shaped and is_topic is not None and not is_topic(topic)


def follow_up(question: Question, state: dict, is_topic: Callable[[str], bool] | None = None) -> Question:
    """Fill the slots a question leaves open from the conversation state, and only those.

    - the body, when it names none (nor all of them: 哪个单位);
    - the years, when it names none (nor asks for every year: 历年);
    - the metric (and applicant type), or the derived rates, when it has no metric and no topic
      of its own (其中自然人呢？ 那2023年呢？ 洪泽区呢？; :func:`asks_nothing`), or the topic of a
      question answered from the text;
    - the operation (比较, 相差), when it has the form of a follow-up (:func:`continues`).

    A question that names its own body, years or metric keeps them; small talk never gets here
    (``answer.smalltalk``). The years are a soft slot: the engine drops inherited years that
    the body asked about has no report of.
    """
    if not state:
        return question
    updates: dict = {}
    if not question.mentions and not question.unknown_body and not _ANY_BODY.search(question.text):
        if state.get("bodies"):
            updates["mentions"] = tuple(Mention(b, (b,), ()) for b in state["bodies"])
    if not question.years and not question.recent and question.intent != "trend" and state.get("years"):
        updates["years"] = tuple(state["years"])
    bare = asks_nothing(question, is_topic)
    if bare and not question.rates and state.get("rates"):  # 复议纠错率是多少？ 那2023年呢？
        updates["rates"] = tuple(state["rates"])
    elif bare and state.get("row"):
        updates["asks"] = ((state["row"], question.text),)
        if question.applicant is None and question.intent in ("value", "diff", "sum", "compare", "ratio"):
            updates["applicant"] = state.get("applicant")
    elif bare and state.get("topic"):  # 那2022年呢？ after a question answered from the text
        updates["text"] = f"{question.text} {state['topic']}"
    if (
        continues(question)
        and question.intent == "value"
        and state.get("intent") in ("compare", "diff", "sum")
        and not question.years
    ):
        updates["intent"] = state["intent"] if question.row is None else "compare"
    return replace(question, **updates)


def state_of(question: Question, bodies: list[str], years: list[int]) -> dict:
    """What the next question of the conversation may leave out; ``topic`` is what a question
    without a table metric asked about (联系电话是多少), for 那2022年呢？"""
    topic = "" if question.row else _without(question.text, _named(question))
    topic = _RELATIVE_YEARS.sub(" ", _CONTINUES.sub(" ", topic)).strip()
    return {
        "bodies": bodies,
        "years": years,
        "row": question.row,
        "applicant": question.applicant,
        "intent": question.intent,
        "rates": list(question.rates),
        "topic": topic if len(own_topic(replace(question, text=topic, mentions=()))) > 1 else "",
    }
