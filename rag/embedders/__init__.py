"""Text embedders: one small interface, a backend chosen by a config string."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import RagError


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    spec: str  # the config string that recreates it, recorded in the index
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def chunk_vector(sentences: np.ndarray) -> np.ndarray:
    """A chunk's vector: the normalised mean of its sentences' vectors (each sentence is embedded once)."""
    mean = sentences.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)


def get_embedder(spec: str, cache_dir: Path) -> Embedder:
    """`use` for multilingual USE v3, `st:NAME_OR_PATH` for a sentence-transformers model."""
    if spec == "use":
        from rag.embedders.use import USEEmbedder

        return USEEmbedder(cache_dir)
    if spec.startswith("st:") and len(spec) > 3:
        from rag.embedders.st import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[3:])
    raise RagError(f"unknown embedder {spec!r}: use 'use' or 'st:MODEL_NAME_OR_PATH' "
                   "(e.g. --embedder st:sentence-transformers/all-MiniLM-L6-v2)")
