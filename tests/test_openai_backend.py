"""Answers through an OpenAI-compatible server: the real `openai` client over HTTP to tests/openai_server.py,
from the command line, the Python API and the web chat, with the failures a user can meet."""
from __future__ import annotations

import json
import re
import shlex
import time
import tomllib

import pytest

from conftest import EXAMPLE, ROOT, run_rag
from openai_server import MID_STREAM_ERROR, OpenAITestServer
from processes import free_port
from rag.answering import ANSWER_TOKENS
from rag.config import Settings, load_settings
from rag.engine import RAG
from rag.llm import CHARS_PER_TOKEN

MODEL = "Qwen/Qwen2.5-7B-Instruct"
OTHER = "other-model"
KEY = "sk-test-key"
NL_EXAMPLE = "Welke landen hebben het verdrag van 2008 niet ondertekend?"
ANSWER = "The United States, Russia and Ukraine did not sign the treaty [1]."


@pytest.fixture(autouse=True)
def no_user_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a key of the user's must not reach the tests


@pytest.fixture
def server():
    with OpenAITestServer(models=(MODEL, OTHER)) as s:
        yield s


def openai_settings(url: str, **overrides) -> Settings:
    values = {"backend": "openai", "openai_base_url": url, "model": MODEL, "timeout": 5, "first_token_timeout": 1}
    return Settings(**{**values, **overrides})


@pytest.fixture
def engine(sample_index, use_embedder, server):
    with RAG(sample_index, settings=openai_settings(server.url), encoder=use_embedder) as e:
        yield e


def answer_requests(server) -> list[dict]:
    return [b for m, p, b in server.requests if p == "/v1/chat/completions" and b and b.get("stream")]


def passage_blocks(body: dict) -> dict[int, str]:
    """The numbered passages of the prompt the model saw: {n: block}."""
    parts = re.split(r"^\[(\d+)\] ", body["messages"][-1]["content"], flags=re.M)
    return {int(n): block for n, block in zip(parts[1::2], parts[2::2])}


def wait_for_hangup(server, deadline: float = 5.0) -> int:
    end = time.monotonic() + deadline
    while server.hangups == 0 and time.monotonic() < end:
        time.sleep(0.02)
    return server.hangups


def readme_example() -> tuple[str, dict[str, str], list[str]]:
    """README.md's "Other model servers" example: its rag.toml, its environment, its `rag ask` arguments."""
    section = (ROOT / "README.md").read_text("utf-8").split("\n## Other model servers\n", 1)[1].split("\n## ", 1)[0]
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    bash = [line for block in re.findall(r"```bash\n(.*?)```", section, re.S) for line in block.splitlines()]
    export = next(line for line in bash if line.startswith("export "))
    ask = next(line for line in bash if re.match(r"(\.venv/bin/)?rag ask ", line))
    return toml, dict(word.split("=", 1) for word in shlex.split(export)[1:]), shlex.split(ask, comments=True)[1:]


# ---- the command line, configured as README.md says

def test_the_readme_example_streams_a_cited_answer_from_the_configured_server(sample_index, tmp_path):
    toml, _, ask = readme_example()
    default = "http://127.0.0.1:8000/v1"
    assert f'openai_base_url = "{default}"' in toml and ask[0] == "ask"
    model = tomllib.loads(toml)["model"]
    with OpenAITestServer(models=(model,)) as server:
        config = tmp_path / "rag.toml"
        config.write_text(toml.replace(default, server.url), encoding="utf-8")
        server.reply("The United States, Russia and Ukraine did not sign the treaty [2].", chunk_size=5)
        result = run_rag(*ask, "--index", str(sample_index), env={"RAG_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("\nSources:\n")
    assert answer.strip() == ANSWER and sources.startswith("[1] ") and '"' in sources
    body = answer_requests(server)[-1]
    assert body["model"] == model and body["max_tokens"] == ANSWER_TOKENS
    assert body["stream_options"] == {"include_usage": True} and body["temperature"] == Settings().temperature


def test_ask_json_with_the_backend_from_the_readme_environment(sample_index):
    _, env, _ = readme_example()
    assert env["RAG_BACKEND"] == "openai"
    with OpenAITestServer(models=(env["RAG_MODEL"],)) as server:
        server.reply("Rusland, Oekraïne en de Verenigde Staten hebben het verdrag niet ondertekend [3][1].")
        result = run_rag("ask", NL_EXAMPLE, "--json", "--index", str(sample_index),
                         env={**env, "RAG_OPENAI_BASE_URL": server.url})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["mode"], data["language"]) == ("llm", "nl")
    assert data["answer"] == "Rusland, Oekraïne en de Verenigde Staten hebben het verdrag niet ondertekend [1][2]."
    given = passage_blocks(answer_requests(server)[-1])
    assert [c["n"] for c in data["citations"]] == [1, 2]
    assert data["citations"][0]["text"] in given[3] and data["citations"][1]["text"] in given[1]


def test_doctor_names_the_openai_compatible_server_and_the_model(sample_index, server):
    result = run_rag("doctor", "--index", str(sample_index), "--backend", "openai", "--openai-base-url", server.url,
                     "--model", MODEL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"^ok +openai +OpenAI-compatible server at {re.escape(server.url)} answers; models: "
                     rf"{re.escape(MODEL)}, {OTHER}$", result.stdout, flags=re.M), result.stdout
    assert re.search(rf"^ok +model +{re.escape(MODEL)} is available", result.stdout, flags=re.M)


def test_doctor_says_what_to_fix(sample_index, use_embedder, server):
    down = f"http://127.0.0.1:{free_port()}/v1"
    with RAG(sample_index, settings=openai_settings(down), encoder=use_embedder) as engine:
        unreachable = {c.name: c for c in engine.doctor()}
    with RAG(sample_index, settings=openai_settings(server.url, model="gone"), encoder=use_embedder) as engine:
        missing = {c.name: c for c in engine.doctor()}
    assert not unreachable["openai"].ok and "model" not in unreachable
    assert f"cannot reach the OpenAI-compatible server at {down}" in unreachable["openai"].detail
    assert "openai_base_url" in unreachable["openai"].detail
    assert missing["openai"].ok and not missing["model"].ok
    assert f"model 'gone' is not served by the OpenAI-compatible server at {server.url} (it serves {MODEL}, " \
           f"{OTHER})" in missing["model"].detail


# ---- the Python API and the web chat

def test_python_api_streams_the_answer_piece_by_piece(engine, server):
    server.reply("Rusland, Oekraïne en de Verenigde Staten tekenden het verdrag niet [2]. Nederland wel [2][1].",
                 chunk_size=2, delay=0.005)
    stream = engine.stream(NL_EXAMPLE)
    pieces = list(stream)
    answer = stream.answer
    assert len(pieces) > 10 and answer.mode == "llm"
    assert "".join(pieces).strip() == answer.text == \
        "Rusland, Oekraïne en de Verenigde Staten tekenden het verdrag niet [1]. Nederland wel [1][2]."
    assert [c.n for c in answer.citations] == [1, 2]


def test_a_follow_up_is_condensed_through_a_whole_reply(engine, server):
    chat = engine.chat()
    server.reply(ANSWER)
    chat.ask(EXAMPLE)
    server.reply("Which countries did sign the 2008 Convention on Cluster Munitions?", reasoning="first I ponder")
    server.reply("More than 120 countries signed the convention, the Netherlands among them [1].")
    second = chat.ask("And who signed it?")
    condense = [b for m, p, b in server.requests if p == "/v1/chat/completions" and not b.get("stream")][-1]
    assert "And who signed it?" in condense["messages"][-1]["content"] and condense["max_tokens"] > 0
    asked = answer_requests(server)[-1]["messages"][-1]["content"]
    assert "Which countries did sign the 2008 Convention" in asked and "ponder" not in asked
    assert second.mode == "llm" and second.text.startswith("More than 120 countries signed")


def test_not_in_the_articles_is_said_plainly(engine, server):
    server.reply("NOT_IN_ARTICLES")
    answer = engine.ask("Wie voerde het bevel bij Koepjansk?")  # near enough to the articles to ask the model
    assert answer.text.startswith("De artikelen bevatten het antwoord op deze vraag niet.") and answer.citations == []
    assert len(answer_requests(server)) == 1


def test_an_off_topic_question_is_not_sent_to_the_model(engine, server):
    answer = engine.ask("How do I bake an apple pie?")
    assert answer.text.startswith("The articles don't contain the answer to this question.")
    # nor one about the articles' subject whose fact they lack: no sentence counts soldiers at Kupiansk
    near = engine.ask("Hoeveel soldaten vochten bij Koepjansk?")
    assert near.text.startswith("De artikelen bevatten het antwoord op deze vraag niet.") and near.citations == []
    assert answer_requests(server) == []


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_sent_apart_never_shows(engine, server, field):
    server.reply(ANSWER, reasoning="Let me think. Passage [2] says NOT_IN_ARTICLES, hmm.", reasoning_field=field)
    stream = engine.stream(EXAMPLE)
    shown = "".join(stream)
    assert stream.answer.text == ANSWER and shown.strip() == ANSWER
    assert [c.n for c in stream.answer.citations] == [1] and stream.answer.mode == "llm"


def test_web_chat_answers_through_the_openai_backend(sample_index, use_embedder, server):
    from rag.ui.handlers import ChatApp
    from test_ui import ask, running

    engine = RAG(sample_index, settings=openai_settings(server.url), encoder=use_embedder)
    server.reply("The United States, Russia and Ukraine stayed out of the convention [1].", chunk_size=3, delay=0.01)
    with running(engine) as url:
        updates, final = ask(url, EXAMPLE)
    assert ChatApp(engine).llm_banner() == "" and engine.models() == [MODEL, OTHER]  # no banner; the model list
    engine.close()
    partial = [u["answer"] for u in updates if set(u) == {"answer"}]
    assert len(partial) > 3 and all(final["answer"].startswith(p) for p in partial)
    assert final["answer"] == "The United States, Russia and Ukraine stayed out of the convention [1]."
    assert final["mode"] == "llm" and final["citations"][0]["article"]["title"]
    down = f"http://127.0.0.1:{free_port()}/v1"
    with RAG(sample_index, settings=openai_settings(down), encoder=use_embedder) as unreachable:
        banner = ChatApp(unreachable).llm_banner()
    assert f"cannot reach the OpenAI-compatible server at {down}" in banner and "extractive" in banner


# ---- what goes wrong: a clear message, and the extractive answer

FAILURES = {  # server options, settings, scripted reply, what the warning says ({url}: the server's)
    "no key": ({"api_key": KEY}, {}, None,
               ["{url} refused the request without an API key (401: ", "RAG_OPENAI_API_KEY or OPENAI_API_KEY"]),
    "wrong key": ({"api_key": KEY}, {"openai_api_key": "sk-wrong"}, None,
                  ["refused the request with the configured API key (401: Incorrect API key provided.)"]),
    "model not served": ({}, {"model": "llama3.1:8b"}, None,
                         [f"model 'llama3.1:8b' is not served by the OpenAI-compatible server at {{url}} "
                          f"(it serves {MODEL}, {OTHER}); set model"]),
    "rate limited": ({}, {}, {"error": "Rate limit reached", "status": 429},
                     ["{url} is rate limiting requests (429: Rate limit reached); try again later"]),
    "server error": ({}, {}, {"error": "CUDA out of memory", "status": 500},
                     ["{url} reported an error (500): CUDA out of memory"]),
    "broken stream": ({}, {}, {"drop_after": 3}, ["the connection to the OpenAI-compatible server at {url} broke off"]),
    "error event": ({}, {}, {"error_after": 3}, [f"{{url}} reported an error: {MID_STREAM_ERROR}"]),
    "unreadable event": ({}, {}, {"malformed_after": 3}, ["{url} sent an unreadable reply"]),
    "stall": ({}, {}, {"stall_after": 0}, ["{url} wrote no answer within 1 s", "first_token_timeout"]),
    "stall before headers": ({}, {}, {"stall_after": 0, "hold_headers": True}, ["{url} wrote no answer within 1 s"]),
}


@pytest.mark.parametrize("case", FAILURES)
def test_each_failure_gives_a_clear_message_and_the_extractive_answer(sample_index, use_embedder, case):
    options, overrides, script, expected = FAILURES[case]
    with OpenAITestServer(models=(MODEL, OTHER), **options) as server:
        if script is not None:
            server.reply("The United States, Russia and Ukraine did not sign the treaty [1].", **script)
        with RAG(sample_index, settings=openai_settings(server.url, **overrides), encoder=use_embedder) as engine:
            answer = engine.ask(EXAMPLE)
        hangups = wait_for_hangup(server) if case.startswith("stall") else 0
    assert answer.mode == "extractive" and answer.citations and answer.text.startswith("Extractive answer")
    for part in expected:
        assert any(part.format(url=server.url) in w for w in answer.warnings), answer.warnings
    assert hangups == (1 if case.startswith("stall") else 0)  # a stalled call is hung up, not left open


def test_an_unreachable_server_is_named_with_the_fix(sample_index, use_embedder):
    down = f"http://127.0.0.1:{free_port()}/v1"
    with RAG(sample_index, settings=openai_settings(down), encoder=use_embedder) as engine:
        answer = engine.ask(EXAMPLE)
    assert answer.mode == "extractive" and answer.citations
    assert any(f"cannot reach the OpenAI-compatible server at {down}" in w and "openai_base_url" in w
               for w in answer.warnings), answer.warnings


def test_the_key_from_openai_api_key_reaches_the_server(sample_index, use_embedder, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with OpenAITestServer(models=(MODEL,), api_key=KEY) as server:
        settings = load_settings(backend="openai", openai_base_url=server.url, model=MODEL)
        server.reply(ANSWER)
        with RAG(sample_index, settings=settings, encoder=use_embedder) as engine:
            answer = engine.ask(EXAMPLE)
    assert answer.mode == "llm" and answer.text == ANSWER


def test_an_answer_cut_at_max_tokens_says_so(engine, server):
    server.reply("Russia, Ukraine and the United States did not sign the treaty [1]. " * 60)
    answer = engine.ask(EXAMPLE)
    assert answer_requests(server)[-1]["max_tokens"] == ANSWER_TOKENS
    assert answer.mode == "llm" and answer.citations and len(answer.text) <= ANSWER_TOKENS * 4
    assert any(f"cut off at the limit of {ANSWER_TOKENS} tokens" in w for w in answer.warnings), answer.warnings
    assert server.hangups == 0


def test_a_server_that_ignores_max_tokens_is_cut_off_here(engine, server):
    server.reply("Russia and Ukraine did not sign the treaty [1]. ", endless=True, chunk_size=8)
    answer = engine.ask(EXAMPLE)
    assert answer.mode == "llm" and answer.text.startswith("Russia and Ukraine did not sign the treaty [1].")
    assert len(answer.text) <= ANSWER_TOKENS * CHARS_PER_TOKEN
    assert any(f"past the limit of {ANSWER_TOKENS} tokens" in w for w in answer.warnings), answer.warnings
    assert wait_for_hangup(server) == 1
