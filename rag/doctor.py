"""`rag doctor`: check each part the answers depend on, and say what to do about each problem."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from rag.embedders import chunk_vector
from rag.errors import RagError
from rag.manifest import chunk_ids
from rag.writelock import IndexBusy

if TYPE_CHECKING:
    from rag.backends import ChatModel
    from rag.knowledge_base import KnowledgeBase

SERVER_NAMES = {"ollama": "Ollama", "openai": "OpenAI-compatible"}
SAMPLE = 2000  # chunks the quick check reads back from the store (all of a smaller index)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def run_checks(open_kb: Callable[[], "KnowledgeBase"], llm: "ChatModel", deep: bool = False,
               repair: bool = False) -> list[Check]:
    """Every check, in the order they are shown; `open_kb` opens the index (raising RagError when
    there is none); `deep` and `repair` as in `RAG.doctor`."""
    checks: list[Check] = []
    try:
        kb = open_kb()
        checks += index_checks(kb, deep, repair)
        vector = kb.embedder.embed(["doctor"])
        checks.append(Check("embedder", True, f"{kb.embedder.spec} loads, {vector.shape[1]} dimensions"))
    except RagError as exc:
        checks.append(Check("index", False, str(exc)))
    checks += model_checks(llm)
    return checks


def model_checks(llm: "ChatModel") -> list[Check]:
    """The model server (the check named by its backend: "ollama", "openai") and the model on it;
    a llama-index LLM handed to the engine is not called here (it may be a paid API)."""
    backend = llm.kind
    if backend == "llama-index":
        return [Check("model", True, f"{llm.host} (model {llm.model}) writes the answers; it is not called "
                                     "here, so the first answer shows whether it works")]
    try:
        models = llm.models()
    except RagError as exc:
        return [Check(backend, False, f"{exc}. Until then answers are extractive")]
    none = "none pulled yet" if backend == "ollama" else "none served"
    checks = [Check(backend, True, f"{SERVER_NAMES[backend]} server at {llm.host} answers; models: "
                                   f"{', '.join(models) or none}")]
    try:
        llm.check()
    except RagError as exc:
        return checks + [Check("model", False, f"{exc}. Until then answers are extractive")]
    window = f"context window sent: num_ctx {llm.settings.num_ctx}" if backend == "ollama" else \
        "its context window is the server's setting"
    return checks + [Check("model", True, f"{llm.model} is available ({window})")]


@dataclass
class Scan:
    """Every chunk the index counts, checked against the store and the rows beside it."""

    articles: dict[str, str]  # chunk id -> article id, of every listed article's chunks
    missing: list[str] = field(default_factory=list)  # counted, not in the store
    unreadable: list[str] = field(default_factory=list)  # in the store, its vector cannot be read
    unfindable: list[str] = field(default_factory=list)  # stored, but not found by a search
    orphans: list[str] = field(default_factory=list)  # in the store, of no article
    rows_missing: list[str] = field(default_factory=list)  # no sentence vectors
    rows_orphan: list[str] = field(default_factory=list)  # sentence vectors of no chunk
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def problems(self) -> list[str]:
        found = [(self.unreadable, "are counted but their vectors cannot be read back from the store, so search "
                                   "never finds them"),
                 (self.unfindable, "are stored but not found by a search"),
                 (self.missing, "are counted in the manifest but missing from the store"),
                 (self.orphans, "are in the store but belong to no article"),
                 (self.rows_missing, "lack their sentence vectors"),
                 (self.rows_orphan, "have sentence vectors but no article")]
        return [f"{len(ids)} chunks {what} (e.g. {', '.join(ids[:3])})" for ids, what in found if ids]


def index_checks(kb: "KnowledgeBase", deep: bool, repair: bool) -> list[Check]:
    """The index folder, and whether every chunk it counts can be read and found."""
    stats = kb.stats()
    head = (f"{kb.where[0].upper()}{kb.where[1:]}" + ("" if kb.server else f" ({stats['store']} store)")
            + f": {stats['articles']} articles, {stats['chunks']} chunks, "
            f"built with embedder {stats['embedder']!r}")
    if not stats["articles"]:
        head += f"; add articles with: rag ingest PATH {kb.flags}"
    fix = f"rag doctor --repair {kb.flags}"
    try:
        with kb.writing("repair" if repair else "doctor", finish=repair, wait=None if repair else 0) as finished:
            done = [f"{finished} half-written articles rolled back or finished"] if finished else []
            if repair:
                done += _repair(kb)
            problems = _interrupted(kb) or _count_problems(kb)
            if deep:
                scan = _scan(kb)
                problems += scan.problems()
                problems += _lost_articles(kb, scan)
            elif not problems:
                problems = _sample_problems(kb)
    except IndexBusy as exc:  # another process is writing: its counts are not final yet
        return [Check("index", True, f"{head}; chunks not checked: {exc}")]
    checks = [Check("index", bool(stats["articles"]), head)]
    if done:
        checks.append(Check("repair", True, "; ".join(done)))
    how = "every chunk read back and returned by a search" if deep else "counts agree, a sample read back"
    if problems:
        advice = "" if repair else f". Fix: {fix}" + ("" if deep else " (rag doctor --deep lists them first)")
        checks.append(Check("chunks", False, "; ".join(problems) + advice))
    else:
        checks.append(Check("chunks", True, f"{how}: store, manifest and sentence vectors agree"))
    return checks


def _interrupted(kb: "KnowledgeBase") -> list[str]:
    left = {e.article_id for e in kb.manifest.journal()}
    left |= {r.id for r in kb.manifest.all(state="removing") + kb.manifest.all(state="pending")}
    if not left:
        return []
    return [f"{len(left)} articles were left half-written by an interrupted write (their committed versions are "
            "intact and searchable); the next write finishes that"]


def _count_problems(kb: "KnowledgeBase") -> list[str]:
    counts = kb.manifest.counts()
    have = {"store": kb.store.count(), "sentence vectors": counts["sentence_vectors"]}
    wrong = {name: n for name, n in have.items() if n != counts["chunks"]}
    if not wrong:
        return []
    return [f"the manifest counts {counts['chunks']} chunks, but there are " +
            ", ".join(f"{n} in the {name}" for name, n in wrong.items())]


def _sample_problems(kb: "KnowledgeBase") -> list[str]:
    chunks = [c for r in kb.manifest.all() for c in chunk_ids(r.id, r.version, r.chunks)]
    sample = random.sample(chunks, min(SAMPLE, len(chunks)))
    vectors, unreadable = kb.store.vectors(sample)
    missing = [c for c in sample if c not in vectors and c not in unreadable]
    if not (unreadable or missing):
        return []
    return [f"{len(unreadable) + len(missing)} of {len(sample)} chunks read back from the store cannot be read "
            f"(e.g. {', '.join((unreadable + missing)[:3])})"]


def _scan(kb: "KnowledgeBase") -> Scan:
    """Read every chunk back (slow on a large index: about a minute per 100,000 chunks)."""
    articles = {c: r.id for r in kb.manifest.all() for c in chunk_ids(r.id, r.version, r.chunks)}
    in_flight = {c for e in kb.manifest.journal() for c in chunk_ids(e.article_id, e.version, e.chunks)}
    in_flight |= {c for r in kb.manifest.all(state="removing") + kb.manifest.all(state="pending")
                  for c in chunk_ids(r.id, r.version, r.chunks)}
    stored = kb.store.ids()
    in_store = set(stored)
    scan = Scan(articles, missing=[c for c in articles if c not in in_store],
                orphans=[c for c in stored if c not in articles and c not in in_flight])
    scan.vectors, scan.unreadable = kb.store.vectors([c for c in stored if c in articles])
    if scan.vectors:
        scan.unfindable = kb.store.unfindable(list(scan.vectors), next(iter(scan.vectors.values())))
    with_vectors = kb.manifest.chunk_rows()
    scan.rows_missing = [c for c in articles if c not in with_vectors]
    scan.rows_orphan = sorted(with_vectors - set(articles) - in_flight)
    return scan


def _lost_articles(kb: "KnowledgeBase", scan: Scan) -> list[str]:
    """Chunks only the articles' files can give back: say which files to ingest again."""
    lost = {scan.articles[c] for c in scan.missing + scan.rows_missing}
    if not lost:
        return []
    paths = sorted({r.path for r in kb.manifest.all() if r.id in lost})
    return [f"{len(lost)} articles need their files ingested again: rag ingest {' '.join(paths[:20])}"
            f"{' ...' if len(paths) > 20 else ''} {kb.flags}"]


def _repair(kb: "KnowledgeBase") -> list[str]:
    """Fix what a scan finds; returns what was done. Chunks missing from the store are left to
    `rag ingest`, which writes their articles again (they are marked for it here)."""
    scan = _scan(kb)
    done = []
    if scan.unreadable:
        rebuilt = kb.manifest.sentence_vectors(scan.unreadable, kb.embedder.dim)
        vectors = [chunk_vector(rebuilt[c]) for c in scan.unreadable if c in rebuilt]
        if vectors:
            kb.store.restore([c for c in scan.unreadable if c in rebuilt], np.stack(vectors))
        scan.missing += [c for c in scan.unreadable if c not in rebuilt]
        done.append(f"{len(vectors)} unreadable chunk vectors rebuilt from their sentence vectors")
    if scan.unfindable:
        kb.store.restore(scan.unfindable, np.stack([scan.vectors[c] for c in scan.unfindable]))
        done.append(f"{len(scan.unfindable)} chunks not found by a search written again")
    if scan.orphans:
        kb.store.delete(scan.orphans)
        done.append(f"{len(scan.orphans)} chunks of no article deleted from the store")
    if scan.rows_orphan:
        kb.manifest.drop_rows(scan.rows_orphan)
        done.append(f"{len(scan.rows_orphan)} rows of no chunk deleted beside the store")
    lost = sorted({scan.articles[c] for c in scan.missing + scan.rows_missing})
    if lost:
        kb.manifest.expire(lost)
        done.append(f"{len(lost)} articles marked to be written again by the next 'rag ingest' of their files")
    return done
