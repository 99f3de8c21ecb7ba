"""Citation markers in answers: renumbered while they stream, then checked against the passages.

The model sees passages numbered 1..n and cites them as [2], [3, 1], [1-3], [Passage 2],
[Bron 2], [2†] ...; the user sees plain [1], [2], ... numbered in order of first use.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from rag.text import NUMBER, STOPWORDS, fold, numbers_in
from rag.sentences import split_sentences
from rag.types import CITATION_MARKER, Citation, Passage

Embed = Callable[[list[str]], np.ndarray]

MAX_MARKER = 24  # longest marker recognised, brackets included; also the most text ever held back
MAX_RANGE = 20  # [1-200] is not a range a model means; only its ends count
SUPPORT_COSINE = 0.35

_WORD = r"(?:passages?|bron(?:nen)?|sources?|doc(?:ument)?s?|ref)"
_NUM = r"\d{1,3}"
_ITEM = rf"(?:{_WORD}\s*:?\s*)?{_NUM}(?:\s*[-–]\s*(?:{_WORD}\s*:?\s*)?{_NUM})?(?:\s*†\s*{_WORD}?)?"
_SEP = r"(?:\s*(?:[,;&]|\band\b|\ben\b)\s*|\s+)"
MARKER = re.compile(rf"\[\s*{_ITEM}(?:{_SEP}{_ITEM})*\s*\]", re.IGNORECASE)
_ITEM_NUMBERS = re.compile(rf"(\d+)(?:\s*[-–]\s*(?:{_WORD}\s*:?\s*)?(\d+))?", re.IGNORECASE)
_PREFIX_CHARS = re.compile(r"\[[0-9A-Za-z\s,;:&†\-–]*")
_PREFIX_WORDS = ("passage", "passages", "bron", "bronnen", "source", "sources", "doc", "docs", "document",
                 "documents", "ref", "and", "en")


def _could_become_marker(tail: str) -> bool:
    """Whether `tail` ("[" and what followed, no "]") may still grow into a marker."""
    if len(tail) >= MAX_MARKER or not _PREFIX_CHARS.fullmatch(tail):
        return False
    words = [(w.group().lower(), w.end() == len(tail)) for w in re.finditer(r"[A-Za-z]+", tail)]
    return all(any(p.startswith(w) for p in _PREFIX_WORDS) if at_end else w in _PREFIX_WORDS
               for w, at_end in words)


class CitationRenumberer:
    """Rewrites citation markers in streamed text to their final numbers as the text arrives.

    Only a trailing partial marker (and the one space before it) is held back, at most
    MAX_MARKER characters; feeding a text in any pieces gives the same result.
    """

    def __init__(self, n_passages: int):
        self.n_passages = n_passages
        self.mapping: dict[int, int] = {}  # given number -> shown number, in order of first use
        self.invalid: list[int] = []  # out-of-range numbers, in order, unique
        self._pending = ""
        self._last = ""  # last character shown
        self._drop_space = False  # a removed marker at a line start: drop the space after it
        self._after_marker: set[int] = set()  # numbers of a marker shown right before

    @property
    def pending(self) -> str:
        """The text held back so far."""
        return self._pending

    def feed(self, piece: str) -> str:
        """Take the next piece of the answer; return what can be shown now."""
        self._pending += piece
        return self._run(final=False)

    def finish(self) -> str:
        """The rest of the text, once the answer is complete."""
        return self._run(final=True)

    def _run(self, final: bool) -> str:
        buf, out, i = self._pending, [], 0
        while True:
            j = buf.find("[", i)
            if j < 0:
                # a trailing space is held: if a marker follows and is removed, so is the space
                end = len(buf) - (not final and buf.endswith(" "))
                self._show(out, buf[i:end])
                self._pending = buf[end:]
                break
            m = MARKER.match(buf, j, j + MAX_MARKER)  # the bound keeps long "[..." text cheap
            if m:
                self._marker(out, buf[i:j], m.group())
                i = m.end()
            elif (not final and len(buf) - j < MAX_MARKER and "]" not in buf[j:]
                  and _could_become_marker(buf[j:])):
                start = j - 1 if j > i and buf[j - 1] == " " else j
                self._show(out, buf[i:start])
                self._pending = buf[start:]
                break
            else:
                self._show(out, buf[i:j + 1])
                i = j + 1
        return "".join(out)

    def _marker(self, out: list[str], before: str, marker: str) -> None:
        if before:
            self._after_marker = set()  # "[1] [1]" stays, "[1][1]" becomes "[1]"
        numbers = [k for k in self._numbers(marker) if k not in self._after_marker]
        if numbers:
            self._show(out, before)
            self._show(out, "".join(f"[{k}]" for k in numbers), marker=True)
            self._after_marker.update(numbers)
        elif before.endswith(" "):
            self._show(out, before[:-1])
        else:
            self._show(out, before)
            self._drop_space = self._last == "" or self._last.isspace()

    def _show(self, out: list[str], text: str, marker: bool = False) -> None:
        if self._drop_space and text:
            self._drop_space = False
            text = text[1:] if text[0] == " " else text
        if text:
            out.append(text)
            self._last = text[-1]
            if not marker:
                self._after_marker = set()

    def _numbers(self, marker: str) -> list[int]:
        """The shown numbers a marker stands for, ascending; out-of-range ones are recorded."""
        shown: list[int] = []
        for a, b in _ITEM_NUMBERS.findall(marker):
            lo, hi = sorted((int(a), int(b or a)))
            for k in range(lo, hi + 1) if hi - lo <= MAX_RANGE else (lo, hi):
                if 1 <= k <= self.n_passages:
                    shown.append(self.mapping.setdefault(k, len(self.mapping) + 1))
                elif k not in self.invalid:
                    self.invalid.append(k)
        return sorted(set(shown))


def renumber(text: str, n_passages: int) -> tuple[str, dict[int, int], list[int]]:
    """A complete answer with its markers renumbered: (text, mapping, invalid numbers)."""
    r = CitationRenumberer(n_passages)
    shown = r.feed(text) + r.finish()
    return shown, r.mapping, r.invalid


# --- checking what the answer says against the passages it cites ---------------------------------

_CITED = CITATION_MARKER
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
            sentences = split_sentences(p.text, p.article.lang) or [p.text.strip()]
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
        citations.append(Citation(n=n, text=p.text, article=p.article, supported=supported,
                                  quote=_quote(said, sentences, sims)))
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
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", _CITED.sub(" ", sentence))).strip(" ,;:")


def _cited(text: str) -> set[int]:
    return {int(k) for k in _CITED.findall(text)}


def _supports(claim: str, tokens: set[str], numbers: set[str], cosine: float | None) -> bool:
    if not numbers_in(claim) <= numbers:
        return False
    wanted = _keywords(claim)
    if not wanted:  # "Yes [1]." has nothing to check
        return True
    return bool(wanted & tokens) or (cosine is not None and cosine >= SUPPORT_COSINE)


def _quote(said: list[str], sentences: list[str], sims: np.ndarray | None) -> str:
    if not said:
        return ""
    if sims is not None:
        return sentences[int(sims.max(axis=0).argmax())]
    wanted = [_keywords(c) for c in said]
    overlap = [max(len(w & _tokens(s)) for w in wanted) for s in sentences]
    return sentences[overlap.index(max(overlap))]


def _vectors(embed: Embed | None, texts: list[str]) -> dict[str, np.ndarray]:
    """Text -> unit vector, from one call to `embed`."""
    unique = list(dict.fromkeys(texts))
    if embed is None or not unique:
        return {}
    return dict(zip(unique, np.asarray(embed(unique), dtype=np.float32)))  # embedders give unit vectors


def _normalise(word: str) -> str:
    """Lowercase, accents off, a light suffix strip: "Treaties" -> "treaty", "ondertekend" stays."""
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

