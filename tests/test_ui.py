"""The web app, started for real on a loopback port and driven by the real gradio_client."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ARTICLES, EXAMPLE
from processes import free_port, stop_process
from ollama_server import OllamaTestServer
from rag.engine import RAG

MODEL = "qwen2.5:7b"
OTHER = "llama3.1:8b"
XSS = ("date 2023-07 Poisoned wire copy about cluster munitions in Ukraine. <script>window.__xss = 1</script> "
       "The report named <img src=x onerror=\"window.__xss = 2\"> as a source on cluster munitions. "
       "Cluster munitions scatter bomblets over a wide area and many fail to explode.")
TRACTORS = ("date 2024-05 The town of Kalmthout opened a museum of antique tractors on Monday. "
            "The mayor said forty-two machines are on show, the oldest built in 1921.")


@contextlib.contextmanager
def running(engine: RAG):
    """The app for this engine, launched on a free loopback port; yields its URL."""
    from rag.ui.app import create_app

    demo = create_app(engine)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def small_index(tmp_path: Path, use_embedder, ollama_url: str, *texts: str, **settings) -> RAG:
    """A fresh index of its own in tmp_path: the treaty article plus `texts` (one file each)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "treaty.txt").write_text((ARTICLES / "05_verdrag-clustermunitie-2008.txt").read_text("utf-8"), "utf-8")
    for i, text in enumerate(texts):
        (docs / f"doc{i}.txt").write_text(text, encoding="utf-8")
    engine = RAG(tmp_path / "index", encoder=use_embedder, ollama_host=ollama_url, model=MODEL, **settings)
    report = engine.ingest(docs)
    assert report.failed == 0, report.errors
    return engine


def ask(url: str, question: str, history=None):
    """(every streamed update, the final answer) of the `chat` endpoint."""
    from gradio_client import Client

    job = Client(url, verbose=False).submit(question, history or [], api_name="/chat")
    updates = list(job)
    return updates, job.outputs()[-1]


@pytest.fixture
def ollama():
    with OllamaTestServer(models=(MODEL, OTHER)) as server:
        yield server


@pytest.fixture
def sample_app(sample_index, use_embedder, ollama):
    """The app over the shared sample index (read only), answering through the test server."""
    engine = RAG(sample_index, encoder=use_embedder, ollama_host=ollama.url, model=MODEL)
    with running(engine) as url:
        yield engine, url
    engine.close()


def test_chat_endpoint_streams_a_cited_answer(sample_app, ollama):
    from gradio_client import Client

    engine, url = sample_app
    info = Client(url, verbose=False).view_api(return_format="dict", print_info=False)["named_endpoints"]["/chat"]
    assert [p["parameter_name"] for p in info["parameters"]] == ["message", "history"]
    assert info["parameters"][1]["parameter_default"] == []
    ollama.reply("The United States, Russia and Ukraine stayed out of the convention [Passage 1].", chunk_size=3,
                 delay=0.01)
    updates, final = ask(url, EXAMPLE)
    partial = [u["answer"] for u in updates if set(u) == {"answer"}]
    assert len(partial) > 3 and all(final["answer"].startswith(p) for p in partial)
    assert final["answer"] == "The United States, Russia and Ukraine stayed out of the convention [1]."
    assert set(final) == {"question", "answer", "language", "mode", "refusal", "citations", "warnings"}
    assert final["mode"] == "llm" and final["language"] == "en" and final["question"] == EXAMPLE
    assert final["refusal"] == ""
    citation = final["citations"][0]
    assert citation["n"] == 1 and "Rusland" in citation["text"] and citation["article"]["title"]
    assert citation["article"]["date"] and citation["article"]["source"].endswith(".txt")


def test_follow_up_questions_use_the_history(sample_app, ollama):
    engine, url = sample_app
    ollama.reply("Which countries signed the 2008 cluster munitions treaty?")  # the follow-up, made standalone
    ollama.reply("More than 120 countries signed it [1].")
    history = [{"role": "user", "content": EXAMPLE},
               {"role": "assistant", "content": "The United States, Russia and Ukraine did not [1]."}]
    _, final = ask(url, "And who signed it?", history)
    assert final["answer"] == "More than 120 countries signed it [1]." and final["citations"]
    condense = [body for _, path, body in ollama.requests if path in ("/api/chat", "/api/generate")][0]
    assert EXAMPLE in str(condense) and "And who signed it?" in str(condense)


def test_session_settings_reach_the_engine(sample_app, ollama):
    from rag.ui.handlers import ChatApp

    engine, url = sample_app
    app = ChatApp(engine)  # the handlers behind the page
    banner, models, note, header, rows, chat, panel, earlier = app.on_load(None)
    assert banner["visible"] is False and models["choices"] == [OTHER, MODEL] and models["value"] == MODEL
    assert note == "" and chat == [] and earlier["choices"] == []
    assert len(rows) == len(engine.articles()) and all(len(row) == 5 for row in rows)
    assert f"{len(rows)} articles · English, Dutch · 2023-" in header
    *_, (chat, panel, store, banner, earlier) = app.respond(EXAMPLE, [], None, OTHER, 2)
    body = [b for _, path, b in ollama.requests if path == "/api/chat"][-1]
    assert body["model"] == OTHER and "[2]" in body["messages"][-1]["content"]
    assert "[3]" not in body["messages"][-1]["content"]  # k=2 passages
    assert chat[0] == {"role": "user", "content": EXAMPLE} and 'href="#src-0-1"' in chat[1]["content"]
    # the date and language filters keep the answer to those articles
    list(app.respond("Why are cluster munitions controversial?", [], None, OTHER, 5, "2023-07", "2023-07", "en"))
    prompt = [b for _, path, b in ollama.requests if path == "/api/chat"][-1]["messages"][-1]["content"]
    given = re.findall(r'^\[\d+\] "(.*)" \((.*)\)$', prompt, flags=re.M)
    english = {a.title for a in engine.articles() if a.lang == "en"}
    assert given and all(date.startswith("2023-07") and title in english for title, date in given)


def test_without_ollama_answers_are_extractive_and_say_why(sample_index, use_embedder):
    from rag.ui.handlers import ChatApp

    down = f"http://127.0.0.1:{free_port()}"
    engine = RAG(sample_index, encoder=use_embedder, ollama_host=down, model=MODEL)
    with running(engine) as url:
        _, final = ask(url, "Welke landen hebben het verdrag van 2008 niet ondertekend?")
    assert final["mode"] == "extractive" and final["language"] == "nl"
    assert final["answer"].startswith("Extractief antwoord")
    assert any(down in w and "ollama serve" in w for w in final["warnings"])
    assert any("Rusland" in c["text"] for c in final["citations"])
    app = ChatApp(engine)  # what the page shows: the banner with the fix, the configured model to pick
    assert down in app.llm_banner() and "ollama serve" in app.llm_banner() and "extractive" in app.llm_banner()
    found, note = app.models()  # the list says why it has only the configured model
    assert found == [MODEL] and down in note and "cannot be asked" in note
    engine.close()


def test_upload_then_ask_and_what_is_refused(tmp_path, use_embedder, ollama):
    from gradio_client import Client, handle_file

    engine = small_index(tmp_path, use_embedder, ollama.url, max_upload_mb=1)
    outside = tmp_path / "outside.txt"
    outside.write_text("not to be overwritten", encoding="utf-8")
    uploads = engine.settings.index / "uploads"
    uploads.mkdir()
    (uploads / "planted.txt").symlink_to(outside)  # a name that points out of the folder
    send = tmp_path / "send"
    send.mkdir()
    sneaky = send / "..evil name?.txt"
    sneaky.write_text(TRACTORS, encoding="utf-8")
    planted = send / "planted.txt"
    planted.write_text("date 2024-05 A planted file with a new article about beekeeping in Zeeland.", "utf-8")
    binary = send / "tool.exe"
    binary.write_bytes(b"MZ\x00\x00")
    big = send / "big.txt"
    big.write_text("Too big. " * 140_000, encoding="utf-8")  # 1.2 MB, over the 1 MB limit
    with running(engine) as url:
        client = Client(url, verbose=False)
        status, table, _ = client.predict([handle_file(str(p)) for p in (sneaky, planted, binary, big)],
                                          api_name="/upload")
        assert "2 added" in status and "0 failed" in status
        assert "tool.exe: refused, not a supported type" in status
        assert "big.txt: refused, larger than the 1 MB limit" in status
        saved = sorted(p.name for p in uploads.iterdir())  # gradio may have cleaned the name a bit already
        evil = next(name for name in saved if name != "planted.txt")
        assert len(saved) == 2 and "planted.txt" in saved and re.fullmatch(r"evil_name_?\.txt", evil)
        assert not (uploads / "planted.txt").is_symlink() and outside.read_text() == "not to be overwritten"
        titles = [row[0] for row in table["data"]]
        assert any("Kalmthout" in t for t in titles) and len(titles) == 3
        ollama.reply("A tractor museum opened in Kalmthout [1].")
        _, final = ask(url, "Where did a tractor museum open?")
        assert final["citations"][0]["article"]["source"] == str(uploads / evil)

        tractors = next(row[4] for row in table["data"] if "Kalmthout" in row[0])
        status, table = client.predict("no-such-id", api_name="/remove")
        assert "no article with id 'no-such-id'" in status and len(table["data"]) == 3
        status, table = client.predict(tractors, api_name="/remove")
        assert status.startswith("Removed:") and len(table["data"]) == 2
        assert not (uploads / evil).exists()
    engine.close()


@pytest.mark.parametrize("name, saved", [
    ("../../evil.txt", "evil.txt"), ("..\\..\\evil.txt", "evil.txt"), ("/etc/cron.d/x.txt", "x.txt"),
    ("..", "upload"), (".hidden.md", "hidden.md"), ("-rf .txt", "rf_.txt"), ("a/../../b.jsonl", "b.jsonl"),
    ("Verdrag België.pdf", "Verdrag_België.pdf"), ("x" * 300 + ".html", "x" * 100 + ".html"),
    ("evil.txt\x00.exe", "evil.txt_.exe"), ("....txt", "txt")])
def test_upload_names_stay_inside_the_folder(tmp_path, name, saved):
    from rag.ui.uploads import safe_upload_name

    assert safe_upload_name(name) == saved
    uploads = tmp_path / "uploads"
    assert (uploads / safe_upload_name(name)).resolve().parent == uploads.resolve()


def test_article_html_is_shown_as_text_never_run(tmp_path, use_embedder, ollama):
    from rag.ui.handlers import ChatApp
    from rag.ui.rendering import answer_html

    engine = small_index(tmp_path, use_embedder, ollama.url, XSS)
    app = ChatApp(engine)
    ollama.reply("It says <script>window.__xss = 3</script> bomblets *fail* to explode [1]. "
                 "[2](javascript:alert(1)) and [x](javascript:alert(2))")
    *_, (chat, panel, store, banner, _) = app.respond("What happens to cluster munition bomblets?",
                                                      [], None, MODEL, 3)  # what the chat tab shows
    shown = chat[-1]["content"]
    for rendered in (panel, shown, chat[0]["content"]):
        assert "<script" not in rendered and "<img" not in rendered and "javascript:alert" not in \
            rendered.replace("(javascript:alert", "")
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in panel and "&lt;img src=x onerror=" in panel
    assert "&lt;script&gt;window.__xss = 3&lt;/script&gt;" in shown and "<em>fail</em>" in shown
    assert 'href="javascript' not in shown and "[x](javascript:alert(2))" in shown
    assert '<a href="#src-0-1">[1]</a>' in shown and 'id="src-0-1"' in panel
    assert store["items"][0]["turns"][0]["answer"].startswith("It says <script>")  # kept as plain text
    assert "<mark>" in panel and banner == {"__type__": "update", "value": "", "visible": False}
    assert answer_html("<b>[2]</b>") == \
        '<p>&lt;b&gt;<sup class="cite"><a href="#src-0-2">[2]</a></sup>&lt;/b&gt;</p>\n'
    engine.close()


def test_unsupported_citations_and_warnings_are_marked():
    from rag.types import Answer, ArticleMeta, Citation
    from rag.ui.rendering import answer_html, sources_section

    url = 'https://example.org/a?x=1&y="><script>alert(1)</script>'
    article = ArticleMeta(id="a1", title="Title <i>x</i>", date="", lang="en", source=url)
    local = ArticleMeta(id="a2", title="Lokaal", date="2023-07-08", lang="nl", source="/home/me/news/lokaal.txt")
    sentences = ["One.", "First  sentence\nhere.", "Second one.", "Third.", "Fourth.", "Fifth here."]
    answer = Answer(question="Q?", text="Claim one [1]. Claim two [2].", language="en", mode="llm",
                    citations=[Citation(1, " ".join(sentences), article, True, "First sentence here.",
                                        ["First sentence here.", "Fifth here."], sentences),
                               Citation(2, "Other text.", local, False, "Other text.", ["Other text."])],
                    warnings=["Citation [2] may not <b>support</b> it"])
    chat, panel = answer_html(answer.text, answer, 3), sources_section(answer, 3)
    assert '<sup class="cite"><a href="#src-3-1">[1]</a></sup>' in chat
    assert '<sup class="cite unsupported"><a href="#src-3-2"' in chat
    assert '<div class="warnings"><p>⚠ Citation [2] may not &lt;b&gt;support&lt;/b&gt; it</p></div>' in chat
    assert '<pre class="copy-text">Claim one [1]. Claim two [2].\n\nSources:\n[1] Title &lt;i&gt;x' in chat
    assert '<div class="source" id="src-3-1">' in panel and '<div class="source unsupported" id="src-3-2">' in panel
    assert "may not support what cites it" in panel and "no date" in panel and "Title &lt;i&gt;x&lt;/i&gt;" in panel
    # every cited sentence marked, shown with its neighbours; the whole passage a click away
    assert "<mark>First  sentence<br>here.</mark>" in panel and "<mark>Fifth here.</mark>" in panel
    excerpt = panel.split('class="excerpt">')[1].split("</p>")[0]
    assert excerpt.startswith("One. <mark>First") and excerpt.endswith("<mark>Fifth here.</mark>")
    assert "<script" not in panel and 'href="https://example.org/a?x=1&amp;y=&quot;&gt;&lt;script&gt;' in panel
    assert "lokaal.txt</span>" in panel and "/home/me/news/lokaal.txt</span>" not in panel  # the file name only
    dutch = sources_section(Answer(question="V?", text="", language="nl", mode="llm"), 0)
    assert "Bronnen bij: <i>V?</i>" in dutch and "Geen bronnen aangehaald." in dutch
    dutch = sources_section(dataclasses.replace(answer, language="nl"), 3)
    assert "geen datum" in dutch and "no date" not in dutch and "ondersteunt mogelijk niet" in dutch


def test_two_people_at_once(sample_app, ollama):
    engine, url = sample_app
    ollama.reply("A slow answer that takes a while to write out in full [1].", chunk_size=2, delay=0.06)
    results = {}

    def slow():
        results["slow"] = ask(url, EXAMPLE)[1]

    worker = threading.Thread(target=slow)
    worker.start()
    deadline = time.monotonic() + 30
    while ollama.pending() and time.monotonic() < deadline:  # the slow reply has been taken
        time.sleep(0.02)
    _, quick = ask(url, "Who warned that the deliveries could lead to a nuclear war?")
    still_writing = worker.is_alive()
    worker.join(60)
    assert quick["citations"] and results["slow"]["answer"].startswith("A slow answer")
    assert still_writing  # the second person's answer did not wait for the first one's


def test_a_question_shows_at_once_and_says_it_waits_for_a_free_answer_slot(sample_app, ollama):
    from rag.ui.app import create_app
    from rag.ui.handlers import ChatApp
    from rag.ui.rendering import QUEUED

    engine, _ = sample_app
    app = ChatApp(engine)
    chat, box, asked = app.show_question(f"  {EXAMPLE} ", [])
    assert asked == EXAMPLE and box == "" and QUEUED in chat[-1]["content"]
    *_, (chat, panel, store, _, _) = app.respond(asked, chat, None, MODEL, 3)
    assert [turn["role"] for turn in chat] == ["user", "assistant"] and chat[0]["content"] == EXAMPLE
    assert QUEUED not in chat[1]["content"] and 'href="#src-0-1"' in chat[1]["content"]
    assert app.show_question("   ", chat)[2] == ""  # nothing asked: step two does nothing
    # the wiring: step one is outside the answer queue, step two in it, with its queue status shown
    steps = {f.name: f for f in create_app(engine).fns.values()}
    assert steps["show_question"].concurrency_limit is None
    assert steps["respond"].concurrency_id == "answer" and steps["respond"].show_progress == "full"
    assert steps["respond"].trigger_after is not None


def test_four_stalled_model_calls_do_not_keep_a_fifth_user_waiting(sample_index, use_embedder, ollama):
    from gradio_client import Client
    from gradio_client.utils import Status

    from rag.ui.app import CONCURRENCY

    engine = RAG(sample_index, encoder=use_embedder, ollama_host=ollama.url, model=MODEL, timeout=60,
                 first_token_timeout=2)
    for _ in range(CONCURRENCY):
        ollama.reply("Never sent [1].", stall_after=0)  # the model never starts writing
    ollama.reply("The United States, Russia and Ukraine stayed out of the convention [1].")
    with running(engine) as url:
        stalled = [Client(url, verbose=False).submit(EXAMPLE, [], api_name="/chat") for _ in range(CONCURRENCY)]
        deadline = time.monotonic() + 30
        while ollama.pending() > 1 and time.monotonic() < deadline:  # every answer slot holds a stalled call
            time.sleep(0.02)
        assert ollama.pending() == 1
        started = time.monotonic()
        fifth = Client(url, verbose=False).submit(EXAMPLE, [], api_name="/chat")
        seen = set()
        while not fifth.done() and time.monotonic() < started + 60:
            seen.add(fifth.status().code)
            time.sleep(0.05)
        waited = time.monotonic() - started
        final = fifth.outputs()[-1]
        given_up = [job.result(timeout=30) for job in stalled]
    engine.close()
    assert waited < 2 + 6, waited  # first_token_timeout and a few seconds, not the 60 s read timeout
    assert Status.IN_QUEUE in seen  # while it waited, the fifth user was told so (with its place)
    assert final["mode"] == "llm" and final["answer"].startswith("The United States, Russia and Ukraine")
    for answer in given_up:
        assert answer["mode"] == "extractive" and answer["citations"]
        assert any("wrote no answer within 2 s" in w for w in answer["warnings"]), answer["warnings"]
    assert ollama.hangups == CONCURRENCY


def _upload(client, *paths: Path) -> str:
    from gradio_client import handle_file

    status, _, _ = client.predict([handle_file(str(p)) for p in paths], api_name="/upload")
    return status


def test_a_same_named_upload_is_a_new_article_unless_it_is_the_same_file(tmp_path, use_embedder, ollama):
    from gradio_client import Client

    engine = small_index(tmp_path, use_embedder, ollama.url)
    uploads = engine.settings.index / "uploads"
    first, second = tmp_path / "one" / "news.txt", tmp_path / "two" / "news.txt"
    for path, text in ((first, TRACTORS), (second, "date 2024-06 Beekeepers in Zeeland counted 3,100 hives "
                                                   "this spring, the most since 1990, their union said.")):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    with running(engine) as url:
        client = Client(url, verbose=False)
        assert "1 added, 0 updated" in _upload(client, first)
        status = _upload(client, second)
        assert "1 added, 0 updated" in status and "news.txt: saved as news-2.txt" in status
        again = _upload(client, first)
        assert "0 added, 0 updated, 1 unchanged" in again and "saved as" not in again
    assert sorted(p.name for p in uploads.iterdir()) == ["news-2.txt", "news.txt"]
    assert (uploads / "news.txt").read_text() == TRACTORS and "Zeeland" in (uploads / "news-2.txt").read_text()
    sources = sorted(a.path for a in engine.articles() if Path(a.path).parent == uploads)
    assert sources == [str(uploads / "news-2.txt"), str(uploads / "news.txt")]
    engine.close()


def test_a_failed_upload_is_not_kept(tmp_path, use_embedder, ollama):
    from gradio_client import Client

    engine = small_index(tmp_path, use_embedder, ollama.url, max_upload_mb=1)
    uploads = engine.settings.index / "uploads"
    send = tmp_path / "send"
    send.mkdir()
    good, broken, empty = send / "good.txt", send / "broken.pdf", send / "empty.txt"
    good.write_text(TRACTORS, encoding="utf-8")
    broken.write_bytes(b"%PDF-1.7 this is not really a PDF")
    empty.write_text("   \n", encoding="utf-8")
    big = send / "big.txt"
    big.write_text("Too big. " * 140_000, encoding="utf-8")
    with running(engine) as url:
        client = Client(url, verbose=False)
        status = _upload(client, good, broken, empty, big)
        assert "1 added" in status and "2 failed" in status and "big.txt: refused" in status
        assert "broken.pdf: not added, so not kept" in status and "empty.txt: not added, so not kept" in status
        assert sorted(p.name for p in uploads.iterdir()) == ["good.txt"]
        empty.write_text("", encoding="utf-8")
        good_again = send / "again" / "good.txt"  # a failing file named like a good upload
        good_again.parent.mkdir()
        good_again.write_bytes(b"\x00\x01binary")
        status = _upload(client, good_again)
        assert "good-2.txt: not added, so not kept" in status
    assert sorted(p.name for p in uploads.iterdir()) == ["good.txt"] and (uploads / "good.txt").read_text() == TRACTORS
    engine.close()


def test_logins_are_limited_per_client(sample_index, use_embedder):
    import httpx

    from rag.ui.app import serve
    from rag.ui.login import LoginGuard

    engine = RAG(sample_index, encoder=use_embedder, ollama_host=f"http://127.0.0.1:{free_port()}", model=MODEL)
    guard = LoginGuard("ann", "right horse battery", attempts=5, window=4)
    port = free_port()
    demo = serve(engine, port=port, auth=guard, block=False)
    login = f"http://127.0.0.1:{port}/login"
    wrong = {"username": "ann", "password": "wrong"}
    right = {"username": "ann", "password": "right horse battery"}
    try:
        with httpx.Client() as attacker, \
                httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
            started = time.monotonic()
            codes = [attacker.post(login, data=wrong).status_code for _ in range(100)]
            refused = attacker.post(login, data=right)
            assert time.monotonic() - started < guard.window  # all within one window
            assert codes[:5] == [400] * 5 and codes[5:] == [429] * 95
            assert guard.checks == 5  # after the limit, no password is checked
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert "too many failed logins from 127.0.0.1; try again in" in refused.json()["detail"]
            welcome = other.post(login, data=right)  # another client is not blocked
            assert welcome.status_code == 200 and welcome.json() == {"success": True}
            time.sleep(max(0.0, started + guard.window + 0.2 - time.monotonic()))
            assert attacker.post(login, data=right).status_code == 200  # the window has passed
            assert guard.checks == 7
    finally:
        demo.close()
        engine.close()


def test_rag_serve_says_where_the_chat_is_and_nothing_about_sharing(sample_index):
    port = free_port()
    env = {**os.environ, "OLLAMA_HOST": f"http://127.0.0.1:{free_port()}"}
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(port), "--index",
                             str(sample_index)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = proc.stdout.readline()
        assert first.strip() == f"The web chat is at http://127.0.0.1:{port}/ (Ctrl-C stops it)"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and "News Q&amp;A" in page.read().decode()  # the header, in the page's config
    finally:
        stop_process(proc)
    rest = proc.stdout.read()
    assert "share" not in first + rest and "public link" not in first + rest


def test_a_conversation_from_the_browser_is_shown_escaped_and_bad_turns_left_out(sample_app):
    from rag.ui.handlers import ChatApp

    engine, _ = sample_app
    good = {"question": "<img src=x onerror=alert(1)>?", "answer": "Yes <b>[1]</b>", "language": "en",
            "mode": "llm", "warnings": [], "citations": [
                {"n": 1, "supported": True, "quote": "A.", "quotes": ["A."], "sentences": ["A.", "<script>B</script>"],
                 "article": {"id": "x", "title": "<i>T</i>", "date": "2023", "lang": "en", "source": "a.txt"}}]}
    store = {"current": "c1", "items": [{"id": "c1", "title": "<b>x</b>", "turns": [
        good, {"question": "no answer"}, {**good, "citations": [{"n": "one"}]}]}, "not a conversation"]}
    banner, models, note, header, rows, chat, panel, earlier = ChatApp(engine).on_load(store)
    assert len(chat) == 2 and chat[0]["content"] == "&lt;img src=x onerror=alert(1)&gt;?"
    assert "<b>" not in chat[1]["content"] and "&lt;b&gt;" in chat[1]["content"]
    assert "<script>" not in panel and "&lt;script&gt;B" in panel and "&lt;i&gt;T&lt;/i&gt;" in panel
    assert earlier["choices"] == [("<b>x</b>", "c1")] and earlier["value"] == "c1"  # a Radio shows it as text
    assert ChatApp(engine).on_load("garbage")[5] == []
