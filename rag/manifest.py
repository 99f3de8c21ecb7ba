"""The index's record of its articles, in SQLite beside the vectors.

Every article write goes through a two-step journal: the row is marked
`pending` and committed before its chunks are touched in Chroma, and marked
`done` after. A row still `pending` when the index is next opened for writing
belongs to an interrupted ingest; its chunks are removed and the article is
ingested again from its file.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    identity TEXT NOT NULL,
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    lang TEXT NOT NULL,
    hash TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    dup_of TEXT,
    minhash BLOB,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentence_vectors_article ON sentence_vectors (article_id);
"""


@dataclass
class ArticleRecord:
    """One indexed article, as listed by `rag list` and the UI."""

    id: str
    identity: str
    path: str
    source: str
    title: str
    date: str
    lang: str
    hash: str
    chunks: int
    dup_of: str | None
    state: str

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date, "lang": self.lang,
                "source": self.source, "chunks": self.chunks, "duplicate_of": self.dup_of}


_COLUMNS = "id, identity, path, source, title, date, lang, hash, chunks, dup_of, state"


class Manifest:
    """SQLite file `manifest.sqlite` in the index folder."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "manifest.sqlite"
        self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)
        self.db.commit()
        self.lock = threading.RLock()  # one connection, shared by the web app's threads

    def close(self) -> None:
        self.db.close()

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get(self, article_id: str) -> ArticleRecord | None:
        with self.lock:
            row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
        return ArticleRecord(*row) if row else None

    def all(self, state: str | None = "done") -> list[ArticleRecord]:
        query = f"SELECT {_COLUMNS} FROM articles"
        with self.lock:
            rows = (self.db.execute(query + " WHERE state=? ORDER BY date DESC, title", (state,))
                    if state else self.db.execute(query + " ORDER BY date DESC, title")).fetchall()
        return [ArticleRecord(*row) for row in rows]

    def count(self) -> tuple[int, int]:
        """(articles, chunks) of finished articles."""
        with self.lock:
            row = self.db.execute("SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM articles WHERE state='done'")
            return tuple(row.fetchone())  # type: ignore[return-value]

    def begin(self, records: list[tuple[ArticleRecord, np.ndarray]],
              sentence_vectors: dict[str, np.ndarray]) -> None:
        """Journal step 1: these articles' chunks are about to change.

        `records` pairs each article with its MinHash signature; `sentence_vectors` maps each
        new chunk id (`<article id>-<n>`) to the vectors of its sentences."""
        with self.lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                [(r.id, r.identity, r.path, r.source, r.title, r.date, r.lang, r.hash, r.chunks,
                                  r.dup_of, sig.astype(np.uint32).tobytes(), "pending") for r, sig in records])
            self.db.executemany("DELETE FROM sentence_vectors WHERE article_id=?", [(r.id,) for r, _ in records])
            self.db.executemany("INSERT INTO sentence_vectors VALUES (?,?,?)",
                                [(chunk_id, chunk_id.rsplit("-", 1)[0], v.astype(np.float16).tobytes())
                                 for chunk_id, v in sentence_vectors.items()])

    def sentence_vectors(self, chunk_ids: list[str], dim: int) -> dict[str, np.ndarray]:
        """The sentence vectors of these chunks, as (sentences, dim) float32 arrays."""
        marks = ",".join("?" * len(chunk_ids))
        with self.lock:
            rows = self.db.execute(f"SELECT chunk_id, vectors FROM sentence_vectors WHERE chunk_id IN ({marks})",
                                   chunk_ids).fetchall()
        return {cid: np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32) for cid, blob in rows}

    def commit(self, article_ids: list[str]) -> None:
        """Journal step 2: these articles' chunks are in the store."""
        with self.lock, self.db:
            self.db.executemany("UPDATE articles SET state='done' WHERE id=?", [(i,) for i in article_ids])

    def mark_pending(self, article_id: str) -> None:
        with self.lock, self.db:
            self.db.execute("UPDATE articles SET state='pending' WHERE id=?", (article_id,))

    def delete(self, article_id: str) -> None:
        with self.lock, self.db:
            self.db.execute("DELETE FROM sentence_vectors WHERE article_id=?", (article_id,))
            self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))

    def signatures(self) -> list[tuple[str, str | None, np.ndarray]]:
        """(id, dup_of, MinHash signature) of the finished articles, for near-duplicate checks."""
        with self.lock:
            rows = self.db.execute("SELECT id, dup_of, minhash FROM articles WHERE state='done' "
                                   "AND minhash IS NOT NULL ORDER BY rowid").fetchall()
        return [(r[0], r[1], np.frombuffer(r[2], dtype=np.uint32)) for r in rows]
