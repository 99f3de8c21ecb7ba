"""Our passages and answers in llama-index's terms: nodes with the article's metadata, cited nodes
in citation order, and an answer's metadata."""
from __future__ import annotations

from typing import Any

from llama_index.core.schema import NodeRelationship, NodeWithScore, RelatedNodeInfo, TextNode

from rag.types import Answer, ArticleMeta, Passage

# Kept in the metadata, but not in the text a model reads or an embedder embeds: an id and a
# language code are noise there; the title, date and source let a model cite and place a passage.
NOT_FOR_LLM = ["article_id", "lang"]
NOT_FOR_EMBEDDING = ["article_id", "date", "lang", "source"]


def article_metadata(article: ArticleMeta) -> dict[str, str]:
    """The metadata every node and document carries: article_id, title, date, lang, source."""
    return {"article_id": article.id, "title": article.title, "date": article.date, "lang": article.lang,
            "source": article.source}


def passage_node(passage: Passage) -> NodeWithScore:
    """A passage as a scored TextNode whose id is our chunk id and whose source document is its article."""
    node = TextNode(id_=passage.chunk_id, text=passage.text, metadata=article_metadata(passage.article),
                    excluded_llm_metadata_keys=list(NOT_FOR_LLM),
                    excluded_embed_metadata_keys=list(NOT_FOR_EMBEDDING),
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=passage.article.id)})
    return NodeWithScore(node=node, score=passage.score)


def cited_nodes(answer: Answer) -> list[NodeWithScore]:
    """The passages the answer cites, as nodes in citation order: [1] first."""
    by_content = {(p.article.id, p.text): p for p in answer.passages}
    nodes = []
    for citation in sorted(answer.citations, key=lambda c: c.n):
        passage = by_content.get((citation.article.id, citation.text))
        if passage is None:  # a citation always quotes a retrieved passage; this keeps it if not
            passage = Passage(rank=0, score=0.0, text=citation.text, article=citation.article,
                              chunk_id=f"{citation.article.id}-cited-{citation.n}")
        nodes.append(passage_node(passage))
    return nodes


def answer_metadata(answer: Answer) -> dict[str, Any]:
    """What a llama-index response carries besides its text and sources: mode ("llm" or
    "extractive"), refusal (why the articles were found not to answer, "" when they do), warnings,
    language, timings and the citations (n, supported, quote, article) in the order of its source nodes."""
    return {"mode": answer.mode, "refusal": answer.refusal, "warnings": list(answer.warnings),
            "language": answer.language,
            "timings": dict(answer.timings),
            "citations": [{k: v for k, v in c.to_dict().items() if k != "text"}
                          for c in sorted(answer.citations, key=lambda c: c.n)]}
