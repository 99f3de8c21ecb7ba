"""The web chat: a Gradio app over one RAG engine (`rag serve`).

`create_app(engine)` builds the app (tests hand it an engine over a test index and a test
Ollama server); `serve(engine, host, port, auth)` launches it, with a login limited to a few
failures a minute per client when `auth` is given. Everything an article, an answer or a file
name brings in is HTML-escaped before it is put on the page.
"""
from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from rag.engine import RAG
from rag.ui.handlers import ChatApp
from rag.ui.login import LoginGuard, LoginLimit
from rag.ui import conversations
from rag.ui.rendering import header_html, no_sources

EXAMPLES = ["Which countries did not sign the 2008 treaty?",
            "Welke landen hebben het verdrag van 2008 niet ondertekend?",
            "Who warned that the deliveries could lead to a nuclear war?",
            "Waarom is clustermunitie omstreden?"]
HERE = Path(__file__).resolve().parent
THEME = gr.themes.Soft(primary_hue="blue", font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                       font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])
CONCURRENCY = 4  # answers written at once; more wait in the queue (pages stay responsive)


def _selected_id(evt: gr.SelectData) -> str:
    """The id (last column) of the article row the user clicked."""
    row = evt.row_value or []
    return str(row[-1]) if row else ""


def create_app(engine: RAG) -> gr.Blocks:
    """The Gradio app for this engine, queued; the chat is also the API endpoint `chat`."""
    engine.warm_up()
    app = ChatApp(engine)
    with gr.Blocks(title="News Q&A with citations", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        store = gr.BrowserState(conversations.empty(), storage_key="rag-news-conversations")
        header = gr.HTML(header_html([]), elem_id="header")
        banner = gr.HTML("", elem_id="banner", visible=False)
        with gr.Tab("Chat"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chatbot = gr.Chatbot(show_label=False, height="62vh", elem_id="chat", render_markdown=False,
                                         latex_delimiters=[], feedback_options=("Like", "Dislike"),
                                         autoscroll=True)
                    question = gr.Textbox(placeholder="Ask about the articles, in Dutch or English",
                                          show_label=False, elem_id="question", max_lines=4)
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation", elem_id="new")
                    examples = gr.Examples(EXAMPLES, inputs=question, label="Examples (click to ask)",
                                           api_visibility="private")
                    with gr.Accordion("Earlier conversations (kept in this browser)", open=False):
                        earlier = gr.Radio([], label="Open one", elem_id="conversations")
                    with gr.Accordion("Settings (this session)", open=False):
                        model = gr.Dropdown([engine.settings.model], value=engine.settings.model,
                                            label="Model", allow_custom_value=True, elem_id="model")
                        models_note = gr.Markdown("", elem_id="models-note")
                        k = gr.Slider(1, 10, value=engine.settings.k, step=1, label="Passages to retrieve (k)",
                                      elem_id="k")
                        with gr.Row():
                            since = gr.Textbox(label="From (YYYY, YYYY-MM or YYYY-MM-DD)", elem_id="since")
                            until = gr.Textbox(label="Up to", elem_id="until")
                            lang = gr.Dropdown([("any", "any")] + [(RAG.language_name(x), x) for x in ("nl", "en")],
                                               value="any", label="Articles in", elem_id="lang")
                with gr.Column(scale=2, min_width=280, elem_id="sources-col"):
                    gr.Button("×", elem_id="close-sources", size="sm")
                    sources = gr.HTML(no_sources(), elem_id="sources")
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
        asked = gr.State("")  # the question between the two steps below

        # Step one runs at once for everyone; step two waits for one of the CONCURRENCY answer
        # slots, its place in the queue shown over the chat meanwhile.
        show = dict(fn=app.show_question, inputs=[question, chatbot], outputs=[chatbot, question, asked],
                    api_visibility="private", concurrency_limit=None, show_progress="hidden")
        ask = dict(fn=app.respond, inputs=[asked, chatbot, store, model, k, since, until, lang],
                   outputs=[chatbot, sources, store, banner, earlier], api_visibility="private",
                   concurrency_id="answer", show_progress="full")
        question.submit(**show).then(**ask)
        send.click(**show).then(**ask)
        examples.load_input_event.then(**show).then(**ask)
        clear.click(app.new_conversation, store, [chatbot, sources, store, earlier], api_visibility="private")
        earlier.input(app.open_conversation, [earlier, store], [chatbot, sources, store], api_visibility="private")
        chatbot.like(app.feedback, store, store, api_visibility="private")
        add.click(app.upload, files, [status, table, files], api_name="upload").then(
            lambda: header_html(app._articles()), None, header, api_visibility="private")
        remove.click(app.remove, remove_id, [status, table], api_name="remove")
        table.select(_selected_id, None, remove_id, api_visibility="private")
        demo.load(app.on_load, store, [banner, model, models_note, header, table, chatbot, sources, earlier],
                  api_visibility="private")
        gr.api(app.chat_api, api_name="chat", concurrency_id="answer")
    return demo.queue(default_concurrency_limit=CONCURRENCY)


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
    demo.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=True,
                max_file_size=f"{engine.settings.max_upload_mb}mb", css_paths=[HERE / "chat.css"],
                head_paths=[HERE / "head.html"], theme=THEME, footer_links=["api"],
                quiet=True, show_error=True, **login)
    if block:
        print(f"The web chat is at {demo.local_url} (Ctrl-C stops it)", flush=True)
        demo.block_thread()
    return demo
