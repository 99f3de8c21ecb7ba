"""The knowledge base: the article manifest, the vector store and the embedder that built it."""
from __future__ import annotations

from pathlib import Path

from rag.config import Settings
from rag.embedders import Embedder, get_embedder
from rag.errors import EmbedderMismatch, RagError
from rag.manifest import ArticleRecord, Manifest
from rag.numbers import numbers_in
from rag.types import ArticleMeta, Passage


CANDIDATES = 24  # chunks fetched from the store before rescoring by best sentence
NUMBER_BONUS = 0.05  # for a chunk holding every number of the question (years, amounts)


def index_exists(folder: Path) -> bool:
    return (folder / "manifest.sqlite").is_file()


class KnowledgeBase:
    """An index folder opened for reading (and, with `create=True`, for building)."""

    def __init__(self, settings: Settings, *, create: bool = False, embedder: Embedder | None = None):
        self.settings = settings
        self.folder = Path(settings.index)
        if not create and not index_exists(self.folder):
            raise RagError(f"no index at {self.folder}. Build it first: "
                           f"rag ingest index/articles --index {self.folder}")
        self.manifest = Manifest(self.folder)
        self.embedder = embedder or get_embedder(settings.embedder, settings.cache_dir)
        self._check_embedder()
        from rag.store import ChunkStore

        self.store = ChunkStore(self.folder, settings.chroma_url, self._collection_name())

    def close(self) -> None:
        self.manifest.close()

    def _check_embedder(self) -> None:
        built_with = self.manifest.get_meta("embedder")
        if built_with is None:
            self.manifest.set_meta("embedder", self.embedder.spec)
        elif built_with != self.embedder.spec:
            raise EmbedderMismatch(
                f"the index at {self.folder} was built with embedder {built_with!r}, not "
                f"{self.embedder.spec!r}. Use --embedder {built_with}, or build a new index with "
                f"this embedder: rag ingest PATH --index NEW_FOLDER --embedder {self.embedder.spec}")

    def _collection_name(self) -> str:
        # one collection per index, so several indexes can share one Chroma server
        name = self.manifest.get_meta("collection")
        if name is None:
            import uuid

            name = f"rag-{uuid.uuid4().hex[:16]}"
            self.manifest.set_meta("collection", name)
        return name

    def repair(self) -> int:
        """Finish what an interrupted ingest left: drop chunks of articles not committed."""
        pending = self.manifest.all(state="pending")
        for record in pending:
            self.store.delete_article(record.id)
            self.manifest.delete(record.id)
        return len(pending)

    # ---- reading ----
    def articles(self) -> list[ArticleRecord]:
        return self.manifest.all()

    def stats(self) -> dict:
        articles, chunks = self.manifest.count()
        return {"index": str(self.folder), "store": self.settings.chroma_url or "embedded",
                "embedder": self.embedder.spec, "articles": articles, "chunks": chunks}

    def search(self, question: str, k: int | None = None, *, since: str = "", until: str = "",
               lang: str = "") -> list[Passage]:
        """The `k` best chunks for the question, at most one article per near-duplicate group.

        Candidates come from the store by the chunk vector; each is then scored by the mean
        of its own cosine and its best sentence's cosine to the question."""
        k = k or self.settings.k
        vector = self.embedder.embed([question])[0]
        hits = self.store.query(vector, n=max(CANDIDATES, 3 * k + 5), where=_where(since, until, lang))
        sentences = self.manifest.sentence_vectors([h[0] for h in hits], len(vector))
        numbers = numbers_in(question)
        rescored = []
        for chunk_id, text, meta, chunk_score in hits:
            rows = sentences.get(chunk_id)
            best = float((rows @ vector).max()) if rows is not None and len(rows) else chunk_score
            # the encoder hardly tells 1997 from 2008; numbers read the same in every language
            bonus = NUMBER_BONUS if numbers and numbers <= numbers_in(text) else 0.0
            rescored.append((chunk_id, text, meta, (chunk_score + best) / 2 + bonus))
        rescored.sort(key=lambda hit: -hit[3])
        passages: list[Passage] = []
        group_owner: dict[str, str] = {}
        for chunk_id, text, meta, score in rescored:
            owner = group_owner.setdefault(meta["group"], meta["article_id"])
            if owner != meta["article_id"]:
                continue  # another copy of a story already in the results
            passages.append(Passage(rank=len(passages) + 1, score=float(score), text=text,
                                    article=article_meta(meta), chunk_id=chunk_id))
            if len(passages) == k:
                break
        return passages

    # ---- writing ----
    def remove(self, article_id: str) -> ArticleRecord:
        """Remove one article and all its vectors."""
        record = self.manifest.get(article_id)
        if record is None:
            raise RagError(f"no article with id {article_id!r} in {self.folder}; 'rag list' shows the ids")
        self.manifest.mark_pending(article_id)
        self.store.delete_article(article_id)
        self.manifest.delete(article_id)
        return record


def article_meta(meta: dict) -> ArticleMeta:
    return ArticleMeta(id=meta["article_id"], title=meta["title"], date=meta["date"], lang=meta["lang"],
                       source=meta["source"])


def date_bound(value: str, upper: bool) -> int:
    """'2023', '2023-07' or '2023-07-14' as a comparable YYYYMMDD number."""
    parts = value.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if not 1 <= len(numbers) <= 3:
            raise ValueError
    except ValueError:
        raise RagError(f"not a date: {value!r}; use YYYY, YYYY-MM or YYYY-MM-DD") from None
    year, month, day = (numbers + [99 if upper else 0] * 2)[:3]
    return year * 10000 + month * 100 + day


def _where(since: str, until: str, lang: str) -> dict | None:
    clauses = []
    if since:
        clauses.append({"date_int": {"$gte": date_bound(since, upper=False)}})
    if until:
        clauses.append({"date_int": {"$lte": date_bound(until, upper=True)}})
        if not since:  # undated articles (date_int 0) are outside every date range
            clauses.append({"date_int": {"$gt": 0}})
    if lang:
        clauses.append({"lang": lang})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
