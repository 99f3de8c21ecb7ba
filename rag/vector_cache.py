"""Vectors of short texts kept between questions: the same sentences and names come back again and again."""
from __future__ import annotations

import threading
import weakref

import numpy as np

MAX_TEXTS = 20_000  # about 40 MB of 512-dimension vectors


class VectorCache:
    """An embedder's vectors by text, bounded; shared by the web app's threads."""

    def __init__(self, embedder):
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text, as the embedder gives it; only texts not seen before are embedded."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = self.embedder.embed(missing)
            with self._lock:
                if len(self._vectors) + len(missing) > MAX_TEXTS:
                    self._vectors.clear()
                self._vectors.update(zip(missing, vectors))
        with self._lock:
            found = [self._vectors.get(t) for t in texts]
        if any(v is None for v in found):  # cleared by another thread meanwhile
            return self.embedder.embed(list(texts))
        return np.stack(found) if found else np.zeros((0, 1), dtype=np.float32)

    def cosines(self, rows: list[str], columns: list[str]) -> np.ndarray:
        """The cosine of each of `rows` to each of `columns` (normalised vectors, embedded together)."""
        vectors = self.embed([*rows, *columns])
        return vectors[:len(rows)] @ vectors[len(rows):].T


_CACHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_for(embedder) -> VectorCache:
    """The one cache of this embedder."""
    with _CACHES_LOCK:
        cache = _CACHES.get(embedder)
        if cache is None:
            cache = _CACHES[embedder] = VectorCache(embedder)
        return cache
