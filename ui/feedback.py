"""Thumbs up and down on answers, appended to `feedback.jsonl` in the index folder.

Each line holds the time, the vote, the question, the answer and its citations (as `rag ask --json`
prints them), so that people can build their own evaluation set from use."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

from rag.types import Answer

FILE_NAME = "feedback.jsonl"
_lock = threading.Lock()


def record_feedback(folder: Path, answer: Answer, liked: bool) -> Path:
    """Append one vote; returns the file."""
    path = Path(folder) / FILE_NAME
    line = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "vote": "up" if liked else "down",
            **answer.to_dict()}
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
