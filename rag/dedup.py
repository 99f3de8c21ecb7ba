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


class NearDuplicateIndex:
    """Finds an earlier article that a new one nearly duplicates, without comparing against all.

    Locality-sensitive hashing: the signature is cut into BANDS bands; two articles become
    candidates when any band is identical, and candidates are checked on the whole signature.
    With 16 bands of 4 hashes a pair at similarity 0.6 is found with probability 0.9, at 0.7
    with 0.98, while unrelated articles rarely meet in a bucket.
    """

    BANDS = 16

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.originals: list[str] = []
        self.signatures: list[np.ndarray] = []
        self.buckets: dict[tuple[int, bytes], list[int]] = {}

    def _keys(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        return [(b, band.tobytes()) for b, band in enumerate(np.split(signature, self.BANDS))]

    def add(self, article_id: str, dup_of: str | None, signature: np.ndarray) -> None:
        row = len(self.ids)
        self.ids.append(article_id)
        self.originals.append(dup_of or article_id)
        self.signatures.append(signature)
        for key in self._keys(signature):
            self.buckets.setdefault(key, []).append(row)

    def original_of(self, signature: np.ndarray, exclude: str = "") -> str | None:
        """The id of the original that `signature` nearly duplicates, or None."""
        rows = {r for key in self._keys(signature) for r in self.buckets.get(key, ())}
        best, best_row = THRESHOLD, None
        for r in sorted(rows):
            if self.ids[r] == exclude:
                continue
            similarity = float((self.signatures[r] == signature).mean())
            if similarity >= best:
                best, best_row = similarity, r
        return None if best_row is None else self.originals[best_row]
