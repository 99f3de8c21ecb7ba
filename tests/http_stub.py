"""The HTTP side shared by the stand-in model servers (tests/ollama_server.py, tests/openai_server.py).

`StubServer` is the life of such a server: `start()` serves on a thread, `stop()` ends every open
reply (stalled ones too) and closes every connection, and a `with` block does both. It holds what
its handlers share: the request log `requests`, the count `hangups` of replies the client left
before their end, the queue of scripted replies, and `_lock`, `_stopping` and `_connections`.
`StreamingHandler` is the request handler they build on: keep-alive HTTP/1.1, no logging, replies
streamed as a chunked body one flushed piece at a time, and a stall that lasts until stop() or
until the client hangs up. Standard library only.
"""
from __future__ import annotations

import select
import socket
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, NoReturn, Optional, TypeVar

__all__ = ["Abort", "QuietHTTPServer", "StreamingHandler", "StubServer", "client_gone", "shut"]

S = TypeVar("S", bound="StubServer")


class Abort(Exception):
    """The reply is given up (server stopping, client gone, scripted drop): the connection is closed."""


def client_gone(conn: socket.socket) -> bool:
    """True when the peer has closed its end (a read would return end of file at once)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def shut(conn: socket.socket) -> None:
    """Shut both directions of a connection; one already closed is left as it is."""
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: Any  # the StubServer whose handlers these are

    def handle_error(self, request, client_address):  # a client that hung up is not an error here
        pass


class StreamingHandler(BaseHTTPRequestHandler):
    """A handler of a StubServer (`self.server.owner`); subclasses say what a stream's headers are."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as the servers these stand in for
    stream_headers: tuple[tuple[str, str], ...] = ()  # sent before Transfer-Encoding: chunked
    server: QuietHTTPServer

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each piece goes out at once
        owner = self.server.owner
        with owner._lock:
            owner._connections.add(self.connection)

    def finish(self):
        owner = self.server.owner
        with owner._lock:
            owner._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args):  # quiet
        pass

    def answer(self, route: Callable[..., None], *args: Any) -> None:
        """Run `route(*args)`, which answers the request; a reply given up (Abort) or a client found
        gone while writing closes the connection."""
        self._headers_sent = False
        try:
            route(*args)
        except Abort:
            self.close_connection = True
            shut(self.connection)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.client_left()

    def client_left(self) -> None:
        """What a write that found the client gone means to the server (the connection is closed
        anyway); nothing by default."""

    def count_hangup(self) -> None:
        owner = self.server.owner
        with owner._lock:
            owner.hangups += 1

    def start_stream(self) -> None:
        """The status line and headers of a streamed reply."""
        self._headers_sent = True
        self.send_response(200)
        for name, value in self.stream_headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, text: str) -> None:
        """One piece of the chunked body, flushed at once; the first one carries the headers if they were held."""
        if not self._headers_sent:
            self.start_stream()
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def stall(self) -> NoReturn:
        """Send nothing more until stop(), or until the client hangs up (counted in `hangups`)."""
        while not self.server.owner._stopping.wait(0.05):
            if client_gone(self.connection):
                self.count_hangup()
                break
        raise Abort


class StubServer:
    """An in-process stand-in server on a thread (a context manager), its requests answered by `handler`.

    Subclasses name their thread with `thread_name`, and set `url_path` when the API is not at the root."""

    thread_name = "stub-server"
    url_path = ""

    def __init__(self, handler: type[StreamingHandler], host: str, port: int) -> None:
        self.handler = handler
        self.requests: list[tuple[str, str, Optional[dict]]] = []
        self.hangups = 0  # replies the client left before their end
        self.url, self.port = "", 0
        self._address = (host, port)
        self._lock = threading.Lock()
        self._replies: deque = deque()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: Optional[QuietHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    def start(self: S) -> S:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = QuietHTTPServer(self._address, self.handler)
        httpd.owner = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.url = f"http://{self._address[0]}:{self.port}{self.url_path}"
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{self.thread_name}:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end every open reply (stalled ones too) and close every connection."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes stalled and delayed handlers
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # handlers waiting for a kept-alive connection's next request see its end
            shut(conn)
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: object) -> bool:
        self.stop()
        return False

    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._lock:
            return len(self._replies)

    def _record(self, method: str, path: str, body: Optional[dict]) -> None:
        with self._lock:
            self.requests.append((method, path, body))
