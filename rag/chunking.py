"""Sentence-aware chunking with overlap (llama-index's SentenceSplitter)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int):
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)


def chunk_text(text: str, chunk_size: int, chunk_overlap: int) -> list[str]:
    """Split text into chunks of about `chunk_size` tokens that end on sentence boundaries."""
    return [c.strip() for c in _splitter(chunk_size, chunk_overlap).split_text(text) if c.strip()]
