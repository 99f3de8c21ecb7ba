"""Any sentence-transformers model, by hub id or local path."""
from __future__ import annotations

import numpy as np

from rag.errors import RagError


class SentenceTransformerEmbedder:
    """A sentence-transformers model; torch is imported only when this is configured."""

    def __init__(self, name_or_path: str):
        self.spec = f"st:{name_or_path}"
        self.name_or_path = name_or_path
        self._model = None

    @property
    def model(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise RagError("the sentence-transformers embedder needs the 'st' extra: "
                               "pip install torch==2.13.0 && pip install 'rag-news[st]'") from None
            try:
                self._model = SentenceTransformer(self.name_or_path, device="cpu")
            except Exception as exc:
                raise RagError(f"cannot load sentence-transformers model {self.name_or_path!r}: {exc}. "
                               "Give a local model folder, or a hub id on a machine that can "
                               "download it") from None
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(np.float32, copy=False)
