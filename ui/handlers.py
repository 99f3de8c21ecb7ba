"""The web chat's handlers: what each action does with the engine (ask, upload, remove, the model list)."""
from __future__ import annotations

import html
import itertools
import os
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from rag.engine import RAG
from rag.errors import RagError
from rag.types import AnswerStream
from rag.ui import conversations
from rag.ui.feedback import record_feedback
from rag.ui.rendering import (QUEUED, WAITING, answer_html, header_html, llm_banner_html, no_sources, show_banner,
                              sources_panel, sources_section, status_text)
from rag.ui.uploads import copy_new, safe_upload_name, sha256_of


def plain_history(history: Any) -> list[dict]:
    """[{"role", "content"}] with text contents, whatever shape the caller sent."""
    plain = []
    for turn in history or []:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            continue
        content = turn.get("content")
        if isinstance(content, list):  # content blocks: keep the text ones
            content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
        if isinstance(content, str) and content.strip():
            plain.append({"role": turn["role"], "content": content})
    return plain


class ChatApp:
    """The app's behaviour, kept apart from the layout so it reads (and tests) as plain Python.

    It keeps no state between requests: the conversations travel with each request from the
    browser's storage (rag.ui.conversations), so any replica of the app can answer."""

    def __init__(self, engine: RAG):
        self.engine = engine
        self.uploads = Path(engine.settings.index) / "uploads"

    # ---- the model ----
    def llm_problem(self, model: str | None = None) -> str:
        """Empty when the model answers; else why not and how to fix it."""
        try:
            self.engine.check_model(model)
            return ""
        except RagError as exc:
            return str(exc)

    def llm_banner(self, model: str | None = None) -> str:
        problem = self.llm_problem(model)
        return llm_banner_html(problem) if problem else ""

    def models(self) -> tuple[list[str], str]:
        """The models the server has (with the configured one), and a note when it cannot say."""
        try:
            return sorted(set(self.engine.models()) | {self.engine.settings.model}), ""
        except RagError as exc:
            return [self.engine.settings.model], (f"The list of models is empty because the model server "
                                                  f"cannot be asked: {exc}.")

    def on_load(self, store: Any):
        """The page as it opens: banner, model list, header, article table, and the conversation kept."""
        found, note = self.models()
        articles = self._articles()
        chat, sources = self._conversation(store)
        current = conversations.current(store)
        return (show_banner(self.llm_banner()), gr.update(choices=found, value=self.engine.settings.model),
                note, header_html(articles), self.article_rows(articles), chat, sources,
                gr.update(choices=conversations.choices(store), value=current["id"] if current else None))

    # ---- answering ----
    def stream(self, message: str, history: list[dict], model: str | None = None, k: float | None = None,
               since: str = "", until: str = "", lang: str = "") -> AnswerStream:
        return self.engine.stream(message, plain_history(history), k=int(k) if k else None, model=model or None,
                                  since=(since or "").strip(), until=(until or "").strip(),
                                  lang="" if lang in (None, "", "any") else lang)

    def chat_api(self, message: str, history: list[dict] = []) -> Iterator[dict]:  # noqa: B006 (never mutated)
        """Streams {"answer": text so far}, then the whole answer as `rag ask --json` prints it:
        question, answer, language, mode, citations (n, text, article, supported, quote), warnings."""
        text = ""
        try:
            stream = self.stream(message, history)
            for piece in stream:
                text += piece
                yield {"answer": text}
            yield stream.answer.to_dict()
        except RagError as exc:
            raise gr.Error(str(exc)) from None

    def show_question(self, message: str, chat: list) -> tuple:
        """The chat tab's first step, outside the answer queue: the question shows at once, with a
        note that it waits for a free answer slot; the box is emptied and the question kept for step two."""
        message = (message or "").strip()
        if not message:
            return gr.skip(), "", ""
        chat = list(chat or []) + [{"role": "user", "content": html.escape(message)},
                                   {"role": "assistant", "content": f"<i>{html.escape(QUEUED)}</i>"}]
        return chat, "", message

    def respond(self, message: str, chat: list, store: Any, model: str | None, k: float | None,
                since: str = "", until: str = "", lang: str = ""):
        """The chat tab's second step: stream into the chatbot, then the sources, the conversation kept in
        the browser, the banner and the list of conversations (the question box is not touched: it may
        hold the next question already)."""
        message = (message or "").strip()
        if not message:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat = list(chat or [])
        if not (chat and _is_queued(chat[-1])):  # not shown by show_question (a direct call)
            chat += [{"role": "user", "content": html.escape(message)}, {}]
        chat[-1] = {"role": "assistant", "content": WAITING}
        earlier = conversations.answers(store)  # read once: the history, the turn number, the sources
        turn = len(earlier)
        yield chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        text = ""
        try:
            stream = self.stream(message, conversations.history(earlier), model, k, since, until, lang)
            for piece in stream:
                text += piece
                chat[-1] = {"role": "assistant", "content": answer_html(text, turn=turn)}
                yield chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            answer = stream.answer
            problem = "" if answer.mode == "llm" or not answer.warnings else self.llm_problem(model)
            chat[-1] = {"role": "assistant", "content": answer_html(answer.text, answer, turn, (problem,))}
            store = conversations.add(store, answer)
            banner = show_banner(llm_banner_html(problem) if problem else "") if answer.mode == "llm" or problem \
                else gr.skip()
            yield (chat, sources_panel([sources_section(a, i) for i, a in enumerate(earlier + [answer])]),
                   store, banner, gr.update(choices=conversations.choices(store), value=store["current"]))
        except RagError as exc:
            chat[-1] = {"role": "assistant", "content": f"<b>Error:</b> {html.escape(str(exc))}"}
            yield chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except Exception:
            chat[-1] = {"role": "assistant", "content": "<b>Error:</b> something went wrong; the server log says what."}
            yield chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
            raise

    def new_conversation(self, store: Any):
        store = conversations.start_new(store)
        return [], no_sources(), store, gr.update(choices=conversations.choices(store), value=None)

    def open_conversation(self, conversation_id: str | None, store: Any):
        store = conversations.open_one(store, conversation_id or "")
        chat, sources = self._conversation(store)
        return chat, sources, store

    def feedback(self, store: Any, data: gr.LikeData):
        """A thumbs up or down on an answer: noted in the conversation and in the feedback file."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        liked = data.liked is True or data.liked == "Like"
        store, answer = conversations.vote(store, int(index) // 2, liked)
        if answer is not None:
            record_feedback(Path(self.engine.settings.index), answer, liked)
        return store

    def _conversation(self, store: Any) -> tuple[list[dict], str]:
        """The chat and the sources panel of the store's current conversation, rendered anew."""
        chat, sections = [], []
        for turn, answer in enumerate(conversations.answers(store)):
            chat += [{"role": "user", "content": html.escape(answer.question)},
                     {"role": "assistant", "content": answer_html(answer.text, answer, turn)}]
            sections.append(sources_section(answer, turn))
        return chat, sources_panel(sections)

    # ---- the knowledge base ----
    def upload(self, files: list | None, progress=gr.Progress()) -> tuple[str, list[list], Any]:
        """Copy uploads into the app's own folder, refuse what does not fit, ingest the rest.

        A file named like an earlier upload is a new article under a new name, unless it is the
        same file again; a file that could not be ingested is not kept."""
        messages: list[str] = []
        saved: list[Path] = []  # to ingest
        written: list[Path] = []  # created by this call
        for f in files or []:
            path = Path(f if isinstance(f, str) else getattr(f, "path", None) or f.name)
            shown = path.name
            name = safe_upload_name(shown)
            refusal = self._refusal(path, name)
            target, created = (None, False) if refusal else self._place(path, name)
            if target is None:
                messages.append(f"{shown}: refused, {refusal or 'bad file name'}")
                continue
            if created and target.name != name:
                messages.append(f"{shown}: saved as {target.name}, as an earlier upload is named {name}")
            if created:
                written.append(target)
            if target not in saved:  # the same file twice in one upload is read once
                saved.append(target)
        if saved:
            messages[:0] = self._ingest_uploads(saved, written, progress)
        elif not messages:
            messages.append("No files were given.")
        status = "\n".join(f"- {status_text(m)}" for m in messages)
        return status, self.article_rows(), None

    def _refusal(self, path: Path, name: str) -> str:
        """Why this upload is refused ("" when it is not)."""
        if Path(name).suffix.lower() not in RAG.file_types():
            return f"not a supported type (supported: {', '.join(sorted(RAG.file_types()))})"
        limit = self.engine.settings.max_upload_mb
        if path.stat().st_size > limit * 1024 * 1024:
            return f"larger than the {limit} MB limit"
        return ""

    def _place(self, path: Path, name: str) -> tuple[Path | None, bool]:
        """(file in the uploads folder, whether it was created): an earlier upload with the same
        content, else a new file under `name` (name-2, name-3... when taken); None outside the folder."""
        uploads = self.uploads
        uploads.mkdir(parents=True, exist_ok=True)
        digest = sha256_of(path)
        stem, suffix = os.path.splitext(name)
        for n in itertools.count(1):
            target = uploads / (name if n == 1 else f"{stem}-{n}{suffix}")
            if target.parent.resolve() != uploads.resolve():
                return None, False
            if target.is_symlink():  # planted, not an upload: removed, never followed
                target.unlink(missing_ok=True)
            if target.is_file() and sha256_of(target) == digest:
                return target, False
            if not target.exists() and copy_new(path, target):
                return target, True
        raise AssertionError("unreachable")

    def _ingest_uploads(self, saved: list[Path], written: list[Path], progress: Any) -> list[str]:
        """Ingest the saved uploads; the ones this call wrote and nothing came from are deleted again."""
        progress(0, desc="Reading articles")

        def on_progress(done: int, total: int, report) -> None:
            progress(done / max(total, 1), desc=f"{done}/{total} files, {report.chunks} chunks")

        try:
            report = self.engine.ingest(*saved, on_progress=on_progress)
        except RagError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            return [str(exc)]
        messages = [report.summary(), *report.errors]
        indexed = {a.path for a in self.engine.articles()}
        for path in written:
            failed = any(e.startswith(f"{path}:") for e in report.errors)
            if failed and str(path) not in indexed:
                path.unlink(missing_ok=True)
                messages.append(f"{path.name}: not added, so not kept in the uploads folder")
        return messages

    def _articles(self) -> list:
        try:
            return self.engine.articles()
        except RagError:
            return []

    def article_rows(self, articles: list | None = None) -> list[list]:
        return [[a.title, a.date, a.lang, a.chunks, a.id] for a in (self._articles() if articles is None else articles)]

    def remove(self, article_id: str) -> tuple[str, list[list]]:
        article_id = (article_id or "").strip()
        if not article_id:
            return "Give the id of an article (click its row in the table).", self.article_rows()
        try:
            record = self.engine.remove(article_id)
        except RagError as exc:
            return status_text(str(exc)), self.article_rows()
        path = Path(record.path)
        # our own copy of an uploaded file goes too, unless another article still comes from it
        if path.parent.resolve() == self.uploads.resolve() and \
                not any(a.path == record.path for a in self.engine.articles()):
            path.unlink(missing_ok=True)
        return status_text(f"Removed: {record.title} ({record.id})"), self.article_rows()


def _is_queued(turn: Any) -> bool:
    """Whether a chat turn is show_question's note that the answer waits for a slot."""
    return any(m["role"] == "assistant" and QUEUED in m["content"] for m in plain_history([turn]))
