"""Token counts for fitting passages into the model's context window.

The served model's own tokenizer is not available locally, so prompts are
counted with tiktoken's cl100k_base (shipped with llama-index-core, no download)
and given a safety margin: Llama 3 and Qwen 2.5 tokenizers produce counts within
about 15% of it on Dutch and English text.
"""
from __future__ import annotations

import os
from functools import lru_cache

from rag.bundled import llama_index_static

MARGIN = 1.15


@lru_cache(maxsize=1)
def encoding():
    """tiktoken's cl100k_base, from llama-index-core's bundled cache."""
    static = llama_index_static()
    if static and "TIKTOKEN_CACHE_DIR" not in os.environ:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(static / "tiktoken_cache")
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """An upper estimate of the tokens `text` takes in the model's prompt."""
    return int(len(encoding().encode(text, disallowed_special=())) * MARGIN) + 1
