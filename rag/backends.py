"""The model server that writes the answers: the client for the configured `backend`."""
from __future__ import annotations

from typing import Iterator, Protocol

from rag.config import Settings



class ChatModel(Protocol):
    """What the answer path, the engine and `rag doctor` use of a model client."""

    kind: str  # "ollama", "openai" (the backend setting), or "llama-index" for an LLM handed in
    host: str  # the server's URL
    model: str
    settings: Settings

    def stream_chat(self, messages: list[dict], model: str | None = None, usage: dict | None = None,
                    **options: object) -> Iterator[str]: ...

    def chat(self, messages: list[dict], model: str | None = None, **options: object) -> str: ...

    def models(self) -> list[str]: ...

    def check(self, model: str | None = None) -> str: ...


def make_llm(settings: Settings) -> ChatModel:
    """The client for `settings.backend`; only its own client library is imported."""
    if settings.backend == "openai":
        from rag.openai_llm import OpenAICompatibleLLM

        return OpenAICompatibleLLM(settings)
    from rag.llm import OllamaLLM

    return OllamaLLM(settings)

