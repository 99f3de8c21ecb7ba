"""tests/openai_server.py speaks the chat-completions API as documented: checked on the wire, without the client."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from openai_server import OpenAITestServer

MODEL = "Qwen/Qwen2.5-7B-Instruct"


@pytest.fixture
def server():
    with OpenAITestServer(models=(MODEL,), api_key="sk-test") as s:
        yield s


def post(server, body: dict, key: str = "sk-test"):
    request = urllib.request.Request(f"{server.url}/chat/completions", method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    return urllib.request.urlopen(request, timeout=5)


def test_the_test_server_speaks_the_documented_stream_format(server):
    """Server-sent events: a role delta, content deltas, finish_reason, the usage chunk, then [DONE]."""
    server.reply("Hello there.", chunk_size=6)
    with post(server, {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}], "stream": True,
                       "max_tokens": 2, "stream_options": {"include_usage": True}}) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = response.read().decode().split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""] and all(e.startswith("data: ") for e in events[:-1])
    chunks = [json.loads(e[6:]) for e in events[:-2]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:-2]] == ["Hello ", "th"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "length" and chunks[-2]["usage"] is None
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 2
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1


@pytest.mark.parametrize("key, body, status, code", [
    ("wrong", {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}, 401, "invalid_api_key"),
    ("sk-test", {"model": "absent", "messages": [{"role": "user", "content": "Hi"}]}, 404, "model_not_found"),
    ("sk-test", {"model": MODEL, "messages": []}, 400, None),
])
def test_refusals_carry_openai_error_bodies(server, key, body, status, code):
    with pytest.raises(urllib.error.HTTPError) as info:
        post(server, body, key)
    error = json.loads(info.value.read())["error"]
    assert info.value.code == status and set(error) == {"message", "type", "param", "code"}
    assert error["code"] == code and error["message"]


def test_a_whole_reply_and_the_model_list(server):
    server.reply("Hello there.", reasoning="hmm")
    with post(server, {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}) as response:
        reply = json.loads(response.read())
    assert reply["object"] == "chat.completion" and reply["choices"][0]["finish_reason"] == "stop"
    assert reply["choices"][0]["message"] == {"role": "assistant", "content": "Hello there.", "reasoning_content": "hmm"}
    assert reply["usage"]["completion_tokens"] == 3
    listing = urllib.request.Request(f"{server.url}/models", headers={"Authorization": "Bearer sk-test"})
    with urllib.request.urlopen(listing, timeout=5) as response:
        assert [m["id"] for m in json.loads(response.read())["data"]] == [MODEL]
