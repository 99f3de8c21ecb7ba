"""How the retrieval recipe was chosen: recall@3 and MRR for chunk sizes and scoring variants.

    .venv/bin/python benchmarks/tune_retrieval.py [QUESTIONS.jsonl ARTICLES_DIR]

Brute-force cosine over the whole corpus (no store), so each variant takes seconds.
Variants, for several chunk sizes and overlaps: the chunk's own vector ("chunk"), its best
sentence ("sentence"), their sum ("chunk+sentence"), the chunk plus its whole article
("chunk+article"), and a chunk vector made as the normalised mean of its sentence vectors
("mean", "mean+sentence": what the index stores, as it embeds each sentence once).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from rag.chunking import chunk_article
    from rag.config import load_settings
    from rag.embedders import get_embedder
    from rag.evaluation import load_questions
    from rag.loaders import find_files, load_file

    questions_path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "index" / "questions.jsonl"
    articles_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "index" / "articles"
    settings = load_settings()
    embedder = get_embedder(settings.embedder, settings.cache_dir)
    files, _ = find_files([articles_dir])
    articles = [(f.name, a) for f in files for a in load_file(f) if not hasattr(a, "message")]
    questions = load_questions(questions_path)
    qv = embedder.embed([q.question for q in questions])
    article_sim = dict(zip([name for name, _ in articles], (qv @ embedder.embed([a.text for _, a in articles]).T).T))

    print(f"{len(articles)} articles, {len(questions)} questions")
    print(f"{'size':>5}{'overlap':>8}  {'variant':<16}{'chunks':>7}{'R@3 all':>9}{'R@3 en':>8}{'R@3 nl':>8}{'MRR':>7}")
    for size, overlap in [(128, 24), (192, 32), (256, 32), (384, 48), (512, 64)]:
        pieces = [(name, c) for name, a in articles for c in chunk_article(a.text, a.lang, size, overlap)]
        chunks = [(name, c.text) for name, c in pieces]
        cv = embedder.embed([c for _, c in chunks])
        sentences, owner = [], []
        for i, (_, c) in enumerate(pieces):
            sentences += c.sentences
            owner += [i] * len(c.sentences)
        sv = embedder.embed(sentences)
        owner = np.array(owner)
        chunk_sim = qv @ cv.T
        sent_sim = qv @ sv.T
        best_sentence = np.full_like(chunk_sim, -1.0)
        for i in range(len(chunks)):
            best_sentence[:, i] = sent_sim[:, owner == i].max(axis=1)
        mean = np.stack([sv[owner == i].mean(axis=0) for i in range(len(chunks))])
        mean /= np.linalg.norm(mean, axis=1, keepdims=True)
        mean_sim = qv @ mean.T
        whole = np.stack([article_sim[name] for name, _ in chunks], axis=1)
        for variant, scores in [("chunk", chunk_sim), ("sentence", best_sentence),
                                ("chunk+sentence", chunk_sim + best_sentence),
                                ("chunk+article", chunk_sim + whole),
                                ("mean", mean_sim), ("mean+sentence", mean_sim + best_sentence)]:
            ranks = []
            for qi, q in enumerate(questions):
                order = np.argsort(-scores[qi])
                gold = [r + 1 for r, ci in enumerate(order)
                        if chunks[ci][0] == q.source and " ".join(q.passage.split()) in " ".join(chunks[ci][1].split())]
                ranks.append(gold[0] if gold else None)

            def recall(lang: str | None) -> float:
                sel = [r for r, q in zip(ranks, questions) if lang is None or q.lang == lang]
                return sum(r is not None and r <= 3 for r in sel) / len(sel)

            mrr = sum(1 / r for r in ranks if r) / len(ranks)
            print(f"{size:>5}{overlap:>8}  {variant:<16}{len(chunks):>7}{recall(None):>9.2f}{recall('en'):>8.2f}"
                  f"{recall('nl'):>8.2f}{mrr:>7.2f}")


if __name__ == "__main__":
    main()
