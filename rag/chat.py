"""A conversation: follow-up questions are answered with the history in mind."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generator

from rag.types import Answer, AnswerStream

if TYPE_CHECKING:
    from rag.engine import RAG


class ChatSession:
    """Keeps the turns of one conversation; `stream` and `ask` behave like the engine's."""

    def __init__(self, engine: "RAG", **options: Any):
        self.engine = engine
        self.options = options  # k, model, use_llm for every turn
        self.history: list[dict] = []

    def stream(self, question: str) -> AnswerStream:
        def pieces() -> Generator[str, None, Answer]:
            stream = self.engine.stream(question, self.history, **self.options)
            yield from stream
            answer = stream.answer
            self.history += [{"role": "user", "content": question},
                             {"role": "assistant", "content": answer.text}]
            del self.history[:-2 * self.engine.settings.history_turns]
            return answer

        return AnswerStream(pieces())

    def ask(self, question: str) -> Answer:
        return self.stream(question).answer
