"""A question typed without capitals ("who is jens stoltenberg"), or in capitals only, given its names' capitals back.

Names are read by their capitals (rag.names), and the encoder finds "Stoltenberg" but not "stoltenberg", so such a
question would name no one, find nothing and be refused. The passages it finds say how its words are written: a word
they write with a capital (not only where it opens a sentence) at least twice as often as without one takes their
capitals ("oslo": "Oslo", "navo-top": "NAVO-top", "opcw": "OPCW"); so does a country's one-word name in English or
Dutch, and words that are never names (rag.names.NOT_NAMES: "the", "september") keep their case. Where those passages
are not close to the question, the words they do not hold are looked for once more with a capital. A common noun that
the passages write mostly inside names ("Arms Trade Treaty") takes a capital too: the cost of reading a name in it.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

from rag.names import NOT_NAMES, country_names
from rag.sentences import passage_sentences, split_sentences
from rag.types import Passage

_WORD = re.compile(r"[^\W\d_]+")  # letters only: "F-16's" is "F", "s"
# a sentence this close to the question as typed (cosine) was found by its words: names looked for again with a capital
# would find no more (0.18 for "who is jens stoltenberg")
FOUND = 0.4
ACRONYM = 4  # letters at most of a word looked for in capitals ("OPCW", "NAVO") where it is not found capitalised


def lacks_case(question: str) -> bool:
    """The question has no capital past its first letter (as a phone keyboard types it), or no small letter."""
    letters = [ch for ch in question if ch.isalpha()]
    return len(letters) > 1 and (not any(ch.isupper() for ch in letters[1:]) or not any(ch.islower() for ch in letters))


class _Spellings:
    """How texts write each word: with a capital (in which forms) or without."""

    def __init__(self) -> None:
        self.capitals: dict[str, Counter[str]] = {}
        self.small: Counter[str] = Counter()

    def read(self, sentences: Iterable[str]) -> None:
        for sentence in sentences:
            # past its first word: a capital that only opens a sentence says nothing of the word
            for word in _WORD.findall(sentence)[1:]:
                if word[0].isupper():
                    self.capitals.setdefault(word.lower(), Counter())[word] += 1
                else:
                    self.small[word.lower()] += 1

    def read_passages(self, passages: list[Passage]) -> None:
        self.read(s for p in passages for s in passage_sentences(p))  # as split at ingest

    def knows(self, word: str) -> bool:
        return word.lower() in self.capitals or word.lower() in self.small

    def write(self, text: str, capitalise: frozenset[str] = frozenset(), acronyms: frozenset[str] = frozenset()) -> str:
        """`text` in the texts' spelling (a capital where they write the word so at least twice as often as without
        one), the words in `capitalise` with a capital and those in `acronyms` in capitals, its first letter a
        capital."""
        def written(m: re.Match) -> str:
            word = m.group().lower()
            if word in NOT_NAMES:
                return word
            if word in _countries():
                return _countries()[word]
            forms = self.capitals.get(word)
            if forms and sum(forms.values()) >= 2 * self.small[word]:
                return forms.most_common(1)[0][0]
            return word.capitalize() if word in capitalise else word.upper() if word in acronyms else word

        out = _WORD.sub(written, text)
        return out[:1].upper() + out[1:]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Countries' names of one word in English and Dutch, by their small letters ("frankrijk": "Frankrijk"); a word of
    a longer one may be no name alone ("Verenigde Staten")."""
    return {name.lower(): name for name in country_names() if _WORD.fullmatch(name)}


def restore_case(question: str, texts: Iterable[str]) -> str:
    """`question` with its words written as `texts` and the countries' names write them, its first letter a capital."""
    spellings = _Spellings()
    spellings.read(s for text in texts for s in split_sentences(text))
    return spellings.write(question)


def _close(found: list[Passage]) -> bool:
    return max((p.best_sentence for p in found), default=0.0) >= FOUND


def cased(question: str, search: Callable[[str], list[Passage]]) -> tuple[str, list[Passage] | None]:
    """The question with its names' capitals where it `lacks_case`, and what `search` found for it when that is the
    question as typed (None when it was not searched, or another question is)."""
    if not lacks_case(question):
        return question, None
    found = search(question)
    spellings = _Spellings()
    spellings.read_passages(found)
    unknown = frozenset(w.lower() for w in _WORD.findall(question) if len(w) > 2 and w.lower() not in NOT_NAMES
                        and w.lower() not in _countries() and not spellings.knows(w))
    if unknown and not _close(found):
        # "stoltenberg" finds nothing of his: "Stoltenberg" may
        again = search(spellings.write(question, capitalise=unknown))
        spellings.read_passages(again)
        short = frozenset(w for w in unknown if len(w) <= ACRONYM and not spellings.knows(w))
        if short and not _close(again):  # "opcw" finds nothing as "Opcw" either: "OPCW" may
            spellings.read_passages(search(spellings.write(question, acronyms=short)))
    restored = spellings.write(question)
    return (question, found) if restored == question else (restored, None)
