"""Sentence splitting for Dutch and English text (pysbd)."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

import pysbd

LANGUAGES = ("en", "nl")
_FALLBACK = re.compile(r"(?<=[.!?])\s+|\n+")


@lru_cache(maxsize=None)
def _segmenter(lang: str) -> tuple[pysbd.Segmenter, threading.Lock]:
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
        pieces = _FALLBACK.split(text)
    return [s.strip() for s in pieces if s and s.strip()]
