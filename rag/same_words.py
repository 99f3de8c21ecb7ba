"""Whether words mean the same across Dutch and English: by spelling (and a name's aliases), or by
the encoder's vectors of the single words ("summit" ~ "top", "civilians" ~ "burgers").

Shared by the refusal (does the quoted passage speak to the question's words? a Dutch compound may by its parts) and
the reader (does a number count what the question counts?)."""
from __future__ import annotations

import numpy as np

from rag.names import known_name, same_name
from rag.vector_cache import cache_for

SAME_WORD = 0.6  # cosine above which two single words are taken as translations ("signature" ~ "ondertekening")
COMPOUND = 8  # a word this long may be a Dutch compound of two ("graandeal", "verdragsstaten")
PART = 4  # the shortest part of a compound
COMPOUND_PHRASE = 0.7  # cosine of two or three words together to a compound they make ("air defence systems")


def alike(asked: list[str], held: list[str], embedder=None, threshold: float = SAME_WORD) -> np.ndarray:
    """For each asked word, whether one of the held words means the same (folded words, as
    rag.text.content_words gives them): spelled alike, or, with an embedder, word vectors' cosine
    >= `threshold`."""
    if not asked or not held:
        return np.zeros(len(asked), dtype=bool)
    spelled = {same_name(w) for w in held}
    found = np.array([same_name(w) in spelled for w in asked])
    if embedder is not None:
        close = cache_for(embedder).cosines(asked, held) >= threshold
        # a country's name, or its people's, is found by its spellings only: "moeite" is near "roemenie" in vector
        close[[known_name(w) for w in asked], :] = False
        close[:, [known_name(w) for w in held]] = False
        found |= close.any(axis=1)
    return found


def alike_or_parts(asked: list[str], held: list[str], embedder) -> np.ndarray:
    """As `alike`, and where an asked word has no match, a Dutch compound read by its two parts, on either side: an
    asked one whose one part is spelled as a held word is and whose other part means one ("graandeal": "grain deal";
    "nobelprijs": "Nobel prize"; a linking s aside), or a held one whose one part is spelled as another asked word
    and whose other part means this one ("cluster munitions" in "clustermunitie"). Parts that mean words by their
    vectors alone would be chance ("wapenlevera" ~ "weapons", "nties" ~ ...)."""
    found = alike(asked, held, embedder)
    if found.all():
        return found
    spelled = {same_name(w) for w in held}
    halves: dict[str, set[str]] = {}  # a part of a held compound, spelled, and the other parts it is found with
    for compound in held if len(asked) > 1 else ():
        if len(compound) >= COMPOUND:
            for head, tail in _parts(compound):
                halves.setdefault(same_name(head), set()).add(tail)
                halves.setdefault(same_name(tail), set()).add(head)
    for j, word in enumerate(asked):
        if found[j]:
            continue
        if len(word) >= COMPOUND:
            found[j] = any(any(same_name(p) in spelled for p in parts) and alike(parts, held, embedder).all()
                           for parts in _parts(word))
        beside = sorted({half for w in asked if same_name(w) != same_name(word)
                         for half in halves.get(same_name(w), ())})
        found[j] = found[j] or (bool(beside) and bool(alike([word], beside, embedder)[0]))
    return found | _as_compound(asked, held, found, embedder)


def _as_compound(asked: list[str], held: list[str], found: np.ndarray, embedder) -> np.ndarray:
    """The asked words that, with the one or two beside them, mean a held compound as a whole: "air defence systems",
    "luchtverdedigingssystemen" (COMPOUND_PHRASE; a compound of three parts none of which is spelled as an asked
    word)."""
    compounds = [w for w in held if len(w) >= COMPOUND]
    runs = [(start, length) for length in (2, 3) for start in range(len(asked) - length + 1)
            if not found[start:start + length].all()]
    matched = np.zeros(len(asked), dtype=bool)
    if not compounds or not runs:
        return matched
    phrases = [" ".join(asked[start:start + length]) for start, length in runs]
    close = (cache_for(embedder).cosines(phrases, compounds) >= COMPOUND_PHRASE).any(axis=1)
    for (start, length), near in zip(runs, close):
        matched[start:start + length] |= near
    return matched


def _parts(word: str) -> list[tuple[str, str]]:
    """Every split of a word into two parts of at least PART letters, the first without a linking s."""
    return [(_without_linking_s(word[:i]), word[i:]) for i in range(PART, len(word) - PART + 1)]


def _without_linking_s(part: str) -> str:
    """The first part of a Dutch compound without the s that joins it ("verdrags-" of "verdragsstaten")."""
    return part[:-1] if part.endswith("s") and len(part) > PART + 1 else part
