"""Evaluation over a question set, by question language: retrieval (recall@1/3/5, MRR) and, where the
set gives answers, the answers themselves (does the text hold the fact? was an unanswerable question refused?).

A question set is JSON Lines. Answerable questions: {"question", "lang", "source" (the answering
article's file name), "passage" (exact text that holds the answer), optionally "answers" (strings
any one of which a right answer contains; "A & B" needs both) and "wrong" (strings a right answer
never contains)}. Unanswerable ones: {"question", "lang", "answerable": false}, optionally with a
"kind" ("off-topic", "near-topic": the same people and subjects, the fact absent), by which the
refusals are counted too. Either may give a "history": the questions asked before it in a conversation, which are
asked first (a follow-up: "And the Ottawa treaty?" after "When was the NPT signed?").
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from rag.errors import RagError
from rag.types import Answer, Passage

if TYPE_CHECKING:
    from rag.manifest import ArticleRecord

KS = (1, 3, 5)


@dataclass
class Question:
    question: str
    lang: str
    source: str = ""  # file name of the article that answers it ("" when nothing does)
    passage: str = ""  # exact text that holds the answer
    answers: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    answerable: bool = True
    split: str = ""  # "dev" (tuned on), "test" (held out, its failures read) or "blind" (written without the code)
    kind: str = ""  # of an unanswerable question: "off-topic", "near-topic", ...
    history: list[str] = field(default_factory=list)  # the questions asked before it in its conversation, in order
    id: str = ""  # the set's name for it, which a miss carries ("a007"): two questions may share their wording


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
            answerable = record.get("answerable", True) is not False
            questions.append(Question(
                str(record["question"]), str(record["lang"]), str(record["source"]) if answerable else "",
                str(record["passage"]) if answerable else "", [str(a) for a in record.get("answers", [])],
                [str(w) for w in record.get("wrong", [])], answerable, str(record.get("split", "")),
                str(record.get("kind", "")) if not answerable else "", [str(h) for h in record.get("history", [])],
                str(record.get("id", ""))))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"{path}:{number}: each line needs question, lang, and either source and passage "
                           f"or \"answerable\": false ({exc})") from None
    if not questions:
        raise RagError(f"question set {path} is empty")
    return questions


def is_gold(passage: Passage, question: Question, copies: Mapping[str, str] | None = None) -> bool:
    """The passage comes from the answering article, or a near-duplicate copy of it (`copies`: `stories` of the
    articles searched; search shows one copy of a story), and holds the answer text."""
    source = _file_name(passage.article.source)
    same = source == question.source or (copies is not None and source in copies
                                         and copies[source] == copies.get(question.source))
    return same and _squash(question.passage) in _squash(passage.text)


def _file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def stories(articles: Iterable[ArticleRecord]) -> dict[str, str]:
    """Each article's file name to that of the article its near-duplicate group is named by."""
    names = {a.id: _file_name(a.source) for a in articles}
    return {names[a.id]: names.get(a.dup_of or a.id, names[a.id]) for a in articles}


def article_languages(articles: Iterable[ArticleRecord]) -> dict[str, str]:
    """Each article's file name to its language."""
    return {_file_name(a.source): a.lang for a in articles}


def _squash(text: str) -> str:
    return " ".join(text.split())


def is_right(text: str, question: Question) -> bool:
    """The answer holds one of the question's answers (every part of an "A & B" one) and none of its wrong strings."""
    said = _fold(text)
    if any(_fold(w) in said for w in question.wrong):
        return False
    return any(all(_fold(part) in said for part in alias.split(" & ")) for alias in question.answers)


def _fold(text: str) -> str:
    from rag.text import fold

    return " ".join(fold(text).replace("’", "'").split())


@dataclass
class Scores:
    n: int = 0  # answerable questions
    hits: dict[int, int] = field(default_factory=lambda: {k: 0 for k in KS})
    reciprocal_rank: float = 0.0
    with_answers: int = 0  # answerable questions that give answer strings
    right: int = 0
    right_first: int = 0  # right by the answer's first quote alone
    wrongly_refused: int = 0
    unanswerable: int = 0
    refused: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [refused, unanswerable]
    # the check that refused (Answer.refusal) -> [answerable questions, unanswerable ones] it refused
    by_reason: dict[str, list[int]] = field(default_factory=dict)

    def refused_by(self, reason: str, answerable: bool) -> None:
        self.by_reason.setdefault(reason or "?", [0, 0])[0 if answerable else 1] += 1

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.reciprocal_rank += 1.0 / rank
            for k in KS:
                self.hits[k] += rank <= k

    def to_dict(self) -> dict:
        n = max(self.n, 1)
        out: dict = {"questions": self.n}
        out.update({f"recall@{k}": round(self.hits[k] / n, 3) for k in KS})
        out["mrr"] = round(self.reciprocal_rank / n, 3)
        if self.with_answers or self.unanswerable:
            out["answers_right"] = round(self.right / max(self.with_answers, 1), 3)
            out["first_quote_right"] = round(self.right_first / max(self.with_answers, 1), 3)
            out["answerable_refused"] = round(self.wrongly_refused / max(self.with_answers, 1), 3)
            out["unanswerable"] = self.unanswerable
            out["unanswerable_refused"] = round(self.refused / max(self.unanswerable, 1), 3)
            out.update({f"{kind}_refused": {"refused": refused, "questions": n}
                        for kind, (refused, n) in sorted(self.by_kind.items())})
            out["refused_by"] = {reason: {"answerable": a, "unanswerable": u}
                                 for reason, (a, u) in sorted(self.by_reason.items())}
        return out


def evaluate(search: Callable[[str, int], list[Passage]], questions: list[Question],
             ask: Callable[[str, list[str]], "Answer"] | None = None, copies: Mapping[str, str] | None = None,
             languages: Mapping[str, str] | None = None) -> dict:
    """Scores overall and per question language, each answerable question's gold rank (None: not in the top 5)
    and the misses for inspection (of a blind question, neither: its misses are only counted).

    With `ask` (an extractive answer for a question after the questions of its history, its passages retrieved with
    k=5), the
    answers are scored too and the ranks come from the passages each answer was given. With `copies`
    (`stories` of the articles searched), a near-duplicate copy of the answering article counts as it. With
    `languages` (each article's file name to its language), the right answers are counted by the question's
    language and the answering article's as well ("en→nl": an English question a Dutch article answers)."""
    groups: dict[str, Scores] = {"all": Scores()}
    pairs: dict[str, list[int]] = {}  # "en→nl" -> [right, questions]
    misses, ranks = [], []
    for q in questions:
        scores = [groups["all"], groups.setdefault(q.lang, Scores())]
        answer = ask(q.question, q.history) if ask and (q.answers or not q.answerable) else None
        if not q.answerable:
            refused = answer is not None and not answer.citations
            for s in scores:
                s.unanswerable += 1
                s.refused += refused
                if refused:
                    s.refused_by(answer.refusal, answerable=False)
                if q.kind:
                    counts = s.by_kind.setdefault(q.kind, [0, 0])
                    counts[0] += refused
                    counts[1] += 1
            if not refused and answer is not None:
                misses.append(_miss(q, "answered", answer=answer.text[-300:]))
            continue
        results = answer.passages if answer is not None else search(q.question, max(KS))
        # (an answer may add the passage its reader quotes from, ranked past the k it was asked for)
        rank = next((p.rank for p in results if is_gold(p, q, copies) and p.rank <= max(KS)), None)
        if q.split != "blind":
            ranks.append({"question": q.question, "lang": q.lang, "rank": rank})
        for s in scores:
            s.add(rank)
        if answer is not None:
            refused = not answer.citations
            right = not refused and is_right(answer.text, q)  # a refusal's nearest titles are no answer
            right_first = right and is_right(first_quote(answer.text), q)
            if languages and q.source in languages:
                pair = pairs.setdefault(f"{q.lang}→{languages[q.source]}", [0, 0])
                pair[0] += right
                pair[1] += 1
            for s in scores:
                s.with_answers += 1
                s.right += right
                s.right_first += right_first
                s.wrongly_refused += refused
                if refused:
                    s.refused_by(answer.refusal, answerable=True)
            if not right:
                misses.append(_miss(q, "refused" if refused else "wrong", rank=rank, answer=answer.text[-300:]))
        if rank is None or rank > 3:
            misses.append(_miss(q, "retrieval", rank=rank,
                                top=[f"{p.article.source.rsplit('/', 1)[-1]}: {p.text[:60]}" for p in results[:3]]))
    # nobody reads a blind question (written without the code, run once), so its misses are counted, not listed
    return {"scores": {k: v.to_dict() for k, v in groups.items()}, "ranks": ranks,
            "right_by_languages": {pair: {"right": right, "questions": n}
                                   for pair, (right, n) in sorted(pairs.items())},
            "misses": [m for m in misses if m["split"] != "blind"],
            "blind_misses": sum(m["split"] == "blind" for m in misses)}


def first_quote(text: str) -> str:
    """The first quote of an extractive answer (its first `- "..." [n]` line: a sentence, or consecutive ones of an
    article), what a reader meets first; the whole text for an answer written by a model."""
    return next((line for line in text.splitlines() if line.startswith('- "')), text)


def _miss(q: Question, kind: str, **details) -> dict:
    """A question the report lists as missed ("answered", "refused", "wrong", "retrieval"), with what shows why."""
    return {"question": q.question, **({"id": q.id} if q.id else {}), "split": q.split, "kind": kind, **details}


def format_scores(report: dict) -> str:
    answers = any("answers_right" in s for s in report["scores"].values())
    head = f"{'questions':<10}{'n':>5}" + "".join(f"{f'recall@{k}':>11}" for k in KS) + f"{'MRR':>8}"
    if answers:
        head += f"{'right':>8}{'refused':>9}{'unans.':>8}{'refused':>9}"
    rows = [head]
    for key, s in report["scores"].items():
        row = (f"{key:<10}{s['questions']:>5}" + "".join(f"{s[f'recall@{k}']:>11.2f}" for k in KS)
               + f"{s['mrr']:>8.2f}")
        if answers:
            row += (f"{s.get('answers_right', 0):>8.2f}{s.get('answerable_refused', 0):>9.2f}"
                    f"{s.get('unanswerable', 0):>8}{s.get('unanswerable_refused', 0):>9.2f}")
        rows.append(row)
    if answers:
        kinds = [f"{key.removesuffix('_refused')} {value['refused']}/{value['questions']}"
                 for key, value in report["scores"]["all"].items()
                 if key.endswith("_refused") and isinstance(value, dict)]
        if kinds:
            rows.append("unanswerable refused by kind: " + ", ".join(kinds))
        reasons = [f"{reason} {n['answerable']}/{n['unanswerable']}"
                   for reason, n in report["scores"]["all"].get("refused_by", {}).items()]
        if reasons:
            rows.append("refusals by the check that refused (answerable/unanswerable): " + ", ".join(reasons))
        rows.append("right by the first quote alone: " + ", ".join(
            f"{key} {s.get('first_quote_right', 0):.2f}" for key, s in report["scores"].items()))
        pairs = [f"{pair} {n['right']}/{n['questions']}" for pair, n in report.get("right_by_languages", {}).items()]
        if pairs:
            rows.append("right by the question's language → the answering article's: " + ", ".join(pairs))
        rows.append("right: answers holding the fact asked for; refused: answerable questions refused; "
                    "unans.: unanswerable questions, and the share refused")
    return "\n".join(rows)
