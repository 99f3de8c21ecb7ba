"""Words and numbers of Dutch and English text, compared the same way by every part that compares texts.

- `numbers_in`: numbers in one canonical form, so "800.000", "800,000" and "800000" are equal,
  and so are "2,35" and "2.35" (the encoder hardly tells numbers apart; they read the same in
  every language);
- `terms`: a text's content words folded (lowercase, no accents), stopwords dropped,
  Snowball-stemmed in the text's language, and its numbers; `shared_rare` weighs the terms a
  question shares with each of several texts by how rare they are among them.
"""
from __future__ import annotations

import math
import re
import threading
import unicodedata
from functools import lru_cache

from rag.language import LANGUAGE_NAMES, language_name

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")

STOPWORDS = frozenset("""
a about above after again against all also although am an and any are around as at be been before being
below between both but by can could did do does doing done down during each either even ever every few for
from further get got had has have having he her here hers him his how however i if in into is it its itself
just last many may might more most much must my near neither new no nor not now of off on once one only or
other our out over own per said same says she should since so some still such than that the their them
then there these they this those though through to too under until up upon very was we were what when
where whether which while who whom whose why will with within without would year years yet you your
aan al alle alleen als altijd ander andere bij binnen daar daarom dan dat de deze die dit doch doen door
dus echter een eens eer en enkele er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun
doet deed deden gedaan
iemand iets ik in is ja je jaar jaren kan kon kunnen maar me meer men met mij mijn moet na naar niet
niets nog nu of om omdat onder ons ook op over reeds sinds te tegen toch toen tot u uit uw van veel voor
want waren was wat we wel welk welke werd wordt worden wie wij zal ze zei zegt zelf zich zij zijn zo zonder
zou waar wanneer waarom hoeveel hoe
happen happened happens happening gebeuren gebeurde gebeurden gebeurd gebeurt
""".split())


_WORD_OR_NUMBER = re.compile(r"\w+")
# between double quotes, or single ones that no letter touches from outside ("Sweden's" holds no quote)
_QUOTED = re.compile(r"[\"“„”]([^\"“„”]+)[\"”“]|(?<!\w)['‘]([^'‘’]+)['’](?!\w)")


def quoted(text: str) -> list[str]:
    """The words the text quotes, two or more at a time ('Who said "as long as it takes"?': as long as it takes)."""
    found = ((m.group(1) or m.group(2)).strip(" ,.") for m in _QUOTED.finditer(text))
    return [q for q in found if len(q.split()) >= 2]


def holds_words(text: str, quote: str) -> bool:
    """The text holds the quoted words in that order, whatever their case, accents and punctuation."""
    return f" {' '.join(_WORD_OR_NUMBER.findall(fold(quote)))} " in f" {' '.join(_WORD_OR_NUMBER.findall(fold(text)))} "


def fold(word: str) -> str:
    """Lowercase without accents: "Oekraïne" -> "oekraine"."""
    word = word.lower()
    return word if word.isascii() else _marks().sub("", unicodedata.normalize("NFKD", word))


@lru_cache(maxsize=1)
def _marks() -> re.Pattern:
    """The combining marks (accents) of the Basic Multilingual Plane, as one character class."""
    return re.compile("[" + re.escape("".join(c for c in map(chr, range(0x10000)) if unicodedata.combining(c))) + "]")


def canonical_number(number: str) -> str:
    """"800.000" / "800,000" -> "800000"; "2,35" / "2.35" -> "2.35"."""
    if _THOUSANDS.match(number):
        return re.sub(r"[.,]", "", number)
    return number.replace(",", ".")


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text`, in canonical form."""
    return {canonical_number(n) for n in NUMBER.findall(text)}


def words(text: str) -> list[str]:
    """The words of `text` (letters only; numbers are `numbers_in`'s)."""
    return WORD.findall(text)


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    import Stemmer

    # A Stemmer object is not thread-safe; the web app answers several questions at once.
    return Stemmer.Stemmer(language_name(lang).lower()), threading.Lock()


def stem(folded_words: list[str], lang: str) -> list[str]:
    """Snowball stems of already folded words, in the language `lang` (English where unknown)."""
    stemmer, lock = _stemmer(lang if lang in LANGUAGE_NAMES else "en")
    with lock:
        return stemmer.stemWords(folded_words)


def content_words(text: str) -> list[str]:
    """The text's content words, folded, without stopwords or repeats, in order; a hyphenated word
    also by its parts ("navo-top": "navo", "top"). Numbers are `numbers_in`'s."""
    found = []
    for word in (fold(w) for w in words(text)):
        found += [word, *word.split("-")] if "-" in word else [word]
    return list(dict.fromkeys(w for w in found if w not in STOPWORDS and len(w) > 2))


@lru_cache(maxsize=8192)
def terms(text: str, lang: str) -> frozenset[str]:
    """The text's content terms: its words folded, stopwords dropped, Snowball-stemmed in `lang`; and its
    numbers. Cached: search and the reader meet the same passages again and again."""
    unique = {w for w in words(fold(text)) if w not in STOPWORDS and len(w) > 1}
    return frozenset(stem(list(unique), lang)) | numbers_in(text)


def shared_rare(asked: frozenset[str], held: list[frozenset[str]]) -> list[float]:
    """For each set of terms in `held`, the share of the `asked` terms it holds, each weighed by how rare
    it is among them, as BM25 weighs by rarity in a collection: a term that most of them hold (the
    archive's topic) tells them apart less than a rare one."""
    if not asked or not held:
        return [0.0] * len(held)
    rarity = {t: math.log((len(held) + 1) / (sum(t in h for h in held) + 0.5)) for t in asked}
    total = sum(rarity.values())
    return [sum(rarity[t] for t in asked & h) / total for h in held]
