"""The vector store: one Chroma collection, embedded or on a Chroma server."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.errors import RagError

def _client(folder: Path, url: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not url:
        return chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings)
    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=chroma_settings)
    except Exception as exc:
        raise RagError(f"cannot reach the Chroma server at {url} ({exc}). Start it with "
                       f"'chroma run --path DIR --host {parsed.hostname} --port {parsed.port or 8000}', "
                       "or drop --chroma-url to use the embedded store") from None


class ChunkStore:
    """Chunks with their vectors and article metadata. Embeddings are always passed in:
    Chroma's default embedding function would try to download a model."""

    def __init__(self, folder: Path, url: str = "", collection: str = "articles"):
        self.url = url
        self.client = _client(folder, url)
        self.collection = self.client.get_or_create_collection(
            collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        self._max_batch = self.client.get_max_batch_size()

    def count(self) -> int:
        return self.collection.count()

    def add(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> None:
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            self.collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                                   documents=texts[start:end], metadatas=metadatas[start:end])

    def delete_article(self, article_id: str) -> None:
        self.collection.delete(where={"article_id": article_id})

    def article_ids(self) -> set[str]:
        """Every article id that has chunks in the store (for consistency checks)."""
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            ids.update(m["article_id"] for m in got["metadatas"])
            if len(got["ids"]) < page:
                return ids
            offset += page

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, str, dict, float]]:
        """The `n` nearest chunks (fewer if the store holds fewer) as (id, text, metadata, cosine similarity)."""
        got = self.collection.query(query_embeddings=vector[None, :], n_results=n, where=where,
                                    include=["documents", "metadatas", "distances"])
        return [(i, d, m, 1.0 - dist) for i, d, m, dist in
                zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]
