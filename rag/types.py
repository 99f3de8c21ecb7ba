"""Plain data objects shared by the engine, the CLI, the UI and the JSON output."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Generator, Iterator, Literal, Protocol, Sequence

CITATION_MARKER = re.compile(r"\[(\d{1,3})\]")  # "[2]" in an answer's text: citation 2 (none has four digits)


@dataclass(frozen=True)
class ArticleMeta:
    """What travels with every passage: which article it comes from."""

    id: str
    title: str
    date: str  # "YYYY-MM" or "YYYY-MM-DD", "" when unknown
    lang: str  # "nl", "en", ...
    source: str  # file path or url

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Passage:
    """One retrieved chunk, ranked."""

    rank: int
    score: float
    text: str
    article: ArticleMeta
    chunk_id: str = ""
    best_sentence: float = 0.0  # cosine of its sentence closest to the question
    # its sentences as split at ingest, and their vectors in that order (empty for indexes built
    # before sentence bounds were kept: readers split the text again)
    sentences: list[str] = field(default_factory=list, repr=False)
    sentence_vectors: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "score": round(self.score, 4), "text": self.text,
                "article": self.article.to_dict()}


@dataclass
class Citation:
    """A passage the answer cites as [n]; n counts in order of first use in the answer."""

    n: int
    text: str
    article: ArticleMeta
    supported: bool = True  # every sentence citing it shares content with the passage
    quote: str = ""  # the passage sentence that best matches what the answer says
    quotes: list[str] = field(default_factory=list)  # every sentence of it the answer draws on, in its order
    sentences: list[str] = field(default_factory=list, repr=False)  # the passage's, to show the quotes in context

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "text": self.text, "article": self.article.to_dict(),
                "supported": self.supported, "quote": self.quote}


Mode = Literal["llm", "extractive"]


@dataclass
class Answer:
    """The result of a question: text with [n] markers, the cited passages and what went wrong."""

    question: str
    text: str
    language: str
    mode: Mode
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # everything retrieved, cited or not; the passage the reader quotes from first
    passages: list[Passage] = field(default_factory=list)
    # why the articles were found not to answer ("" when they do): the check that refused (rag.relevance.Decision's
    # reason: "off-topic", "names", "numbers", "quote", "words", "kind", "speaker", "topic", "country", "unnamed",
    # "nothing"), or "model" when the model found no answer in the passages it was given
    refusal: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.text, "language": self.language,
                "mode": self.mode, "refusal": self.refusal, "citations": [c.to_dict() for c in self.citations],
                "warnings": list(self.warnings)}


class AnswerStream:
    """An answer as it is written: iterate for its text, piece by piece; then `.answer` is the
    final Answer, whose text is authoritative (it replaces a reply the model broke off).

    One iterator however it is read: stopping early and reading on (or asking for `.answer`)
    goes on where it stopped."""

    def __init__(self, pieces: Generator[str, None, Answer]):
        self._pieces = pieces
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._pieces)
        except StopIteration as done:
            if done.value is not None:
                self._answer = done.value
            raise StopIteration from None

    @property
    def answer(self) -> Answer:
        """The final Answer; reads whatever of the stream is left first."""
        for _ in self:
            pass
        assert self._answer is not None, "the answer stream ended without an answer"
        return self._answer


class Engine(Protocol):
    """What the llama-index adapters (rag.llamaindex) use of the engine, rag.engine.RAG."""

    def search(self, question: str, k: int | None = None, *, since: str = "", until: str = "",
               lang: str = "") -> list[Passage]: ...

    def stream(self, question: str, history: Sequence[dict] = (), *, k: int | None = None,
               model: str | None = None, use_llm: bool = True, since: str = "", until: str = "",
               lang: str = "") -> AnswerStream: ...
