"""The web chat: a Gradio app over one RAG engine (`rag serve`).

`create_app(engine)` builds the app (tests hand it an engine over a test index and a test
Ollama server); `serve(engine, host, port, auth)` launches it, with a login limited to a few
failures a minute per client when `auth` is given. Everything an article, an answer or a file
name brings in is HTML-escaped before it is put on the page.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import math
import os
import re
import shutil
import threading
import time
import unicodedata
from collections import deque
from pathlib import Path
from typing import Any, Iterator

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr  # noqa: E402

from rag.engine import RAG  # noqa: E402
from rag.errors import LLMUnavailable, RagError  # noqa: E402
from rag.types import CITATION_MARKER, Answer, AnswerStream, Citation  # noqa: E402

EXAMPLES = ["Which countries did not sign the 2008 treaty?",
            "Welke landen hebben het verdrag van 2008 niet ondertekend?",
            "Who warned that the deliveries could lead to a nuclear war?",
            "Waarom is clustermunitie omstreden?"]
CONCURRENCY = 4  # answers written at once; more wait in the queue (pages stay responsive)
NO_SOURCES = "<p class='hint'>The passages an answer cites appear here.</p>"
WAITING = "<p class='hint'>Searching the articles…</p>"
QUEUED = "Waiting for a free answer slot…"  # replaced at once when one is free
QUEUED_SOURCES = f"<p class='hint'>{QUEUED}</p>"
CSS = """
.source { border-left: 3px solid #6b7280; padding: 4px 10px; margin: 10px 0; }
.source.unsupported { border-left-color: #dc2626; }
.source mark { background: #fde68a; color: inherit; }
.source .meta { color: #6b7280; font-size: 0.85em; }
.badge { color: #dc2626; font-size: 0.85em; margin-left: 6px; font-weight: 600; }
.banner { background: #fef3c7; border: 1px solid #f59e0b; color: #78350f; padding: 8px 12px;
          border-radius: 6px; margin: 0; }
.warnings { margin-top: 8px; color: #92400e; font-size: 0.9em; }
sup.cite a { text-decoration: none; }
sup.cite.unsupported a { color: #dc2626; }
.hint { color: #6b7280; }
"""
THEME = gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])


# ---- HTML, always from escaped text ----
def answer_html(text: str, answer: Answer | None = None) -> str:
    """Answer text for the chat: escaped, each [n] a link to its source, warnings under it."""
    unsupported = {c.n for c in answer.citations if not c.supported} if answer else set()

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n in unsupported:
            return (f'<sup class="cite unsupported"><a href="#src-{n}" title="this source may not support '
                    f'the claim">[{n}]</a></sup>')
        return f'<sup class="cite"><a href="#src-{n}">[{n}]</a></sup>'

    body = CITATION_MARKER.sub(link, html.escape(text).replace("\n", "<br>"))
    if answer and answer.warnings:
        body += '<div class="warnings">' + "".join(f"<p>⚠ {html.escape(w)}</p>" for w in answer.warnings) + "</div>"
    return body


def _highlight(passage: str, quote: str) -> str:
    """The escaped passage with the quoted sentence in <mark> (whitespace may differ)."""
    escaped = html.escape(passage)
    words = quote.split()
    if words:
        pattern = re.compile(r"\s+".join(re.escape(html.escape(w)) for w in words))
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped, count=1)
    return escaped.replace("\n", "<br>")


def _source_line(c: Citation) -> str:
    a = c.article
    where = html.escape(a.source)
    if re.match(r"https?://", a.source):
        where = f'<a href="{html.escape(a.source, quote=True)}" target="_blank" rel="noopener noreferrer">{where}</a>'
    return f'{html.escape(a.date or "no date")} · {html.escape(a.lang)} · {where}'


def sources_html(answer: Answer) -> str:
    """The sources panel: each cited passage with its article, the cited part highlighted."""
    parts = [f'<p class="hint">Sources for: <i>{html.escape(answer.question)}</i></p>']
    for c in answer.citations:
        badge = "" if c.supported else '<span class="badge">⚠ may not support what cites it</span>'
        parts.append(f'<div class="source{"" if c.supported else " unsupported"}" id="src-{c.n}">'
                     f'<b>[{c.n}] {html.escape(c.article.title)}</b>{badge}<br>'
                     f'<span class="meta">{_source_line(c)}</span>'
                     f'<p>{_highlight(c.text, c.quote)}</p></div>')
    if not answer.citations:
        parts.append("<p>No sources cited.</p>")
    return "\n".join(parts)


def _text(message: str) -> str:
    """Plain text for a Markdown status line: no tag can form, quotes stay readable."""
    return html.escape(message, quote=False).replace("\n", " ")


def show_banner(html_text: str) -> dict:
    """The banner's update: shown with this text, or hidden when there is nothing to say."""
    return gr.update(value=html_text, visible=bool(html_text))


def llm_banner_html(message: str) -> str:
    return (f'<p class="banner">No language model is reachable, so answers are extractive (the sentences of '
            f'the articles that answer, quoted): {html.escape(message)}.</p>')


# ---- uploads ----
def safe_upload_name(name: str) -> str:
    """A plain file name: no folders, no '..', no leading dot or dash, no odd characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.-]+", "_", base)
    base = re.sub(r"\.{2,}", ".", base).lstrip("._-")
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 10:
        base = f"{stem[:100].rstrip('.')}.{suffix}" if stem else suffix
    return base[:120] or "upload"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_new(source: Path, target: Path) -> bool:
    """Copy into a file that does not exist yet (False if another upload took the name first);
    never through an existing file or symlink."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return True


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
    """The app's behaviour, kept apart from the layout so it reads (and tests) as plain Python."""

    def __init__(self, engine: RAG):
        self.engine = engine
        self.uploads = Path(engine.settings.index) / "uploads"

    # ---- the model ----
    def llm_banner(self, model: str | None = None) -> str:
        """Empty when the model answers; else why not and how to fix it."""
        try:
            self.engine.check_model(model)
            return ""
        except LLMUnavailable as exc:
            return llm_banner_html(str(exc))
        except RagError as exc:
            return f'<p class="banner">{html.escape(str(exc))}</p>'

    def models(self) -> list[str]:
        """The models the server has, else (server down) the configured one."""
        try:
            found = self.engine.models()
        except RagError:
            found = []
        return sorted(set(found) | {self.engine.settings.model})

    def on_load(self):
        return (show_banner(self.llm_banner()),
                gr.update(choices=self.models(), value=self.engine.settings.model),
                self.article_rows())

    # ---- answering ----
    def stream(self, message: str, history: list[dict], model: str | None = None,
               k: float | None = None) -> AnswerStream:
        return self.engine.stream(message, plain_history(history), k=int(k) if k else None, model=model or None)

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
            return gr.skip(), gr.skip(), gr.skip(), ""
        chat = list(chat or []) + [{"role": "user", "content": html.escape(message)},
                                   {"role": "assistant", "content": f"<i>{html.escape(QUEUED)}</i>"}]
        return chat, QUEUED_SOURCES, "", message

    def respond(self, message: str, chat: list, plain: list, model: str | None, k: float | None):
        """The chat tab's second step: stream into the chatbot, then sources, plain history and banner
        (the question box is not touched: it may hold the next question already)."""
        message = (message or "").strip()
        if not message:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat = list(chat or [])
        if not (chat and _is_queued(chat[-1])):  # not shown by show_question (a direct call)
            chat += [{"role": "user", "content": html.escape(message)}, {}]
        chat[-1] = {"role": "assistant", "content": "…"}
        yield chat, WAITING, gr.skip(), gr.skip()
        text = ""
        try:
            stream = self.stream(message, plain, model, k)
            for piece in stream:
                text += piece
                chat[-1] = {"role": "assistant", "content": answer_html(text)}
                yield chat, gr.skip(), gr.skip(), gr.skip()
            answer = stream.answer
            chat[-1] = {"role": "assistant", "content": answer_html(answer.text, answer)}
            plain = list(plain or []) + [{"role": "user", "content": message},
                                         {"role": "assistant", "content": answer.text}]
            if answer.mode == "llm":
                banner = show_banner("")
            elif answer.warnings:  # the model failed: say why, if it is down
                banner = show_banner(self.llm_banner(model))
            else:
                banner = gr.skip()
            yield chat, sources_html(answer), plain, banner
        except RagError as exc:
            chat[-1] = {"role": "assistant", "content": f"<b>Error:</b> {html.escape(str(exc))}"}
            yield chat, NO_SOURCES, gr.skip(), gr.skip()
        except Exception:
            chat[-1] = {"role": "assistant", "content": "<b>Error:</b> something went wrong; the server log says what."}
            yield chat, NO_SOURCES, gr.skip(), gr.skip()
            raise

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
        status = "\n".join(f"- {_text(m)}" for m in messages)
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
        digest = _sha256(path)
        stem, suffix = os.path.splitext(name)
        for n in itertools.count(1):
            target = uploads / (name if n == 1 else f"{stem}-{n}{suffix}")
            if target.parent.resolve() != uploads.resolve():
                return None, False
            if target.is_symlink():  # planted, not an upload: removed, never followed
                target.unlink(missing_ok=True)
            if target.is_file() and _sha256(target) == digest:
                return target, False
            if not target.exists() and _copy_new(path, target):
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

    def article_rows(self) -> list[list]:
        try:
            return [[a.title, a.date, a.lang, a.chunks, a.id] for a in self.engine.articles()]
        except RagError:
            return []

    def remove(self, article_id: str) -> tuple[str, list[list]]:
        article_id = (article_id or "").strip()
        if not article_id:
            return "Give the id of an article (click its row in the table).", self.article_rows()
        try:
            record = self.engine.remove(article_id)
        except RagError as exc:
            return _text(str(exc)), self.article_rows()
        path = Path(record.path)
        # our own copy of an uploaded file goes too, unless another article still comes from it
        if path.parent.resolve() == self.uploads.resolve() and \
                not any(a.path == record.path for a in self.engine.articles()):
            path.unlink(missing_ok=True)
        return _text(f"Removed: {record.title} ({record.id})"), self.article_rows()


def _is_queued(turn: Any) -> bool:
    """Whether a chat turn is show_question's note that the answer waits for a slot."""
    return any(m["role"] == "assistant" and QUEUED in m["content"] for m in plain_history([turn]))


def _selected_id(evt: gr.SelectData) -> str:
    """The id (last column) of the article row the user clicked."""
    row = evt.row_value or []
    return str(row[-1]) if row else ""


def create_app(engine: RAG) -> gr.Blocks:
    """The Gradio app for this engine, queued; the chat is also the API endpoint `chat`."""
    engine.warm_up()
    app = ChatApp(engine)
    with gr.Blocks(title="News Q&A with citations", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        banner = gr.HTML("", elem_id="banner", visible=False)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Answers cite their sources as [n]", height=480, elem_id="chat",
                                         render_markdown=False, latex_delimiters=[], feedback_options=None)
                    question = gr.Textbox(placeholder="Ask about the articles, in Dutch or English",
                                          show_label=False, elem_id="question", max_lines=4)
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation", elem_id="new")
                    examples = gr.Examples(EXAMPLES, inputs=question, label="Examples (click to ask)",
                                           api_visibility="private")
                    with gr.Accordion("Settings (this session)", open=False):
                        model = gr.Dropdown([engine.settings.model], value=engine.settings.model,
                                            label="Ollama model", allow_custom_value=True, elem_id="model")
                        k = gr.Slider(1, 10, value=engine.settings.k, step=1, label="Passages to retrieve (k)",
                                      elem_id="k")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(NO_SOURCES, elem_id="sources")
        with gr.Tab("Knowledge base"):
            files = gr.File(file_count="multiple",  # types checked per file in upload(), each refusal named
                            label=f"Add articles ({', '.join(sorted(RAG.file_types()))}; at most "
                                  f"{engine.settings.max_upload_mb} MB each)")
            add = gr.Button("Add to the knowledge base", variant="primary")
            status = gr.Markdown(elem_id="status")
            table = gr.Dataframe(headers=["title", "date", "lang", "chunks", "id"], value=[],
                                 interactive=False, wrap=True, elem_id="articles",
                                 column_widths=["58%", "10%", "7%", "7%", "18%"])
            with gr.Row():
                remove_id = gr.Textbox(label="Article id to remove (click a row to fill it in)", elem_id="remove-id")
                remove = gr.Button("Remove")
        plain = gr.State([])  # the conversation as plain text, for follow-up questions
        asked = gr.State("")  # the question between the two steps below

        # Step one runs at once for everyone; step two waits for one of the CONCURRENCY answer
        # slots, its place in the queue shown over the chat and the sources meanwhile.
        show = dict(fn=app.show_question, inputs=[question, chatbot], outputs=[chatbot, sources, question, asked],
                    api_visibility="private", concurrency_limit=None, show_progress="hidden")
        ask = dict(fn=app.respond, inputs=[asked, chatbot, plain, model, k],
                   outputs=[chatbot, sources, plain, banner], api_visibility="private",
                   concurrency_id="answer", show_progress="full")
        question.submit(**show).then(**ask)
        send.click(**show).then(**ask)
        examples.load_input_event.then(**show).then(**ask)
        clear.click(lambda: ([], NO_SOURCES, []), None, [chatbot, sources, plain], api_visibility="private")
        add.click(app.upload, files, [status, table, files], api_name="upload")
        remove.click(app.remove, remove_id, [status, table], api_name="remove")
        table.select(_selected_id, None, remove_id, api_visibility="private")
        demo.load(app.on_load, None, [banner, model, table], api_visibility="private")
        gr.api(app.chat_api, api_name="chat", concurrency_id="answer")
    return demo.queue(default_concurrency_limit=CONCURRENCY)


class LoginGuard:
    """The login check, with a limit: after `attempts` failed logins within `window` seconds a
    client (IP address) is refused, without its password being checked, until the oldest of
    those failures is `window` seconds old. A success clears the client's failures."""

    def __init__(self, username: str, password: str, *, attempts: int = 5, window: float = 60.0):
        self._username, self._password = username.encode(), password.encode()
        self.attempts, self.window = attempts, window
        self.checks = 0  # passwords compared
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LoginGuard(attempts={self.attempts}, window={self.window:g})"

    def check(self, username: str, password: str) -> bool:
        """Gradio's auth callable: are these the configured username and password?"""
        with self._lock:
            self.checks += 1
        right_user = hmac.compare_digest(username.encode(), self._username)
        return hmac.compare_digest(password.encode(), self._password) and right_user

    def admit(self, client: str) -> float:
        """0 when `client` may try (the try counts as a failure until it succeeds), else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:  # forget clients whose failures have all expired
                self._failures = {c: f for c, f in self._failures.items() if f and f[-1] > now - self.window}
            failures = self._failures.setdefault(client, deque())
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) >= self.attempts:
                return failures[0] + self.window - now
            failures.append(now)
            return 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def message(self) -> str:
        return (f"After {self.attempts} failed logins within {self.window:g} s, a client must wait before "
                "it can try again.")


class LoginLimit:
    """ASGI middleware in front of Gradio's POST /login: a client over its limit is answered 429,
    with how long to wait, before any password is checked."""

    def __init__(self, app: Any, guard: LoginGuard):
        self.app, self.guard = app, guard

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or \
                not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.guard.admit(client)
        if wait:
            return await _refuse(send, client, wait)
        status = 0

        async def watch(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status == 200:
            self.guard.succeeded(client)


async def _refuse(send: Any, client: str, wait: float) -> None:
    seconds = math.ceil(wait)
    body = json.dumps({"detail": f"too many failed logins from {client}; try again in {seconds} s"}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def serve(engine: RAG, host: str = "127.0.0.1", port: int = 7860,
          auth: tuple[str, str] | LoginGuard | None = None, block: bool = True) -> gr.Blocks:
    """Start the app on host:port (loopback unless the caller says otherwise), with a login if `auth`:
    (username, password), limited by the login_attempts and login_window settings, or a LoginGuard."""
    from starlette.middleware import Middleware

    demo = create_app(engine)
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: the web chat listens on {host} without a login; set username and password "
              "in the config (or RAG_USERNAME/RAG_PASSWORD) to require one")
    guard = auth if isinstance(auth, LoginGuard) or auth is None else \
        LoginGuard(*auth, attempts=engine.settings.login_attempts, window=engine.settings.login_window)
    login = {} if guard is None else {"auth": guard.check, "auth_message": html.escape(guard.message()),
                                      "app_kwargs": {"middleware": [Middleware(LoginLimit, guard=guard)]}}
    demo.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=not block,
                max_file_size=f"{engine.settings.max_upload_mb}mb", css=CSS, theme=THEME,
                footer_links=["api"], quiet=not block, show_error=True, **login)
    return demo
