"""One writer at a time for a knowledge base on a Chroma server, whichever machine it runs on.

The lock is the record `writer` in the knowledge base's meta collection. Chroma keeps the first
`add` of an id and ignores later ones, so of writers that try at once exactly one finds its own
token there. The holder renews the record's heartbeat every BEAT seconds while it writes. A
writer that is killed (or cut off) stops renewing it: once another writer has seen the same
heartbeat for `stale` seconds (the lock_stale setting) by its own clock (machines' clocks may differ), it breaks the lock,
so no lock is left behind for good. A waiting writer says who holds the lock and since when.
"""
from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterator

from rag.writelock import Holder, IndexBusy, say

KEY = "writer"
BEAT = 2.0  # seconds between heartbeats of the holder (at most a quarter of `stale`)


def _holder(meta: dict) -> Holder:
    return Holder(**{k: meta[k] for k in ("pid", "host", "command", "argv", "since")})


@contextmanager
def server_write_lock(meta: Any, where: str, command: str, wait: float, stale: float,
                      on_wait: Callable[[str], None] = say) -> Iterator[None]:
    """Hold the write lock of the knowledge base whose meta collection is `meta` (`where` names it
    in messages); when another writer holds it, say so and wait up to `wait` seconds, then raise IndexBusy."""
    token = secrets.token_hex(8)
    mine = {"token": token, "beat": 0, **asdict(Holder(pid=os.getpid(), host=socket.gethostname(), command=command,
                                                         argv=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
                                                         since=time.time()))}
    deadline, said, seen = time.monotonic() + wait, False, None  # seen: (their token, beat, when first seen)
    while True:
        meta.add(ids=[KEY], embeddings=[[0.0]], metadatas=[mine])
        got = meta.get(ids=[KEY], include=["metadatas"])
        theirs = got["metadatas"][0] if got["ids"] else None
        if theirs is None:
            continue  # broken or released just now: try again
        if theirs.get("token") == token:
            break
        now = time.monotonic()
        if seen is None or seen[:2] != (theirs["token"], theirs["beat"]):
            seen = (theirs["token"], theirs["beat"], now)
        elif now - seen[2] > stale:  # no sign of life: its writer is gone
            on_wait(f"breaking the lock of {_holder(theirs).describe()} on {where}: no sign of life for {stale:g} s")
            meta.delete(ids=[KEY], where={"token": theirs["token"]})
            continue
        if wait <= 0 or now > deadline:
            raise IndexBusy(f"{where} is being written by {_holder(theirs).describe()}; "
                            + (f"gave up after waiting {wait:g} s. " if wait > 0 else "")
                            + f"Run this again when that has finished (a killed writer's lock is broken "
                              f"{stale:g} s after its last sign of life)")
        if not said:
            on_wait(f"waiting for {_holder(theirs).describe()} to finish writing to {where} (at most {wait:g} s)")
            said = True
        time.sleep(0.5)
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(meta, mine, stop, min(BEAT, stale / 4)), daemon=True,
                            name="rag-writer-heartbeat")
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()
        meta.delete(ids=[KEY], where={"token": token})


def _beat(meta: Any, mine: dict, stop: threading.Event, every: float) -> None:
    """Renew the lock's heartbeat while it is ours."""
    while not stop.wait(every):
        try:
            got = meta.get(ids=[KEY], include=["metadatas"])
            if not got["ids"] or got["metadatas"][0].get("token") != mine["token"]:
                return  # broken by another writer: it will say so
            mine["beat"] += 1
            meta.update(ids=[KEY], metadatas=[mine])
        except Exception:  # the server is away for a moment: the next beat tries again
            continue
