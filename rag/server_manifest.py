"""The index's record of its articles on the Chroma server, for a knowledge base shared by machines.

The same records as rag.manifest keeps in SQLite (articles with their journal state, the
sentence vectors, the MinHash signatures, the embedder, the change counter), in collections of
the knowledge base `NAME` beside its chunks: `NAME-articles`, `NAME-journal`, `NAME-sentences`
and `NAME-meta`. A Chroma server has no transaction across requests, so each step is safe on its
own, in this order: a new version is journaled (`write`) before its chunks are written; on commit
the version it replaces is journaled (`drop`) before the article's record switches to the new one,
and that switch (one record) is the commit. The next writer, on any machine, rolls back what was
not committed and finishes the rest (rag.knowledge_base); it never drops the committed version.
Records carry a one-number stand-in vector, as Chroma stores nothing without one.
"""
from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import replace
from typing import Any, Iterator

import numpy as np

from rag.manifest import ArticleRecord, JournalEntry, chunk_ids, split_chunk_id

PAGE = 2000  # records read per request when scanning a collection
_FIELDS = ("identity", "path", "source", "title", "date", "lang", "hash", "chunks", "dup_of", "state", "version")


def _point(key: str) -> list[float]:
    """A record's stand-in vector: spread out, so the collection's vector index stays well-formed."""
    return [int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") / 2 ** 32]


def _points(keys: list[str]) -> list[list[float]]:
    return [_point(k) for k in keys]


def _record(article_id: str, meta: dict) -> ArticleRecord:
    values = {f: meta.get(f, "") for f in _FIELDS}
    values["chunks"] = int(values["chunks"] or 0)
    values["dup_of"] = values["dup_of"] or None
    return ArticleRecord(id=article_id, **values)


def _blob(array: np.ndarray, dtype: type) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


class ServerManifest:
    """The knowledge base `kb`'s records in collections on the Chroma server behind `client`."""

    def __init__(self, client: Any, kb: str):
        self.kb = kb
        self.lock = threading.RLock()

        def collection(part: str):
            return client.get_or_create_collection(f"{kb}-{part}", embedding_function=None)

        self.meta = collection("meta")
        self.articles = collection("articles")
        self.journal_rows = collection("journal")
        self.sentences = collection("sentences")

    def close(self) -> None:
        pass  # each request stands alone

    # ---- meta ----
    def get_meta(self, key: str) -> str | None:
        got = self.meta.get(ids=[key], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def set_meta(self, key: str, value: str) -> None:
        self.meta.upsert(ids=[key], embeddings=_points([key]), documents=[value])

    def generation(self) -> int:
        """How many changes the knowledge base has seen."""
        return int(self.get_meta("generation") or 0)

    def _bump(self) -> None:
        self.set_meta("generation", str(self.generation() + 1))  # writers take turns (rag.server_lock)

    # ---- articles ----
    def get(self, article_id: str) -> ArticleRecord | None:
        got = self.articles.get(ids=[article_id], include=["metadatas"])
        return _record(got["ids"][0], got["metadatas"][0]) if got["ids"] else None

    def _scan(self, collection: Any, where: dict | None = None, include: tuple = ("metadatas",)) -> Iterator[tuple]:
        offset = 0
        while True:
            got = collection.get(where=where, include=list(include), limit=PAGE, offset=offset)
            if not got["ids"]:
                return
            columns = [got[name] for name in include]
            yield from zip(got["ids"], *columns)
            offset += len(got["ids"])

    def all(self, state: str | None = "done") -> list[ArticleRecord]:
        records = [_record(i, m) for i, m in self._scan(self.articles, {"state": state} if state else None)]
        records.sort(key=lambda r: r.title)
        records.sort(key=lambda r: r.date, reverse=True)
        return records

    def count(self) -> tuple[int, int]:
        """(articles, chunks) of finished articles."""
        chunks = [int(meta.get("chunks") or 0) for _, meta in self._scan(self.articles, {"state": "done"})]
        return len(chunks), sum(chunks)

    def has_articles(self) -> bool:
        return bool(self.articles.get(where={"state": "done"}, limit=1, include=[])["ids"])

    def live(self, chunks: list[str]) -> set[str]:
        """The chunk ids among these that belong to the committed version of a listed article."""
        wanted = {chunk: split_chunk_id(chunk) for chunk in chunks}
        articles = list({article for article, _ in wanted.values()})
        if not articles:
            return set()
        got = self.articles.get(ids=articles, include=["metadatas"])
        versions = {i: m.get("version", "") for i, m in zip(got["ids"], got["metadatas"]) if m.get("state") == "done"}
        return {chunk for chunk, (article, version) in wanted.items() if versions.get(article) == version}

    def _put(self, records: list[ArticleRecord], signatures: dict[str, np.ndarray] | None = None) -> None:
        metas = []
        for r in records:
            meta = {f: getattr(r, f) if getattr(r, f) is not None else "" for f in _FIELDS}
            if signatures and r.id in signatures:
                meta["minhash"] = _blob(signatures[r.id], np.uint32)
            metas.append(meta)
        self.articles.upsert(ids=[r.id for r in records], embeddings=_points([r.id for r in records]),
                             metadatas=metas)

    # ---- the journal ----
    def begin(self, records: list[tuple[ArticleRecord, np.ndarray]],
              sentence_vectors: dict[str, np.ndarray]) -> None:
        """Journal step 1: new versions of these articles are about to be written (rag.manifest)."""
        self._journal([JournalEntry(r.id, r.version, r.chunks, "write") for r, _ in records])
        chunks = list(sentence_vectors)
        for start in range(0, len(chunks), PAGE):
            part = chunks[start:start + PAGE]
            self.sentences.upsert(ids=part, embeddings=_points(part),
                                  documents=[_blob(sentence_vectors[c], np.float16) for c in part],
                                  metadatas=[{"article_id": split_chunk_id(c)[0]} for c in part])

    def _journal(self, entries: list[JournalEntry]) -> None:
        if entries:
            keys = [f"{e.article_id}@{e.version}" for e in entries]
            self.journal_rows.upsert(ids=keys, embeddings=_points(keys), metadatas=[
                {"article_id": e.article_id, "version": e.version, "chunks": e.chunks, "action": e.action}
                for e in entries])

    def sentence_vectors(self, chunk_ids: list[str], dim: int) -> dict[str, np.ndarray]:
        """The sentence vectors of these chunks, as (sentences, dim) float32 arrays."""
        if not chunk_ids:
            return {}
        got = self.sentences.get(ids=chunk_ids, include=["documents"])
        return {cid: np.frombuffer(base64.b64decode(doc), dtype=np.float16).reshape(-1, dim).astype(np.float32)
                for cid, doc in zip(got["ids"], got["documents"])}

    def commit(self, records: list[tuple[ArticleRecord, np.ndarray]]) -> list[JournalEntry]:
        """Journal step 2: the new versions replace the committed ones; returns the replaced versions."""
        old = {r.id: r for r in map(self.get, [r.id for r, _ in records]) if r is not None}
        replaced = [JournalEntry(r.id, old[r.id].version, old[r.id].chunks, "drop")
                    for r, _ in records if r.id in old and old[r.id].version != r.version]
        self._journal(replaced)  # first: once the records switch, nothing else remembers these chunks
        self._put([replace(r, state="done") for r, _ in records], {r.id: sig for r, sig in records})
        self.journal_rows.delete(ids=[f"{r.id}@{r.version}" for r, _ in records])
        self._bump()
        return replaced

    def journal(self) -> list[JournalEntry]:
        return [JournalEntry(m["article_id"], m["version"], int(m["chunks"]), m["action"])
                for _, m in self._scan(self.journal_rows)]

    def discard(self, entries: list[JournalEntry]) -> None:
        """Forget these versions, once their chunks are out of the store."""
        self.drop_rows([c for e in entries for c in chunk_ids(e.article_id, e.version, e.chunks)])
        self.forget(entries)

    def forget(self, entries: list[JournalEntry]) -> None:
        """Forget these journal entries only (a 'write' whose version was committed after all)."""
        if entries:
            self.journal_rows.delete(ids=[f"{e.article_id}@{e.version}" for e in entries])
            self._bump()

    def mark_removing(self, article_id: str) -> None:
        record = self.get(article_id)
        if record is not None:
            record.state = "removing"
            self._put([record])
            self._bump()

    def delete(self, article_id: str) -> None:
        """Forget an article and every row of its chunks, once they are out of the store."""
        self.sentences.delete(where={"article_id": article_id})
        self.journal_rows.delete(where={"article_id": article_id})
        self.articles.delete(ids=[article_id])
        self._bump()

    def expire(self, article_ids: list[str]) -> None:
        records = [r for r in map(self.get, article_ids) if r is not None]
        for r in records:
            r.hash = ""
        if records:
            self._put(records)

    # ---- checks ----
    def counts(self) -> dict[str, int]:
        return {"chunks": self.count()[1], "sentence_vectors": self.sentences.count()}

    def chunk_rows(self) -> set[str]:
        return {i for i, in self._scan(self.sentences, include=())}

    def drop_rows(self, chunks: list[str]) -> None:
        for start in range(0, len(chunks), PAGE):
            self.sentences.delete(ids=chunks[start:start + PAGE])

    def signatures(self) -> list[tuple[str, str | None, np.ndarray]]:
        found = []
        for i, meta in self._scan(self.articles, {"state": "done"}):
            if meta.get("minhash"):
                found.append((i, meta.get("dup_of") or None,
                              np.frombuffer(base64.b64decode(meta["minhash"]), dtype=np.uint32)))
        return found

