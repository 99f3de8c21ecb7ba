"""The dates a text names: years, and days of a month in either language ("20 July", "July 20th", "op 20 juli"), so
that a question's date matches an article's and never the same day of another month ("Op 20 maart ..." does not hold
"July 20", though both hold the number 20)."""
from __future__ import annotations

import re
from functools import lru_cache

from rag.text import numbers_in

MONTH_NUMBERS = {name: (i % 12) + 1 for i, name in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march april may june july august september october november december".split())}
MONTH = rf"({'|'.join(MONTH_NUMBERS)})"
YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")
# a day of a month, read from its number out: a scan for month names at every position costs 0.25 ms a passage
_DAY_NUMBER = re.compile(r"\b([1-9]|[12]\d|3[01])(?:st|nd|rd|th|e|ste|de)?\b")
_MONTH_AFTER = re.compile(r"\s+(?:of\s+)?([^\W\d_]+)")
_MONTH_BEFORE = re.compile(r"([^\W\d_]+)\s+$")


def years_in(text: str) -> set[str]:
    """The years (1800-2099) written in `text`."""
    return set(YEAR.findall(text))


@lru_cache(maxsize=8192)
def dates_in(text: str) -> frozenset[str]:
    """The text's years and days of a month ("2005", "20/7"). Cached, as `numbers_and_days`."""
    return frozenset(years_in(text) | days_in(text))


_MONTH_WORD = re.compile(rf"\b{MONTH}\b", re.I)
_ISO_MONTH = re.compile(r"\b(?:18|19|20)\d\d-(0[1-9]|1[0-2])\b")


def months_in(text: str) -> set[int]:
    """The months the text names (1-12): by name in either language ("May" only with its capital, "may" being a verb),
    or in a date written "2023-05"."""
    named = {MONTH_NUMBERS[m.group(1).lower()] for m in _MONTH_WORD.finditer(text) if m.group(1) != "may"}
    return named | {int(m.group(1)) for m in _ISO_MONTH.finditer(text)}


def days_in(text: str) -> set[str]:
    """The days of a month the text names, each as "day/month" ("20/7")."""
    return {day for day, _, _ in _days(text)}


def written_days(text: str) -> dict[str, str]:
    """The days of a month the text names ("20/7"), each with the words that name it ("July 20th")."""
    return {day: text[start:end] for day, start, end in _days(text)}


def without_days(text: str) -> str:
    """The text with its days of a month taken out, to read its other words."""
    return _without(text, _days(text))


def _without(text: str, days: list[tuple[str, int, int]]) -> str:
    for _, start, end in reversed(days):
        text = f"{text[:start]} {text[end:]}"
    return text


def without_dates_of(text: str, question: str) -> str:
    """The text without the kinds of date the question names ("And on 7 July?" after "What happened on 20 July?" asks
    of its own day, "En in 2005?" of its own year)."""
    if days_in(question):
        text = without_days(text)
    return YEAR.sub(" ", text) if years_in(question) else text


@lru_cache(maxsize=8192)
def numbers_and_days(text: str) -> frozenset[str]:
    """The text's numbers (`numbers_in`), where a day of a month counts as its date ("20/7"), not as the number 20.
    Cached: search and the reader meet the same passages again and again."""
    days = _days(text)
    return frozenset(numbers_in(_without(text, days)) | {day for day, _, _ in days})


def _days(text: str) -> list[tuple[str, int, int]]:
    """Each day of a month in the text ("20 July", "July 20th", "20th of July", "op 20 juli"): ("20/7", start, end)."""
    found: list[tuple[str, int, int]] = []
    for m in _DAY_NUMBER.finditer(text):
        after = _MONTH_AFTER.match(text, m.end())
        before = _MONTH_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if after and after.group(1).lower() in MONTH_NUMBERS:
            month, start, end = after.group(1), m.start(), after.end()
        elif before and before.group(1).lower() in MONTH_NUMBERS:
            month, start, end = before.group(1), before.start(), m.end()
        else:
            continue
        if not found or start >= found[-1][2]:  # "20 May 21" is 20 May
            found.append((f"{int(m.group(1))}/{MONTH_NUMBERS[month.lower()]}", start, end))
    return found
