"""A real Chroma server (`chroma run`) on 127.0.0.1 for the tests that cover server mode."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from processes import free_port, stop_process


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """Start `chroma run` with its data in `folder`; yields its URL; stops it afterwards."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "chroma.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path", str(folder / "data"),
                                 "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                    break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"chroma run did not start: {log_path.read_text()[-2000:]}") from None
                    time.sleep(0.2)
            yield url
        finally:
            stop_process(proc)
