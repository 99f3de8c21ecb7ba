"""Answers without a model: the sentence that answers, quoted; refusals; follow-ups; the measured figures."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from conftest import EXAMPLE, ROOT, run_rag
from ollama_server import OllamaTestServer
from rag.casing import Spellings, cased, lacks_case
from rag.config import Settings
from rag.dates import dates_in, months_in, years_in
from rag.evaluation import first_quote, format_scores
from rag.follow_up import asked_again, asked_last
from rag.names import NameMatcher, is_country, names_in, same_name
from rag.sentences import plain_split
from rag.relevance import MIN_COVERAGE, MIN_SENTENCE, coverage, covered, decide
from rag.same_words import alike_or_parts
from rag.types import ArticleMeta, Passage
from rag.answer_kinds import (about_other_times, about_other_years, asked_to_define, asked_type, asks_parties, counted,
                              counted_in, defined, describing, holds_answer, intent, introduces, referred_people,
                              role_asked, role_nation, said_about, speaker, subject, times_in, event_untold)
from rag.reader import Reader
from rag.text import content_words, holds_words, numbers_in, quoted
from rag.treaties import AskedTreaties, same_treaty, treaties_in, with_treaty_of

ANSWERS = ROOT / "index" / "answers.jsonl"
CONVENTION = "05_verdrag-clustermunitie-2008.txt"
# an article of no other in index/articles, naming someone no other names
BRIDGE = """Kalmthout votes for a bridge over the canal

date 2023-07-10

The town council of Kalmthout voted on Monday to build a new bridge for cyclists over the canal. The bridge will cost
4 million euros and should open in the spring of 2025. Marieke Vandersloot, the alderman for mobility, said the crossing
would cut the ride to the station by ten minutes. Residents on the east bank had asked for a crossing for years.
"""


@pytest.mark.parametrize("question, kind", [
    ("How much was the US military aid package worth?", "amount"),
    ("Hoeveel was het steunpakket waard?", "amount"),
    ("Hoeveel militaire hulp hebben de VS sinds de invasie toegezegd?", "amount"),  # aid is a sum, as money is
    ("Hoeveel landen steunen het verdrag?", "number"),
    ("How many F-16s did Denmark promise Ukraine?", "number"),
    ("Hoe hoog is het percentage blindgangers?", "number"),
    ("Hoelang duurde de vernietiging van de chemische wapens?", "number"),  # "hoelang", "hoevaak" as one word too
    ("Hoevaak dreigde Medvedev met kernwapens?", "number"),
    ("What dud rate did the Pentagon give?", "number"),
    ("Welk deel van de slachtoffers waren kinderen?", "number"),  # a share, told by a percentage
    ("What proportion of the victims were children?", "number"),
    ("Wat is het grootste deel van het pakket?", ""),
    ("What is the range of the ATACMS version Ukraine first used?", "number"),
    ("Wat is het bereik van de ATACMS?", "number"),  # "wat" too, as "what" does
    ("When did the Chemical Weapons Convention enter into force?", "date"),
    ("Wanneer trad het wapenhandelsverdrag in werking?", "date"),
    ("On which day of the week did Scholz announce it?", "date"),
    ("Why is the use of cluster munitions controversial?", "reason"),
    ("Waarom is clustermunitie omstreden?", "reason"),
    ("Who interviewed Putin when he made the threat?", "name"),  # the first question word decides
    ("Welk dorp heroverde Oekraïne eind augustus?", "name"),
    ("Where did the United States destroy its last chemical weapons?", "place"),
    ("Near which cities were Russian airfields hit?", "place"),
    ("Waar sprak Human Rights Watch met getuigen?", "place"),
    ("Which countries did not sign the 2008 treaty?", "name"),
    ("Hoe heet de diplomaat die dat zei?", "name"),
    ("What was the name of the general who confirmed it?", "name"),
    ("Did Putin say Russia has cluster munitions?", ""),
    ("What did the minister say about the tanks?", ""),  # "what" and a verb asks for anything, not a name
    ("What must member states do with their stockpiles?", ""),
    ("Did the Pentagon say how many missiles Ukraine received?", ""),  # yes or no: "it would not say" answers
    ("Heeft het Pentagon gezegd hoeveel raketten Oekraïne kreeg?", ""),
    # "which X" asks for a name when X is a kind of thing that has names
    ("Op welk platform plaatste Medvedev zijn reactie?", "name"),
    ("Which Russian-held logistics hub lies further along the road?", "name"),
    ("Welke gewassen werden vooral uit de haven verscheept?", ""),
    ("Which pilot flew the first mission?", "name"),  # the people "the name of the ..." asks for, as in _WHO
    ("Welke soldaten bevestigden de levering?", "name"),
    ("Welk nieuw orgaan richtte de alliantie op?", "name"),  # bodies and forces have names
    ("Which Ukrainian force reported the strikes?", "name"),
    ("What kind of weapons does the first protocol ban?", ""),
    ("Welk soort mijnen valt niet onder het verdrag?", ""),
    ("On which side of the town were the troops advancing?", ""),
    # the opening question word decides, not one that opens a later clause, unless the question asks about it
    ("What did the president call Poland when the chancellor received him?", ""),
    ("How did the army respond when the bridge was hit?", ""),
    ("What did the minister say about where the shells would be used?", "place"),
    ("What does one Storm Shadow missile cost?", "amount"),
])
def test_the_question_says_what_it_asks_for(question, kind):
    assert intent(question) == kind


@pytest.mark.parametrize("question, said", [("Hoeveel militaire hulp hebben de VS sinds de invasie toegezegd?",
                                             "41 miljard dollar"),
                                            ("Wat is het bereik van de ATACMS?", "165 kilometer"),
                                            ("Sinds wanneer vraagt Kyiv om clustermunitie?", "since last year"),
                                            ("How much did the US destruction of chemical weapons cost?",
                                             "tientallen miljarden dollars"),
                                            # "mei" is the month of "13 May 2023", and of an article dated 2023-05
                                            ("Hoeveel was het Duitse steunpakket van mei waard?", "2.7 billion euros")])
def test_a_sum_a_measure_or_a_date_is_answered_by_a_sentence_that_gives_it(sample_rag, question, said):
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and said in answer.text.splitlines()[2], answer.text


def test_a_heading_is_never_quoted(sample_rag):
    # the Markdown article on New START has a section "## A treaty signed in Prague"
    answer = sample_rag.ask("New START", use_llm=False)
    quoted = [line for line in answer.text.splitlines() if line.startswith('- "')]
    assert quoted and not any("A treaty signed in Prague" in line for line in quoted), answer.text


def test_why_is_answered_by_the_reason_given(sample_rag):
    answer = sample_rag.ask("Why did Biden send cluster munitions?", use_llm=False)
    assert answer.citations and "running short of artillery ammunition" in answer.text, answer.text


def test_an_answer_holds_what_is_asked_beyond_the_question():
    assert holds_answer("amount", "Het pakket had een waarde van 800 miljoen dollar.", "Hoeveel was het waard?")
    assert not holds_answer("amount", "Het pakket werd in 2023 aangekondigd.", "Hoeveel was het waard?")
    # a sum in words
    assert holds_answer("amount", "De vernietiging heeft tientallen miljarden dollars gekost.", "Wat kostte het?")
    assert holds_answer("amount", "It cost hundreds of millions of dollars.", "How much did it cost?")
    assert not holds_answer("amount", "Hundreds of tanks were sent.", "How much did it cost?")
    assert holds_answer("date", "Het verdrag trad eind december 2014 in werking.", "Wanneer trad het in werking?")
    assert not holds_answer("date", "The 2008 treaty bans them.", "When was the 2008 treaty signed?")
    # a number is a date only as a year, or with a month or a day: a range of 165 kilometres is none
    assert not holds_answer("date", "Een versie met een bereik van 165 kilometer.", "When was it first used?")
    assert holds_answer("date", "Zelensky bevestigde dinsdagavond dat ze zijn ingezet.", "When was it first used?")
    # a time told from the article's date
    assert holds_answer("date", "Oekraïne vraagt al sinds vorig jaar om de granaten.", "Sinds wanneer vraagt Kyiv?")
    assert holds_answer("date", "Kyiv had requested them since last year.", "Since when has Kyiv asked for them?")
    assert not holds_answer("date", "Kyiv had requested them for a long time.", "Since when has Kyiv asked for them?")
    assert holds_answer("name", "Spain's defence minister, Margarita Robles, objected.", "Who objected in Spain?")
    assert not holds_answer("name", "De Amerikaanse stap leidt tot een spagaat.", "Who did sign it?")
    # a reason argued, or one that a result follows from ("..., waardoor")
    assert holds_answer("reason", "He argued that the army was running short of shells.", "Why did he send them?")
    assert holds_answer("reason", "Het besluit viel op vrijdag, waardoor het nieuws onderging.", "Waarom ging het?")
    assert not holds_answer("reason", "He said he had consulted allies before agreeing.", "Why did he send them?")
    # a name the question gives, in the other language, is not an answer ("Oekraïne" to a question about Ukraine)
    assert not holds_answer("name", "Met de raketten kan Oekraïne doelen bestoken.", "Which Ukraine units fired?")
    # "who" asks for a person: a full name, or a name beside a title or a verb of saying, not a place
    assert holds_answer("name", "De linies houden volgens Maljar stand.", "Who said the lines hold?")
    assert holds_answer("name", "Hanna Maliar gave the overview.", "Wie gaf het overzicht?")
    assert not holds_answer("name", "Bij Koepjansk vallen Russische eenheden aan.", "Who gave the overview?")
    assert holds_answer("name", "Bij Koepjansk vallen Russische eenheden aan.", "Which town was attacked?")
    assert holds_answer("place", "Het werk in de staat Kentucky is klaar.", "Where did it end?")
    assert not holds_answer("place", "De Amerikanen hebben hun voorraad opgeruimd.", "Where did it end?")
    # a measure is answered in its unit: the range in kilometres, not "two bases"
    assert holds_answer("number", "Een versie met een bereik van 165 kilometer.", "What is the range?")
    assert not holds_answer("number", "Raketten op twee luchtmachtbases.", "What is the range?")
    assert holds_answer("number", "The dud rate was below 2.35 percent.", "What dud rate did they give?")
    assert not holds_answer("number", "Children make up a large share of the victims.",
                            "Welk deel van de slachtoffers waren kinderen?")
    # what something is worth is a sum of money, not a share
    assert holds_answer("amount", "Het pakket is 800 miljoen dollar waard.", "How much was the package worth?")
    assert not holds_answer("amount", "Burgers waren 95 procent van de doden.", "How much was the package worth?")


@pytest.mark.parametrize("question, things, by_name", [
    ("Hoeveel burgers kwamen om bij de aanvallen op Odesa?", ["burgers"], False),
    # the noun is what is counted; the words before it say which ("nuclear" is not alike every count of countries)
    ("Hoeveel strategische kernkoppen mogen de VS inzetten?", ["kernkoppen"], False),
    ("How many cluster shells were in the first delivery?", ["shells"], False),
    ("How many nuclear warheads does Russia have?", ["warheads"], False),
    # a noun before the plural noun it describes, as English writes them ("munition" is not what is counted)
    ("How many cluster munition casualties were there in Ukraine in 2022?", ["casualties"], False),
    ("How many ammunition depots were hit?", ["depots"], False),
    ("How many Ukrainian soldiers died?", ["soldiers"], False),  # a nation names no kind, nor what is counted
    ("How many Patriot systems has Germany sent to Ukraine?", ["patriot"], True),
    ("Hoeveel Leopard 1A5-tanks zaten in het pakket?", ["leopard"], True),
    ("How many Storm Shadow missiles did Britain send?", ["storm", "shadow"], True),
    ("Hoeveel Oekraïense burgers kwamen om?", ["burgers"], False),
    ("Hoeveel F-16's levert Denemarken?", ["f16"], True),  # a type by its number, in one spelling: not "Denemarken"
    ("How many F-16s did Denmark promise?", ["f16"], True),
    # "of the" says which, not what; a name in the plural is the name too, as a name in -s may be the singular
    ("How many of the promised Abrams tanks have arrived?", ["abrams", "abram"], True),
    ("Hoeveel Leopards stuurt Duitsland?", ["leopards", "leopard"], True),
    ("Hoeveel van de toestellen gaan naar Roemenië?", ["toestellen"], False),
    ("How much was the package worth?", [], False),
])
def test_a_count_question_says_what_it_counts(question, things, by_name):
    assert counted(question) == (things, by_name)


def test_a_country_is_told_from_people_titles_and_alliances():
    assert all(is_country(n) for n in ("Duitsland", "Netherlands", "Ukraine's", "Verenigde Staten", "New Zealand",
                                       "Groot-Brittannië", "Russia", "VS"))
    assert not any(is_country(n) for n in ("President", "Minister", "NAVO", "Western", "Kyiv", "Zelensky", "UN"))


@pytest.mark.parametrize("question", ["When did Shoigu visit Iran?", "Wanneer bezocht Shoigu Iran?"])
def test_a_country_the_question_names_is_named_by_the_article_quoted(sample_rag, question):
    """Shoigu's article names his visit to Pyongyang, never Iran: the refusal says so."""
    answer = sample_rag.ask(question, use_llm=False)
    assert (answer.citations, answer.refusal) == ([], "unnamed") and "Iran" in answer.text.splitlines()[0], answer.text


def test_who_is_answered_by_a_person_not_a_country():
    question = "Who objected to the delivery?"
    assert not holds_answer("name", "Canada and New Zealand also said they objected.", question, is_country)
    assert holds_answer("name", "Defence minister Anna Jansen said she objected.", question, is_country)
    assert holds_answer("name", "Canada and New Zealand also said they objected.", question)  # by its shape alone
    # a sentence's first word before a country is no first name
    assert not holds_answer("name", "Mocht Oekraïne ermee schieten, dan slaat Moskou terug, aldus de president.",
                            "Who said Moscow would strike back?", is_country)
    # a preposition that opens a sentence is no first name ("Volgens Human Rights Watch", "Volgens Amerikaanse ...")
    assert names_in("Volgens Human Rights Watch kwamen burgers om.") == ["Human Rights Watch"]
    assert not holds_answer("name", "Volgens Amerikaanse functionarissen speelde de voorraad mee.",
                            "Wie bevestigde dat de granaten waren aangekomen?", is_country)
    # a body by its initials confirms, says or announces something too; it does not object or command
    confirmed = "De Organisatie tegen Landmijnen (OTL) in Genève bevestigde op 3 mei dat de voorraad is vernietigd."
    assert holds_answer("name", confirmed, "Who confirmed that the stockpile had been destroyed?", is_country)
    assert not holds_answer("name", confirmed, "Who destroyed the stockpile?", is_country)


def test_who_is_answered_by_someone_the_question_does_not_name():
    question = "Who replaced Pavel Orlov as defence minister?"
    # his office, his nation, a country after a comma and a weapon are no one else
    assert not holds_answer("name", "Russian Defence Minister Pavel Orlov said that if the shells go to Ukraine, "
                            "Russia will answer.", question, is_country)
    assert not holds_answer("name", "Op 11 mei zei minister van Defensie Pavel Orlov dat Groot-Brittannië Storm "
                            "Shadow-kruisraketten levert.", question, is_country)
    assert not holds_answer("name", "NATO said the ministry had no comment.", question, is_country)
    assert holds_answer("name", "Defence Minister Pavel Orlov met his Ukrainian counterpart Ivan Hrytsenko.",
                        question, is_country)


def test_an_event_asked_about_is_told_by_a_sentence_that_speaks_of_it(use_embedder):
    def refusal(question: str, text: str) -> str:
        passage = Passage(1, 0.6, text, ArticleMeta("a", "Orlov en het verdrag tegen drones", "2023-08", "nl", "a.txt"))
        return covered(question, Reader(use_embedder).read(question, [passage], lang="en"), use_embedder).reason

    in_office = "Minister van Defensie Pavel Orlov sprak in Kyiv met zijn collega Ivan Hrytsenko."
    # who came after someone
    assert [refusal("Who succeeded Pavel Orlov as defence minister?", text) for text in (
        in_office, "Ivan Hrytsenko volgde in augustus Pavel Orlov op als minister van Defensie.")] == ["kind", ""]
    # "succeeded" as success is no succession
    assert refusal("Who said what Russia would do if the offensive succeeded?", in_office) != "kind"
    assert event_untold("Wie volgt Pavel Orlov op?", in_office)
    # something that arrived, which a promise does not tell; not something still to come
    promised = "Noorwegen kondigde in maart aan dat het zes drones aan Oekraïne gaat leveren."
    assert event_untold("When did the first Norwegian drones arrive in Ukraine?", promised)
    assert not event_untold("Wanneer kwamen de eerste drones in Oekraïne aan?",
                            "De eerste drones zijn in juni in Oekraïne aangekomen.")
    assert not event_untold("How many of them are to arrive in 2024?", promised)
    # someone who died, which their last act does not tell; "die" in Dutch is no death
    assert event_untold("When did he die?", "The general Pavel Orlov had demanded that the minister be removed.")
    assert not event_untold("Wanneer overleed Orlov?", "Orlov kwam op 23 augustus om het leven bij een vliegtuigcrash.")
    assert not event_untold("Wie is de minister die in Kyiv sprak?", in_office)
    # something that opened, which its being planned does not tell
    planned = "Premier Jan Visser maakte zondag bekend dat Nederland toestellen levert aan een centrum in Roemenië."
    assert event_untold("When did the training centre for pilots in Romania open?", planned)
    assert not event_untold("Wanneer werd het opleidingscentrum geopend?", "Het centrum opende op 13 november.")
    # why someone stepped down
    assert event_untold("Why did Pavel Orlov step down?", in_office)
    assert not event_untold("Why did Pavel Orlov step down?", "Orlov trad in augustus af omdat hij ziek was.")
    # what happened to a treaty
    assert [refusal("When did Norway ratify the treaty on drones?", text) for text in (
        "Noorwegen ondertekende het verdrag tegen drones in maart 2021 in Oslo.",
        "Noorwegen heeft het verdrag tegen drones in juni 2022 geratificeerd.")] == ["kind", ""]
    assert event_untold("Wanneer trok Noorwegen zich terug uit het verdrag?", "Noorwegen tekende in 2021.")
    assert not event_untold("Hoeveel landen zijn tot het verdrag toegetreden?", "Het telt 112 verdragsstaten.")
    # a ship that left port asks nothing about a treaty's members
    assert not event_untold("How many ships left port under the deal?", "Under the deal 1,000 ships sailed.")
    # where it happened to it
    assert event_untold("Waar werd het verdrag getekend?", "Noorwegen heeft het verdrag in Oslo geratificeerd.")
    assert not event_untold("Where was the treaty signed?", "Het verdrag werd in Oslo ondertekend.")
    # a treaty named by its acronym ("New START", not "when did the training start"), suspended
    assert event_untold("Wanneer schortte Rusland New START op?", "It entered into force in February 2011.")
    assert not event_untold("When did Russia suspend New START?", "Putin said Russia was suspending the treaty.")
    assert not event_untold("When did the training start?", "It entered into force in February 2011.")
    # left a treaty, not "has left experts fearing"
    assert event_untold("Why did Russia withdraw from the treaty?", "The decision has left experts fearing the worst.")
    assert not event_untold("When did Russia withdraw from the treaty?", "In 2023 Russia left the test ban treaty.")
    # when it ends is told by how long it runs ("until", "tot", an extension), not by when it was signed
    assert event_untold("Wanneer loopt het verdrag af?", "Noorwegen tekende het verdrag in 2021.")
    assert not event_untold("When does the treaty expire?", "In 2021 they extended the treaty until 2026.")
    # an event that only dates what is asked is not the one asked about
    assert not event_untold("Where were silos hit after the deal lapsed?", "Drones hit the silos in Izmail.")
    assert not event_untold("Waar werden silo's geraakt nadat de graandeal was verlopen?", "Drones trafen Izmail.")


def test_where_a_deal_was_signed_is_quoted_from_the_sentence_that_tells_the_signing(sample_rag):
    answer = sample_rag.ask("Waar werd de graandeal getekend?", use_llm=False)
    assert "signed in Istanbul" in answer.text.splitlines()[2], answer.text
    answer = sample_rag.ask("When did Russia suspend New START?", use_llm=False)
    assert "On 21 February 2023" in answer.text.splitlines()[2], answer.text
    answer = sample_rag.ask("Wanneer loopt New START af?", use_llm=False)
    assert "until 5 February 2026" in answer.text.splitlines()[2], answer.text


def test_a_count_of_what_happened_to_a_treaty_is_quoted_from_a_sentence_that_tells_it(use_embedder):
    """"How many countries signed?" is answered by the signers' count, not by a count of those that stand outside."""
    question = "Hoeveel landen hebben het verdrag tegen drones getekend?"
    text = ("Vijf landen met een grote dronevloot blijven buiten het verdrag tegen drones, onder wie Noorwegen. "
            "Het verdrag werd in 2021 in Oslo gesloten. Inmiddels hebben 87 staten hun handtekening gezet.")
    passage = Passage(1, 0.6, text, ArticleMeta("a", "Het verdrag tegen drones", "2023-08", "nl", "a.txt"))
    reading = Reader(use_embedder).read(question, [passage], lang="nl")
    assert [s.text for s in reading.quoted][:1] == ["Inmiddels hebben 87 staten hun handtekening gezet."]
    assert covered(question, reading, use_embedder).answerable


def test_the_name_of_someone_described_is_a_person_s_name(use_embedder):
    question = "Hoe heet de Nederlandse diplomaat in Genève die zei dat het verdrag traag werkt?"
    unnamed = "Een Nederlandse diplomaat in Genève zegt dat het verdrag traag werkt, maar dat Moskou meepraat."
    named = "De Nederlandse diplomaat Anna Jansen zei in Genève dat het verdrag traag werkt."
    assert not holds_answer("name", unnamed, question, is_country)
    assert holds_answer("name", named, question, is_country)
    passages = [Passage(1, 0.6, text, ArticleMeta("a", "Het CCW in Genève", "2023-07", "nl", "a.txt"))
                for text in (unnamed, named)]
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="nl"), use_embedder).reason
            for p in passages] == ["kind", ""]
    # "Who is X?" is answered by what X is, which names no one else
    question = "Who is Anna Jansen?"
    reading = Reader(use_embedder).read(question, [passages[1]], lang="en")
    assert covered(question, reading, use_embedder).answerable


def test_the_name_of_someone_described_is_told_by_a_quote_that_says_what_they_are(use_embedder):
    question = "What is the name of the Russian ambassador in Oslo who criticised the pledge?"
    minister = "Minister van Defensie Eva Lund noemde de toezegging in Oslo een belangrijke stap voor de alliantie."
    ambassador = "De Russische ambassadeur Oleg Petrov bekritiseerde in Oslo de toezegging van de Noorse regering."
    passages = [Passage(1, 0.6, text, ArticleMeta("a", "Noorwegen belooft F-16's", "2023-08", "nl", "a.txt"))
                for text in (minister, ambassador)]
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).reason
            for p in passages] == ["kind", ""]

    # nor is someone asked for by their office, "who was" or "which", told by a quote that names another office
    minister = "Minister van Defensie Eva Lund bekritiseerde in Oslo de toezegging van de Noorse regering."
    premier = "Premier Jonas Berg bekritiseerde in Oslo de toezegging van de Noorse regering."
    passages = [Passage(1, 0.6, text, ArticleMeta("a", "Noorwegen belooft F-16's", "2023-08", "nl", "a.txt"))
                for text in (premier, minister)]
    for question in ("Who was Norway's defence minister when the pledge was criticised in Oslo?",
                     "Welke Noorse minister bekritiseerde de toezegging in Oslo?"):
        assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).reason
                for p in passages] == ["kind", ""]
    # "which official" asks for anyone in office, whatever it is
    question = "Which Norwegian official criticised the pledge in Oslo?"
    assert covered(question, Reader(use_embedder).read(question, [passages[0]], lang="en"), use_embedder).answerable
    # a senator, a mayor, a king are offices too: no minister tells one
    assert [role_asked(q) for q in ("Welke Amerikaanse senator was tegen de toezegging?", "Which mayor spoke?",
                                    "Welke koning bezocht Oslo?")] == ["senator", "mayor", "koning"]
    question = "Welke Noorse senator bekritiseerde de toezegging in Oslo?"
    reading = Reader(use_embedder).read(question, [passages[1]], lang="nl")
    assert covered(question, reading, use_embedder).reason == "kind"


def test_someone_asked_for_by_office_and_country_is_of_that_country(use_embedder):
    # the words for a country's people are that country's names, in either language; a language is not
    assert same_name("Spaanse") == same_name("Spanish") == same_name("Spanje") == same_name("Spain")
    assert same_name("Spaans") != same_name("Spanje")
    assert [role_nation(q) for q in ("Wie is de Spaanse minister van Defensie?", "Which Canadian minister spoke?",
                                     "Who was Denmark's defence minister?", "Who is the defence minister?")] == [
        "Spaanse", "Canadian", "Denmark's", ""]
    text = ("Britain's foreign secretary Tom Hale called the plan a mistake. Spain's defence minister, Lucia Ortega, "
            "said such bombs must never be sent. Canada also said it opposed the plan.")
    reading = read_text(use_embedder, "Wie is de Spaanse minister van Defensie die tegen het plan was?", text,
                        asked_in="nl")
    assert "Ortega" in reading.best.text and not any("Hale" in s.text for s in reading.quoted)
    # a country named, but no one of it in office, or someone of another country or body in that office: refused
    question = "Which Canadian minister opposed the plan?"
    assert covered(question, read_text(use_embedder, question, text), use_embedder).reason == "kind"
    question = "Welke Russische generaal betreurde het besluit?"
    text = "UN secretary general Ana Costa said she deeply regretted Russia's decision to leave the grain deal."
    assert covered(question, read_text(use_embedder, question, text, asked_in="nl"), use_embedder).reason == "kind"
    text = "Russian general Pavel Orlov said he deeply regretted the decision to leave the grain deal."
    assert covered(question, read_text(use_embedder, question, text, asked_in="nl"), use_embedder).answerable
    # an office without a country beside it: the quote names the country, or its capital for its government
    question = "Who is the president of France?"
    text = "French and British missiles had been delivered before. President Putin called the delivery a mistake."
    assert covered(question, read_text(use_embedder, question, text), use_embedder).reason == "kind"
    # a prime minister is not the minister asked for, nor a vice president the president
    asked = ("Which British prime minister said that?", "Who is the US vice president?", "Which British minister?")
    assert [role_asked(q) for q in asked] == ["prime minister", "vice president", "minister"]
    text = ("British Prime Minister Tom Hale said Britain is a party to the treaty. In parliament, minister of "
            "defence Ann Reed confirmed that Britain is sending long-range missiles.")
    question = "Which British minister told parliament that Britain is sending long-range missiles?"
    assert "Reed" in read_text(use_embedder, question, text).best.text
    question = "Which British prime minister said Britain is a party to the treaty?"
    assert "Hale" in read_text(use_embedder, question, text).best.text
    question = "Welke Amerikaanse president trok de handtekening onder het verdrag in?"
    text = ("De Verenigde Staten tekenden het verdrag in 2013. "
            "In 2019 kondigde president Donald Trump aan dat Washington zijn handtekening onder het verdrag intrekt.")
    assert covered(question, read_text(use_embedder, question, text, lang="nl", asked_in="nl"), use_embedder).answerable


def test_how_many_is_answered_by_a_number_whatever_it_counts(use_embedder):
    """"Hoeveel zijn het er?" counts what its topic named; a quote without a number does not answer it."""
    topic, question = "Waar wil Rusland tactische kernwapens in Belarus stationeren?", "Hoeveel zijn het er?"
    told = [Passage(1, 0.6, text, ArticleMeta("a", "Kernwapens in Belarus", "2023-06", "nl", "a.txt")) for text in (
        "Moskou kondigde in maart aan dat het tactische kernwapens in Belarus zou stationeren.",
        "Moskou kondigde in maart aan dat het tien tactische kernwapens in Belarus zou stationeren.")]
    assert [covered(question, Reader(use_embedder).read(question, [p], topic=topic, lang="nl"), use_embedder,
                    topic).reason for p in told] == ["kind", ""]


def test_a_count_in_the_question_s_language_counts_the_same_thing_by_its_word(use_embedder):
    """In the question's own language what a number counts is the word it asks about, or one that means it
    (SAME_WORD): "three ports" does not count ships; in the other language a looser translation may ("burgers")."""
    def refusal(question: str, text: str, lang: str, asked_in: str) -> str:
        return covered(question, read_text(use_embedder, question, text, lang=lang, asked_in=asked_in),
                       use_embedder).reason

    question = "How many ships left the ports of Odesa?"
    assert [refusal(question, text, "en", "en") for text in (
        "The corridor let ships leave three ports, including Odesa.",
        "Some 1,000 ships left the ports of Odesa under the corridor.")] == ["kind", ""]
    assert refusal("Hoeveel provincies heeft Nederland?", "Nederland leidt een coalitie van elf landen.", "nl",
                   "nl") == "kind"
    assert refusal("How many civilians were killed in Izium?",
                   "Bij beschietingen van Izium kwamen twaalf burgers om het leven.", "nl", "en") == ""


def test_the_person_a_follow_up_calls_she_is_named_by_the_article_quoted(use_embedder):
    """"Which party does she belong to?" after "Who is Lena Vos?" is not answered by another's party."""
    topic, question = "Who is Lena Vos?", "Which party does she belong to?"
    assert referred_people(question, topic) == ["Lena Vos"]
    assert referred_people(question, "Wat zei president Joe Biden?") == ["Joe Biden"]  # the person, not the office
    assert referred_people("Which party is it?", topic) == []
    told = [Passage(1, 0.6, text, ArticleMeta("a", "Partijen", "2023-06", "en", "a.txt")) for text in (
        "Many critics of the decision belong to President Biden's own Democratic Party.",
        "Lena Vos, the defence minister, belongs to the Democratic Party.")]
    assert [covered(question, Reader(use_embedder).read(question, [p], topic=topic, lang="en"), use_embedder,
                    topic).reason for p in told] == ["unnamed", ""]
    # where the question before names no one, "he" is one of those its answer named
    topic, question = "Who signed the treaty for Norway?", "When did he win the Nobel Peace Prize?"
    answered = '- "The treaty was signed by Prime Minister Jonas Berg and Foreign Minister Eva Lund." [1]'
    assert referred_people(question, topic, answered) == ["Jonas Berg", "Eva Lund"]
    told = [Passage(1, 0.6, text, ArticleMeta("a", "Nobel", "2023-10", "en", "a.txt")) for text in (
        "The Nobel Peace Prize went to the OPCW in 2013 for its work against chemical weapons.",
        "Jonas Berg won the Nobel Peace Prize in 2013 for his work on the treaty.")]
    assert [covered(question, Reader(use_embedder).read(question, [p], topic=topic, lang="en"), use_embedder,
                    topic, answered).reason for p in told] == ["unnamed", ""]


def test_a_sum_in_the_title_is_not_every_sentence_s(use_embedder):
    """A title's year says what its article is about ("the 2008 treaty"); a sum in it is one of the sums its
    sentences tell, not theirs: "Van een half miljard tot 1,3 miljard dollar" does not make "ruim 41 miljard dollar"
    the 1.3 billion package."""
    text = ("Sinds de invasie in februari 2022 hebben de Verenigde Staten voor ruim 41 miljard dollar aan militaire "
            "hulp voor Oekraïne aangekondigd, verdeeld over tientallen pakketten. Op 9 mei volgde een pakket van 1,2 "
            "miljard dollar. Op 19 juli kondigde het Pentagon een nieuw USAI-pakket aan van 1,3 miljard dollar.")
    passage = Passage(1, 0.6, text, ArticleMeta("a", "Van een half miljard tot 1,3 miljard dollar: de steunpakketten",
                                                "2023-07", "nl", "a.txt"))
    question = "When did the Pentagon announce the 1.3 billion dollar aid package for Ukraine?"
    reading = Reader(use_embedder).read(question, [passage], lang="en")
    assert "19 juli" in reading.best.text, reading.best.text


def test_which_city_is_answered_by_a_city_not_a_country():
    question = "Near which cities were the airfields hit?"
    assert not holds_answer("place", "Raketten uit de Verenigde Staten troffen twee vliegvelden.", question, is_country)
    assert holds_answer("place", "Vliegvelden bij Melitopol en Tokmak werden getroffen.", question, is_country)
    # where a country is an answer, it still is one
    assert holds_answer("place", "De tanks komen uit Duitsland.", "Where do the tanks come from?", is_country)
    # where something comes from does not say where it was used
    question = "Waar werden de raketten ingezet?"
    assert not holds_answer("place", "Kyiv heeft de raketten uit de VS nu ook gebruikt.", question, is_country)
    assert holds_answer("place", "Raketten uit de VS troffen vliegvelden bij Berdjansk.", question, is_country)
    # "op" and "on" say where ("op de vliegbasis Eindhoven", "on Telegram"); a day or a month is no place
    assert holds_answer("place", "Rutte maakte het besluit bekend op de vliegbasis Eindhoven.",
                        "Waar maakte Rutte het besluit bekend?", is_country)
    question = "Where did the minister post his warning?"
    assert holds_answer("place", "The minister wrote it on Telegram.", question, is_country)
    assert not any(holds_answer("place", f"The minister wrote it {when}.", question, is_country)
                   for when in ("in July", "on Monday"))


def test_the_year_that_names_a_treaty_is_no_answer_to_when():
    question = "When did the United States ratify the Convention on Cluster Munitions?"
    assert not any(holds_answer("date", sentence, question) for sentence in (
        "Anders dan bij het clustermunitieverdrag van 2008 horen daar ook de Verenigde Staten bij.",
        "The United States stayed outside the 2008 convention."))
    assert holds_answer("date", "Het verdrag werd in 2008 in Dublin aangenomen.", question)


def read_text(embedder, question: str, text: str, *, lang: str = "en", asked_in: str = "en"):
    """The reader's reading of one passage of `text` (an article in `lang`) for a question asked in `asked_in`."""
    passage = Passage(1, 0.6, text, ArticleMeta("a", "Sample", "2024-05", lang, "a.txt"))
    return Reader(embedder).read(question, [passage], lang=asked_in)


def test_which_bridge_is_answered_by_the_sentence_that_names_a_bridge(use_embedder):
    assert asked_type("Welk dorp heroverde Oekraïne?") == (["dorp", "heroverde"], False)
    assert asked_type("Welke Europese NAVO-landen tekenden niet?") == ([], True)
    assert asked_type("Which major powers abstained?") == ([], True)  # powers are countries too
    question = "Which bridge was hit on the day the Danube ceasefire ended?"
    reading = read_text(use_embedder, question, "The Danube ceasefire between the two armies ended on 4 May, the "
                        "Romanian government said. That morning a drone strike damaged the Isaccea bridge, though "
                        "neither army would say who had launched it.")
    assert reading.best.text.startswith("That morning a drone strike damaged the Isaccea bridge")


def test_which_crops_is_answered_by_the_crops_not_by_a_name(use_embedder):
    question = "Which crops were mostly shipped from the port under the corridor deal?"
    reading = read_text(use_embedder, question, "De haven van Izmail werd in maart heropend, zei havenmeester Petro "
                        "Kovalenko. Onder de corridordeal werd er sindsdien vooral maïs en gerst verscheept. Kovalenko "
                        "verwacht dat de deal in juni wordt verlengd.", lang="nl")
    assert reading.best.text.startswith("Onder de corridordeal werd er sindsdien vooral maïs en gerst verscheept")


def test_a_count_of_them_counts_what_the_sentence_before_counted(use_embedder):
    question = "How many civilians did mines kill in the Kharkiv region last year?"
    reading = read_text(use_embedder, question, "Mines killed 300 civilians across the country last year, a record. "
                        "The Kharkiv region accounted for 120 of them. In the Kharkiv region, teams "
                        "cleared mines from 2,000 hectares of farmland last year.")
    assert reading.best.text == "The Kharkiv region accounted for 120 of them."
    # quoted with the sentence that says what "them" are
    assert [s.text for s in reading.quoted][:2] == [
        "Mines killed 300 civilians across the country last year, a record.",
        "The Kharkiv region accounted for 120 of them."]


def test_a_count_of_them_is_never_quoted_without_what_it_counts(sample_rag):
    # "Ukraine accounted for 916 of them." scores close to the count of states parties, but alone says nothing
    answer = sample_rag.ask("How many states parties does the cluster munitions convention have?", use_llm=False)
    lines = answer.text.splitlines()
    assert "112 states parties" in lines[2], answer.text
    assert all("1,172 people" in before for before, line in zip(lines, lines[1:]) if "916 of them" in line), answer.text


def test_a_name_counted_in_the_plural_is_counted_where_it_is_written_once(use_embedder, sample_rag):
    reading = read_text(use_embedder, "Hoeveel Leopards stuurt Polen?", "Polen stuurt veertien Leopard 2A4-tanks naar "
                        "Oekraïne. Twaalf instructeurs gaan mee om de bemanningen op te leiden.", lang="nl",
                        asked_in="nl")
    assert reading.best.has_answer and "veertien" in reading.best.text
    answer = sample_rag.ask("hoeveel leopards stuurt duitsland", use_llm=False)
    assert answer.citations and "veertien Leopard 2A6-tanks" in answer.text, answer.text


def test_who_said_it_is_read_from_the_sentence_a_pronoun_refers_to(use_embedder):
    question = "Who said at the summit that the allies are not a web shop?"
    reading = read_text(use_embedder, question, "Op de top in Riga ontstond ophef over een uitspraak van minister "
                        "Anna Jansen. Op 3 mei zei ze dat de bondgenoten geen webwinkel zijn die op bestelling "
                        "levert. Ze wilde het besluit van president Maria Lopez niet veroordelen.", lang="nl")
    assert reading.best.text.startswith("Op 3 mei zei ze")
    assert "Anna Jansen" in reading.answer()[0]
    # and from the one before words attributed after a comma ("..., zei hij op 8 juli")
    question = "Wat zei Jansen over drones?"
    reading = read_text(use_embedder, question, "Minister Anna Jansen heeft veel beloofd, maar bij drones trekt ze een "
                        "grens. Het land levert geen drones, zei ze op 8 juli in Riga. Ook de tanks komen later.",
                        lang="nl", asked_in="nl")
    assert covered(question, reading, use_embedder).answerable
    quote = reading.answer()[0]
    assert quote.startswith('- "Minister Anna Jansen heeft veel beloofd') and "zei ze op 8 juli" in quote, quote


def test_the_answer_comes_first_when_the_article_tells_something_else_first(use_embedder):
    question = "Wanneer trad het mijnenverdrag in werking?"
    reading = read_text(use_embedder, question, "Het Mijnenverdrag werd op 14 mei 2011 in Genève aangenomen en zou "
                        "in werking treden na veertig ratificaties. Het trad op 1 maart 2013 in werking.",
                        lang="nl", asked_in="nl")
    lines = reading.answer()[0].splitlines()
    assert len(lines) == 2 and "1 maart 2013" in lines[0], lines
    # the citation quotes the passage in its own order
    assert reading.answer()[1][0].quote.startswith("Het Mijnenverdrag werd op 14 mei 2011")


def test_consecutive_sentences_quoted_are_one_quote(use_embedder):
    """A sentence quoted after the one it refers back to continues that quote: the reader meets the answer in the
    first line, not in a second one that starts "Daarmee"."""
    question = "Hoeveel radars worden met het pakket van 19 juli gekocht?"
    reading = read_text(use_embedder, question, "Het ministerie maakte woensdag nieuwe steun bekend. Op 19 juli "
                        "kondigde het een pakket aan van 1,3 miljard euro. Daarmee worden vier radars gekocht.",
                        lang="nl", asked_in="nl")
    text, citations = reading.answer()
    assert text.splitlines() == ['- "Op 19 juli kondigde het een pakket aan van 1,3 miljard euro. Daarmee worden vier '
                                 'radars gekocht." [1]'], text
    assert citations[0].quotes == ["Op 19 juli kondigde het een pakket aan van 1,3 miljard euro.",
                                   "Daarmee worden vier radars gekocht."]


def test_yes_or_no_is_answered_by_either(use_embedder):
    question = "Had the army used the new mines by July?"
    reading = read_text(use_embedder, question, "The army received the new mines in June and stored them near the "
                        "border. The army used the new mines for the first time in an exercise. "
                        "By July the army had not used the new mines in battle, a spokesman said.")
    assert reading.best.text.startswith("By July the army had not used")


def test_a_count_or_measure_of_something_else_is_no_answer(use_embedder):
    def passage(text: str) -> Passage:
        return Passage(1, 0.6, text, ArticleMeta("a", "Steun voor Oekraïne", "2023-07", "nl", "a.txt"))

    assert {"challenger", "tanks"} <= set(counted_in("Sunak zegde veertien Challenger 2-tanks toe."))
    assert counted_in("Ukraine accounted for 916 of them.") == []  # "of them" names nothing counted
    assert counted_in("On 20 July, National Security Council spokesman John Kirby confirmed it.") == []  # a day
    # a year counts nothing either: "In October 2023 the Duma ..." does not answer how many Duma deputies voted
    assert counted_in("In October 2023 the Duma voted to leave the treaty of 1996.") == []
    assert counted_in("In 2022 some 2000 soldiers died.") == ["soldiers", "died"]
    question = "How many Patriot systems has Germany sent to Ukraine?"
    money = passage("Duitsland stuurde Oekraïne Patriot-systemen. Het pakket van Duitsland was 2,7 miljard euro waard.")
    systems = passage("Duitsland heeft Oekraïne drie Patriot-systemen gestuurd, met munitie.")
    for given, answered in ((money, False), (systems, True)):
        reading = Reader(use_embedder).read(question, [given], lang="en")
        assert covered(question, reading, use_embedder).answerable is answered, reading.best
    # counted words in another language, by meaning: "civilians" are "burgers", not "ton graan"
    question = "How many civilians were killed in the attacks on Odesa?"
    killed = passage("Bij de aanvallen op Odesa kwamen twee burgers om het leven.")
    grain = passage("Na de aanvallen op Odesa lag 60.000 ton graan stil in de haven.")
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).answerable
            for p in (killed, grain)] == [True, False]
    # "how much" is answered by a sum of money, not by a date
    question = "How much did the tanks for Ukraine cost?"
    sum_, date = (passage("De tanks voor Oekraïne kostten 300 miljoen euro."),
                  passage("De tanks voor Oekraïne werden op 3 maart besteld."))
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).answerable
            for p in (sum_, date)] == [True, False]
    # "when" is answered by a date, not by what the person asked about did on another day
    question = "Wanneer werd Anna Jansen ontslagen als minister?"
    said, dated = (passage("Dat meldt Anna Jansen, minister van Defensie, via Telegram."),
                   passage("Anna Jansen werd op 3 maart ontslagen als minister."))
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="nl"), use_embedder).reason
            for p in (dated, said)] == ["", "kind"]
    # a measure is answered in its unit: "the range" by kilometres, not by a count of missiles
    question = "What is the range of the missiles Ukraine received?"
    count = passage("Oekraïne ontving twintig raketten; over het bereik van de raketten zweeg het leger.")
    range_ = passage("Oekraïne ontving raketten met een bereik van 165 kilometer.")
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).answerable
            for p in (range_, count)] == [True, False]
    # how long, in time or length: "Hoe lang duurt de opleiding?" by weeks, not by a count of battalions
    question = "Hoe lang duurt de opleiding van de tankbemanningen?"
    weeks, units = (passage("De opleiding van de tankbemanningen duurt zes weken."),
                    passage("De tankbemanningen moeten samen twee bataljons vormen na de opleiding."))
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="nl"), use_embedder).answerable
            for p in (weeks, units)] == [True, False]
    assert holds_answer("number", "Cambodia still clears bomblets dropped half a century ago.", "Hoe lang geleden?")
    assert holds_answer("number", "Al een halve eeuw ligt de munitie er.", "How long has it been there?")
    assert holds_answer("number", "Duds can explode years or even decades later.", "Hoe lang blijven ze gevaarlijk?")
    # "how many years" asks for a duration, in whatever unit of time it is told
    question = "For how many years did the programme run?"
    assert counted(question) == ([], False)
    assert holds_answer("number", "Het programma heeft ruim drie decennia geduurd.", question)
    assert not holds_answer("number", "Het programma kostte drie miljard dollar.", question)
    # and a duration without a number: "na wekenlange druk", "months-long", "after months of talks"
    for sentence in ("De stad viel na maandenlange gevechten.", "The talks ended a weeks-long standoff.",
                     "After months of talks, the two sides agreed.", "Ze voerden jarenlang campagne."):
        assert holds_answer("number", sentence, "How long did it take?")
    assert not holds_answer("number", "The talks were held for the first time in May.", "How long did it take?")


def test_a_count_of_countries_is_no_count_of_warheads(use_embedder):
    reading = read_text(use_embedder, "How many nuclear warheads does Russia keep in reserve?",
                        "Rusland heeft het verdrag in 1997 geratificeerd. Slechts vier landen doen niet mee aan het "
                        "verdrag.", lang="nl")
    assert not any(s.has_answer for s in reading.sentences)


def test_a_count_is_not_passed_over_for_a_negation_beside_it(use_embedder):
    """A plain "how many" is answered by the count, whatever else its sentence denies; an earlier count is no
    better for having no "zonder" in it."""
    reading = read_text(use_embedder, "How many countries are party to the treaty?",
                        "Toen het verdrag in 2010 in werking trad, hadden dertig landen het bekrachtigd. Het verdrag "
                        "telt nu 112 verdragsstaten, en twaalf landen hebben het getekend zonder het te bekrachtigen.",
                        lang="nl")
    assert reading.best.text.startswith("Het verdrag telt nu 112 verdragsstaten")


def test_a_why_question_is_answered_by_the_reason_that_follows(use_embedder):
    question = "Why were the reports from the front hard to confirm?"
    reading = read_text(use_embedder, question, "Beide legers meldden successen aan het front. Die berichten waren "
                        "moeilijk te bevestigen. Journalisten mogen de frontlinie niet bezoeken. Het weer was slecht.",
                        lang="nl")
    quoted = {s.text for s in reading.quoted}
    assert {"Die berichten waren moeilijk te bevestigen.", "Journalisten mogen de frontlinie niet bezoeken."} <= quoted
    assert "Het weer was slecht." not in quoted


def test_that_is_why_is_quoted_after_the_reason_it_refers_back_to(use_embedder):
    question = "Why did the White House wait so long, according to the adviser?"
    text = ("The adviser said the White House feared that bomblets which fail to explode would hurt civilians for "
            "years. \"That's why we waited as long as we could,\" he said. The shells arrived a week later.")
    quoted = " ".join(s.text for s in read_text(use_embedder, question, text).quoted)
    assert "fail to explode" in quoted and "That's why" in quoted, quoted


def test_the_price_of_one_is_told_by_a_price_for_each():
    """"How much does one of the shells cost?" is not answered by the sum of a package that holds them."""
    question = "How much does one of the shells cost?"
    assert not holds_answer("amount", "De granaten maken deel uit van een pakket van 800 miljoen dollar.", question)
    assert holds_answer("amount", "Each shell costs about 2,000 dollars.", question)
    assert holds_answer("amount", "Een raket kost zo'n 1,5 miljoen dollar per stuk.", "Wat kost één raket?")
    assert holds_answer("amount", "Germany gave 2.7 billion euros.", "How much did each country give?")


def test_how_often_is_answered_by_a_frequency():
    question = "How often do member states have to report?"
    assert intent(question) == intent("Hoe vaak werd de deal verlengd?") == "number"
    for sentence in ("De lidstaten rapporteren jaarlijks.", "Elk jaar komen ze bijeen.",
                     "It was extended three times."):
        assert holds_answer("number", sentence, question), sentence
    for sentence in ("Het raakte twee bases.", "Moscow would return only once its demands were met.",
                     "Every member state must report."):
        assert not holds_answer("number", sentence, question), sentence


def test_since_in_time_gives_no_reason():
    question = "Why did Russia let the grain deal lapse?"
    assert not any(holds_answer("reason", sentence, question) for sentence in (
        "The ministry has since accused Ukraine of firing the shells.", "Grain prices have risen since July."))
    assert holds_answer("reason", "Russia let it lapse because its own exports were held up.", question)
    # a consequence tells its cause too
    assert holds_answer("reason", "Clearing the fields is slow, which means farmland stays unusable for years.",
                        "Why does farmland stay unusable for years?")
    # and a cause before "so" or "that's why" its consequence
    question = "Why are civilians at risk?"
    assert holds_answer("reason", "The bomblets cannot be aimed, so anyone in the zone is at risk.", question)
    assert holds_answer("reason", "That's why civilians are at risk, he said.", question)
    assert not holds_answer("reason", "So far no civilians were hit.", question)


def test_a_sentence_that_only_says_who_said_it_is_quoted_with_what_was_said(use_embedder):
    question = "Who reported heavy fighting near Kupiansk?"
    reading = read_text(use_embedder, question, "Het weer aan het front was slecht. Rond Koepjansk wordt hevig "
                        "gevochten. Dat meldt onderminister Hanna Maljar. Zij gaf geen cijfers.", lang="nl")
    quoted = [s.text for s in reading.quoted]
    assert quoted[:2] == ["Rond Koepjansk wordt hevig gevochten.", "Dat meldt onderminister Hanna Maljar."]


def test_the_quoted_passage_must_mention_the_question_s_names(use_embedder):
    question = "Wanneer keurde de Bondsdag de levering van Taurus-raketten aan Oekraïne goed?"
    other = Passage(1, 0.6, "Het Witte Huis maakte vrijdag bekend dat Oekraïne clustermunitie krijgt.",
                    ArticleMeta("a", "Clustermunitie voor Oekraïne", "2023-07", "nl", "a.txt"))
    reading = Reader(use_embedder).read(question, [other], lang="nl")
    assert covered(question, reading, use_embedder).reason == "names"


def test_what_someone_said_is_answered_only_by_a_passage_naming_them(use_embedder):
    assert [speaker(q) for q in ("What did Jens Hansen say about the tanks?", "Hoe noemde Poetin de levering?",
                                 "How did Lena Vos describe the tanks?", "Hoe beschreef Lena Vos de tanks?",
                                 "How did Russia's defence ministry describe the tanks?",  # someone of Russia's
                                 "Who said the tanks would come?", "When did the tanks arrive?",
                                 # what someone thought is asked of their words too
                                 "Hoe dacht president Lena Vos over de tanks?", "What did Lena Vos think of it?",
                                 # and what they stressed or announced
                                 "What did Lena Vos stress after the talks?", "What did Jens Hansen announce then?",
                                 "Wat benadrukte Lena Vos?",
                                 # a country after "the", as without it; not someone of theirs, nor an office
                                 "What did the Netherlands say about the tanks?", "Wat zei de VS over de tanks?",
                                 "Wat zei de Spaanse defensieminister over de tanks?",
                                 "What did the US defence secretary say?", "What did the Pentagon say?")] == \
        ["Jens Hansen", "Poetin", "Lena Vos", "Lena Vos", "", "", "", "Lena Vos", "Lena Vos", "Lena Vos",
         "Jens Hansen", "Lena Vos", "Netherlands", "VS", "", "", ""]
    question = "What did Hansen say about the Leopard tanks?"
    meta = ArticleMeta("a", "Leopard-tanks voor Oekraïne", "2023-01", "nl", "a.txt")
    said = {name: Passage(1, 0.6, f"Minister {name} zei dat de Leopard-tanks binnen twee maanden komen.", meta)
            for name in ("Hansen", "De Vries")}
    decisions = {name: covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder)
                 for name, p in said.items()}
    assert decisions["Hansen"].answerable
    assert decisions["De Vries"].reason == "speaker"


def test_how_someone_described_a_thing_is_answered_by_their_words(use_embedder):
    question = "Hoe beschreef Lena Vos het gebruik van de tanks?"
    reading = read_text(use_embedder, question, "On 20 July, spokeswoman Lena Vos confirmed that the army had started "
                        "using the tanks. According to Vos, the soldiers were using the tanks carefully and "
                        "effectively.")
    assert [s.text for s in reading.quoted][-1].startswith("According to Vos,"), reading.quoted


def test_what_someone_said_about_a_thing_is_answered_only_by_their_words_about_it(use_embedder):
    assert said_about("What did Lena Vos say about the tanks for Ukraine?") == "the tanks for Ukraine"
    assert said_about("Wat zei Vos over de brug?") == "de brug"
    assert said_about("What did the report find about the bridge?") == ""  # no one's words
    text = {"en": "Prime Minister Lena Vos opened a new bridge in Arnhem on Monday. She said the bridge would shorten "
                  "the commute for thousands of people. Her cabinet will decide on tanks for Ukraine next week.",
            "nl": "Premier Lena Vos opende maandag een nieuwe brug in Arnhem. Volgens haar scheelt de brug duizenden "
                  "forenzen een half uur per dag. Over tanks voor Oekraïne beslist het kabinet volgende week."}
    for lang, article in text.items():
        question = "What did Lena Vos say about the tanks for Ukraine?"
        reading = read_text(use_embedder, question, article, lang=lang)
        assert covered(question, reading, use_embedder).reason == "topic", reading.best
        question = "What did Lena Vos say about the bridge?"
        reading = read_text(use_embedder, question, article, lang=lang)
        assert covered(question, reading, use_embedder).answerable
        assert any("commute" in s.text or "forenzen" in s.text for s in reading.quoted)


def test_what_someone_said_is_quoted_from_their_words_not_another_s(use_embedder):
    question = "Wat zei Lena Vos over de levering van de tanks?"
    # named by surname only, after the first mention
    reading = read_text(use_embedder, question, "De levering van de tanks is een vergissing, vindt oppositieleider Tom "
                        "Berg. Vos noemde de levering juist een teken van trouw aan Oekraïne.",
                        lang="nl", asked_in="nl")
    assert [s.text for s in reading.quoted] == ["Vos noemde de levering juist een teken van trouw aan Oekraïne."]
    # named in the sentence after, which says whose words they were
    reading = read_text(use_embedder, question, "De levering van de tanks is een vergissing, vindt oppositieleider Tom "
                        "Berg. De tanks komen op tijd in Oekraïne aan. Dat heeft premier Lena Vos gezegd tegen de "
                        "NOS.", lang="nl", asked_in="nl")
    assert reading.quoted[0].text == "De tanks komen op tijd in Oekraïne aan."
    # named beside someone else's words is no words of her own
    reading = read_text(use_embedder, question, "Minister Tom Berg maakte maandag de levering van de tanks bekend. Hij "
                        "deed dat samen met premier Lena Vos. Vos noemde het besluit een teken van trouw aan "
                        "Oekraïne.", lang="nl", asked_in="nl")
    assert [s.text for s in reading.quoted] == ["Vos noemde het besluit een teken van trouw aan Oekraïne."]
    # what someone called on others to do, or asked of them, is their words too
    reading = read_text(use_embedder, "What did Lena Vos call on both parties to do?", "Lena Vos bezocht maandag de "
                        "grensstreek. Minister Tom Berg was er ook. Vos roept beide partijen op om de wapens neer te "
                        "leggen.", lang="nl")
    assert [s.text for s in reading.quoted] == ["Vos roept beide partijen op om de wapens neer te leggen."]


def test_what_someone_said_about_a_thing_needs_a_passage_about_it(use_embedder):
    question = "What did Lena Vos say about cluster munitions for Ukraine?"
    reading = read_text(use_embedder, question, "Defence minister Lena Vos said the weapons for Ukraine would arrive "
                        "in May. The package is the largest the country has sent so far.")
    assert covered(question, reading, use_embedder).reason == "topic"


def test_what_someone_said_about_a_thing_named_only_by_its_name(use_embedder):
    question = "Wat zei Lena Vos over de F-16's?"
    reading = read_text(use_embedder, question, "Premier Lena Vos zei maandag dat de F-16's voor de winter in Oekraïne "
                        "zijn. Het kabinet vergadert dinsdag over de begroting.", lang="nl", asked_in="nl")
    assert covered(question, reading, use_embedder).answerable
    reading = read_text(use_embedder, question, "Premier Lena Vos zei maandag dat het kabinet dinsdag over de "
                        "begroting vergadert. Minister Tom Berg opende een kazerne.", lang="nl", asked_in="nl")
    assert covered(question, reading, use_embedder).reason == "topic"


def test_an_article_s_title_names_what_its_passages_are_about(use_embedder):
    question = "Hoe noemde Poetin de Amerikaanse levering van ATACMS-raketten?"
    passage = Passage(1, 0.6, "President Poetin noemde de levering woensdag een fout van Washington.",
                      ArticleMeta("a", "Oekraïne zet Amerikaanse ATACMS-raketten in", "2023-10", "nl", "a.txt"))
    reading = Reader(use_embedder).read(question, [passage], lang="nl")
    assert covered(question, reading, use_embedder).answerable


def test_what_someone_said_may_be_a_negation(use_embedder):
    question = "What did Anna Kuiper say about the tanks for Ukraine?"
    reading = read_text(use_embedder, question, "The tanks for Ukraine will arrive before winter, Tom Berg said on "
                        "Monday. Defence minister Anna Kuiper said the government had no plans to send more of them.")
    assert [s.text for s in reading.quoted] == [
        "Defence minister Anna Kuiper said the government had no plans to send more of them."]


def test_what_a_country_did_is_not_answered_by_what_another_did(use_embedder):
    assert [subject(q, lang) for q, lang in (
        ("How many tanks did Poland send?", "en"), ("When did Ukraine's offensive begin?", "en"),
        ("Hoeveel tanks leverde Nederland?", "nl"), ("Op welke datum werd Zweden lid?", "nl"),
        ("Hoe hoog is volgens het Pentagon het percentage?", "nl"), ("Who succeeded Ben Wallace?", "en"),
        # a country that describes the thing asked about does nothing in the question
        ("How much was the US military aid package worth?", "en"), ("Why was Russia expelled?", "en"))] == \
        ["Poland", "Ukraine", "Nederland", "Zweden", "", "", "", "Russia"]
    germany = ("Duitsland levert Oekraïne veertien Leopard 2-tanks uit de voorraad van het leger, zei de "
               "bondskanselier woensdag. Polen drong al weken aan op de levering.")
    poland = f"{germany} Polen stuurde in februari al tien Leopard 2-tanks."
    for question, asked_in in (("How many Leopard tanks did Poland send to Ukraine?", "en"),
                               ("Hoeveel Leopard-tanks leverde Polen aan Oekraïne?", "nl")):
        reading = read_text(use_embedder, question, germany, lang="nl", asked_in=asked_in)
        assert covered(question, reading, use_embedder).reason == "country", reading.best
        reading = read_text(use_embedder, question, poland, lang="nl", asked_in=asked_in)
        assert covered(question, reading, use_embedder).answerable
        assert "Polen stuurde in februari al tien Leopard 2-tanks." in [s.text for s in reading.quoted]
    question = "How many Leopard tanks did Germany send to Ukraine?"
    reading = read_text(use_embedder, question, germany, lang="nl")
    assert covered(question, reading, use_embedder).answerable and "veertien" in reading.best.text


@pytest.mark.parametrize("question, said", [
    ("Did the US ratify the Arms Trade Treaty?", "nooit geratificeerd"),
    ("Did China join the Ottawa treaty?", "China have never joined"),
    ("Heeft Oekraïne het Ottawa-verdrag getekend?", "Ukraine, by contrast, is a member"),
    ("Is Ukraine a member of the Ottawa treaty?", "Ukraine, by contrast, is a member"),
    ("Is Ukraine a member of the cluster munitions convention?", "Russia and Ukraine all remain outside"),
    ("Has India signed the Ottawa treaty?", "neither have India"),  # not "India ... never signed the NPT"
    ("Heeft China het CCW-verdrag ondertekend?", "China en Oekraïne bij")])  # "horen daar ook ... bij"
def test_whether_a_country_signed_or_joined_a_treaty_is_told_by_where_it_stands(sample_rag, question, said):
    # not the treaty's signing or adoption, which names the treaty and says nothing of the country; nor the members of
    # a parliament ("He said he had consulted allies and members of Congress")
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and said in answer.text.splitlines()[2], answer.text


def test_another_country_where_no_subject_stands_does_not_refuse(sample_rag):
    # "Zelensky bevestigde dinsdagavond ... en bedankte de Verenigde Staten": the United States did not fire them
    answer = sample_rag.ask("When did Ukraine first use ATACMS?", use_llm=False)
    assert answer.citations and "dinsdagavond" in answer.text, answer.text


def test_what_a_country_did_is_told_by_a_quote_that_names_it(use_embedder):
    question = "How many tanks did Poland send to Ukraine?"
    decisions = [covered(question, read_text(use_embedder, question, text, lang="nl"), use_embedder)
                 for text in ("Polen stuurde veertien tanks naar Oekraïne.", "Er gingen veertien tanks naar Oekraïne.")]
    assert [d.reason for d in decisions] == ["", "unnamed"]
    assert decisions[1].detail == {"who": "Poland"}


def test_what_someone_said_about_a_thing_may_call_it_by_another_name(use_embedder):
    # the article is about cluster munitions, as its title says; her words call them "these shells"
    question = "Wat zei Annalena Baerbock over clustermunitie?"

    def reading_of(text: str):
        passage = Passage(1, 0.6, text, ArticleMeta("a", "Allies split over cluster munitions for Kyiv", "2023-07",
                                                    "en", "a.txt"))
        return Reader(use_embedder).read(question, [passage], lang="nl")

    reading = reading_of("Berlin chose its words carefully. Foreign minister Annalena Baerbock said Germany would "
                         "never deliver these shells, but would not stand in the way.")
    assert covered(question, reading, use_embedder).answerable, reading.best
    assert "would never deliver these shells" in reading.best.text
    # a sentence that names her, but gives none of her words
    reading = reading_of("Berlin chose its words carefully. Foreign minister Annalena Baerbock visited a field "
                         "hospital in Kyiv on Monday.")
    assert covered(question, reading, use_embedder).reason == "topic", reading.best


@pytest.mark.parametrize("question", ["What did Russia say about the cluster munitions?",
                                      "what did russia say about the cluster munitions"])
def test_what_a_country_said_about_a_thing_is_found_where_it_is_written_as_one_word(sample_rag, question):
    # the Dutch article that quotes Russia writes "clustermunitie": "cluster" spelled alike, "munitie" meaning munitions
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and "Rusland zal niet aarzelen" in answer.text, answer.text


def test_what_someone_said_about_a_thing_written_as_one_word_in_the_question(use_embedder):
    # "graandeal" is the title's "grain deal": a Dutch compound speaks of a thing by its parts
    question = "Wat zei Lena Vos over de graandeal?"
    passage = Passage(1, 0.6, "Russia let the agreement lapse on Monday. Lena Vos said she deeply regretted the "
                      "decision.", ArticleMeta("a", "Russia pulls out of the grain deal", "2023-07", "en", "a.txt"))
    reading = Reader(use_embedder).read(question, [passage], lang="nl")
    assert covered(question, reading, use_embedder).answerable, reading.best
    assert "deeply regretted" in reading.best.text


def test_what_someone_said_about_a_thing_is_quoted_from_words_of_theirs_on_it(sample_rag):
    # the best passage gives Zelensky's gratitude (an article on British aid); the summit's article, his words on NATO
    answer = sample_rag.ask("What did Zelensky say about NATO?", use_llm=False)
    assert answer.citations and "absurd and unprecedented" in answer.text, answer.text
    assert "dankbaarheid" not in answer.text


def test_what_a_country_said_is_refused_where_no_article_gives_its_words(sample_rag):
    answer = sample_rag.ask("What did the Netherlands say about cluster munitions?", use_llm=False)
    assert not answer.citations and answer.text.startswith("The articles don't contain the answer"), answer.text
    # and quoted where one does, its minister "saying" them
    for question in ("What did Spain say about cluster munitions?", "Wat zei Spanje over clustermunitie?"):
        answer = sample_rag.ask(question, use_llm=False)
        assert answer.text.split("\n\n")[1].startswith('- "Spain\'s defence minister, Margarita Robles'), answer.text


def test_a_follow_up_asking_for_a_sum_quotes_the_sum(sample_rag):
    # the topic's words lift the sentence that repeats it; the amount is in another sentence of that passage
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Stuurt Washington clustermunitie naar Oekraïne?")
    answer = chat.ask("Hoeveel was het steunpakket waard?")
    assert answer.citations and "800 miljoen dollar" in answer.text.splitlines()[2], answer.text


def test_a_count_the_best_sentence_lacks_is_refused_not_taken_from_its_neighbour(sample_rag):
    # asked on its own, no sentence counts Izium's inhabitants: the passage's other count (casualties) is no answer
    answer = sample_rag.ask("Hoeveel inwoners telde Izium voor de Russische bezetting in 2022?", use_llm=False)
    assert not answer.citations and answer.refusal == "kind", answer.text


def test_a_count_someone_gave_may_be_quoted_from_a_sentence_that_does_not_name_them(sample_rag):
    answer = sample_rag.ask("How many helicopters did Ukraine say it destroyed in its first strikes with ATACMS "
                            "missiles?", use_llm=False)
    assert answer.citations and "negen helikopters" in answer.text, answer.text


def test_a_sum_of_the_country_asked_about_is_quoted_not_another_s(use_embedder):
    # the US describes the package; "Nederland" stands where the subject does in the sentence with the other sum
    assert describing("How much was the US aid package for Ukraine worth?") == ["US"]  # Ukraine gets it
    assert describing("How much was the aid package for Ukraine worth?") == []
    question = "How much was the US aid package for Kyiv worth?"
    text = ("Nederland reserveerde 2,5 miljard euro aan steun voor Kyiv. Het Pentagon maakte op 9 mei een pakket "
            "van 1,2 miljard dollar bekend, vooral voor luchtverdediging.")
    reading = read_text(use_embedder, question, text, lang="nl")
    assert [s.text for s in reading.quoted] == [text.split(". ")[1]], reading.quoted


def test_a_count_of_another_country_s_is_not_quoted_beside_the_answer(use_embedder):
    question = "How many F-16s did Denmark promise Ukraine?"
    reading = read_text(use_embedder, question, "Premier Mette Frederiksen maakte bekend dat Denemarken negentien "
                        "F-16's aan Oekraïne levert. Nederland beschikt nog over 42 F-16's, die deels al zijn "
                        "toegezegd.", lang="nl")
    assert "negentien" in reading.best.text
    assert [s.text for s in reading.quoted] == [reading.best.text]
    assert counted_in("Nederland beschikt nog over 42 F-16-gevechtsvliegtuigen.") == ["gevechtsvliegtuigen", "f16"]


def test_numbers_are_one_number_in_every_notation():
    dutch, english = numbers_in("800.000 dollar, 2,35 procent"), numbers_in("800,000 dollars, 2.35 percent")
    assert dutch == english == {"800000", "2.35"}
    assert numbers_in("1.3 billion") != numbers_in("13 billion")


def test_names_are_found_across_spelling_and_language(use_embedder):
    matcher = NameMatcher(use_embedder)
    assert names_in("Which Western missiles did Ukraine get before the ATACMS?") == ["Western", "Ukraine", "ATACMS"]
    assert names_in("Were Russian airfields hit in Ukraine’s first strikes?") == ["Russian", "Ukraine"]
    assert names_in("What did Erdogan want for Sweden's NATO membership?") == ["Erdogan", "Sweden", "NATO"]
    # a sentence's first word is a name when it starts a run of them or is a country's
    opening = "Canada and New Zealand objected, as did New START's negotiators."
    assert names_in(opening) == ["Canada", "New Zealand", "New START"]
    assert names_in("China sloot zich in 2020 alsnog aan.") == ["China"]
    assert names_in("Toen sloot China zich aan.") == ["China"]
    assert names_in("If the shells go to Ukraine, Russia will answer.") == ["Ukraine", "Russia"]  # not "Ukraine Russia"
    # Dutch puts subject and object side by side: a run that ends in a country's name is two names, unless it is one
    assert names_in("Waarmee dreigde Medvedev Nederland?") == ["Medvedev", "Nederland"]
    assert names_in("Toen trad South Sudan toe.") == ["South Sudan"]
    assert speaker("Waarmee dreigde Medvedev Nederland?") == speaker("What did Medvedev threaten?") == "Medvedev"
    assert matcher.coverage(["Putin"], ["Poetin dreigt met eigen clustermunitie."]) == [1.0]
    assert matcher.coverage(["ATACMS"], ["Oekraïne zet ATACMS-raketten in."]) == [1.0]
    # a name's own word is no translation of it: "New" is near "New START" by vector
    assert matcher.coverage(["New START"], ["Bij de stemming in New York stemden 154 landen voor."]) == [0.0]
    assert matcher.coverage(["NATO"], ["De NAVO-top in Vilnius."]) == [1.0]
    assert matcher.coverage(["HRW", "Human Rights Watch"], ["Volgens Human Rights Watch ...", "Volgens HRW ..."],
                            translations=False) == [1.0, 1.0]  # an alias as it is spelled
    assert matcher.coverage(["United Nations"], ["De Verenigde Naties ...", "De VN ..."], translations=False) == [1.0, 1.0]
    # and the United Nations are not the United States, near as they are in spelling and in vector
    states = ["De Verenigde Staten beschikken over een omvangrijke voorraad clustergranaten."]
    assert matcher.coverage(["Verenigde Naties"], states) == matcher.coverage(["United Nations"], states) == [0.0]
    assert matcher.coverage(["Verenigde Staten"], ["Turkey and the United Nations brokered the deal."]) == [0.0]
    assert matcher.coverage(["Germany"], ["Duitsland stuurt tanks.", "Frankrijk stuurt tanks."]) == [1.0, 0.0]
    # an abbreviation is no other abbreviation, though it may be the name written out
    assert matcher.coverage(["OPCW"], ["Ongeveer 126 landen zijn partij bij het CCW."]) == [0.0]
    assert matcher.coverage(["US"], ["De Verenigde Staten sturen clustermunitie."]) == [1.0]
    # a country's names in either language, its short forms among them, are one name by spelling alone
    assert matcher.coverage(["VS", "Rusland"], ["limits for the United States and Russia", "the United Kingdom"],
                            translations=False) == [1.0, 0.0]
    assert matcher.coverage(["Germany"], ["Frankrijk stuurt tanks."], translations=False) == [0.0]
    # a name of several words may be plain words in the other language; a one-word name may not
    assert matcher.coverage(["Biological Weapons Convention"],
                            ["Het verdrag tegen biologische wapens geldt sinds 1975.",
                             "Het verdrag tegen landmijnen geldt sinds 1999.",
                             "Het verdrag van 1999 zegt niets over biologische proeven met nieuwe wapens."]) \
        == [1.0, 0.0, 0.0]  # its words far apart are no name
    assert matcher.coverage(["Koningsdag"], ["De koning opende woensdag het nieuwe gebouw."]) == [0.0]
    # a longer name may begin a word; an abbreviation is a word of its own
    assert matcher.coverage(["Putin"], ["Poetins woorden."], translations=False) == [1.0]
    assert matcher.coverage(["US", "UK"], ["Ukraine got a USAI package.", "The US-made shells and the UK."],
                            translations=False) == [0.0, 1.0]


def test_the_example_quotes_the_2008_convention_and_nothing_else(sample_index):
    for question in (EXAMPLE, "Welke landen hebben het verdrag van 2008 niet ondertekend?"):
        answer = json.loads(run_rag("ask", question, "--json", "--no-llm", "--index", str(sample_index)).stdout)
        assert [c["article"]["source"].rsplit("/", 1)[-1] for c in answer["citations"]] == [CONVENTION]
        assert "de Verenigde Staten, Rusland en Oekraïne zelf" in answer["answer"]
        assert "Ottawa" not in answer["answer"] and answer["answer"].count('- "') <= 2
        assert all(c["supported"] for c in answer["citations"])


def test_a_question_about_part_of_a_month_is_not_answered_by_another_part(use_embedder):
    assert times_in("Welk dorp heroverde het leger eind augustus?") == {(8, "end")}
    assert times_in("On 3 May, and in mid-July; they may come in March") == {(5, "begin"), (7, "mid"), (3, "")}
    assert times_in("Where did he speak in early May?") == {(5, "begin")}  # "may" the verb has no part
    assert about_other_times({(8, "end")}, "Earlier in August, the army took it.")
    assert not about_other_times({(8, "end")}, "The army took it on 27 August.")
    assert not about_other_times({(8, "end")}, "In August the army took it.")  # the whole month holds its end
    question = "Welk dorp heroverde het leger eind augustus?"
    reading = read_text(use_embedder, question, "Het leger heroverde op 27 augustus het dorp Kamjanka, meldde het "
                        "ministerie. Eerder in augustus was het dorp Sjevtsjenko al bevrijd.", lang="nl", asked_in="nl")
    assert [s.text for s in reading.quoted] == [
        "Het leger heroverde op 27 augustus het dorp Kamjanka, meldde het ministerie."]
    # a sentence that refers back is about the time of the one it refers to
    question = "Where did the president speak in early May?"
    reading = read_text(use_embedder, question, "On 20 August the president spoke at Eindhoven air base. He did so "
                        "beside one of the jets in a hangar. In early May he spoke at the court in The Hague.")
    assert [s.text for s in reading.quoted] == ["In early May he spoke at the court in The Hague."]


def test_a_sentence_about_other_years_is_told_apart():
    assert about_other_years({"1997"}, "De OPCW ontving in 2013 de Nobelprijs.")
    assert not about_other_years({"1997"}, "De campagne kreeg de prijs in 1997.")
    assert not about_other_years({"2023"}, "Sinds februari 2022 gaf Londen 4,6 miljard pond.")  # a period up to now
    assert about_other_years({"2021"}, "Sinds februari 2022 gaf Londen 4,6 miljard pond.")
    assert not about_other_years({"2023"}, "Since the Russian invasion in February 2022, Washington gave $41 billion.")
    assert not about_other_years(set(), "In 2013.") and not about_other_years({"2013"}, "Geen jaartal.")


@pytest.mark.parametrize("question, year", [("Wie kreeg in 1997 de Nobelprijs voor de Vrede?", "1997"),
                                            ("Which country joined the Arms Trade Treaty in 2020?", "2020")])
def test_the_answer_is_about_the_year_asked_about(sample_rag, question, year):
    answer = sample_rag.ask(question, use_llm=False)
    quotes = [line for line in answer.text.splitlines() if line.startswith('- "')]
    assert quotes and all(years_in(q) <= {year} for q in quotes), answer.text
    if year == "1997":
        assert "Jody Williams" in answer.text  # the 2013 laureate, in the same passage, is not the answer


@pytest.mark.parametrize("question, day", [
    ("What happened on July 20?", "20 July"),  # not "Op 20 maart ...", nor the sentence after it
    ("wat gebeurde er op 21 mei", "21 May"),  # not New START's "21"
    ("What happened on May 9?", "9 mei"),  # a question too short for its vector to find the article
    ("Wat gebeurde er op 5 september?", "5 September 2023"),
    ("What did Kirby confirm on 20 July?", "20 July")])
def test_a_day_asked_about_is_the_day_the_quote_names(sample_rag, question, day):
    """A day of a month is a date in either language ("May 9" is "9 mei") and never the same day of another month."""
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and day in first_quote(answer.text), answer.text


@pytest.mark.parametrize("question, year", [("What happened in 1997?", "1997"), ("wat gebeurde er in 2005", "2005")])
def test_a_question_on_a_year_alone_is_answered_by_what_happened_then(sample_rag, question, year):
    """A question that asks of a year and little else is too short for its vector to tell whether it is on-topic, or
    to find the one passage that names the year: a passage that holds it answers it."""
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and year in first_quote(answer.text), answer.text


def test_a_day_no_article_names_is_refused_as_the_question_writes_it(sample_rag):
    answer = sample_rag.ask("What happened on December 25th?", use_llm=False)
    assert not answer.citations and "None of them mentions: December 25th." in answer.text, answer.text


def test_a_treaty_is_told_by_what_it_is_on(use_embedder):
    assert treaties_in("Het Verdrag inzake chemische wapens werd in 1993 opengesteld.") == ["chemische wapens"]
    assert treaties_in("The Convention on Cluster Munitions now has 112 states parties.") == ["cluster munitions"]
    assert treaties_in("Tien jaar wapenhandelsverdrag en het Ottawa-verdrag") == ["wapenhandels", "ottawa"]
    assert treaties_in("the Chemical Weapons Convention and the Treaty on the Non-Proliferation of Nuclear Weapons"
                       ) == ["chemical weapons", "non-proliferation"]
    assert treaties_in("Which countries did not sign the 2008 treaty?", question=True) == []  # a year is no treaty
    assert treaties_in("an international treaty") == []  # what kind of treaty, not which
    # nor does a plural: the Chemical Weapons Convention is one of the "ontwapeningsverdragen"
    assert treaties_in("Met 193 verdragsstaten hoort het bij de breedst gedragen ontwapeningsverdragen.") == []
    assert treaties_in("It is one of the arms control treaties.") == []
    assert treaties_in("Which Geneva Convention protects civilians?", question=True) == ["geneva"]
    assert treaties_in("join the cluster munitions treaty", question=True) == ["cluster munitions"]
    # a deal or an initiative is one too, named with the word before it
    assert treaties_in("Waarom trok Rusland zich terug uit de graandeal?") == ["graan"]
    assert treaties_in("Russia pulls out of the Black Sea grain deal") == ["black sea grain"]
    assert treaties_in("The Black Sea Grain Initiative was brokered by Turkey.") == ["black sea grain"]
    assert treaties_in("The Ottawa treaty does not deal with cluster munitions.") == ["ottawa"]
    assert treaties_in("Under the deal, almost 33 million tonnes were shipped.") == []
    assert same_treaty("graan", "black sea grain", use_embedder)  # one word spelled as one of the name's
    assert not same_treaty("wapenhandels", "chemical weapons", use_embedder)
    assert same_treaty("cluster munitions", "clustermunitie", use_embedder)
    assert same_treaty("wapenhandels", "arms trade", use_embedder)
    assert same_treaty("chemical weapons", "chemische wapens", use_embedder)
    assert not same_treaty("cluster munitions", "chemische wapens", use_embedder)
    assert not same_treaty("cluster munitions", "bepaalde conventionele wapens", use_embedder)
    asked = AskedTreaties("Hoeveel landen zijn partij bij het verdrag tegen clustermunitie?", use_embedder)
    assert asked.other_in("With 191 states parties, the Non-Proliferation Treaty is the widest.")
    assert not asked.other_in("The Convention on Cluster Munitions now has 112 states parties.")
    assert asked.named_in("The Convention on Cluster Munitions now has 112 states parties.")
    assert not asked.other_in("It now has 112 states parties.")  # names none
    # one that names none is about the treaty its article's title names
    assert asked.other_in("Ongeveer 126 landen zijn partij bij het CCW.",
                          "Verdrag over bepaalde conventionele wapens uit 1980 bood geen uitweg")
    assert not AskedTreaties("Which countries did not sign the 2008 treaty?", use_embedder).other_in(
        "The Non-Proliferation Treaty has 191 parties.")  # a question naming no treaty rules none out
    # a treaty asked by its abbreviation is the one a text names so, or whose article does
    asked = AskedTreaties("What did the diplomat say about the CCW treaty?", use_embedder)
    title = "Verdrag over bepaalde conventionele wapens uit 1980 bood geen uitweg"
    assert asked.named_in("Ongeveer 126 landen zijn partij bij het CCW.")
    assert not asked.other_in("Ongeveer 126 landen zijn partij bij het CCW.", title)
    assert not asked.other_in("De regels staan in vijf protocollen.", title, f"{title} Het verdrag, kortweg CCW, ...")
    # and a well-known abbreviation says what its treaty is on: the CCW is the title's "bepaalde conventionele wapens"
    assert not asked.other_in("De regels staan in vijf protocollen.", title, f"{title} De regels staan ...")
    assert treaties_in("India, Pakistan and Israel never signed the NPT.") == ["npt", "non-proliferation"]
    assert AskedTreaties("Has India signed the Ottawa treaty?", use_embedder).other_in(
        "India, Pakistan and Israel never signed the NPT.")
    assert asked.other_in("The Ottawa treaty bans landmines.", title, f"{title} kortweg CCW genoemd")
    # an article that gives the asked treaty another name ("usually called") speaks of it by that name too
    asked = AskedTreaties("Which countries did not join the mine ban treaty?", use_embedder)
    title = "The Ottawa treaty against anti-personnel mines has more than 160 members"
    assert not asked.other_in("Several powers remain outside it.", title,
                              f"{title} The Mine Ban Treaty, usually called the Ottawa Convention, dates from 1997.")
    assert asked.other_in("Several powers remain outside it.", title, f"{title} The Ottawa Convention dates from 1997.")


@pytest.mark.parametrize("question, said, other", [
    ("In which city was the Convention on Cluster Munitions adopted?", "Dublin", "Genève"),  # where the 1980 CCW was
    ("Hoeveel landen zijn partij bij het verdrag tegen clustermunitie?", "112", "191"),  # not the NPT's parties
    # the treaty is one of the question's names: a passage on it answers, though "Amerikaanse" is not in it
    ("Welke Amerikaanse president trok de handtekening onder het wapenhandelsverdrag in?", "Trump", "Obama"),
    # the answer is in the article's second passage, which never names the treaty; its first does
    ("Which countries have never signed the Chemical Weapons Convention?", "Noord-Korea", "Parijs"),
    # Russia's leaving another treaty ("not withdrawing from it altogether") tells nothing of the grain deal
    ("Waarom trok Rusland zich terug uit de graandeal?", "demands", "withdrawing"),
    ("When did Russia pull out of the grain deal?", "17 July", "February"),
    ("Waar werd de graandeal getekend?", "Istanbul", "Prague"),
    # the article calls it "the Mine Ban Treaty, usually called the Ottawa Convention", and the Ottawa treaty after
    ("Which countries did not join the mine ban treaty?", "India, Pakistan or Israel", "Oslo"),
    # "China sloot zich in 2020 alsnog aan.": a country that opens a sentence is named there
    ("Welk land trad in 2020 toe tot het wapenhandelsverdrag?", "China", "stemden tegen"),
])
def test_the_answer_is_about_the_treaty_asked_about(sample_rag, question, said, other):
    answer = sample_rag.ask(question, use_llm=False)
    assert other not in answer.text and "126" not in answer.text, answer.text
    assert said in answer.text and (answer.citations or not said)


def test_the_reader_reads_past_the_passages_asked_for(sample_rag):
    """Asked for one passage, the answer still comes from the next ones, and the passage it quotes is shown."""
    question = "Wie kreeg in 1997 de Nobelprijs voor de Vrede?"
    top = sample_rag.search(question, k=1)[0]
    assert "Jody Williams" not in top.text  # the best passage is the 2013 prize's
    answer = sample_rag.ask(question, k=1, use_llm=False)
    assert "Jody Williams" in answer.text
    shown = {p.chunk_id for p in answer.passages}
    assert top.chunk_id in shown and len(answer.passages) == 2
    assert all(any(c.text == p.text for p in answer.passages) for c in answer.citations)


def test_the_reader_quotes_the_sentences_split_at_ingest(sample_rag, use_embedder):
    passages = sample_rag.search(EXAMPLE, k=3)
    for p in passages:
        assert len(p.sentences) == len(p.sentence_vectors) > 1
        assert all(s and s == s.strip() and s in p.text for s in p.sentences)
    kept = Reader(use_embedder).read(EXAMPLE, passages).quoted
    assert "de Verenigde Staten, Rusland en Oekraïne zelf" in " ".join(s.text for s in kept)
    assert {s.text for s in kept} <= set(passages[kept[0].passage].sentences)
    # an index built before the bounds were kept: the reader splits and embeds the text itself
    bare = [dataclasses.replace(p, sentences=[], sentence_vectors=None) for p in passages]
    assert [s.text for s in Reader(use_embedder).read(EXAMPLE, bare).quoted] == [s.text for s in kept]


@pytest.mark.parametrize("question, place", [("Waar ligt Skrydstrup?", "Skrydstrup"),  # not another air base
                                             ("Where is Hiroshima?", "Hiroshima"),  # named once, looked up
                                             ("waar ligt chequers", "Chequers")])
def test_where_a_place_is_is_answered_by_a_sentence_that_names_it(sample_rag, question, place):
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and place in first_quote(answer.text), answer.text


@pytest.mark.parametrize("question, year", [("When did the NPT enter into force?", "1970"),  # not New START's
                                            ("when did New START take effect", "2011"),  # not the NPT's
                                            ("When did the Convention on Cluster Munitions take effect?", "2010"),
                                            ("sinds wanneer is het CCW van kracht", "1983")])  # "since when" asks
def test_when_a_treaty_came_into_force_is_told_of_that_treaty(sample_rag, question, year):
    quote = first_quote(sample_rag.ask(question, use_llm=False).text)
    assert year in quote, quote


@pytest.mark.parametrize("question, said", [
    # the clause that tells the signing says nothing of a denial; "maar ... nooit geratificeerd" is another event's
    ("Under which president did the United States sign the Arms Trade Treaty?", "onder president Barack Obama"),
    # and a question on who did not join is told by a sentence that denies it, not by one on who joined
    ("Which countries have not joined the cluster munitions convention?", "have never joined the convention")])
def test_a_denial_is_read_in_the_clause_that_tells_the_treaty_event(sample_rag, question, said):
    quote = first_quote(sample_rag.ask(question, use_llm=False).text)
    assert said in quote, quote


@pytest.mark.parametrize("question, count", [("Hoeveel landen hebben het CCW ondertekend?", "126"),
                                             ("How many countries are party to the NPT?", "191"),
                                             # a quote that counts what is asked holds it: "193 verdragsstaten"
                                             ("How many countries are party to the Chemical Weapons Convention?",
                                              "193")])
def test_how_many_countries_signed_a_treaty_is_told_by_how_many_are_party(sample_rag, question, count):
    quote = first_quote(sample_rag.ask(question, use_llm=False).text)
    assert count in quote, quote


@pytest.mark.parametrize("question", ["Which countries signed the 2008 treaty?",
                                      "Welke landen hebben het verdrag van 2008 ondertekend?"])
def test_which_countries_signed_is_told_by_a_sentence_on_who_signed(sample_rag, question):
    """Not the article's opening, which names a country and the treaty but tells nothing of who signed."""
    quote = first_quote(sample_rag.ask(question, use_llm=False).text)
    assert "handtekening" in quote and "Duitsland, Frankrijk, Nederland" in quote, quote


def test_where_a_place_no_article_names_is_is_refused(sample_rag):
    assert not sample_rag.ask("Where is Atlantis?", use_llm=False).citations


@pytest.mark.parametrize("question, name", [("Who is Chancellor Olaf Scholz?", "Olaf Scholz"),
                                            ("Wie is minister Kajsa Ollongren?", "Kajsa Ollongren")])
def test_who_someone_is_asked_with_their_office_is_told_by_a_sentence_that_names_them(sample_rag, question, name):
    """The office is part of the name asked about, not asked for: the articles' "Bondskanselier" and "Minister van
    Defensie" need not say "Chancellor" or "minister" again."""
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and name in first_quote(answer.text), answer.text


def test_who_someone_is_is_answered_from_the_passage_that_names_them(sample_rag):
    assert [defined(q) for q in ("Who is Jake Sullivan?", "Wie is Medvedev?", "Wat is de NAVO?",
                                 "Who is the British prime minister?", "What is Joe Biden's favourite food?")] == \
        ["Jake Sullivan", "Medvedev", "NAVO", "", ""]
    # too short a question for its cosine to any sentence to pass for on-topic, but the articles name him
    answer = sample_rag.ask("Who is Jake Sullivan?", use_llm=False)
    assert answer.citations and "national security adviser" in answer.text, answer.text
    # the sentence that says who he is, not the first that names him
    assert introduces("Medvedev", "Medvedev is plaatsvervangend voorzitter van de Veiligheidsraad.")
    assert introduces("Kim Jong Un", "He met leader Kim Jong Un.") and introduces("OPCW", "De organisatie (OPCW) ...")
    assert not introduces("Medvedev", "Dmitri Medvedev heeft op 30 juli gezegd dat ...")
    assert introduces("Olaf Scholz", "Bondskanselier Olaf Scholz maakte bekend dat ...")
    assert not introduces("Zelensky", "Later the same day Zelensky travelled to Aachen.")
    answer = sample_rag.ask("Wie is Medvedev?", use_llm=False)
    assert answer.text.splitlines()[2].startswith('- "Medvedev is tegenwoordig plaatsvervangend'), answer.text
    # the sentence that says who she is, without the one its "Dat" refers back to (fighting on the front)
    answer = sample_rag.ask("wie is hanna maljar", use_llm=False)
    assert answer.text.splitlines()[2].startswith('- "Dat meldt Hanna Maljar, onderminister van Defensie'), answer.text
    assert "front" not in answer.text.split("\n\n")[1], answer.text
    # named as another language spells the name: the sentence that says who he is, not one on another Sergej
    assert introduces("Sergej Sjojgoe", "Russian Defence Minister Sergei Shoigu said ...")
    answer = sample_rag.ask("Wie is Sergej Sjojgoe?", use_llm=False)
    assert answer.text.splitlines()[2].startswith('- "Russian Defence Minister Sergei Shoigu'), answer.text
    assert "Skripal" not in answer.text, answer.text
    # "director of the X" says who directs X, not what X is
    assert not introduces("Cluster Munition Coalition", "said Tamar Gabelnick, director of the Cluster Munition "
                                                        "Coalition.")
    answer = sample_rag.ask("What is the Cluster Munition Coalition?", use_llm=False)
    assert "a network of non-governmental organisations" in answer.text.splitlines()[2], answer.text
    # where no sentence says who he is, the first quote names him, not the sentence after one that does
    answer = sample_rag.ask("Who is President Joe Biden?", use_llm=False)
    assert "Joe Biden" in answer.text.splitlines()[2], answer.text


@pytest.mark.parametrize("question", ["wat is clustermunitie", "Wat is clustermunitie?", "What are cluster munitions?"])
def test_what_a_thing_is_is_answered_first_by_the_sentence_that_says_what_it_is(sample_rag, question):
    assert [asked_to_define(q) for q in (question, "Wat is de NAVO?", "What is the treaty that bans them?")] == \
        [question.split(maxsplit=2)[2].rstrip("?"), "", ""]
    answer = sample_rag.ask(question, use_llm=False)
    # not a sentence on the casualties, with cluster munitions in it, that scores higher
    assert answer.text.splitlines()[2].startswith('- "Cluster munitions are weapons that open'), answer.text


@pytest.mark.parametrize("question", ["Who won the 2022 football World Cup?", "Wie schilderde De Nachtwacht?",
                                      "What is the capital of Australia?", "Wat is het recept voor appeltaart?",
                                      "Who is Taylor Swift?", "What is Joe Biden's favourite food?"])
def test_questions_the_articles_do_not_answer_are_refused(sample_rag, question):
    answer = sample_rag.ask(question, use_llm=False)
    assert not answer.citations
    assert answer.text.startswith(("The articles don't contain", "De artikelen bevatten"))


@pytest.mark.parametrize("question, lacking, refusal", [
    ("How many Leopard tanks did Poland send to Ukraine?", "The closest passage tells what Duitsland did, not Poland.",
     "country"),
    ("Wat zei Mette Frederiksen over clustermunitie?",
     "De passage die er het dichtst bij komt, citeert Mette Frederiksen niet over clustermunitie.", "topic"),
    ("What did Boris Pistorius say about cluster munitions for Ukraine?",
     "The closest passage does not quote Boris Pistorius on cluster munitions for Ukraine.", "topic"),
    ("Where will NATO hold its summit in 2030?", "None of them mentions: 2030.", "numbers"),
    ("Hoeveel Leopard-tanks leverden Zwitserland en Oostenrijk?", "Geen ervan noemt: Zwitserland, Oostenrijk.",
     "names"),
    # a quote is held as it is written, or not at all
    ('Who said "we will never surrender"?', 'None of them holds the words "we will never surrender".', "quote"),
    ('Wie zei "we geven nooit op"?', 'Geen ervan bevat de woorden "we geven nooit op".', "quote"),
])
def test_a_refusal_says_what_the_articles_lack(sample_rag, question, lacking, refusal):
    answer = sample_rag.ask(question, use_llm=False)
    assert not answer.citations
    assert answer.text.splitlines()[0].endswith(f"deze vraag niet. {lacking}" if answer.language == "nl"
                                                else f"this question. {lacking}")
    assert answer.refusal == refusal  # the check that refused, for a program to act on
    assert sample_rag.ask(EXAMPLE, use_llm=False).refusal == ""


@pytest.mark.parametrize("question, said", [
    ('Who said "a big mistake"?', "Biden called the suspension"),  # a passage the question's vector does not find
    ('who said "as long as it takes"', "Pistorius said"),  # a surname, of someone named in full before
    ('Wie zei "zo lang als nodig is"?', "Sunak herhaalde"),
    ('Who said "when allies agree and conditions are met"?', "The final communique said")])  # no person's words
def test_who_said_the_words_a_question_quotes_is_told_by_the_sentence_that_holds_them(sample_rag, question, said):
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and said in first_quote(answer.text), answer.text


def test_quoted_words_are_held_as_written_whatever_their_case_and_punctuation():
    assert quoted('Who said "a big mistake"?') == ["a big mistake"] and quoted('Wie zei “zo lang als nodig is”?')
    assert quoted('What is "clustermunitie"?') == []  # one word names a thing, it quotes nothing
    assert quoted("Who said 'as long as it takes'?") == ["as long as it takes"]  # single quotes, not apostrophes:
    assert quoted("What did Erdogan want for Sweden's NATO membership and Turkey's support?") == []
    assert holds_words('Biden called the suspension "a big mistake".', "A big mistake")
    assert not holds_words("a bigger mistake", "big mistake")


def test_a_short_question_whose_names_a_passage_spells_out_is_not_off_topic(use_embedder):
    # a short question's cosine to every sentence may be as low as an off-topic one's
    passage = Passage(1, 0.4, "De Russische dubbelspion Sergej Skripal werd in 2018 in Salisbury vergiftigd.",
                      ArticleMeta("a", "Chemische wapens", "2023-07", "nl", "a.txt"), best_sentence=MIN_SENTENCE - 0.05)
    assert decide("Where was Skripal poisoned?", [passage], use_embedder).answerable
    assert decide("Where was Navalny poisoned?", [passage], use_embedder).reason == "off-topic"
    assert decide("Where was the spy poisoned?", [passage], use_embedder).reason == "off-topic"


def test_a_short_question_whose_every_word_a_passage_holds_is_not_off_topic(use_embedder):
    passage = Passage(1, 0.4, "Volgens het Pentagon maken de granaten deel uit van een nieuw steunpakket ter waarde "
                      "van 400 miljoen dollar.", ArticleMeta("a", "Clustermunitie", "2023-07", "nl", "a.txt"),
                      best_sentence=MIN_SENTENCE - 0.05)
    assert decide("Hoeveel was het steunpakket waard?", [passage], use_embedder).answerable
    assert decide("Hoeveel was het voetbalstadion waard?", [passage], use_embedder).reason == "off-topic"


def test_a_question_on_what_one_thing_is_is_not_off_topic_where_a_passage_holds_it(use_embedder):
    # one word: "graandeal" is the English article's "grain deal", a Dutch compound read by its parts
    passage = Passage(1, 0.4, "Russia let the Black Sea grain deal lapse on 17 July.",
                      ArticleMeta("a", "Russia pulls out", "2023-07", "en", "a.txt"), best_sentence=MIN_SENTENCE - 0.05)
    assert decide("Wat is de graandeal?", [passage], use_embedder).answerable
    assert decide("Wat is de voetbalbond?", [passage], use_embedder).reason == "off-topic"


def test_a_passage_that_does_not_speak_to_the_question_is_no_answer(use_embedder):
    def passage(title: str, text: str, lang: str) -> Passage:
        return Passage(1, 0.6, text, ArticleMeta("a", title, "2023-07", lang, "a.txt"))

    question = "Where will NATO hold its summit in 2024?"
    summit = passage("Bondgenoten in Vilnius", "De volgende NAVO-top wordt in 2024 in Washington gehouden.", "nl")
    jets = passage("Denemarken levert F-16's", "Zes toestellen rond de jaarwisseling, acht in 2024.", "nl")
    assert coverage(question, summit, use_embedder) >= MIN_COVERAGE > coverage(question, jets, use_embedder)
    # a passage that answers in other words holds fewer of the question's: four of nine here, which half refused
    question = "What do civil society organisations see as the main weakness of the Arms Trade Treaty?"
    critics = passage("Tien jaar wapenhandelsverdrag", "Maatschappelijke organisaties zijn kritisch over het "
                      "wapenhandelsverdrag. Volgens hen is de grootste zwakte dat er geen handhaving is.", "nl")
    reports = passage("Tien jaar wapenhandelsverdrag", "Tien jaar na de ondertekening leveren de meeste landen hun "
                      "jaarrapporten over wapenexport op tijd in.", "nl")
    assert [covered(question, Reader(use_embedder).read(question, [p], lang="en"), use_embedder).reason
            for p in (critics, reports)] == ["", "words"]
    # a Dutch compound is read by its parts where one is spelled as the passage spells it: "graandeal", "grain deal"
    question = "Wie bemiddelden bij de graandeal?"
    deal = passage("The grain deal", "The grain deal was brokered by the United Nations and Turkey.", "en")
    assert coverage(question, deal, use_embedder) >= MIN_COVERAGE
    held = content_words(f"{deal.article.title} {deal.text}")
    assert alike_or_parts(["graandeal", "wapenembargo"], held, use_embedder).tolist() == [True, False]
    # a country's name, or its people's, means the same as a word only by its spellings, never by a vector that
    # happens to be near ("moeite" ~ "roemenie")
    assert alike_or_parts(["moeite", "spaanse", "roemeense"], ["roemenie", "spain"], use_embedder).tolist() == [
        False, True, True]
    # and a compound of three parts, none spelled as a word asked, by the words beside each other it is made of
    held = ["nasams", "luchtverdedigingssystemen", "aangeschaft"]
    assert alike_or_parts(["air", "defence", "systems", "bought"], held, use_embedder).tolist()[:3] == [True] * 3
    assert not alike_or_parts(["training", "centre"], ["luchtverdedigingssystemen"], use_embedder).any()


def test_a_refusal_does_not_call_the_model(sample_index):
    with OllamaTestServer(models=(Settings().model,)) as server:  # the default model, so that it could be asked
        server.reply("Brazil won it [1].")
        answer = json.loads(run_rag("ask", "Who won the 2022 football World Cup?", "--json", "--index",
                                    str(sample_index), env={"OLLAMA_HOST": server.url}).stdout)
        assert not answer["citations"] and "Brazil" not in answer["answer"]
        assert not [path for _, path, _ in server.requests if path == "/api/chat"]


def test_a_follow_up_keeps_the_topic_but_asks_its_own_question(sample_rag):
    chat = sample_rag.chat(use_llm=False)
    first = chat.ask(EXAMPLE)
    follow_up = chat.ask("And who did sign it?")
    assert "Rusland en Oekraïne zelf" in first.text
    # the signers first: countries answer who signed a treaty, not the place it was opened for signing
    assert "Duitsland, Frankrijk, Nederland" in first_quote(follow_up.text), follow_up.text
    assert "staan echter buiten het verdrag" not in follow_up.text
    assert asks_parties("And who did sign it?", EXAMPLE) and not asks_parties("Who signed the law?")
    # a second follow-up that names nothing is still about the treaty; one that names another changes topic
    assert "in mei 2008 in Dublin aangenomen" in chat.ask("When was it adopted?").text
    ottawa = chat.ask("What about the Ottawa treaty?")
    assert ottawa.citations and "Ottawa" in ottawa.text
    assert "December 1997" in chat.ask("When was it signed?").text


def test_a_follow_up_that_names_a_country_asks_the_same_of_it(sample_rag):
    # after a question that names nothing, the topic is still the treaty; the answer names the country, in Dutch
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Welke landen hebben het verdrag van 2008 niet ondertekend?")
    chat.ask("Waarom niet?")
    netherlands = chat.ask("En Nederland?")
    assert netherlands.language == "nl" and netherlands.text.startswith("Extractief antwoord"), netherlands.text
    quoted = netherlands.text.split("\n\n", 1)[1]
    assert "Duitsland, Frankrijk, Nederland" in quoted and "staan echter buiten het verdrag" not in quoted, quoted
    chat = sample_rag.chat(use_llm=False)
    chat.ask("How many tanks did Germany send to Ukraine?")
    poland = chat.ask("And Poland?").text.split("\n\n", 1)[1]
    assert poland.startswith('- "Polen') and "veertien Leopard" not in poland, poland


@pytest.mark.parametrize("first, then, date", [("What happened on 20 July?", "And on 7 July?", "7/7"),
                                               ("Wat gebeurde er op 9 mei?", "En op 25 juli?", "25/7"),
                                               ("What happened in 1997?", "And in 2005?", "2005")])
def test_a_follow_up_that_names_a_date_asks_of_its_own(sample_rag, first, then, date):
    """"And on 7 July?" after a question on 20 July asks what happened on the 7th, not on both days."""
    chat = sample_rag.chat(use_llm=False)
    chat.ask(first)
    answer = chat.ask(then)
    assert answer.citations and date in dates_in(first_quote(answer.text)), answer.text


@pytest.mark.parametrize("first, then, year", [("When was the NPT signed?", "And the Ottawa treaty?", "1997"),
                                               ("Wanneer trad het clustermunitieverdrag in werking?",
                                                "En het Ottawa-verdrag?", "1999"),
                                               ("When did the Ottawa treaty enter into force?",
                                                "what about the Arms Trade Treaty", "2014")])
def test_a_follow_up_that_only_names_another_treaty_asks_the_same_of_it(sample_rag, first, then, year):
    """Not of both treaties, nor for anything: "And the Ottawa treaty?" after when the NPT was signed asks when the
    Ottawa treaty was."""
    chat = sample_rag.chat(use_llm=False)
    chat.ask(first)
    answer = chat.ask(then)
    assert answer.citations and year in first_quote(answer.text), answer.text


@pytest.mark.parametrize("first, then, year, other", [
    ("What did Trump do with the American signature under the Arms Trade Treaty?", "When was that?", "2019", "2013"),
    ("Wat deed Trump met de Amerikaanse handtekening onder het wapenhandelsverdrag?", "Wanneer was dat?", "2019",
     "2020"),
    ("What must parties do under Protocol V of the CCW?", "Since when does it apply?", "2006", "1983")])
def test_a_follow_up_asking_when_is_answered_by_one_date(sample_rag, first, then, year, other):
    """A follow-up that asks when names nothing of its own to choose between two dates by: the best sentence's date
    is the answer, without another one of the same article beside it."""
    chat = sample_rag.chat(use_llm=False)
    chat.ask(first)
    answer = chat.ask(then)
    assert answer.citations and year in answer.text and other not in answer.text, answer.text


@pytest.mark.parametrize("first, then", [
    ("Which country started separate talks on a cluster munitions ban outside the CCW?", "When did it do that?"),
    ("Welk land begon buiten het CCW een eigen onderhandelingsproces over clustermunitie?", "Wanneer deed het dat?")])
def test_a_follow_up_that_says_nothing_of_its_own_asks_more_of_the_answer_before(sample_rag, first, then):
    """"When did it do that?" asks when Norway started the talks the answer before quoted, not for another date of an
    article on the CCW."""
    chat = sample_rag.chat(use_llm=False)
    assert "Noorwegen" in chat.ask(first).text
    answer = chat.ask(then)
    assert answer.citations and "februari 2007" in first_quote(answer.text), answer.text


@pytest.mark.parametrize("question", ["Wanneer kondigde Poetin aan dat Rusland New START opschort?",
                                      "When did Putin announce that Russia was suspending New START?"])
def test_when_someone_said_something_is_told_by_a_sentence_with_their_words(sample_rag, question):
    """Not by Biden's reaction a day later, a date with someone else's words."""
    answer = sample_rag.ask(question, use_llm=False)
    assert answer.citations and "21 February 2023" in first_quote(answer.text), answer.text
    # "..., waarschuwde hij al dat ...": his words, the sentence before named him
    answer = sample_rag.ask("When did Medvedev warn that a nuclear power losing a conventional war could lead to "
                            "nuclear war?", use_llm=False)
    assert answer.citations and "19 januari" in first_quote(answer.text), answer.text


def test_a_country_says_something_by_its_capital_and_lets_it_be_known(use_embedder):
    assert speaker("Wanneer kondigde Poetin aan dat Rusland het verdrag opschort?") == "Poetin"
    question = "Wanneer zei Rusland dat het raketten in Belarus zou plaatsen?"
    text = ("Op 2 mei zei de Russische minister Ivan Petrov dat Rusland niet zal aarzelen om terug te slaan. "
            "Moskou kondigde in maart aan dat het raketten in Belarus zou plaatsen.")
    assert "maart" in read_text(use_embedder, question, text, lang="nl", asked_in="nl").best.text
    question = "Wanneer zei Rusland dat het zijn laatste raketten had vernietigd?"
    text = ("Op 2 mei zei de Russische minister Ivan Petrov dat Rusland niet zal aarzelen om terug te slaan. "
            "Rusland liet in september weten dat het zijn laatste raketten had vernietigd.")
    assert "september" in read_text(use_embedder, question, text, lang="nl", asked_in="nl").best.text


def test_a_follow_up_that_ends_on_what_the_answer_before_told_asks_more_of_it(sample_rag):
    """"Op welke dag deed Sunak die toezegging?" asks the day of the promise the answer before quoted, not of another
    sentence on Sunak's promises."""
    chat = sample_rag.chat(use_llm=False)
    assert "Challenger 2" in chat.ask("Welke tanks beloofde Groot-Brittannië Oekraïne in januari?").text
    answer = chat.ask("Op welke dag deed Sunak die toezegging?")
    assert answer.citations and "14 januari" in first_quote(answer.text), answer.text


def test_what_something_has_is_a_value_not_a_definition(sample_rag):
    """"Wat is hun bereik?" after the missiles Britain sends asks their range, not what a range is."""
    assert [asked_to_define(q) for q in ("Wat is hun bereik?", "What is its aim?", "Wat is het bereik van de raket?",
                                         "Wat is clustermunitie?")] == ["", "", "", "clustermunitie"]
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Welke kruisraketten levert Groot-Brittannië volgens Wallace?")
    answer = chat.ask("Wat is hun bereik?")
    assert answer.citations and "250 kilometer" in first_quote(answer.text), answer.text


def test_whose_words_are_asked_is_the_first_of_two_names_no_article_writes_together(sample_rag):
    """Dutch puts the object beside the subject: "Hoe noemde Medvedev Biden?" asks for Medvedev's words, not for those
    of "Biden" as the surname of a "Medvedev Biden"."""
    answer = sample_rag.ask("Hoe noemde Medvedev Biden?", use_llm=False)
    assert answer.citations and "Medvedev" in first_quote(answer.text) and "Biden called" not in answer.text, \
        answer.text


@pytest.mark.parametrize("first, then, said", [("Who is Dmitry Medvedev?", "What did he say?", "Medvedev heeft"),
                                               ("Wie is Jake Sullivan?", "Wat zei hij over clustermunitie?",
                                                "Sullivan acknowledged"),
                                               ("Wanneer kwam Zelensky na de invasie voor het eerst naar Berlijn?",
                                                "Hoe noemde hij Duitsland?", "reliable ally"),
                                               # not a sentence with another's verb of saying ("Pistorius announced
                                               # ..., a day before President Volodymyr Zelensky arrived")
                                               ("When did Zelensky first visit Berlin after the invasion?",
                                                "What did he call Germany?", "reliable ally")])
def test_a_follow_up_asks_what_the_person_named_before_said(sample_rag, first, then, said):
    """"he" is the person the question before named: his words, not a sentence about him ("Medvedev verloor ...")."""
    assert speaker("What did he say?", "Who is Dmitry Medvedev?") == "Dmitry Medvedev"
    assert speaker("What did he say?") == "" and speaker("Wat zei ze?", "Wat deed Nederland?") == ""
    # a person, not a place the question before named after them
    assert speaker("Hoe noemde hij Duitsland?", "Wanneer kwam Zelensky naar Berlijn?") == "Zelensky"
    assert speaker("What did he call Germany?", "When did Zelensky first visit Berlin?") == "Zelensky"  # a capital
    chat = sample_rag.chat(use_llm=False)
    chat.ask(first)
    answer = chat.ask(then)
    assert answer.citations and said in first_quote(answer.text), answer.text


@pytest.mark.parametrize("question", ["Wat zei Scholz over snelheid en aantallen?",
                                      "What did Scholz stress about speed and numbers?"])
def test_the_words_after_a_second_verb_are_those_of_the_sentence_s_subject(sample_rag, question):
    """"President Volodymyr Zelensky bedankte Scholz, maar benadrukte dat ..." gives Zelensky's words, not Scholz's:
    with no name beside its verb of saying, the sentence's first person says it."""
    answer = sample_rag.ask(question, use_llm=False)
    assert not answer.citations and answer.refusal == "topic", answer.text
    answer = sample_rag.ask("Wat zei Zelensky over snelheid en aantallen?", use_llm=False)
    assert "snelheid en aantallen" in first_quote(answer.text), answer.text


def test_the_subject_after_the_verb_of_saying_says_it(use_embedder):
    """Dutch puts the subject after the verb where a clause opens the sentence: these are Orlov's words."""
    text = ("President Oleg Orlov zei in juni dat het leger sterk is. Hoewel Ivan Petrov de kleine winst van het leger "
            "een succes noemt, bestempelde de Russische president Orlov de tegenaanvallen vandaag als mislukt.")
    question = "How did Orlov describe the counterattacks?"
    reading = read_text(use_embedder, question, text, lang="nl")
    assert covered(question, reading, use_embedder).answerable and "mislukt" in reading.best.text


def test_he_is_not_the_people_of_a_country_the_question_before_named():
    assert speaker("Waarvoor waarschuwde hij?", "Welke Cambodjaanse leider riep op tot terughoudendheid?") == ""
    assert speaker("What did he warn of?", "Which Cambodian leader urged restraint?") == ""


def test_a_follow_up_that_only_names_another_speaker_asks_for_their_words_on_the_same(sample_rag):
    chat = sample_rag.chat(use_llm=False)
    chat.ask("What did Sunak say about cluster munitions?")
    answer = chat.ask("And Biden?")
    assert answer.citations and "Biden said the choice to give Ukraine cluster munitions" in first_quote(answer.text)
    # asked again in turn: "And the Ottawa treaty?" after "And the CTBT?" asks when it was signed
    chat = sample_rag.chat(use_llm=False)
    chat.ask("When was the NPT signed?")
    chat.ask("And the CTBT?")
    answer = chat.ask("And the Ottawa treaty?")
    assert answer.citations and "1997" in first_quote(answer.text), answer.text


def test_a_follow_up_is_asked_again_of_what_it_names_only_where_it_names_what_the_question_did():
    assert asked_again("What did Sunak say about cluster munitions?", "En Scholz?") == \
        "What did Scholz say about cluster munitions?"
    assert asked_again("Did China join the Ottawa treaty?", "And Ukraine?") == ""  # a country: the topic's way
    assert asked_again("When was the NPT signed?", "And who signed it?") == ""  # it asks its own
    assert asked_last(["When was the NPT signed?", "And the CTBT?"], "And the Ottawa treaty?") == \
        "When was the Ottawa treaty signed?"


def test_a_question_is_asked_again_of_another_treaty():
    assert with_treaty_of("When was the Convention on Cluster Munitions signed?", "And the Ottawa treaty?") == \
        "When was the Ottawa treaty signed?"
    assert with_treaty_of("Wanneer trad het CCW in werking?", "En New START?") == "Wanneer trad het New START in werking?"
    assert with_treaty_of("Wie tekende het clustermunitieverdrag?", "En het wapenhandelsverdrag?") == \
        "Wie tekende het wapenhandelsverdrag?"
    assert with_treaty_of("Which countries did not sign the 2008 treaty?", "And the Ottawa treaty?") == ""
    assert with_treaty_of("When was the NPT signed?", "And Ukraine?") == ""


def test_a_month_is_named_in_either_language_or_by_a_date():
    assert months_in("Op 13 mei, and on 20 July; the article of 2023-08") == {5, 7, 8}
    assert months_in("Germany may send more in March") == {3}  # "may" is a verb, "May" the month


def test_a_follow_up_that_names_nothing_keeps_the_topic_of_the_question_that_named_it(sample_rag):
    # "the grain deal" names the topic though nothing in it has a capital; "When did it end?" names nothing
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Who brokered the grain deal?")
    # its end is told by the sentence that tells it, not by the one after it
    ended = chat.ask("When did it end?").text.split("\n\n", 1)[1]
    assert ended.startswith('- "Russia has refused to extend') and "17 July" in ended.splitlines()[0], ended
    why = chat.ask("Why?")
    assert why.citations and all(c.article.source.endswith("16_black-sea-grain-deal.txt") for c in why.citations), why
    # "En Polen?" only names whom the question before it asked about: after it, the topic goes back to that one
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Hoeveel Leopards stuurt Duitsland?")
    chat.ask("En Polen?")
    when = chat.ask("Wanneer?")
    assert when.citations and all("leopard" in c.article.source for c in when.citations), when


def test_a_follow_up_that_refers_back_asks_what_happened_to_the_topic(sample_rag):
    # "it" is New START, named two questions before: its suspension is told, not its signing
    chat = sample_rag.chat(use_llm=False)
    chat.ask("What is New START?")
    assert "8 April 2010" in chat.ask("When was it signed?").text
    suspended = chat.ask("And when did Russia suspend it?").text.split("\n\n", 1)[1]
    assert suspended.startswith('- "On 21 February 2023') and "suspending its participation" in suspended, suspended
    # a follow-up's own words with the topic's names speak to the passage, as the whole question's would
    chat = sample_rag.chat(use_llm=False)
    chat.ask("What is New START?")
    assert "until 5 February 2026" in chat.ask("When does it expire?").text
    signed = chat.ask("Who signed it?").text
    assert "Barack Obama" in signed and "stemden" not in signed, signed  # not the Arms Trade Treaty's vote
    # and "hem" is Stoltenberg, whose successor no article names
    chat = sample_rag.chat(use_llm=False)
    chat.ask("Wie is Jens Stoltenberg?")
    assert not chat.ask("Wie volgt hem op?").citations


@pytest.mark.parametrize("typed", ["who is jens stoltenberg", "WHO IS JENS STOLTENBERG?", "Who is jens stoltenberg?"])
def test_a_question_typed_without_capitals_is_answered_as_one_with_them(sample_rag, typed):
    """Names are read by their capitals, and the encoder finds "Stoltenberg" but not "stoltenberg"."""
    answer = sample_rag.ask(typed, use_llm=False)
    assert answer.citations and "NATO secretary general Jens Stoltenberg" in answer.text, answer.text
    assert (answer.language, answer.question) == ("en", typed)
    assert "Stoltenberg" in sample_rag.search(typed, k=1)[0].text


def test_a_name_typed_without_its_capital_is_the_name(sample_rag):
    """"oslo" is where the 2008 treaty was opened for signing, "frankrijk" a country the articles never name, "opcw" an
    acronym, "the chemical weapons convention" a treaty whose name the articles write in capitals."""
    assert "in december van dat jaar in Oslo" in sample_rag.ask("wanneer werd het verdrag van oslo ondertekend?",
                                                                use_llm=False).text
    assert not sample_rag.ask("wie is de president van frankrijk?", use_llm=False).citations
    opcw = sample_rag.ask("ik wil weten wat de opcw doet", use_llm=False)
    assert opcw.citations and "de OPCW" in opcw.text, opcw.text
    never = sample_rag.ask("which countries have never signed the chemical weapons convention", use_llm=False)
    assert never.citations and "Egypte, Noord-Korea en Zuid-Soedan nooit hebben getekend" in never.text, never.text
    # "sjojgoe", as Dutch spells Shoigu, whom the articles name only in English
    shoigu = sample_rag.ask("wie is sjojgoe", use_llm=False)
    assert "Russian Defence Minister Sergei Shoigu" in shoigu.text, shoigu.text


def test_a_name_added_by_another_process_is_known_typed_small(sample_index, use_embedder, tmp_path):
    """The articles' spellings follow the knowledge base: a name an article added since the engine's last question
    is capitalised. Their saved copy is a cache: a broken one is read from the store again."""
    from rag.engine import RAG

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (index / "spellings.json").write_text('{"format": 1, "articles": [', encoding="utf-8")  # a broken copy is read again
    engine = RAG(index, encoder=use_embedder)
    try:
        never = engine.ask("which countries have never signed the chemical weapons convention", use_llm=False)
        assert "Egypte, Noord-Korea en Zuid-Soedan" in never.text, never.text
        assert not engine.ask("who is marieke vandersloot", use_llm=False).citations
        assert run_rag("ingest", str(docs), "--index", str(index)).returncode == 0
        answer = engine.ask("who is marieke vandersloot", use_llm=False)
        assert answer.citations and "Marieke Vandersloot, the alderman for mobility" in answer.text, answer.text
        added = next(a for a in engine.kb.articles() if a.title.startswith("Kalmthout"))
        assert run_rag("remove", added.id, "--index", str(index)).returncode == 0
        assert not engine.ask("who is marieke vandersloot", use_llm=False).citations
    finally:
        engine.close()


def test_a_word_is_given_the_capitals_the_articles_write_it_with():
    def written(question: str, *texts: str) -> str:
        spellings = Spellings()
        spellings.read(s for text in texts for s in plain_split(text))
        return cased(question, lambda: spellings)

    texts = ["De NAVO-top in Vilnius was kort. Vilnius ligt in Litouwen. In juli sprak de OPCW.",
             "Staten die het verdrag tekenden, spraken in september in Oslo. States must report. The states agreed.",
             "The Convention on Cluster Munitions bans cluster munitions. Few cluster munitions were used."]
    assert written("wat zei de opcw in vilnius over de navo-top?", *texts) == "Wat zei de OPCW in Vilnius over de NAVO-top?"
    # a capital that only opens a sentence, or a word written as often without one, says nothing of the word
    assert written("welke staten spraken in oslo?", *texts) == "Welke staten spraken in Oslo?"
    assert written("what did the states agree?", *texts) == "What did the states agree?"
    # a name of several words is written as the articles write it, where its words alone are written small
    assert (written("who signed the convention on cluster munitions? and who used cluster munitions?", *texts)
            == "Who signed the Convention on Cluster Munitions? and who used cluster munitions?")
    # nor does one of a word that is never a name
    assert written("IN SEPTEMBER", "Talks resumed in September.") == "In september"
    # a name of several words that only opens sentences, where its first word is never written small
    opening = ["Amnesty International urged a halt.", "The State Duma approved the step.", "He met the press."]
    assert written("wie is amnesty international", *opening) == "Wie is Amnesty International"
    assert written("what did the state duma approve", *opening) == "What did the State Duma approve"
    # a name as another language spells it, where the articles write it only one way
    assert written("wie is sjojgoe?", "Russian defence minister Sergei Shoigu met Kim Jong Un. Shoigu left.") == \
        "Wie is Shoigu?"
    # a question with its capitals is left as it is
    assert written("Wat zei Rutte over de opcw?", *texts) == "Wat zei Rutte over de opcw?"
    assert lacks_case("who is jens stoltenberg") and lacks_case("WHO IS HE?") and lacks_case("Wie is sullivan?")
    assert not lacks_case("Wie is Sullivan?") and not lacks_case("?")


def test_answers_and_refusals_hold_their_measured_level(sample_index):
    """The figures of README "Answers without a model", less a margin: a regression fails here."""
    result = run_rag("eval", str(ANSWERS), "--json", "--index", str(sample_index), timeout=600)
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)["scores"]
    assert set(scores) == {"all", "en", "nl"}
    for lang in ("en", "nl"):
        s = scores[lang]
        assert s["questions"] >= 40 and s["unanswerable"] >= 10, s
        # 0.75 English, 0.75 Dutch; on the 222 blind answerable questions alone 0.60 and 0.67, which is what a new user
        # meets
        assert s["answers_right"] >= 0.65, s
        # Dutch 0.06, among them "Hoeveel was het steunpakket waard?", whose two words keep every sentence
        # under the off-topic cut-off and no passage holds together (its article has "pakket ... met een waarde van"),
        # and one whose premise is wrong (Sunak)
        assert s["answerable_refused"] <= 0.12, s
        # 0.72 English, 0.80 Dutch (English near-topic questions are the most often answered: 0.56 of the blind English
        # unanswerable ones are refused)
        assert s["unanswerable_refused"] >= 0.55, s
        # the first quote alone: 0.71 English, 0.70 Dutch (a runner-up of the same passage holds the rest)
        assert 0.6 <= s["first_quote_right"] <= s["answers_right"], s
        # the passage quoted first: 0.88 English, 0.87 Dutch
        assert s["recall@1"] >= 0.8 and s["recall@5"] >= 0.9 and s["mrr"] >= 0.85, s
    report = json.loads(result.stdout)
    assert format_scores(report).splitlines()[0].split() == ["questions", "n", "recall@1", "recall@3", "recall@5",
                                                             "MRR", "right", "refused", "unans.", "refused"]
    # refusals by kind of unanswerable question: all off-topic ones but three (54 of 57), 71 % of the near-topic ones
    # (165 of 233)
    off, near = scores["all"]["off-topic_refused"], scores["all"]["near-topic_refused"]
    assert off["questions"] + near["questions"] == scores["all"]["unanswerable"]
    assert off["refused"] >= 0.9 * off["questions"], off
    assert near["refused"] >= 0.55 * near["questions"], near
    assert (f"unanswerable refused by kind: near-topic {near['refused']}/{near['questions']}, "
            f"off-topic {off['refused']}/{off['questions']}") in format_scores(report)
    # and by the check that refused them, answerable and unanswerable questions apart
    by = scores["all"]["refused_by"]
    assert sum(n["unanswerable"] for n in by.values()) == off["refused"] + near["refused"]
    assert sum(n["answerable"] for n in by.values()) == round(
        scores["all"]["answerable_refused"] * scores["all"]["questions"])
    assert set(by) <= {"off-topic", "names", "numbers", "words", "kind", "speaker", "topic", "country", "unnamed"}
    assert "refusals by the check that refused (answerable/unanswerable): " in format_scores(report)
    # and the right answers by the question's language and the answering article's, every answerable question once
    pairs = report["right_by_languages"]
    assert set(pairs) == {"en→en", "en→nl", "nl→en", "nl→nl"}, pairs
    assert sum(p["questions"] for p in pairs.values()) == scores["all"]["questions"]
    assert sum(p["right"] for p in pairs.values()) == round(scores["all"]["answers_right"] * scores["all"]["questions"])
