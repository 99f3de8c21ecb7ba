"""Build and update the knowledge base from files, incrementally."""
from __future__ import annotations

import hashlib
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from rag.chunking import Chunk, chunk_article
from rag.dates import dates_in
from rag.dedup import NearDuplicateIndex, minhash
from rag.embedders import chunk_vector
from rag.knowledge_base import KnowledgeBase
from rag.loaders import Article, LoadError, find_files, load_file
from rag.manifest import ArticleRecord, chunk_id as chunk_id_of
from rag.names import name_keys
from rag.retrieval import date_bound
from rag.sentences import sentence_bounds

BATCH_CHUNKS = 64  # chunks embedded and written together: bounded memory, the last write is short
# part of every article's version: what a chunk keeps for lookups beside its text (`_lookup_keys`)
KEPT = "names,dates"


@dataclass
class IngestReport:
    """What one ingest did; `errors` name the file (and line) of everything that failed."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    duplicates: int = 0
    repaired: int = 0
    rewritten: int = 0
    chunks: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.skipped} unchanged",
                 f"{self.failed} failed"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.duplicates:
            parts.append(f"{self.duplicates} near-duplicates grouped")
        if self.repaired:
            parts.append(f"{self.repaired} left half-written by an interrupted write, now rolled back "
                         "to their last committed version or finished")
        if self.rewritten:
            parts.append(f"{self.rewritten} chunks the server did not find after their write written again")
        return f"{', '.join(parts)}; {self.chunks} chunks written in {self.seconds:.1f} s"

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "skipped": self.skipped,
                "failed": self.failed, "removed": self.removed, "duplicates": self.duplicates,
                "rewritten": self.rewritten, "chunks": self.chunks, "seconds": round(self.seconds, 2),
                "errors": self.errors}


@dataclass
class _Pending:
    record: ArticleRecord
    signature: np.ndarray
    chunks: list[Chunk]
    is_update: bool


class Ingester:
    """Reads files into the knowledge base in batches; safe to interrupt at any point.

    One batch is written to the store by a writer thread while the next is embedded.
    The manifest is only touched from the calling thread: a batch's new versions are
    journaled before its write starts and committed after it has finished (rag.manifest);
    the whole run holds the index's write lock."""

    def __init__(self, kb: KnowledgeBase, on_progress: Callable[[int, int, IngestReport], None] | None = None):
        self.kb = kb
        self.settings = kb.settings
        self.on_progress = on_progress
        self.report = IngestReport()
        self._batch: list[_Pending] = []
        self._batch_chunks = 0
        self._seen: set[str] = set()
        self._failed_files: set[str] = set()
        self._near_duplicates = NearDuplicateIndex()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-store-writer")
        self._writing: tuple[list[_Pending], Future] | None = None
        self._files = (0, 0)  # (files finished, files found), for progress within a large file

    def run(self, paths: list[Path], prune: bool = False) -> IngestReport:
        with self.kb.writing("ingest") as repaired:
            try:
                self.report.repaired = repaired
                return self._run(paths, prune)
            finally:
                self._writer.shutdown(wait=True)  # before the lock goes

    def _run(self, paths: list[Path], prune: bool) -> IngestReport:
        started = time.perf_counter()
        for article_id, dup_of, signature in self.kb.manifest.signatures():
            self._near_duplicates.add(article_id, dup_of, signature)
        files, errors = find_files(paths)
        self.report.errors.extend(str(e) for e in errors)
        for done, path in enumerate(files, start=1):
            self._files = (done - 1, len(files))
            for item in load_file(path):
                if isinstance(item, LoadError):
                    self.report.errors.append(str(item))
                    self._failed_files.add(str(path))
                else:
                    self._add(item, path)
            self._files = (done, len(files))
            self._progress()
        self._flush()
        self._wait_for_writer()
        if prune:
            self._prune(files)
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _version(self, article: Article) -> str:
        # the chunking settings are part of an article's version: changing them re-chunks it; and so is what a chunk
        # keeps beside its text (KEPT: an article written without its names or dates is written again)
        key = f"{article.content_hash}/{self.settings.chunk_size}/{self.settings.chunk_overlap}/{KEPT}"
        return hashlib.sha1(key.encode()).hexdigest()

    def _add(self, article: Article, path: Path) -> None:
        if article.id in self._seen:
            self.report.errors.append(f"{path}: another article with identity {article.identity} "
                                      "was already read in this ingest; kept the first")
            return
        self._seen.add(article.id)
        if len(self._seen) % 1000 == 0:
            self._progress()  # a long run of unchanged articles in one file
        version = self._version(article)
        old = self.kb.manifest.get(article.id)
        if old is not None and old.hash == version and old.state == "done":
            self.report.skipped += 1
            return
        signature = minhash(article.text)
        dup_of = self._near_duplicates.original_of(signature, exclude=article.id)
        chunks = chunk_article(article.text, article.lang, self.settings.chunk_size, self.settings.chunk_overlap)
        record = ArticleRecord(id=article.id, identity=article.identity, path=str(path), source=article.source,
                               title=article.title, date=article.date, lang=article.lang, hash=version,
                               chunks=len(chunks), dup_of=dup_of, state="pending",
                               version=secrets.token_hex(4))  # new chunk ids: the old ones stay until these are in
        self._batch.append(_Pending(record, signature, chunks, is_update=old is not None))
        self._batch_chunks += len(chunks)
        if old is None:
            self._near_duplicates.add(article.id, dup_of, signature)
        if self._batch_chunks >= BATCH_CHUNKS:
            self._flush()

    def _flush(self) -> None:
        """Embed the batch here while the previous batch is still being written to the store."""
        if not self._batch:
            return
        batch, self._batch, self._batch_chunks = self._batch, [], 0
        # Each sentence is embedded once; a chunk's vector is the normalised mean of its
        # sentences' vectors, and the sentence vectors are kept to score chunks by their
        # best sentence (benchmarks/tune_retrieval.py shows why).
        sentences = list(dict.fromkeys(s for item in batch for chunk in item.chunks for s in chunk.sentences))
        row = {s: i for i, s in enumerate(sentences)}
        sentence_vectors = self.kb.embedder.embed(sentences)
        ids, texts, metadatas, vectors, per_chunk = [], [], [], [], {}
        for item in batch:
            r = item.record
            meta = {"article_id": r.id, "title": r.title, "date": r.date, "lang": r.lang, "source": r.source,
                    "group": r.dup_of or r.id, "date_int": date_bound(r.date, upper=False) if r.date else 0}
            for i, chunk in enumerate(item.chunks):
                chunk_id = chunk_id_of(r.id, r.version, i)
                rows = sentence_vectors[[row[s] for s in chunk.sentences]]
                ids.append(chunk_id)
                texts.append(chunk.text)
                metadatas.append(dict(meta, chunk=i, sentences=sentence_bounds(chunk.text, chunk.sentences),
                                      **_lookup_keys(chunk.text)))
                vectors.append(chunk_vector(rows))
                per_chunk[chunk_id] = rows
        vectors = np.stack(vectors).astype(np.float32)
        self._wait_for_writer()
        self.kb.manifest.begin([(item.record, item.signature) for item in batch], per_chunk)
        self._writing = (batch, self._writer.submit(self.kb.store.add, ids, vectors, texts, metadatas))

    def _wait_for_writer(self) -> None:
        if self._writing is None:
            return
        batch, future = self._writing
        self._writing = None
        self.report.rewritten += future.result()
        replaced = self.kb.manifest.commit([(item.record, item.signature) for item in batch])
        self.kb.drop_versions(replaced)
        for item in batch:
            self.report.updated += item.is_update
            self.report.added += not item.is_update
            self.report.duplicates += bool(item.record.dup_of)
            self.report.chunks += item.record.chunks
        self._progress()

    def _progress(self) -> None:
        if self.on_progress:
            self.on_progress(*self._files, self.report)

    def _prune(self, files: list[Path]) -> None:
        """Drop articles whose file is gone, or no longer holds them (a file that failed keeps its articles)."""
        read = {str(p) for p in files} - self._failed_files
        for record in self.kb.manifest.all():
            gone = not Path(record.path).exists()
            dropped = record.path in read and record.id not in self._seen
            if gone or dropped:
                self.kb.remove(record.id)
                self.report.removed += 1


def _lookup_keys(text: str) -> dict[str, list[str]]:
    """The chunk's names, word by word, and its dates (years, and days of a month: "14/9"), for the lookup of a name
    or a date the question's vector misses (rag.retrieval); none is no field (Chroma takes no empty list)."""
    kept = {"names": name_keys(text), "dates": sorted(dates_in(text))}
    return {field: keys for field, keys in kept.items() if keys}
