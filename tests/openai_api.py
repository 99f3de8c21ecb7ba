"""The wire side of tests/openai_server.py: requests in, OpenAI chat-completions responses out.

Routes: GET /v1/models, GET /v1/models/{id}, POST /v1/chat/completions (streamed as server-sent
events, or whole); anything else is FastAPI's {"detail": "Not Found"} with 404, as vLLM answers.
The HTTP plumbing is tests/http_stub.py's. Standard library only.
"""
from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass
from typing import Iterator, Optional

from http_stub import Abort, StreamingHandler, client_gone


CHARS_PER_TOKEN = 4  # the server's own token count, for usage and max_tokens
MID_STREAM_ERROR = "the engine died while generating"  # an error event inside a 200 stream
MALFORMED_EVENT = "data: this event is not JSON {\n\n"
ERROR_KINDS = {400: ("invalid_request_error", None), 401: ("invalid_request_error", "invalid_api_key"),
               403: ("permission_error", None), 404: ("invalid_request_error", "model_not_found"),
               429: ("requests", "rate_limit_exceeded")}


@dataclass
class Reply:
    """One scripted reply; the fields are OpenAITestServer.reply's arguments."""

    text: Optional[str] = None
    error: Optional[str] = None
    status: int = 200
    stall_after: Optional[int] = None
    drop_after: Optional[int] = None
    error_after: Optional[int] = None
    malformed_after: Optional[int] = None
    chunk_size: int = 4
    delay: float = 0.0
    finish_reason: Optional[str] = None
    endless: bool = False
    reasoning: str = ""
    reasoning_field: str = "reasoning_content"
    hold_headers: bool = False


def error_body(status: int, message: str) -> dict:
    """OpenAI's error body for an HTTP status."""
    kind, code = ERROR_KINDS.get(status, ("server_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _tokens(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


class Handler(StreamingHandler):
    """Answers for an OpenAITestServer (`self.server.owner`): its models, api_key and scripted replies."""

    server_version = "OpenAITestServer"
    stream_headers = (("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"))

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None  # refused below, as any body that is not an object
        owner._record(self.command, self.path, body if isinstance(body, dict) else None)
        self.answer(self._route, self.path.split("?", 1)[0], body)

    def client_left(self) -> None:  # a reply cut short by a client that went away counts as a hangup
        self.count_hangup()

    def _send(self, status: int, payload: dict | str) -> None:
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, path: str, body: object) -> None:
        owner = self.server.owner
        if not path.startswith("/v1/"):
            return self._send(404, {"detail": "Not Found"})
        if owner.api_key is not None and self.headers.get("Authorization") != f"Bearer {owner.api_key}":
            said = "Incorrect API key provided." if self.headers.get("Authorization") else "No API key provided."
            return self._send(401, error_body(401, said))
        if self.command == "GET" and path == "/v1/models":
            return self._send(200, {"object": "list", "data": [_model(m) for m in owner.models]})
        if self.command == "GET" and path.removeprefix("/v1/models/") in owner.models:
            return self._send(200, _model(path.removeprefix("/v1/models/")))
        if self.command != "POST" or path != "/v1/chat/completions":
            return self._send(404, {"detail": "Not Found"})
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
            return self._send(400, error_body(400, "The request needs a JSON body with a non-empty 'messages' list."))
        if body.get("model") not in owner.models:
            return self._send(404, error_body(404, f"The model `{body.get('model')}` does not exist."))
        reply = owner.next_reply(body)
        if reply.error is not None:
            return self._send(reply.status, error_body(reply.status, reply.error))
        limit = body.get("max_tokens") or body.get("max_completion_tokens")
        text = reply.text or ""
        cut = isinstance(limit, int) and limit > 0 and not reply.endless and len(text) > limit * CHARS_PER_TOKEN
        text = text[:limit * CHARS_PER_TOKEN] if cut else text
        finish = reply.finish_reason or ("length" if cut else "stop")
        if body.get("stream") is True:
            return self._stream(body, reply, text, finish)
        self._whole(body, reply, text, finish)

    def _whole(self, body: dict, reply: Reply, text: str, finish: str) -> None:
        if reply.stall_after is not None:
            self.stall()
        if reply.drop_after is not None:
            raise Abort
        if reply.error_after is not None:
            return self._send(500, error_body(500, MID_STREAM_ERROR))
        if reply.malformed_after is not None:
            return self._send(200, "this body is not JSON {")
        message = {"role": "assistant", "content": text}
        if reply.reasoning:
            message[reply.reasoning_field] = reply.reasoning
        self._send(200, {**_head(body, "chat.completion"), "usage": _usage(body, text),
                         "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}]})

    def _stream(self, body: dict, reply: Reply, text: str, finish: str) -> None:
        usage = (body.get("stream_options") or {}).get("include_usage") is True
        head = {**_head(body, "chat.completion.chunk"), **({"usage": None} if usage else {})}

        def chunk(delta: dict, finish_reason: Optional[str] = None) -> dict:
            return {**head, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                         "finish_reason": finish_reason}]}

        def deltas() -> Iterator[dict]:
            size, thought = reply.chunk_size, reply.reasoning
            yield from ({reply.reasoning_field: thought[i:i + size]} for i in range(0, len(thought), size))
            pieces = [text[i:i + size] for i in range(0, len(text), size)]
            yield from ({"content": p} for p in (itertools.cycle(pieces) if reply.endless and pieces else pieces))

        if not reply.hold_headers:
            self.start_stream()
        failures = [(n, kind) for n, kind in ((reply.stall_after, "stall"), (reply.drop_after, "drop"),
                                             (reply.error_after, "error"), (reply.malformed_after, "malformed"))
                    if n is not None]
        fail_at, kind = min(failures) if failures else (None, None)
        if fail_at != 0:  # servers open a reply with the role, as its generation starts
            self._event(chunk({"role": "assistant", "content": ""}))
        for sent, delta in enumerate(deltas()):
            if sent == fail_at:
                break
            if self.server.owner._stopping.wait(reply.delay if sent else 0):
                raise Abort
            if reply.endless and client_gone(self.connection):
                raise BrokenPipeError
            self._event(chunk(delta))
        if kind == "stall":
            self.stall()
        if kind == "drop":
            raise Abort
        if kind == "error":
            self.write_chunk(f"data: {json.dumps(error_body(500, MID_STREAM_ERROR))}\n\n")
        elif kind == "malformed":
            self.write_chunk(MALFORMED_EVENT)
        else:
            self._event(chunk({}, finish))
            if usage:
                self._event({**head, "choices": [], "usage": _usage(body, text)})
            self.write_chunk("data: [DONE]\n\n")
        self.end_chunks()

    def _event(self, data: dict) -> None:
        self.write_chunk(f"data: {json.dumps(data)}\n\n")



def _model(name: str) -> dict:
    return {"id": name, "object": "model", "created": 1_736_937_630, "owned_by": "test-server"}


def _head(body: dict, kind: str) -> dict:
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": kind,
            "created": int(time.time()), "model": body["model"], "system_fingerprint": None}


def _usage(body: dict, text: str) -> dict:
    prompt = _tokens("\n".join(str(m.get("content") or "") for m in body["messages"] if isinstance(m, dict)))
    return {"prompt_tokens": prompt, "completion_tokens": _tokens(text), "total_tokens": prompt + _tokens(text)}

