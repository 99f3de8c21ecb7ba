"""Article metadata from YAML front matter and JSON records: title, date, url and lang, checked."""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from rag.loaders.articles import BadField, LoadError, clean_text

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_LANG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def front_matter(path: Path, text: str) -> tuple[dict[str, str], str] | LoadError:
    """The YAML front matter's fields and the text after it; ({}, text) if there is none."""
    if not text.startswith("---\n"):
        return {}, text
    end = _FRONT_MATTER_END.search(text, 4, 65536)
    if end is None:
        return {}, text
    import yaml

    block = text[4:end.start()]
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return LoadError(str(path), f"invalid YAML front matter: {problem}; fix it (quoting the value often helps)",
                         line=mark.line + 2 if mark else None)
    except Exception as exc:  # e.g. a date that does not exist, 2023-02-30
        return LoadError(str(path), f"invalid YAML front matter: {exc}; fix the value", line=2)
    if loaded is None:
        return {}, text[end.end():]
    if not isinstance(loaded, dict):
        return LoadError(str(path), f"the YAML front matter is {describe(loaded)}, not fields; write it as lines "
                         "such as 'title: ...' and 'date: 2023-07-17'", line=2)
    try:
        return record_fields(loaded), text[end.end():]
    except BadField as exc:
        return LoadError(str(path), f"front matter {exc}", line=_field_line(block, exc.name))


def _field_line(block: str, name: str) -> int | None:
    found = re.search(rf"^{name}\s*:", block, re.MULTILINE)
    return block.count("\n", 0, found.start()) + 2 if found else None


def record_fields(record: dict) -> dict[str, str]:
    """title, date, url and lang of a front matter or JSON record, as clean strings.

    Raises BadField for a field of the wrong type; a number (or date) as title is taken as text."""
    meta = {}
    for name, read in (("title", _title), ("date", _date), ("url", _url), ("lang", _lang)):
        value = record.get(name)
        if value is not None and value != "":
            meta[name] = read(name, value)
    return meta


def _title(name: str, value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    raise BadField(f'field "{name}" must be text, not {describe(value)}; put the text in quotes', name)


def _date(name: str, value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        return clean_date(value)
    raise BadField(f'field "{name}" must be a date such as "2023-07" or "2023-07-17", not {describe(value)}', name)


def _url(name: str, value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value).strip()
    raise BadField(f'field "{name}" must be a web address, not {describe(value)}', name)


def _lang(name: str, value: Any) -> str:
    code = _LANG.fullmatch(value.strip()) if isinstance(value, str) else None
    if code:
        return code.group(1).lower()
    raise BadField(f'field "{name}" must be a language code such as "nl" or "en", not {describe(value)}; '
                   "fix it, or leave it out to have the language detected", name)


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def clean_date(value: str) -> str:
    value = value.strip()[:10]
    return value if _DATE.match(value) else ""
