"""Shared fixtures: every test runs against its own folders, nothing reaches a hub or the internet."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "index" / "articles"
QUESTIONS = ROOT / "index" / "questions.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE = "Which countries did not sign the 2008 treaty?"
RAG_BIN = Path(sys.executable).with_name("rag")

# Set before anything imports chromadb, gradio or huggingface_hub.
os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                   "GRADIO_ANALYTICS_ENABLED": "False", "OLLAMA_HOST": "http://127.0.0.1:9"})


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One embedder cache for the session (the first use builds it)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path, cache_dir):
    """No config file, index or cache of the user's is read or written."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("RAG_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("RAG_CONFIG", str(home / "absent.toml"))
    for name in [n for n in os.environ if n.startswith("RAG_") and n not in ("RAG_CACHE_DIR", "RAG_CONFIG")]:
        monkeypatch.delenv(name)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # a key or server of the user's
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (home / "absent.toml").write_text("")


@pytest.fixture(scope="session")
def use_embedder(cache_dir):
    """The default embedder, loaded once for the session."""
    from rag.embedders.use import USEEmbedder

    return USEEmbedder(cache_dir)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, cache_dir, use_embedder) -> Path:
    """The bundled sample articles, ingested once; tests must not change it."""
    from rag.config import Settings
    from rag.ingest import Ingester
    from rag.knowledge_base import KnowledgeBase

    folder = tmp_path_factory.mktemp("sample-index")
    kb = KnowledgeBase(Settings(index=folder, cache_dir=cache_dir), create=True, embedder=use_embedder)
    report = Ingester(kb).run([ARTICLES])
    kb.close()
    assert report.failed == 0, report.errors
    return folder


@pytest.fixture
def sample_rag(sample_index, use_embedder):
    """A RAG engine over the shared sample index, with the session's embedder."""
    from rag.engine import RAG

    engine = RAG(sample_index, encoder=use_embedder)
    yield engine
    engine.close()


@pytest.fixture
def copy_articles(tmp_path) -> Path:
    """A writable copy of the sample articles."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


def run_rag(*args: str, env: dict | None = None, timeout: float = 120, input: str | None = None):
    """Run the installed `rag` command the way a user does; returns the CompletedProcess."""
    return subprocess.run([str(RAG_BIN), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, input=input)
