"""Language detection for articles and questions (py3langid, loaded once)."""
from __future__ import annotations

from functools import lru_cache

# Restricting the candidates keeps short questions from being read as a close
# relative (Dutch as Afrikaans or Frisian, English as Scots).
LANGUAGES = ["nl", "en", "de", "fr", "es", "it", "pt", "da", "sv", "no", "pl"]


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
