"""The web app, started for real on a loopback port and driven by the real gradio_client."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from conftest import EXAMPLE
from ollama_server import OllamaTestServer
from rag.engine import RAG

MODEL = "qwen2.5:7b"
XSS = ("date 2023-07 Poisoned wire copy about cluster munitions in Ukraine. <script>window.__xss = 1</script> "
       "The report named <img src=x onerror=\"window.__xss = 2\"> as a source on cluster munitions. "
       "Cluster munitions scatter bomblets over a wide area and many fail to explode.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(engine: RAG):
    from rag.ui.app import serve

    port = free_port()
    demo = serve(engine, port=port, block=False)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.fixture
def ollama():
    with OllamaTestServer(models=(MODEL,)) as server:
        yield server


@pytest.fixture
def live_app(tmp_path, use_embedder, ollama, copy_articles):
    """The app over its own index (built from the sample articles), answering through the test server."""
    engine = RAG(tmp_path / "index", encoder=use_embedder, ollama_host=ollama.url, model=MODEL)
    engine.ingest(copy_articles)
    demo, url = start(engine)
    yield engine, url
    demo.close()
    engine.close()


def ask(url: str, question: str, history=None):
    from gradio_client import Client

    job = Client(url, verbose=False).submit(question, history or [], api_name="/chat")
    updates = list(job)
    return updates, job.outputs()[-1]


def test_chat_endpoint_streams_a_cited_answer(live_app, ollama):
    engine, url = live_app
    ollama.reply("The United States, Russia and Ukraine stayed out of the convention [2].", chunk_size=3,
                 delay=0.01)
    updates, final = ask(url, EXAMPLE)
    partial = [u["answer"] for u in updates if set(u) == {"answer"}]
    assert len(partial) > 3 and all(final["answer"].startswith(p.strip()) or p.strip() in final["answer"]
                                    for p in partial)
    assert final["answer"] == "The United States, Russia and Ukraine stayed out of the convention [1]."
    assert final["mode"] == "llm" and final["language"] == "en"
    citation = final["citations"][0]
    assert citation["n"] == 1 and citation["text"] and citation["article"]["title"]


def test_chat_endpoint_without_ollama_is_extractive_and_says_why(tmp_path, use_embedder, copy_articles):
    engine = RAG(tmp_path / "index", encoder=use_embedder, ollama_host=f"http://127.0.0.1:{free_port()}")
    engine.ingest(copy_articles)
    demo, url = start(engine)
    try:
        _, final = ask(url, "Welke landen hebben het verdrag van 2008 niet ondertekend?")
    finally:
        demo.close()
    assert final["mode"] == "extractive" and final["language"] == "nl"
    assert final["answer"].startswith("Extractief antwoord")
    assert any("cannot reach Ollama" in w and "ollama serve" in w for w in final["warnings"])
    assert any("Rusland" in c["text"] for c in final["citations"])


def test_upload_then_ask_and_unsafe_names_stay_inside(live_app, tmp_path, ollama):
    from gradio_client import Client, handle_file

    engine, url = live_app
    sneaky = tmp_path / "..evil name?.txt"
    sneaky.write_text("date 2024-05 The town of Kalmthout opened a museum of antique tractors on Monday. "
                      "The mayor said forty-two machines are on show, the oldest built in 1921.", encoding="utf-8")
    binary = tmp_path / "tool.exe"
    binary.write_bytes(b"MZ\x00\x00")
    client = Client(url, verbose=False)
    status, table = client.predict([handle_file(str(sneaky)), handle_file(str(binary))], api_name="/upload")
    assert "1 added" in status and "tool.exe: refused, not a supported type" in status
    uploads = engine.settings.index / "uploads"
    saved = [p.name for p in uploads.iterdir()]
    assert len(saved) == 1 and "/" not in saved[0] and not saved[0].startswith(".")
    assert not (tmp_path / "evil name_.txt").exists()
    assert any("Kalmthout" in row[0] for row in table["data"])
    ollama.reply("A tractor museum opened in Kalmthout [1].")
    _, final = ask(url, "Where did a tractor museum open?")
    assert final["citations"][0]["article"]["source"].startswith(str(uploads))


def test_article_html_is_shown_as_text_never_run(tmp_path, use_embedder, ollama):
    from rag.ui.app import answer_html, sources_html

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "poison.txt").write_text(XSS, encoding="utf-8")
    with RAG(tmp_path / "index", encoder=use_embedder, ollama_host=ollama.url, model=MODEL) as engine:
        engine.ingest(docs)
        ollama.reply("It says <script>window.__xss = 3</script> bomblets fail to explode [1].")
        answer = engine.ask("What happens to cluster munition bomblets?")
    panel = sources_html(answer)
    chat = answer_html(answer.text)
    for rendered in (panel, chat):
        assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in panel and "&lt;img src=x onerror=" in panel
    assert "&lt;script&gt;window.__xss = 3&lt;/script&gt;" in chat
    assert '<sup><a href="#src-1">[1]</a></sup>' in chat


def test_two_people_at_once(live_app, ollama):
    engine, url = live_app
    ollama.reply("A slow answer that takes a while to write out in full [1].", chunk_size=1, delay=0.1)
    results = {}

    def slow():
        results["slow"] = ask(url, EXAMPLE)[1]

    worker = threading.Thread(target=slow)
    worker.start()
    deadline = time.monotonic() + 30
    while ollama.pending() and time.monotonic() < deadline:  # the slow reply has been taken
        time.sleep(0.05)
    _, quick = ask(url, "Who warned that the deliveries could lead to a nuclear war?")
    still_writing = worker.is_alive()
    worker.join(60)
    assert quick["citations"] and results["slow"]["answer"].startswith("A slow answer")
    assert still_writing  # the second person's answer did not wait for the first one's
