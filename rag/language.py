"""The languages the project knows, and language detection for articles and questions (py3langid)."""
from __future__ import annotations

import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

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
    """py3langid's identifier for LANGUAGES. Building it decompresses the packaged model, about 0.6 s of every start,
    so it is kept, built, in the cache folder after the first start (as the encoder's weights are) and loaded from there
    in about 0.1 s; rebuilt when the cache is missing, unreadable or another version's."""
    path = _cache_path()
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # no cache yet, or written by another version
        pass
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    try:
        _save(identifier, path)
    except OSError:
        pass  # a read-only cache folder only costs start-up time
    return identifier


def _cache_path() -> Path:
    import py3langid

    from rag.config import Settings, load_settings

    try:
        folder = load_settings().cache_dir
    except Exception:  # an invalid configuration is reported by the command itself
        folder = Settings().cache_dir
    return folder / f"py3langid-{py3langid.__version__}-{'-'.join(LANGUAGES)}.pickle"


def _save(identifier, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(identifier, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a half-written cache is never read
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language, `default` for text with no letters."""
    if not any(ch.isalpha() for ch in text):
        return default
    return _identifier().classify(text[:600])[0]  # enough for a reliable guess; the cost grows with the length
