"""A stand-in OpenAI-compatible server for the tests: the chat-completions API as documented, no model behind it.

    with OpenAITestServer(models=("qwen2.5:7b",)) as server:
        server.reply("Paris is the capital [1].", chunk_size=4)       # the next /v1/chat/completions
        client = openai.OpenAI(base_url=server.url, api_key="none")
        for chunk in client.chat.completions.create(model="qwen2.5:7b", messages=[...], stream=True): ...
        assert server.requests[-1][2]["max_tokens"] == 512

`server.url` is the API root, http://127.0.0.1:PORT/v1. A streamed reply is server-sent events: the
headers at once, then `data: {chunk}` events (a role delta, reasoning deltas if scripted, content
deltas of `chunk_size` characters, a last chunk with finish_reason), a usage chunk when the request
asks for it (stream_options.include_usage), then `data: [DONE]`. `max_tokens` (or
max_completion_tokens) cuts the content, a token being 4 characters, with finish_reason "length".
Errors have OpenAI's body, {"error": {"message", "type", "param", "code"}}: 400 for a bad request,
401 when `api_key` is set and the request's bearer key is missing or wrong, 404 for a model the
server does not serve; any status by script. A client that hangs up ends the reply (`server.hangups`).

Run it by hand for a demo (default responder, until Ctrl-C):

    python tests/openai_server.py --port 8000 --model qwen2.5:7b

What goes over the wire is in tests/openai_api.py. Standard library only; unscripted replies come
from the default responder of tests/ollama_server.py.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable, Iterable, Optional

from http_stub import StubServer
from ollama_server import default_responder
from openai_api import MID_STREAM_ERROR, Handler, Reply, error_body

__all__ = ["OpenAITestServer", "default_responder", "error_body", "MID_STREAM_ERROR"]


class OpenAITestServer(StubServer):
    """An in-process OpenAI-compatible API server on 127.0.0.1 for tests (context manager).

    `models`: the ids GET /v1/models lists and chat completions accept (mutable: `server.models`).
    `responder(request_body) -> str`: the reply text when no scripted reply is queued.
    `api_key`: when set, requests must carry `Authorization: Bearer <api_key>`. `port=0`: a free port."""

    thread_name = "openai-test-server"
    url_path = "/v1"

    def __init__(self, models: Iterable[str] = ("qwen2.5:7b",), responder: Optional[Callable[[dict], str]] = None,
                 *, api_key: Optional[str] = None, port: int = 0, host: str = "127.0.0.1"):
        super().__init__(Handler, host, port)
        self.models: list[str] = list(models)
        self.responder = responder or default_responder
        self.api_key = api_key

    def reply(self, text: Optional[str] = None, *, error: Optional[str] = None, status: int = 200,
              stall_after: Optional[int] = None, drop_after: Optional[int] = None, error_after: Optional[int] = None,
              malformed_after: Optional[int] = None, chunk_size: int = 4, delay: float = 0.0,
              finish_reason: Optional[str] = None, endless: bool = False, reasoning: str = "",
              reasoning_field: str = "reasoning_content", hold_headers: bool = False) -> None:
        """Queue the reply to the next chat completion that reaches a model (first in, first out).

        text: the content, in deltas of `chunk_size` characters `delay` s apart (None: the responder's).
        error: answer HTTP `status` (500 if left at 200) with an OpenAI error body holding `error`.
        stall_after=N: the role delta and N deltas, then nothing until the client leaves or stop()
            (N=0: not one event). drop_after=N: N deltas, then the connection closes mid-body.
        error_after=N / malformed_after=N: N deltas, then an error event / an event that is not JSON.
        reasoning: sent first, as `reasoning_field` deltas ("reasoning_content" or "reasoning").
        finish_reason: what the last chunk says (default "length" when max_tokens cut the text, else "stop").
        endless: ignore max_tokens and send the text over and over until the client hangs up.
        hold_headers: send the headers with the first event, not at once.
        Without streaming: stall = no response, drop = closed without one, error_after = HTTP 500,
        malformed = a 200 body that is not JSON. Requests refused 400/401/404 keep the queued reply."""
        if error is not None and status < 400:
            status = 500
        with self._lock:
            self._replies.append(Reply(
                text=text, error=error, status=status, stall_after=stall_after, drop_after=drop_after,
                error_after=error_after, malformed_after=malformed_after, chunk_size=max(1, chunk_size), delay=delay,
                finish_reason=finish_reason, endless=endless, reasoning=reasoning, reasoning_field=reasoning_field,
                hold_headers=hold_headers))

    def next_reply(self, body: dict) -> Reply:
        """The scripted reply for a chat completion (the handler's side), else the responder's."""
        with self._lock:
            reply = self._replies.popleft() if self._replies else Reply()
        if reply.text is None and reply.error is None:
            reply.text = self.responder(body)
        return reply


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="A stand-in OpenAI-compatible server (default responder).")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--model", action="append", help="a model the server serves (repeatable; default qwen2.5:7b)")
    parser.add_argument("--api-key", help="require this bearer key")
    args = parser.parse_args(argv)
    server = OpenAITestServer(models=args.model or ("qwen2.5:7b",), api_key=args.api_key, port=args.port).start()
    print(f"OpenAI-compatible test server at {server.url} serving {', '.join(server.models)} (Ctrl-C stops)",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
