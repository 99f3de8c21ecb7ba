"""Prompt templates and user-facing messages: the *.txt and messages.toml files beside this one.

Templates use {name} fields. Rendering with a missing or an unused variable is
an error, so a renamed field can never silently send a blank to the model.
"""
from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


class TemplateError(Exception):
    """A template and the variables given to it do not match."""


@lru_cache(maxsize=None)
def template(name: str) -> str:
    """The text of prompts/<name>.txt."""
    path = HERE / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"prompt template {path} is missing; reinstall the package") from None


@lru_cache(maxsize=None)
def _fields(name: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(template(name)) if f)


def render(name: str, **variables: object) -> str:
    """Fill prompts/<name>.txt; every field must be given and every variable used."""
    fields = _fields(name)
    missing, unused = fields - variables.keys(), variables.keys() - fields
    if missing or unused:
        raise TemplateError(f"prompt {name!r}: missing {sorted(missing)}, unused {sorted(unused)}")
    return template(name).format(**variables).strip()


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    return tomllib.loads((HERE / "messages.toml").read_text(encoding="utf-8"))


def spoken_languages() -> tuple[str, ...]:
    """The languages the user-facing texts are written in ("en", "nl")."""
    return tuple(_messages())


def message(key: str, lang: str, **variables: object) -> str:
    """A user-facing text in `lang` (English where there is no translation)."""
    table = _messages()
    text = table.get(lang, table["en"]).get(key) or table["en"][key]
    return text.format(**variables)
