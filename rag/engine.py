"""The engine: one object behind the CLI, the Python API and the web UI."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Sequence

from rag.config import Settings, load_settings
from rag.embedders import Embedder
from rag.errors import RagError
from rag.knowledge_base import KnowledgeBase
from rag.manifest import ArticleRecord
from rag.types import Answer, AnswerStream, Passage

if TYPE_CHECKING:
    from rag.chat import ChatSession
    from rag.doctor import Check
    from llama_index.core.base.base_query_engine import BaseQueryEngine
    from llama_index.core.base.base_retriever import BaseRetriever
    from llama_index.core.chat_engine.types import BaseChatEngine


class RAG:
    """Open a knowledge base, ingest articles, search it and ask questions about it.

    >>> rag = RAG("index/store")           # or RAG() for the configured index
    >>> rag.ingest("index/articles")
    >>> rag.search("Which countries did not sign the 2008 treaty?", k=3)
    """

    def __init__(self, index: str | Path | None = None, *, settings: Settings | None = None,
                 encoder: Embedder | None = None, llm: Any = None, **overrides: Any):
        """`llm`, a llama-index LLM, writes the answers instead of the configured Ollama model."""
        if not isinstance(overrides.get("embedder"), (str, type(None))):
            raise TypeError("embedder= takes a spec string ('use', 'st:NAME'); pass a loaded embedder as encoder=")
        self.settings = (settings or load_settings()).with_overrides(index=index, **overrides)
        self._encoder = encoder  # an already loaded embedder to share, e.g. across engines
        self._kb: KnowledgeBase | None = None
        self._llm = None
        if llm is not None:
            from rag.llamaindex.llm import LlamaIndexLLM

            self._llm = LlamaIndexLLM(llm, self.settings)
        self._write_lock = threading.Lock()
        self._open_lock = threading.Lock()  # the web app's sessions may arrive at once

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            with self._open_lock:
                if self._kb is None:
                    self._kb = KnowledgeBase(self.settings, embedder=self._encoder)
        return self._kb

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None

    def __enter__(self) -> "RAG":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the knowledge base ----
    def ingest(self, *paths: str | Path, prune: bool = False,
               on_progress: Callable[[int, int, Any], None] | None = None):
        """Add or update the articles in these files and folders; returns an IngestReport."""
        from rag.ingest import Ingester

        with self._write_lock:
            if self._kb is None:
                self._kb = KnowledgeBase(self.settings, create=True, embedder=self._encoder)
            return Ingester(self._kb, on_progress).run([Path(p) for p in paths], prune=prune)

    def remove(self, article_id: str) -> ArticleRecord:
        """Remove one article (by id, see `articles()`) and its vectors."""
        with self._write_lock:
            return self.kb.remove(article_id)

    def articles(self) -> list[ArticleRecord]:
        return self.kb.articles()

    def stats(self) -> dict:
        """The knowledge base in numbers: index folder, store, embedder, articles, chunks."""
        return self.kb.stats()

    @staticmethod
    def file_types() -> frozenset[str]:
        """The file suffixes ingest reads (".txt", ".md", ".jsonl", ...)."""
        from rag.loaders import SUFFIXES

        return frozenset(SUFFIXES)

    @staticmethod
    def language_name(lang: str) -> str:
        """"Dutch" for "nl": the name of a language the engine knows (the code itself for another)."""
        from rag.language import language_name

        return language_name(lang, lang)

    # ---- the model ----
    def check_model(self, model: str | None = None) -> None:
        """Raise LLMUnavailable, saying why and how to fix it, unless the model server answers
        and has the model (the configured one by default)."""
        self.llm.check(model or None)

    def models(self) -> list[str]:
        """The models the model server has (raises RagError when it cannot be reached)."""
        return self.llm.models()

    def warm_up(self) -> None:
        """Open the index (if there is one) and the model client now, before several requests race to; read the
        articles' spellings meanwhile (for a large knowledge base on a server, seconds on a machine's first start)."""
        try:
            kb = self.kb
        except RagError:
            pass  # no index yet
        else:
            threading.Thread(target=kb.update_spellings, name="rag-spellings", daemon=True).start()
        self.llm

    def search(self, question: str, k: int | None = None, *, since: str = "", until: str = "",
               lang: str = "") -> list[Passage]:
        """Ranked passages for a question, each with its text, score and article."""
        from rag.casing import cased
        from rag.validation import check_question

        self.kb.refresh_if_changed()  # articles another process added or removed
        question = cased(check_question(question), self.kb.spellings)
        return self.kb.search(question, k, since=since, until=until, lang=lang)

    def evaluate(self, questions: str | Path, k: int = 5, split: str = "") -> dict:
        """Retrieval (recall@1/3/5, MRR) over a question set and, where it gives answers, the
        extractive answers and refusals (see rag.evaluation)."""
        from rag.evaluation import article_languages, evaluate, load_questions, stories

        chosen = [q for q in load_questions(Path(questions)) if not split or q.split == split]
        if not chosen:
            raise RagError(f"no questions of split {split!r} in {questions}; "
                           "a question's split is its \"split\" field")
        articles = self.kb.articles()

        def ask(question: str, history: list[str]) -> Answer:
            chat = self.chat(k=k, use_llm=False)
            for earlier in history:
                chat.ask(earlier)
            return chat.ask(question)

        return evaluate(lambda q, n: self.search(q, n), chosen, ask=ask, copies=stories(articles),
                        languages=article_languages(articles))

    # ---- answering ----
    @property
    def llm(self):
        if self._llm is None:
            from rag.backends import make_llm

            with self._open_lock:
                if self._llm is None:
                    self._llm = make_llm(self.settings)
        return self._llm

    def stream(self, question: str, history: Sequence[dict] = (), *, k: int | None = None,
               model: str | None = None, use_llm: bool = True, since: str = "", until: str = "",
               lang: str = "") -> AnswerStream:
        """The answer as it is written: iterate for its text, then `.answer` is the final Answer.

        `history` is the conversation so far as [{"role": "user"|"assistant", "content": ...}];
        `since`, `until` and `lang` keep the answer to those articles, as in `search`."""
        from rag.answering import Answerer

        def pieces() -> Generator[str, None, Answer]:
            self.kb.refresh_if_changed()  # articles another process added or removed
            return (yield from Answerer(self.kb, self.llm).stream(question, history, k=k, model=model,
                                                                  use_llm=use_llm, since=since, until=until,
                                                                  lang=lang))

        return AnswerStream(pieces())

    def ask(self, question: str, history: Sequence[dict] = (), *, k: int | None = None,
            model: str | None = None, use_llm: bool = True, since: str = "", until: str = "",
            lang: str = "") -> Answer:
        """Answer a question with citations: text, language, mode, citations, warnings, timings."""
        return self.stream(question, history, k=k, model=model, use_llm=use_llm, since=since, until=until,
                           lang=lang).answer

    def chat(self, **options: Any) -> "ChatSession":
        """A conversation that remembers its questions and answers (bounded by history_turns)."""
        from rag.chat import ChatSession

        return ChatSession(lambda question, history: self.stream(question, history, **options),
                           self.settings.history_turns)

    # ---- llama-index (rag.llamaindex; imported only here) ----
    def as_retriever(self, **options: Any) -> "BaseRetriever":
        """This engine's search as a llama-index retriever (similarity_top_k, since, until, lang)."""
        from rag.llamaindex import RagRetriever

        return RagRetriever(self, **options)

    def as_query_engine(self, **options: Any) -> "BaseQueryEngine":
        """Cited answers as a llama-index query engine (similarity_top_k, streaming, use_llm, model)."""
        from rag.llamaindex import RagQueryEngine

        return RagQueryEngine(self, **options)

    def as_chat_engine(self, **options: Any) -> "BaseChatEngine":
        """Cited conversations as a llama-index chat engine (similarity_top_k, use_llm, model, chat_history)."""
        from rag.llamaindex import RagChatEngine

        return RagChatEngine(self, **options)

    def doctor(self, deep: bool = False, repair: bool = False) -> list["Check"]:
        """Check the index, the embedder, the model server (or the llama-index LLM) and the model; each with what to do.

        `deep` reads every chunk back from the store and checks that a search returns it (slow on a
        large index); `repair` does that and fixes what it can (rag.doctor)."""
        from rag.doctor import run_checks

        return run_checks(lambda: self.kb, self.llm, deep=deep or repair, repair=repair)
