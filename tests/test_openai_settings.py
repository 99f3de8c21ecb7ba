"""The model backend's settings: the choice of server, its URL and key, and what each choice imports."""
from __future__ import annotations

import subprocess
import sys

import pytest

from rag.config import Settings, load_settings
from rag.errors import RagError


@pytest.fixture(autouse=True)
def no_user_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a key of the user's must not reach the tests


def test_backend_settings_are_checked_and_the_key_never_shown(monkeypatch):
    with pytest.raises(RagError, match="setting 'backend' must be one of ollama, openai, got 'vllm'"):
        Settings(backend="vllm")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-openai-variable")
    settings = load_settings()
    assert settings.backend == "ollama" and settings.openai_api_key == "sk-from-the-openai-variable"
    assert "sk-from" not in repr(settings) and "openai_base_url='http://127.0.0.1:8000/v1'" in repr(settings)
    monkeypatch.setenv("RAG_OPENAI_API_KEY", "sk-rag")
    monkeypatch.setenv("RAG_BACKEND", "openai")
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", "http://gpu-box:8000/v1/")
    settings = load_settings()
    assert (settings.backend, settings.openai_api_key, settings.openai_base_url) == \
        ("openai", "sk-rag", "http://gpu-box:8000/v1")
    monkeypatch.setenv("RAG_BACKEND", "OpenAI")
    with pytest.raises(RagError, match="setting 'backend' must be one of ollama, openai, got 'OpenAI'"):
        load_settings()


@pytest.mark.parametrize("backend", ["ollama", "openai"])
def test_only_the_configured_backend_client_is_imported(backend):
    code = ("import sys; from rag.config import Settings; from rag.engine import RAG; "
            f"RAG('unused', settings=Settings(backend={backend!r})).llm; "
            "print(sorted(m for m in ('ollama', 'openai') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == repr([backend])
