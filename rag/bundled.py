"""Data that llama-index-core ships with it (NLTK's Punkt models, tiktoken's cl100k), used without a download."""
from __future__ import annotations

import importlib.util
from pathlib import Path


def llama_index_static() -> Path | None:
    """llama-index-core's `_static` folder, found without importing the package; None if it is not installed."""
    spec = importlib.util.find_spec("llama_index.core")
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]) / "_static"
    return None
