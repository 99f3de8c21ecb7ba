"""The knowledge base's spellings (rag.casing.Spellings), kept current with its articles.

They are read from the chunks the store holds, and saved as a copy with the versions of the articles read (beside the
index, or in the cache folder for a knowledge base on a Chroma server). As `rag serve` starts, at a process's first
question typed without capitals, and at the first such question after each change, the articles committed are
compared with those, and the chunks of articles added (or of an article's new version) are read. Every chunk is read
again only once enough articles were removed or replaced (`STALE`). The copy is a cache: deleting it costs one
reading of the store (BENCHMARKS.md, section 3).
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

from rag.casing import Spellings
from rag.manifest import ArticleRecord, chunk_ids

FORMAT = 2  # of the saved copy (2: with the names that open a sentence)
# An article removed or replaced leaves its words counted (a name only it gave keeps its capitals) until more than this
# share of the articles were: then every chunk is read again (20 s at 100,000 chunks, BENCHMARKS.md section 3)
STALE = 0.1


class SpellingCache:
    """The spellings of a knowledge base's committed articles, read again only as far as they changed, and saved at
    `path`. The knowledge base gives its change counter (`generation`), its committed articles (`articles`) and its
    chunks' sentences (`sentences(chunk ids)`, every chunk's for None)."""

    def __init__(self, path: Path, *, generation: Callable[[], int], articles: Callable[[], list[ArticleRecord]],
                 sentences: Callable[[list[str] | None], Iterator[str]]):
        self.path = path
        self._changes, self._articles, self._sentences = generation, articles, sentences
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._versions: dict[str, str] = {}  # article id -> the version read
        self._stale = 0  # articles removed or replaced since every chunk was read
        self._table = Spellings()

    def current(self) -> Spellings:
        """The spellings as the knowledge base stands now."""
        generation = self._changes()
        with self._lock:
            if generation == self._generation:
                return self._table
            if self._generation is None:
                self._load()
            articles = self._articles()
            committed = {r.id: r.version for r in articles}
            if committed == self._versions:
                self._generation = generation
                return self._table
            self._stale += sum(committed.get(i) != v for i, v in self._versions.items())
            if not self._versions or self._stale > STALE * len(committed):
                self._table, self._stale = Spellings(), 0
                self._table.read(self._sentences(None))
            else:
                self._table.read(self._sentences([c for r in articles if self._versions.get(r.id) != r.version
                                                  for c in chunk_ids(r.id, r.version, r.chunks)]))
            self._versions, self._generation = committed, generation
            self._save()
            return self._table

    def _load(self) -> None:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("format") == FORMAT:
                table = Spellings.from_dict(saved["spellings"])
                self._versions, self._stale = dict(saved["articles"]), int(saved["stale"])
                self._table = table
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # none yet, or unreadable: read from the store

    def _save(self) -> None:
        """Written beside and moved into place: a half-written copy is never read."""
        saved = {"format": FORMAT, "articles": self._versions, "stale": self._stale,
                 "spellings": self._table.to_dict()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".spellings-")
        except OSError:
            return  # a read-only folder: read from the store at each process's first question instead
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(saved, f, ensure_ascii=False, separators=(",", ":"))
            os.chmod(tmp, 0o644)  # as readable as the index beside it (mkstemp makes it the owner's only)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
