"""The project's embedder as a llama-index embedding model."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from rag.embedders import Embedder, get_embedder


class RagEmbedding(BaseEmbedding):
    """An embedder of ours (`use`, multilingual USE v3, by default; `st:NAME` for a
    sentence-transformers model) as a BaseEmbedding: L2-normalised vectors, the same for
    queries and texts, Dutch and English in one space."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any):
        kwargs.setdefault("embed_batch_size", 64)
        super().__init__(model_name=embedder.spec, **kwargs)
        self._embedder = embedder

    @classmethod
    def from_spec(cls, spec: str = "use", cache_dir: str | Path | None = None, **kwargs: Any) -> "RagEmbedding":
        """Load the embedder a spec names, as `--embedder` does (its cache in the configured cache_dir)."""
        if cache_dir is None:
            from rag.config import load_settings

            cache_dir = load_settings().cache_dir
        return cls(get_embedder(spec, Path(cache_dir)), **kwargs)

    @classmethod
    def class_name(cls) -> str:
        return "RagEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(list(texts)).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
