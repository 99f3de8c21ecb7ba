"""Do the passages answer the question? The decision to refuse, made before any model is asked.

A raw retrieval score cannot tell "the articles are about this, but not this fact" from an
answer, and a bonus can lift it over any cut-off, so the decision asks three questions of the
retrieved passages, each calibrated on the answerable and unanswerable questions of the dev
half of index/answers.jsonl (EVALUATION.md, "Refusals"):
- is any sentence close to the question at all? (off-topic questions stay under MIN_SENTENCE; a short question
  is not off-topic when a passage spells out its names, holds its every word (one word where it asks what that is),
  or holds the date or number of a question that says little else: "What happened on May 9?");
- does some passage mention the names the question gives, in either language? ("Who painted
  the Night Watch?" finds passages about other people);
- does some passage (or its date) hold every number of the question? ("in 2024" when no
  article mentions 2024).
Then, once the reader has found the passage it would quote (`covered`):
- does a passage it read hold the words the question quotes, as written? ('Who said "we will never surrender"?')
- does that passage (or its article's title, or its article's other passages read) mention half of the question's
  names, a treaty it names by what it is on among them? ("Wanneer keurde de Bondsdag
  de Taurus-raketten goed?" finds a passage on Taurus, but the reader's best is about another
  delivery); and every country the question names? ("When did Shoigu visit Iran?" finds his visit to Pyongyang);
- does that passage speak to what the question asks about? At least MIN_COVERAGE of the
  question's content words must be in it or its title, in either language (word vectors:
  "summit" ~ "top", "signature" ~ "ondertekening"; a Dutch compound by its parts: "graandeal", grain deal; what a
  quote counts, where it counts the thing asked about: "193 verdragsstaten", countries; a month by the passage's
  dates or its article's: "van mei", "13 May"). A
  near-topic question whose fact is absent ("Where will NATO hold its summit in 2024?" finds a passage about F-16
  deliveries in 2024)
  leaves most of its words unmatched; and of two or more words beside its names, one must be
  there ("What is Joe Biden's favourite food?" finds passages on Biden, not on food);
- for a "how many" question, does the sentence it would quote count the thing asked about?
  ("How many Patriot systems...?" is not answered by "a package of 2.7 billion euros", nor
  "Hoeveel burgers kwamen om?" by "33 million tonnes of grain"); for a measure, does it give
  one in its unit? ("What dud rate...?" is not answered by a sentence with no percentage); for
  "how much", does it give a sum? ("Hoeveel kostten de F-16's?" is not answered by a date); for "when", a
  date? ("Wanneer werd Hanna Maljar ontheven?" is not answered by "Dat meldt Hanna Maljar, onderminister ..."); for
  "who" or the name of someone described, a person's name? ("Hoe heet de Nederlandse diplomaat in Genève ...?" is
  not answered by the sentence that quotes an unnamed diplomat; "Who is X?" is, by what X is); and for someone
  described, a quote that says what they are? ("the Russian ambassador" is not told by a quote of a minister);
- for a question about an event (who succeeded someone; someone resigned, was appointed or dismissed; a treaty
  ratified, signed, joined, left, in force or ending), does the quote speak of it, or, asked whether a country did,
  of where it stands with the treaty? ("Wie volgde Jens Stoltenberg op?" is not answered by a sentence with Stoltenberg
  in office);
- for a question about what someone said, does that passage name that person? ("What did
  Stoltenberg say about the ATACMS?" is not answered by someone else's words), and about a thing,
  does it speak of that thing, with a sentence that gives their words? ("Wat zei Mette Frederiksen
  over clustermunitie?" is not answered by what she said about F-16s);
- for a question about what a country did, does the sentence it would quote (with the sentence before it, or its
  article's title) name that country, and not another where a subject stands? ("How many Leopard tanks did Poland
  send?" is not answered by "Duitsland levert veertien Leopard 2A6-tanks", nor "What dud rate did US officials give
  for the cluster munitions Russia has been firing?" by a sentence that gives a dud rate of no country's).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rag.answer_kinds import (asked_to_define, asks_count, asks_person, counted, defined, event_untold,
                              referred_people, said_about)
from rag.dates import MONTH_NUMBERS, months_in, numbers_and_days, without_days, written_days
from rag.names import NameMatcher, beside_names, capital_of, is_country, names_in, spelled_out
from rag.reader import Reading, article_texts, gives_words, numbers_held, office_of, speaks_of
from rag.retrieval import FAR, says_little
from rag.same_words import alike, alike_or_parts
from rag.text import content_words, holds_words, quoted
from rag.treaties import AskedTreaties
from rag.types import Passage

MIN_SENTENCE = FAR  # cosine of the best sentence of any passage shown to the question (0.265)
MIN_NAMES = 0.5  # share of the question's names that the best-covered passage mentions
MIN_COVERAGE = 0.4  # share of the question's content words in the passage the reader quotes (EVALUATION.md, "Refusals")


@dataclass(frozen=True)
class Decision:
    answerable: bool
    # why not: "nothing", "off-topic", "names", "numbers", "quote", "words", "kind", "speaker", "topic", "country",
    # "unnamed"
    reason: str = ""
    # what the articles lack, as the question puts it, for the message that says so (prompts/messages.toml,
    # "not_found_" and the reason): {"what": "2024"}, {"who": "Poland", "other": "Duitsland"}
    detail: dict[str, str] = field(default_factory=dict, compare=False)


def decide(question: str, passages: list[Passage], embedder) -> Decision:
    """Whether to answer `question` from `passages` (a follow-up's topic included in `question`)."""
    if not passages:
        return Decision(False, "nothing")
    asked = names_in(question)
    texts = [p.text for p in passages]
    matcher = NameMatcher(embedder)
    # a question whose names a passage spells out is about the articles, whatever its cosine: a short question ("Who is
    # Jake Sullivan?", "Where was Skripal poisoned?") is too short for its cosine to tell
    one = defined(question)
    named = [one] if one else asked
    # nor is one whose every word a passage holds ("Hoeveel was het steunpakket waard?": "steunpakket ter waarde van"),
    # or one word, where it asks what that is ("Wat is de graandeal?": "grain deal"); nor one that asks of a date or a
    # number and little else, where a passage holds it ("What happened on May 9?": "Op 9 mei ...", "Wat gebeurde er in
    # 1997?"; not "Welke renner won de Tour de France van 2023?")
    numbers = numbers_and_days(question)
    if max(p.best_sentence for p in passages) < MIN_SENTENCE and not (
            named and max(matcher.coverage(named, texts, translations=False)) >= 1.0) and not (
            numbers and says_little(question) and any(numbers <= numbers_held(p) for p in passages)) and not (
            (len(content_words(question)) >= 2 or asked_to_define(question))
            and max(coverage(question, p, embedder) for p in passages) >= 1.0):
        return Decision(False, "off-topic")
    if asked and max(matcher.coverage(asked, texts)) < MIN_NAMES:
        unmentioned = [name for name in asked if max(matcher.coverage([name], texts)) < 1.0]
        return Decision(False, "names", {"what": ", ".join(unmentioned)} if unmentioned else {})
    if numbers and not any(numbers <= numbers_held(p) for p in passages):
        unheld, written = numbers - set().union(*(numbers_held(p) for p in passages)), written_days(question)
        what = ", ".join(sorted(written.get(n, n) for n in unheld))  # a day as the question writes it
        return Decision(False, "numbers", {"what": what} if unheld else {})
    return Decision(True)


def coverage(question: str, passage: Passage, embedder) -> float:
    """The share of the question's content words that the passage or its title holds, in either language."""
    return _share(content_words(question), _words_of(passage), embedder)


def _words_of(passage: Passage) -> list[str]:
    return content_words(f"{passage.article.title} {passage.text}")


def _share(asked: list[str], held: list[str], embedder) -> float:
    return float(np.mean(alike_or_parts(asked, held, embedder))) if asked else 1.0


def _holds_own_words(question: str, names: list[str], held: list[str], embedder) -> bool:
    """The passage's words (`held`) hold one of the question's words beside its names, where it has two or more:
    names alone do not make it about the question ("What is Joe Biden's favourite food?" is not answered by a
    passage on Biden). One word alone may be a verb in another form than the passage's ("leverde", "levert")."""
    own = beside_names(question, names)
    return len(own) < 2 or bool(alike_or_parts(own, held, embedder).any())


def covered(question: str, reading: Reading, embedder, topic: str = "", answered: str = "") -> Decision:
    """Whether the passage the reader would quote from speaks to what `question` asks about (a follow-up's words with
    the names of its `topic`: "When does it expire?" after "What is New START?"; `answered`: the answer before it)."""
    if reading.best is None:
        return Decision(False, "nothing")
    # words it quotes, as they are written, in a passage read ('Who said "we will never surrender"?'): a quote is not
    # translated
    unquoted = [q for q in quoted(question) if not any(holds_words(p.text, q) for p in reading.passages)]
    if unquoted:
        return Decision(False, "quote", {"what": unquoted[0]})
    passage = reading.passages[reading.best.passage]
    matcher = NameMatcher(embedder)
    asked = names_in(question)
    # the article's title and other passages read say what this one is about too
    text = article_texts(reading.passages)[passage.article.id]
    if asked and AskedTreaties(question, embedder).with_names(matcher.coverage(asked, [text]), asked,
                                                              [text])[0] < MIN_NAMES:
        return Decision(False, "names")
    # and a country it names is named there ("Wanneer bezocht Shoigu Iran?" is not answered by his visit to Pyongyang,
    # from an article that never names Iran)
    unnamed = [name for name in asked if is_country(name) and matcher.coverage([name], [text])[0] < 1.0]
    if unnamed:
        return Decision(False, "unnamed", {"who": ", ".join(unnamed)})
    held = _words_of(passage)
    if reading.needs_kind and reading.best.has_answer:  # a quote counting what is asked holds it ("193 verdragsstaten")
        held += counted(question)[0]
    worded = without_days(question)  # its days of a month are numbers, held where they are ("numbers")
    words = content_words(worded)
    # a month it names is held where the passage or its article's date names it ("van mei": "13 May", "2023-05")
    months = months_in(f"{passage.article.title} {passage.text} {passage.article.date}")
    held += [w for w in words if MONTH_NUMBERS.get(w) in months]
    words += [w for w in content_words(" ".join(names_in(topic))) if w not in words]
    if (_share(words, held, embedder) < MIN_COVERAGE
            or not _holds_own_words(worded, asked, held, embedder)):
        return Decision(False, "words")
    # a count, a measure, a sum, a date or someone's name ("Who is X?" aside), where the sentence quoted gives none, is
    # not answered
    if ((reading.needs_kind or reading.intent == "date" or (asks_person(question) and not defined(question))
         or (reading.intent == "number" and asks_count(question)))
            and not reading.best.has_answer):
        return Decision(False, "kind")
    if event_untold(question, reading.best.telling(reading.intent)):
        return Decision(False, "kind")
    # and the person whose name is asked for by what they are or their office is told by a quote that says so ("the
    # Russian ambassador" is not "Minister van Defensie Kajsa Ollongren", "Denmark's defence minister" not "Premier")
    role, told = reading.role, f"{passage.article.title} {reading.best.context}"
    if role:
        words = content_words(told)
        if not (any(w.endswith(role.split()[-1]) for w in words)  # "onderminister"
                or alike([role], words, embedder).any()):
            return Decision(False, "kind")
    # and of the country it names: a quote that names the office beside that country, or else names the country
    # ("president Donald Trump ... dat Washington zijn handtekening intrekt"), not another's ("Which Canadian minister
    # ...?" is not answered by "British Prime Minister ...", nor "Welke Russische generaal ...?" by "UN secretary
    # general António Guterres ... Russia's decision")
    nation = reading.nation
    if nation:
        office = office_of(nation, role, reading.best.context, matcher, embedder)
        if office is False or (office is None and not _names_country(nation, reading.best.text, matcher)):
            return Decision(False, "kind")
    said_by = reading.said_by
    if said_by and matcher.coverage([said_by], [passage.text])[0] < 1.0:
        return Decision(False, "speaker", {"who": said_by})
    # the person a follow-up's "she" or "hij" is ("Who is Kajsa Ollongren?", "Which party does she belong to?"), or
    # one of those the answer before it named where its topic names none, is named in the article quoted
    people = referred_people(question, topic, answered)
    if people and not any(matcher.coverage([person], [text])[0] >= 1.0 for person in people):
        return Decision(False, "unnamed", {"who": people[0]})
    about = said_about(question, topic)
    if about and not _says_about(said_by, about, reading, matcher, embedder):
        return Decision(False, "topic", {"who": said_by, "what": about})
    # what a country did is told by a quote that names it, not one that names another in its place ("Duitsland levert
    # veertien ...") or none
    best = reading.best
    if reading.country:
        other = matcher.country_instead(reading.country, best.context, best.text, question)
        if other:
            return Decision(False, "country", {"who": reading.country, "other": other})
        if matcher.coverage([reading.country], [f"{passage.article.title} {best.context}"])[0] < 1.0:
            return Decision(False, "unnamed", {"who": reading.country})
    return Decision(True)


def _names_country(country: str, text: str, matcher: NameMatcher) -> bool:
    """The text names the country, or its capital for its government ("Amerikaanse": "dat Washington ... intrekt")."""
    return (matcher.coverage([country], [text])[0] >= 1.0
            or any(spelled_out(capital, text) for capital in capital_of(country)))


def _says_about(said_by: str, topic: str, reading: Reading, matcher: NameMatcher, embedder) -> bool:
    """A sentence of the passage the reader quotes names `said_by` (or refers back to them: "Op 12 juli zei
    hij"), says something ("leader Kim Jong Un showed him missiles" gives no words of his), and with the sentence
    before it and the article's title speaks of the `topic` (rag.reader.speaks_of: an article on cluster munitions may
    quote someone on "such weapons"); and the passage or its title holds all the topic's words ("What did Boris
    Pistorius say about cluster munitions?" is not answered from a passage on German aid that never names them, where
    he speaks of "weapons"), a topic that is only names by their words ("over de ATACMS")."""
    passage = reading.passages[reading.best.passage]
    names = names_in(topic)
    words = beside_names(topic, names) or content_words(topic)
    if words and not alike_or_parts(words, _words_of(passage), embedder).all():
        return False

    return any(s.passage == reading.best.passage and gives_words(matcher, said_by, reading.sentences, i)
               and speaks_of(topic, f"{passage.article.title} {s.context}", matcher, embedder)
               for i, s in enumerate(reading.sentences))
