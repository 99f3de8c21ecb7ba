"""Does an answer's claim hold up against the passage it cites? The support check of each citation."""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from rag.sentences import passage_sentences, split_sentences
from rag.text import NUMBER, STOPWORDS, fold, numbers_in
from rag.types import CITATION_MARKER, Citation, Passage

Embed = Callable[[list[str]], np.ndarray]

SUPPORT_COSINE = 0.35

_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+[\s.,;:]*")
_GROUP = re.compile(r"\[\d+\](?:[\s,]*\[\d+\])*")
_WORDS = re.compile(r"[^\W\d_]+")
_NUMBER_WORDS = {w: str(i) for ws in (
    "zero one two three four five six seven eight nine ten eleven twelve",
    "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf") for i, w in enumerate(ws.split())}


def build_citations(text: str, passages: list[Passage], mapping: dict[int, int], *, embed: Embed | None = None,
                    lang: str = "en") -> list[Citation]:
    """One Citation per shown number, ordered by n, checked against the passage it stands for.

    A citation is `supported` when every claim of the answer citing it (a) uses only numbers
    the passage has and (b) shares a name or content word with the passage or, with `embed`
    (L2-normalised multilingual sentence vectors), is close to one of its sentences
    (cosine >= SUPPORT_COSINE; this is what lets an English claim match a Dutch passage).
    `quote` is the passage sentence closest to those claims.
    """
    claims = _claims(text, lang)
    cited = []
    for old, new in sorted(mapping.items(), key=lambda item: item[1]):
        if 1 <= old <= len(passages):
            p = passages[old - 1]
            sentences = passage_sentences(p) or [p.text.strip()]
            cited.append((new, p, sentences, [c for c, ns in claims if new in ns]))
    vectors = _vectors(embed, [t for _, _, sentences, said in cited for t in (*sentences, *said)])
    citations = []
    for n, p, sentences, said in cited:
        sims = None
        if said and vectors:
            sims = np.stack([vectors[c] for c in said]) @ np.stack([vectors[s] for s in sentences]).T
        tokens = _tokens(p.text)
        words = (w.lower() for w in _WORDS.findall(p.text))
        numbers = numbers_in(p.text) | {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}
        supported = all(_supports(claim, tokens, numbers, None if sims is None else sims[i].max())
                        for i, claim in enumerate(said))
        quote, quotes = _quotes(said, sentences, sims)
        citations.append(Citation(n=n, text=p.text, article=p.article, supported=supported,
                                  quote=quote, quotes=quotes, sentences=sentences))
    return citations


def _claims(text: str, lang: str) -> list[tuple[str, set[int]]]:
    """The claims of an answer, markers stripped, with the numbers each one cites.

    A claim is a sentence; a sentence citing different passages in different places
    ("A [1], and B [2].") gives one claim per marker group, unless a part is too short to stand alone.
    """
    claims: list[tuple[str, set[int]]] = []
    for sentence in split_sentences(text, lang):
        lead = _LEADING_MARKERS.match(sentence)
        if lead and claims:  # "... claim. [1]": the marker belongs to the sentence before
            claims[-1][1].update(_cited(lead.group()))
            sentence = sentence[lead.end():]
        whole = _plain(sentence)
        if not (_WORDS.search(whole) or NUMBER.search(whole)):
            continue
        groups = list(_GROUP.finditer(sentence))
        if len({frozenset(_cited(g.group())) for g in groups}) <= 1:
            claims.append((whole, _cited(sentence)))
            continue
        start = 0
        for k, g in enumerate(groups):
            part = _plain(sentence[start:len(sentence) if k == len(groups) - 1 else g.end()])
            claims.append((part if len(_WORDS.findall(part)) >= 3 else whole, _cited(g.group())))
            start = g.end()
    return claims


def _plain(sentence: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", CITATION_MARKER.sub(" ", sentence))).strip(" ,;:")


def _cited(text: str) -> set[int]:
    return {int(k) for k in CITATION_MARKER.findall(text)}


def _supports(claim: str, tokens: set[str], numbers: set[str], cosine: float | None) -> bool:
    if not numbers_in(claim) <= numbers:
        return False
    wanted = _keywords(claim)
    if not wanted:  # "Yes [1]." has nothing to check
        return True
    return bool(wanted & tokens) or (cosine is not None and cosine >= SUPPORT_COSINE)


def _quotes(said: list[str], sentences: list[str], sims: np.ndarray | None) -> tuple[str, list[str]]:
    """The passage sentence closest to any of the claims, and for each claim the one closest to it (in
    the passage's order); by cosine with vectors, else by shared keywords."""
    if not said:
        return "", []
    if sims is None:
        wanted = [_keywords(c) for c in said]
        sims = np.array([[len(w & _tokens(s)) for s in sentences] for w in wanted])
    best = sorted({int(i) for i in sims.argmax(axis=1)})
    return sentences[int(sims.max(axis=0).argmax())], [sentences[i] for i in best]


def _vectors(embed: Embed | None, texts: list[str]) -> dict[str, np.ndarray]:
    """Text -> unit vector, from one call to `embed`."""
    unique = list(dict.fromkeys(texts))
    if embed is None or not unique:
        return {}
    return dict(zip(unique, np.asarray(embed(unique), dtype=np.float32)))  # embedders give unit vectors


def _normalise(word: str) -> str:
    """Lowercase, accents off, a light suffix strip: "Treaties" -> "treaty", "ondertekend" stays.

    Not rag.text's Snowball stems: a claim and the passage it cites can be in different languages,
    and one language-blind rule keeps shared names and cognates equal on both sides."""
    word = fold(word)
    for suffix, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("en", ""), ("ed", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + repl
    return word


def _keywords(sentence: str) -> set[str]:
    """Normalised names (capitalised, not sentence-initial) and content words (4+ letters, no stopword)."""
    found = set()
    for i, w in enumerate(_WORDS.findall(sentence)):
        if w.lower() in STOPWORDS:
            continue
        if len(w) >= 4 or (i > 0 and len(w) >= 2 and w[0].isupper()):
            found.add(_normalise(w))
    return found


def _tokens(text: str) -> set[str]:
    return {_normalise(w) for w in _WORDS.findall(text)}
