"""The dates a text names: years, and days of a month in either language ("20 July", "July 20th", "op 20 juli"), so
that a question's date matches an article's and never the same day of another month ("Op 20 maart ..." does not hold
"July 20", though both hold the number 20)."""
from __future__ import annotations

import re

from rag.text import numbers_in

MONTH_NUMBERS = {name: (i % 12) + 1 for i, name in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march april may june july august september october november december".split())}
MONTH = rf"({'|'.join(MONTH_NUMBERS)})"
YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")
_ORDINAL = r"(?:st|nd|rd|th|e|ste|de)?"
_DAY = re.compile(rf"\b(?:(?P<day>[1-9]|[12]\d|3[01]){_ORDINAL}(?:\s+of)?\s+{MONTH}"
                  rf"|{MONTH}\s+(?P<day2>[1-9]|[12]\d|3[01]){_ORDINAL})\b", re.I)


def years_in(text: str) -> set[str]:
    """The years (1800-2099) written in `text`."""
    return set(YEAR.findall(text))


def dates_in(text: str) -> set[str]:
    """The text's years and days of a month ("2005", "20/7")."""
    return years_in(text) | days_in(text)


def days_in(text: str) -> set[str]:
    """The days of a month the text names, each as "day/month" ("20/7")."""
    return set(written_days(text))


def written_days(text: str) -> dict[str, str]:
    """The days of a month the text names ("20/7"), each with the words that name it ("July 20th")."""
    found = {}
    for m in _DAY.finditer(text):
        month = next(g for g in m.groups() if g and g.lower() in MONTH_NUMBERS)
        found[f"{int(m.group('day') or m.group('day2'))}/{MONTH_NUMBERS[month.lower()]}"] = m.group()
    return found


def without_days(text: str) -> str:
    """The text with its days of a month taken out, to read its other words."""
    return _DAY.sub(" ", text)


def numbers_and_days(text: str) -> set[str]:
    """The text's numbers (`numbers_in`), where a day of a month counts as its date ("20/7"), not as the number 20."""
    return numbers_in(without_days(text)) | days_in(text)
