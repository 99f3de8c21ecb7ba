"""Near-duplicate articles (the same wire story in several outlets), by MinHash over word 3-grams."""
from __future__ import annotations

import re
import zlib

import numpy as np

N_HASHES = 64
THRESHOLD = 0.5  # estimated Jaccard similarity of 3-gram sets; rewritten leads stay above it
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20230707)
_A = _rng.integers(1, int(_PRIME), N_HASHES, dtype=np.uint64)
_B = _rng.integers(0, int(_PRIME), N_HASHES, dtype=np.uint64)


def minhash(text: str) -> np.ndarray:
    """A signature whose agreement rate with another estimates the Jaccard similarity of their 3-grams."""
    words = re.findall(r"\w+", text.lower())
    shingles = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64,
                         count=len(shingles))
    return ((_A[:, None] * hashes[None, :] + _B[:, None]) % _PRIME).min(axis=1).astype(np.uint32)


def near_duplicate_of(signature: np.ndarray, ids: list[str], dup_of: list[str | None],
                      signatures: np.ndarray, exclude: str = "") -> str | None:
    """The id of the original that `signature` nearly duplicates, or None."""
    if not ids:
        return None
    similarity = (signatures == signature[None, :]).mean(axis=1)
    for i in np.argsort(-similarity):
        if similarity[i] < THRESHOLD:
            return None
        if ids[i] != exclude:
            return dup_of[i] or ids[i]
    return None
