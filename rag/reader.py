"""The extractive reader: the sentence of the retrieved passages that answers the question, quoted.

Without a language model this is the answer people see, so it reads the question first:
- what it asks for (rag.answer_kinds: a date, a number in its unit or of the thing it counts,
  an amount, a place, a name, a reason), from its question words in Dutch or English, and for
  "which X" the kind of thing X ("Which bridge...?" by the sentence that names a bridge);
- the names and numbers that pin down what it is about ("the 2008 treaty", "Medvedev"): a
  sentence is only a candidate when its passage holds every number of the question, and it
  gains for the question's names that it (or the sentence before it) mentions, in either
  language (rag.names), a treaty named by what it is on among them (held by every sentence of an article whose
  title or passages read name it: rag.treaties),
  and for its numbers (in the sentence before only when it refers back);
- whether it asks about a negation ("did not sign") or not ("who did sign").

A sentence that names only other years than the question's is never quoted while another is
left: "who got the prize in 1997" is not answered by the 2013 laureate; nor, for a question about a
part of a month, one that names only other parts ("eind augustus" is not "Earlier in August"); nor, for a question
about a treaty, one that names only others, or none under a title that does (rag.treaties). Nor, for
"what did X say", another's words while a sentence gives X's (by name, surname, pronoun, or "Dat heeft X gezegd"),
nor, for what X said about a thing, X's words on another while some speak of it. Nor, for words the question quotes,
a sentence that does not hold them while one does; and for who said them, that sentence tells who, whoever it names
("The final communique said ...") or by a surname alone where the article names them in full ("Pistorius said ...").
For a count, a measure or a sum, when the best sentence gives none, the best of its passage that does is quoted
instead: a follow-up's topic ("Stuurt Washington clustermunitie?" before "Hoeveel was het steunpakket waard?")
lifts the sentences that repeat it over the one with the amount. And for a count, a measure or a sum of a country
that describes the thing asked about ("the US aid package"), a sentence that tells another country's in its
place ("Nederland heeft 2,5 miljard euro gereserveerd") is not quoted while another is left.

Each sentence scores its cosine to the question plus those signals, and the question's own words it holds in either
language, word by word, each weighed by how rare it is among the sentences read (weights fitted with
benchmarks/tune_answers.py); the best one is quoted, with the sentence before it when it
starts by referring back ("Ze", "He", "Daartoe", "Dat meldt Maljar."), with the sentence after it when the question
asks why and it gives no reason (the explanation follows the statement), and after it the
runner-up of the same passage when it scores nearly as well (not one that tells what another
country did than the one the question asks about): never a sentence from another article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rag.answer_kinds import (GIVES_WORDS, OFFICE_QUALIFIERS, about_other_times, about_other_years, asked_to_define,
                              asked_type, asks_parties, asks_person, asks_yes_or_no, counted, counted_in_context,
                              counts_back, defined, describing, event_clauses, event_untold, holds_answer, intent,
                              introduces, located, measured, opening_subject, role_asked, role_nation, said_about,
                              speaker, subject, surnames_in, times_in)
from rag.dates import days_in, numbers_and_days, years_in
from rag.names import (NameMatcher, beside_names, capital_of, is_capital, is_country, known_name, names_in, of_country,
                       spelled_out)
from rag.same_words import SAME_WORD, alike, alike_or_parts
from rag.sentences import passage_sentences
from rag.text import WORD, content_words, fold, holds_words, quoted, shared_rare, terms
from rag.treaties import AskedTreaties
from rag.types import Citation, Passage
from rag.vector_cache import cache_for

MIN_ASKED_WORDS = 2  # the question's words beside its names that its words signal needs (ReaderWeights.words)
MIN_SPOKEN = 0.4  # the share of a topic's names, and of its other words, that a text speaking of it holds
MIN_WORDS = 3  # shorter "sentences" are mostly datelines and headings
# a follow-up that ends on what the answer before it told: "... make that promise?", "Hoe noemde Biden dat besluit?"
_POINTS_BACK = re.compile(r"\b(?:that|this|dat|dit|die|deze)(?:\s+[\w-]+)?\W*$", re.I)
_INVERTED_SUBJECT = re.compile(r"\s+(?:de|het|the)\s+(?:(?!(?:of|van|in|op|at|bij|by|to|naar|for|voor|met|with|over"
                               r"|about|from|uit)\s)[a-zà-ÿ-]+\s+|[A-Z]\w*(?:se|sche|an|sh|ch)\s+){0,3}"
                               r"([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)")
SPEAKER_REACH = 60  # characters before or after a verb of saying where the name of who says it is looked for
OFFICE_SPAN = 4  # words from an office to its country ("Spain's defence minister", "minister van Defensie van Spanje")
HEADING_WORDS = 6  # a "sentence" this short with no closing punctuation is a heading ("A treaty signed in Prague")
_CLOSED = re.compile(r"""[.!?:;"'”’)\]]$""")
# What a number counts is told from what was asked, in the other language, by a looser cosine than translations: it
# only has to tell "civilians" ~ "burgers" (0.46) from "burgers" ~ "tonnes" (0.2) or "systems" ~ "miljard" (0.27). In
# the question's own language it is the same word or one that means it (SAME_WORD): "ships" is not "ports" (0.57).
COUNTED_ALIKE = 0.4
SECOND_MARGIN = 0.3  # a second sentence of the answering passage is quoted when it scores this close (dev set)


@dataclass(frozen=True)
class ReaderWeights:
    """What each signal adds to a sentence's cosine to the question.

    Fitted on the dev half of index/answers.jsonl (a softmax over each question's sentences,
    benchmarks/tune_answers.py) and checked on the held-out test half."""

    passage: float = 0.35  # its passage's retrieval score, relative to the best passage's
    top_passage: float = 0.45  # it is in the best passage
    names: float = 0.43  # the share of the question's names in it or the sentence before
    numbers: float = 0.42  # the share of the question's numbers in what quoting it shows, the title or the date
    overlap: float = 0.78  # the share of the question's stemmed words in it or the sentence before
    intent: float = 0.69  # it holds the kind of thing asked for (a date, an amount...)
    negation: float = 0.32  # its negation agrees with the question's (any does for yes-or-no and "what did X say")
    lead: float = -0.38  # it opens its article and is its title: a headline, not an answer
    same_language: float = -0.45  # in the question's language: the cosine and the overlap favour those
    # it names the kind of thing a "which" question asks for ("the Kerch bridge"), or a country for "which
    # country": set by hand, as dev gains the same from 0.5 to 1.0 (fitted: 0.38)
    typed: float = 0.5
    # the rarity-weighted share of the question's own words beside its names that what quoting it shows holds, in
    # either language, word by word ("toestemming" ~ "permission"): set by hand (dev right 281 / 280 / 278 and best
    # sentence right 244 / 249 / 248 at 0.6 / 0.8 / 1.0; at 0.8 "When did Ukraine first use ATACMS?" quotes "Het is
    # de eerste keer dat de wapens ... worden gebruikt" over the sentence that gives the day)
    words: float = 0.6


# Words of exclusion count as negation: "staan buiten het verdrag" answers "did not sign".
NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|nobody|nothing|without|outside|\w+n['’]t|niet|geen|"
                      r"nooit|niemand|niets|noch|zonder|buiten|ontbreken|ontbreekt)\b", re.I)
# A sentence starting with these refers back to the one before it.
# ("het", "die", "this" are mostly articles and determiners, so they do not count.)
# "Dat meldt Maljar." and "That is what the ministry says." attribute the sentence before.
_ANAPHOR = re.compile(r"^[\"“‘']?(?:he|she|they|it|his|her|their|its|there|also|ze|zij|hij|daar\w*|hun|ook"
                      r"|volgens (?:hem|haar|hen)|according to (?:him|her|them)"
                      r"|dat (?:zegt|zei|vindt|vond|meldt|meldde|schrijft|schreef|stelt|stelde|concludeert|concludeerde"
                      r"|verklaart|verklaarde|bevestigt|bevestigde|beweert|beweerde)"
                      r"|(?:that|this) (?:is|was) (?:what|why|how)|that['’]s (?:what|why|how)|dat is (?:waarom|hoe))\b",
                      re.I)

# A sentence starting so tells whose words the one before it gives ("Dat heeft president Vladimir Poetin gezegd ...")
_ATTRIBUTES = re.compile(r"^(?:dat|that|this|aldus)\b", re.I)
# A pronoun that says something, after a few opening words, refers back as well: "Op 12 juli zei hij ...",
# "On 12 July she said ..." (Dutch puts the subject after the verb when something else opens the sentence)
_SAYS = r"(?:zei|zegt|zeiden|verklaarde|schreef|noemde|waarschuwde|benadrukte|said|told|wrote|warned|called)"
_DUTCH_SUBJECT, _ENGLISH_SUBJECT = r"(?:hij|zij|ze)", r"(?:he|she|they)"
_PRONOUN_SAYS = rf"(?:{_SAYS}\s+{_DUTCH_SUBJECT}|{_ENGLISH_SUBJECT}\s+{_SAYS})\b"
_SAID_BY_PRONOUN = re.compile(rf"^(?:\S+\s+){{1,4}}?{_PRONOUN_SAYS}", re.I)
# or after a comma, telling whose the words before it are: "..., zei hij op 8 juli", "..., she said"
_PRONOUN_SAID_AFTER = re.compile(rf",\s+{_PRONOUN_SAYS}", re.I)
# beside any verb of saying, in either order: "waarschuwde hij", "he said" (_speaker_beside)
_PRONOUN_AFTER = re.compile(rf"\s*(?:{_DUTCH_SUBJECT}|{_ENGLISH_SUBJECT})\b", re.I)
_PRONOUN_BEFORE = re.compile(rf"\b(?:{_DUTCH_SUBJECT}|{_ENGLISH_SUBJECT})\s*$", re.I)


def article_texts(passages: list[Passage]) -> dict[str, str]:
    """By article id, its title and the texts of its passages among `passages`: what the article says there."""
    texts: dict[str, str] = {}
    for p in passages:
        texts[p.article.id] = f"{texts.get(p.article.id, p.article.title)} {p.text}"
    return texts


def numbers_held(passage: Passage) -> set[str]:
    """The numbers of a passage's text and of its article's date, a day of a month as its date."""
    return numbers_and_days(f"{passage.text} {passage.article.date}")


@dataclass
class Sentence:
    """A sentence of a passage, with its cosine to the question and the signals ReaderWeights weighs."""

    passage: int  # index into the passages
    position: int  # index within its passage
    text: str
    cosine: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)  # by ReaderWeights field name
    score: float = 0.0
    context: str = ""  # it, after the sentence before it in its passage
    shown: str = ""  # what quoting it shows: it, after the sentence before when it refers back
    # it (or the sentence before) names years, none of them the question's, or treaties, none of them the question's;
    # or it names months, never the part of one the question asks about ("eind augustus")
    about_other: bool = False

    @property
    def names(self) -> float:
        return self.signals.get("names", 1.0)

    @property
    def has_answer(self) -> bool:
        return bool(self.signals.get("intent", 0.0))

    def telling(self, intent: str) -> str:
        """What must tell the event a question asks about: what quoting it shows, or, for a reason, which often follows
        the sentence that tells the event ("Russia pulled out. Moscow had complained for months ..."), the sentence
        before it too."""
        return self.context if intent == "reason" else self.shown


@dataclass
class Reading:
    """What the reader found: the sentences to quote and the best one's signals."""

    intent: str
    passages: list[Passage]
    lang: str = "en"  # the question's
    # the question asks for a count of a thing, a measure in its unit or a sum of money: a sentence without
    # one is no answer
    needs_kind: bool = False
    country: str = ""  # the question's subject, when a country: what it did is asked ("How many tanks did Poland..?")
    said_by: str = ""  # whose words the question asks about ("Hoe noemde Poetin ...?"): asked_speaker
    role: str = ""  # the office of the person it asks for by it, folded ("Welke Spaanse minister ...?": minister)
    nation: str = ""  # and the country of that office, as the question names it ("Spaanse")
    quoted: list[Sentence] = field(default_factory=list)
    best: Sentence | None = None
    sentences: list[Sentence] = field(default_factory=list)  # every candidate, scored

    def answer(self) -> tuple[str, list[Citation]]:
        """Lines `- "sentence" [n]` (consecutive sentences of a passage on one line) and their citations, numbered in
        order of first use.

        A citation is `supported` when the quote holds the kind of thing asked for and
        mentions every name of the question."""
        numbers: dict[int, int] = {}
        quotes_shown: list[tuple[int, list[str]]] = []  # (citation number, consecutive sentences)
        citations = []
        supported = self.best is not None and self.best.has_answer and self.best.names >= 1.0
        for before, s in zip([None, *self.quoted], self.quoted):
            if s.passage not in numbers:
                numbers[s.passage] = len(numbers) + 1
                p = self.passages[s.passage]
                quotes = [q.text for q in sorted(self.quoted, key=lambda q: q.position) if q.passage == s.passage]
                citations.append(Citation(n=numbers[s.passage], text=p.text, article=p.article,
                                          supported=supported, quote=" ".join(quotes), quotes=quotes,
                                          sentences=passage_sentences(p)))
            if before is not None and (before.passage, before.position + 1) == (s.passage, s.position):
                quotes_shown[-1][1].append(s.text)  # the sentence after the one quoted last continues its quote
            else:
                quotes_shown.append((numbers[s.passage], [s.text]))
        return "\n".join(f'- "{" ".join(texts)}" [{n}]' for n, texts in quotes_shown), citations


def _is_title(sentence: str, title: str) -> bool:
    """The sentence is the article's title (derived from it, or repeated as its first line)."""
    return bool(title) and " ".join(sentence.split())[:60] == " ".join(title.split())[:60]


class Reader:
    """Reads passages for one question with the knowledge base's embedder (normalised vectors)."""

    def __init__(self, embedder, weights: ReaderWeights = ReaderWeights()):
        self.embedder = embedder
        self.weights = weights
        self.matcher = NameMatcher(embedder)

    def read(self, question: str, passages: list[Passage], *, topic: str = "", answered: str = "",
             lang: str = "en") -> Reading:
        """Score every sentence of `passages` for `question`.

        `topic` is text from earlier in a conversation that says what the question is about
        ("And who did sign it?" after a question about the 2008 treaty): its names and numbers
        count as the question's, while the intent and the negation are the question's own; `answered` is the answer
        given before it, whose sentences a follow-up that says nothing of its own asks more of ("When did it do that?").
        `lang` is the question's language, for comparing words with passages in the same one."""
        reading = Reading(intent(question), passages, lang)
        about = f"{topic} {question}" if topic else question
        found = self._sentences(passages, numbers_and_days(about))
        if not found:
            return reading
        cosines = self._vectors(passages, found) @ cache_for(self.embedder).embed([about])[0]
        contexts = [self._with_previous(found, i) for i in range(len(found))]
        asked_names, treaties = names_in(about), AskedTreaties(about, self.embedder)
        # a treaty named anywhere in the article's passages read is the treaty its sentences speak of
        articles = article_texts(passages)
        names = treaties.with_names(self.matcher.coverage(asked_names, contexts), asked_names,
                                    [articles[passages[s.passage].article.id] for s in found])
        shown = [self.shown(found, i) for i in range(len(found))]
        own_names = names_in(question)  # the question's, not its topic's
        own_words = beside_names(question, own_names)
        words = self._words_held(own_words, shown)
        asked_numbers = numbers_and_days(about)
        asked_years, asked_times = years_in(about), times_in(about)
        asked_terms = terms(about, lang)
        negated = bool(NEGATION.search(question))
        # "Had Russia used them?" is answered by "it has not", "What did Stoltenberg say?" by "no common position",
        # and a plain count whatever else its sentence denies ("112 states parties; 12 more signed without ratifying")
        any_answer = asks_yes_or_no(question) or not reading.intent or (not negated and reading.intent == "number")
        things, by_name = counted(question) if reading.intent == "number" else ([], False)
        reading.needs_kind = (bool(things) or (reading.intent == "number" and measured(question))
                              or reading.intent == "amount")
        by_meaning = None if by_name else self.embedder  # a name by its spelling only
        kind_words, countries = asked_type(question) if reading.intent == "name" else ([], False)
        countries = countries or (reading.intent == "name" and asks_parties(question, topic))
        top = max(p.score for p in passages) or 1.0
        who, phrases = reading.intent == "name" and asks_person(question), quoted(question)
        # who said the words it quotes is told by the sentence that holds them, whoever it names ("The final
        # communique said ...", "..., aldus de oud-president")
        gives_quoted = who and bool(phrases)
        # someone is named by a surname alone where the article has named them in full ("Pistorius said ...")
        surnames = {article: surnames_in(text, is_country) for article, text in articles.items()} if who else {}
        for i, s in enumerate(found):
            p = passages[s.passage]
            s.cosine = float(cosines[i])
            if self.refers_back(found, i):  # read with its referent
                s.cosine = max(s.cosine, (s.cosine + float(cosines[i - 1])) / 2)
            s.context, s.shown = contexts[i], shown[i]
            # a number in the title says what the whole article is about ("the 2008 treaty"), but a sum or count of
            # it not what a sentence with sums or counts of its own tells ("Van een half miljard tot 1,3 miljard
            # dollar" above "ruim 41 miljard dollar"); one in the sentence before is this one's only when it refers
            # back ("China joined in 2020. Russia has not.")
            heading = f"{p.article.title} {p.article.date}"
            own, above = numbers_and_days(s.shown), numbers_and_days(heading)
            held = own | (above & years_in(heading) if own - years_in(s.shown) else above)
            same = p.article.lang == lang
            s.signals = {
                "passage": p.score / top, "top_passage": float(s.passage == 0), "names": names[i],
                "numbers": len(asked_numbers & held) / len(asked_numbers) if asked_numbers else 1.0,
                "overlap": (len(asked_terms & terms(contexts[i], lang)) / len(asked_terms)
                            if asked_terms and same else 0.0),
                # a name may be in the sentence a pronoun refers back to ("... van Wallace. Op 12 juli zei hij ...")
                "intent": float((holds_answer(reading.intent, s.shown if reading.intent == "name" else s.text,
                                              about, is_country, surnames.get(p.article.id, frozenset()))
                                 or (gives_quoted and all(holds_words(s.text, q) for q in phrases)))
                                and (not things or alike(things, counted_in_context(s.text, contexts[i]),
                                                         by_meaning, SAME_WORD if same else COUNTED_ALIKE).any())),
                # of the clause that tells the treaty event asked about, where one does ("did not sign": not "signed
                # in 2013, but never ratified")
                "negation": float(any_answer or bool(NEGATION.search(event_clauses(question, s.text))) == negated),
                "typed": self._typed(s.shown, kind_words, countries),
                "lead": float(s.position == 0 and _is_title(s.text, p.article.title)), "same_language": float(same),
                "words": words[i]}
            s.score = s.cosine + sum(getattr(self.weights, name) * value for name, value in s.signals.items())
            s.about_other = (about_other_years(asked_years, contexts[i]) or about_other_times(asked_times, s.shown)
                             or treaties.other_in(contexts[i], p.article.title, articles[p.article.id]))
        reading.sentences = found
        # never a sentence about another time (year, part of a month) or treaty than the one asked about, while one
        # about it (or none) is left; nor, while one tells it, one that leaves untold what the question asks happened
        # to a treaty ("Hoeveel landen hebben het verdrag getekend?": not "Drie landen ... staan buiten het verdrag")
        allowed = [i for i, s in enumerate(found) if not s.about_other] or range(len(found))
        # a question that names a day ("What happened on 20 July?"): a sentence that names it, where one does
        asked_days = days_in(about)
        if asked_days:
            allowed = [i for i in allowed if asked_days & days_in(found[i].shown)] or allowed
        # words the question quotes ('Who said "a big mistake"?'): a sentence that holds them, where one does
        if phrases:
            allowed = [i for i in allowed if all(holds_words(found[i].text, q) for q in phrases)] or allowed
        allowed = [i for i in allowed
                   if not event_untold(question, found[i].telling(reading.intent), ("treaty",), topic)] or allowed
        # and, for what a treaty did not have done to it ("Welke landen hebben het verdrag niet ondertekend?"), not one
        # whose telling of it denies nothing ("De Verenigde Staten ondertekenden de tekst ..., maar ... nooit
        # geratificeerd"), while one that does is left
        if negated and not any_answer:
            allowed = [i for i in allowed if found[i].signals["negation"]] or allowed
        named, thing = defined(question) or located(question), content_words(asked_to_define(question))
        # "Who is Jake Sullivan?", "Wat is clustermunitie?", "Where is Koepjansk?": the sentences that say who he is,
        # what they are or where it is ("Bij Koepjansk, in het noordoosten van de regio Charkiv"), where one does
        telling = [i for i in allowed if (named and introduces(named, found[i].text))
                   or (thing and self._defines(thing, found[i].text))]
        # or else, for "Who is X?", one that names X ("President Joe Biden sprak ...", not the sentence after it)
        allowed = telling or [i for i in allowed
                              if named and self.matcher.coverage([named], [found[i].shown])[0] >= 1.0] or allowed
        # a follow-up that names its own ("En Nederland?" after the 2008 treaty's non-signers): a sentence naming them
        own = own_names if topic else []
        naming = {i for i, s in enumerate(found) if self.matcher.coverage(own, [s.shown])[0] >= 1.0} if own else set()
        if own:
            allowed = [i for i in allowed if i in naming] or allowed
        # a follow-up that says nothing of its own but what it asks for asks it of what the answer before it quoted,
        # where a sentence of that holds it ("Which country started talks outside the CCW?", "When did it do that?":
        # "nam Noorwegen in februari 2007 het initiatief ...", not another date of the CCW's)
        if answered and ((not own_words and not own_names) or _POINTS_BACK.search(question)):
            allowed = [i for i in allowed if found[i].has_answer and found[i].text in answered] or allowed
        said_by = reading.said_by = asked_speaker(question, topic, passages)
        # "Hoe noemde Poetin ...?": his words, where a sentence gives them; "Wanneer kondigde Poetin aan ...?": a date
        # among his words, where a sentence gives both
        if said_by:
            allowed = [i for i in allowed if (found[i].has_answer or not reading.intent)
                       and gives_words(self.matcher, said_by, found, i)] or allowed
        if said_by and not reading.intent:
            # and, for what they said about something, words of theirs that speak of it, where some do ("What did
            # Zelensky say about NATO?": not his gratitude, in an article on British aid)
            about_what = said_about(question, topic)
            if about_what:
                allowed = [i for i in allowed if speaks_of(
                    about_what, f"{passages[found[i].passage].article.title} {found[i].context}", self.matcher,
                    self.embedder)] or allowed
        doer = subject(question, lang)
        reading.country = doer if doer and is_country(doer) else ""
        # whether a country did something ("Heeft Oekraïne het Ottawa-verdrag getekend?"): a sentence that names it
        if reading.country and asks_yes_or_no(question):
            allowed = [i for i in allowed
                       if self.matcher.coverage([reading.country], [found[i].shown])[0] >= 1.0] or allowed
        # the country whose count, measure or sum is asked for where it describes the thing ("the US aid package", not
        # "the package for Ukraine"): a sentence telling another's in its place is passed over (where the country is
        # the subject, such a quote is refused instead: relevance.covered)
        described = (next((n for n in describing(question) if is_country(n)), "")
                     if reading.needs_kind and not reading.country else "")
        if described:
            allowed = [i for i in allowed if not self.matcher.country_instead(
                described, found[i].shown, found[i].text, question)] or allowed
        owner = reading.country or described
        # the person asked for by office and country ("de Spaanse minister van Defensie"): a sentence that names that
        # country beside the office, where one does ("Spain's defence minister, Margarita Robles", not "British Prime
        # Minister Rishi Sunak", nor "UN secretary general António Guterres ... Russia's decision")
        nation, role = reading.nation, reading.role = role_nation(question), fold(role_asked(question))
        if nation:
            allowed = [i for i in allowed
                       if office_of(nation, role, found[i].text, self.matcher, self.embedder)] or allowed
        best = max(allowed, key=lambda i: found[i].score)
        # a follow-up's topic lifts the sentence that repeats it over the one that gives the sum or count asked for
        # ("Hoeveel was het steunpakket waard?" after a question on cluster munitions): its passage's sentence that
        # gives one is read as the best; a question of its own whose best sentence gives none is refused ("kind")
        if topic and reading.needs_kind and not found[best].has_answer:
            best = max((i for i in allowed if found[i].has_answer and found[i].passage == found[best].passage),
                       default=best, key=lambda i: found[i].score)
        reading.best = found[best]

        def passed_over(i: int) -> bool:
            """No runner-up that tells what another country did, nor, for "Who is X?", one that leaves X out, nor, for
            what X said, another's words (a count or date X gave may be in a sentence that does not name X again)."""
            x = found[i]
            if own and i not in naming:  # nor, for "En Nederland?", one without it
                return True
            if owner and self.matcher.country_instead(owner, x.shown, x.text, question):
                return True
            if nation and self.matcher.coverage([nation], [x.context])[0] < 1.0:  # nor, for Spain's minister, one
                return True  # that does not name Spain
            if said_by and not reading.intent and not gives_words(self.matcher, said_by, found, i):
                return True
            # nor, for a follow-up that asks when, another date beside the one the best sentence gives: it names
            # nothing of its own to tell them apart by ("In what year was that?" after what Trump did with the
            # signature: 2019, not also the treaty's adoption in 2013)
            if topic and reading.intent == "date" and found[best].has_answer and x.has_answer:
                return True
            return bool(named) and self.matcher.coverage([named], [x.text], translations=False)[0] < 1.0

        # such a sentence tells who or what on its own, whatever "Dat meldt Hanna Maljar, onderminister ..." refers
        # back to
        reading.quoted = self._quote(found, best, explain=reading.intent == "reason", passed_over=passed_over,
                                     alone=best in telling)
        return reading

    def _defines(self, thing: list[str], sentence: str) -> bool:
        """The sentence opens with `thing` (its content words, in either language) before "is", "are" or "zijn"."""
        opening = content_words(opening_subject(sentence))  # "clustermunitie" is "cluster munitions", and back
        return bool(opening) and bool(alike(thing, opening, self.embedder).all()
                                      or alike(opening, thing, self.embedder).all())

    def _words_held(self, asked: list[str], texts: list[str]) -> list[float]:
        """For each text, the share of the `asked` words it holds, in either language (a word whose vector is
        SAME_WORD or closer to one of the text's), each weighed by how rare it is among the texts: the passage's topic,
        which every sentence holds, tells them apart less than the words that ask what happened to it. Fewer than
        MIN_ASKED_WORDS tell nothing: a question asked by its names and one word ("How many F-16s did Denmark promise
        Ukraine?") is not answered by the sentence that says "toegezegd" of another country's."""
        held = [content_words(text) for text in texts]
        vocabulary = sorted({w for words in held for w in words})
        if len(asked) < MIN_ASKED_WORDS or not vocabulary:
            return [0.0] * len(texts)
        close = cache_for(self.embedder).cosines(asked, vocabulary) >= SAME_WORD  # asked x vocabulary
        at = {w: j for j, w in enumerate(vocabulary)}
        found = [frozenset(a for a, row in zip(asked, close[:, [at[w] for w in words]]) if row.any()) for words in held]
        return shared_rare(frozenset(asked), found)

    def _typed(self, text: str, kind_words: list[str], countries: bool) -> float:
        """Whether the text names a country (`countries`), or a word meaning one of `kind_words`."""
        if countries:
            return float(any(is_country(n) for n in names_in(text)))
        return float(bool(kind_words) and alike(kind_words, content_words(text), self.embedder).any())

    @staticmethod
    def _sentences(passages: list[Passage], numbers: set[str]) -> list[Sentence]:
        """The sentences of the passages that hold every number of the question (of all, if none does)."""
        holding = [i for i, p in enumerate(passages) if numbers <= numbers_held(p)]
        found = []
        for i in holding or range(len(passages)):
            p = passages[i]
            for j, text in enumerate(passage_sentences(p)):
                words = len(text.split())
                if (words >= MIN_WORDS and not text.endswith("?")  # a headline asking, not answering
                        and (words > HEADING_WORDS or _CLOSED.search(text))):
                    found.append(Sentence(i, j, text))
        return found

    def _vectors(self, passages: list[Passage], found: list[Sentence]) -> np.ndarray:
        """The sentences' vectors: kept from ingest where the passage has them, embedded (and cached) where not."""
        kept = {i for i, p in enumerate(passages)
                if p.sentence_vectors is not None and len(p.sentence_vectors) == len(p.sentences) > 0}
        missing = [s.text for s in found if s.passage not in kept]
        embedded = iter(cache_for(self.embedder).embed(missing)) if missing else iter(())
        return np.stack([passages[s.passage].sentence_vectors[s.position] if s.passage in kept else next(embedded)
                         for s in found])

    @staticmethod
    def _with_previous(sentences: list[Sentence], i: int) -> str:
        s = sentences[i]
        if i and sentences[i - 1].passage == s.passage and sentences[i - 1].position == s.position - 1:
            return f"{sentences[i - 1].text} {s.text}"
        return s.text

    @staticmethod
    def refers_back(sentences: list[Sentence], i: int) -> bool:
        """Sentence i refers back to the candidate just before it: it starts so ("Daartoe behoren ..."), a
        pronoun says something in it ("Op 12 juli zei hij ...", "..., zei hij op 8 juli") or it counts what that one
        named ("120 of them")."""
        text = sentences[i].text
        return Reader._with_previous(sentences, i) != text and bool(
            _ANAPHOR.match(text) or _SAID_BY_PRONOUN.match(text) or _PRONOUN_SAID_AFTER.search(text)
            or counts_back(text))

    @staticmethod
    def shown(sentences: list[Sentence], i: int) -> str:
        """What quoting sentence i shows: it, after the sentence before it when it refers back."""
        return Reader._with_previous(sentences, i) if Reader.refers_back(sentences, i) else sentences[i].text

    @staticmethod
    def _quote(sentences: list[Sentence], best: int, explain: bool = False,
               passed_over: Callable[[int], bool] = lambda i: False, alone: bool = False) -> list[Sentence]:
        """The best sentence (after the one before it when it refers back, unless it says `alone` what is asked,
        and before the one after it when it should `explain` and gives no reason), then the runner-up from the
        same passage when it scores within SECOND_MARGIN: the answer comes first, even where the article tells
        the runner-up first ("Het verdrag trad eind december 2014 in werking." before the adoption in 2013)."""
        s = sentences[best]
        chosen = [sentences[best - 1], s] if Reader.refers_back(sentences, best) and not alone else [s]
        if explain and not s.has_answer:
            chosen += [x for x in sentences if x.passage == s.passage and x.position == s.position + 1]
        # no runner-up that counts "them" without the sentence it counts from ("Ukraine accounted for 916 of them.")
        others = [x for i, x in enumerate(sentences) if x.passage == s.passage and x not in chosen and not x.about_other
                  and not passed_over(i) and not (counts_back(x.text) and Reader.refers_back(sentences, i)
                                                  and sentences[i - 1] not in chosen)]
        runner_up = max(others, default=None, key=lambda x: x.score)
        if runner_up is not None and runner_up.score >= s.score - SECOND_MARGIN:
            chosen.append(runner_up)
        return chosen


def asked_speaker(question: str, topic: str, passages: list[Passage]) -> str:
    """Whose words the question asks about (rag.answer_kinds.speaker); of a run of names that the passages write
    each apart but never whole, the first: Dutch puts the object beside the subject ("Hoe noemde Medvedev Biden?":
    Medvedev; "Lena Vos" stays whole where they write "Vos" alone)."""
    said_by = speaker(question, topic)
    words = said_by.split()
    if len(words) > 1 and not any(spelled_out(said_by, p.text) for p in passages) and all(
            any(spelled_out(w, p.text) for p in passages) for w in words):
        return words[0]
    return said_by


def office_of(nation: str, role: str, sentence: str, matcher: NameMatcher, embedder) -> bool | None:
    """Whether the sentence names the office `role` (or a word meaning it) of the country `nation`: True where it
    names that country within OFFICE_SPAN words of it ("Spain's defence minister", "minister van Defensie van
    Spanje"), False where it names the office after another country or body ("British Prime Minister", "UN secretary
    general"), None where it names neither ("president Donald Trump"). A word before an office that makes it another
    is not it ("Prime Minister" for a minister)."""
    tokens = WORD.findall(sentence)
    folded = [fold(t) for t in tokens]
    close = cache_for(embedder).cosines([role], folded)[0] >= SAME_WORD if tokens else []
    qualifier, _, head = role.rpartition(" ")

    def office(at: int) -> bool:  # "British Prime Minister" is not a British minister, nor a "minister" a prime one
        before = folded[at - 1] if at else ""
        if before in OFFICE_QUALIFIERS and before != qualifier:
            return False
        return bool(close[at]) or (folded[at].endswith(head) and before == qualifier)

    offices = [at for at in range(len(tokens)) if office(at)]
    if any(matcher.coverage([nation], [" ".join(tokens[max(0, at - OFFICE_SPAN):at + OFFICE_SPAN + 1])])[0] >= 1.0
           for at in offices):
        return True
    if any(known_name(t) for at in offices for t in tokens[max(0, at - OFFICE_SPAN):at]):
        return False
    return None


def gives_words(matcher: NameMatcher, said_by: str, sentences: list[Sentence], i: int) -> bool:
    """Sentence i gives `said_by`'s words: it says something (GIVES_WORDS) and names them (or the one it refers
    back to does), or the next sentence says whose words they were ("Rusland zal niet aarzelen ... Dat heeft
    president Vladimir Poetin gezegd")."""
    def attributes(j: int) -> bool:  # sentence j says whose words the one before it gives
        return Reader._with_previous(sentences, j) != sentences[j].text and bool(_ATTRIBUTES.match(sentences[j].text))

    if attributes(i) and not Reader.refers_back(sentences, i):
        return False  # the words are the sentence before's
    said = [sentences[i].shown]
    saying = [sentences[i].text]  # the sentence it refers back to may say what someone else said
    if i + 1 < len(sentences) and attributes(i + 1):
        said.append(sentences[i + 1].text)
        saying.append(sentences[i + 1].text)
    if not any(GIVES_WORDS.search(text) for text in saying):
        return False
    # news names a person in full once, then by surname ("at the G7 summit in Hiroshima, Sullivan told reporters")
    surname = said_by.split()[-1]

    def is_them(texts: list[str]) -> bool:  # a country speaks by its capital too ("kondigde Moskou aan")
        return max(matcher.coverage([said_by], texts)) >= 1.0 or (
            surname != said_by and max(matcher.coverage([surname], texts, translations=False)) >= 1.0) or any(
            spelled_out(capital, text) for capital in capital_of(said_by) for text in texts)

    # whose words they are is told by the name beside the verb of saying, where one is: "Defence Minister Boris
    # Pistorius announced ..., a day before President Volodymyr Zelensky arrived" gives Pistorius's, not Zelensky's
    beside = [_speaker_beside(m, sentences[i].text) for m in GIVES_WORDS.finditer(sentences[i].text)]
    if beside and all(beside) and not any(is_them([name]) for name in beside):
        return False
    return is_them(said)


def _speaker_beside(verb: re.Match, text: str) -> str:
    """Who says what a verb of saying introduces: the name right before it ("Pistorius announced") or right after it
    ("said Sullivan", "zei Poetin", "bestempelde de Russische president Poetin"), not a country's; else the words
    that name the sentence's subject; or "" where a pronoun says it ("zei hij") or the sentence names no one."""
    before = [n for n in names_in(text[max(0, verb.start() - SPEAKER_REACH):verb.start()]) if not is_country(n)]
    if before and text[:verb.start()].rstrip().endswith(before[-1].split()[-1]):
        return before[-1]
    after = [n for n in names_in(text[verb.end():verb.end() + SPEAKER_REACH]) if not is_country(n)]
    if after and text[verb.end():].lstrip().startswith(after[0].split()[0]):
        return after[0]
    if _PRONOUN_AFTER.match(text[verb.end():]) or _PRONOUN_BEFORE.search(text[:verb.start()]):
        return ""  # "waarschuwde hij", "he said": who is told by the sentence it refers back to
    # Dutch puts the subject after the verb where a clause opens the sentence, an article and an office between them:
    # "Hoewel Maljar ..., bestempelde de Russische president Poetin ..." (not an object: "announced the liberation of
    # Urozhaine", "told reporters in Washington")
    inverted = _INVERTED_SUBJECT.match(text, verb.end())
    if inverted and not of_country(inverted.group(1)):
        return inverted.group(1)
    # else the sentence's subject, up to its first person: "President Volodymyr Zelensky bedankte Scholz, maar
    # benadrukte dat ...", "Spain's defence minister, Margarita Robles, was blunter, saying ..."
    before = text[:verb.start()]
    person = next((n for n in names_in(before) if not is_country(n) and not is_capital(n)), "")
    return before[:before.find(person) + len(person)] if person else ""


def speaks_of(topic: str, text: str, matcher: NameMatcher, embedder) -> bool:
    """The text names at least MIN_SPOKEN of the `topic`'s names and holds as many of its other words, in either
    language ("about the ATACMS missiles": ATACMS, and "missiles" as "raketten"; a Dutch compound by its parts: "over de
    graandeal", "grain deal")."""
    names = names_in(topic)
    if names and matcher.coverage(names, [text])[0] < MIN_SPOKEN:
        return False
    words = beside_names(topic, names)
    return not words or float(np.mean(alike_or_parts(words, content_words(text), embedder))) >= MIN_SPOKEN
