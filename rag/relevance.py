"""Do the passages answer the question? The decision to refuse, made before any model is asked.

A raw retrieval score cannot tell "the articles are about this, but not this fact" from an
answer, and a bonus can lift it over any cut-off, so the decision asks three questions of the
retrieved passages, each calibrated on the answerable and unanswerable questions of the dev
half of index/answers.jsonl (README, "Refusals"):
- is any sentence close to the question at all? (off-topic questions stay under MIN_SENTENCE);
- does some passage mention the names the question gives, in either language? ("Who painted
  the Night Watch?" finds passages about other people);
- does some passage (or its date) hold every number of the question? ("in 2024" when no
  article mentions 2024).
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.names import NameMatcher, names_in
from rag.reader import numbers_held
from rag.text import numbers_in
from rag.types import Passage

MIN_SENTENCE = 0.245  # cosine of the best sentence of any passage to the question
MIN_NAMES = 0.5  # share of the question's names that the best-covered passage mentions


@dataclass(frozen=True)
class Decision:
    answerable: bool
    reason: str = ""  # why not: "nothing", "off-topic", "names", "numbers"


def decide(question: str, passages: list[Passage], embedder) -> Decision:
    """Whether to answer `question` from `passages` (a follow-up's topic included in `question`)."""
    if not passages:
        return Decision(False, "nothing")
    if max(p.best_sentence for p in passages) < MIN_SENTENCE:
        return Decision(False, "off-topic")
    asked = names_in(question)
    if asked and max(NameMatcher(embedder).coverage(asked, [p.text for p in passages])) < MIN_NAMES:
        return Decision(False, "names")
    numbers = numbers_in(question)
    if numbers and not any(numbers <= numbers_held(p) for p in passages):
        return Decision(False, "numbers")
    return Decision(True)
