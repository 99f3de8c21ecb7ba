"""Extractive answers: the passage sentences closest to the question, quoted with citations, no model."""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from rag.numbers import numbers_in
from rag.sentences import split_sentences
from rag.types import Citation, Passage

PASSAGE_WEIGHT = 0.5  # a sentence inherits half its passage's retrieval score (which weighs numbers and context)
PER_PASSAGE = 2
NEAR_DUPLICATE = 0.95
MIN_WORDS = 3  # shorter "sentences" are mostly datelines and headings
# Sentence encoders barely see negation: to USE, "100 countries signed the treaty" is closer to
# "Which countries did not sign the treaty?" than "The US and Russia did not sign it" is.
NEGATION_BONUS = 0.15
# Words of exclusion count as negation: "staan buiten het verdrag" answers "did not sign".
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|nobody|nothing|without|outside|\w+n['’]t|niet|geen|"
                       r"nooit|niemand|niets|noch|zonder|buiten|ontbreken)\b", re.IGNORECASE)
NUMBER_BONUS = 0.15  # rag.numbers says why


def extractive_answer(question: str, passages: list[Passage], embed: Callable[[list[str]], np.ndarray], *,
                      max_sentences: int = 3, lang: str = "en") -> tuple[str, list[Citation]]:
    """Quote the sentences most similar to the question: (lines `- "sentence" [n]`, citations).

    A sentence scores its cosine to the question, plus PASSAGE_WEIGHT * its passage's retrieval score,
    plus NEGATION_BONUS when both the question and the sentence hold a negation ("not", "niet", ...),
    plus NUMBER_BONUS when the sentence's passage holds every number of the question.
    The best `max_sentences` are taken, at most PER_PASSAGE from one passage and none nearly
    identical (cosine > NEAR_DUPLICATE) to one already taken; passages are numbered in order of
    first use. `lang` (the question's language) is unused: the caller adds the label.
    """
    candidates: list[tuple[int, str]] = []  # (passage index, sentence)
    for i, p in enumerate(passages):
        sentences = split_sentences(p.text, p.article.lang)
        sentences = [s for s in sentences if len(s.split()) >= MIN_WORDS] or sentences
        candidates.extend((i, s) for s in sentences)
    if not candidates:
        return "", []
    vectors = np.asarray(embed([question] + [s for _, s in candidates]), dtype=np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    q, sv = vectors[0], vectors[1:]
    scores = sv @ q + PASSAGE_WEIGHT * np.array([passages[i].score for i, _ in candidates])
    if _NEGATION.search(question):
        scores += NEGATION_BONUS * np.array([bool(_NEGATION.search(s)) for _, s in candidates])
    numbers = numbers_in(question)
    if numbers:
        holds = [numbers <= numbers_in(p.text) for p in passages]
        scores += NUMBER_BONUS * np.array([holds[i] for i, _ in candidates])

    picked: list[int] = []
    for c in np.argsort(-scores, kind="stable"):
        if len(picked) == max_sentences:
            break
        if sum(candidates[p][0] == candidates[c][0] for p in picked) >= PER_PASSAGE:
            continue
        if any(float(sv[c] @ sv[p]) > NEAR_DUPLICATE for p in picked):
            continue
        picked.append(int(c))

    numbers: dict[int, int] = {}  # passage index -> [n]
    lines, citations = [], []
    for c in picked:
        i, sentence = candidates[c]
        if i not in numbers:
            numbers[i] = len(numbers) + 1
            p = passages[i]
            citations.append(Citation(n=numbers[i], text=p.text, article=p.article, supported=True, quote=sentence))
        lines.append(f'- "{sentence}" [{numbers[i]}]')
    return "\n".join(lines), citations
