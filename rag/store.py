"""The vector store: one Chroma collection, embedded or on a Chroma server."""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import numpy as np

from rag.errors import RagError

READ_PAGE = 500  # chunks read back per request when checking the store
SCAN_PAGE = 5000  # chunks per request when reading them all
WRITE_TRIES = 3  # writes of a chunk that a server leaves out of its search before the write fails
MATCHING = 64  # chunks read for `nearest_matching`: of a name many chunks keep, the nearest of these


def chroma_client(folder: Path, url: str, fresh: bool = False):
    """A Chroma client: the embedded store in `folder`, or the server at `url`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not url:
        path = str(folder / "chroma")
        if fresh:
            _forget_shared_system(path)
        return chromadb.PersistentClient(path=path, settings=chroma_settings)
    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=chroma_settings)
    except Exception as exc:
        raise RagError(f"cannot reach the Chroma server at {url} ({exc}). Start it with "
                       f"'chroma run --path DIR --host {parsed.hostname} --port {parsed.port or 8000}', "
                       "or drop --chroma-url to use the embedded store") from None


def _forget_shared_system(path: str) -> None:
    """Make the next client for this path load the store afresh.

    Chroma keeps one system per path in a process, with the view of the vectors it loaded
    first; another process's writes stay invisible to it. The old system is not stopped:
    searches still running on it finish, and it goes when the last of them lets go of it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


class ChunkStore:
    """Chunks with their vectors and article metadata. Embeddings are always passed in:
    Chroma's default embedding function would try to download a model."""

    def __init__(self, folder: Path, url: str = "", collection: str = "articles", fresh: bool = False,
                 guard: AbstractContextManager | None = None):
        """`guard` is held while the store's files are loaded or changed (rag.writelock.StoreGuard)."""
        self.url = url
        self.folder = folder
        self._guard = guard or nullcontext()
        with self._guard:
            self.client = chroma_client(folder, url, fresh)
            self.collection = self.client.get_or_create_collection(
                collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            self._max_batch = self.client.get_max_batch_size()
            if not url:
                self.collection.count()  # loads the vectors now, under the guard, not at the first search

    def reopen(self) -> "ChunkStore":
        """The same collection, with a view of it loaded now (an embedded store only; a server's is always current)."""
        if self.url:
            return self
        return ChunkStore(self.folder, self.url, self.collection.name, fresh=True, guard=self._guard)

    def count(self) -> int:
        return self.collection.count()

    def add(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> int:
        """Write these chunks. On a server, the chunks the write left out of the search (a chromadb 1.5 server
        does so, rarely, with the first write after another client's read) are written again; returns how many."""
        self._upsert(ids, vectors, texts, metadatas)
        if not self.url or not ids:
            return 0
        again = 0
        for _ in range(WRITE_TRIES):
            lost = set(self.unfindable(ids, vectors[0]))
            if not lost:
                return again
            rows = [i for i, chunk in enumerate(ids) if chunk in lost]
            self._upsert([ids[i] for i in rows], vectors[rows], [texts[i] for i in rows],
                         [metadatas[i] for i in rows])
            again += len(rows)
        raise RagError(f"the Chroma server at {self.url} does not find {len(lost)} chunks just written, after "
                       f"{WRITE_TRIES} writes (e.g. {', '.join(sorted(lost)[:3])}); see the server's log, then run "
                       "the same command again: it goes on where this one stopped")

    def _upsert(self, ids: list[str], vectors: np.ndarray, texts: list[str], metadatas: list[dict]) -> None:
        with self._guard:
            for start in range(0, len(ids), self._max_batch):
                end = start + self._max_batch
                self.collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                                       documents=texts[start:end], metadatas=metadatas[start:end])

    def delete_article(self, article_id: str) -> None:
        """Every chunk of the article, whatever its version."""
        self.delete(self.collection.get(where={"article_id": article_id}, include=[])["ids"])

    def delete(self, ids: list[str]) -> None:
        """These chunks (those of them in the store)."""
        if not ids:
            return
        with self._guard:
            found, unreadable = self.vectors(ids)
            if unreadable:
                # deleting a chunk whose vector is lost breaks the whole collection; give it one first
                self.restore(unreadable, np.ones((len(unreadable), self._dim(found)), dtype=np.float32))
            for start in range(0, len(ids), self._max_batch):
                self.collection.delete(ids=ids[start:start + self._max_batch])

    def _scan(self, include: list[str]) -> Iterator[dict]:
        """Every chunk, a page of `SCAN_PAGE` at a time, with the fields named in `include`."""
        offset = 0
        while True:
            got = self.collection.get(include=include, limit=SCAN_PAGE, offset=offset)
            yield got
            if len(got["ids"]) < SCAN_PAGE:
                return
            offset += SCAN_PAGE

    def ids(self) -> list[str]:
        """Every chunk id in the store."""
        return [i for got in self._scan([]) for i in got["ids"]]

    def sentences(self, ids: list[str] | None = None) -> Iterator[str]:
        """The sentences of these chunks (of every chunk, without `ids`), as split at ingest (a plain split for a
        chunk that kept no bounds)."""
        from rag.sentences import plain_split, sentences_at

        if ids is None:
            rows = (row for got in self._scan(["documents", "metadatas"])
                    for row in zip(got["documents"], got["metadatas"]))
        else:
            rows = ((text, meta) for start in range(0, len(ids), READ_PAGE)
                    for _, text, meta in self.fetch(ids[start:start + READ_PAGE]))
        for text, meta in rows:
            bounds = (meta or {}).get("sentences", "")
            yield from sentences_at(text, bounds) if bounds else plain_split(text)

    def vectors(self, ids: list[str]) -> tuple[dict[str, np.ndarray], list[str]]:
        """The vectors of these chunks, and the ids the store holds but cannot read the vector of."""
        from chromadb.errors import ChromaError

        found: dict[str, np.ndarray] = {}
        unreadable: list[str] = []
        pending = [ids[i:i + READ_PAGE] for i in range(0, len(ids), READ_PAGE)]
        while pending:
            part = pending.pop()
            try:
                got = self.collection.get(ids=part, include=["embeddings"])
            except ChromaError:
                if len(part) == 1:
                    unreadable.extend(part)
                else:  # find the unreadable ones by halves
                    pending += [part[:len(part) // 2], part[len(part) // 2:]]
                continue
            found.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        return found, unreadable

    def unfindable(self, ids: list[str], probe: np.ndarray) -> list[str]:
        """Those of these chunks that a search does not return: those not stored, and those a query restricted to
        the stored ones does not give (`probe` is any vector of the store's size)."""
        lost = []
        for start in range(0, len(ids), READ_PAGE):
            part = ids[start:start + READ_PAGE]
            stored = self.collection.get(ids=part, include=[])["ids"]
            found = set()
            if stored:  # a query restricted to an id the store lacks fails
                got = self.collection.query(query_embeddings=probe[None, :], ids=stored, n_results=len(stored),
                                            include=[])
                found = set(got["ids"][0])
            lost += [i for i in part if i not in found]
        return lost

    def restore(self, ids: list[str], vectors: np.ndarray) -> None:
        """Write these chunks' vectors again, keeping their text and metadata."""
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        by_id = dict(zip(ids, vectors))
        if got["ids"]:
            self.add(list(got["ids"]), np.stack([by_id[i] for i in got["ids"]]), list(got["documents"]),
                     list(got["metadatas"]))

    def _dim(self, found: dict[str, np.ndarray]) -> int:
        """The store's vector size, from these vectors or else from the first readable ones."""
        if not found:
            found, _ = self.vectors(self.collection.get(include=[], limit=READ_PAGE)["ids"])
        return len(next(iter(found.values()))) if found else 1

    def article_ids(self) -> set[str]:
        """Every article id that has chunks in the store (for consistency checks)."""
        return {m["article_id"] for got in self._scan(["metadatas"]) for m in got["metadatas"]}

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, str, dict, float]]:
        """The `n` nearest chunks (fewer if the store holds fewer) as (id, text, metadata, cosine similarity)."""
        from chromadb.errors import InternalError

        try:
            got = self.collection.query(query_embeddings=vector[None, :], n_results=n, where=where,
                                        include=["documents", "metadatas", "distances"])
        except InternalError as exc:
            if "Nothing found on disk" not in str(exc):
                raise
            return []  # loaded while empty, and another process has begun its first write: nothing committed yet
        return [(i, d, m, 1.0 - dist) for i, d, m, dist in
                zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]

    def nearest_matching(self, vector: np.ndarray, n: int, where: dict[str, Any] | None,
                         limit: int = MATCHING, where_document: dict[str, Any] | None = None,
                         ) -> list[tuple[str, str, dict, float]]:
        """The `n` chunks nearest to `vector` among those that match `where` and `where_document` (the first `limit`
        of them), as `query` gives them. Read by the filters alone: Chroma's vector search under a filter that few
        chunks match walks its whole graph (90 ms at 100,000 chunks, against 6; BENCHMARKS.md, "The names each chunk
        keeps")."""
        got = self.collection.get(where=where, where_document=where_document, limit=limit,
                                  include=["embeddings", "documents", "metadatas"])
        if not got["ids"]:
            return []
        cosines = np.asarray(got["embeddings"], dtype=np.float32) @ vector
        return [(got["ids"][i], got["documents"][i], got["metadatas"][i], float(cosines[i]))
                for i in np.argsort(-cosines)[:n]]

    def fetch(self, ids: list[str], where: dict[str, Any] | None = None) -> list[tuple[str, str, dict]]:
        """These chunks (those of them that match `where`) as (id, text, metadata), by id."""
        got = self.collection.get(ids=ids, where=where, include=["documents", "metadatas"])
        return list(zip(got["ids"], got["documents"], got["metadatas"]))
