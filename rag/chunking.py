"""Sentence-aware chunking with overlap, keeping which sentences make up each chunk.

Sentences come from NLTK's Punkt models for the article's language (shipped with
llama-index-core, no download). Chunks are runs of whole sentences of at most
`chunk_size` tokens (tiktoken cl100k, as llama-index's SentenceSplitter counts),
each starting with at least `chunk_overlap` tokens of the previous one. Unlike
SentenceSplitter this keeps the chunk-to-sentence mapping, which retrieval needs:
a chunk is scored by its own vector and by its best sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rag.bundled import llama_index_static

PUNKT_LANGUAGES = {"nl": "dutch", "en": "english", "de": "german", "fr": "french", "es": "spanish",
                   "it": "italian", "pt": "portuguese", "da": "danish", "sv": "swedish", "no": "norwegian",
                   "pl": "polish"}


@dataclass
class Chunk:
    """A run of sentences: the chunk's text as it stands in the article, and its sentences."""

    text: str
    sentences: list[str]


@lru_cache(maxsize=None)
def _punkt(lang: str):
    import nltk

    static = llama_index_static()
    if static and str(static / "nltk_cache") not in nltk.data.path:
        nltk.data.path.insert(0, str(static / "nltk_cache"))
    from nltk.tokenize.punkt import PunktTokenizer

    return PunktTokenizer(PUNKT_LANGUAGES.get(lang, "english"))


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`."""
    return [(a, b) for a, b in _punkt(lang).span_tokenize(text) if text[a:b].strip()]


def chunk_article(text: str, lang: str, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Split an article into overlapping chunks of whole sentences."""
    from rag.tokens import encoding

    encode = encoding().encode_ordinary
    spans: list[tuple[int, int]] = []
    sizes: list[int] = []
    for a, b in sentence_spans(text, lang):
        tokens = encode(text[a:b])
        if len(tokens) <= chunk_size:
            spans.append((a, b))
            sizes.append(len(tokens))
            continue
        # a "sentence" longer than a chunk (a list, a table): cut it at word boundaries
        piece_start, count = a, 0
        for word_end in [a + i for i, ch in enumerate(text[a:b]) if ch.isspace()] + [b]:
            words = len(encode(text[piece_start:word_end]))
            if words > chunk_size and count:
                spans.append((piece_start, prev_end))
                sizes.append(count)
                piece_start = prev_end
                words = len(encode(text[piece_start:word_end]))
            count, prev_end = words, word_end
        spans.append((piece_start, b))
        sizes.append(len(encode(text[piece_start:b])))
    chunks: list[Chunk] = []
    start = 0
    while start < len(spans):
        end, total = start, 0
        while end < len(spans) and (end == start or total + sizes[end] <= chunk_size):
            total += sizes[end]
            end += 1
        chunks.append(Chunk(text=text[spans[start][0]:spans[end - 1][1]].strip(),
                            sentences=[text[a:b].strip() for a, b in spans[start:end]]))
        if end == len(spans):
            break
        back, overlap = end, 0
        while back - 1 > start and overlap < chunk_overlap:
            back -= 1
            overlap += sizes[back]
        # the next chunk must add a sentence: drop the overlap where it leaves no room for one
        start = back if overlap + sizes[end] <= chunk_size else end
    return chunks
