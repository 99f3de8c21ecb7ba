"""Answer quality without a model: the figures of `rag eval`, per split, and the reader's weights fitted.

    .venv/bin/python benchmarks/tune_answers.py                 # figures for dev and test
    .venv/bin/python benchmarks/tune_answers.py --fit           # also fit ReaderWeights on dev

The extractive reader (rag/reader.py) scores each sentence of the retrieved passages as its
cosine to the question plus weighted signals. `--fit` learns those weights on the dev half of
index/answers.jsonl only: a softmax over each question's candidate sentences, trained to put
its weight on the sentences (read with the one before) that hold a right answer. It prints the
learned weights (scaled so the cosine's is 1) and the share of questions whose best sentence
is right, on dev and on the held-out test half, for the learned and the current weights.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answering import READ_PASSAGES  # noqa: E402
from rag.engine import RAG  # noqa: E402
from rag.evaluation import format_scores, is_right, load_questions  # noqa: E402
from rag.language import short_text_language  # noqa: E402
from rag.reader import Reader, ReaderWeights  # noqa: E402

SIGNALS = [f.name for f in fields(ReaderWeights)]


def sentence_table(engine: RAG, questions) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Per answerable question: (split, [cosine, *signals] per sentence, right per sentence)."""
    reader = Reader(engine.kb.embedder)
    table = []
    for q in questions:
        if not q.answerable or not q.answers:
            continue
        passages = engine.search(q.question, READ_PASSAGES)  # as many as an answer's reader reads
        reading = reader.read(q.question, passages, lang=short_text_language(q.question))
        kept = [s for s in reading.sentences if not s.about_other]  # the reader never quotes the others
        rows = [[s.cosine, *(s.signals[name] for name in SIGNALS)] for s in kept]
        right = [is_right(s.shown, q) for s in kept]
        if rows:
            table.append((q.split, np.array(rows), np.array(right, dtype=float)))
    return table


def fit(table, l2: float = 0.01, steps: int = 2000, rate: float = 0.5) -> np.ndarray:
    """Weights of a softmax over each question's sentences that favours the right ones."""
    w = np.zeros(table[0][1].shape[1])
    for _ in range(steps):
        grad = np.zeros_like(w)
        for _, x, y in table:
            if not y.any():
                continue
            z = x @ w
            p = np.exp(z - z.max())
            grad += x.T @ (p / p.sum() - y / y.sum())
        w -= rate * (grad / len(table) + l2 * w)
    return w


def best_is_right(table, w: np.ndarray) -> float:
    return float(np.mean([y[int(np.argmax(x @ w))] for _, x, y in table])) if table else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=ROOT / "index" / "answers.jsonl")
    parser.add_argument("--articles", type=Path, default=ROOT / "index" / "articles")
    parser.add_argument("--fit", action="store_true", help="fit the reader's weights on the dev split")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = RAG(folder)
        engine.ingest(args.articles)
        for split in ("dev", "test"):
            print(f"\n{split}:\n{format_scores(engine.evaluate(args.questions, split=split))}")
        if not args.fit:
            return
        # a follow-up's sentences are read with its conversation's topic, which a table of single questions lacks
        table = sentence_table(engine, [q for q in load_questions(args.questions) if not q.history])
        dev = [row for row in table if row[0] == "dev"]
        test = [row for row in table if row[0] == "test"]
        learned = fit(dev)
        learned = learned / learned[0]
        current = np.array([1.0, *(getattr(ReaderWeights(), name) for name in SIGNALS)])
        print("\nbest sentence right   dev    test")
        print(f"current weights     {best_is_right(dev, current):5.2f}  {best_is_right(test, current):5.2f}")
        print(f"learned on dev      {best_is_right(dev, learned):5.2f}  {best_is_right(test, learned):5.2f}")
        print("\nlearned weights (cosine = 1): " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(SIGNALS, learned[1:])))


if __name__ == "__main__":
    main()
