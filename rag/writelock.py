"""The index's locks: one writer at a time, and one process at a time in the embedded store's files.

Both are the operating system's (flock), so a process that is killed releases them at once:
no lock is ever left behind. The writer lock's side file only serves the message a waiting
writer shows; a stale one (its writer killed) is overwritten by the next holder.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from rag.errors import RagError

LOCK_FILE = "writer.lock"
HOLDER_FILE = "writer.json"
STORE_LOCK_FILE = "store.lock"


class IndexBusy(RagError):
    """Another process is writing to the index."""


@dataclass
class Holder:
    """The process writing to an index."""

    pid: int
    host: str
    command: str  # what it does: "ingest", "remove", "repair"
    argv: str  # how it was started
    since: float

    def describe(self) -> str:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.since))
        return f"the {self.command} started by pid {self.pid} on {self.host} at {started} ({self.argv})"


def read_holder(folder: Path) -> Holder | None:
    """Who holds the write lock of this index folder, as it wrote down (None if it did not say)."""
    try:
        return Holder(**json.loads((folder / HOLDER_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _describe(holder: Holder | None) -> str:
    return holder.describe() if holder else "another writer (it has not said who it is yet)"


def _write_holder(folder: Path, command: str) -> None:
    holder = Holder(pid=os.getpid(), host=socket.gethostname(), command=command,
                    argv=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200], since=time.time())
    tmp = folder / f".{HOLDER_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(asdict(holder)), encoding="utf-8")
    os.replace(tmp, folder / HOLDER_FILE)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def write_lock(folder: Path, command: str, wait: float, on_wait: Callable[[str], None] = say) -> Iterator[None]:
    """Hold the index's write lock; when another writer holds it, say so and wait up to `wait` seconds.

    Raises IndexBusy (a RagError) naming the holder when it is still held after `wait` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = read_holder(folder)
        if wait <= 0:
            raise IndexBusy(f"the index at {folder} is being written by {_describe(holder)} right now; "
                            "run this again when that has finished") from None
        on_wait(f"waiting for {_describe(holder)} to finish writing to {folder} (at most {wait:g} s)")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            holder = read_holder(folder) or holder
            raise IndexBusy(f"the index at {folder} is being written by {_describe(holder)}; gave up after "
                            f"waiting {wait:g} s. Run this again when that has finished (a killed writer "
                            "frees the index at once)") from None
    try:
        _write_holder(folder, command)
        yield
    finally:
        (folder / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


class StoreGuard:
    """Held while this process loads the embedded store's files or changes them.

    The embedded store rewrites its index files in whichever process loads or changes them: a
    process loading them while another rewrites them can crash, and two rewriting them at once
    corrupt them. Searching a store already loaded does neither, so it needs no lock.
    Re-entrant, and shared by this process's threads."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self._threads = threading.RLock()
        self._file = FileLock(str(folder / STORE_LOCK_FILE), thread_local=False)

    def __enter__(self) -> "StoreGuard":
        self._threads.acquire()
        try:
            self._file.acquire()
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.release()
        self._threads.release()
