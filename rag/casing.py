"""A question typed without capitals ("who is jens stoltenberg"), or in capitals only, given its names' capitals back.

Names are read by their capitals (rag.names), and the encoder finds "Stoltenberg" but not "stoltenberg", so such a
question would name no one, find nothing and be refused. The passages it finds say how its words are written: a word
they write with a capital (not only where it opens a sentence) at least twice as often as without one takes their
capitals ("oslo": "Oslo", "navo-top": "NAVO-top", "opcw": "OPCW"), and so does a country's one-word name in English
or Dutch; words that are never names (rag.names.NOT_NAMES: "the", "september") keep their case. The words they do not
hold are looked for once more with a capital.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Iterable

from rag.types import Passage

_WORD = re.compile(r"[^\W\d_]+")  # letters only: "F-16's" is "F", "s"
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n")


def lacks_case(question: str) -> bool:
    """The question has no capital past its first letter (as a phone keyboard types it), or no small letter."""
    letters = [ch for ch in question if ch.isalpha()]
    return len(letters) > 1 and (not any(ch.isupper() for ch in letters[1:]) or not any(ch.islower() for ch in letters))


class _Spellings:
    """How texts write each word: with a capital (in which forms) or without."""

    def __init__(self) -> None:
        self.capitals: dict[str, Counter[str]] = {}
        self.small: Counter[str] = Counter()

    def read(self, texts: Iterable[str]) -> None:
        for text in texts:
            # past each sentence's first word: a capital that only opens a sentence says nothing of the word
            for word in (w for sentence in _SENTENCE_END.split(text) for w in _WORD.findall(sentence)[1:]):
                if word[0].isupper():
                    self.capitals.setdefault(word.lower(), Counter())[word] += 1
                else:
                    self.small[word.lower()] += 1

    def names(self, names: Iterable[str]) -> None:
        """Names of one word, written as they are ("France", "Frankrijk"); a word of a longer one may not be a name
        alone ("Verenigde Staten")."""
        for name in names:
            if _WORD.fullmatch(name) and name[0].isupper():
                self.capitals.setdefault(name.lower(), Counter())[name] += 1

    def knows(self, word: str) -> bool:
        return word.lower() in self.capitals or word.lower() in self.small

    def write(self, text: str, capitalise: frozenset[str] = frozenset()) -> str:
        """`text` in the texts' spelling, the words in `capitalise` with a capital, its first letter a capital."""
        from rag.names import NOT_NAMES

        def written(m: re.Match) -> str:
            word = m.group().lower()
            forms = self.capitals.get(word)
            if word in NOT_NAMES:
                return word
            if forms and sum(forms.values()) >= 2 * self.small[word]:
                return forms.most_common(1)[0][0]
            return word.capitalize() if word in capitalise else word

        out = _WORD.sub(written, text)
        return out[:1].upper() + out[1:]


def restore_case(question: str, texts: Iterable[str]) -> str:
    """`question` with its words written as `texts` and the countries' names write them, its first letter a capital."""
    return _spellings(texts).write(question)


def _spellings(texts: Iterable[str]) -> _Spellings:
    from rag.names import country_names

    spellings = _Spellings()
    spellings.names(country_names())
    spellings.read(texts)
    return spellings


def cased(question: str, search: Callable[[str], list[Passage]]) -> tuple[str, list[Passage] | None]:
    """The question with its names' capitals where it `lacks_case`, and what `search` found for it when that is the
    question as typed (None when it was not searched, or another question is)."""
    if not lacks_case(question):
        return question, None
    from rag.names import NOT_NAMES

    found = search(question)
    spellings = _spellings(p.text for p in found)
    unknown = frozenset(w.lower() for w in _WORD.findall(question)
                        if len(w) > 2 and w.lower() not in NOT_NAMES and not spellings.knows(w))
    if unknown:  # "stoltenberg" finds nothing of his: "Stoltenberg" may
        spellings.read(p.text for p in search(spellings.write(question, capitalise=unknown)))
    restored = spellings.write(question)
    return (question, found) if restored == question else (restored, None)
