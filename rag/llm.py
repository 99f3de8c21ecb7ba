"""The language model, served by Ollama, through the official `ollama` client."""
from __future__ import annotations

import json
from typing import Iterator

from rag.config import Settings
from rag.errors import LLMUnavailable, RagError


class LLMError(RagError):
    """The model answered, but the answer broke off or could not be read."""


class OllamaLLM:
    """Chat with one Ollama model; every failure becomes a message naming the URL or model and the fix."""

    def __init__(self, settings: Settings):
        import httpx
        import ollama

        self.host = settings.ollama_host
        self.model = settings.model
        self.settings = settings
        self._client = ollama.Client(host=self.host, timeout=httpx.Timeout(settings.timeout,
                                                                          connect=settings.connect_timeout))

    def options(self, **extra: object) -> dict:
        # num_ctx on every request: Ollama's default window (2048) silently cuts longer prompts.
        return {"num_ctx": self.settings.num_ctx, "temperature": self.settings.temperature, **extra}

    def stream_chat(self, messages: list[dict], model: str | None = None, usage: dict | None = None,
                    **options: object) -> Iterator[str]:
        """Yield the reply piece by piece; raises LLMUnavailable or LLMError.

        `usage`, if given, receives the server's token counts when the reply is done."""
        model = model or self.model
        with self._errors(model):
            for part in self._client.chat(model=model, messages=messages, stream=True,
                                          options=self.options(**options)):
                piece = part.message.content if part.message else ""
                if piece:
                    yield piece
                if part.done:
                    if usage is not None:
                        usage.update(prompt_tokens=part.prompt_eval_count or 0, answer_tokens=part.eval_count or 0)
                    return
        raise LLMError(f"the reply from Ollama at {self.host} ended before it was complete")

    def chat(self, messages: list[dict], model: str | None = None, **options: object) -> str:
        """The whole reply at once (for short internal calls such as condensing a follow-up)."""
        model = model or self.model
        with self._errors(model):
            response = self._client.chat(model=model, messages=messages, stream=False,
                                         options=self.options(**options))
        return response.message.content or ""

    def models(self) -> list[str]:
        """Names of the models the server has pulled."""
        with self._errors(self.model):
            return sorted(m.model for m in self._client.list().models if m.model)

    def check(self, model: str | None = None) -> str:
        """Raise LLMUnavailable unless the server is up and has the model; returns the model name."""
        model = model or self.model
        with self._errors(model):
            self._client.show(model)
        return model

    def _errors(self, model: str):
        return _OllamaErrors(self.host, model, self.settings.timeout)


class _OllamaErrors:
    """Translate what the ollama client and httpx raise into messages a user can act on.

    The client raises ConnectionError for a refused connection on a plain call but lets
    httpx.ConnectError through when streaming; both are caught here.
    """

    def __init__(self, host: str, model: str, timeout: float):
        self.host, self.model, self.timeout = host, model, timeout

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        import httpx
        import ollama

        if isinstance(exc, (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout)):
            raise LLMUnavailable(f"cannot reach Ollama at {self.host}. Start it with 'ollama serve' "
                                 "(install: https://ollama.com/download), or point OLLAMA_HOST at "
                                 "your Ollama server") from None
        if isinstance(exc, ollama.ResponseError):
            if exc.status_code == 404 and "not found" in str(exc.error).lower():
                raise LLMUnavailable(f"model {self.model!r} is not available on the Ollama server at "
                                     f"{self.host}. Pull it with: ollama pull {self.model}") from None
            raise LLMError(f"Ollama at {self.host} reported an error: {exc.error}") from None
        if isinstance(exc, httpx.TimeoutException):
            raise LLMError(f"Ollama at {self.host} sent nothing for {self.timeout:g} s "
                           "(raise 'timeout' in the config if the model is slow to load)") from None
        if isinstance(exc, (httpx.HTTPError, json.JSONDecodeError)):
            raise LLMError(f"the connection to Ollama at {self.host} broke off or sent an unreadable "
                           f"reply ({type(exc).__name__})") from None
        return False
