"""The engine's conversations as a llama-index chat engine."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import AsyncGenerator, Generator

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.chat_engine.types import AgentChatResponse, BaseChatEngine, StreamingAgentChatResponse

from rag.llamaindex.nodes import answer_metadata, cited_nodes
from rag.types import Answer, AnswerStream, Engine



@dataclass
class CitedStreamingChatResponse(StreamingAgentChatResponse):
    """A streamed chat answer: `response_gen` yields its text; once read to the end, `response`
    is the final answer's text and `source_nodes`, `metadata` and `answer` are set."""

    metadata: dict | None = None
    answer: Answer | None = None

    @property
    def response_gen(self) -> Generator[str, None, None]:
        yield from super().response_gen
        if self.answer is not None:
            self.response = self.answer.text

    async def async_response_gen(self) -> AsyncGenerator[str, None]:
        async for piece in super().async_response_gen():
            yield piece
        if self.answer is not None:
            self.response = self.answer.text

    def __str__(self) -> str:
        for _ in self.response_gen:
            pass
        return self.response


class RagChatEngine(BaseChatEngine):
    """A conversation with the engine as a BaseChatEngine: follow-ups are condensed and answered
    the engine's way, with citations, and each reply's `source_nodes` are its cited passages in
    citation order; `metadata` holds the mode and the warnings.

    The history is kept here (the last `history_turns` exchanges reach the engine); a
    `chat_history` passed to a call replaces it."""

    def __init__(self, rag: Engine, *, similarity_top_k: int | None = None, use_llm: bool = True,
                 model: str | None = None, chat_history: list[ChatMessage] | None = None):
        self.rag = rag
        self.options = {"k": similarity_top_k, "model": model, "use_llm": use_llm}
        self._history: list[ChatMessage] = list(chat_history or [])

    @property
    def chat_history(self) -> list[ChatMessage]:
        return list(self._history)

    def reset(self) -> None:
        self._history = []

    def chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        answer = self._start(message, chat_history).answer
        self._remember(message, answer)
        return AgentChatResponse(response=answer.text, source_nodes=cited_nodes(answer),
                                 metadata=answer_metadata(answer))

    def stream_chat(self, message: str, chat_history: list[ChatMessage] | None = None
                    ) -> CitedStreamingChatResponse:
        response = CitedStreamingChatResponse(is_writing_to_memory=False)
        response.chat_stream = self._deltas(message, self._start(message, chat_history), response)
        return response

    async def achat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        return await asyncio.to_thread(self.chat, message, chat_history)

    async def astream_chat(self, message: str, chat_history: list[ChatMessage] | None = None
                           ) -> CitedStreamingChatResponse:
        response = self.stream_chat(message, chat_history)
        deltas, response.chat_stream = response.chat_stream, None
        response.achat_stream = _in_thread(deltas)
        return response

    def _start(self, message: str, chat_history: list[ChatMessage] | None) -> AnswerStream:
        if chat_history is not None:
            self._history = list(chat_history)
        history = [{"role": m.role.value, "content": m.content or ""} for m in self._history
                   if m.role in (MessageRole.USER, MessageRole.ASSISTANT)]
        return self.rag.stream(message, history, **self.options)

    def _deltas(self, message: str, stream: AnswerStream, response: CitedStreamingChatResponse
                ) -> Generator[ChatResponse, None, None]:
        text = ""
        for piece in stream:
            text += piece
            yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)
        answer = stream.answer
        self._remember(message, answer)
        response.answer, response.metadata = answer, answer_metadata(answer)
        response.source_nodes[:] = cited_nodes(answer)

    def _remember(self, message: str, answer: Answer) -> None:
        self._history += [ChatMessage(role=MessageRole.USER, content=message),
                          ChatMessage(role=MessageRole.ASSISTANT, content=answer.text)]


async def _in_thread(deltas: Generator[ChatResponse, None, None]) -> AsyncGenerator[ChatResponse, None]:
    """The replies of a blocking generator, each read in a worker thread."""
    done = object()
    while (reply := await asyncio.to_thread(next, deltas, done)) is not done:
        yield reply
