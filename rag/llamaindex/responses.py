"""Our answers as llama-index responses: whole, or streamed with the sources filled in at the end."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

from llama_index.core.base.response.schema import Response, StreamingResponse

from rag.llamaindex.nodes import answer_metadata, cited_nodes
from rag.types import Answer, AnswerStream


def to_response(answer: Answer) -> Response:
    """`response` is the answer's text, `source_nodes` the cited passages ([1] first), `metadata`
    its mode, warnings, language, timings and citations."""
    return Response(answer.text, cited_nodes(answer), answer_metadata(answer))


@dataclass
class CitedStreamingResponse(StreamingResponse):
    """A StreamingResponse over an answer being written.

    `response_gen` yields the text as it is written; once it is read to the end, `source_nodes`,
    `metadata` and `answer` are set, and the final text is the answer's (which replaces a model
    reply that broke off, as in `RAG.stream`)."""

    answer: Answer | None = None

    @classmethod
    def from_stream(cls, stream: AnswerStream) -> "CitedStreamingResponse":
        response = cls(response_gen=None)  # type: ignore[arg-type]
        response.response_gen = response._pieces(stream)
        return response

    def _pieces(self, stream: AnswerStream) -> Generator[str, None, None]:
        yield from stream
        answer = stream.answer
        self.answer, self.response_txt = answer, answer.text
        self.source_nodes[:] = cited_nodes(answer)
        self.metadata = answer_metadata(answer)

    def get_response(self) -> Response:
        """The whole answer as a Response (reads the rest of the stream first)."""
        for _ in self.response_gen:
            pass
        return Response(self.response_txt, self.source_nodes, self.metadata)

    def __str__(self) -> str:
        return self.get_response().response or ""

    def print_response_stream(self) -> None:
        for piece in self.response_gen:
            print(piece, end="", flush=True)
