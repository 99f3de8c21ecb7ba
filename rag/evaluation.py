"""Retrieval evaluation: recall@1/3/5 and MRR over a question set, split by question language."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rag.errors import RagError
from rag.types import Passage

KS = (1, 3, 5)


@dataclass
class Question:
    question: str
    lang: str
    source: str  # file name of the article that answers it
    passage: str  # exact text that holds the answer


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question set: {"question", "lang", "source", "passage"} a line."""
    questions = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RagError(f"cannot read question set {path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(Question(record["question"], record["lang"], record["source"], record["passage"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise RagError(f"{path}:{number}: each line needs question, lang, source and passage ({exc})") from None
    if not questions:
        raise RagError(f"question set {path} is empty")
    return questions


def is_gold(passage: Passage, question: Question) -> bool:
    """The passage comes from the answering article and holds the answer text."""
    source = passage.article.source.replace("\\", "/")
    return source.rsplit("/", 1)[-1] == question.source and _squash(question.passage) in _squash(passage.text)


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Scores:
    n: int = 0
    hits: dict[int, int] = field(default_factory=lambda: {k: 0 for k in KS})
    reciprocal_rank: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.reciprocal_rank += 1.0 / rank
            for k in KS:
                self.hits[k] += rank <= k

    def to_dict(self) -> dict:
        n = max(self.n, 1)
        out = {"questions": self.n}
        out.update({f"recall@{k}": round(self.hits[k] / n, 3) for k in KS})
        out["mrr"] = round(self.reciprocal_rank / n, 3)
        return out


def evaluate(search: Callable[[str, int], list[Passage]], questions: list[Question]) -> dict:
    """Scores overall and per question language, each question's gold rank (None: not in the top 5),
    and the misses at 3 for inspection."""
    groups: dict[str, Scores] = {"all": Scores()}
    misses, ranks = [], []
    for q in questions:
        results = search(q.question, max(KS))
        rank = next((p.rank for p in results if is_gold(p, q)), None)
        ranks.append(rank)
        for key in ("all", q.lang):
            groups.setdefault(key, Scores()).add(rank)
        if rank is None or rank > 3:
            misses.append({"question": q.question, "rank": rank,
                           "top": [f"{p.article.source.rsplit('/', 1)[-1]}: {p.text[:60]}" for p in results[:3]]})
    return {"scores": {k: v.to_dict() for k, v in groups.items()}, "ranks": ranks, "misses": misses}


def format_scores(report: dict) -> str:
    rows = [f"{'questions':<10}{'n':>5}" + "".join(f"{f'recall@{k}':>11}" for k in KS) + f"{'MRR':>8}"]
    for key, s in report["scores"].items():
        rows.append(f"{key:<10}{s['questions']:>5}" + "".join(f"{s[f'recall@{k}']:>11.2f}" for k in KS)
                    + f"{s['mrr']:>8.2f}")
    return "\n".join(rows)
