"""Sentences of text: the bounds kept with each chunk at ingest, and pysbd for text without them.

Articles are split once, at ingest (rag.chunking, Punkt), and each chunk keeps where its
sentences stand in its text; the reader and the citation check read the same sentences back.
pysbd splits what has no kept bounds: a model's answer into claims, and the chunks of indexes
built before the bounds were kept.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

LANGUAGES = ("en", "nl")
_FALLBACK = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_bounds(text: str, sentences: list[str]) -> str:
    """Where each of `sentences` (in order, each a part of `text`) stands: "start:end start:end ..."."""
    bounds, at = [], 0
    for sentence in sentences:
        start = text.index(sentence, at)
        at = start + len(sentence)
        bounds.append(f"{start}:{at}")
    return " ".join(bounds)


def sentences_at(text: str, bounds: str) -> list[str]:
    """The sentences of `text` that `bounds` (from `sentence_bounds`) marks."""
    return [text[int(a):int(b)] for a, b in (pair.split(":") for pair in bounds.split())]


@lru_cache(maxsize=None)
def _segmenter(lang: str):
    import pysbd  # only for text without kept bounds: searches never need it

    # A Segmenter keeps the text it works on as state, so concurrent callers (the UI) take turns.
    return pysbd.Segmenter(language=lang, clean=False), threading.Lock()


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """The sentences of `text`, stripped, empty ones dropped; unknown languages are split as English."""
    if not text or not text.strip():
        return []
    segmenter, lock = _segmenter(lang if lang in LANGUAGES else "en")
    try:
        with lock:
            pieces = segmenter.segment(text)
    except Exception:  # pysbd trips over some unusual inputs; a plain split beats failing the answer
        return plain_split(text)
    return [s.strip() for s in pieces if s and s.strip()]


def plain_split(text: str) -> list[str]:
    """`text` split after a full stop, question or exclamation mark, and at line breaks: rougher than
    `split_sentences`, and much faster."""
    return [s.strip() for s in _FALLBACK.split(text) if s and s.strip()]


def passage_sentences(passage) -> list[str]:
    """A retrieved passage's sentences: as split at ingest where they were kept."""
    return passage.sentences or split_sentences(passage.text, passage.article.lang)
