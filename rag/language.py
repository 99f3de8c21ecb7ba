"""The languages the project knows, and language detection for articles and questions (py3langid)."""
from __future__ import annotations

from functools import lru_cache

# The one table of languages: detection chooses among these; a prompt asks for an answer in the
# name; Punkt and Snowball know each by its name in lower case. Restricting detection to them
# keeps short questions from being read as a close relative (Dutch as Afrikaans, English as Scots).
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English", "de": "German", "fr": "French", "es": "Spanish",
                  "it": "Italian", "pt": "Portuguese", "da": "Danish", "sv": "Swedish", "no": "Norwegian",
                  "pl": "Polish"}
LANGUAGES = list(LANGUAGE_NAMES)


def language_name(lang: str, default: str = "English") -> str:
    """"Dutch" for "nl"; `default` for a language not in the table."""
    return LANGUAGE_NAMES.get(lang, default)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    return identifier


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language, `default` for text with no letters."""
    if not any(ch.isalpha() for ch in text):
        return default
    return _identifier().classify(text[:600])[0]  # enough for a reliable guess; the cost grows with the length
