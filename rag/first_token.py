"""Give up on a model call whose first token is late, without touching any other call.

Shared by the model clients: each gives its model calls an httpx-style client (httpx or httpx2)
that opens a connection per call and runs `FirstTokenWatch.attach` as a request hook."""
from __future__ import annotations

import socket
import threading
from typing import Any


class FirstTokenWatch:
    """Hangs up one model call whose first part has not arrived within `seconds`.

    Used as `with watch: first = next(parts)`: the request, sent inside the block, gets a trace
    hook that learns its socket; a timer shuts that socket down when the time is up, which ends
    the blocked read at once (the server sees the client leave). `fired` then says why it ended."""

    _current = threading.local()

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> "FirstTokenWatch":
        self._current.watch = self
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._current.watch = None
        if self._timer is not None:
            self._timer.cancel()

    @classmethod
    def attach(cls, request: Any) -> None:
        """httpx request hook: give the request of the watched call a trace that reports its socket."""
        watch = getattr(cls._current, "watch", None)
        if watch is not None:
            request.extensions["trace"] = watch._trace

    def _trace(self, event: str, info: dict) -> None:
        if event != "connection.connect_tcp.complete":
            return
        sock = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._socket = sock
            if self.fired:
                _hang_up(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._socket is not None:
                _hang_up(self._socket)


def _hang_up(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
