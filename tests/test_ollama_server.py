"""The stand-in Ollama server, driven by the real `ollama` client (and raw httpx for the wire format).

These tests also pin which exceptions the client raises for each failure; the summary is at the
top of tests/ollama_server.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import ollama
import pytest

from ollama_server import MID_STREAM_ERROR, OllamaTestServer, default_responder
from processes import free_port

MODEL = "llama3.1:8b"
USER = [{"role": "user", "content": "What happened?"}]


@pytest.fixture
def server():
    with OllamaTestServer(models=(MODEL,)) as srv:
        yield srv


_clients: list[ollama.Client] = []


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _clients:
        _clients.pop().close()


def client(srv_or_url, timeout: float = 5) -> ollama.Client:
    """A real ollama client for the server (closed after the test)."""
    c = ollama.Client(host=getattr(srv_or_url, "url", srv_or_url), timeout=timeout)
    _clients.append(c)
    return c


# ---------------------------------------------------------------- happy paths


def test_streaming_chat_yields_pieces_then_done(server):
    server.reply("Paris is the capital [1].", chunk_size=4)
    parts = list(client(server).chat(model=MODEL, messages=USER, stream=True, options={"num_ctx": 8192}))
    *pieces, last = parts
    assert [p.message.content for p in pieces] == ["Pari", "s is", " the", " cap", "ital", " [1]", "."]
    assert all(p.done is False and p.message.role == "assistant" and p.model == MODEL for p in pieces)
    assert last.done is True and last.done_reason == "stop" and last.message.content == ""
    assert last.eval_count == len("Paris is the capital [1].") // 4 + 1 and last.prompt_eval_count >= 1
    for field in ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration"):
        assert isinstance(getattr(last, field), int) and getattr(last, field) > 0
    assert last.created_at.endswith("Z")


def test_stream_arrives_line_by_line(server):
    server.reply("aaaabbbbcccc", chunk_size=4, delay=0.3)
    start = time.monotonic()
    stream = client(server).chat(model=MODEL, messages=USER, stream=True)
    assert next(stream).message.content == "aaaa"
    first = time.monotonic() - start
    rest = [p.message.content for p in stream]
    assert first < 0.25, "the first line must reach the client before the rest is sent"
    assert rest == ["bbbb", "cccc", ""] and time.monotonic() - start >= 0.55


def test_non_streaming_chat(server):
    server.reply("The whole answer at once.")
    response = client(server).chat(model=MODEL, messages=USER, stream=False)
    assert response.message.content == "The whole answer at once."
    assert response.done is True and response.done_reason == "stop" and response.eval_count > 0
    assert server.requests[-1][2]["stream"] is False


def test_generate_streaming_and_not(server):
    c = client(server)
    server.reply("Generated text.")
    parts = list(c.generate(model=MODEL, prompt="Say something", stream=True))
    assert "".join(p.response for p in parts) == "Generated text." and parts[-1].done
    assert parts[-1].context
    response = c.generate(model=MODEL, prompt="[1] The sky is blue today. It rained.\n[2] Other.\n\nWhy?")
    assert response.response == "The sky is blue today [1]." and response.done_reason == "stop"


def test_unscripted_requests_use_the_default_responder(server):
    c = client(server)
    prompt = ('Passages:\n\n[1] "Treaty signed" (2008-05-30)\nNinety-four countries signed the treaty in Oslo. '
              'Others did not.\n\n[2] "Later" (2009-01-01)\nMore text.\n\nQuestion: Who signed?\n')
    messages = [{"role": "system", "content": "Cite passages as [1], [2]."}, {"role": "user", "content": prompt}]
    assert c.chat(model=MODEL, messages=messages).message.content == \
        "Ninety-four countries signed the treaty in Oslo [1]."
    assert c.chat(model=MODEL, messages=USER).message.content == "I don't know."
    assert default_responder({"prompt": "no passages here"}) == "I don't know."
    assert default_responder({"prompt": "[1] One line only! And more"}) == "One line only [1]."


def test_custom_responder_and_fifo_queue():
    with OllamaTestServer(responder=lambda body: f"echo: {body['messages'][-1]['content']}") as srv:
        c = client(srv)
        srv.reply("first")
        srv.reply("second")
        answers = [c.chat(model=MODEL, messages=USER).message.content for _ in range(3)]
        assert answers == ["first", "second", "echo: What happened?"] and srv.pending() == 0


def test_list_show_ps_version(server):
    c = client(server)
    server.models.append("qwen2.5:7b")
    listed = c.list().models
    assert [m.model for m in listed] == [MODEL, "qwen2.5:7b"]
    assert listed[0].details.format == "gguf" and listed[0].details.parameter_size == "8.0B"
    assert listed[0].size > 0 and len(listed[0].digest) == 64 and listed[0].modified_at is not None
    shown = c.show(MODEL)
    assert shown.modelinfo["llama.context_length"] == 131072 and shown.capabilities == ["completion"]
    assert shown.details.family == "llama" and shown.template and shown.parameters
    assert c.ps().models == []
    raw = httpx.get(server.url + "/api/version")  # module-level httpx calls close their connection
    assert raw.json() == {"version": "0.12.0"}
    root = httpx.get(server.url + "/")
    assert root.status_code == 200 and root.text == "Ollama is running"


def test_requests_are_recorded_with_bodies(server):
    c = client(server)
    c.chat(model=MODEL, messages=USER, stream=True, options={"num_ctx": 8192, "temperature": 0.1}).__next__()
    c.list()
    chat = [r for r in server.requests if r[1] == "/api/chat"]
    assert chat[0][0] == "POST" and chat[0][2]["options"] == {"num_ctx": 8192, "temperature": 0.1}
    assert chat[0][2]["messages"] == USER and chat[0][2]["stream"] is True
    assert server.requests[-1] == ("GET", "/api/tags", None)


def test_wire_format_is_chunked_ndjson(server):
    server.reply("abcdef", chunk_size=3)
    with httpx.stream("POST", server.url + "/api/chat", json={"model": MODEL, "messages": USER}) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
        assert r.headers["transfer-encoding"] == "chunked"
        lines = [json.loads(line) for line in r.iter_lines()]
    assert [line["message"]["content"] for line in lines] == ["abc", "def", ""]
    assert lines[-1]["done"] is True and "eval_count" in lines[-1] and lines[0]["done"] is False


def test_http_errors_bad_json_unknown_path_empty_chat(server):
    bad = httpx.post(server.url + "/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and "error" in bad.json()
    assert server.requests[-1] == ("POST", "/api/chat", None)
    missing = httpx.get(server.url + "/api/nothing")
    assert missing.status_code == 404
    loaded = httpx.post(server.url + "/api/chat", json={"model": MODEL, "messages": []}).json()
    assert loaded["done"] is True and loaded["done_reason"] == "load"


# ---------------------------------------------------------------- failures and the exceptions they raise


def test_show_missing_model_is_404(server):
    with pytest.raises(ollama.ResponseError) as info:
        client(server).show("mistral:7b")
    assert info.value.status_code == 404 and info.value.error == "model 'mistral:7b' not found"


@pytest.mark.parametrize("stream", [True, False])
def test_chat_missing_model_is_404(server, stream):
    c = client(server)
    server.reply("never used")
    with pytest.raises(ollama.ResponseError) as info:
        result = c.chat(model="mistral:7b", messages=USER, stream=stream)
        if stream:
            next(result)  # the streaming call is lazy: the error comes on the first next()
    assert info.value.status_code == 404
    assert info.value.error == 'model "mistral:7b" not found, try pulling it first'
    assert server.pending() == 1, "a 404 does not consume a scripted reply"


def test_tag_less_name_means_latest(server):
    with pytest.raises(ollama.ResponseError):
        client(server).chat(model="llama3.1", messages=USER)  # = llama3.1:latest, not llama3.1:8b


def test_scripted_http_error(server):
    server.reply(error="model requires more system memory", status=500)
    with pytest.raises(ollama.ResponseError) as info:
        list(client(server).chat(model=MODEL, messages=USER, stream=True))
    assert info.value.status_code == 500 and info.value.error == "model requires more system memory"


def test_error_line_mid_stream_raises_response_error(server):
    server.reply("abcdefghijkl", error_after=2)
    seen = []
    with pytest.raises(ollama.ResponseError) as info:
        for part in client(server).chat(model=MODEL, messages=USER, stream=True):
            seen.append(part.message.content)
    assert seen == ["abcd", "efgh"]
    assert info.value.error == MID_STREAM_ERROR and info.value.status_code == -1


def test_malformed_line_raises_json_decode_error(server):
    server.reply("abcdefghijkl", malformed_after=1)
    seen = []
    with pytest.raises(json.JSONDecodeError):  # the client calls json.loads on each line, unguarded
        for part in client(server).chat(model=MODEL, messages=USER, stream=True):
            seen.append(part.message.content)
    assert seen == ["abcd"]


def test_stall_times_out_and_stop_is_prompt():
    srv = OllamaTestServer().start()
    try:
        srv.reply("abcdefghijkl", stall_after=1)
        stream = client(srv, timeout=0.5).chat(model=MODEL, messages=USER, stream=True)
        assert next(stream).message.content == "abcd"
        with pytest.raises(httpx.ReadTimeout):  # not wrapped by the client; an httpx.TimeoutException
            next(stream)
        srv.reply("abcdefghijkl", stall_after=0)  # stream=false: no response at all
        with pytest.raises(httpx.ReadTimeout):
            client(srv, timeout=0.3).chat(model=MODEL, messages=USER, stream=False)
        srv.reply("abcdefghijkl", stall_after=1)
        stalled = client(srv, timeout=30).chat(model=MODEL, messages=USER, stream=True)
        assert next(stalled).message.content == "abcd"
    finally:
        start = time.monotonic()
        srv.stop()
        assert time.monotonic() - start < 2
    # the client still waiting on a stalled stream sees the connection close when the server stops
    with pytest.raises(httpx.RemoteProtocolError):
        next(stalled)


def test_dropped_connection_raises_remote_protocol_error(server):
    c = client(server)
    server.reply("abcdefghijkl", drop_after=2)
    seen = []
    with pytest.raises(httpx.RemoteProtocolError):  # "incomplete chunked read"; not wrapped by the client
        for part in c.chat(model=MODEL, messages=USER, stream=True):
            seen.append(part.message.content)
    assert seen == ["abcd", "efgh"]
    server.reply("abcdefghijkl", drop_after=0)
    with pytest.raises(httpx.RemoteProtocolError):  # "Server disconnected without sending a response."
        c.chat(model=MODEL, messages=USER, stream=False)
    assert c.chat(model=MODEL, messages=USER).message.content == "I don't know."  # the server is fine


def test_refused_connection_raises_different_errors_for_stream_and_not():
    with OllamaTestServer() as srv:
        url = srv.url
    c = client(url, timeout=2)
    with pytest.raises(ConnectionError):  # the builtin, raised by the client for httpx.ConnectError
        c.chat(model=MODEL, messages=USER, stream=False)
    with pytest.raises(ConnectionError):
        c.list()
    stream = c.chat(model=MODEL, messages=USER, stream=True)  # lazy: nothing is sent yet
    with pytest.raises(httpx.ConnectError) as info:  # streaming: httpx's own error, not wrapped
        next(stream)
    assert not isinstance(info.value, ConnectionError)


def test_empty_reply_is_a_done_line_at_once(server):
    server.reply("")
    parts = list(client(server).chat(model=MODEL, messages=USER, stream=True))
    assert len(parts) == 1 and parts[0].done is True and parts[0].message.content == ""
    assert parts[0].done_reason == "stop"
    server.reply("  \n ")
    assert client(server).chat(model=MODEL, messages=USER).message.content == "  \n "


def test_num_predict_cuts_the_reply_with_done_reason_length(server):
    c = client(server)
    server.reply("x" * 100, chunk_size=8)
    parts = list(c.chat(model=MODEL, messages=USER, stream=True, options={"num_predict": 5}))
    assert "".join(p.message.content for p in parts) == "x" * 20  # 5 tokens of 4 characters
    assert parts[-1].done_reason == "length" and parts[-1].eval_count == 5
    server.reply("x" * 100)
    whole = c.chat(model=MODEL, messages=USER, options={"num_predict": 5})
    assert whole.message.content == "x" * 20 and whole.done_reason == "length"
    server.reply("short", done_reason="length")  # scripted, whatever num_predict says
    assert list(c.chat(model=MODEL, messages=USER, stream=True))[-1].done_reason == "length"
    server.reply("x" * 100)
    assert c.chat(model=MODEL, messages=USER, options={"num_predict": -1}).done_reason == "stop"


def test_endless_reply_ignores_num_predict_until_the_client_hangs_up(server):
    server.reply("abcd", endless=True)
    stream = client(server).chat(model=MODEL, messages=USER, stream=True, options={"num_predict": 2})
    seen = [next(stream).message.content for _ in range(500)]  # far past 2 tokens, no done line
    assert set(seen) == {"abcd"}
    stream.close()  # the client hangs up
    deadline = time.monotonic() + 5
    while server.hangups == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.hangups == 1


def test_stall_before_the_first_token_sends_not_even_headers(server):
    server.reply("abcd", stall_after=0)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):  # waiting for the status line, as with a model still loading
        with httpx.stream("POST", server.url + "/api/chat", json={"model": MODEL, "messages": USER},
                          timeout=httpx.Timeout(5, read=0.5)):
            pass
    assert 0.4 < time.monotonic() - started < 3
    deadline = time.monotonic() + 5  # the stalled handler notices the client left
    while server.hangups == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.hangups == 1
    server.reply("abcd", chunk_size=2, delay=0.3)  # otherwise the headers come with the first line
    with httpx.stream("POST", server.url + "/api/chat", json={"model": MODEL, "messages": USER}) as r:
        assert r.status_code == 200 and json.loads(next(r.iter_lines()))["message"]["content"] == "ab"


def test_runs_as_a_script():
    port = free_port()
    script = Path(__file__).with_name("ollama_server.py")
    proc = subprocess.Popen([sys.executable, str(script), "--port", str(port), "--model", "demo:1b"],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert "127.0.0.1:%d" % port in proc.stdout.readline()
        c = client(f"http://127.0.0.1:{port}")
        assert [m.model for m in c.list().models] == ["demo:1b"]
        assert c.generate(model="demo:1b", prompt="[1] Demo works. Yes.").response == "Demo works [1]."
    finally:
        proc.terminate()
        proc.wait(timeout=5)  # the script exits on SIGTERM
        proc.stdout.close()


# ---------------------------------------------------------------- reasoning models


def test_a_reasoning_model_hands_its_thinking_over_apart_unless_told_not_to_think():
    with OllamaTestServer(models=("qwen3:8b", MODEL)) as srv:
        c = client(srv)
        assert "thinking" in c.show("qwen3:8b").capabilities and "thinking" not in c.show(MODEL).capabilities
        srv.reply("Paris [1].", thinking="The passage names the capital.")
        parts = list(c.chat(model="qwen3:8b", messages=USER, stream=True, think=True))
        assert "".join(p.message.thinking or "" for p in parts) == "The passage names the capital."
        assert "".join(p.message.content for p in parts) == "Paris [1]."
        assert all(not p.message.content for p in parts if p.message.thinking)  # thinking comes first, alone
        srv.reply("Paris [1].", thinking="not wanted")
        whole = c.chat(model="qwen3:8b", messages=USER, think=False)
        assert whole.message.content == "Paris [1]." and not whole.message.thinking
        with pytest.raises(ollama.ResponseError) as refused:
            c.chat(model=MODEL, messages=USER, think=True)
        assert refused.value.status_code == 400 and "does not support thinking" in refused.value.error


def test_an_older_server_writes_thinking_inline_and_ignores_think():
    with OllamaTestServer(models=("deepseek-r1:8b",), inline_thinking=True) as srv:
        c = client(srv)
        assert not c.show("deepseek-r1:8b").capabilities
        srv.reply("Paris [1].", thinking="Which city?")
        whole = c.chat(model="deepseek-r1:8b", messages=USER, think=False)
        assert whole.message.content == "<think>\nWhich city?\n</think>\n\nParis [1]." and not whole.message.thinking
