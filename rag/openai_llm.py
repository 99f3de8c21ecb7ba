"""The language model on a server speaking the OpenAI chat-completions API (vLLM, TGI, llama.cpp's
server, LM Studio...), through the official `openai` client."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

from rag.config import Settings
from rag.errors import LLMUnavailable, RagError
from rag.first_token import FirstTokenWatch
from rag.llm import LLMError, estimated_tokens

NO_KEY = "none"  # sent when no key is set: the client insists on one, and keyless servers take any
REASONING = ("reasoning_content", "reasoning")  # the delta fields servers put a reasoning model's thoughts in
SET_KEY = ("set the server's key as openai_api_key in the config, or in the environment as RAG_OPENAI_API_KEY "
           "or OPENAI_API_KEY")


class OpenAICompatibleLLM:
    """Chat with one model on an OpenAI-compatible server; every failure becomes a message naming
    the URL or model and the fix. Same interface as `rag.llm.OllamaLLM`."""

    kind = "openai"

    def __init__(self, settings: Settings):
        import httpx2
        import openai

        self.host = settings.openai_base_url.rstrip("/")
        self.model = settings.model
        self.settings = settings
        timeout = openai.Timeout(settings.timeout, connect=settings.connect_timeout)
        # No retries: a retry would outlast first_token_timeout; the answer falls back at once instead.
        common: dict[str, Any] = dict(base_url=self.host, api_key=settings.openai_api_key or NO_KEY,
                                      timeout=timeout, max_retries=0)
        self._client = openai.OpenAI(**common)
        # As for Ollama: a connection of its own per model call, so a late first token hangs up that call only.
        http = openai.DefaultHttpxClient(timeout=timeout, limits=httpx2.Limits(max_keepalive_connections=0),
                                         event_hooks={"request": [FirstTokenWatch.attach]})
        self._model_client = openai.OpenAI(**common, http_client=http)

    def params(self, options: dict) -> dict:
        """The request's sampling fields from the answer path's options (Ollama's names): num_predict is
        sent as max_tokens; options with no OpenAI counterpart (num_ctx: the server sets it) are not sent."""
        params: dict[str, Any] = {"temperature": options.get("temperature", self.settings.temperature)}
        if isinstance(options.get("num_predict"), int) and options["num_predict"] > 0:
            params["max_tokens"] = options["num_predict"]
        return params

    def stream_chat(self, messages: list[dict], model: str | None = None, usage: dict | None = None,
                    **options: object) -> Iterator[str]:
        """Yield the reply's text piece by piece, never its reasoning; raises LLMUnavailable or LLMError.

        `usage`, if given, receives prompt_tokens, answer_tokens, `done_reason` ("stop", or "length"
        when cut at max_tokens) and `limited` (True when the server went on past num_predict and the
        rest was not read). Nothing within first_token_timeout: LLMError."""
        model = model or self.model
        usage = {} if usage is None else usage
        watch = FirstTokenWatch(self.settings.first_token_timeout)
        with self._errors(model, watch):
            chunks, first = self._open(messages, model, watch, options)
            with chunks:  # leaving early closes it, which hangs up on a reply that is still coming
                yield from _read_stream(first, chunks, options.get("num_predict"), usage)

    def _open(self, messages: list[dict], model: str, watch: FirstTokenWatch, options: dict) -> tuple[Any, Any]:
        """The reply's stream and its first chunk (None when it ended at once), within the watch."""
        with watch:
            chunks = self._model_client.chat.completions.create(
                model=model, messages=messages, stream=True, stream_options={"include_usage": True},
                **self.params(options))
            try:
                return chunks, next(chunks, None)
            except BaseException:
                chunks.close()
                raise

    def chat(self, messages: list[dict], model: str | None = None, **options: object) -> str:
        """The whole reply at once (for short internal calls such as condensing a follow-up);
        it must arrive within first_token_timeout."""
        model = model or self.model
        watch = FirstTokenWatch(self.settings.first_token_timeout)
        with self._errors(model, watch), watch:
            response = self._model_client.chat.completions.create(model=model, messages=messages, stream=False,
                                                                  **self.params(options))
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):
            raise LLMError(f"the OpenAI-compatible server at {self.host} sent a reply that is not a chat completion")
        return (choices[0].message.content or "") if choices else ""

    def models(self) -> list[str]:
        """The names of the models the server serves (GET /models)."""
        with self._errors(self.model):
            return sorted(m.id for m in self._client.models.list() if m.id)

    def check(self, model: str | None = None) -> str:
        """Raise LLMUnavailable unless the server is up and serves the model; returns the model name."""
        model = model or self.model
        served = self.models()
        if model not in served:
            raise LLMUnavailable(self._not_served(model, served))
        return model

    # ---- errors a user can act on ----
    @contextmanager
    def _errors(self, model: str, watch: FirstTokenWatch | None = None) -> Iterator[None]:
        """Translate what the openai client raises: LLMUnavailable when the server or model cannot be
        used, LLMError when the reply broke off or could not be read."""
        import httpx2
        import openai

        where = f"the OpenAI-compatible server at {self.host}"
        try:
            yield
        except openai.APIStatusError as exc:
            raise self._status_error(exc, model) from None
        except openai.APIConnectionError as exc:
            if isinstance(exc.__cause__, (httpx2.ConnectError, httpx2.ConnectTimeout)):
                raise LLMUnavailable(f"cannot reach {where}. Start it (e.g. 'vllm serve MODEL' or 'llama-server "
                                     "-m MODEL.gguf'), or point openai_base_url (RAG_OPENAI_BASE_URL, "
                                     "--openai-base-url) at it") from None
            if watch is not None and watch.fired:
                raise LLMError(f"{where} wrote no answer within {watch.seconds:g} s, so the call was given up; "
                               "raise 'first_token_timeout' in the config if the model is slow to load") from None
            if isinstance(exc, openai.APITimeoutError):
                raise LLMError(f"{where} sent nothing for {self.settings.timeout:g} s (raise 'timeout' in the "
                               "config if the model is slow to load)") from None
            raise LLMError(f"the connection to {where} broke off before the reply was complete "
                           f"({type(exc.__cause__ or exc).__name__})") from None
        except openai.APIError as exc:  # an error event inside a streamed reply
            raise LLMError(f"{where} reported an error: {_said(exc)}") from None
        except json.JSONDecodeError:
            raise LLMError(f"{where} sent an unreadable reply (an event that is not JSON)") from None
        except _EndedEarly:
            raise LLMError(f"the reply from {where} ended before it was complete") from None

    def _status_error(self, exc: Any, model: str) -> RagError:
        """The error for an HTTP error status from the server."""
        where, status, said = f"the OpenAI-compatible server at {self.host}", exc.status_code, _said(exc)
        if status in (401, 403):
            key = "without an API key" if not self.settings.openai_api_key else "with the configured API key"
            return LLMUnavailable(f"{where} refused the request {key} ({status}: {said}); {SET_KEY}")
        if status == 404:
            served = self._served()
            if served is None:
                return LLMUnavailable(f"nothing at {self.host} answers the OpenAI API (404: {said}); point "
                                      "openai_base_url (RAG_OPENAI_BASE_URL, --openai-base-url) at the server's API "
                                      "root, which usually ends in /v1")
            if model not in served:
                return LLMUnavailable(self._not_served(model, served))
        if status == 429:
            return LLMError(f"{where} is rate limiting requests (429: {said}); try again later")
        return LLMError(f"{where} reported an error ({status}): {said}")

    def _served(self) -> list[str] | None:
        """The models the server lists, or None when it lists none at all (not an OpenAI API there)."""
        import openai

        try:
            return sorted(m.id for m in self._client.models.list() if m.id)
        except openai.OpenAIError:
            return None

    def _not_served(self, model: str, served: list[str]) -> str:
        have = f"it serves {', '.join(served)}" if served else "it serves no models"
        return (f"model {model!r} is not served by the OpenAI-compatible server at {self.host} ({have}); set "
                "model in the config (RAG_MODEL, --model) to the name the server lists")


def _said(exc: Any) -> str:
    """The server's own words from an error: the OpenAI body's message, else the response text."""
    body = getattr(exc, "body", None)
    if isinstance(body, str) and body.strip():
        return body.strip()
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key].strip()
    response = getattr(exc, "response", None)
    text = response.text.strip()[:300] if response is not None else ""
    return text or getattr(exc, "message", "") or type(exc).__name__


def _read_stream(chunk: Any, chunks: Iterator[Any], limit: object, usage: dict) -> Iterator[str]:
    """The answer text of a streamed reply, stopping once it passes `limit` tokens (num_predict).

    Reasoning deltas are counted, never yielded. Tokens are the server's usage count where it sends
    one, else estimated from the characters. A stream that ends without a finish_reason raises _EndedEarly."""
    chars, finish, counted = 0, None, None
    while chunk is not None:
        counted = chunk.usage or counted
        for choice in (chunk.choices or [])[:1]:
            delta = choice.delta
            piece = (delta.content if delta else None) or ""
            chars += len(piece) + sum(len(getattr(delta, name, None) or "") for name in REASONING)
            finish = choice.finish_reason or finish
            tokens = estimated_tokens(chars)
            if finish is None and isinstance(limit, int) and limit > 0 and tokens > limit:
                usage.update(prompt_tokens=0, answer_tokens=tokens, done_reason="length", limited=True)
                return
            if piece:
                yield piece
        chunk = next(chunks, None)
    if finish is None:
        raise _EndedEarly
    usage.update(prompt_tokens=counted.prompt_tokens if counted else 0,
                 answer_tokens=counted.completion_tokens if counted else estimated_tokens(chars),
                 done_reason="length" if finish == "length" else "stop", limited=False)


class _EndedEarly(Exception):
    """The stream closed without a finish_reason."""
