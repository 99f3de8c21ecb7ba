"""Settings, in one place.

Precedence, lowest first: the defaults below, then a TOML config file, then
environment variables, then command-line flags (passed in as overrides).

- Config file: ``$RAG_CONFIG`` if set, else ``./rag.toml`` if present, else
  ``~/.config/rag/config.toml`` if present. Keys are the field names below.
- Environment: ``RAG_<FIELD>`` in upper case (``RAG_INDEX``, ``RAG_MODEL``,
  ``RAG_CHROMA_URL``...); the Ollama URL also from Ollama's own ``OLLAMA_HOST``, the key of an
  OpenAI-compatible server also from ``OPENAI_API_KEY``.

Numeric settings carry their allowed range beside them, and `backend` its choices; a value
outside them is refused with a message naming the setting and what it accepts, wherever it came from.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag.errors import RagError


def default_index() -> Path:
    """The index when none is configured: the user's data folder, whatever the install mode or folder.

    One place, so an index built with a regular install is the one `rag ask` finds after an
    editable install of the same checkout, and the other way round."""
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "rag" / "store"


def _default_cache() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "rag"


@dataclass(frozen=True)
class Range:
    """The values a numeric setting accepts: low to high, `low` itself excluded when `above`."""

    low: float
    high: float
    above: bool = False

    def __contains__(self, value: float) -> bool:
        return (value > self.low if self.above else value >= self.low) and value <= self.high

    def __str__(self) -> str:
        low, high = _number(self.low), _number(self.high)
        return f"more than {low} and at most {high}" if self.above else f"from {low} to {high}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _ranged(default: Any, low: float, high: float, *, above: bool = False) -> Any:
    return field(default=default, metadata={"range": Range(low, high, above)})


def _choice(default: str, *choices: str) -> Any:
    return field(default=default, metadata={"choices": (default, *choices)})


_KB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")  # fits Chroma's collection names
BACKENDS = ("ollama", "openai")  # the model servers: Ollama, or any server speaking the OpenAI API


@dataclass(frozen=True)
class Settings:
    """Every setting of the engine and its three faces; numbers outside their range are refused."""

    index: Path = field(default_factory=default_index)
    chroma_url: str = ""  # empty: embedded Chroma under `index`
    kb: str = "default"  # the knowledge base's name on a Chroma server (several can share one server)
    embedder: str = "use"  # "use" (multilingual USE v3) or "st:NAME_OR_PATH"
    cache_dir: Path = field(default_factory=_default_cache)
    chunk_size: int = _ranged(384, 16, 8192)  # tokens; chosen with benchmarks/tune_retrieval.py (EVALUATION.md)
    chunk_overlap: int = _ranged(48, 0, 8191)  # tokens, and less than chunk_size
    k: int = _ranged(5, 1, 50)  # passages per search or answer (plus the one the reader quotes, if further down)
    backend: str = _choice(*BACKENDS)  # which model server writes the answers (rag/backends.py)
    ollama_host: str = "http://127.0.0.1:11434"
    openai_base_url: str = "http://127.0.0.1:8000/v1"  # vLLM, TGI, llama.cpp's server, LM Studio...
    openai_api_key: str = field(default="", repr=False)  # also from OPENAI_API_KEY
    model: str = "gemma4:e4b"  # the model's name on whichever server answers
    temperature: float = _ranged(0.1, 0, 2)
    think: bool = False  # let a reasoning model think before it answers (slower; the reasoning is never shown)
    num_ctx: int = _ranged(8192, 1024, 1_048_576)  # tokens sent as the model's context window
    timeout: float = _ranged(120.0, 0, 3600, above=True)  # seconds of silence from the model server before giving up
    # seconds to a model reply's first token (a condensed follow-up: the whole reply); at most timeout
    first_token_timeout: float = _ranged(30.0, 0, 3600, above=True)
    write_wait: float = _ranged(600.0, 0, 86400)  # seconds a writer waits for another writer of the same index
    # seconds without a heartbeat after which another writer breaks a server knowledge base's write lock
    lock_stale: float = _ranged(15.0, 1, 3600)
    connect_timeout: float = _ranged(3.0, 0, 300, above=True)
    history_turns: int = _ranged(6, 0, 100)
    host: str = "127.0.0.1"
    port: int = _ranged(7860, 1, 65535)
    username: str = ""
    password: str = field(default="", repr=False)
    login_attempts: int = _ranged(5, 1, 1000)  # failed logins per client within login_window, then refused
    login_window: float = _ranged(60.0, 0, 86400, above=True)  # seconds
    max_upload_mb: int = _ranged(20, 1, 2048)

    def __post_init__(self) -> None:
        for f in fields(self):
            check_setting(f.name, getattr(self, f.name))
        if not _KB_NAME.fullmatch(self.kb):
            raise RagError(f"setting 'kb' must be 1 to 60 letters, digits, '.', '_' or '-', starting with a letter "
                           f"or digit, got {self.kb!r}")
        if self.chunk_overlap >= self.chunk_size:
            raise RagError(f"setting 'chunk_overlap' must be less than chunk_size ({self.chunk_size}), "
                           f"got {self.chunk_overlap}")
        if self.first_token_timeout > self.timeout:
            raise RagError(f"setting 'first_token_timeout' must be at most timeout ({self.timeout:g} s), "
                           f"got {self.first_token_timeout:g}; raise timeout too, or lower first_token_timeout")

    def with_overrides(self, **overrides: Any) -> "Settings":
        """A copy with the given non-None values applied (flags)."""
        known = {f.name for f in fields(self)}
        bad = set(overrides) - known
        if bad:
            raise RagError(f"unknown setting(s): {', '.join(sorted(bad))}")
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items() if v is not None})


def check_setting(name: str, value: Any) -> Any:
    """`value` if it is in the range of setting `name`; else a RagError naming the setting and its range."""
    allowed = _FIELDS[name].metadata.get("range")
    if allowed is not None and not (isinstance(value, (int, float)) and value in allowed):
        raise RagError(f"setting {name!r} must be {allowed}, got {value!r}")
    choices = _FIELDS[name].metadata.get("choices")
    if choices is not None and value not in choices:
        raise RagError(f"setting {name!r} must be one of {', '.join(choices)}, got {value!r}")
    return value


_FIELDS = {f.name: f for f in fields(Settings)}
_DEFAULTS = Settings()


def _coerce(name: str, value: Any) -> Any:
    default = getattr(_DEFAULTS, name)
    try:
        if isinstance(default, Path):
            return Path(value).expanduser()
        if isinstance(default, bool):
            return str(value).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise RagError(f"setting {name!r} wants {kind}, got {value!r}") from None
    return str(value)


def config_file() -> Path | None:
    """The config file in force, if any."""
    if os.environ.get("RAG_CONFIG"):
        return Path(os.environ["RAG_CONFIG"]).expanduser()
    for candidate in (Path("rag.toml"), Path.home() / ".config" / "rag" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then the config file, then the environment, then `overrides`."""
    values: dict[str, Any] = {}
    path = config_file()
    if path is not None:
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise RagError(f"config file {path} (from RAG_CONFIG) does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise RagError(f"config file {path} is not valid TOML: {exc}") from None
    if os.environ.get("OLLAMA_HOST"):
        values["ollama_host"] = os.environ["OLLAMA_HOST"]
    if os.environ.get("OPENAI_API_KEY"):  # the OpenAI client's own variable; RAG_OPENAI_API_KEY wins
        values["openai_api_key"] = os.environ["OPENAI_API_KEY"]
    for name in _FIELDS:
        env = os.environ.get(f"RAG_{name.upper()}")
        if env not in (None, ""):
            values[name] = env
    settings = Settings().with_overrides(**values).with_overrides(**overrides)
    return replace(settings, ollama_host=normalize_ollama_host(settings.ollama_host),
                   openai_base_url=settings.openai_base_url.strip().rstrip("/"))


def normalize_ollama_host(host: str) -> str:
    """OLLAMA_HOST may be "host", "host:port" or a full URL, as Ollama accepts."""
    host = host.strip().rstrip("/")
    if "://" not in host:
        host = "http://" + host
    scheme, rest = host.split("://", 1)
    if ":" not in rest.split("/")[0]:
        rest = rest.replace("/", ":11434/", 1) if "/" in rest else rest + ":11434"
    return f"{scheme}://{rest}"
