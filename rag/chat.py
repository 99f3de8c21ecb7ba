"""A conversation: follow-up questions are answered with the history in mind."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from rag.types import Answer

if TYPE_CHECKING:
    from rag.engine import RAG


class ChatSession:
    """Keeps the turns of one conversation; `stream` and `ask` behave like the engine's."""

    def __init__(self, engine: "RAG", **options: Any):
        self.engine = engine
        self.options = options  # k, model, use_llm for every turn
        self.history: list[dict] = []

    def stream(self, question: str) -> Iterator[str | Answer]:
        answer = None
        for item in self.engine.stream(question, self.history, **self.options):
            if isinstance(item, Answer):
                answer = item
            yield item
        if answer is not None:
            self.history += [{"role": "user", "content": question},
                             {"role": "assistant", "content": answer.text}]
            del self.history[:-2 * self.engine.settings.history_turns]

    def ask(self, question: str) -> Answer:
        *_, answer = self.stream(question)
        return answer
