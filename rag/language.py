"""The languages the project knows, and language detection for articles, questions and answers (py3langid)."""
from __future__ import annotations

import json
import math
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
    so its arrays for these languages are kept in the cache folder after the first start (as the encoder's weights
    are) and memory-mapped from there, in milliseconds; rebuilt when the cache is missing, unreadable or another
    version's."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    path = _cache_path()
    try:
        return _load(LanguageIdentifier, path)
    except Exception:  # no cache yet, or written by another version
        pass
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
    return folder / f"py3langid-{py3langid.__version__}-{'-'.join(LANGUAGES)}"


# what the identifier is made of (the arguments of its constructor), and its labels in classes.json
_ARRAYS = ("nb_ptc", "nb_pc", "tk_nextmove", "tk_output", "tk_row")


def _save(identifier, path: Path) -> None:
    import numpy as np

    from rag.cache_folder import write_folder

    def fill(folder: Path) -> None:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", np.asarray(getattr(identifier, name)), allow_pickle=False)
        (folder / "classes.json").write_text(json.dumps(list(identifier.nb_classes)))

    write_folder(path, fill)
    for old in path.parent.glob("py3langid-*.pickle"):  # the identifier as earlier versions kept it, 71 MB
        old.unlink(missing_ok=True)


def _load(cls, path: Path):
    import numpy as np

    arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    classes = json.loads((path / "classes.json").read_text())
    return cls(arrays["nb_ptc"], arrays["nb_pc"], classes, arrays["tk_nextmove"], arrays["tk_output"],
               tk_row=arrays["tk_row"].tolist())


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language, `default` for text with no letters."""
    if not any(ch.isalpha() for ch in text):
        return default
    return _identifier().classify(text[:600])[0]  # enough for a reliable guess; the cost grows with the length


# A question is short, and its names sway a guess among eleven languages: "Who is Jens Stoltenberg?" reads as German,
# "Wie is Dmitri Peskov?" as English. So a short text is read without its capitalised words after the first, and
# another language than those the answers are written in (prompts/messages.toml) must be more likely by this margin,
# in log-probability. Without names, "Wer ist" is German by 7 and a German or French question of a few words by 80 or
# more; "Wie is" would be German by 0.3, and "Who is Hanna Maliar?" with its names Italian by 1.
SPOKEN_MARGIN = 5.0
# Between the languages the answers are written in, a question's opening word, where it belongs to one of them only,
# tells more than the rest: "Wat is clustermunitie?" reads as English by its "cluster".
_OPENERS = {
    "nl": frozenset("wat wie waar wanneer waarom hoe hoeveel welk welke heeft hebben kan kunnen moet moeten zal zullen "
                    "zijn wordt worden werd werden klopt en maar".split()),  # "En Duitsland?"
    "en": frozenset("what who whom whose where when why how which did does do has have was were will would can could "
                    "should are and but".split()),
}


def short_text_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of a question's or an answer's language; `default` for text with no letters."""
    from rag.prompts import spoken_languages

    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]  # "🙂 wie is Rutte": "wie" opens it
    rest = [w for w in words[1:] if not w[:1].isupper()]
    plain = " ".join(words[:1] + rest)
    if not any(ch.isalpha() for ch in plain):
        return default
    scores = {lang: float(score) for lang, score in _identifier().rank(plain[:600])}
    best = max(scores, key=scores.__getitem__)
    spoken = max(spoken_languages(), key=lambda lang: scores.get(lang, -math.inf))
    # one word, or names alone ("Wanneer?", "Jens Stoltenberg?"), tell no other language
    margin = SPOKEN_MARGIN if rest else math.inf
    if best != spoken and scores[best] - scores.get(spoken, -math.inf) >= margin:
        return best
    opening = words[0].strip("¿¡\"'“‘(").rstrip("?!.,:;").lower()
    said = [lang for lang in spoken_languages() if opening in _OPENERS.get(lang, ())]
    return said[0] if len(said) == 1 else spoken
