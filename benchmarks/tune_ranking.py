"""How retrieval weighs its signals: a pairwise ranking fitted on the dev half of a question set.

    .venv/bin/python benchmarks/tune_ranking.py [--questions index/answers.jsonl] [--c 1.0]

Every answerable question's candidates (rag.retrieval.Retriever.candidates: chunk cosine, best
sentence cosine, names, numbers, same language, stemmed-word overlap) are labelled by whether they
hold the answer. A logistic regression on the differences of right and wrong candidates of a
question learns the weights; they are printed scaled so that the chunk cosine's is 0.5
(rag.retrieval.Weights), with recall@1 and MRR per split and language, for the current weights
and the fitted ones. Only the dev split is fitted on; the test split shows whether it carries
over. The language's and the words' weights are held in rag.retrieval, not taken from the fit.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import astuple, fields
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.engine import RAG  # noqa: E402
from rag.evaluation import is_gold, load_questions, stories  # noqa: E402
from rag.retrieval import CANDIDATES, Retriever, Weights, article_meta  # noqa: E402
from rag.types import Passage  # noqa: E402

SIGNALS = [f.name for f in fields(Weights)]  # chunk, sentence, names, numbers, same_language, overlap


def candidate_table(engine: RAG, questions) -> list[tuple]:
    """Per answerable question: (split, lang, question, its candidates, their signals, gold per candidate)."""
    retriever = Retriever(engine.kb)
    copies = stories(engine.kb.articles())
    table = []
    for q in questions:
        if not q.answerable:
            continue
        vector = engine.kb.embedder.embed([q.question])[0]
        found = retriever.candidates(q.question, vector, CANDIDATES)
        x = np.array([[c.cosine, c.sentence, c.names, c.numbers, float(c.same_language), c.overlap] for c in found])
        gold = np.array([is_gold(Passage(rank=0, score=0.0, text=c.text, article=article_meta(c.meta)), q, copies)
                         for c in found])
        table.append((q.split, q.lang, q, found, x, gold))
    return table


def ranks(engine: RAG, table, w: np.ndarray, split: str) -> dict[str, list[int | None]]:
    """The gold passage's rank in the top 5 (None: not there) per question language, ranked as search ranks."""
    retriever = Retriever(engine.kb, Weights(*w))
    out: dict[str, list[int | None]] = {}
    for s, lang, _, found, _, gold in table:
        if s == split:
            golden = {c.chunk_id for c, g in zip(found, gold) if g}  # the candidates' gold, as the table holds it
            shown = retriever.rank(found, 5)
            out.setdefault(lang, []).append(next((p.rank for p in shown if p.chunk_id in golden), None))
    return out


def fit(table, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    pairs, labels = [], []
    for split, _, _, _, x, gold in table:
        if split != "dev":
            continue
        for right in x[gold]:
            for wrong in x[~gold]:
                pairs += [right - wrong, wrong - right]
                labels += [1, 0]
    w = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(np.array(pairs), labels).coef_[0]
    return 0.5 * w / w[0]


def report(engine: RAG, table, w: np.ndarray) -> str:
    cells = []
    for split in ("dev", "test"):
        for lang, found in sorted(ranks(engine, table, w, split).items()):
            r1 = np.mean([r == 1 for r in found])
            mrr = np.mean([1 / r if r else 0.0 for r in found])
            cells.append(f"{split} {lang}: recall@1 {r1:.2f} MRR {mrr:.2f}")
    return "; ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=ROOT / "index" / "answers.jsonl")
    parser.add_argument("--articles", type=Path, default=ROOT / "index" / "articles")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = RAG(folder)
        engine.ingest(args.articles)
        # a follow-up is searched with its conversation's topic, which a table of single questions lacks
        table = candidate_table(engine, [q for q in load_questions(args.questions) if not q.history])
        learned = fit(table, args.c)
        print(f"current weights: {report(engine, table, np.array(astuple(Weights())))}")
        print(f"fitted on dev:   {report(engine, table, learned)}")
        print("fitted weights: " + ", ".join(f"{n} {v:+.3f}" for n, v in zip(SIGNALS, learned)))


if __name__ == "__main__":
    main()
