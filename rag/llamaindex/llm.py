"""Any llama-index LLM as the engine's model client, so it writes the engine's cited answers."""
from __future__ import annotations

from typing import Iterator

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.llms import LLM

from rag.config import Settings
from rag.errors import LLMUnavailable, RagError
from rag.llm import LLMError, estimated_tokens

# Names of the exceptions that mean the model's server cannot be reached (httpx, openai and
# the clients built on them), for LLMs whose errors are not ConnectionErrors.
_UNREACHABLE = {"ConnectError", "ConnectTimeout", "APIConnectionError", "ServiceUnavailableError"}
_CUT_REASONS = {"length", "max_tokens", "MAX_TOKENS"}


class LlamaIndexLLM:
    """The model-client interface the answer path uses (`stream_chat`, `chat`, `models`,
    `check`, `host`, `model`, `settings`) on top of a llama-index LLM's own `stream_chat` and
    `chat`.

    The prompt, the citation renumbering, the support check and the extractive fallback stay the
    engine's. What the LLM raises becomes LLMUnavailable (its server cannot be reached) or
    LLMError (anything else), naming the LLM, so the answer falls back to the extractive one with
    that as its warning. The reply is cut at `num_predict` tokens (counted as the Ollama client
    does, when the server gives no count); the LLM's own settings (model, max_tokens, timeouts,
    temperature) are not changed. `check` and `models` make no call: the first answer shows
    whether the LLM works."""

    kind = "llama-index"

    def __init__(self, llm: LLM, settings: Settings):
        if not isinstance(llm, LLM):
            raise TypeError(f"llm= takes a llama-index LLM (llama_index.core.llms.LLM), not {type(llm).__name__}")
        self.llm = llm
        self.settings = settings
        self.model = llm.metadata.model_name
        self.host = f"llama-index {type(llm).__name__}"

    def stream_chat(self, messages: list[dict], model: str | None = None, usage: dict | None = None,
                    **options: object) -> Iterator[str]:
        """Yield the reply piece by piece; `usage` gets done_reason: "length" when the reply was cut
        at num_predict here or by the LLM's own limit, else "stop"."""
        usage = {} if usage is None else usage
        limit = options.get("num_predict")
        text, reason = "", "stop"
        replies = None
        try:
            replies = self.llm.stream_chat(self._messages(messages))
            for reply in replies:
                piece = _delta(reply, text)
                text += piece
                reason = _finish_reason(reply) or reason
                if isinstance(limit, int) and limit > 0 and estimated_tokens(len(text)) > limit:
                    # cut here, by us: the limit was never sent to the LLM (its options are its own)
                    usage.update(prompt_tokens=0, answer_tokens=limit, done_reason="length", limited=False)
                    return
                if piece:
                    yield piece
        except RagError:
            raise
        except Exception as exc:  # whatever the LLM's client raises: one of ours, naming the LLM
            raise self._error(exc) from exc
        finally:
            close = getattr(replies, "close", None)
            if close is not None:
                close()  # stops a reply that is still coming
        usage.update(prompt_tokens=0, answer_tokens=estimated_tokens(len(text)),
                     done_reason="length" if reason in _CUT_REASONS else "stop", limited=False)

    def chat(self, messages: list[dict], model: str | None = None, **options: object) -> str:
        """The whole reply at once (for short internal calls such as condensing a follow-up)."""
        try:
            return self.llm.chat(self._messages(messages)).message.content or ""
        except RagError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    def models(self) -> list[str]:
        """The one model this LLM talks to."""
        return [self.model]

    def check(self, model: str | None = None) -> str:
        """The model's name; no call is made (the LLM may be a paid API)."""
        return self.model

    def _messages(self, messages: list[dict]) -> list[ChatMessage]:
        system = self.llm.metadata.system_role  # some models take their instructions as a user turn
        return [ChatMessage(role=system if m["role"] == "system" else MessageRole(m["role"]), content=m["content"])
                for m in messages]

    def _error(self, exc: Exception) -> RagError:
        what = f"{type(exc).__name__}: {exc}".rstrip(": ")
        names = {cls.__name__ for cls in type(exc).__mro__}
        if isinstance(exc, ConnectionError) or names & _UNREACHABLE:
            return LLMUnavailable(f"cannot reach the model of the llama-index LLM {type(self.llm).__name__} "
                                  f"({self.model}): {what}; check that its server is running and reachable")
        return LLMError(f"the llama-index LLM {type(self.llm).__name__} ({self.model}) failed: {what}")


def _delta(reply: ChatResponse, so_far: str) -> str:
    """The new text of a streamed reply: its delta, or what its whole text adds to `so_far`."""
    if reply.delta is not None:
        return reply.delta
    content = reply.message.content or ""
    return content[len(so_far):] if content.startswith(so_far) else ""


def _finish_reason(reply: ChatResponse) -> str:
    """Why the server says the reply ended, where it says so ("" if not)."""
    for source in (reply.raw, reply.additional_kwargs):
        if isinstance(source, dict):
            for key in ("done_reason", "finish_reason", "stop_reason"):
                if isinstance(source.get(key), str):
                    return source[key]
    return ""
