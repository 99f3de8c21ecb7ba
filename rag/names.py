"""Names in questions and passages, matched across Dutch and English.

A name the question gives ("the 2008 treaty" has none; "Germany", "Sunak", "the Arms Trade
Treaty" do) pins down what it is about: a passage that never mentions it rarely answers. Names
are matched three ways, cheapest first:
- spelling, with case, accents and Dutch transliteration aside ("Poetin" = "Putin",
  "Sjojgoe" = "Shoigu", "ATACMS" in "ATACMS-raketten");
- a short table of institutions whose Dutch abbreviation differs (NAVO = NATO), and a country's names in English
  and Dutch, short forms among them ("VS" = "United States" = "Amerika", ISO 3166 by pycountry), and the words for
  its people ("Spaanse" = "Spanish" = Spain, rag.country_words);
- the multilingual encoder for translations ("Duitsland" ~ "Germany", "Witte Huis" ~ "White
  House", "Arms Trade Treaty" ~ "wapenhandelsverdrag"); vectors are cached per name. A word of
  a name of several words may also be a plain word there ("Chemical Weapons Convention" in
  "verdrag inzake chemische wapens"); a name of one word may not ("Koningsdag" is no "koning").
Whether a name is a country's is looked up among the ISO 3166 names in English and Dutch (pycountry).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from rag.country_words import capitals, demonyms
from rag.text import STOPWORDS, content_words, fold
from rag.vector_cache import cache_for

SAME_MEANING = 0.7  # cosine above which two names are translations of each other
SAME_SPELLING = 0.8  # similarity of transliterated spellings ("medvedjev" ~ "medvedev")
COMPOUND = 12  # lowercase words this long may be names in Dutch ("wapenhandelsverdrag")
SHORT = 3  # a name this short is an abbreviation, found only as a word of its own
# where a sentence's subject stands: among its first words ("Duitsland levert", "Op 9 mei maakte Duitsland"), not
# "Zelensky bevestigde dinsdagavond ... en bedankte de Verenigde Staten voor de levering"
SUBJECT_WORDS = 8
PLAIN_SPAN = 2  # a name written plainly: its words among this many more neighbouring words ("verdrag inzake ...")
ALIASES = [{"navo", "nato"}, {"vn", "un", "verenigde naties", "united nations"}, {"hrw", "human rights watch"}]
_TRANSLITERATION = [("sj", "sh"), ("oe", "u"), ("j", "i"), ("y", "i"), ("ch", "k"), ("c", "k"), ("w", "v")]
_TOKEN = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"['’]s$")  # "Ukraine's" names Ukraine
_ACRONYM = re.compile(r"[A-Z]{2,}")
_BREAK = re.compile(r"[,;()\[\]\"“”]")  # punctuation between two capitalised words parts their names
# Capitalised, but not names: months and days (English capitalises them), besides the stopwords but "New",
# which starts names ("New Zealand", "New START").
NOT_NAMES = (STOPWORDS - {"new"}) | frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    # a preposition that opens a sentence: "Volgens Amerikaanse functionarissen ...", "Volgens Human Rights Watch ..."
    "volgens according namens tijdens during".split())


def spelling(name: str) -> str:
    """A name folded and transliterated, to compare Dutch and English spellings."""
    key = fold(name).replace("-", " ").replace("’", "'")
    for a, b in _TRANSLITERATION:
        key = key.replace(a, b)
    return key


# compared as spelled: "hrw" is "hrv" once transliterated
@lru_cache(maxsize=1)
def _aliases() -> dict[str, frozenset[str]]:
    """For each spelling of an alias (ALIASES, a country's names and the words for its people: "Spanish" is Spain),
    all of that name's spellings."""
    found = {}
    for alias in [*ALIASES, *(forms | demonyms(code) for code, forms in _country_names().items())]:
        spelled = frozenset(spelling(a) for a in alias)
        found.update(dict.fromkeys(spelled, spelled))
    return found


@lru_cache(maxsize=1)
def _listed() -> frozenset[str]:
    """The spellings of ALIASES."""
    return frozenset(spelling(a) for alias in ALIASES for a in alias)


def same_name(word: str) -> str:
    """One key for the spellings and aliases of a name: "Koepjansk" and "Kupiansk", "NAVO" and "NATO", "VS" and
    "United States"."""
    key = spelling(word)
    return min(_aliases().get(key, [key]))


def name_keys(text: str) -> list[str]:
    """The words of the text's names (`names_in`) as `word_keys`, each once: kept with a chunk, they find the chunks
    that name someone the question's vector does not bring near (rag.retrieval)."""
    return sorted({key for name in names_in(text) for key in word_keys(name)})


def word_keys(name: str) -> list[str]:
    """The words of a name of three letters or more, as spelled for comparison (`spelling`: "António" is "antonio")."""
    return [spelling(word) for word in name.split() if len(word) >= 3]


def names_in(text: str) -> list[str]:
    """Runs of capitalised words ("Arms Trade Treaty", "Jake Sullivan") and acronyms; a sentence's
    first word only when it is an acronym, starts a run or is a country's name ("China sloot zich aan."); no
    stopwords."""
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+", text):
        matches = list(_TOKEN.finditer(sentence))
        tokens = [m.group() for m in matches]
        run: list[str] = []
        for i, token in enumerate(tokens + [""]):
            capital = bool(token) and token[0].isupper() and fold(token) not in NOT_NAMES
            # a sentence's first word is a name when a country's: "China sloot zich in 2020 aan."
            first_ok = (i > 0 or (token.isupper() and len(token) > 1) or (len(tokens) > 1 and tokens[1][:1].isupper())
                        or is_country(token))
            if run and token and _BREAK.search(sentence, matches[i - 1].end(), matches[i].start()):
                found.extend(_apart_from_country(run))  # "to Ukraine, Russia's armed forces": two names
                run = []
            if capital and first_ok:
                run.append(_POSSESSIVE.sub("", token).strip("’'-"))
                if _POSSESSIVE.search(token):  # "Sweden's NATO membership": two names
                    found.extend(_apart_from_country(run))
                    run = []
            elif run:
                found.extend(_apart_from_country(run))
                run = []
    return list(dict.fromkeys(found))


def _apart_from_country(run: list[str]) -> list[str]:
    """A run of capitalised words as one name, or two where it ends in a country's name that the whole is not: Dutch
    puts subject and object side by side ("Waarmee dreigde Medvedev Nederland?")."""
    for k in range(1, len(run)):
        if is_country(" ".join(run[k:])):
            return [" ".join(run)] if is_country(" ".join(run)) else [" ".join(run[:k]), " ".join(run[k:])]
    return [" ".join(run)]


def beside_names(text: str, names: list[str]) -> list[str]:
    """The content words of `text` once its `names` are taken out."""
    for name in names:
        text = text.replace(name, " ")
    return content_words(text)


@lru_cache(maxsize=8192)
def candidate_names(text: str) -> tuple[str, ...]:
    """What a name in the question may match in a passage: its names, every capitalised word (a
    sentence may start with one: "Duitsland stuurt..."), long compounds."""
    runs = names_in(text)
    tokens = _TOKEN.findall(text)
    words = {t for t in tokens if t[:1].isupper() and fold(t) not in NOT_NAMES}
    compounds = {w for w in tokens if len(w) >= COMPOUND and w.islower()}
    return tuple(dict.fromkeys([*runs, *sorted(words), *sorted(compounds)]))


_WRITTEN_PLAINLY: dict[tuple, bool] = {}


@lru_cache(maxsize=8192)
def _plain_words(text: str) -> tuple[list[str], np.ndarray]:
    """The text's plain words (no stopwords) once each, and for each of its words in order its index
    among them (-1 for a stopword)."""
    tokens = [fold(t) for t in _TOKEN.findall(text)]
    vocabulary = list(dict.fromkeys(t for t in tokens if t not in STOPWORDS and len(t) > 2))
    index = {t: i for i, t in enumerate(vocabulary)}
    return vocabulary, np.array([index.get(t, -1) for t in tokens], dtype=int)


@lru_cache(maxsize=8192)
def _profile(text: str) -> tuple[str, tuple[str, ...]]:
    """A passage's spelling, and its candidate names' spellings (passages recur from search to search)."""
    return spelling(text), tuple(dict.fromkeys(spelling(c) for c in candidate_names(text)))


def _mentioned(name: str, text: str, translated: frozenset[str]) -> bool:
    """The text mentions the name as a whole, or every word of it (by spelling, or as one of the
    `translated` names)."""
    def found_word(word: str) -> bool:
        return _found(word, text, translated) or any(_found(part, text, translated)
                                                     for part in word.split("-") if part[:1].isupper())

    return _found(name, text, translated) or all(found_word(w) for w in name.split())


@lru_cache(maxsize=8192)
def _by_spelling(name: str, text: str) -> bool:
    """The text mentions the name by its spelling, an alias, or a spelling near it ("medvedjev" ~ "medvedev")."""
    folded, spelled = _profile(text)
    key = spelling(name)
    # a longer name may begin a word ("Poetins", "NAVO-top"); an abbreviation must be one ("US" is not in "USAI")
    tail = r"(?!\w)" if len(key) <= SHORT else ""
    if len(key) > 1 and re.search(rf"(?<!\w){re.escape(key)}{tail}", folded):
        return True
    if any(re.search(rf"(?<!\w){re.escape(o)}(?!\w)", folded) for o in _aliases().get(key, {key}) - {key}):
        return True
    # not another known name's ("verenigde naties" is spelled near "verenigde staten")
    known = _aliases() if key in _aliases() else {}
    near = [other for other in spelled if abs(len(other) - len(key)) <= 3 and other not in known]
    return process.extractOne(key, near, scorer=fuzz.ratio, score_cutoff=100 * SAME_SPELLING) is not None


def spelled_out(name: str, text: str) -> bool:
    """The text writes the name whole (by its spelling, an alias, or a spelling near it), not only each of its words
    somewhere."""
    return _by_spelling(name, text)


def _found(name: str, text: str, translated: frozenset[str]) -> bool:
    return _by_spelling(name, text) or name in translated


# Countries as people write them, besides their ISO 3166 names in English and Dutch
SHORT_FORMS = {"RU": ["Russia"], "GB": ["Britain", "Great Britain", "Groot-Brittannië", "UK", "VK"],
               "US": ["America", "Amerika", "US", "USA", "VS", "VSA"], "TR": ["Turkey"], "NL": ["Holland"]}


def is_country(name: str) -> bool:
    """Whether the name is a country's ("Duitsland", "the Netherlands", "Ukraine's"), not a person's, a title
    ("President") or an alliance ("NAVO")."""
    return _key(name) in _countries()


def _key(name: str) -> str:
    """A name as its country's names are looked up: spelled, without a possessive ("Denmark's": denmark)."""
    return spelling(_POSSESSIVE.sub("", name))


def of_country(word: str) -> bool:
    """Whether the word names a country or its people ("Spain", "Spaanse", "Denmark's")."""
    return known_name(word) and _key(word) not in _listed()


def capital_of(name: str) -> frozenset[str]:
    """The names of the capital of the country a name or a word for its people names ("Amerikaanse": Washington)."""
    return _capitals().get(_key(name), frozenset())


def is_capital(name: str) -> bool:
    """Whether the name is a capital's that rag.country_words lists ("Berlin", "Moskou")."""
    return spelling(name) in _capital_spellings()


@lru_cache(maxsize=1)
def _capital_spellings() -> frozenset[str]:
    return frozenset(spelling(c) for forms in _capitals().values() for c in forms)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, frozenset[str]]:
    return {spelling(word): capitals(code) for code, forms in _country_names().items() if capitals(code)
            for word in forms | demonyms(code)}


def known_name(word: str) -> bool:
    """Whether the word names a country, its people or a body with known aliases ("Spaanse", "UN", "NAVO")."""
    return _key(word) in _aliases()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, frozenset[str]]:
    """By ISO 3166 code, a country's names in English and Dutch (pycountry) and SHORT_FORMS."""
    import gettext

    import pycountry

    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"], fallback=True)
    names = {}
    for country in pycountry.countries:
        forms = {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")} - {""}
        names[country.alpha_2] = frozenset(forms | {dutch.gettext(f) for f in forms}
                                           | set(SHORT_FORMS.get(country.alpha_2, [])))
    return names


def country_names() -> list[str]:
    """Every country's names in English and Dutch, as written ("Verenigde Staten", "Korea, Republic of")."""
    return sorted({name for forms in _country_names().values() for name in forms})


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Every country's names, spelled as `spelling` folds them, and their part before a comma ("Korea, Republic
    of": "Korea", which names no one country)."""
    return frozenset(spelling(f) for forms in _country_names().values() for name in forms
                     for f in (name, name.split(",")[0]))


def _own_word(word: str, name: str) -> bool:
    """`word` is one of the words of `name` but its last, which may name it alone (a surname: "Wallace")."""
    return fold(word) in {fold(w) for w in re.split(r"[\s-]+", name)[:-1]}


class NameMatcher:
    """Finds a question's names in passages, with the embedder's cached vectors for translations."""

    def __init__(self, embedder):
        self.vectors = cache_for(embedder)
        self.spec = getattr(embedder, "spec", None) or id(embedder)

    def coverage(self, asked: list[str], texts: list[str], *, translations: bool = True) -> list[float]:
        """For each text, the share of the asked names it mentions (1.0 when none are asked).

        A run of several words counts as mentioned when the run matches as a whole, or every
        word of it does ("Sunak Oekraïne Challenger" in a Dutch question is three names; in
        "START-verdrag" the name is the capitalised part). Translations are looked up, with the
        encoder, only for texts where spelling leaves a name unfound."""
        if not asked:
            return [1.0] * len(texts)
        out = []
        for text in texts:
            unfound = [a for a in asked if not _mentioned(a, text, frozenset())]
            if unfound and translations:
                translated = frozenset(self._translations(unfound, text))
                unfound = [a for a in unfound if not _mentioned(a, text, translated)]
            out.append(1 - len(unfound) / len(asked))
        return out

    def country_instead(self, country: str, context: str, sentence: str, question: str) -> str:
        """Another country than `country` (and those the question names) that stands where a subject does in the
        `sentence` or the one before it (`context` is both), when they leave `country` out; or ""."""
        if self.coverage([country], [context])[0] >= 1.0:
            return ""
        for part in (context[:len(context) - len(sentence)].strip(), sentence):
            # capitalised words too, as a sentence's subject often opens it ("Duitsland levert ...")
            for name in candidate_names(part):
                at = part.find(name)
                if (name[:1].isupper() and 0 <= at and len(_TOKEN.findall(part[:at])) < SUBJECT_WORDS
                        and is_country(name) and self.coverage([name], [question])[0] < 1.0):
                    return name
        return ""

    def _translations(self, asked: list[str], text: str) -> set[str]:
        """The asked names (and their words) whose meaning a name in `text` shares, and the words of
        names of several words that `text` writes plainly ("Chemical Weapons Convention")."""
        # a name whose every spelling ALIASES lists has no other ("United Nations" is not "Verenigde Staten")
        asked = [a for a in asked if spelling(a) not in _listed()]
        names = list(dict.fromkeys(w for a in asked for w in [a, *re.split(r"[\s-]+", a)] if w))
        held = list(candidate_names(text))
        # two abbreviations alike in vector are seldom the same thing ("OPCW" ~ "CCW"); one may stand for a name
        # written out ("US" ~ "Verenigde Staten")
        found = (self._similar([n for n in names if not _ACRONYM.fullmatch(n)], held)
                 | self._similar([n for n in names if _ACRONYM.fullmatch(n)],
                                 [h for h in held if not _ACRONYM.fullmatch(h)]))
        return found | {w for a in asked if " " in a and self._written_plainly(a, text) for w in a.split()}

    def _written_plainly(self, name: str, text: str) -> bool:
        """Every word of the name means the same as one of a few neighbouring words of the text, as
        Dutch writes many English names ("Chemical Weapons Convention": "verdrag inzake chemische wapens")."""
        key = (self.spec, name, text)  # the reader asks again for each sentence it reads, search for each passage
        found = _WRITTEN_PLAINLY.get(key)
        if found is None:
            if len(_WRITTEN_PLAINLY) >= 8192:
                _WRITTEN_PLAINLY.clear()
            found = _WRITTEN_PLAINLY[key] = self._plainly(name, text)
        return found

    def _plainly(self, name: str, text: str) -> bool:
        vocabulary, at = _plain_words(text)
        if not vocabulary:
            return False
        words = [fold(w) for w in name.split()]
        close = self.vectors.cosines(words, vocabulary) >= SAME_MEANING  # word x vocabulary
        close = np.hstack([close, np.zeros((len(words), 1), dtype=bool)])  # where `at` is -1
        seen = np.zeros((len(words), len(at) + 1), dtype=int)
        seen[:, 1:] = np.cumsum(close[:, at], axis=1)  # per word, how often it was met up to each token
        span = min(len(words) + PLAIN_SPAN, len(at))
        return bool(((seen[:, span:] - seen[:, :-span]) > 0).all(axis=0).any())

    def _similar(self, asked: list[str], held: list[str]) -> set[str]:
        """The asked names whose vector is close to a held name's, that name not one of their own words but the
        last ("New" is near "New START", and tells nothing of it), nor, where both have known aliases (a country's
        names, ALIASES), one that is none of them: "Verenigde Naties" is near "Verenigde Staten"."""
        if not asked or not held:
            return set()
        aliases = _aliases()
        return {n for n, row in zip(asked, self.vectors.cosines(asked, held))
                if any(c >= SAME_MEANING and not _own_word(h, n)
                       and not (spelling(n) in aliases and spelling(h) in aliases) for c, h in zip(row, held))}
