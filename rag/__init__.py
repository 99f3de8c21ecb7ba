"""Citation-first question answering over news articles in Dutch and English.

    from rag import RAG
    rag = RAG("index/store")
    rag.ingest("index/articles")
    for passage in rag.search("Which countries did not sign the 2008 treaty?"):
        print(passage.rank, passage.article.title, passage.text[:80])
"""
from importlib import import_module

__all__ = ["RAG", "RagError", "Answer", "AnswerStream", "ArticleMeta", "Citation", "Passage"]
_WHERE = {"RAG": "rag.engine", "RagError": "rag.errors", "Answer": "rag.types", "AnswerStream": "rag.types",
          "ArticleMeta": "rag.types", "Citation": "rag.types", "Passage": "rag.types"}


def __getattr__(name: str):
    # Imported on first use, so `rag` on the command line can set up numpy's threads first.
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
