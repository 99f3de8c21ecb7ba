"""Which treaty a text names, by what it says the treaty is on: "the Convention on Cluster Munitions" and
"het verdrag tegen clustermunitie" are one treaty, "het Verdrag inzake chemische wapens" another.

News on arms control names several treaties side by side, with their own years, members and places, so the
reader quotes no sentence about another treaty than the one a question names (rag.reader)."""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from rag.text import STOPWORDS, fold
from rag.vector_cache import cache_for

_HEAD = r"(?:treaty|treaties|convention|verdrag|verdragen|conventie)"
_NAMED = [
    # "clustermunitieverdrag", "wapenhandelsverdrag", "Ottawa-verdrag"
    re.compile(r"\b([\w-]{3,}?)-?verdrag(?:en)?\b", re.I),
    # "Chemical Weapons Convention", "the Ottawa treaty", "Comprehensive Nuclear-Test-Ban Treaty"
    re.compile(rf"((?:\b[A-Z][\w-]*\s+){{1,4}})(?i:{_HEAD})\b"),
    # "Convention on Cluster Munitions", "verdrag tegen clustermunitie", "Verdrag inzake chemische wapens"
    re.compile(rf"\b{_HEAD}\s+(?:on|against|inzake|tegen|over)\s+(?:the\s+|de\s+|het\s+)?((?:[\w-]+\s*){{1,3}})", re.I),
]
# in a question only: "the cluster munitions treaty" (in articles such words are as often "an international treaty")
_DESCRIBED = re.compile(rf"\bthe\s+((?:[a-z][\w-]*\s+){{1,2}}){_HEAD}\b")
SAME_FUZZY = 80  # spelling ratio of two qualifiers taken as one ("cluster munitions" ~ "clustermunitie")
SAME_MEANING = 0.6  # their vectors' cosine taken as one across languages ("wapenhandel" ~ "arms trade": 0.76)


def treaties_in(text: str, question: bool = False) -> list[str]:
    """What each treaty `text` names is on, lowercased: "cluster munitions", "chemische wapens", "ottawa".
    A treaty named by its year only ("the 2008 treaty") or by nothing ("het verdrag") is none."""
    found = []
    for pattern in _NAMED + ([_DESCRIBED] if question else []):
        for match in pattern.finditer(text):
            words: list[str] = []
            for word in match.group(1).split():
                if fold(word) in STOPWORDS and not words:  # "the", "which": "Which Geneva Convention"
                    continue
                # a name ends where its capitals do ("Convention on Cluster Munitions now has")
                if fold(word) in STOPWORDS or word.isdigit() or (words and words[0][:1].isupper() and word.islower()):
                    break
                words.append(word)
            if words:
                found.append(" ".join(words).lower())
    return list(dict.fromkeys(found))


def same_treaty(a: str, b: str, embedder) -> bool:
    """Two qualifiers (as `treaties_in` gives them) name one treaty: spelled alike, or alike in meaning."""
    if fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) >= SAME_FUZZY:
        return True
    return bool(cache_for(embedder).cosines([a], [b])[0, 0] >= SAME_MEANING)


def names_treaty(asked: list[str], text: str, embedder) -> bool:
    """The text names one of the `asked` treaties."""
    return any(same_treaty(a, b, embedder) for a in asked for b in treaties_in(text))


def with_treaties(shares: list[float], asked_names: list[str], asked: list[str], texts: list[str],
                  embedder) -> list[float]:
    """Each text's share of a question's names (`shares` of its `asked_names`), with the `asked` treaties (its
    `treaties_in`) one name more, held by a text that names one."""
    if not asked:
        return shares
    n = len(asked_names)
    return [(share * n + names_treaty(asked, text, embedder)) / (n + 1) for share, text in zip(shares, texts)]


def about_other_treaty(asked: list[str], text: str, embedder, title: str = "") -> bool:
    """The text names treaties, and none is one of the `asked` (the question's `treaties_in`); or it names none,
    and its article's `title` names only others ("Ongeveer 126 landen zijn partij bij het CCW." under "Verdrag over
    bepaalde conventionele wapens uit 1980 ...")."""
    if not asked:
        return False
    named = treaties_in(text) or treaties_in(title)
    return bool(named) and not any(same_treaty(a, b, embedder) for a in asked for b in named)
