"""`rag doctor`: check each part the answers depend on, and say what to do about each problem."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.engine import RAG


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def run_checks(engine: "RAG") -> list[Check]:
    checks: list[Check] = []
    try:
        stats = engine.kb.stats()
        pending = len(engine.kb.manifest.all(state="pending"))
        detail = (f"{stats['index']} ({stats['store']}): {stats['articles']} articles, {stats['chunks']} chunks, "
                  f"built with embedder {stats['embedder']!r}")
        if pending:
            checks.append(Check("index", False, f"{detail}; {pending} articles from an interrupted ingest: "
                                "run 'rag ingest' on the same paths to finish it"))
        elif stats["articles"] == 0:
            checks.append(Check("index", False, f"{detail}; add articles with: rag ingest PATH"))
        else:
            checks.append(Check("index", True, detail))
        vector = engine.kb.embedder.embed(["doctor"])
        checks.append(Check("embedder", True, f"{engine.kb.embedder.spec} loads, {vector.shape[1]} dimensions"))
    except RagError as exc:
        checks.append(Check("index", False, str(exc)))
    try:
        models = engine.llm.models()
        checks.append(Check("ollama", True, f"server at {engine.llm.host} answers; models: "
                                            f"{', '.join(models) or 'none pulled yet'}"))
        engine.llm.check()
        checks.append(Check("model", True, f"{engine.llm.model} is available (context window sent: "
                                           f"num_ctx {engine.settings.num_ctx})"))
    except RagError as exc:
        name = "model" if "ollama pull" in str(exc) else "ollama"
        checks.append(Check(name, False, f"{exc}. Until then answers are extractive"))
    return checks
