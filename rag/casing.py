"""A question typed without capitals ("who is jens stoltenberg"), or in capitals only, given its names' capitals back.

Names are read by their capitals (rag.names), and the encoder finds "Stoltenberg" but not "stoltenberg", so such a
question would name no one, find nothing and be refused. The articles say how its words are written (`Spellings`, the
knowledge base's table of them, rag.knowledge_base): a word they write with a capital (not only where it opens a
sentence) at least twice as often as without one takes their capitals ("oslo": "Oslo", "opcw": "OPCW"); a name of
several words they write with capitals takes them all ("convention on cluster munitions", "new start": "New START"),
where its words alone would not ("cluster munitions" is mostly written small), as does one that only opens sentences
where its first word is never written small ("amnesty international", not "the state duma"); so does a country's
one-word name in English or Dutch, and words that are never names (rag.names.NOT_NAMES: "the", "september") keep their
case.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

from rag.names import NOT_NAMES, country_names, spelling

_WORD = re.compile(r"[^\W\d_]+")  # letters only: "F-16's" is "F", "s"
# capitalised words in a row, small joining words among them: "Convention on Cluster Munitions", "Arms Trade Treaty"
_JOINING = r"(?:of|on|for|the|van|voor|inzake|tegen|de|het)"
_NAME_RUN = re.compile(rf"[A-Z][\w'’-]*(?:\s+(?:{_JOINING}\s+)?[A-Z][\w'’-]*)+")
_TOKEN = re.compile(r"[\w'’-]+")
NAME_WORDS = 8  # the most words of a name looked up


def lacks_case(question: str) -> bool:
    """The question has no capital past its first letter (as a phone keyboard types it), or no small letter."""
    letters = [ch for ch in question if ch.isalpha()]
    return len(letters) > 1 and (not any(ch.isupper() for ch in letters[1:]) or not any(ch.islower() for ch in letters))


class Spellings:
    """How a collection of texts writes each word (with a capital, in which forms, or without) and each name of
    several words."""

    def __init__(self) -> None:
        self.capitals: dict[str, Counter[str]] = {}
        self.small: Counter[str] = Counter()
        self.names: dict[str, Counter[str]] = {}  # "arms trade treaty": {"Arms Trade Treaty": 12}
        # names of several words that open a sentence, whole: "Amnesty International urged ..." (where its first word
        # is never written small, it is the name's: rag.casing.Spellings.write)
        self.opening: dict[str, Counter[str]] = {}
        self._spelled: dict[str, str] | None = None  # by rag.names.spelling: "shoigu" (of "sjojgoe"): "Shoigu"

    def read(self, sentences: Iterable[str]) -> None:
        self._spelled = None
        words: Counter[str] = Counter()
        runs: Counter[str] = Counter()
        opening: Counter[str] = Counter()
        for sentence in sentences:
            # past its first word: a capital that only opens a sentence says nothing of the word
            words.update(_WORD.findall(sentence)[1:])
            for found in _NAME_RUN.finditer(sentence):
                run = found.group()
                if found.start() == 0:
                    opening[run] += 1
                    run = run.split(None, 1)[1]
                if _NAME_RUN.fullmatch(run):
                    runs[run] += 1
        for word, n in words.items():  # counted as written first: far fewer forms than words
            if word[0].isupper():
                self.capitals.setdefault(word.lower(), Counter())[word] += n
            else:
                self.small[word.lower()] += n
        for counted, table in ((runs, self.names), (opening, self.opening)):
            for run, n in counted.items():
                run = " ".join(run.split())
                table.setdefault(run.lower(), Counter())[run] += n

    def to_dict(self) -> dict:
        return {"capitals": self.capitals, "small": self.small, "names": self.names, "opening": self.opening}

    @classmethod
    def from_dict(cls, saved: dict) -> "Spellings":
        table = cls()
        table.capitals = {w: Counter(forms) for w, forms in saved["capitals"].items()}
        table.small = Counter(saved["small"])
        table.names = {n: Counter(forms) for n, forms in saved["names"].items()}
        table.opening = {n: Counter(forms) for n, forms in saved["opening"].items()}
        return table

    def write(self, text: str) -> str:
        """`text` in the texts' spelling, its first letter a capital: the names of several words they write with
        capitals as they write them, then each other word with a capital where they write it so at least twice as
        often as without one."""
        spans: list[tuple[int, int, str]] = []
        tokens = list(_TOKEN.finditer(text))
        i = 0
        while i < len(tokens):  # the longest name that starts at each word
            for j in range(min(len(tokens), i + NAME_WORDS), i + 1, -1):
                forms = self._name(" ".join(t.group().lower() for t in tokens[i:j]))
                if forms:
                    spans.append((tokens[i].start(), tokens[j - 1].end(), forms.most_common(1)[0][0]))
                    i = j - 1
                    break
            i += 1
        out, at = [], 0
        for start, end, name in spans:
            out += [_WORD.sub(self._written, text[at:start]), name]
            at = end
        out.append(_WORD.sub(self._written, text[at:]))
        written = "".join(out)
        return written[:1].upper() + written[1:]

    def _name(self, words: str) -> Counter[str] | None:
        """How the texts write a name of several words (`words` in small letters): inside a sentence, or opening one
        where its first word is never written small ("Amnesty International", not "The State Duma")."""
        first = words.split(None, 1)[0]
        return self.names.get(words) or (self.opening.get(words) if not self.small[first] and first not in NOT_NAMES
                                         else None)

    def _written(self, m: re.Match) -> str:
        word = m.group().lower()
        if word in NOT_NAMES:
            return word
        if word in _countries():
            return _countries()[word]
        capitalised = self._capitalised(word)
        if capitalised:
            return capitalised
        if word not in self.capitals and not self.small[word]:  # a name as another language spells it ("sjojgoe")
            return self._as_spelled().get(spelling(word), word)
        return word

    def _capitalised(self, word: str) -> str:
        """How the texts write `word` where they write it with a capital at least twice as often as without; or ""."""
        forms = self.capitals.get(word)
        return forms.most_common(1)[0][0] if forms and sum(forms.values()) >= 2 * self.small[word] else ""

    def _as_spelled(self) -> dict[str, str]:
        """The words written mostly with a capital, by their spelling folded and transliterated (rag.names)."""
        if self._spelled is None:
            self._spelled = {}
            # the most written last: of two spelled alike, it wins
            for word in sorted(self.capitals, key=lambda w: sum(self.capitals[w].values())):
                capitalised = self._capitalised(word)
                if capitalised:
                    self._spelled[spelling(word)] = capitalised
        return self._spelled


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Countries' names of one word in English and Dutch, by their small letters ("frankrijk": "Frankrijk"); a word of
    a longer one may be no name alone ("Verenigde Staten")."""
    return {name.lower(): name for name in country_names() if _WORD.fullmatch(name)}


def cased(question: str, spellings: Callable[[], Spellings]) -> str:
    """The question with its names' capitals where it `lacks_case`, as `spellings()` (asked only then) write them."""
    return spellings().write(question) if lacks_case(question) else question
