"""Stand-in llama-index LLMs for the tests: a scripted one that writes a fixed cited answer, and
ones that fail. Nothing here talks to a network."""
from __future__ import annotations

import builtins
from typing import Any

from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.bridge.pydantic import Field
from llama_index.core.llms import CustomLLM

# What the scripted model answers, citing the second passage it was given first: the engine shows
# it with [2] as [1] and [1] as [2].
REPLY = ("The United States, Russia and Ukraine did not sign the 2008 convention [2]. "
         "China, India, Israel and Pakistan never signed it either [1].")
SHOWN = ("The United States, Russia and Ukraine did not sign the 2008 convention [1]. "
         "China, India, Israel and Pakistan never signed it either [2].")
STANDALONE = "Which countries signed the 2008 convention on cluster munitions?"


class ScriptedLLM(CustomLLM):
    """Answers every question with REPLY, streamed word by word; a condensing prompt (a follow-up)
    with STANDALONE. Keeps the prompts it was given."""

    reply: str = REPLY
    prompts: list[str] = Field(default_factory=list)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted", context_window=8192, num_output=512)

    def _text(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return STANDALONE if "Standalone question:" in prompt else self.reply

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._text(prompt))

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = self._text(prompt)

        def pieces() -> CompletionResponseGen:
            words = text.split(" ")
            for i, word in enumerate(words):
                delta = word if i == len(words) - 1 else word + " "
                yield CompletionResponse(text=" ".join(words[:i + 1]), delta=delta)

        return pieces()


class FailingLLM(CustomLLM):
    """Raises `error` (by name: a builtin exception) when asked; streamed, after a first piece."""

    error: str = "RuntimeError"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="failing")

    def _raise(self) -> None:
        raise getattr(builtins, self.error)("the model crashed")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self._raise()
        raise AssertionError("unreachable")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def pieces() -> CompletionResponseGen:
            yield CompletionResponse(text="The United", delta="The United")
            self._raise()

        return pieces()
