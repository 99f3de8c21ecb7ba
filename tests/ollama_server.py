"""A stand-in Ollama server for the tests: Ollama's documented REST API (docs/api.md), no model behind it.

    with OllamaTestServer(models=("llama3.1:8b",)) as server:
        server.reply("Paris is the capital [1].", chunk_size=4)      # next /api/chat or /api/generate
        client = ollama.Client(host=server.url, timeout=5)
        for part in client.chat(model="llama3.1:8b", messages=[...], stream=True): ...
        assert server.requests[-1][2]["options"]["num_ctx"] == 8192

Like Ollama, a streamed reply's status line and headers go out with its first line (Ollama loads
the model and reads the prompt before it answers at all), `options.num_predict` caps the reply
(its final line then says done_reason "length"; a token here is 4 characters), and a client that
hangs up ends the reply (counted in `server.hangups`).

Reasoning models (names starting with one of THINKING_FAMILIES) think before they answer, the
way Ollama 0.9+ hands that over: /api/show lists the "thinking" capability; a scripted
`reply(text, thinking=...)` streams its thinking first, in `message.thinking` parts (content
empty), unless the request says `"think": false`; `"think": true` to a model that cannot think is
refused with 400 '"<model>" does not support thinking'. `OllamaTestServer(inline_thinking=True)`
is an older server instead: /api/show has no capabilities, `think` is ignored, and the thinking
comes inline in the content as `<think>...</think>` before the answer.

Run it by hand for a demo (default responder, until Ctrl-C):

    python tests/ollama_server.py --port 11434 --model llama3.1:8b

What the official `ollama` Python client (0.6.3, over httpx 0.28) raises against this server
(each one is pinned by tests/test_ollama_server.py, so a client upgrade that changes them shows up there):

* connection refused, plain call (stream=False, list(), show(), ...):
      builtin ``ConnectionError`` (the client catches httpx.ConnectError and re-raises ConnectionError)
* connection refused, streaming call (stream=True):
      ``httpx.ConnectError`` -- NOT wrapped, and NOT a subclass of the builtin ConnectionError;
      it is raised when the returned generator is first iterated, not by the chat()/generate() call
* missing model (chat/generate/show): ``ollama.ResponseError`` with ``status_code == 404``
      (streaming: raised on the first ``next()``); ``.error`` is Ollama's message, e.g.
      'model "x" not found, try pulling it first' (chat/generate) or "model 'x' not found" (show)
* HTTP error status (reply(error=..., status=...)): ``ollama.ResponseError`` with that status_code
* mid-stream ``{"error": ...}`` line (reply(error_after=N)): ``ollama.ResponseError`` with
      ``status_code == -1`` (the client has no status for an error inside a 200 stream)
* a line that is not JSON (reply(malformed_after=N)): ``json.JSONDecodeError`` (a ValueError subclass);
      plain call with a non-JSON body: also ``json.JSONDecodeError``
* nothing arrives within the client's read timeout (reply(stall_after=N)): ``httpx.ReadTimeout``
      (a subclass of httpx.TimeoutException), both streaming and plain; never wrapped by the client.
      stall_after=0 on a stream is a stall before the first token: not even the headers arrive
* connection closed mid-stream (reply(drop_after=N)): ``httpx.RemoteProtocolError``
      ("peer closed connection without sending complete message body (incomplete chunked read)");
      plain call: ``httpx.RemoteProtocolError`` ("Server disconnected without sending a response.")

So code that uses the client must catch ConnectionError AND httpx.ConnectError for "server not running",
ollama.ResponseError for server-reported errors, httpx.TimeoutException / httpx.HTTPError (covers
ReadTimeout, RemoteProtocolError, ConnectError) and json.JSONDecodeError for broken streams.

Standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional

from http_stub import Abort, StreamingHandler, StubServer

__all__ = ["OllamaTestServer", "default_responder", "MID_STREAM_ERROR"]

VERSION = "0.12.0"
# What Ollama says when the runner fails while a reply is streaming (used when error_after has no `error`).
MID_STREAM_ERROR = "an error was encountered while running the model: unexpected EOF"
MALFORMED_LINE = "this line is not JSON {"
THINKING_FAMILIES = ("qwen3", "deepseek-r1", "gpt-oss", "magistral", "gemma4")


# ---------------------------------------------------------------- default responder

_MARKER = re.compile(r"^\s*\[(\d+)\]\s?(.*)$")
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)", re.S)


def _passage_one(prompt: str) -> Optional[str]:
    """The text of passage [1]: from its `[1]` line to the next `[n]` line or blank line.

    If the `[1]` line is a heading (it has no sentence end and text follows, as in this project's
    `[1] "Title" (date)` passages), the heading is skipped."""
    lines = prompt.splitlines()
    for i, line in enumerate(lines):
        m = _MARKER.match(line)
        if m and m.group(1) == "1":
            block = [m.group(2)]
            for nxt in lines[i + 1:]:
                if not nxt.strip() or _MARKER.match(nxt):
                    break
                block.append(nxt)
            if len(block) > 1 and not re.search(r"[.!?]\s*$", block[0]):
                block = block[1:]
            text = " ".join(part.strip() for part in block if part.strip())
            return text or None
    return None


def default_responder(body: dict) -> str:
    """Deterministic stand-in for a model.

    Reads the last user message (chat) or the prompt (generate). If it holds numbered passages
    (`[1] ...`, `[2] ...` at the start of lines), answers with the first sentence of passage [1]
    (its final . ! or ? dropped) followed by " [1]."; otherwise "I don't know."."""
    prompt = ""
    if isinstance(body.get("messages"), list):
        for message in reversed(body["messages"]):
            if isinstance(message, dict) and message.get("role") == "user":
                prompt = message.get("content") or ""
                break
    elif isinstance(body.get("prompt"), str):
        prompt = body["prompt"]
    if not isinstance(prompt, str):
        prompt = str(prompt)
    passage = _passage_one(prompt)
    if not passage:
        return "I don't know."
    m = _SENTENCE.match(passage)
    sentence = (m.group(1) if m else passage).strip()
    sentence = sentence.rstrip(".!?").rstrip()
    return f"{sentence} [1]." if sentence else "I don't know."


# ---------------------------------------------------------------- helpers


def _now() -> str:
    """RFC 3339 time in UTC, the way Ollama writes created_at."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _normalize(name: str) -> str:
    """Ollama's model-name rule: a name without a tag means `:latest`."""
    name = (name or "").strip()
    base = name.rsplit("/", 1)[-1]
    return name if ":" in base else f"{name}:latest"


def _parameter_size(name: str) -> str:
    m = re.search(r":(\d+(?:\.\d+)?)([bm])\b", name.lower())
    if not m:
        return "8.0B"
    return f"{float(m.group(1)):.1f}{m.group(2).upper()}"


def _family(name: str) -> str:
    base = name.rsplit("/", 1)[-1].split(":")[0].lower()
    for family in ("llama", "qwen2", "qwen3", "gemma3", "gemma2", "gemma", "mistral", "phi3", "phi"):
        if base.startswith(family):
            return family
    m = re.match(r"[a-z]+", base)
    return m.group(0) if m else "llama"


def _details(name: str) -> dict:
    family = _family(name)
    return {"parent_model": "", "format": "gguf", "family": family, "families": [family],
            "parameter_size": _parameter_size(name), "quantization_level": "Q4_K_M"}


def _thinks(name: str) -> bool:
    return name.rsplit("/", 1)[-1].lower().startswith(THINKING_FAMILIES)


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


CHARS_PER_TOKEN = 4  # the server's own token count, for eval_count and num_predict


def _num_predict(body: dict) -> Optional[int]:
    """The request's options.num_predict when it caps the reply (Ollama: -1 and -2 do not)."""
    options = body.get("options")
    value = options.get("num_predict") if isinstance(options, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _prompt_text(body: dict) -> str:
    if isinstance(body.get("messages"), list):
        return "\n".join(str(m.get("content") or "") for m in body["messages"] if isinstance(m, dict))
    return "\n".join(str(body.get(k) or "") for k in ("system", "prompt"))


class _Reply:
    __slots__ = ("text", "error", "status", "stall_after", "malformed_after", "error_after", "drop_after",
                 "chunk_size", "delay", "done_reason", "endless", "thinking")

    def __init__(self, **kw):
        for key, value in kw.items():
            setattr(self, key, value)


# ---------------------------------------------------------------- the server


class OllamaTestServer(StubServer):
    """An in-process Ollama API server on 127.0.0.1 for tests (context manager).

    `models`: the names /api/tags lists and chat/generate/show accept (mutable: `server.models`).
    `responder(request_body) -> str`: the reply text when no scripted reply is queued
    (default: `default_responder`). `port=0` picks a free port; `host` is the address to bind."""

    thread_name = "ollama-test-server"

    def __init__(self, models: Iterable[str] = ("llama3.1:8b",), responder: Optional[Callable[[dict], str]] = None,
                 *, port: int = 0, host: str = "127.0.0.1", inline_thinking: bool = False):
        super().__init__(_Handler, host, port)
        self.models: list[str] = list(models)
        self.inline_thinking = inline_thinking
        self.responder = responder

    # -- scripting

    def reply(self, text: Optional[str] = None, *, error: Optional[str] = None, status: int = 200,
              stall_after: Optional[int] = None, malformed_after: Optional[int] = None,
              error_after: Optional[int] = None, drop_after: Optional[int] = None,
              chunk_size: int = 4, delay: float = 0.0, done_reason: Optional[str] = None,
              endless: bool = False, thinking: str = "") -> None:
        """Queue one reply for the next /api/chat or /api/generate request that reaches a model (FIFO).

        text: the reply, streamed in pieces of `chunk_size` characters, `delay` s apart
              (None: ask the responder, as for an unscripted request).
        error (without error_after): answer with HTTP `status` (500 if left at 200) and {"error": error}.
        stall_after=N: N pieces, then nothing (connection open, no done line) until stop().
        malformed_after=N: N pieces, then a line that is not JSON, then the stream ends.
        error_after=N: N pieces, then an {"error": error or MID_STREAM_ERROR} line, then the stream ends.
        drop_after=N: N pieces, then the connection is closed without ending the chunked body.
        done_reason: what the final line says ("stop", "length"); by default "length" when the
              request's num_predict cut the text, else "stop".
        endless: a server that ignores num_predict: the text over and over, never a done line,
              until the client hangs up (or stop()).
        thinking: what a reasoning model thinks before the answer (see the module's docstring).
        With stream=false the failure modes apply to the single response: stall = no response until
        stop(), malformed = a 200 body that is not JSON, error_after = HTTP 500 {"error": ...},
        drop = the connection closes before any response.

        Requests answered 400/404 (bad body, missing model) do not consume a queued reply."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be >= 1")
        if error is not None and error_after is None and status < 400:
            status = 500
        with self._lock:
            self._replies.append(_Reply(text=text, error=error, status=status, stall_after=stall_after,
                                        malformed_after=malformed_after, error_after=error_after,
                                        drop_after=drop_after, chunk_size=chunk_size, delay=delay,
                                        done_reason=done_reason, endless=endless, thinking=thinking))

    # -- internals used by the handler

    def _next_reply(self, body: dict) -> _Reply:
        with self._lock:
            scripted = self._replies.popleft() if self._replies else None
        if scripted is None:
            scripted = _Reply(text=None, error=None, status=200, stall_after=None, malformed_after=None,
                              error_after=None, drop_after=None, chunk_size=4, delay=0.0, done_reason=None,
                              endless=False, thinking="")
        http_error = scripted.error is not None and scripted.error_after is None
        if scripted.text is None and not http_error:
            responder = self.responder or default_responder
            scripted.text = responder(body)
        return scripted

    def _has_model(self, name: str) -> Optional[str]:
        wanted = _normalize(name)
        for model in list(self.models):
            if _normalize(model) == wanted:
                return model
        return None

    def _tags(self) -> dict:
        models = []
        for name in list(self.models):
            full = _normalize(name)
            models.append({"name": full, "model": full, "modified_at": "2025-01-15T10:20:30.123456789Z",
                           "size": 4920753328, "digest": hashlib.sha256(full.encode()).hexdigest(),
                           "details": _details(full)})
        return {"models": models}

    def _show(self, name: str) -> dict:
        full = _normalize(name)
        shown = {} if self.inline_thinking else {"capabilities": ["completion", "thinking"] if _thinks(full)
                                                  else ["completion"]}
        template = ("{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n"
                    "{{ .Content }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n")
        return {
            "license": "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT",
            "modelfile": f"# Modelfile generated by \"ollama show\"\nFROM {full}\nTEMPLATE \"\"\"{template}\"\"\"\n"
                         "PARAMETER stop <|eot_id|>\n",
            "parameters": 'stop                           "<|start_header_id|>"\n'
                          'stop                           "<|end_header_id|>"\n'
                          'stop                           "<|eot_id|>"',
            "template": template,
            "details": _details(full),
            "model_info": {"general.architecture": "llama", "general.parameter_count": 8030261248,
                           "general.file_type": 15, "llama.context_length": 131072,
                           "llama.embedding_length": 4096, "llama.block_count": 32},
            **shown,
            "modified_at": "2025-01-15T10:20:30.123456789Z",
        }


class _Handler(StreamingHandler):  # keep-alive and chunked replies, like Ollama (Go net/http)
    server_version = "OllamaTestServer"
    sys_version = ""
    stream_headers = (("Content-Type", "application/x-ndjson"),)

    # -- plumbing

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, payload, content_type: str = "application/json; charset=utf-8") -> None:
        data = payload if isinstance(payload, bytes) else (
            payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def _not_found(self) -> None:
        self._send(404, "404 page not found", "text/plain")

    def _dispatch(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        raw = b""
        if self.command in ("POST", "PUT", "DELETE", "PATCH"):
            raw = self._read_body()
        body, bad = None, None
        if raw:
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                bad = f"invalid character in request body: {exc}"
            else:
                if not isinstance(body, dict):
                    body, bad = None, "json: cannot unmarshal request body into an object"
        owner._record(self.command, self.path, body)
        self.answer(self._route, path, body, bad, bool(raw))

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    # -- routes

    def _route(self, path: str, body: Optional[dict], bad: Optional[str], had_body: bool) -> None:
        owner = self.server.owner
        method = "GET" if self.command == "HEAD" else self.command
        if method == "GET" and path == "/":
            return self._send(200, "Ollama is running", "text/plain; charset=utf-8")
        if method == "GET" and path == "/api/version":
            return self._send(200, {"version": VERSION})
        if method == "GET" and path == "/api/tags":
            return self._send(200, owner._tags())
        if method == "GET" and path == "/api/ps":
            return self._send(200, {"models": []})
        if method == "POST" and path in ("/api/show", "/api/chat", "/api/generate"):
            if bad is not None:
                return self._send(400, {"error": bad})
            if not had_body:
                return self._send(400, {"error": "missing request body"})
            body = body or {}
            name = body.get("model") or body.get("name") or ""
            if not name:
                return self._send(400, {"error": "model is required"})
            if path == "/api/show":
                if owner._has_model(name) is None:
                    return self._send(404, {"error": f"model '{name}' not found"})
                return self._send(200, owner._show(name))
            if owner._has_model(name) is None:
                return self._send(404, {"error": f"model {json.dumps(name)} not found, try pulling it first"})
            return self._generate(path == "/api/chat", name, body)
        return self._not_found()

    # -- chat / generate

    def _part(self, chat: bool, model: str, piece: str, thinking: str = "") -> dict:
        if chat:
            message = {"role": "assistant", "content": piece, **({"thinking": thinking} if thinking else {})}
            return {"model": model, "created_at": _now(), "message": message, "done": False}
        return {"model": model, "created_at": _now(), "response": piece, "done": False,
                **({"thinking": thinking} if thinking else {})}

    def _final(self, chat: bool, model: str, body: dict, text: str, content: str, started: float,
               done_reason: str = "stop") -> dict:
        final = self._part(chat, model, content)
        prompt_tokens, eval_tokens = _tokens(_prompt_text(body)), _tokens(text)
        load, prompt_ns, eval_ns = 1_500_000, prompt_tokens * 200_000, eval_tokens * 20_000_000
        final.update(done=True, done_reason=done_reason,
                     total_duration=max(int((time.monotonic() - started) * 1e9), load + prompt_ns + eval_ns),
                     load_duration=load, prompt_eval_count=prompt_tokens, prompt_eval_duration=prompt_ns,
                     eval_count=eval_tokens, eval_duration=eval_ns)
        if not chat:
            final["context"] = list(range(1, min(prompt_tokens + eval_tokens, 32) + 1))
        return final

    @staticmethod
    def _capped(reply: _Reply, body: dict) -> tuple[str, str]:
        """(the text to send, its done_reason): cut at num_predict tokens, as Ollama does."""
        text, limit = reply.text or "", _num_predict(body)
        cut = limit is not None and not reply.endless and len(text) > limit * CHARS_PER_TOKEN
        if cut:
            text = text[:limit * CHARS_PER_TOKEN]
        return text, reply.done_reason or ("length" if cut else "stop")

    def _generate(self, chat: bool, model: str, body: dict) -> None:
        owner = self.server.owner
        started = time.monotonic()
        empty = not body.get("messages") if chat else not body.get("prompt")
        if empty:  # Ollama only loads the model and answers once, done_reason "load"
            part = self._part(chat, model, "")
            part.update(done=True, done_reason="load")
            return self._send(200, part)

        think = body.get("think")
        if think not in (None, False) and not owner.inline_thinking and not _thinks(model):
            return self._send(400, {"error": f"{json.dumps(model)} does not support thinking"})
        reply = owner._next_reply(body)
        if reply.error is not None and reply.error_after is None:
            return self._send(reply.status, {"error": reply.error})
        thinking = reply.thinking if _thinks(model) or owner.inline_thinking else ""
        if owner.inline_thinking and thinking:
            reply.text, thinking = f"<think>\n{thinking}\n</think>\n\n{reply.text or ''}", ""
        elif think is False:
            thinking = ""  # the model was asked not to think
        reply.thinking = thinking
        stream = body.get("stream")
        stream = True if stream is None else bool(stream)
        text, done_reason = self._capped(reply, body)
        if not stream:
            return self._whole(chat, model, body, reply, text, done_reason, started)
        try:
            self._stream(chat, model, body, reply, text, done_reason, started)
        except (BrokenPipeError, ConnectionResetError):
            self.count_hangup()
            raise

    def _stream(self, chat: bool, model: str, body: dict, reply: _Reply, text: str, done_reason: str,
                started: float) -> None:
        owner = self.server.owner
        pieces = [text[i:i + reply.chunk_size] for i in range(0, len(text), reply.chunk_size)]
        # failure points: the first of the *_after counts decides
        fail = [(n, kind) for n, kind in ((reply.stall_after, "stall"), (reply.malformed_after, "malformed"),
                                         (reply.error_after, "error"), (reply.drop_after, "drop")) if n is not None]
        fail_at, fail_kind = min(fail) if fail else (None, None)
        limit = len(pieces) if fail_at is None else min(fail_at, len(pieces))
        if reply.endless and pieces and fail_at is None:
            limit = None  # round and round the text until the client leaves
        for i in range(0, len(reply.thinking), reply.chunk_size):  # a reasoning model thinks first
            if owner._stopping.is_set():
                raise Abort
            self.write_chunk(json.dumps(self._part(chat, model, "", reply.thinking[i:i + reply.chunk_size])) + "\n")
        index = 0
        while limit is None or index < limit:
            if index and reply.delay > 0 and owner._stopping.wait(reply.delay):
                raise Abort
            if owner._stopping.is_set():
                raise Abort
            self.write_chunk(json.dumps(self._part(chat, model, pieces[index % len(pieces)])) + "\n")
            index += 1
        # a count beyond the text means: every piece, then the failure instead of the done line
        if fail_kind is None:
            self.write_chunk(json.dumps(self._final(chat, model, body, text, "", started, done_reason)) + "\n")
        elif fail_kind == "stall":
            self.stall()
        elif fail_kind == "drop":
            raise Abort
        elif fail_kind == "malformed":
            self.write_chunk(MALFORMED_LINE + "\n")
        else:
            self.write_chunk(json.dumps({"error": reply.error or MID_STREAM_ERROR}) + "\n")
        self.end_chunks()

    def _whole(self, chat: bool, model: str, body: dict, reply: _Reply, text: str, done_reason: str,
               started: float) -> None:
        owner = self.server.owner
        if reply.stall_after is not None:
            self.stall()
        if reply.drop_after is not None:
            raise Abort
        if reply.error_after is not None:
            return self._send(500, {"error": reply.error or MID_STREAM_ERROR})
        if reply.malformed_after is not None:
            return self._send(200, MALFORMED_LINE)
        if reply.delay > 0:
            pieces = max(1, -(-len(text) // reply.chunk_size))
            if owner._stopping.wait(reply.delay * (pieces - 1)):
                raise Abort
        final = self._final(chat, model, body, text, text, started, done_reason)
        if reply.thinking:
            (final["message"] if chat else final)["thinking"] = reply.thinking
        self._send(200, final)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="A stand-in Ollama server (default responder) for demos.")
    parser.add_argument("--port", type=int, default=11434)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model", action="append", help="a model the server has (repeatable; "
                                                         "default llama3.1:8b)")
    args = parser.parse_args(argv)
    server = OllamaTestServer(models=args.model or ("llama3.1:8b",), port=args.port, host=args.host).start()
    print(f"Ollama test server on {server.url} with {', '.join(server.models)} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
