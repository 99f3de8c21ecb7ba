"""Citation-first question answering over news articles in Dutch and English.

    from rag import RAG
    rag = RAG("index/store")
    rag.ingest("index/articles")
    for passage in rag.search("Which countries did not sign the 2008 treaty?"):
        print(passage.rank, passage.article.title, passage.text[:80])
"""
from rag.engine import RAG
from rag.errors import RagError
from rag.types import Answer, ArticleMeta, Citation, Passage

__all__ = ["RAG", "RagError", "Answer", "ArticleMeta", "Citation", "Passage"]
