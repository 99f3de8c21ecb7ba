"""The faces' words in Dutch and English (the web chat's, and the command line's around an answer); an answer's
labels follow the question's language."""
from __future__ import annotations

LABELS = {
    "en": {"sources_for": "Sources for", "no_sources": "No sources cited.", "copy": "Copy",
           "copied": "Copied", "unsupported": "may not support what cites it", "full": "Whole passage",
           "sources": "Sources", "no_date": "no date",
           "hint": "The passages an answer cites appear here; click [n] in an answer."},
    "nl": {"sources_for": "Bronnen bij", "no_sources": "Geen bronnen aangehaald.", "copy": "Kopieer",
           "copied": "Gekopieerd", "unsupported": "ondersteunt mogelijk niet wat ernaar verwijst",
           "full": "Hele passage", "sources": "Bronnen", "no_date": "geen datum",
           "hint": "De passages die een antwoord aanhaalt, staan hier; klik op [n] in een antwoord."},
}


def label(key: str, lang: str) -> str:
    """The label in `lang`, English for any other language."""
    return LABELS.get(lang, LABELS["en"])[key]
