"""Whether words mean the same across Dutch and English: by spelling (and a name's aliases), or by
the encoder's vectors of the single words ("summit" ~ "top", "civilians" ~ "burgers").

Shared by the refusal (does the quoted passage speak to the question's words?) and the reader
(does a number count what the question counts?)."""
from __future__ import annotations

import numpy as np

from rag.names import same_name
from rag.vector_cache import cache_for

SAME_WORD = 0.6  # cosine above which two single words are taken as translations ("signature" ~ "ondertekening")


def alike(asked: list[str], held: list[str], embedder=None, threshold: float = SAME_WORD) -> np.ndarray:
    """For each asked word, whether one of the held words means the same (folded words, as
    rag.text.content_words gives them): spelled alike, or, with an embedder, word vectors' cosine
    >= `threshold`."""
    if not asked or not held:
        return np.zeros(len(asked), dtype=bool)
    spelled = {same_name(w) for w in held}
    found = np.array([same_name(w) in spelled for w in asked])
    if embedder is not None:
        found |= cache_for(embedder).cosines(asked, held).max(axis=1) >= threshold
    return found
