"""The optional language model: it words the answer, but a number not in the evidence sends the
plain answer back. Scripted fake chat models stand in for a server."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from nianbao.answer.llm import Wording, make_tools, numbers_in
from nianbao.answer.model import Answer, Citation

PLAIN = Answer(
    "answered",
    "市中区人民政府办公室2023年新收政府信息公开申请为27件。",
    (Citation("seed.txt", "市中区人民政府办公室", 2023, "表三 · 一、本年新收 · 总计", "总计：27"),),
)


def fake(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))


def test_a_reworded_answer_with_evidence_numbers_is_used() -> None:
    wording = Wording(fake("2023年，市中区政府办共收到27件信息公开申请。"))
    assert (
        wording.reword("市中区政府办2023年收到多少申请？", PLAIN).text
        == "2023年，市中区政府办共收到27件信息公开申请。"
    )


def test_a_number_not_in_the_evidence_falls_back_to_the_plain_answer() -> None:
    wording = Wording(fake("市中区政府办2023年共收到28件申请。"))
    assert wording.reword("市中区政府办2023年收到多少申请？", PLAIN) == PLAIN


def test_a_failing_model_falls_back_to_the_plain_answer() -> None:
    wording = Wording(GenericFakeChatModel(messages=iter([])))
    assert wording.reword("问题", PLAIN) == PLAIN


def test_not_found_answers_are_not_reworded() -> None:
    not_found = Answer("not_found", "语料中没有该机关的报告。")
    assert Wording(fake("有100件。")).reword("问题", not_found) == not_found


class ToolCallingFake(BaseChatModel):
    """Calls the figures tool once, then answers with the number the tool returned."""

    calls: list[Any] = []

    @property
    def _llm_type(self) -> str:
        return "tool-calling-fake"

    def bind_tools(self, tools: Any, **_: Any) -> ToolCallingFake:
        return self

    def _generate(self, messages: list[BaseMessage], *_: Any, **__: Any) -> ChatResult:
        self.calls.append(len(messages))
        if not any(m.type == "tool" for m in messages):
            reply = AIMessage(
                "", tool_calls=[{"name": "figures", "args": {"question": "行政复议"}, "id": "1"}]
            )
        else:
            reply = AIMessage("另据表四，行政复议1件。")
        return ChatResult(generations=[ChatGeneration(message=reply)])


def test_the_model_may_call_the_figures_tool_and_use_its_numbers() -> None:
    tools = make_tools(lambda question: "行政复议为1件。出处：seed.txt 表四", lambda question: "")
    answer = Wording(ToolCallingFake(), tools).reword("市中区政府办2023年收到多少申请？", PLAIN)
    assert answer.text == "另据表四，行政复议1件。"


def test_numbers_ignore_thousands_separators() -> None:
    assert numbers_in("共1,295件，占17.46%") == {"1295", "17.46"}
