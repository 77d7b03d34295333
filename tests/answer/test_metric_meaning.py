"""A metric asked for in a citizen's own words reaches its canonical key, or none at all.

The phrasings were written for these tests from the meaning of each row and column in
report-format.md (two or more for every table-3 and table-4 row and every applicant column); none
is taken from an evaluation set, and none repeats the wording of ``answer/metric_descriptions.py``.
Each is asked of a made-up body and year, as a question would be.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.meaning import _COMMON, KEYWORDS_FILE, VECTORS_FILE, MetricMatcher, digest, keyword_table
from nianbao.answer.metric_descriptions import DESCRIPTIONS
from nianbao.answer.metrics import metrics_for_reports
from nianbao.answer.parse import parse
from nianbao.keys import T2_ROWS, T3_APPLICANT_COLUMNS, T3_ROWS, T4_RESULT_COLUMNS, T4_ROWS
from nianbao.retrieval.bodies import BodyResolver
from nianbao.retrieval.embed import DEFAULT_MODEL
from nianbao.retrieval.tokens import jieba_tokens

BODY = "白鹭县人民政府办公室"
TODAY = date(2024, 6, 1)

#: (phrasing, the first metric key it asks for)
PARAPHRASES: list[tuple[str, str]] = [
    # 表三 rows
    ("今年老百姓一共递交了多少份要求公开信息的申请？", "t3.new_received.total"),
    ("新来的信息公开请求有多少个？", "t3.new_received.total"),
    ("从前一年没办完留下来的申请有几件？", "t3.carried_over.total"),
    ("上一年度剩下、拖到今年处理的申请有多少？", "t3.carried_over.total"),
    ("全部同意给申请人看的有多少件？", "t3.granted.total"),
    ("申请的信息完整提供给了申请人的有几件？", "t3.granted.total"),
    ("只给了一部分信息的有几件？", "t3.partly_granted.total"),
    ("一部分能给、一部分不能给的申请有多少？", "t3.partly_granted.total"),
    ("因为涉及国家机密没给的有几件？", "t3.denied_state_secret.total"),
    ("涉密不能公开的申请有多少？", "t3.denied_state_secret.total"),
    ("法律明令不许公开的有几件？", "t3.denied_law_prohibited.total"),
    ("按照别的法规规定不得公开的有多少？", "t3.denied_law_prohibited.total"),
    ("怕影响国家安全和社会稳定所以不公开的有几件？", "t3.denied_three_safeties.total"),
    ("公开后可能危及公共安全、经济安全的有多少？", "t3.denied_three_safeties.total"),
    ("涉及别人商业秘密或者个人隐私不公开的有多少？", "t3.denied_third_party.total"),
    ("为了保护其他人合法权益而拒绝公开的有几件？", "t3.denied_third_party.total"),
    ("属于机关内部管理信息不公开的有几件？", "t3.denied_internal_affairs.total"),
    ("人事、后勤这种内部管理的信息不给的有多少？", "t3.denied_internal_affairs.total"),
    ("讨论记录、过程稿、请示报告这类不公开的有几件？", "t3.denied_process_info.total"),
    ("还在研究讨论中的信息没公开的有多少？", "t3.denied_process_info.total"),
    ("行政执法的卷宗材料不公开的有几件？", "t3.denied_enforcement_file.total"),
    ("执法档案不给看的有多少？", "t3.denied_enforcement_file.total"),
    ("应该走查询渠道办理而不公开的有几件？", "t3.denied_query_item.total"),
    ("属于查询类的事项没按公开办的有多少？", "t3.denied_query_item.total"),
    ("单位压根没有这份信息的有几件？", "t3.unavailable_not_held.total"),
    ("机关手里根本没有所要信息的有多少？", "t3.unavailable_not_held.total"),
    ("要专门汇总加工才能有的信息、所以没提供的有几件？", "t3.unavailable_needs_creation.total"),
    ("需要重新统计整理才能给出的信息有多少没提供？", "t3.unavailable_needs_creation.total"),
    ("让申请人补充说明后还是说不清要什么的有几件？", "t3.unavailable_unclear.total"),
    ("改过申请以后内容仍然含糊的有多少？", "t3.unavailable_unclear.total"),
    ("本来是投诉举报被当成申请的有几件？", "t3.rejected_petition.total"),
    ("其实是来信上访反映问题的申请有多少？", "t3.rejected_petition.total"),
    ("同样的申请又交了一次的有几件？", "t3.rejected_duplicate.total"),
    ("重复提交的申请有多少？", "t3.rejected_duplicate.total"),
    ("要求提供报纸、书刊这类出版物的有几件？", "t3.rejected_publication.total"),
    ("要的是已经出版发行的书籍资料的有多少？", "t3.rejected_publication.total"),
    ("没有正当理由大批量、一次又一次申请的有几件？", "t3.rejected_mass_repeated.total"),
    ("滥用申请权、海量申请的有多少？", "t3.rejected_mass_repeated.total"),
    ("要求机关确认已经拿到的信息或者重新出具一份的有几件？", "t3.rejected_confirm_existing.total"),
    ("已经拿到了信息还要求再开一份证明的有多少？", "t3.rejected_confirm_existing.total"),
    ("材料一直没补齐所以不办了的有几件？", "t3.other_no_correction.total"),
    ("通知补正后申请人过了期限也没补的有多少？", "t3.other_no_correction.total"),
    ("过期不交费所以不再处理的有几件？", "t3.other_no_fee.total"),
    ("收到缴费通知却没按时交钱的有多少？", "t3.other_no_fee.total"),
    ("其他处理里面的其他情形有几件？", "t3.other_other.total"),
    ("除了逾期不补正和不交费以外的其他处理有多少？", "t3.other_other.total"),
    ("做了其他方式处理的申请有几件？", "t3.other.total"),
    ("其他处理一共多少件？", "t3.other.total"),
    ("今年一共办结了多少件申请？", "t3.total_processed.total"),
    ("全年处理完成的申请总数是多少？", "t3.total_processed.total"),
    ("年底还没办完转到下一年的有几件？", "t3.carried_forward.total"),
    ("留到明年继续处理的申请有多少？", "t3.carried_forward.total"),
    # 表三 groups
    ("拒绝公开的有几件？", "t3.denied.total"),
    ("决定不给公开的申请有多少？", "t3.denied.total"),
    ("没办法提供信息的有几件？", "t3.unavailable.total"),
    ("提供不了的申请有多少？", "t3.unavailable.total"),
    ("决定不作处理的申请有几件？", "t3.rejected.total"),
    # 表四 rows and columns
    ("申请人不服去申请复议的有几起？", "t4.review.total"),
    ("信息公开方面被提起复议的案件有多少？", "t4.review.total"),
    ("没打复议直接去法院告的有几起？", "t4.suit_direct.total"),
    ("不经过复议径直向法院起诉的有多少？", "t4.suit_direct.total"),
    ("复议完了还不服又去法院起诉的有几件？", "t4.suit_after_review.total"),
    ("先复议再打官司的有多少？", "t4.suit_after_review.total"),
    ("被告上法庭的信息公开案件有几起？", "t4.suit.total"),
    ("信息公开行政官司一共多少件？", "t4.suit.total"),
    ("复议后原来的答复被认可的有多少？", "t4.review.upheld"),
    ("复议决定支持原答复的有几件？", "t4.review.upheld"),
    ("复议被纠错的有几件？", "t4.review.corrected"),
    ("复议认定原答复有问题、被撤销或者责令改正的有多少？", "t4.review.corrected"),
    ("复议以别的方式结案的有几件？", "t4.review.other"),
    ("复议驳回或终止等其他结果的有多少？", "t4.review.other"),
    ("复议还没审完的有几件？", "t4.review.pending"),
    ("直接起诉的案子还在审理没有判决的有多少？", "t4.suit_direct.pending"),
    # 表三 applicant columns
    ("老百姓个人申请了几件？", "t3.new_received.natural_person"),
    ("以个人名义提交的申请有多少？", "t3.new_received.natural_person"),
    ("公司企业申请了几件？", "t3.new_received.commercial"),
    ("做生意的企业提交的申请有多少？", "t3.new_received.commercial"),
    ("大学、研究所这类单位申请了几件？", "t3.new_received.research"),
    ("高校和科研院所提交的申请有多少？", "t3.new_received.research"),
    ("公益组织、慈善机构申请了几件？", "t3.new_received.social_welfare"),
    ("非营利的社会组织提交的申请有多少？", "t3.new_received.social_welfare"),
    ("律师事务所申请了几件？", "t3.new_received.legal_service"),
    ("律所等法律服务单位提交的申请有多少？", "t3.new_received.legal_service"),
    ("不属于企业、科研、公益、法律服务的其他组织申请了几件？", "t3.new_received.other_org"),
    ("其他类型的组织申请有多少？", "t3.new_received.other_org"),
    ("单位而不是个人提交的申请有多少？", "t3.new_received.org"),
    ("法人或其他组织一共申请了几件？", "t3.new_received.org"),
]

#: Questions about no table metric: they must not be read as one.
NOT_METRICS = [
    "今年的天气怎么样？",
    "食堂的伙食好不好？",
    "局长叫什么名字？",
    "政府信息公开的网站地址是什么？",
]


#: Phrasings the reading does not reach yet (measured: the rest reach their key). Those marked
#: ``None`` come back with no key (the question goes to the text or is asked back); the others
#: reach a wrong one, which is what must not happen.
MISSED: dict[str, str | None] = {
    "新来的信息公开请求有多少个？": None,  # 请求 is no word of any description
    "机关手里根本没有所要信息的有多少？": None,  # 不掌握 or 需另行制作: asked back
    "过期不交费所以不再处理的有几件？": None,  # 逾期不缴费 or 逾期不补正: asked back
    "信息公开行政官司一共多少件？": None,
    "复议后原来的答复被认可的有多少？": "t4.review.total",  # the row, not its column
    "复议决定支持原答复的有几件？": "t4.review.total",
    "除了逾期不补正和不交费以外的其他处理有多少？": "t3.other_no_correction.total",
    "复议完了还不服又去法院起诉的有几件？": "t4.review.total",
    "先复议再打官司的有多少？": "t4.suit_direct.total",
}


def first_key(text: str) -> str | None:
    question = parse(f"白鹭县政府办2023年{text}", BodyResolver([BODY]), TODAY)
    keys = metrics_for_reports(question, []) if question.asks else []
    return keys[0] if keys else None


def wrong(got: str | None, key: str) -> bool:
    """Another row, or another column of the row (the row's 总计 alone is not wrong, only short)."""
    if got is None or got == key:
        return False
    return got.rsplit(".", 1)[0] != key.rsplit(".", 1)[0] or not got.endswith(".total")


@pytest.mark.parametrize(("text", "key"), [p for p in PARAPHRASES if p[0] not in MISSED])
def test_a_paraphrase_reaches_its_key(text: str, key: str) -> None:
    assert first_key(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param(
            *p, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason="reads a wrong key")
        )
        if wrong(MISSED.get(p[0]), p[1])
        else p
        for p in PARAPHRASES
    ],
)
def test_no_paraphrase_reaches_a_wrong_key(text: str, key: str) -> None:
    assert not wrong(first_key(text), key)


def test_the_misses_are_what_they_are_said_to_be() -> None:
    assert {text: first_key(text) for text in MISSED} == MISSED
    assert len(MISSED) <= 0.15 * len(PARAPHRASES)


@pytest.mark.parametrize("text", NOT_METRICS)
def test_a_question_about_no_metric_reaches_no_key(text: str) -> None:
    assert first_key(text) is None


def test_every_table_three_and_four_row_and_applicant_column_has_two_paraphrases() -> None:
    keys = [key for _, key in PARAPHRASES]
    rows = {k.split(".")[1] for k in keys if k.startswith("t3.") and k.endswith(".total")}
    rows |= {"other_total"} if "other" in rows else set()
    assert set(T3_ROWS) <= rows | {"other_total"}
    assert all(sum(k.startswith(f"t4.{r}.") for k in keys) >= 2 for r in T4_ROWS)
    assert all(sum(k.endswith(f".{c}") for k in keys) >= 2 for c in T3_APPLICANT_COLUMNS)
    assert all(any(k.endswith(f".{c}") for k in keys) for c in T4_RESULT_COLUMNS)


# --- how the reading is made ---------------------------------------------------------------------


class _NoModel:
    """Embeddings that must not be asked: the lexicon and the keyword index decide alone."""

    model = "none"
    _encoder = None

    def query(self, text: str) -> None:
        raise AssertionError(f"the model was asked about {text!r}")

    def passages(self, texts: list[str]) -> None:
        raise AssertionError("the model was asked for the descriptions")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("收到多少信息公开申请？", "t3.new_received.total"),
        ("行政复议有多少件？", "t4.review.total"),
        ("行政处罚决定有多少件？", "t2.punishment.decisions"),
        ("因本机关不掌握等原因无法提供的有多少件？", "t3.unavailable.total"),
        ("商业企业申请了几件？", "t3.new_received.commercial"),
        ("新收申请和上年结转各多少？", "t3.new_received.total"),
    ],
)
def test_a_question_in_the_reports_own_words_is_read_without_the_model(text: str, key: str) -> None:
    matcher = MetricMatcher(embeddings=_NoModel())  # type: ignore[arg-type]
    question = parse(f"白鹭县政府办2023年{text}", BodyResolver([BODY]), TODAY, matcher)
    assert metrics_for_reports(question, [])[0] == key


def test_the_shipped_description_vectors_are_those_of_the_descriptions() -> None:
    stored = np.load(VECTORS_FILE)
    assert str(stored["digest"]) == digest(DEFAULT_MODEL, DESCRIPTIONS), (
        "the descriptions changed: run `python -m nianbao.answer.meaning` to embed them again"
    )
    assert stored["vectors"].shape[0] == sum(len(d.texts) for d in DESCRIPTIONS.values())


def test_the_shipped_keyword_scores_are_bm25s_scores_of_the_descriptions() -> None:
    stored = json.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(keyword_table(DESCRIPTIONS))), (
        "the descriptions changed: run `python -m nianbao.answer.meaning --keywords` to score them again"
    )


def test_a_question_scores_as_bm25s_scores_it() -> None:
    """The stored scores, added in float32, give what bm25s's own index gives, to the bit."""
    import bm25s

    matcher = MetricMatcher(embeddings=_NoModel())  # type: ignore[arg-type]
    questions = [p for p, _ in PARAPHRASES] + [
        "申请申请申请的公开公开",
        "行政复议和行政诉讼各几件",
        "联系电话",
    ]
    for kind, keywords in matcher.keywords.items():
        descriptions = [DESCRIPTIONS[n] for n in keywords.names]
        index = bm25s.BM25()
        index.index([jieba_tokens("；".join(d.texts)) for d in descriptions], show_progress=False)
        for question in questions:
            known = [t for t in jieba_tokens(question) if t in keywords.vocabulary and t not in _COMMON]
            expected = index.get_scores(known).tolist() if known else [0.0] * len(descriptions)
            assert keywords.scores(question) == expected, (kind, question)


def test_every_row_and_column_of_the_tables_has_a_description() -> None:
    rows = {f"{t}.{r}" for t, rows in (("t2", T2_ROWS), ("t3", T3_ROWS), ("t4", T4_ROWS)) for r in rows}
    rows -= {"t3.other_total"}  # described as its group, t3.other
    columns = set(T3_APPLICANT_COLUMNS) | {"org"} | set(T4_RESULT_COLUMNS)
    assert rows | columns <= set(DESCRIPTIONS)
    assert all(d.label and d.meaning and len(d.paraphrases) >= 1 for d in DESCRIPTIONS.values())


def test_a_phrasing_between_two_rows_is_asked_back_and_the_reply_answers(answerer: Answerer) -> None:
    asked = answerer.ask("白鹭县政府办2023年机关手里根本没有所要信息的有多少？")
    assert asked.status == "clarify" and "本机关不掌握相关政府信息" in asked.text
    assert not asked.figures
    reply = answerer.ask("本机关不掌握相关政府信息", asked.conversation_id)
    assert reply.status == "answered" and "7件" in reply.text  # 自然人6 + 法律服务机构1
