"""A conversation: follow-up questions are answered with the history in mind."""
from __future__ import annotations

from typing import Callable, Generator

from rag.types import Answer, AnswerStream

Stream = Callable[[str, list[dict]], AnswerStream]  # (question, history so far) -> the answer as it is written


class ChatSession:
    """Keeps the turns of one conversation; `stream` and `ask` behave like the engine's."""

    def __init__(self, stream: Stream, history_turns: int):
        """`stream` answers a question given the history (RAG.stream with the session's options)."""
        self._stream = stream
        self.turns = history_turns
        self.history: list[dict] = []

    def stream(self, question: str) -> AnswerStream:
        def pieces() -> Generator[str, None, Answer]:
            stream = self._stream(question, self.history)
            yield from stream
            answer = stream.answer
            self.history += [{"role": "user", "content": question},
                             {"role": "assistant", "content": answer.text}]
            del self.history[:-2 * self.turns]
            return answer

        return AnswerStream(pieces())

    def ask(self, question: str) -> Answer:
        return self.stream(question).answer
