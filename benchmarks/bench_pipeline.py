"""Ingest throughput next to the bare embedder, warm search latency at scale, and answer overhead.

    .venv/bin/python benchmarks/bench_pipeline.py [--articles 300] [--chunks 20000]

Prints:
- ingest: chunks/s of `RAG.ingest` on a generated corpus (benchmarks/corpus.py) next to
  the bare embedder's chunks/s on exactly the same chunk texts, and their ratio (goal >= 0.8);
  the pipeline embeds each sentence once, not each chunk (BENCHMARKS.md, section 2, has the
  comparison on sentences and why the generated corpus flatters it);
- search: warm `RAG.search` latency p50/p95 over an index grown to --chunks chunks
  (the ingested chunks plus copies whose vectors are the originals with small noise,
  so the HNSW graph has realistic neighbourhoods without hours of embedding); goal p95 < 30 ms;
- first token: the pipeline's own time to the first streamed token with an Ollama-API
  test server that answers instantly (everything but the model), warm; goal p95 < 100 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from corpus import generate, write_jsonl  # noqa: E402

QUESTIONS = ["Which countries did not sign the 2008 treaty?", "Welke landen hebben het verdrag niet ondertekend?",
             "What did Putin say about cluster munitions?", "Hoeveel was het steunpakket waard?",
             "Where is fighting on the eastern front?", "Waarom is clustermunitie omstreden?"]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def bench_ingest(workdir: Path, n_articles: int, embedder) -> tuple["RAG", dict]:
    from rag.chunking import chunk_article
    from rag.engine import RAG
    from rag.language import detect_language

    records = generate(n_articles)
    feed = write_jsonl(workdir / "corpus.jsonl", records)
    # warm: one-time imports (nltk, chromadb) and model loading are not throughput
    with RAG(workdir / "warm-up", encoder=embedder) as warm:
        warm.ingest(write_jsonl(workdir / "warm.jsonl", generate(5, seed=99)))
    engine = RAG(workdir / "index", encoder=embedder)
    settings = engine.settings

    started = time.perf_counter()
    report = engine.ingest(feed)
    pipeline_s = time.perf_counter() - started
    pieces = [c for r in records
              for c in chunk_article(r["text"], detect_language(r["text"]), settings.chunk_size, settings.chunk_overlap)]
    chunks = [c.text for c in pieces]
    started = time.perf_counter()
    for i in range(0, len(chunks), 256):
        embedder.embed(chunks[i:i + 256])
    bare_s = time.perf_counter() - started
    assert report.chunks == len(chunks), (report.chunks, len(chunks))
    return engine, {"chunks": len(chunks), "pipeline_cps": len(chunks) / pipeline_s, "bare_cps": len(chunks) / bare_s}


def grow(engine, target: int, seed: int = 3) -> int:
    """Add noisy copies of the indexed chunks (and their sentence vectors) until the store holds `target`."""
    store, manifest = engine.kb.store, engine.kb.manifest
    base = store.collection.get(include=["embeddings", "documents", "metadatas"])
    sentence_vectors = manifest.sentence_vectors(base["ids"], engine.kb.embedder.dim)
    vectors = np.asarray(base["embeddings"], dtype=np.float32)
    rng = np.random.default_rng(seed)
    copy = 0
    while store.count() < target:
        n = min(len(vectors), target - store.count(), 4000)
        noisy = vectors[:n] + rng.normal(0, 0.03, size=(n, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        ids = [f"copy{copy}-{i}" for i in range(n)]
        metas = [dict(m, article_id=f"copy{copy}-{m['article_id']}", group=f"copy{copy}-{m['group']}")
                 for m in base["metadatas"][:n]]
        store.add(ids, noisy, base["documents"][:n], metas)
        with manifest.lock, manifest.db:
            manifest.db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?,?,?)",
                                    [(cid, m["article_id"], sentence_vectors[orig].astype(np.float16).tobytes())
                                     for cid, m, orig in zip(ids, metas, base["ids"][:n])])
        copy += 1
    return store.count()


def bench_search(engine, rounds: int = 300) -> dict:
    for q in QUESTIONS:
        engine.search(q)
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        engine.search(QUESTIONS[i % len(QUESTIONS)] + f" ({i})")
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95)}


def bench_first_token(engine, rounds: int = 100) -> dict:
    from ollama_server import OllamaTestServer

    from rag.engine import RAG

    with OllamaTestServer(models=("bench",), responder=lambda body: "Answer [1].") as server:
        answering = RAG(engine.settings.index, encoder=engine.kb.embedder, ollama_host=server.url, model="bench")
        for q in QUESTIONS:
            answering.ask(q)
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            stream = answering.stream(QUESTIONS[i % len(QUESTIONS)] + f" ({i})")
            next(stream)
            times.append((time.perf_counter() - started) * 1000)
            for _ in stream:
                pass
        answering.close()
    return {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300, help="generated articles to ingest")
    parser.add_argument("--chunks", type=int, default=20000, help="index size for the latency figures")
    args = parser.parse_args()
    from rag.config import load_settings
    from rag.embedders import get_embedder

    settings = load_settings()
    embedder = get_embedder(settings.embedder, settings.cache_dir)
    with tempfile.TemporaryDirectory() as tmp:
        engine, ingest = bench_ingest(Path(tmp), args.articles, embedder)
        print(f"ingest      {ingest['chunks']} chunks: pipeline {ingest['pipeline_cps']:.1f} chunks/s, bare embedder "
              f"on the chunk texts {ingest['bare_cps']:.1f} chunks/s, ratio {ingest['pipeline_cps'] / ingest['bare_cps']:.2f} "
              f"(goal >= 0.80)")
        size = grow(engine, args.chunks)
        search = bench_search(engine)
        print(f"search      {size} chunks, warm: p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms "
              f"(goal p95 < 30 ms)")
        first = bench_first_token(engine)
        print(f"first token {size} chunks, instant test server, warm: p50 {first['p50_ms']:.1f} ms, "
              f"p95 {first['p95_ms']:.1f} ms (goal p95 < 100 ms)")
        engine.close()


if __name__ == "__main__":
    main()
