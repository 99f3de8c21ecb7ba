"""What must come out the same whichever kind of model server answers: each test here runs once over the
Ollama backend (tests/ollama_server.py) and once over the OpenAI-compatible one (tests/openai_server.py),
with the engine each backend's own tests use (tests/test_answering.py, tests/test_openai_backend.py)."""
from __future__ import annotations

import pytest

from conftest import EXAMPLE
from ollama_server import OllamaTestServer
from openai_server import OpenAITestServer
from rag.engine import RAG
from test_answering import MODEL as OLLAMA_MODEL, NL_EXAMPLE
from test_openai_backend import MODEL as OPENAI_MODEL, OTHER, openai_settings


@pytest.fixture(params=["ollama", "openai"])
def server(request, monkeypatch):
    """A scripted test server of the backend's kind, started for the test."""
    if request.param == "ollama":
        stub = OllamaTestServer(models=(OLLAMA_MODEL,))
    else:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a key of the user's must not reach the tests
        stub = OpenAITestServer(models=(OPENAI_MODEL, OTHER))
    with stub:
        yield stub


@pytest.fixture
def engine(sample_index, use_embedder, server):
    """A RAG engine that answers through `server`."""
    if isinstance(server, OllamaTestServer):
        e = RAG(sample_index, encoder=use_embedder, ollama_host=server.url, model=OLLAMA_MODEL, timeout=2.0,
                first_token_timeout=1.0)
    else:
        e = RAG(sample_index, settings=openai_settings(server.url), encoder=use_embedder)
    with e:
        yield e


@pytest.mark.parametrize("reply", ["", "  \n  "])
def test_an_empty_reply_gets_a_warning_and_the_extractive_answer(engine, server, reply):
    server.reply(reply)
    answer = engine.ask(EXAMPLE)
    assert answer.mode == "extractive" and answer.citations and answer.text.startswith("Extractive answer")
    assert any("the model returned an empty answer" in w for w in answer.warnings), answer.warnings
    server.reply("")
    dutch = engine.ask(NL_EXAMPLE)
    assert dutch.mode == "extractive" and any("het model gaf een leeg antwoord" in w for w in dutch.warnings)
