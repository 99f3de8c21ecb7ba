"""The language model, served by Ollama, through the official `ollama` client."""
from __future__ import annotations

import json
from typing import Any, Iterator

from rag.config import Settings
from rag.errors import LLMUnavailable, RagError
from rag.first_token import FirstTokenWatch as _FirstTokenWatch

CHARS_PER_TOKEN = 6  # a generous guess (text averages about 4): never cuts a reply the server would not


def estimated_tokens(chars: int) -> int:
    """Tokens of a reply of `chars` characters where the server gives no count (rounded up)."""
    return -(-chars // CHARS_PER_TOKEN)


class LLMError(RagError):
    """The model answered, but the answer broke off or could not be read."""


class OllamaLLM:
    """Chat with one Ollama model; every failure becomes a message naming the URL or model and the fix."""

    kind = "ollama"

    def __init__(self, settings: Settings):
        import httpx
        import ollama

        self.host = settings.ollama_host
        self.model = settings.model
        self.settings = settings
        timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
        self._client = ollama.Client(host=self.host, timeout=timeout)
        # Model calls get a connection each (never kept alive), so a call that writes nothing
        # within first_token_timeout can be hung up without touching anyone else's.
        self._model_client = ollama.Client(host=self.host, timeout=timeout,
                                           limits=httpx.Limits(max_keepalive_connections=0),
                                           event_hooks={"request": [_FirstTokenWatch.attach]})
        self._capabilities: dict[str, tuple[str, ...]] = {}

    def thinking(self, model: str) -> dict:
        """The request's `think` field: the setting, for a model the server says can think; nothing for
        others (Ollama refuses `think` for them) or where the server does not say (older servers)."""
        if model not in self._capabilities:
            try:
                self._capabilities[model] = tuple(self._client.show(model).capabilities or ())
            except Exception:  # the chat call itself reports an unreachable server or a missing model
                return {}
        return {"think": self.settings.think} if "thinking" in self._capabilities[model] else {}

    def options(self, **extra: object) -> dict:
        # num_ctx on every request: Ollama's default window (2048) silently cuts longer prompts.
        return {"num_ctx": self.settings.num_ctx, "temperature": self.settings.temperature, **extra}

    def stream_chat(self, messages: list[dict], model: str | None = None, usage: dict | None = None,
                    **options: object) -> Iterator[str]:
        """Yield the reply piece by piece; raises LLMUnavailable or LLMError.

        `usage`, if given, receives the token counts and how the reply ended: `done_reason`
        ("stop", or "length" when cut at num_predict) and `limited` (True when the server went on
        past num_predict and the rest was not read). Nothing within first_token_timeout: LLMError."""
        model = model or self.model
        usage = {} if usage is None else usage
        watch = _FirstTokenWatch(self.settings.first_token_timeout)
        with self._errors(model, watch):
            parts = self._model_client.chat(model=model, messages=messages, stream=True,
                                            options=self.options(**options), **self.thinking(model))
            try:
                with watch:
                    first = next(parts, None)
                if first is not None:
                    yield from _read_reply(first, parts, options.get("num_predict"), usage)
                    return
            finally:
                parts.close()  # hangs up on a reply that is still coming
        raise LLMError(f"the reply from Ollama at {self.host} ended before it was complete")

    def chat(self, messages: list[dict], model: str | None = None, **options: object) -> str:
        """The whole reply at once (for short internal calls such as condensing a follow-up);
        it must arrive within first_token_timeout."""
        model = model or self.model
        watch = _FirstTokenWatch(self.settings.first_token_timeout)
        with self._errors(model, watch), watch:
            response = self._model_client.chat(model=model, messages=messages, stream=False,
                                               options=self.options(**options), **self.thinking(model))
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

    def _errors(self, model: str, watch: "_FirstTokenWatch | None" = None) -> "_OllamaErrors":
        return _OllamaErrors(self.host, model, self.settings.timeout, watch)


def _read_reply(first: Any, parts: Iterator[Any], limit: object, usage: dict) -> Iterator[str]:
    """The pieces of a streamed reply, stopping once it passes `limit` tokens (num_predict).

    Tokens are the server's eval_count where a part carries one, else characters / CHARS_PER_TOKEN."""
    chars = tokens = 0
    part = first
    while part is not None:
        piece = part.message.content if part.message else ""
        chars += len(piece or "") + len((part.message.thinking if part.message else None) or "")
        tokens = max(tokens, part.eval_count or 0, estimated_tokens(chars))
        if part.done:
            if piece:
                yield piece
            usage.update(prompt_tokens=part.prompt_eval_count or 0, answer_tokens=part.eval_count or tokens,
                         done_reason=part.done_reason or "stop", limited=False)
            return
        if isinstance(limit, int) and limit > 0 and tokens > limit:
            usage.update(prompt_tokens=0, answer_tokens=tokens, done_reason="length", limited=True)
            return
        if piece:
            yield piece
        part = next(parts, None)
    raise _EndedEarly


class _EndedEarly(Exception):
    """The stream closed without its done line."""


class _OllamaErrors:
    """Translate what the ollama client and httpx raise into messages a user can act on.

    The client raises ConnectionError for a refused connection on a plain call but lets
    httpx.ConnectError through when streaming; both are caught here.
    """

    def __init__(self, host: str, model: str, timeout: float, watch: _FirstTokenWatch | None = None):
        self.host, self.model, self.timeout, self.watch = host, model, timeout, watch

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or isinstance(exc, GeneratorExit):
            return False
        import httpx
        import ollama

        if isinstance(exc, (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout)):
            raise LLMUnavailable(f"cannot reach Ollama at {self.host}. Start it with 'ollama serve' "
                                 "(install: https://ollama.com/download), or point OLLAMA_HOST at "
                                 "your Ollama server") from None
        if self.watch is not None and self.watch.fired:
            raise LLMError(f"Ollama at {self.host} wrote no answer within {self.watch.seconds:g} s, so the call "
                           "was given up; raise 'first_token_timeout' in the config if the model is slow to "
                           "load") from None
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
        if isinstance(exc, _EndedEarly):
            raise LLMError(f"the reply from Ollama at {self.host} ended before it was complete") from None
        return False
