"""The engine's cited answers as a llama-index query engine."""
from __future__ import annotations

import asyncio
from typing import Any

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.response.schema import RESPONSE_TYPE
from llama_index.core.prompts.mixin import PromptMixinType
from llama_index.core.schema import NodeWithScore, QueryBundle

from rag.llamaindex.responses import CitedStreamingResponse, to_response
from rag.llamaindex.retriever import RagRetriever
from rag.types import Engine



class RagQueryEngine(BaseQueryEngine):
    """`RAG.ask` as a BaseQueryEngine: retrieval, refusal, prompt, citation check and the extractive
    fallback are the engine's own.

    `query` returns a Response (or, with `streaming=True`, a CitedStreamingResponse) whose text
    is the cited answer, whose `source_nodes` are the cited passages in citation order and whose
    `metadata` holds the mode ("llm" or "extractive") and the warnings. `use_llm=False` asks for
    the extractive answer; `model` picks another model of the engine's model server."""

    def __init__(self, rag: Engine, *, similarity_top_k: int | None = None, streaming: bool = False,
                 use_llm: bool = True, model: str | None = None, callback_manager: Any = None):
        super().__init__(callback_manager)
        self.rag = rag
        self.similarity_top_k = similarity_top_k
        self.streaming = streaming
        self.use_llm = use_llm
        self.model = model

    def _get_prompt_modules(self) -> PromptMixinType:
        return {}  # the prompts are the engine's own (prompts/), not llama-index templates

    def _query(self, query_bundle: QueryBundle) -> RESPONSE_TYPE:
        stream = self.rag.stream(query_bundle.query_str, k=self.similarity_top_k, model=self.model,
                                 use_llm=self.use_llm)
        if self.streaming:
            return CitedStreamingResponse.from_stream(stream)
        return to_response(stream.answer)

    async def _aquery(self, query_bundle: QueryBundle) -> RESPONSE_TYPE:
        return await asyncio.to_thread(self._query, query_bundle)

    def retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """The passages the engine would retrieve for this question, as nodes."""
        return RagRetriever(self.rag, similarity_top_k=self.similarity_top_k).retrieve(query_bundle)
