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
Then, once the reader has found the passage it would quote (`covered`):
- does that passage speak to what the question asks about? At least MIN_COVERAGE of the
  question's content words must be in it or its title, in either language (word vectors:
  "summit" ~ "top", "signature" ~ "ondertekening"). A near-topic question whose fact is absent
  ("Where will NATO hold its summit in 2024?" finds a passage about F-16 deliveries in 2024)
  leaves most of its words unmatched.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.names import NameMatcher, names_in, same_name
from rag.reader import Reading, numbers_held
from rag.text import content_words, numbers_in
from rag.types import Passage
from rag.vector_cache import cache_for

MIN_SENTENCE = 0.245  # cosine of the best sentence of any passage to the question
MIN_NAMES = 0.5  # share of the question's names that the best-covered passage mentions
MIN_COVERAGE = 0.5  # share of the question's content words in the passage the reader quotes (dev: 0.4-0.5 alike)
SAME_WORD = 0.6  # cosine above which two single words are taken as translations ("signature" ~ "ondertekening")


@dataclass(frozen=True)
class Decision:
    answerable: bool
    reason: str = ""  # why not: "nothing", "off-topic", "names", "numbers", "words"


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


def coverage(question: str, passage: Passage, embedder) -> float:
    """The share of the question's content words that the passage or its title holds, in either language."""
    asked = content_words(question)
    held = content_words(f"{passage.article.title} {passage.text}")
    if not asked or not held:
        return float(not asked)
    vectors = cache_for(embedder).embed(asked + held)
    similar = (vectors[:len(asked)] @ vectors[len(asked):].T).max(axis=1) >= SAME_WORD
    spelled = {same_name(w) for w in held}
    return float(np.mean([s or same_name(w) in spelled for w, s in zip(asked, similar)]))


def covered(question: str, reading: Reading, embedder) -> Decision:
    """Whether the passage the reader would quote from speaks to what `question` asks about."""
    if reading.best is None:
        return Decision(False, "nothing")
    if coverage(question, reading.passages[reading.best.passage], embedder) < MIN_COVERAGE:
        return Decision(False, "words")
    return Decision(True)
