"""Articles as the loaders make them: the Article and LoadError types, the limits on what one
article may cost, and the text clean-up every article goes through."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rag.language import detect_language

MAX_TEXT_CHARS = 5_000_000
MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS  # room for MAX_TEXT_CHARS of any text in JSON
HTML_CHARS = 4 * MAX_TEXT_CHARS  # markup takes room too
BLOCK = 1 << 20
_LINE_BREAKS = re.compile("\r\n?|[\x0c\u2028\u2029]")  # \x0c: a page break in text taken from a PDF
# C0/C1 controls but \t and \n, bidirectional overrides, stray byte-order marks, lone surrogates (JSON can hold them)
_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\ud800-\udfff]")


@dataclass
class Article:
    """One article as read from its source, before chunking."""

    id: str
    identity: str  # url if known, else the file path (with #line for JSON Lines without url)
    title: str
    date: str
    lang: str
    source: str
    text: str
    cut: bool = False  # the text was cut at MAX_TEXT_CHARS

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join((self.title, self.date, self.source, self.text))
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()


@dataclass
class LoadError:
    """A file (or one line of it) that could not be read, and why."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class BadField(ValueError):
    """A metadata field with a value of the wrong type or form."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def article_id(identity: str) -> str:
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]


# ANSI control and "set title" sequences (colours, cursor moves...), so no "[31m" is left when the escape goes
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]{0,1000}(?:\x07|\x1b\\))")


def clean_text(text: str) -> str:
    """Line breaks as \\n; terminal escape sequences, control characters (but \\t and \\n), bidirectional
    overrides, stray BOMs and lone surrogates removed."""
    return _JUNK.sub("", _LINE_BREAKS.sub("\n", _ESCAPE_SEQUENCE.sub("", text)))


def make_article(path: Path, identity: str, title: str, date: str, source: str, text: str,
                 lang: str | None = None, cut: bool = False) -> Article | LoadError:
    text = clean_text(text)
    title = " ".join(clean_text(title).split())
    if title:
        text = _drop_repeated_title(title, text)
    else:  # a headline on the first line, which the text may then repeat as its first sentence
        first, _, rest = text.strip().partition("\n")
        headline = first.strip()
        unrepeated = _drop_repeated_title(headline, rest) if headline and rest else rest
        if unrepeated != rest:
            text = f"{first}\n\n{unrepeated}"
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        end = text.rfind(" ", MAX_TEXT_CHARS - 1000, MAX_TEXT_CHARS)
        text, cut = text[:end if end > 0 else MAX_TEXT_CHARS].rstrip(), True
    if len(text) < 20:
        return LoadError(str(path), "no article text found")
    return Article(id=article_id(identity), identity=identity, title=title or _derive_title(text),
                   date=date, lang=lang or detect_language(text), source=source, text=text, cut=cut)


def _derive_title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text[:2000], maxsplit=1)[0].strip()
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def _drop_repeated_title(title: str, text: str) -> str:
    """The text without a first line (or first sentence) that only repeats the title."""
    pattern = r"\s*" + r"\s+".join(re.escape(word) for word in title.split())
    start = re.match(pattern, text[:len(title) * 2 + 100], re.IGNORECASE)
    if not start:
        return text
    rest = text[start.end():]
    # the title on a line of its own, or as a whole first sentence
    end = re.match(r"\s" if title[-1] in ".!?" else r"[ \t]*[.:!?]?[ \t]*\n|[.!?]\s", rest)
    return rest[end.end():] if end and rest.strip() else text
