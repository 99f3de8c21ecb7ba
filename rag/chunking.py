"""Sentence-aware chunking with overlap, keeping which sentences make up each chunk.

Sentences come from NLTK's Punkt models for the article's language (shipped with
llama-index-core, no download). Chunks are runs of whole sentences of at most
`chunk_size` tokens (tiktoken cl100k, as llama-index's SentenceSplitter counts),
each starting with at least `chunk_overlap` tokens of the previous one. Unlike
SentenceSplitter this keeps the chunk-to-sentence mapping, which retrieval needs:
a chunk is scored by its own vector and by its best sentence.

Time and memory are linear in the text's length, whatever it holds. Punkt sees one
paragraph at a time, and never more than WINDOW_CHARS characters (NLTK runs its
regular expressions under a time limit), so a paragraph break always ends a
sentence. A sentence over `chunk_size` tokens is cut at word boundaries into pieces
that fit, a word longer than a piece at a hard character cap; no sentence and no
chunk exceeds `chunk_size` tokens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from rag.bundled import llama_index_static
from rag.language import language_name

WINDOW_CHARS = 20_000  # Punkt takes a few milliseconds on this much
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*\s")
_WORD = re.compile(r"\S+")

Encode = Callable[[str], list[int]]


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

    return PunktTokenizer(language_name(lang).lower())


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, without surrounding white space."""
    punkt = _punkt(lang)
    spans: list[tuple[int, int]] = []
    for a, b in _blocks(text):
        block = text[a:b]
        for x, y in punkt.span_tokenize(block):
            sentence = block[x:y]
            if sentence.strip():
                start = a + x + len(sentence) - len(sentence.lstrip())
                spans.append((start, start + len(sentence.strip())))
    return spans


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the paragraphs of `text`, long ones cut into windows of at most WINDOW_CHARS."""
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        yield from _windows(text, start, gap.start())
        start = gap.end()
    yield from _windows(text, start, len(text))


def _windows(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    """[a, b) in windows of at most WINDOW_CHARS, cut after a sentence end, else at a space, else anywhere."""
    while b - a > WINDOW_CHARS:
        low, high = a + WINDOW_CHARS // 2, a + WINDOW_CHARS
        cut = max((m.end() for m in _SENTENCE_END.finditer(text, low, high)), default=-1)
        if cut < 0:
            cut = max(text.rfind(" ", low, high), text.rfind("\n", low, high), text.rfind("\t", low, high)) + 1
        cut = cut if cut > low else high
        yield a, cut
        a = cut
    if b > a:
        yield a, b


def chunk_article(text: str, lang: str, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Split an article into overlapping chunks of whole sentences."""
    from rag.tokens import encoding

    encode = encoding().encode_ordinary
    spans, sizes, gaps = _measured_sentences(text, lang, chunk_size, encode)
    # A sentence counted alone can gain a token where it is joined to the one before, and
    # the white space between them takes tokens too: `joined` is a sentence's cost with both.
    joined = [size + gap + 1 for size, gap in zip(sizes, gaps)]
    chunks: list[Chunk] = []
    start = 0
    while start < len(spans):
        end = _fit(sizes, sizes, start, chunk_size)
        safe = _fit(sizes, joined, start, chunk_size)
        if safe < end and len(encode(_text(text, spans, start, end))) > chunk_size:
            end = safe
            while end - start > 1 and len(encode(_text(text, spans, start, end))) > chunk_size:
                end -= 1  # BPE counts need not add up; this practically never runs
        chunks.append(Chunk(text=_text(text, spans, start, end),
                            sentences=[text[a:b] for a, b in spans[start:end]]))
        if end == len(spans):
            break
        back, overlap = end, 0
        while back - 1 > start and overlap < chunk_overlap:
            back -= 1
            overlap += sizes[back]
        # the next chunk must add a sentence: drop the overlap where it leaves no room for one
        start = back if overlap + sizes[end] <= chunk_size else end
    return chunks


def _fit(sizes: list[int], costs: list[int], start: int, limit: int) -> int:
    """End of the longest run of sentences from `start` whose first size and later costs stay within `limit`."""
    end, total = start + 1, sizes[start]
    while end < len(costs) and total + costs[end] <= limit:
        total += costs[end]
        end += 1
    return end


def _text(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    return text[spans[start][0]:spans[end - 1][1]]


def _measured_sentences(text: str, lang: str, chunk_size: int,
                        encode: Encode) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Sentence spans (one over `chunk_size` tokens in pieces), their tokens, and the tokens of the
    white space before each (none for a single space, which joins the next word's token)."""
    spans: list[tuple[int, int]] = []
    sizes: list[int] = []
    gaps: list[int] = []
    for a, b in sentence_spans(text, lang):
        size = len(encode(text[a:b]))
        pieces = [(a, b, size)] if size <= chunk_size else _pieces(text, a, b, chunk_size, encode)
        for x, y, n in pieces:
            gap = text[spans[-1][1]:x] if spans else ""
            spans.append((x, y))
            sizes.append(n)
            gaps.append(0 if gap in ("", " ") else len(encode(gap)))
    return spans, sizes, gaps


def _pieces(text: str, a: int, b: int, chunk_size: int, encode: Encode) -> Iterator[tuple[int, int, int]]:
    """[a, b) cut at word boundaries into pieces of at most `chunk_size` tokens: (start, end, tokens)."""
    words = _words(text, a, b, chunk_size, encode)
    # the tokens of each word with the white space before it, as it follows the one before
    sizes = [len(encode(text[prev[1]:word[1]])) for prev, word in zip(words, words[1:])]
    i = 0
    while i < len(words):
        j, total = i + 1, len(encode(text[words[i][0]:words[i][1]]))
        while j < len(words) and total + sizes[j - 1] <= chunk_size:
            total += sizes[j - 1]
            j += 1
        count = len(encode(text[words[i][0]:words[j - 1][1]]))
        while count > chunk_size:  # tokens across a join need not add up; drop words until they fit
            excess = count - chunk_size
            while j - i > 1 and excess > 0:
                j -= 1
                excess -= sizes[j - 1]
            count = len(encode(text[words[i][0]:words[j - 1][1]]))
        yield words[i][0], words[j - 1][1], count
        i = j


def _words(text: str, a: int, b: int, chunk_size: int, encode: Encode) -> list[tuple[int, int]]:
    """Spans of the words in [a, b); a word over `chunk_size` tokens comes in parts of chunk_size // 4
    characters, which fit a piece on their own (a character is at most four bytes, a token at least one)."""
    cap = max(1, chunk_size // 4)
    words: list[tuple[int, int]] = []
    for word in _WORD.finditer(text, a, b):
        x, y = word.span()
        if y - x > cap and len(encode(word.group())) > chunk_size:
            words.extend((p, min(p + cap, y)) for p in range(x, y, cap))
        else:
            words.append((x, y))
    return words
