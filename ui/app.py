"""The web chat: a Gradio app over one RAG engine (`rag serve`)."""
from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path
from typing import Iterator

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr  # noqa: E402

from rag.engine import RAG  # noqa: E402
from rag.errors import LLMUnavailable, RagError  # noqa: E402
from rag.loaders import SUFFIXES  # noqa: E402
from rag.types import Answer  # noqa: E402

EXAMPLES = ["Which countries did not sign the 2008 treaty?",
            "Welke landen hebben het verdrag van 2008 niet ondertekend?",
            "Who warned that the deliveries could lead to a nuclear war?",
            "Waarom is clustermunitie omstreden?"]
CSS = """
.source { border-left: 3px solid #6b7280; padding: 4px 10px; margin: 8px 0; }
.source.unsupported { border-left-color: #dc2626; }
.source mark { background: #fde68a; }
.badge { color: #dc2626; font-size: 0.85em; margin-left: 6px; }
.banner { background: #fef3c7; border: 1px solid #f59e0b; padding: 8px 12px; border-radius: 6px; }
sup a { text-decoration: none; }
"""
_MARKER = re.compile(r"\[(\d{1,3})\]")


def answer_html(text: str) -> str:
    """Answer text for the chat: escaped, each [n] a link to its source below."""
    escaped = html.escape(text).replace("\n", "<br>")
    return _MARKER.sub(lambda m: f'<sup><a href="#src-{m.group(1)}">[{m.group(1)}]</a></sup>', escaped)


def sources_html(answer: Answer) -> str:
    """The sources panel: each cited passage with its article, the cited part highlighted."""
    parts = []
    for w in answer.warnings:
        parts.append(f'<p class="banner">{html.escape(w)}</p>')
    for c in answer.citations:
        a = c.article
        passage = html.escape(c.text)
        quote = html.escape(c.quote)
        if quote and quote in passage:
            passage = passage.replace(quote, f"<mark>{quote}</mark>", 1)
        badge = "" if c.supported else '<span class="badge">may not support the claim that cites it</span>'
        parts.append(f'<div class="source{"" if c.supported else " unsupported"}" id="src-{c.n}">'
                     f'<b>[{c.n}] {html.escape(a.title)}</b>{badge}<br>'
                     f'<small>{html.escape(a.date or "no date")} · {html.escape(a.lang)} · '
                     f'{html.escape(a.source)}</small><p>{passage.replace(chr(10), "<br>")}</p></div>')
    if not answer.citations and not answer.warnings:
        parts.append("<p>No sources cited.</p>")
    return "\n".join(parts)


def safe_upload_name(name: str) -> str:
    """A file name with no folders, no '..' and only plain characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip("._") or "upload"
    return base[:120]


class ChatApp:
    """The app's behaviour, kept apart from the layout so it reads (and tests) as plain Python."""

    def __init__(self, engine: RAG):
        self.engine = engine
        self.uploads = Path(engine.settings.index) / "uploads"

    def llm_banner(self) -> str:
        try:
            self.engine.llm.check()
            return ""
        except LLMUnavailable as exc:
            return f'<p class="banner">Answers are extractive: {html.escape(str(exc))}.</p>'
        except RagError as exc:
            return f'<p class="banner">{html.escape(str(exc))}</p>'

    def models(self) -> list[str]:
        try:
            found = self.engine.llm.models()
        except RagError:
            found = []
        return sorted(set(found) | {self.engine.settings.model})

    def stream(self, message: str, history: list[dict], model: str | None, k: int | None) -> Iterator[str | Answer]:
        yield from self.engine.stream(message, history, k=int(k) if k else None, model=model or None)

    def chat_api(self, message: str, history: list[dict] | None = None) -> Iterator[dict]:
        """Streams {"answer": text so far}, then the whole answer as `rag ask --json` prints it."""
        text = ""
        try:
            for item in self.stream(message, history or [], None, None):
                if isinstance(item, Answer):
                    yield item.to_dict()
                else:
                    text += item
                    yield {"answer": text}
        except RagError as exc:
            raise gr.Error(str(exc)) from None

    def upload(self, files: list | None, progress=gr.Progress()) -> tuple[str, list[list]]:
        """Copy uploads into the app's own folder, refuse what does not fit, ingest the rest."""
        messages, saved = [], []
        limit = self.engine.settings.max_upload_mb
        for f in files or []:
            path = Path(f if isinstance(f, str) else f.name)
            name = safe_upload_name(path.name)
            if Path(name).suffix.lower() not in SUFFIXES:
                messages.append(f"{path.name}: refused, not a supported type ({', '.join(sorted(SUFFIXES))})")
                continue
            if path.stat().st_size > limit * 1024 * 1024:
                messages.append(f"{path.name}: refused, larger than {limit} MB")
                continue
            self.uploads.mkdir(parents=True, exist_ok=True)
            target = (self.uploads / name).resolve()
            if self.uploads.resolve() not in target.parents:
                messages.append(f"{path.name}: refused, bad file name")
                continue
            shutil.copyfile(path, target)
            saved.append(target)
        if saved:
            report = self.engine.ingest(*saved, on_progress=lambda done, total, _: progress(done / max(total, 1)))
            messages.append(report.summary())
            messages.extend(report.errors)
        elif not messages:
            messages.append("No files were given.")
        return "\n".join(f"- {html.escape(m)}" for m in messages), self.article_rows()

    def article_rows(self) -> list[list]:
        try:
            return [[a.title, a.date, a.lang, a.chunks, a.id] for a in self.engine.articles()]
        except RagError:
            return []

    def remove(self, article_id: str) -> tuple[str, list[list]]:
        try:
            record = self.engine.remove(article_id.strip())
            message = f"Removed: {record.title}"
        except RagError as exc:
            message = str(exc)
        return html.escape(message), self.article_rows()


def create_app(engine: RAG) -> gr.Blocks:
    """The Gradio app for this engine; the chat is also the API endpoint `chat`."""
    app = ChatApp(engine)
    with gr.Blocks(title="News Q&A with citations", analytics_enabled=False) as demo:
        banner = gr.HTML(app.llm_banner)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Answers cite their sources as [n]", height=480,
                                         render_markdown=False)
                    question = gr.Textbox(placeholder="Ask about the articles, in Dutch or English",
                                          show_label=False, elem_id="question")
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation")
                    gr.Examples(EXAMPLES, inputs=question, label="Examples")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML("<p>The passages an answer cites appear here.</p>", elem_id="sources")
            with gr.Accordion("Settings", open=False):
                model = gr.Dropdown(app.models(), value=engine.settings.model, label="Ollama model",
                                    allow_custom_value=True)
                k = gr.Slider(1, 10, value=engine.settings.k, step=1, label="Passages to retrieve")
        with gr.Tab("Knowledge base"):
            files = gr.File(file_count="multiple", label=f"Add articles ({', '.join(sorted(SUFFIXES))})")
            add = gr.Button("Add to the knowledge base")
            status = gr.Markdown()
            table = gr.Dataframe(headers=["title", "date", "language", "chunks", "id"], value=app.article_rows,
                                 interactive=False, wrap=True)
            with gr.Row():
                remove_id = gr.Textbox(label="Article id to remove")
                remove = gr.Button("Remove")
        plain = gr.State([])  # the conversation as plain text, for follow-up questions

        def respond(message: str, history: list, plain_history: list, model_name: str, k_value: float):
            if not message.strip():
                yield history, gr.skip(), plain_history, "", gr.skip()
                return
            history = history + [{"role": "user", "content": html.escape(message)},
                                 {"role": "assistant", "content": ""}]
            text = ""
            try:
                for item in app.stream(message, plain_history, model_name, k_value):
                    if isinstance(item, Answer):
                        history[-1]["content"] = answer_html(item.text)
                        plain_history = plain_history + [{"role": "user", "content": message},
                                                         {"role": "assistant", "content": item.text}]
                        fallback = app.llm_banner() if item.mode == "extractive" and item.warnings else ""
                        yield history, sources_html(item), plain_history, "", fallback
                    else:
                        text += item
                        history[-1]["content"] = answer_html(text)
                        yield history, gr.skip(), plain_history, "", gr.skip()
            except RagError as exc:
                history[-1]["content"] = html.escape(f"Error: {exc}")
                yield history, gr.skip(), plain_history, "", gr.skip()

        inputs = [question, chatbot, plain, model, k]
        outputs = [chatbot, sources, plain, question, banner]
        question.submit(respond, inputs, outputs, api_visibility="private")
        send.click(respond, inputs, outputs, api_visibility="private")
        clear.click(lambda: ([], "<p>The passages an answer cites appear here.</p>", []), None,
                    [chatbot, sources, plain], api_visibility="private")
        add.click(app.upload, files, [status, table], api_name="upload")
        remove.click(app.remove, remove_id, [status, table], api_name="remove")
        gr.api(app.chat_api, api_name="chat")
    return demo


def serve(engine: RAG, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
          block: bool = True) -> gr.Blocks:
    """Start the app; several people can use it at once (a queue with four workers)."""
    demo = create_app(engine).queue(default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=port, auth=auth, share=False, prevent_thread_lock=not block,
                max_file_size=f"{engine.settings.max_upload_mb}mb", css=CSS,
                theme=gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["monospace"]),
                footer_links=[], quiet=not block)
    return demo
