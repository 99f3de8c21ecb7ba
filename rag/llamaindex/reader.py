"""The project's loaders as a llama-index reader."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

from llama_index.core.readers.base import BaseReader
from llama_index.core.schema import Document

from rag.errors import RagError
from rag.llamaindex.nodes import NOT_FOR_EMBEDDING, NOT_FOR_LLM, article_metadata
from rag.loaders import Article, LoadError, find_files, load_file
from rag.types import ArticleMeta

log = logging.getLogger(__name__)


class ArticleReader(BaseReader):
    """Files and folders, in every format `rag ingest` reads, as Documents: one per article, its id
    the article id the index gives it, its metadata article_id, title, date, lang and source.

    A file or line that cannot be read is logged and kept in `errors` (a LoadError naming it),
    and the others are read; with `raise_on_error=True` the load ends with a RagError listing
    them. Works as a `file_extractor` of SimpleDirectoryReader too (its `extra_info` is added
    to the metadata; files are read from the local disk, whatever `fs` it passes)."""

    def __init__(self, *, raise_on_error: bool = False):
        self.raise_on_error = raise_on_error
        self.errors: list[LoadError] = []

    def lazy_load_data(self, *paths: str | Path, extra_info: dict[str, Any] | None = None,
                       **_: Any) -> Iterator[Document]:
        files, self.errors = find_files([Path(p) for p in paths])
        for path in files:
            for item in load_file(path):
                if isinstance(item, LoadError):
                    self.errors.append(item)
                else:
                    yield article_document(item, extra_info)
        for error in self.errors:
            log.warning("%s", error)
        if self.errors and self.raise_on_error:
            raise RagError("some articles could not be read:\n" + "\n".join(map(str, self.errors)))


def article_document(article: Article, extra_info: dict[str, Any] | None = None) -> Document:
    meta = ArticleMeta(id=article.id, title=article.title, date=article.date, lang=article.lang,
                       source=article.source)
    return Document(id_=article.id, text=article.text, metadata={**(extra_info or {}), **article_metadata(meta)},
                    excluded_llm_metadata_keys=list(NOT_FOR_LLM), excluded_embed_metadata_keys=list(NOT_FOR_EMBEDDING))
