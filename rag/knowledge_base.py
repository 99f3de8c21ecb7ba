"""The knowledge base: the article manifest, the vector store and the embedder that built it."""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from rag.config import Settings
from rag.embedders import Embedder, get_embedder
from rag.errors import EmbedderMismatch, RagError
from rag.manifest import ArticleRecord, JournalEntry, Manifest, chunk_ids
from rag.types import Passage
from rag.writelock import StoreGuard, write_lock

if TYPE_CHECKING:
    from rag.casing import Spellings
    from rag.spelling_cache import SpellingCache
    from rag.store import ChunkStore


def index_exists(folder: Path) -> bool:
    return (folder / "manifest.sqlite").is_file()


class KnowledgeBase:
    """A knowledge base opened for reading (and, with `create=True`, for building): an index folder,
    or with a Chroma server (`chroma_url`), the knowledge base `kb` on it, wholly (rag.server_manifest)."""

    def __init__(self, settings: Settings, *, create: bool = False, embedder: Embedder | None = None):
        self.settings = settings
        self.folder = Path(settings.index)  # on a server: only uploads and feedback, no part of the knowledge base
        self.server = bool(settings.chroma_url)
        if self.server:
            from rag.server_manifest import ServerManifest
            from rag.store import chroma_client

            self.where = f"the knowledge base {settings.kb!r} on the Chroma server at {settings.chroma_url}"
            self.manifest = ServerManifest(chroma_client(self.folder, settings.chroma_url), settings.kb)
            if not create and self.manifest.get_meta("embedder") is None:
                raise RagError(f"there is no {self.where}. Build it first: rag ingest index/articles "
                               f"--chroma-url {settings.chroma_url} --kb {settings.kb}")
        else:
            self.where = f"the index at {self.folder}"
            if not create and not index_exists(self.folder):
                raise RagError(f"no index at {self.folder}. Build it first: "
                               f"rag ingest index/articles --index {self.folder}")
            self.manifest = Manifest(self.folder)
        # what names this knowledge base on a command line
        self.flags = f"--chroma-url {settings.chroma_url} --kb {settings.kb}" if self.server else f"--index {self.folder}"
        self.embedder = embedder or get_embedder(settings.embedder, settings.cache_dir)
        self._check_embedder()
        self._generation = self.manifest.generation()  # read first: a change while opening is seen later
        self._collection = self._collection_name()
        self._store: ChunkStore | None = None  # opened at first use: `rag list` needs no vectors
        self._store_lock = threading.Lock()
        self._store_guard = None if self.server else StoreGuard(self.folder)
        self._fetcher = None  # a server's requests made side by side (live_with_sentences)
        self._write_guard = threading.RLock()  # this process's threads, one writer at a time
        self._write_depth = 0
        self._spellings: SpellingCache | None = None

    @property
    def store(self) -> "ChunkStore":
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._open_store()
        return self._store  # type: ignore[return-value]

    def _open_store(self) -> None:
        """Load the store as it is now (the caller holds `_store_lock`)."""
        from rag.store import ChunkStore

        generation = self.manifest.generation()
        if self._store is None:
            self._store = ChunkStore(self.folder, self.settings.chroma_url, self._collection,
                                     guard=self._store_guard)
        else:
            self._store = self._store.reopen()
        self._generation = generation

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.shutdown(wait=False)
        self.manifest.close()

    def _check_embedder(self) -> None:
        built_with = self.manifest.get_meta("embedder")
        if built_with is None:
            self.manifest.set_meta("embedder", self.embedder.spec)
        elif built_with != self.embedder.spec:
            raise EmbedderMismatch(
                f"{self.where} was built with embedder {built_with!r}, not "
                f"{self.embedder.spec!r}. Use --embedder {built_with}, or build a new index with "
                f"this embedder: rag ingest PATH --index NEW_FOLDER --embedder {self.embedder.spec}"
                + (" (or --kb NEW_NAME on the server)" if self.server else ""))

    def _collection_name(self) -> str:
        if self.server:
            return f"{self.settings.kb}-chunks"  # beside the knowledge base's other collections
        # one collection per index (a server's collections took this name before knowledge bases)
        name = self.manifest.get_meta("collection")
        if name is None:
            import uuid

            name = f"rag-{uuid.uuid4().hex[:16]}"
            self.manifest.set_meta("collection", name)
        return name

    # ---- other processes ----
    def refresh_if_changed(self) -> bool:
        """Reopen the store if another process changed the index since this one loaded it.

        Cheap when nothing changed (one SQLite read); call it before each search. An embedded
        store otherwise keeps the view of the vectors it loaded first; a server's is always current."""
        if self.server:
            return False
        generation = self.manifest.generation()
        if generation == self._generation or self._write_depth:
            return False  # while this process writes, the changes are its own
        with self._store_lock:
            if self._store is None:
                self._generation = generation  # nothing loaded yet: the first use loads it as it is
            elif generation != self._generation:
                self._open_store()
        return True

    @contextmanager
    def writing(self, command: str, *, finish: bool = True, wait: float | None = None) -> Iterator[int]:
        """Be the index's one writer for a while (waiting for another one first, see rag.writelock).

        Yields how many articles an interrupted writer had left half-written, now rolled back
        to their committed version or finished (`finish=False` leaves them, for `rag doctor`).
        `wait` overrides the write_wait setting. Re-entrant in one thread: an ingest's prune
        removes articles inside the ingest."""
        with self._write_guard:
            if self._write_depth:
                self._write_depth += 1
                try:
                    yield 0
                finally:
                    self._write_depth -= 1
                return
            if wait is None:
                wait = self.settings.write_wait
            with self._write_lock(command, wait):
                self._write_depth = 1
                try:
                    self._catch_up()
                    yield self._finish_interrupted() if finish else 0
                finally:
                    self._write_depth = 0
                    self._generation = self.manifest.generation()

    def _write_lock(self, command: str, wait: float):
        if self.server:
            from rag.server_lock import server_write_lock

            return server_write_lock(self.manifest.meta, self.where, command, wait, self.settings.lock_stale)
        return write_lock(self.folder, command, wait)

    def _catch_up(self) -> None:
        """Writing through a stale view of the store would overwrite what another process wrote."""
        if self.manifest.generation() != self._generation or self.manifest.journal() or \
                self.manifest.all(state="removing") or self.manifest.all(state="pending"):
            with self._store_lock:
                if self._store is not None:
                    self._open_store()

    def _finish_interrupted(self) -> int:
        """Roll back versions never committed, finish drops and removals; committed versions stay."""
        entries = self.manifest.journal()
        self.drop_versions(entries)
        # 'removing': a removal was under way; 'pending': left by a version of this program
        # that deleted the old chunks first, so there is nothing committed to keep
        unfinished = self.manifest.all(state="removing") + self.manifest.all(state="pending")
        for record in unfinished:
            self._drop_article(record.id)
        return len({e.article_id for e in entries} | {r.id for r in unfinished})

    def drop_versions(self, entries: list[JournalEntry]) -> None:
        """Drop these article versions' chunks from the store, then forget them: versions that newer
        ones replaced (after `Manifest.commit`), or that were never committed. An entry naming the
        committed version (a writer on a Chroma server stopped between the commit's steps) is only
        forgotten: the committed version is never dropped."""
        if not entries:
            return
        records = {e.article_id: self.manifest.get(e.article_id) for e in entries}
        kept = [e for e in entries if getattr(records[e.article_id], "version", None) == e.version]
        gone = [e for e in entries if e not in kept]
        if gone:
            self.store.delete([c for e in gone for c in chunk_ids(e.article_id, e.version, e.chunks)])
            self.manifest.discard(gone)
        if kept:
            self.manifest.forget(kept)

    def _drop_article(self, article_id: str) -> None:
        self.store.delete_article(article_id)
        self.manifest.delete(article_id)

    # ---- reading ----
    def articles(self) -> list[ArticleRecord]:
        return self.manifest.all()

    def live(self, chunk_ids: list[str]) -> set[str]:
        """The ids among these that belong to an article's committed version, listed and searchable."""
        return self.manifest.live(chunk_ids)

    def live_with_sentences(self, chunk_ids: list[str], dim: int) -> tuple[set[str], dict]:
        """The live ids among these (`live`) and their sentence vectors; on a server both are asked at once."""
        if not self.server:
            live = self.manifest.live(chunk_ids)
            return live, self.manifest.sentence_vectors([c for c in chunk_ids if c in live], dim)
        if self._fetcher is None:
            from concurrent.futures import ThreadPoolExecutor

            self._fetcher = ThreadPoolExecutor(2, thread_name_prefix="rag-fetch")
        sentences = self._fetcher.submit(self.manifest.sentence_vectors, chunk_ids, dim)
        live = self.manifest.live(chunk_ids)
        return live, {c: v for c, v in sentences.result().items() if c in live}

    def spellings(self) -> "Spellings":
        """How the articles write their words (rag.casing), as the knowledge base stands now (rag.spelling_cache)."""
        if self._spellings is None:
            with self._store_lock:
                if self._spellings is None:
                    self._spellings = self.spelling_cache()
        return self._spellings.current()

    def update_spellings(self) -> None:
        """Bring the articles' spellings up to date now (as the web app starts); where that fails, the question that
        needs them reads them again and says what went wrong."""
        try:
            self.spellings()
        except Exception:
            pass

    def spelling_cache(self) -> "SpellingCache":
        """A new keeper of the articles' spellings, saved beside the index, or for a knowledge base on a server in
        this machine's cache folder."""
        from rag.spelling_cache import SpellingCache

        if self.server:
            key = hashlib.sha256(f"{self.settings.chroma_url} {self.settings.kb}".encode()).hexdigest()[:24]
            path = Path(self.settings.cache_dir) / "spellings" / f"{key}.json"
        else:
            path = self.folder / "spellings.json"
        # the store as it is when read: it is opened at first use, and opened again after another process's change
        return SpellingCache(path, generation=self.manifest.generation, articles=self.articles,
                             sentences=lambda ids: self.store.sentences(ids))

    def stats(self) -> dict:
        articles, chunks = self.manifest.count()
        return {"index": self.settings.kb if self.server else str(self.folder),
                "store": self.settings.chroma_url or "embedded",
                "embedder": self.embedder.spec, "articles": articles, "chunks": chunks}

    def search(self, question: str, k: int | None = None, *, since: str = "", until: str = "",
               lang: str = "") -> list[Passage]:
        """The `k` best passages for the question (rag.retrieval says how they are ranked)."""
        from rag.retrieval import Retriever

        return Retriever(self).search(question, k or self.settings.k, since=since, until=until, lang=lang)

    # ---- writing ----
    def remove(self, article_id: str) -> ArticleRecord:
        """Remove one article and all its vectors."""
        with self.writing("remove"):
            record = self.manifest.get(article_id)
            if record is None or record.state != "done":
                raise RagError(f"no article with id {article_id!r} in {self.where}; 'rag list' shows the ids")
            self.manifest.mark_removing(article_id)  # from here on neither listed nor searchable
            self._drop_article(article_id)
            return record
