"""The index's record of its articles, in SQLite beside the vectors.

Every write goes through a journal, so that a writer killed at any point loses nothing
that was committed. A new version of an article is written under new chunk ids
(`<article id>-<version>-<n>`): the journal notes it (`write`) before its chunks go to the
store, and the article's row switches to it only when they are all there; the replaced
version's rows are then dropped, noted as `drop` until the store has let go of them too.
A removal marks the article `removing` (hidden from the list and from search) before its
chunks go. The next writer rolls back what was not committed and finishes the rest; the
committed version of an article is never touched. `meta.generation` counts the changes,
so readers in other processes know when to reopen their view of the store.
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
    state TEXT NOT NULL,  -- 'done' (listed and searchable) or 'removing'
    version TEXT NOT NULL DEFAULT ''  -- of the chunks in use ('' for chunk ids from before versions)
);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentence_vectors_article ON sentence_vectors (article_id);
CREATE TABLE IF NOT EXISTS journal (
    article_id TEXT NOT NULL,
    version TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    action TEXT NOT NULL,  -- 'write': not committed yet; 'drop': replaced, still in the store
    PRIMARY KEY (article_id, version)
);
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
    version: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date, "lang": self.lang,
                "source": self.source, "chunks": self.chunks, "duplicate_of": self.dup_of}


_COLUMNS = "id, identity, path, source, title, date, lang, hash, chunks, dup_of, state, version"


def chunk_id(article_id: str, version: str, n: int) -> str:
    """The id of an article version's n-th chunk (chunks from before versions have none)."""
    return f"{article_id}-{version}-{n:04d}" if version else f"{article_id}-{n:04d}"


def chunk_ids(article_id: str, version: str, chunks: int) -> list[str]:
    return [chunk_id(article_id, version, n) for n in range(chunks)]


def split_chunk_id(chunk: str) -> tuple[str, str]:
    """(article id, version) of a chunk id."""
    parts = chunk.split("-")
    return parts[0], parts[1] if len(parts) == 3 else ""


@dataclass
class JournalEntry:
    """An article version that an interrupted writer left in the store."""

    article_id: str
    version: str
    chunks: int
    action: str  # 'write' (roll back) or 'drop' (finish)


class Manifest:
    """SQLite file `manifest.sqlite` in the index folder."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "manifest.sqlite"
        self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)
        self._add_version_column()
        self.db.commit()
        self.lock = threading.RLock()  # one connection, shared by the web app's threads

    def _add_version_column(self) -> None:
        """Indexes built before versions get the column, with '' for their chunk ids."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}
        if "version" not in columns:
            try:
                self.db.execute("ALTER TABLE articles ADD COLUMN version TEXT NOT NULL DEFAULT ''")
            except sqlite3.OperationalError as exc:
                if "duplicate column" not in str(exc):  # another process added it just now
                    raise

    def close(self) -> None:
        self.db.close()

    def generation(self) -> int:
        """How many changes the index has seen: a reader whose view is older reopens the store."""
        return int(self.get_meta("generation") or 0)

    def _bump(self) -> None:
        """Count a change; the caller holds the transaction."""
        self.db.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
                        "DO UPDATE SET value = CAST(value AS INTEGER) + 1")

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
        """Journal step 1: new versions of these articles (`record.version`) are about to be written.

        `records` pairs each article with its MinHash signature; `sentence_vectors` maps each
        new chunk id (`chunk_id()`) to the vectors of its sentences. The committed versions stay
        as they are, and searchable, until `commit`."""
        with self.lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO journal VALUES (?,?,?,'write')",
                                [(r.id, r.version, r.chunks) for r, _ in records])
            self.db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?,?,?)",
                                [(chunk, split_chunk_id(chunk)[0], v.astype(np.float16).tobytes())
                                 for chunk, v in sentence_vectors.items()])

    def sentence_vectors(self, chunk_ids: list[str], dim: int) -> dict[str, np.ndarray]:
        """The sentence vectors of these chunks, as (sentences, dim) float32 arrays."""
        marks = ",".join("?" * len(chunk_ids))
        with self.lock:
            rows = self.db.execute(f"SELECT chunk_id, vectors FROM sentence_vectors WHERE chunk_id IN ({marks})",
                                   chunk_ids).fetchall()
        return {cid: np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32) for cid, blob in rows}

    def live(self, chunks: list[str]) -> set[str]:
        """The chunk ids among these that belong to the committed version of a listed article."""
        wanted = {chunk: split_chunk_id(chunk) for chunk in chunks}
        articles = list({article for article, _ in wanted.values()})
        marks = ",".join("?" * len(articles))
        with self.lock:
            versions = dict(self.db.execute(f"SELECT id, version FROM articles WHERE state='done' "
                                            f"AND id IN ({marks})", articles).fetchall())
        return {chunk for chunk, (article, version) in wanted.items() if versions.get(article) == version}

    def commit(self, records: list[tuple[ArticleRecord, np.ndarray]]) -> list[JournalEntry]:
        """Journal step 2: the new versions are all in the store and replace the committed ones.

        Returns the replaced versions, whose chunks the caller drops from the store, then `discard`s."""
        replaced = []
        with self.lock, self.db:
            for r, sig in records:
                old = self.db.execute("SELECT version, chunks FROM articles WHERE id=?", (r.id,)).fetchone()
                if old is not None and old[0] != r.version:
                    replaced.append(JournalEntry(r.id, old[0], old[1], "drop"))
                self.db.execute(f"INSERT OR REPLACE INTO articles ({_COLUMNS}, minhash) VALUES "
                                f"(?,?,?,?,?,?,?,?,?,?,'done',?,?)",
                                (r.id, r.identity, r.path, r.source, r.title, r.date, r.lang, r.hash, r.chunks,
                                 r.dup_of, r.version, sig.astype(np.uint32).tobytes()))
                self.db.execute("DELETE FROM journal WHERE article_id=? AND version=?", (r.id, r.version))
            self.db.executemany("INSERT OR REPLACE INTO journal VALUES (?,?,?,'drop')",
                                [(e.article_id, e.version, e.chunks) for e in replaced])
            self._drop_chunks([c for e in replaced for c in chunk_ids(e.article_id, e.version, e.chunks)])
            self._bump()
        return replaced

    def journal(self) -> list[JournalEntry]:
        """The article versions an interrupted writer left: to roll back ('write') or finish ('drop')."""
        with self.lock:
            rows = self.db.execute("SELECT article_id, version, chunks, action FROM journal").fetchall()
        return [JournalEntry(*row) for row in rows]

    def discard(self, entries: list[JournalEntry]) -> None:
        """Forget these versions, once their chunks are out of the store."""
        with self.lock, self.db:
            self._drop_chunks([c for e in entries for c in chunk_ids(e.article_id, e.version, e.chunks)])
            self.db.executemany("DELETE FROM journal WHERE article_id=? AND version=?",
                                [(e.article_id, e.version) for e in entries])
            self._bump()

    def forget(self, entries: list[JournalEntry]) -> None:
        """Forget these journal entries only (a 'write' whose version was committed after all)."""
        with self.lock, self.db:
            self.db.executemany("DELETE FROM journal WHERE article_id=? AND version=?",
                                [(e.article_id, e.version) for e in entries])
            self._bump()

    def has_articles(self) -> bool:
        with self.lock:
            return self.db.execute("SELECT 1 FROM articles WHERE state='done' LIMIT 1").fetchone() is not None

    def _drop_chunks(self, chunks: list[str]) -> None:
        """Drop these chunks' sentence vectors (the rows beside the store); in the caller's transaction."""
        for start in range(0, len(chunks), 500):
            part = chunks[start:start + 500]
            marks = ",".join("?" * len(part))
            self.db.execute(f"DELETE FROM sentence_vectors WHERE chunk_id IN ({marks})", part)

    def mark_removing(self, article_id: str) -> None:
        """Removal step 1: hide the article from the list and from search; `delete` follows."""
        with self.lock, self.db:
            self.db.execute("UPDATE articles SET state='removing' WHERE id=?", (article_id,))
            self._bump()

    def delete(self, article_id: str) -> None:
        """Forget an article and every row of its chunks, once they are out of the store."""
        with self.lock, self.db:
            self.db.execute("DELETE FROM sentence_vectors WHERE article_id=?", (article_id,))
            self.db.execute("DELETE FROM journal WHERE article_id=?", (article_id,))
            self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
            self._bump()

    def expire(self, article_ids: list[str]) -> None:
        """Make the next ingest of these articles' files write them again, even unchanged."""
        with self.lock, self.db:
            self.db.executemany("UPDATE articles SET hash='' WHERE id=?", [(i,) for i in article_ids])

    def counts(self) -> dict[str, int]:
        """Rows of each kind, to check that the store and the rows beside it agree."""
        with self.lock:
            return {"chunks": self.count()[1],
                    "sentence_vectors": self.db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]}

    def chunk_rows(self) -> set[str]:
        """The chunk ids that have sentence vectors."""
        with self.lock:
            return {r[0] for r in self.db.execute("SELECT chunk_id FROM sentence_vectors")}

    def drop_rows(self, chunks: list[str]) -> None:
        """Drop rows beside the store that belong to no chunk of any article (a repair)."""
        with self.lock, self.db:
            self._drop_chunks(chunks)

    def signatures(self) -> list[tuple[str, str | None, np.ndarray]]:
        """(id, dup_of, MinHash signature) of the finished articles, for near-duplicate checks."""
        with self.lock:
            rows = self.db.execute("SELECT id, dup_of, minhash FROM articles WHERE state='done' "
                                   "AND minhash IS NOT NULL ORDER BY rowid").fetchall()
        return [(r[0], r[1], np.frombuffer(r[2], dtype=np.uint32)) for r in rows]
