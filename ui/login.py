"""The web chat's login, with a limit on failed attempts per client."""
from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections import deque
from typing import Any


class LoginGuard:
    """The login check, with a limit: after `attempts` failed logins within `window` seconds a
    client (IP address) is refused, without its password being checked, until the oldest of
    those failures is `window` seconds old. A success clears the client's failures."""

    def __init__(self, username: str, password: str, *, attempts: int = 5, window: float = 60.0):
        self._username, self._password = username.encode(), password.encode()
        self.attempts, self.window = attempts, window
        self.checks = 0  # passwords compared
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LoginGuard(attempts={self.attempts}, window={self.window:g})"

    def check(self, username: str, password: str) -> bool:
        """Gradio's auth callable: are these the configured username and password?"""
        with self._lock:
            self.checks += 1
        right_user = hmac.compare_digest(username.encode(), self._username)
        return hmac.compare_digest(password.encode(), self._password) and right_user

    def admit(self, client: str) -> float:
        """0 when `client` may try (the try counts as a failure until it succeeds), else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:  # forget clients whose failures have all expired
                self._failures = {c: f for c, f in self._failures.items() if f and f[-1] > now - self.window}
            failures = self._failures.setdefault(client, deque())
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) >= self.attempts:
                return failures[0] + self.window - now
            failures.append(now)
            return 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def message(self) -> str:
        return (f"After {self.attempts} failed logins within {self.window:g} s, a client must wait before "
                "it can try again.")


class LoginLimit:
    """ASGI middleware in front of Gradio's POST /login: a client over its limit is answered 429,
    with how long to wait, before any password is checked."""

    def __init__(self, app: Any, guard: LoginGuard):
        self.app, self.guard = app, guard

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or \
                not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.guard.admit(client)
        if wait:
            return await _refuse(send, client, wait)
        status = 0

        async def watch(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status == 200:
            self.guard.succeeded(client)


async def _refuse(send: Any, client: str, wait: float) -> None:
    seconds = math.ceil(wait)
    body = json.dumps({"detail": f"too many failed logins from {client}; try again in {seconds} s"}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
