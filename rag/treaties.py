"""Which treaty a text names, by what it says the treaty is on: "the Convention on Cluster Munitions" and
"het verdrag tegen clustermunitie" are one treaty, "het Verdrag inzake chemische wapens" another; a deal too ("de
graandeal", "the Black Sea Grain Initiative").

News on arms control names several treaties side by side, with their own years, members and places, so the
reader quotes no sentence about another treaty than the one a question names (rag.reader)."""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from rag.sentences import plain_split
from rag.text import STOPWORDS, fold
from rag.vector_cache import cache_for

# one treaty: a plural names a kind of them ("ontwapeningsverdragen", "arms control treaties")
_HEAD = r"(?:treaty|convention|verdrag|conventie|deal|agreement|initiative|akkoord|overeenkomst)"
_NAMED = [
    # "clustermunitieverdrag", "wapenhandelsverdrag", "Ottawa-verdrag", "graandeal"
    re.compile(r"\b([\w-]{3,}?)-?(?:verdrag|deal|akkoord|overeenkomst)\b", re.I),
    # "Chemical Weapons Convention", "the Ottawa treaty", "Comprehensive Nuclear-Test-Ban Treaty", "the Black Sea grain
    # deal"
    re.compile(rf"((?:\b[A-Z][\w-]*\s+){{1,4}}(?:[a-z][\w-]*\s+)?)(?i:{_HEAD})\b"),
]
# "Convention on Cluster Munitions", "verdrag tegen clustermunitie", "Verdrag inzake chemische wapens"
_ON = re.compile(rf"\b{_HEAD}\s+(?:on|against|inzake|tegen|over)\s+(?:the\s+|de\s+|het\s+)?((?:[\w-]+\s*){{1,3}})",
                 re.I)
# in a question only: "the cluster munitions treaty" (in articles such words are as often "an international treaty")
_DESCRIBED = re.compile(rf"\bthe\s+((?:[a-z][\w-]*\s+){{1,2}}){_HEAD}\b")
# one treaty under two names: "The Mine Ban Treaty, usually called the Ottawa Convention", "kortweg CCW genoemd"
_ALIAS = re.compile(r"\b(?:usually called|also called|also known as|better known as|commonly known as|ook wel|"
                    r"beter bekend als|kortweg|doorgaans)\b", re.I)
# treaties that news names by their abbreviation alone ("India, Pakistan and Israel never signed the NPT"), each with
# what it is on, so that a sentence naming one is about it, whichever of the two a question gives
ABBREVIATIONS = {"NPT": "non-proliferation", "CTBT": "nuclear test ban", "ATT": "arms trade",
                 "CCW": "certain conventional weapons", "CWC": "chemical weapons", "BWC": "biological weapons",
                 "CCM": "cluster munitions", "TPNW": "prohibition of nuclear weapons",
                 "INF": "intermediate-range nuclear forces", "START": "strategic arms reduction"}
_ABBREVIATED = re.compile(rf"(?:\bNew\s+)?\b({'|'.join(ABBREVIATIONS)})\b")  # "New START" by its name
_ABBREVIATED_NAMES = {name for pair in ABBREVIATIONS.items() for name in (pair[0].lower(), pair[1])}
SAME_FUZZY = 80  # spelling ratio of two qualifiers taken as one ("cluster munitions" ~ "clustermunitie")
SAME_MEANING = 0.6  # their vectors' cosine taken as one across languages ("wapenhandel" ~ "arms trade": 0.76)


def treaties_in(text: str, question: bool = False) -> list[str]:
    """What each treaty `text` names is on, lowercased: "cluster munitions", "chemische wapens", "ottawa".
    A treaty named by its year only ("the 2008 treaty") or by nothing ("het verdrag") is none."""
    return list(_treaties_in(text, question))


@lru_cache(maxsize=8192)  # the same sentences and passages are read for question after question
def _treaties_in(text: str, question: bool) -> tuple[str, ...]:
    found = []
    for name, _, _ in _named(text, question):
        found += [name, ABBREVIATIONS[name.upper()]] if name.upper() in ABBREVIATIONS else [name]
    return tuple(dict.fromkeys(found))


def _named(text: str, question: bool) -> list[tuple[str, int, int]]:
    """Each treaty the text names: what it is on, lowercased, and where the words that name it start and end."""
    found = []
    for pattern in _NAMED + [_ON] + ([_DESCRIBED] if question else []):
        for match in pattern.finditer(text):
            words: list[str] = []
            start = end = match.start(1)
            for word in re.finditer(r"\S+", match.group(1)):
                if fold(word.group()) in STOPWORDS and not words:  # "the", "which": "Which Geneva Convention"
                    start = match.start(1) + word.end()
                    continue
                # a name after its head ends where its capitals do ("Convention on Cluster Munitions now has")
                if fold(word.group()) in STOPWORDS or word.group().isdigit() or (
                        pattern is _ON and words and words[0][:1].isupper() and word.group().islower()):
                    break
                words.append(word.group())
                end = match.start(1) + word.end()
            if words:
                # the head before what the treaty is on ("Convention on ..."), or after it ("Ottawa treaty")
                found.append((" ".join(words).lower(), match.start(), end) if pattern is _ON
                             else (" ".join(words).lower(), len(text) - len(text[start:].lstrip()), match.end()))
    found += [(m.group(1).lower(), m.start(), m.end()) for m in _ABBREVIATED.finditer(text)]
    return found


def with_treaty_of(question: str, follow_up: str) -> str:
    """The `question` asked of the treaty the `follow_up` names in place of its own ("When was the NPT signed?", "And
    the Ottawa treaty?": "When was the Ottawa treaty signed?"), or "" where either names none."""
    old, new = (sorted(_named(text, True), key=lambda n: (n[1], n[1] - n[2])) for text in (question, follow_up))
    if not old or not new:
        return ""
    (_, start, end), (_, new_start, new_end) = old[0], new[0]
    return f"{question[:start]}{follow_up[new_start:new_end]}{question[end:]}"


def same_treaty(a: str, b: str, embedder) -> bool:
    """Two qualifiers (as `treaties_in` gives them) name one treaty: spelled alike, or alike in meaning."""
    if fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) >= SAME_FUZZY:
        return True
    if cache_for(embedder).cosines([a], [b])[0, 0] >= SAME_MEANING:
        return True
    # one word, spelled as one of a longer name's: "graan" (the "graandeal") for the "Black Sea Grain Initiative"
    short, long = sorted((a.split(), b.split()), key=len)
    return len(short) == 1 < len(long) and any(fuzz.ratio(short[0], word) >= SAME_FUZZY for word in long)


class AskedTreaties:
    """The treaties a question names (`treaties_in`), and which texts name them; each name met is compared with
    them once, as a question's reader asks of hundreds of sentences."""

    def __init__(self, question: str, embedder):
        self.asked = treaties_in(question, question=True)
        # a treaty asked by its abbreviation ("the CCW treaty") is the one a text names so as a word
        written = [re.compile(rf"\b{re.escape(a.upper())}\b") for a in self.asked if " " not in a]
        self.abbreviations = [pattern for pattern in written if pattern.search(question)]
        self.embedder = embedder
        self._same: dict[str, bool] = {}
        self._alias_cache: dict[str, set[str]] = {}

    def _is_asked(self, name: str) -> bool:
        if name not in self._same:
            self._same[name] = any(same_treaty(a, name, self.embedder) for a in self.asked)
        return self._same[name]

    def named_in(self, text: str) -> bool:
        """The text names one of the asked treaties."""
        return any(self._is_asked(name) for name in _treaties_in(text, False)) or self._abbreviated(text)

    def _abbreviated(self, text: str) -> bool:
        return any(a.search(text) for a in self.abbreviations)

    def with_names(self, shares: list[float], asked_names: list[str], texts: list[str]) -> list[float]:
        """Each text's share of the question's names (`shares` of its `asked_names`), with the asked treaties one
        name more, held by a text that names one."""
        if not self.asked:
            return shares
        n = len(asked_names)
        return [(share * n + self.named_in(text)) / (n + 1) for share, text in zip(shares, texts)]

    def other_in(self, text: str, title: str = "", article: str = "") -> bool:
        """The text names treaties, none of them asked; or it names none, and its article's `title` names only others
        ("Ongeveer 126 landen zijn partij bij het CCW." under "Verdrag over bepaalde conventionele wapens uit 1980"),
        unless the `article` (what is read of it) names the asked one by its abbreviation ("kortweg CCW genoemd")."""
        if not self.asked or self._abbreviated(text):
            return False
        named = _treaties_in(text, False)
        if not named and self._abbreviated(article):
            return False
        # (not by an abbreviation the title lists among others: "New START suspended, NPT and test ban under pressure")
        named = named or tuple(name for name in _treaties_in(title, False) if name not in _ABBREVIATED_NAMES)
        return bool(named) and not any(self._is_asked(name) or name in self._aliases(article) for name in named)

    def _aliases(self, article: str) -> set[str]:
        """The names the `article` gives an asked treaty besides the asked one ("The Mine Ban Treaty, usually called
        the Ottawa Convention": "ottawa" for a question on the mine ban treaty)."""
        if article not in self._alias_cache:
            found: set[str] = set()
            for sentence in plain_split(article) if _ALIAS.search(article) else ():
                names = _treaties_in(sentence, False)
                if _ALIAS.search(sentence) and any(self._is_asked(name) for name in names):
                    found.update(names)
            self._alias_cache[article] = found
        return self._alias_cache[article]
