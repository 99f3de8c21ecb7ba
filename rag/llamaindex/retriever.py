"""The engine's search as a llama-index retriever."""
from __future__ import annotations

from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from rag.llamaindex.nodes import passage_node
from rag.types import Engine



class RagRetriever(BaseRetriever):
    """`RAG.search` as a BaseRetriever: each passage a NodeWithScore, best first.

    The node's id is our chunk id, its metadata the article's (article_id, title, date, lang,
    source) and its source document the article. `since`, `until` and `lang` filter as
    `rag search` does. A query over the engine's question limit (2000 characters) is refused
    with a RagError, as everywhere else."""

    def __init__(self, rag: Engine, *, similarity_top_k: int | None = None, since: str = "", until: str = "",
                 lang: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.rag = rag
        self.similarity_top_k = similarity_top_k or rag.settings.k
        self.filters = {"since": since, "until": until, "lang": lang}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self.rag.search(query_bundle.query_str, self.similarity_top_k, **self.filters)
        return [passage_node(p) for p in passages]
