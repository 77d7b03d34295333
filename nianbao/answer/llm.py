"""An optional language model that words the answer from the evidence, and is checked.

Only when ``NIANBAO_LLM_BASE_URL`` names an OpenAI-compatible server. The model sees the plain
answer and its quoted evidence, may call the figures tool and text search as langchain tools,
and writes a friendlier answer. Every number in what it writes must be in the evidence (the
plain answer, the quotes, or a tool result); otherwise its text is dropped and the plain answer
stands. Without a model, nothing here runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool

from nianbao.answer.model import Answer

SYSTEM = (
    "你是政府信息公开工作年度报告的问答助手。只能根据给出的证据回答，用简短的中文句子。"
    "回答中的每一个数字都必须原样出现在证据或工具结果中，不得自行计算、估算或编造数字。"
    "证据没有说的，就说报告没有提到。不要添加证据以外的事实。"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
MAX_TOOL_ROUNDS = 2


def numbers_in(text: str) -> set[str]:
    """Numbers as written, without thousands separators: 1,295 → 1295."""
    return set(_NUMBER.findall(re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)))


def evidence_of(answer: Answer) -> str:
    """The plain answer and its quotes as the model's evidence, one quote a line."""
    quotes = "\n".join(f"- {c.body}{c.year or ''}年 {c.locator}：{c.quote}" for c in answer.citations)
    return f"初步回答：{answer.text}\n证据：\n{quotes}"


def make_tools(figures: Callable[..., str], search: Callable[..., str]) -> list[BaseTool]:
    """The figures tool and text search, offered to the model."""
    return [
        StructuredTool.from_function(
            figures,
            name="figures",
            description="按机关、年份和指标（如“新收申请”“行政复议”）查年报表格中的数字，返回数字和出处。",
        ),
        StructuredTool.from_function(
            search, name="search_text", description="在年报正文中检索句子，返回原文句子和出处。"
        ),
    ]


class Wording:
    """Words answers with a chat model; falls back to the plain answer on any doubt."""

    def __init__(self, model: BaseChatModel, tools: Sequence[BaseTool] = ()) -> None:
        self.model = model
        self.tools = {t.name: t for t in tools}

    def reword(self, question: str, answer: Answer) -> Answer:
        if answer.status != "answered":
            return answer
        evidence = evidence_of(answer)
        messages: list[BaseMessage] = [SystemMessage(SYSTEM), HumanMessage(f"问题：{question}\n{evidence}")]
        try:
            text, tool_text = self._run(messages)
        except Exception:  # noqa: BLE001 - a model's failure must never lose the plain answer
            return answer
        allowed = numbers_in(evidence + tool_text + question)
        if not text.strip() or not numbers_in(text) <= allowed:
            return answer
        return replace(answer, text=text.strip())

    def _run(self, messages: list[BaseMessage]) -> tuple[str, str]:
        model: Any = self.model
        if self.tools:
            try:
                model = self.model.bind_tools(list(self.tools.values()))
            except NotImplementedError:  # a model without tool calling still words the answer
                model = self.model
        tool_text = ""
        for _ in range(MAX_TOOL_ROUNDS + 1):
            reply = model.invoke(messages)
            calls = getattr(reply, "tool_calls", None) or []
            if not calls:
                return _content(reply), tool_text
            messages.append(reply)
            for call in calls:
                result = self._call(call)
                tool_text += "\n" + result
                messages.append(ToolMessage(result, tool_call_id=call.get("id") or call["name"]))
        return "", tool_text

    def _call(self, call: dict) -> str:
        tool = self.tools.get(call["name"])
        if tool is None:
            return f"没有名为{call['name']}的工具"
        return str(tool.invoke(call.get("args", {})))


def _content(reply: AIMessage | Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def chat_model(base_url: str, model: str, api_key: str | None) -> BaseChatModel:
    """An OpenAI-compatible chat model (langchain-openai), imported only when configured."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=base_url, model=model, api_key=api_key or "none", temperature=0, timeout=30)
