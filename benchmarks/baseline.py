"""The plain llama-index pipeline its tutorials show, as the yardstick for bench_compare.py.

    VectorStoreIndex over a ChromaVectorStore (an embedded chromadb.PersistentClient collection),
    the default node parser (Settings.node_parser: SentenceSplitter with its defaults, 1024 tokens,
    200 overlap), the default retriever (index.as_retriever(similarity_top_k=k)).

Only two things differ from a tutorial, both to make the comparison about the pipeline and nothing else:
- the embedder is the SAME one the project uses (`rag.embedders`), wrapped as a llama-index
  BaseEmbedding, so no OpenAI key or model download is involved;
- the articles are read with `rag.loaders.load_file`, so both pipelines see identical text.
  Each Document carries its source file name as `file_name` metadata, excluded from the embedded
  and LLM text exactly as SimpleDirectoryReader excludes it (the file names of the sample articles
  would otherwise leak topic words into the vectors).

`Settings.llm = None` (MockLLM): nothing in here can reach for OpenAI.
"""
from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path
from typing import Any, Sequence

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex  # noqa: E402
from llama_index.core.embeddings import BaseEmbedding  # noqa: E402
from llama_index.core.schema import TextNode  # noqa: E402
from llama_index.vector_stores.chroma import ChromaVectorStore  # noqa: E402
from pydantic import PrivateAttr  # noqa: E402

FILE_NAME = "file_name"
_EXCLUDED = [FILE_NAME]  # as SimpleDirectoryReader: the file name is not part of the embedded text


class WrappedEmbedder(BaseEmbedding):
    """One of the project's embedders (`.embed(list[str]) -> np.ndarray`) as a llama-index embedding."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Any, **kwargs: Any):
        super().__init__(model_name=f"rag:{embedder.spec}", **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "RagWrappedEmbedder"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(list(texts)).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


def configure(embed_model: BaseEmbedding | None = None) -> None:
    """Global llama-index settings: no LLM (MockLLM), and our embedder instead of OpenAI's default."""
    with contextlib.redirect_stdout(io.StringIO()):  # "LLM is explicitly disabled. Using MockLLM."
        Settings.llm = None
    if embed_model is not None:
        Settings.embed_model = embed_model


def load_documents(paths: Sequence[str | Path]) -> tuple[list[Document], list[str]]:
    """llama-index Documents with the text `rag.loaders` extracts; also the load errors."""
    from rag.loaders import LoadError, find_files, load_file

    files, errors = find_files([Path(p) for p in paths])
    problems = [str(e) for e in errors]
    documents = []
    for path in files:
        for item in load_file(path):
            if isinstance(item, LoadError):
                problems.append(str(item))
                continue
            documents.append(Document(text=item.text, metadata={FILE_NAME: path.name},
                                      excluded_embed_metadata_keys=list(_EXCLUDED),
                                      excluded_llm_metadata_keys=list(_EXCLUDED)))
    return documents, problems


class Baseline:
    """A tutorial-style llama-index RAG index in its own folder."""

    def __init__(self, folder: str | Path, embedder: Any, collection: str = "baseline"):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.folder = Path(folder)
        self.embed_model = WrappedEmbedder(embedder)
        configure(self.embed_model)
        self.client = chromadb.PersistentClient(path=str(self.folder),
                                                settings=ChromaSettings(anonymized_telemetry=False))
        # embedding_function=None: vectors are always passed in; Chroma's default function would
        # try to download an ONNX model if it were ever called. Distance: Chroma's default (l2).
        self.collection = self.client.get_or_create_collection(collection, embedding_function=None)
        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)
        self.storage_context = StorageContext.from_defaults(vector_store=self.vector_store)
        self.index = VectorStoreIndex.from_vector_store(self.vector_store, embed_model=self.embed_model)
        self._retrievers: dict[int, Any] = {}

    def count(self) -> int:
        return self.collection.count()

    def build(self, articles: str | Path | Sequence[str | Path]) -> dict:
        """Load files/folders (txt, md, html, pdf, jsonl) and index them the tutorial way.

        Returns {"seconds", "chunks", "documents", "errors"}; the time includes reading the files."""
        paths = [articles] if isinstance(articles, (str, Path)) else list(articles)
        before = self.count()
        started = time.perf_counter()
        documents, errors = load_documents(paths)
        self.index = VectorStoreIndex.from_documents(documents, storage_context=self.storage_context,
                                                     embed_model=self.embed_model, show_progress=False)
        seconds = time.perf_counter() - started
        self._retrievers.clear()
        return {"seconds": seconds, "chunks": self.count() - before, "documents": len(documents),
                "errors": errors}

    def search(self, question: str, k: int = 5) -> list[tuple[str, str]]:
        """The k nearest chunks as (text, source file name), best first."""
        retriever = self._retrievers.get(k)
        if retriever is None:
            retriever = self._retrievers[k] = self.index.as_retriever(similarity_top_k=k)
        return [(hit.node.get_content(), hit.node.metadata.get(FILE_NAME, "")) for hit in retriever.retrieve(question)]

    def insert_embedded(self, texts: Sequence[str], vectors: np.ndarray, sources: Sequence[str]) -> None:
        """Insert pre-computed chunks (TextNodes with `embedding` set; nothing is embedded again)."""
        nodes = [TextNode(text=text, embedding=vector.tolist(),
                          metadata={FILE_NAME: Path(source).name},
                          excluded_embed_metadata_keys=list(_EXCLUDED), excluded_llm_metadata_keys=list(_EXCLUDED))
                 for text, vector, source in zip(texts, np.asarray(vectors, dtype=np.float32), sources)]
        self.index.insert_nodes(nodes)
        self._retrievers.clear()
