"""Settings, in one place.

Precedence, lowest first: the defaults below, then a TOML config file, then
environment variables, then command-line flags (passed in as overrides).

- Config file: ``$RAG_CONFIG`` if set, else ``./rag.toml`` if present, else
  ``~/.config/rag/config.toml`` if present. Keys are the field names below.
- Environment: ``RAG_<FIELD>`` in upper case (``RAG_INDEX``, ``RAG_MODEL``,
  ``RAG_CHROMA_URL``...); the Ollama URL also from Ollama's own ``OLLAMA_HOST``.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag.errors import RagError

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent


def _default_index() -> Path:
    # In a source checkout the knowledge base lives beside the code (index/store);
    # an installed wheel keeps it in the user's data folder.
    if (_CHECKOUT / "index" / "articles").is_dir():
        return _CHECKOUT / "index" / "store"
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "rag" / "store"


def _default_cache() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "rag"


@dataclass(frozen=True)
class Settings:
    """Every setting of the engine and its three faces."""

    index: Path = field(default_factory=_default_index)
    chroma_url: str = ""  # empty: embedded Chroma under `index`
    embedder: str = "use"  # "use" (multilingual USE v3) or "st:NAME_OR_PATH"
    cache_dir: Path = field(default_factory=_default_cache)
    chunk_size: int = 384  # tokens; chosen with benchmarks/tune_retrieval.py (README)
    chunk_overlap: int = 48
    k: int = 5
    ollama_host: str = "http://127.0.0.1:11434"
    model: str = "qwen2.5:7b"
    temperature: float = 0.1
    num_ctx: int = 8192
    timeout: float = 120.0  # seconds without a byte from Ollama before giving up
    connect_timeout: float = 3.0
    history_turns: int = 6
    min_score: float = 0.25  # retrieval score below which a passage is not relevant (README: calibration)
    host: str = "127.0.0.1"
    port: int = 7860
    username: str = ""
    password: str = ""
    max_upload_mb: int = 20

    def with_overrides(self, **overrides: Any) -> "Settings":
        """A copy with the given non-None values applied (flags)."""
        known = {f.name for f in fields(self)}
        bad = set(overrides) - known
        if bad:
            raise RagError(f"unknown setting(s): {', '.join(sorted(bad))}")
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items() if v is not None})


_TYPES = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    default = getattr(Settings(), name)
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
        raise RagError(f"setting {name!r} wants a {type(default).__name__}, got {value!r}") from None
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
    for name in _TYPES:
        env = os.environ.get(f"RAG_{name.upper()}")
        if env not in (None, ""):
            values[name] = env
    settings = Settings().with_overrides(**values).with_overrides(**overrides)
    return replace(settings, ollama_host=normalize_ollama_host(settings.ollama_host))


def normalize_ollama_host(host: str) -> str:
    """OLLAMA_HOST may be "host", "host:port" or a full URL, as Ollama accepts."""
    host = host.strip().rstrip("/")
    if "://" not in host:
        host = "http://" + host
    scheme, rest = host.split("://", 1)
    if ":" not in rest.split("/")[0]:
        rest = rest.replace("/", ":11434/", 1) if "/" in rest else rest + ":11434"
    return f"{scheme}://{rest}"
