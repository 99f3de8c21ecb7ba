"""The engine for llama-index users (needs llama-index-core; imported only when used, never by
`rag search`, `rag ask` or `rag serve`).

- RagRetriever: `RAG.search` as a retriever (`RAG.as_retriever()`);
- RagQueryEngine, RagChatEngine: cited answers as llama-index responses (`RAG.as_query_engine()`,
  `RAG.as_chat_engine()`);
- ArticleReader: files and folders as Documents, through the project's loaders;
- RagEmbedding: the project's embedder as a BaseEmbedding;
- LlamaIndexLLM: any llama-index LLM writing the engine's answers (`RAG(llm=...)`).
"""
from rag.llamaindex.chat_engine import CitedStreamingChatResponse, RagChatEngine
from rag.llamaindex.embedding import RagEmbedding
from rag.llamaindex.llm import LlamaIndexLLM
from rag.llamaindex.nodes import answer_metadata, article_metadata, cited_nodes, passage_node
from rag.llamaindex.query_engine import RagQueryEngine
from rag.llamaindex.reader import ArticleReader
from rag.llamaindex.responses import CitedStreamingResponse, to_response
from rag.llamaindex.retriever import RagRetriever

__all__ = ["ArticleReader", "CitedStreamingChatResponse", "CitedStreamingResponse", "LlamaIndexLLM",
           "RagChatEngine", "RagEmbedding", "RagQueryEngine", "RagRetriever", "answer_metadata",
           "article_metadata", "cited_nodes", "passage_node", "to_response"]
