"""What a question asks for, and whether a sentence holds that kind of thing, in Dutch and English.

- `intent`: a date, a number, an amount, a place, a name or a reason, from the question words
  ("wanneer", "how many", "what dud rate", "waar");
- `holds_answer`: the sentence holds something of that kind beyond what the question says (a
  number in the measure's unit for "the range"; a name after a preposition of place for "where";
  a person's name for "who"; a name the question does not give, in either spelling);
- `counted`, `counted_in`: what a "how many" question counts ("Patriot systems"), and what a
  sentence's numbers count ("veertien Challenger 2-tanks"): a count of something else is no answer;
- `about_other_years`: a sentence that names only other years than the question asks about;
- `speaker`: whose words the question asks about ("What did Stoltenberg say...?");
- `event_untold`: the question asks about an event (a succession, a resignation, a treaty ratified...) and a sentence
  does not speak of it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from rag.dates import MONTH, MONTH_NUMBERS, YEAR, years_in
from rag.names import NOT_NAMES, is_capital, is_country, names_in, of_country, spelling
from rag.text import STOPWORDS, content_words, fold, numbers_in
from rag.treaties import ABBREVIATIONS

# "since February 2022" is about every year from 2022 on
_SINCE = re.compile(r"\b(?:since|sinds|sedert|vanaf)\s+(?:\w+\s+){0,5}?((?:18|19|20)\d\d)\b", re.I)
_MONTHS = "|".join(MONTH_NUMBERS)
_DAYS = (r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
         r"monday|tuesday|wednesday|thursday|friday|saturday|sunday")
# a sum of money: "how much ... worth" is not answered by "95 percent" (a share asks for a number: "what rate")
_UNITS = r"dollars?|euros?|pond|pounds?|roebel|roebels|miljoen|miljard|million|billion|\$|€|£"
_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|"
                 r"hundred|dozens|hundreds|thousands|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|"
                 r"\w+tien|twintig|dertig|veertig|vijftig|honderd|tientallen|honderden|duizenden")
ANSWER_SHAPES = {
    # a time told from the article's date counts too ("al sinds vorig jaar", "last month")
    "date": re.compile(rf"\b(?:1[89]\d\d|20\d\d|{_MONTHS}|(?:{_DAYS})(?:avond|ochtend|middag|nacht)?|gisteren|vandaag|"
                       rf"yesterday|today|(?:vorig|vorige|afgelopen|last|past)\s+(?:jaar|maand|week|year|month))\b",
                       re.I),
    "number": re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.I),  # besides digits, which numbers_in finds
    "amount": re.compile(rf"(?:\d[\d.,]*\s*(?:{_UNITS})|(?:\$|€|£)\s*\d)", re.I),
    # a cause, or a consequence that tells its cause before it ("..., which means farmland stays unusable")
    "reason": re.compile(r"\b(?:because|due to|as a result|so that|in order to|which means|that means|argued|arguing|"
                         r"citing|omdat|want|doordat|aangezien|vanwege|wegens|zodat|daardoor|waardoor|wat betekent|"
                         r"dat betekent|betoogde|betoogt|om\b.*\bte)\b"
                         r"|[,:;]\s+so\b|\b(?:that's|that is|which is|this is) why\b|\b(?:therefore|hence)\b", re.I),
}
# a sum in words: "tientallen miljarden dollars", "hundreds of millions of dollars"
_WORDED_AMOUNT = re.compile(rf"\b(?:{_NUMBER_WORDS}|een|a|one)\s+(?:of\s+)?"
                            rf"(?:miljoen|miljard|miljarden|millions?|billions?)(?:\s+of)?\s+"
                            rf"(?:dollars?|euros?|pond|pounds?|roebels?)\b", re.I)
# the price of one thing ("How much does one of the shells cost?", "Wat kost één raket?"), which a sum for many does
# not tell ("een pakket ... met een waarde van 800 miljoen dollar"); the sentence gives it for each
_ONE_PRICED = re.compile(r"\b(?:one|each|één|elke?)\b(?=.*\b(?:cost\w*|kost\w*|price\w*|prijs)\b)"
                         r"|\b(?:cost\w*|kost\w*|price\w*|prijs)\b.*\b(?:one|each|één|elke?|apiece|per stuk)\b", re.I)
_EACH = re.compile(r"\b(?:each|apiece|a piece|per|stuk|elk|elke)\b", re.I)
# A question about a measure is answered by a number in its unit ("the range" by kilometres, not "two bases").
_MEASURES = [
    (re.compile(r"\b(?:range|bereik|distance|afstand|how far|hoe ver)\b", re.I),
     re.compile(r"\d\s*(?:km|kilomet\w*|mijl|miles?|met(?:er|re)s?)\b", re.I)),
    (re.compile(r"\b(?:calibre|caliber|kaliber)\b", re.I),
     re.compile(r"\d\s*(?:mm|millimet\w*|inch\w*)\b|\d-millimet", re.I)),
    (re.compile(r"\b(?:percentage|rate|share|proportion|fraction|percent|procent|aandeel|"
                r"welk (?:deel|gedeelte))\b", re.I),
     re.compile(r"\d\s*(?:%|procent|percent|per cent)", re.I)),
    # how often, by a frequency: "jaarlijks", "every year", "twice", "three times" (not by "two bases", nor by "once"
    # as in "once its demands are met")
    (re.compile(r"\b(?:how often|hoe ?vaak|hoe dikwijls)\b", re.I),
     re.compile(rf"\b(?:annually|yearly|monthly|weekly|daily|twice|jaarlijks|maandelijks|wekelijks|dagelijks|tweemaal|"
                rf"driemaal|(?:every|each|elk|elke|ieder|iedere|per)\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|jaar|"
                rf"maand|week|dag)|(?:\d+|{_NUMBER_WORDS}|several|enkele)\s+(?:times|keer|maal))\b", re.I)),
    # how long something takes, or is: "Hoe lang duurt de opleiding?" by weeks, not by "twee bataljons"
    (re.compile(r"\b(?:how long|hoe ?lang|(?:how many|hoeveel)\s+(?:years|months|weeks|days|decades|jaar|jaren|maanden"
                r"|weken|dagen|decennia))\b", re.I),
     re.compile(rf"(?:\d|\b(?:{_NUMBER_WORDS}|a|an|een|enkele|several|few|halve?))\s*(?:seconds?|seconden|minutes?|"
                r"minuten|hours?|uur|uren|days?|dagen|dag|weeks?|weken|months?|maanden|maand|years?|jaar|jaren|"
                r"decades?|decennia|decennium|century|centuries|eeuw|eeuwen|km|kilomet\w*|met(?:er|re)s?)\b"
                # or without a number: "years or even decades later", "nog jaren na de oorlog", "na wekenlange
                # druk", "months-long", "for weeks", "after months of fighting"
                r"|\b(?:years|decades|centuries|jaren|decennia|eeuwen)\s+(?:\w+\s+){0,3}?(?:later|after|long|na"
                r"|lang)\b|\b(?:uren|dagen|weken|maanden|jaren|decennia|eeuwen)lange?\b"
                r"|\b(?:hours|days|weeks|months|years|decades)-long\b"
                r"|\b(?:for|after)\s+(?:hours|days|weeks|months|years|decades)\b",
                re.I)),
]
# The question words of each intent, Dutch and English. The question word that comes first
# decides ("Who interviewed Putin when he threatened..." asks for a person).
_WHICH = r"(?:which|what|welke|welk|wat voor)"
_ASKS_NAME = r"hoe he(?:et|ette|ten|tten)|(?:what|wat) (?:is|was|were|are|waren) (?:the|de) (?:names?|naam|namen)"
_AUXILIARY = (r"(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should|must|heeft|hebben|hadden|"
              r"zijn|waren|kan|kon|kunnen|zal|zullen|zou|zouden|wil|wilde|moet|moest)")
INTENTS = [
    ("amount", re.compile(r"\b(?:how much|worth|cost|costs|price|waard|kost|kostte|kosten|bedrag|prijs|"
                          r"hoeveel(?=.*\b(?:waard|kost\w*|geld|euro|dollar|hulp|steun)\b))\b", re.I)),
    ("number", re.compile(rf"\b(?:how many|how long|how often|how old|how high|how far|how big|how large|hoeveel|"
                          rf"hoe ?lang|hoe ?vaak|hoe dikwijls|hoe oud|hoe hoog|hoe ver|hoe groot|aantal|"
                          rf"(?:{_WHICH}|wat)(?: \w+){{0,3}} (?:percentage|share|proportion|fraction|rate|aandeel"
                          rf"|calibre|caliber|kaliber|range|bereik|number|size|distance)|welk (?:deel|gedeelte))\b",
                          re.I)),
    ("date", re.compile(rf"\b(?:when|since when|wanneer|sinds wanneer|{_WHICH} (?:year|date|day|month|jaar|datum|"
                        rf"dag|maand)|on {_WHICH} day|op {_WHICH} dag|in {_WHICH} (?:year|jaar))\b", re.I)),
    ("reason", re.compile(r"\b(?:why|for what reason|waarom|om welke reden)\b", re.I)),
    ("place", re.compile(rf"\b(?:where|waar|(?:in|near|at|bij|nabij|op) {_WHICH} (?:city|cities|town|towns|"
                         rf"village|villages|place|places|country|region|stad|steden|dorp|dorpen|plaats|plaatsen|"
                         rf"land|regio))\b", re.I)),
    # "which country" asks for a name, "what did he say" for anything, "what about ...?" what was asked before
    ("name", re.compile(rf"\b(?:who|whom|whose|wie|wiens|{_ASKS_NAME}|{_WHICH} (?!{_AUXILIARY}\b|about\b)\w+)\b",
                        re.I)),
]
_YES_NO = re.compile(rf"\s*{_AUXILIARY}\b", re.I)
# The question word that opens the question; "what" and "how" with a verb ask for anything, whatever question word a
# later clause opens with ("What did Zelensky call Germany when Scholz received him?" asks for no date), unless the
# question asks about it ("What did Reznikov say about where ...?")
_QUESTION_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how|wat|welke?|wie|wiens|wanneer|waar\w*"
                            r"|hoe\w*)\b", re.I)
_ASKS_ANYTHING = re.compile(r"what|how|wat|hoe", re.I)
_ABOUT_WHAT = re.compile(r"\b(?:about|over)\s+$", re.I)  # "What did Reznikov say about where ...?" asks where
# "What did X say / predict", "How did X describe", "Wat zei X", "Hoe noemde X", "Hoe beschreef X": X is the speaker
_SAY = (r"say|said|says|call|called|describe|predict|warn|claim|zei|zegt|zeggen|noemde|noemden|noemt|voorspelde|"
        r"waarschuwde|beschreef|beschreven|omschreef|omschreven|bestempelde|bestempelden|think|thought|dacht|denkt|"
        r"oordeelde|oordeelt|stress|stressed|emphasi[sz]e|emphasi[sz]ed|announce|kondigde|kondigden|kondigt|react"
        r"|respond|benadrukte|benadrukt|reageerde|reageert|threaten|threatened|dreigde|dreigt|dreigen")
_SAYING = re.compile(rf"\b(?:{_SAY})\b", re.I)
# and a sentence with one of these, or another form of saying, asking or calling on, gives someone's words ("Hij deed
# dat samen met president Volodymyr Zelensky" names him, but gives none; "HRW roept beide landen op" gives HRW's)
GIVES_WORDS = re.compile(rf"\b(?:{_SAY}|saying|tell|tells|told|write|writes|wrote|warn\w*|calls|claim\w*|predict\w*"
                         r"|stated?|added|argued|confirm\w*|acknowledg\w*|announc\w*|insist\w*|according|describ\w*"
                         r"|accus\w*|threat\w*|zeiden|gezegd|noem\w*|genoemd|verklaar\w*|schreef|schrijft|waarschuw\w*"
                         r"|voorspel\w*|benadruk\w*|bevestig\w*|meld\w*|vindt|vond|aldus|volgens|beschuldig\w*|kondigde"
                         r"|l(?:iet|ieten|aat|aten)\s+(?:\S+\s+){0,6}?weten"
                         r"|bekendgemaakt|bekend|dreig\w*|sprak|spreekt|roept|riep|vroeg|vraagt)\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")  # a body's initials: "OPCW", "NAVO", "HRW"
_TITLES = (r"minister|president|premier|woordvoerder|spokesman|spokeswoman|secretary|chancellor|kanselier|director|"
           r"directeur|coordinator|leider|leader|generaal|general|adviser|adviseur")
_NAME_RUN = r"([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)"  # capitalised words in a row: "Jens Stoltenberg"
_SPEAKING = (r"did|does|do|zei|zegt|kondigde|kondigt|noemde|noemden|noemt|voorspelde|waarschuwde|beschreef"
             r"|beschreven|omschreef|omschreven|bestempelde|bestempelden|dacht|denkt|oordeelde|oordeelt|benadrukte"
             r"|reageerde|dreigde|dreigt")
_SPEAKER = re.compile(rf"\b(?i:{_SPEAKING})\s+((?i:the|de|het)\s+)?(?:(?i:{_TITLES})\s+)?{_NAME_RUN}")
_PRONOUN_SPEAKER = re.compile(rf"\b(?:{_SPEAKING})\s+(?:he|she|hij|zij|ze)\b", re.I)  # "What did he say?"
_POSSESSIVE_PRONOUN = re.compile(r"(?:its|their|his|her|hun|zijn|haar)\s", re.I)
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|him|his|hij|zij|hem)\b", re.I)
_ROLE_AFTER = re.compile(rf"\s+(?:[a-z]\w*\s+)?(?=[a-z])\w*(?i:{_TITLES})\b")  # "(Spaanse) defensieminister"
_BE = r"(?:is|are|was|were|zijn|waren)"  # "to be" in English and Dutch
_DEFINED = re.compile(rf"\s*(?:who|what|wie|wat)\s+{_BE}\s+(?:the\s+|de\s+|het\s+)?"
                      r"([^?]+?)\s*\??\s*$", re.I)
_OPENING_SUBJECT = re.compile(rf"\s*((?:\S+\s+){{1,4}}?){_BE}\b", re.I)  # at most four words before "to be"
_ABOUT = re.compile(r"\b(?:about|over)\s+([^?]*)", re.I)
# a name after "is" or "was" with "the" before it describes a thing ("was the US aid package"), not who acts
_COPULA = r"(?:is|are|was|were)"
_SUBJECT = re.compile(rf"\b(?:(?!(?i:{_COPULA})\b)(?i:{_AUXILIARY})\s+(?:the\s+)?|(?i:{_COPULA})\s+){_NAME_RUN}")
# and a name between "the" and a lowercase word describes the thing after it: "the US military aid package"
_DESCRIBING = re.compile(rf"\b(?i:the|de|het)\s+{_NAME_RUN}\s+[a-zà-ÿ]")
_AFTER_VERB = re.compile(rf"\b([a-zà-ÿ]+)\s+{_NAME_RUN}")
# the words before a Dutch name that are no verb: articles, prepositions, conjunctions ("volgens het Pentagon")
_NOT_VERBS = frozenset("de het een van voor volgens bij in op aan met naar uit over tegen door om te tot na sinds "
                       "zonder tijdens onder en of dat die als".split())
# "How many of the promised Abrams tanks" counts the tanks
_HOW_MANY = re.compile(r"\b(?:how many|hoeveel)\s+(?:(?:of|van)\s+(?:the|those|these|de|het|die|deze)\s+)?(.*)", re.I)
_TOKEN = re.compile(r"[\w’'-]+")
_COUNT = re.compile(rf"^(?:\d[\d.,]*|{_NUMBER_WORDS})$", re.I)
_OF_THEM = re.compile(rf"(?:\d[\d.,]*|\b(?:{_NUMBER_WORDS}))\s+"
                      rf"(?:of (?:them|those|these|whom)|daarvan|van hen|van wie)\b", re.I)
COUNTED_WORDS = 3  # a number counts what the next few words name ("30 Leopard 1A5 tanks")
# the words after which a number from 1800 to 2099 is a year (as is one after a month)
_BEFORE_YEAR = frozenset("in of since until by before after during from van sinds tot voor na tijdens vanaf uit"
                         .split())
# "Which bridge", "welk dorp": the kind of thing asked for, in the next few lowercase words
_WHICH_THING = re.compile(r"\b(?:which|welke|welk)\s+(.*)", re.I)
_WHICH_WORD = re.compile(rf"{_WHICH}\s+", re.I)
TYPE_WORDS = 2
_COUNTRIES = re.compile(r"(?:^|-)(?:country|countries|land|landen|state|states|staat|staten|lidstaten|nations?|powers?|"
                        r"mogendhede?n|grootmachte?n)$",
                        re.I)
_SETTLEMENT = re.compile(r"\b(?:city|cities|town|towns|village|villages|stad|steden|dorp|dorpen)\b", re.I)
# offices, which someone holds ("the Russian ambassador", "Denmark's defence minister")
OFFICE_QUALIFIERS = frozenset({"prime", "vice"})  # words before an office that make it another ("Prime Minister")
_OFFICES = (rf"{_TITLES}|diplomat|diplomaat|ambassador|ambassadeur|commander|commandant|spokesperson|senators?"
            r"|senatoren|governor|gouverneur|mayor|burgemeester|congressman|congreslid|kamerlid|parlementslid|judge"
            r"|rechter|king|koning|queen|koningin|pope|paus")
# "Who" asks for a person ("Which country..." asks for a name of any kind), and so does the name of someone described
# by what they are: "What was the name of the Ukrainian general who...?", "Hoe heet de Nederlandse diplomaat ...?"
_SOMEONE = (rf"{_OFFICES}|official|officials|functionaris|officer|officier|soldier|soldaat|pilot|piloot|journalist"
            r"|politician|politicus|man|woman|vrouw|person|persoon")
# "Which X" asks for a name when X is a kind of thing that has names: people, places, bodies, treaties, weapon systems,
# media, events; a Dutch compound by its last part ("luchtmachtbasis", "F-16-gevechtsvliegtuigen"). "Welke gewassen",
# "which side", "what kind of weapons" ask for things that have none ("maize and wheat", "the southern flank").
_NAMED_DUTCH = (r"personen|vrouwen|diplomaten|soldaten|piloten|journalisten|functionaris\w*|politic\w*|woordvoerder"
                r"|minister|ministers|president|presidenten|premier|leider|leiders|generaal|generaals|adviseur"
                r"|organisaties?|groep|groepen|bedrijf|bedrijven|fabrikant\w*|partij\w*|agentschap|instituut|rechtbank"
                r"|eenheid|eenheden|leger|legers|strijdkracht\w*|orgaan|organen|raad|raden|ministerie\w*|krant\w*"
                r"|omroep\w*|kanaal|kanalen|plaats|plaatsen|stad"
                r"|steden|dorp|dorpen|gemeenten?|regio|provincie\w*|basis|bases|vliegveld\w*|luchthaven\w*|haven\w*"
                r"|brug|bruggen|gebouw\w*|wegen|rivier\w*|zee|zeeën|eiland\w*|hoofdstad|straat|straten|plein\w*"
                r"|verdrag\w*|conventie\w*|akkoord\w*|overeenkomst\w*|protocol\w*|wet|wetten|resolutie\w*|wapens?"
                r"|raket\w*|tanks?|vliegtuig\w*|toestel\w*|systeem|systemen|drones?|helikopter\w*|schip|schepen"
                r"|houwitser\w*|voertuig\w*|top|operatie\w*|prijs|prijzen|programma\w*|initiatief\w*|missie\w*")
_NAMED_KINDS = re.compile(
    rf"(?:[\w-]*-)?(?:{_NAMED_DUTCH}|(?:{_SOMEONE})(?:s|en|es)?|persons|people|mensen|men|women"
    r"|spokes\w*|organi[sz]ations?|groups?|compan(?:y|ies)|firms?"
    r"|manufacturers?|part(?:y|ies)|alliance|agenc(?:y|ies)|institutes?|institutions?|courts?|units?|brigades?|army"
    r"|forces?|councils?|bod(?:y|ies)"
    r"|armies|ministr(?:y|ies)|newspapers?|broadcasters?|channels?|platforms?|websites?|apps?|places?|city|cities"
    r"|towns?|villages?|regions?|provinces?|base|airfields?|airports?|ports?|bridges?|buildings?|hubs?|roads?"
    r"|rivers?|seas?|islands?|capitals?|streets?|squares?|oblasts?|treat(?:y|ies)|conventions?|agreements?|deals?"
    r"|laws?|resolutions?|weapons?|missiles?|rockets?|aircraft|jets?|planes?|systems?|helicopters?|ships?"
    r"|submarines?|howitzers?|vehicles?|summits?|operations?|prizes?|awards?|programm?es?|initiatives?|missions?)"
    rf"|[\w-]*\w{{3}}(?:{_NAMED_DUTCH})", re.I)
_KIND_OF = re.compile(r"kinds?|types?|typen|sorts?|soort|soorten|slag", re.I)
_WHO = re.compile(rf"\s*(?:(?:who|whom|wie)\b|(?:{_ASKS_NAME})\s+(?:(?:of|van)\s+)?(?:the|de|het)?\s*"
                  rf"(?P<by>(?:[\w-]+\s+){{0,2}}?)(?P<role>{_SOMEONE})\b)", re.I)
# someone asked for by their office: "Who was Ukraine's defence minister before ...?", "Wie staat aan het hoofd van de
# OPCW?", "Which Canadian minister ...?" (a word or two, a possessive among them, before it). Not by what any person
# is ("Which Kremlin official ...?" is answered by its spokesman)
_HOLDER = re.compile(rf"\s*(?:(?:who|wie)\s+(?:{_BE}|staat|stond)\s+(?:(?:aan\s+)?(?:the|de|het)\s+)?"
                     rf"|(?:which|welke?)\s+)(?P<by>(?:[\w’'-]+\s+){{0,2}}?)(?P<role>{_OFFICES}|head|hoofd|chief"
                     r"|chair|chairman|chairwoman|voorzitter)\b", re.I)
# a country after an office: "the president of France", "de minister van Defensie van Oekraïne" (a name of one word or
# two, among the next few words)
_OF_COUNTRY = re.compile(r"\b(?:of|van)\s+(?:(?:the|de|het)\s+)?([\w’'-]+)(?=(?:\s+([\w’'-]+))?)", re.I)
_AFTER_OFFICE = 6
# no person is an acronym ("NATO secretary general ... said"), nor a name joined to a lowercase noun ("Storm
# Shadow-kruisraketten")
_THING = re.compile(r"^[A-Z]{2,}$|-[a-z]+$")
# the words of an office before a name ("minister van Defensie Ben Wallace", "Defence Secretary Ben Wallace")
_OFFICE = re.compile(rf"(?i:{_TITLES}|defen[cs]e|defensie|foreign|buitenlandse|zaken|affairs|home|state|staat"
                     r"|security|veiligheid|national|nationale|council|raad|general|generaal|secretaris-generaal"
                     r"|prime|vice|deputy|under|former|oud-\w+)")
_PERSON = re.compile(rf"\b(?:volgens|zei|zegt|zeggen|said|says|told|according to|{_TITLES})\b", re.I)
# A name after a preposition of place ("in de staat Kentucky", "bij Berdjansk", "on Telegram") is a place.
_AT_PLACE = re.compile(r"\b(?i:in|at|on|near|outside|from|bij|te|nabij|naar|uit|buiten|rond|op)\s+(?:[a-z]\w*\s+){0,2}?"
                       r"([A-Z][\w-]+)")
# "from" and "uit" say where something comes from, which answers only a question that asks so ("raketten uit de VS"
# do not say where they were fired)
_FROM_PLACE = re.compile(r"\b(?i:from|uit)\s+(?:[a-z]\w*\s+){0,2}?([A-Z][\w-]+)")
_ASKS_ORIGIN = re.compile(r"\b(?:from|vandaan|afkomstig|herkomst)\b", re.I)
# Capitalised Dutch adjectives of nations and places ("Amerikaanse", "Russische") name no one.
_ADJECTIVE = re.compile(r"\w{3,}(?:se|sche)$")
_NATIONAL = re.compile(r"\w{3,}(?:se|sche|an|ish|ese)$")  # and English ones ("Ukrainian", "British")
# a type of aircraft or weapon named by its number ("F-16s", "F-16-gevechtsvliegtuigen", "MiG-29"): a name to count by
_DESIGNATION = re.compile(r"^([A-Z][A-Za-z]{0,3}-?\d+[A-Za-z]??)(?:['’]?s)?(?=$|-)")
# Words that describe the noun after them: Dutch adjectives ("strategische") and English nouns used as
# adjectives ("cluster", "air defence"); a name or number does when a name or number follows ("Leopard 1A5",
# "Storm Shadow", "Challenger 2"), otherwise it is what is counted ("Patriot systems").
_DESCRIBES = re.compile(r"(?:\w+e|[a-z]+(?<![sn]))$")


def _describes(token: str, following: str) -> bool:
    if token[:1].isupper() or token[:1].isdigit():
        return bool(_NATIONAL.search(token)) or following[:1].isupper() or following[:1].isdigit()
    # or a noun before the plural noun it describes ("cluster munition casualties")
    return bool(_DESCRIBES.match(token)) or (following[:1].islower() and following.endswith("s")
                                             and not token.endswith("s"))


def asked_type(question: str) -> tuple[list[str], bool]:
    """What kind of thing a "which X" question asks for: the words of X ("Which bridge...": bridge;
    "Welk dorp...": dorp), and whether X is a country ("Welke Europese NAVO-landen...")."""
    found = _WHICH_THING.search(question)
    if not found:
        return [], False
    return _thing(found.group(1))


def _thing(after_which: str) -> tuple[list[str], bool]:
    run = []
    for token in _TOKEN.findall(after_which):
        if fold(token) in STOPWORDS or len(run) == TYPE_WORDS:
            break
        if _COUNTRIES.search(token):
            return [], True
        if not token[:1].isupper():
            run.append(token)
    return content_words(" ".join(run)), False


def asks_parties(question: str, topic: str = "") -> bool:
    """The question asks who signed, ratified or joined a treaty (named in it or in its `topic`): countries answer it
    ("And who did sign it?" after the 2008 treaty's non-signers), not people ("Who signed the law?")."""
    return bool(_WHO_DID.match(question) and _PARTY_EVENT.search(question) and _TREATY.search(f"{topic} {question}"))


def asks_yes_or_no(question: str) -> bool:
    """The question opens with a verb ("Did...?", "Heeft...?"): its answer may say yes or no."""
    return bool(_YES_NO.match(question))


def intent(question: str) -> str:
    """What the question asks for: amount, number, date, reason, place, name, or "" (anything).

    The earliest question word decides; at one place, the most specific kind (INTENTS' order).
    A question that opens with a verb asks yes or no, whatever it asks about ("Did the Pentagon
    say how many missiles...?": a sentence saying it did not answers it)."""
    if asks_yes_or_no(question):
        return ""
    found = [(m.start(), rank, kind, m) for rank, (kind, pattern) in enumerate(INTENTS)
             for m in [pattern.search(question)] if m]
    if not found:
        return ""
    at, _, kind, m = min(found, key=lambda f: f[:2])
    opening = _QUESTION_WORD.search(question)
    if (opening and opening.start() < at and _ASKS_ANYTHING.fullmatch(opening.group())
            and _QUESTION_WORD.match(question, at) and not _ABOUT_WHAT.search(question, 0, at)):
        return ""
    which = _WHICH_WORD.match(m.group())
    if kind == "name" and which:  # "which X": a name only of a kind of thing that has names
        words, countries = _thing(question[at + which.end():])
        if words and not countries and (_KIND_OF.fullmatch(words[0])
                                        or not any(_NAMED_KINDS.fullmatch(w) for w in words)):
            return ""
    return kind


# An event the question asks about is told by a sentence that speaks of it, in the words that ask it or others that
# tell it: "Who succeeded Ben Wallace?" is not answered by someone else in the same office, "When did the United States
# ratify ...?" by when it signed, "Why did Medvedev step down?" by what he said. (asked, told as well, when it applies)
_ONE_TO_FOUR = r"\s+(?:\S+\s+){0,4}?"
# the members of a treaty or an alliance, not of a parliament ("consulted allies and members of Congress")
_LEGISLATURE = r"(?:the\s+|de\s+|het\s+)?(?:congres|congress|parliament|parlement|senate|senaat|house|kamer)\b"
_MEMBERS = rf"(?:members?|lid|leden)(?!\s+(?:of|van)\s+{_LEGISLATURE})"
# a country ratified, signed or joined a treaty
_RATIFIED = r"ratif\w*|geratificeerd|bekrachtig\w*"
_SIGNED = r"sign(?:s|ed|ing)?|ondertek\w*|getekend|tekende\w*"
_JOINED = (r"join\w*|accede\w*|toetred\w*|toegetreden|tr(?:ad|eedt|aden)\s+(?:\S+\s+){0,6}?toe|aangesloten|aansluit\w*"
           rf"|sl(?:oot|oten|uit|uiten){_ONE_TO_FOUR}aan|(?:a\s+)?member of|lid van")
_EVENTS = [
    # who came after or before someone ("if the offensive succeeded" asks no one)
    (rf"succeed\w*|replac\w*|successors?|predecessors?|took over from|opvolg\w*|opgevolgd|voorgangers?|vervang\w*"
     rf"|volg(?:t|de|den){_ONE_TO_FOUR}op",
     rf"|took over|taking over|in place of|volg\w*{_ONE_TO_FOUR}op|nam{_ONE_TO_FOUR}over|neemt{_ONE_TO_FOUR}over"
     rf"|overgenomen|in de plaats van", "person"),
    (rf"resign\w*|step(?:s|ped)? down|quit|aftre\w*|trad{_ONE_TO_FOUR}af|opstap\w*|stapte{_ONE_TO_FOUR}op|left office",
     r"|ontslag\w*", ""),
    (r"appoint\w*|benoem\w*|elected|sworn in|gekozen|verkozen|beëdigd", r"|named|became|werd|new", ""),
    (r"dismiss\w*|sacked|ontslagen|ontheven|removed from office", r"|ontslag\w*|uit (?:zijn|haar) functie", ""),
    # something arrived, which a promise or an announcement does not tell ("gaat leveren"); not one still to come
    (r"arrived|did\s+(?:\S+\s+){0,6}?arrive|aangekomen|arriveerde\w*|kw(?:am|amen)\s+(?:\S+\s+){0,6}?aan",
     r"|arriv\w*|delivered|landed|geland", ""),
    # someone died, which their last act does not tell ("the mercenary leader ... had demanded")
    (r"died|dies|dying|did\s+(?:\S+\s+){0,10}?die\b|overl(?:eed|eden|ijden)|stierf|stierven|gestorven|omgekomen"
     r"|om het leven",
     r"|death|dead|killed|gedood|doden|dood|crash\w*|neergestort|casualt\w*|slachtoffer\w*", ""),
    # something opened, which its being planned or promised does not tell
    (r"opened|opens|did\s+(?:\S+\s+){0,10}?open\b|geopend|opende\w*|opengesteld|ging\s+(?:\S+\s+){0,6}?open",
     r"|open\w*|in gebruik|operational|launched", ""),
    # what happens to a treaty: a member, a party or a signature tells that a country joined or signed
    (_RATIFIED, "", "treaty"),
    (_SIGNED, r"|signature\w*|signator\w*|handtekening\w*", "treaty"),
    (_JOINED, rf"|accession|{_MEMBERS}|membership|part(?:y|ies)|partij|verdragsstat\w*", "treaty"),
    (rf"withdr\w*|pull(?:s|ed|ing)? out|terugtr\w*|teruggetrokken|trok\s+(?:\S+\s+){{0,6}}?terug|opgez\w*"
     rf"|zegde{_ONE_TO_FOUR}op",
     r"|left\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:treaty|deal|agreement|accord|convention|initiative|pact)"
     # or let it lapse
     rf"|verlaten|verliet|walked out|lapse\w*|refus\w*{_ONE_TO_FOUR}(?:extend|renew)"
     rf"|weiger\w*{_ONE_TO_FOUR}te verlengen",
     "treaty"),
    (r"into force|in force|t(?:ake|akes|ook|aken|aking) effect|in werking|van kracht", "", "treaty"),
    (rf"suspend\w*|opschort\w*|opgeschort|schort\w*{_ONE_TO_FOUR}op", r"|suspension|opschorting", "treaty"),
    # how long it runs: "until", "tot" or an extension tells its end ("Wanneer loopt New START af?": "extended ... until
    # 5 February 2026")
    (rf"expir\w*|lapse[sd]?|run(?:s)? out|(?<!the )end(?:s|ed)?(?!\s+of)|verlo(?:opt|pen)|verliep|eindig\w*"
     rf"|l(?:oopt|iep|iepen){_ONE_TO_FOUR}af|tot wanneer",
     r"|until|till|tot|extended|extension|verleng\w*|afloop", "treaty"),
]
_EVENT_WORDS = [(re.compile(rf"\b(?:{asked})\b", re.I), re.compile(rf"\b(?:{asked}{told})\b", re.I), applies)
                for asked, told, applies in _EVENTS]
_WHO_DID = re.compile(r"\W*(?:(?:and|en)\s+)?(?:who|wie)\b", re.I)
_PARTY_EVENT = re.compile(rf"\b(?:{_RATIFIED}|{_SIGNED}|{_JOINED})\b", re.I)  # who did so: its parties
# (not "since when", which asks)
_DATING = re.compile(r"\b(?:after|before|since|once|nadat|voordat|sinds|toen)\b(?!\s+(?:when|wanneer)\b)"
                     r"(?:\s+\S+){0,5}\s+$", re.I)
_TREATY = re.compile(r"\b(?:treat(?:y|ies)|conventions?|agreements?|accords?|pacts?|deals?|\w*verdrag\w*"
                     r"|conventie\w*|akkoord\w*|overeenkomst\w*|\w*deal"
                     rf"|(?-i:{'|'.join(ABBREVIATIONS)}))\b", re.I)


# where a country stands with a treaty, which answers whether it signed, ratified or joined it: "Ukraine is a member",
# "have never joined", "horen daar ook ... bij"; or outside it: "Rusland staat buiten het verdrag", "doet niet mee"
_MEMBER_STANDING = (rf"{_MEMBERS}|membership|part(?:y|ies)|partij|verdragsstat\w*|ratif\w*|geratificeerd"
                    r"|sign(?:ed|atory|atories)|ondertek\w*|getekend|joined|aangesloten|belong\w*|behoor\w*"
                    r"|(?:hoort|horen)\s+(?:\S+\s+){0,12}?bij")
_AS_MEMBER = re.compile(rf"\b(?:{_MEMBER_STANDING})\b", re.I)
_STANDING = re.compile(rf"\b(?:{_MEMBER_STANDING}|outside|buiten|meedoen|doe[tn]\s+(?:\S+\s+){{0,3}}?mee)\b", re.I)


def event_untold(question: str, sentence: str, kinds: tuple[str, ...] = ("person", "", "treaty"),
                 topic: str = "") -> bool:
    """The question asks about an event (who succeeded someone; someone resigned, was appointed or dismissed; a treaty
    ratified, signed, joined, left, in force or ending: when, how many, why or whether), and the sentence tells none of
    it (whether a country did: nor where it stands with the treaty); not
    one that only dates what is asked ("after the deal lapsed"). `kinds`: those of these events to look for ("treaty":
    what happened to a treaty, named in the question or in the `topic` of a follow-up: "And when did Russia suspend
    it?" after a question on New START)."""
    def applies(kind: str) -> bool:
        if kind == "person":
            return asks_person(question)
        return kind != "treaty" or ((intent(question) in ("date", "number", "reason", "place", "name")
                                     or asks_yes_or_no(question))
                                    and bool(_TREATY.search(f"{topic} {question}")))

    def asked(asks: re.Pattern) -> bool:  # the event asked about, not one that only dates it ("after the deal lapsed")
        return any(not _DATING.search(question, max(0, m.start() - 40), m.start()) for m in asks.finditer(question))

    events = [(tells, kind) for asks, tells, kind in _EVENT_WORDS if kind in kinds and asked(asks) and applies(kind)]
    told = [tells for tells, _ in events]
    # whether or which countries did something to a treaty: where a country stands tells it too ("is a member", "staan
    # buiten het verdrag"); how many did, how many stand in it ("126 landen zijn partij"), not outside
    if any(kind == "treaty" for _, kind in events):
        if asks_yes_or_no(question) or intent(question) == "name":
            told.append(_STANDING)
        elif intent(question) == "number":
            told.append(_AS_MEMBER)
    return bool(told) and not any(tells.search(sentence) for tells in told)


_CLAUSE = re.compile(r"\s*(?:[,;:]|\s(?:but|maar|while|terwijl|whereas|although|hoewel)\b)\s*", re.I)


def event_clauses(question: str, sentence: str) -> str:
    """The clauses of the sentence that tell the treaty event the question asks about ("Which countries did not sign
    ...?": "De Verenigde Staten ondertekenden de tekst in 2013", not "maar de Senaat heeft het verdrag nooit
    geratificeerd"); the whole sentence where it asks none, or no clause tells it alone."""
    told = _treaty_events_told(question)
    if not told:
        return sentence
    clauses = [c for c in _CLAUSE.split(sentence) if any(tells.search(c) for tells in told)]
    return " ".join(clauses) or sentence


@lru_cache(maxsize=256)  # asked of every sentence the reader reads for one question
def _treaty_events_told(question: str) -> tuple[re.Pattern, ...]:
    return tuple(tells for asks, tells, kind in _EVENT_WORDS if kind == "treaty" and asks.search(question))


def asks_person(question: str) -> bool:
    """The question asks who someone is by name: "Who...?", "Hoe heet de Nederlandse diplomaat ...?", "Which Canadian
    minister ...?"."""
    return bool(_WHO.match(question) or _HOLDER.match(question))


def role_asked(question: str) -> str:
    """What the person a question asks the name of is ("What is the name of the Russian ambassador ...?",
    "Who was Denmark's defence minister ...?", "Welke Russische generaal ...?": ambassador, minister, generaal; "Which
    British prime minister ...?": prime minister), or "": not an office that is part of the name asked about ("Who
    is Chancellor Olaf Scholz?")."""
    found = _role(question)
    if not found:
        return ""
    qualifier = [w for w in found.group("by").split()[-1:] if fold(w) in OFFICE_QUALIFIERS]
    return " ".join([*qualifier, found.group("role")])


def role_nation(question: str) -> str:
    """The country of the person a question asks the name of by their office ("Which Canadian minister ...?":
    Canadian; "Who was Denmark's defence minister?": Denmark; "Wie is de minister van Defensie van Oekraïne?":
    Oekraïne), or ""."""
    found = _role(question)
    if not found:
        return ""
    after = " ".join(question[found.end():].split()[:_AFTER_OFFICE])
    named = [n for m in _OF_COUNTRY.finditer(after) for n in (" ".join(filter(None, m.groups())), m.group(1))]
    return next((w for w in [*_TOKEN.findall(found.group("by")), *named] if of_country(w)), "")


def _role(question: str) -> re.Match | None:
    if defined(question):
        return None
    return next((found for pattern in (_WHO, _HOLDER) if (found := pattern.match(question)) and found.group("role")),
                None)


def defined(question: str) -> str:
    """The name a question asks to be told about and nothing else ("Who is Jake Sullivan?", "Wat is de NAVO?"),
    or ""."""
    found = _DEFINED.match(question)
    if not found:
        return ""
    rest, names = found.group(1), names_in(question)
    if rest in names:
        return rest
    # or a name after its holder's office, written small ("Wie is minister Kajsa Ollongren?")
    named = next((n for n in names if rest.endswith(f" {n}")), "")
    office = rest[:-len(named)].split() if named else []
    return named if office and all(_OFFICE.fullmatch(w) for w in office) else ""


_LOCATED = re.compile(r"\s*(?:where\s+(?:is|are|was|were|lies)|waar\s+(?:ligt|liggen|lag|is|was|zit))\s+"
                      r"(?:the\s+|de\s+|het\s+)?([^?]+?)\s*\??\s*$", re.I)


def located(question: str) -> str:
    """The name of the place a question asks where it is and nothing else ("Where is Koepjansk?", "Waar ligt
    Skrydstrup?"), or ""."""
    found = _LOCATED.match(question)
    return found.group(1) if found and found.group(1) in names_in(question) else ""


def asked_to_define(question: str) -> str:
    """The thing (not a name) whose nature a question asks ("Wat is clustermunitie?", "What are cluster munitions?"),
    or "": not a measure, nor what something has ("Wat is hun bereik?", "What is its aim?" ask a value)."""
    found = _DEFINED.match(question)
    if (not found or defined(question) or not re.match(r"\s*(?:what|wat)\b", question, re.I) or measured(question)
            or _POSSESSIVE_PRONOUN.match(found.group(1))):
        return ""
    return found.group(1) if len(found.group(1).split()) <= 3 else ""  # not "what is the treaty that ..."


def opening_subject(sentence: str) -> str:
    """The words a sentence opens with before "is", "are" or "zijn", where it says what they are ("Cluster
    munitions are weapons that ...": "Cluster munitions"), or ""."""
    found = _OPENING_SUBJECT.match(sentence)
    return found.group(1) if found else ""


_NOT_OF = r"(?<!of )(?<!the )(?<!van )(?<!de )(?<!het )"  # "director of the X" tells X's director, not what X is


def introduces(name: str, sentence: str) -> bool:
    """The sentence says who or what `name` is: "Jake Sullivan, Biden's national security adviser,", "Medvedev is
    ...", "(OPCW)", or a title before it: "leader Kim Jong Un", "Bondskanselier Olaf Scholz", "Minister van
    Defensie Kajsa Ollongren" (not "director of the Cluster Munition Coalition": its director is told, not what it
    is). The sentence may spell the name as its language does ("Sergej Sjojgoe": "Sergei Shoigu")."""
    written = _as_written(name, sentence)
    if not written:
        return False
    at = re.escape(written)
    return bool(re.search(rf"\b{at}\s*,|\b{at}\s+{_BE}\b|\(\s*{at}\s*\)", sentence)
                or re.search(rf"(?i:{_TITLES})\s+(?:[\w-]+\s+){{0,2}}?{_NOT_OF}{at}\b", sentence))


def _as_written(name: str, sentence: str) -> str:
    """How `sentence` writes `name`: as it is, or words spelled alike once folded and transliterated; or ""."""
    if name in sentence:
        return name
    key, size = spelling(name), len(name.split())
    tokens = _TOKEN.findall(sentence)
    return next((" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)
                 if spelling(" ".join(tokens[i:i + size])) == key), "")


def said_about(question: str, topic: str = "") -> str:
    """What a question about someone's words asks they said it about ("What did Kim Jong Un say about the
    cluster munitions?": "the cluster munitions"); "" for other questions (a follow-up's speaker may be its `topic`'s:
    `speaker`)."""
    found = _ABOUT.search(question) if speaker(question, topic) else None
    return found.group(1).strip().rstrip("?").strip() if found else ""


def subject(question: str, lang: str) -> str:
    """The name that does what the question asks about: "How many tanks did Poland send?" (English puts
    it after the auxiliary), "Hoeveel tanks leverde Nederland?" (Dutch after the verb), or ""."""
    found = _SUBJECT.search(question)
    if not found and lang == "nl":
        found = next((m for m in _AFTER_VERB.finditer(question) if fold(m.group(1)) not in _NOT_VERBS), None)
    return _name_opening(found.group(found.lastindex), question) if found else ""


def _name_opening(run: str, question: str) -> str:
    """The question's name that a run of capitalised words opens with ("Medvedev" of "Medvedev Nederland"), or ""."""
    return next((name for name in names_in(question) if run.startswith(name)), "") if run else ""


def describing(question: str) -> list[str]:
    """The names that describe a thing the question asks about ("How much was the US military aid package worth?":
    US), not who does something."""
    runs = [m.group(1) for m in _DESCRIBING.finditer(question)]
    return [name for name in names_in(question) if any(run.startswith(name) for run in runs)]


def speaker(question: str, topic: str = "") -> str:
    """Whose words the question asks about ("What did Jens Stoltenberg say...?", "Hoe noemde Poetin...?"), or "";
    for a follow-up that asks what "he" or "zij" said, the person its `topic` names last ("Who is Dmitry Medvedev?",
    "What did he say?")."""
    if not _SAYING.search(question):
        return ""
    if topic and _PRONOUN_SPEAKER.search(question):  # a person, not a place ("naar Berlijn", "visit Berlin")
        places = _places(topic)
        return next((n for n in reversed(names_in(topic))
                     if not (of_country(n) or n in places or is_capital(n))), "")
    found = _SPEAKER.search(question)
    if not found:
        return ""
    run = found.group(2).strip()
    # the name the run starts with, not the object after it ("Waarmee dreigde Medvedev Nederland?")
    said_by = _name_opening(run, question) or run
    # "How did Russia's defence ministry describe ...?", "Wat zei de Spaanse defensieminister ...?": someone of theirs
    # speaks, not Russia or Spain
    of_theirs = re.search(r"['’]s$", run) or _ROLE_AFTER.match(question, found.end())
    # after "the", a country ("What did the Netherlands say ...?"), not an office that speaks through its people ("the
    # White House": Sullivan)
    return "" if of_theirs or (found.group(1) and not is_country(said_by)) else said_by


def _units(question: str) -> list[re.Pattern]:
    return [unit for measure, unit in _MEASURES if measure.search(question)]


def referred_people(question: str, topic: str, answered: str = "") -> list[str]:
    """Who a follow-up may refer to as "he", "she", "hij" or "zij": the person its `topic` names last ("Who is Kajsa
    Ollongren?", "Which party does she belong to?"), or else the people the answer before it (`answered`) names ("Wie
    tekende New START namens de VS?", "In welk jaar kreeg hij de Nobelprijs?": Barack Obama, Dmitry Medvedev)."""
    if not topic or not _PERSONAL_PRONOUN.search(question):
        return []

    def people(text: str) -> list[str]:
        # no acronym is part of a person's name ("New START"), and an office is not ("President Joe Biden")
        return list(dict.fromkeys(" ".join(_person_words(n)) for n in _people(text, is_country)
                                  if not any(w.isupper() for w in n.split())))

    return people(topic)[-1:] or people(answered)


def asks_count(question: str) -> bool:
    """The question asks how many ("Hoeveel zijn het er?"), which only a number answers, whatever it counts."""
    return bool(_HOW_MANY.search(question))


def measured(question: str) -> bool:
    """The question names a measure, which only a number in its unit answers ("the range": kilometres)."""
    return bool(_units(question))


def counted(question: str) -> tuple[list[str], bool]:
    """What a "how many" question counts, and whether by name.

    Its words are the noun right after "how many" / "hoeveel", with the words before it that
    describe it ("Hoeveel strategische kernkoppen mogen...": strategische, kernkoppen; "How many
    civilians were...": civilians). Where they give a name, the name alone says which kind, and
    it must be spelled the same ("How many Patriot systems...": patriot)."""
    found = _HOW_MANY.search(question)
    if not found or _units(question):  # "how many years" asks for a duration, told in any unit of time ("decennia")
        return [], False
    tokens = _TOKEN.findall(found.group(1))[:COUNTED_WORDS + 1]
    run = []
    for token, following in zip(tokens, tokens[1:] + [""]):
        if fold(token) in STOPWORDS:
            break
        run.append(token)
        if not _describes(token, following):  # the noun: a verb may follow it ("Hoeveel burgers kwamen om?")
            break
    designations = _designations(run)
    if designations:
        return designations, True
    national = [t for t in run if t[:1].isupper() and _NATIONAL.search(t)]
    named = [t for t in run if t[:1].isupper() and t not in national]
    # a nationality describes what is counted, it is not what is counted ("Ukrainian civilians", "Oekraïense burgers")
    if named:
        things = content_words(" ".join(named))
        # a name counted in the plural is the name ("How many Leopards...": "veertien Leopard 2A6-tanks")
        singular = [t[:-1] for t in named if len(t) > 4 and t.endswith("s") and t[-2].islower()]
        return list(dict.fromkeys(things + content_words(" ".join(singular)))), bool(things)
    # what is counted is the noun; the words before it only say which ("nuclear warheads" are not "landen")
    return content_words(" ".join([t for t in run if t not in national] or run))[-1:], False


def _designations(tokens: list[str]) -> list[str]:
    """The types named by their number among the tokens, one spelling for all ("F-16's", "F-16s": "f16")."""
    return list(dict.fromkeys(fold(m.group(1)).replace("-", "") for t in tokens if (m := _DESIGNATION.match(t))))


def counted_in(sentence: str) -> list[str]:
    """The content words (and types named by their number) that follow the sentence's numbers closely: what they
    count."""
    tokens = _TOKEN.findall(sentence)
    following = [w for i, t in enumerate(tokens) if _counts(tokens, i) for w in tokens[i + 1:i + 1 + COUNTED_WORDS]]
    return content_words(" ".join(following)) + _designations(following)


def _counts(tokens: list[str], i: int) -> bool:
    """Token i is a number that counts something: not a day before its month ("On 20 July, spokesman John Kirby"),
    nor a year after its month or a word of time ("In October 2023 the Duma", "het verdrag van 1996")."""
    if not _COUNT.match(tokens[i]) or (i + 1 < len(tokens) and fold(tokens[i + 1]) in MONTH_NUMBERS):
        return False
    before = fold(tokens[i - 1]) if i else ""
    return not (YEAR.fullmatch(tokens[i]) and (before in _BEFORE_YEAR or before in MONTH_NUMBERS))


def counts_back(sentence: str) -> bool:
    """The sentence counts what the sentence before it named: "120 of them", "twaalf daarvan"."""
    return bool(_OF_THEM.search(sentence))


def counted_in_context(sentence: str, context: str) -> list[str]:
    """What the sentence's numbers count, reading "120 of them" as counting what its `context` (the
    sentence with the one before it) counts."""
    return counted_in(context) if counts_back(sentence) else counted_in(sentence)


# the year that names a treaty: "het clustermunitieverdrag van 2008", "the 2008 convention", "het 2008-verdrag"
_TREATY_YEAR = re.compile(r"\b\w*(?:verdrag|akkoord|conventie|treaty|convention)\w*\s+(?:van|of)\s+\d{4}\b"
                          r"|\b\d{4}[\s-](?:\w*verdrag|treaty|convention|conventie|akkoord|accord|agreement)\b", re.I)


def about_other_years(asked: set[str], text: str) -> bool:
    """The text names years, and none of them (nor a period it starts: "since 2022") is one asked about."""
    held = years_in(text)
    if not asked or not held or asked & held:
        return False
    return not any(int(year) >= int(start) for year in asked for start in _SINCE.findall(text))


# a part of a month: "eind augustus", "late August", "earlier in August", "mid-July", "begin juni"
_PARTS = {"begin": r"begin|early|earlier in|eerder in|at the start of|start of|aan het begin van",
          "mid": r"mid-?|midden|half|medio",
          "end": r"eind|einde|late|later in|at the end of|end of|aan het eind van"}
_TIMES = re.compile(rf"\b(?:(?P<day>\d{{1,2}})\s+{MONTH}|{MONTH}\s+(?P<day2>\d{{1,2}})\b|"
                    rf"(?P<part>{'|'.join(_PARTS.values())})\s*{MONTH}|{MONTH})", re.I)


def times_in(text: str) -> set[tuple[int, str]]:
    """The months a text names, each with the part of it meant: ("begin", "mid", "end", from a day or words
    such as "eind augustus", "earlier in August") or "" for the whole month."""
    found = set()
    for m in _TIMES.finditer(text):
        month = next(g for g in m.groups()[1:] if g and g.lower() in MONTH_NUMBERS)
        day = m.group("day") or m.group("day2")
        if month in ("may", "march") and not (day or m.group("part")):  # the verbs, not "early May", "on 9 may"
            continue
        if day:
            part = "begin" if int(day) <= 10 else "mid" if int(day) <= 20 else "end"
        elif m.group("part"):
            part = next(p for p, words in _PARTS.items() if re.fullmatch(words, m.group("part").strip(), re.I))
        else:
            part = ""
        found.add((MONTH_NUMBERS[month.lower()], part))
    return found


def about_other_times(asked: set[tuple[int, str]], text: str) -> bool:
    """The question names a part of a month ("eind augustus"), and the text names that month or others,
    never that part of it (a day of it, or the whole month): "Earlier in August ..." is not about the end."""
    asked = {(month, part) for month, part in asked if part}
    held = times_in(text)
    if not asked or not held:
        return False
    return not any(month == m and (part == p or not p) for month, part in asked for m, p in held)


def _people(sentence: str, is_country: Callable[[str], bool] | None = None) -> list[str]:
    """The sentence's names that may be people: a first and last name ("Hanna Maliar"), or a name
    beside a title or a verb of saying ("volgens Maljar", "said Sullivan"); not a name after a
    preposition of place ("bij Koepjansk"), nor one `is_country` tells is a country ("New Zealand said")."""
    places = _places(sentence)
    people = []
    for name in names_in(sentence):
        before, _, after = sentence.partition(name)
        rest = name.partition(" ")[2]
        if (not set(name.split()) & places and (" " in name or _PERSON.search(f"{before[-30:]} {after[:20]}"))
                and not _THING.search(name) and not (is_country and (
                    any(is_country(w) for w in [name, *name.split()])  # "Groot-Brittannië Storm Shadow"
                    # a sentence's first word before a country: "Mocht Oekraïne ermee schieten"
                    or (not before.strip() and rest and is_country(rest))))):
            people.append(name)
    return people


def surnames_in(text: str, is_country: Callable[[str], bool] | None = None) -> frozenset[str]:
    """The surnames of the people the text names by a first and last name ("Boris Pistorius": Pistorius)."""
    return frozenset(words[-1] for n in _people(text, is_country) if len(words := _person_words(n)) > 1)


def _person_words(name: str) -> list[str]:
    """The words of a person's name beside their office and nation: "Russian Defence Minister Sergei Shoigu" is
    Sergei Shoigu."""
    return [w for w in name.split() if not (_OFFICE.fullmatch(w) or _NATIONAL.search(w))]


def _places(text: str) -> set[str]:
    """The names after a preposition of place; not a day or a month ("on Monday", "in July")."""
    return {m.group(1) for m in _AT_PLACE.finditer(text) if fold(m.group(1)) not in NOT_NAMES}


def holds_answer(kind: str, sentence: str, question: str, is_country: Callable[[str], bool] | None = None,
                 surnames: frozenset[str] = frozenset()) -> bool:
    """Whether the sentence holds something of the kind asked for, beyond what the question says
    (`is_country` tells countries from people, for "who"; `surnames` are those of the people its passage names in
    full, who may open a sentence by their surname alone: "Pistorius said ...")."""
    if not kind:
        return True
    if kind in ("name", "place"):
        asked = {spelling(w) for n in names_in(question) for w in re.split(r"[\s-]+", n)}
        if asks_person(question):
            names = [" ".join(_person_words(n)) for n in _people(sentence, is_country)]
            names += [w for w in _TOKEN.findall(sentence) if w in surnames]
            if GIVES_WORDS.search(question):  # a body says, confirms, announces too ("Who confirmed ...?": the OPCW)
                names += _ACRONYM.findall(sentence)
        elif kind == "place":
            where = sentence if _ASKS_ORIGIN.search(question) else _FROM_PLACE.sub(" ", sentence)
            at_place = _places(where)
            names = [n for n in names_in(sentence) if at_place & set(n.split())]  # whole: "uit de Verenigde Staten"
            names += sorted(at_place - {w for n in names for w in n.split()})
        else:
            names = names_in(sentence)
        if is_country and _SETTLEMENT.search(question):  # "Near which cities...?" is not answered by a country
            names = [n for n in names if not is_country(n)]
        return any(spelling(w) not in asked and not _ADJECTIVE.search(w) for n in names for w in n.split())
    if kind == "reason":
        return bool(ANSWER_SHAPES["reason"].search(sentence))
    new_numbers = bool(numbers_in(sentence) - numbers_in(question))
    if kind == "date":
        # a year, a month or a day: "165 kilometer" is no date, nor a year naming a treaty ("het verdrag van 2008")
        return bool(years_in(_TREATY_YEAR.sub(" ", sentence)) - years_in(question)) or any(
            not m.group().isdigit() for m in ANSWER_SHAPES["date"].finditer(sentence))
    if kind == "amount":
        return ((new_numbers and bool(ANSWER_SHAPES["amount"].search(sentence)))
                or bool(_WORDED_AMOUNT.search(sentence))) and (
            not _ONE_PRICED.search(question) or bool(_EACH.search(sentence)))
    units = _units(question)
    if units:
        return any(unit.search(sentence) for unit in units)
    return new_numbers or bool(ANSWER_SHAPES["number"].search(sentence))
