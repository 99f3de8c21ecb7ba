"""Ingesting files into the knowledge base: formats, bad input, incremental updates, consistency."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import RAG_BIN, run_rag
from rag.config import Settings
from rag.engine import RAG
from rag.errors import RagError
from rag.names import spelling

TREATY_NL = ("date 2024-03 Het mijnenverbod van Ottawa uit 1997 telt inmiddels meer dan 160 lidstaten. "
             "China, Rusland en de Verenigde Staten zijn nooit toegetreden tot het verdrag. "
             "Finland trad pas in 2012 toe, na jaren van binnenlands debat over de verdediging van de lange oostgrens.")
GRAIN_EN = ("The Black Sea grain corridor carried more than 30 million tonnes of Ukrainian wheat, maize and "
            "barley before Moscow walked away from the arrangement in July 2023. Turkey and the United Nations "
            "had brokered the deal a year earlier in Istanbul.")


def consistent(engine: RAG) -> tuple[int, int]:
    """Manifest and vector store agree; returns (articles, chunks)."""
    kb = engine.kb
    records = kb.manifest.all(state=None)
    assert all(r.state == "done" for r in records)
    assert kb.store.article_ids() == {r.id for r in records}
    chunks = sum(r.chunks for r in records)
    assert kb.store.count() == chunks
    return len(records), chunks


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def make_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Grain corridor closes")
    y = 800
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 16
    pdf.save()
    return path


@pytest.fixture
def engine(tmp_path, use_embedder):
    with RAG(tmp_path / "index", encoder=use_embedder) as e:
        yield e


def test_every_format_keeps_its_metadata(tmp_path, engine):
    docs = tmp_path / "docs"
    write(docs, "ottawa.txt", TREATY_NL)
    write(docs, "grain.md", "---\ntitle: Grain deal ends\ndate: 2023-07-17\nurl: https://example.org/grain\n---\n"
          + GRAIN_EN)
    write(docs, "page.html", "<html><head><title>Leopards for Kyiv</title></head><body><nav>Home | World</nav>"
          "<article><h1>Leopards for Kyiv</h1><p>Germany agreed in January 2023 to send Leopard 2 battle tanks "
          "to Ukraine and allowed other countries to re-export theirs.</p><p>Poland had pressed Berlin for weeks "
          "before Chancellor Olaf Scholz gave his approval on a Wednesday.</p></article>"
          "<footer>Cookie settings</footer></body></html>")
    make_pdf(docs / "report.pdf", ["date 2023-07 The grain corridor closed after Russia left the deal.",
                                   "Wheat prices rose by eight percent on the Chicago exchange that day."])
    write(docs, "feed.jsonl", json.dumps({"title": "F-16 training starts", "date": "2023-08-20",
                                          "text": "Denmark and the Netherlands will train Ukrainian pilots on "
                                                  "F-16 fighter jets, the two governments announced on Sunday.",
                                          "url": "https://example.org/f16"}) + "\n")
    report = engine.ingest(docs)
    assert report.failed == 0, report.errors
    assert report.added == 5
    by_title = {r.title: r for r in engine.articles()}
    assert set(by_title) == {"Het mijnenverbod van Ottawa uit 1997 telt inmiddels meer dan 160 lidstaten.",
                             "Grain deal ends", "Leopards for Kyiv", "Grain corridor closes", "F-16 training starts"}
    ottawa = by_title["Het mijnenverbod van Ottawa uit 1997 telt inmiddels meer dan 160 lidstaten."]
    assert (ottawa.lang, ottawa.date) == ("nl", "2024-03")
    assert (by_title["Grain deal ends"].source, by_title["Grain deal ends"].date) == ("https://example.org/grain", "2023-07-17")
    assert by_title["Leopards for Kyiv"].lang == "en"
    assert by_title["F-16 training starts"].source == "https://example.org/f16"
    assert by_title["Grain corridor closes"].date == "2023-07"
    html_passages = engine.search("Which country allowed re-export of its tanks?", k=1)
    assert html_passages[0].article.title == "Leopards for Kyiv"
    assert "Cookie" not in html_passages[0].text and "Home | World" not in html_passages[0].text
    top = engine.search("Welke landen zijn nooit lid geworden van het mijnenverdrag?", k=1)[0]
    assert top.article.lang == "nl" and "China, Rusland" in top.text and top.article.date == "2024-03"


def test_bad_input_is_named_and_the_rest_is_ingested(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "good.txt", TREATY_NL)
    write(docs, "empty.txt", "")
    write(docs, "binary.txt", b"\x00\x01\x02PK\x03\x04" * 50)
    write(docs, "latin1.txt", "De minister sprak over de oorlog in Oekraïne en de gevolgen.".encode("latin-1"))
    write(docs, "broken.pdf", b"%PDF-1.4\n1 0 obj garbage that is not a pdf\n")
    write(docs, "feed.jsonl", json.dumps({"title": "ok", "text": GRAIN_EN}) + "\n{not json\n"
          + json.dumps({"title": "no text"}) + "\n")
    result = run_rag("ingest", str(docs), str(tmp_path / "missing-folder"), "--index", str(tmp_path / "idx"))
    assert result.returncode == 1
    err = result.stderr
    assert f"{docs / 'empty.txt'}: file is empty" in err
    assert f"{docs / 'binary.txt'}: binary file" in err
    assert f"{docs / 'latin1.txt'}: not valid UTF-8" in err
    assert f"{docs / 'broken.pdf'}: corrupt or unreadable PDF" in err
    assert f"{docs / 'feed.jsonl'}:2: invalid JSON" in err
    assert f"{docs / 'feed.jsonl'}:3: each line needs" in err
    assert f"{tmp_path / 'missing-folder'}: no such file or folder" in err
    assert "Traceback" not in err
    assert "2 added, 0 updated, 0 unchanged, 7 failed" in result.stdout
    listed = run_rag("list", "--json", "--index", str(tmp_path / "idx"))
    assert sorted(a["title"] for a in json.loads(listed.stdout)) == [
        "Het mijnenverbod van Ottawa uit 1997 telt inmiddels meer dan 160 lidstaten.", "ok"]


def test_reingest_is_incremental_and_deterministic(tmp_path, engine, copy_articles):
    first = engine.ingest(copy_articles)
    assert first.failed == 0 and first.added >= 12
    snapshot = sorted((r.id, r.hash, r.chunks) for r in engine.articles())
    chunks_before = engine.kb.store.collection.get(include=["documents", "metadatas"])
    again = engine.ingest(copy_articles)
    assert (again.added, again.updated, again.skipped, again.chunks) == (0, 0, first.added, 0)
    assert sorted((r.id, r.hash, r.chunks) for r in engine.articles()) == snapshot
    chunks_after = engine.kb.store.collection.get(include=["documents", "metadatas"])
    assert sorted(zip(chunks_before["ids"], chunks_before["documents"])) == \
        sorted(zip(chunks_after["ids"], chunks_after["documents"]))

    changed = sorted(copy_articles.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nUpdate: the ministry confirmed the figures "
                       "on Monday in Kalmthout.", encoding="utf-8")
    third = engine.ingest(copy_articles)
    assert (third.added, third.updated, third.skipped) == (0, 1, first.added - 1)
    assert engine.search("What was confirmed in Kalmthout?", k=1)[0].article.source == str(changed)
    consistent(engine)


def test_prune_and_remove_leave_no_vectors(tmp_path, engine, copy_articles):
    engine.ingest(copy_articles)
    n_articles, _ = consistent(engine)
    gone = sorted(copy_articles.glob("*.txt"))[1]
    gone_id = next(r.id for r in engine.articles() if r.path == str(gone))
    gone.unlink()
    report = engine.ingest(copy_articles, prune=True)
    assert report.removed == 1
    assert gone_id not in {r.id for r in engine.articles()}
    assert consistent(engine)[0] == n_articles - 1

    victim = engine.articles()[0]
    result = run_rag("remove", victim.id, "--index", str(engine.settings.index))
    assert result.returncode == 0 and victim.title[:30] in result.stdout
    engine.close()
    assert victim.id not in {r.id for r in engine.articles()}
    assert consistent(engine)[0] == n_articles - 2
    missing = run_rag("remove", "0000000000000000", "--index", str(engine.settings.index))
    assert missing.returncode == 2 and "no article with id '0000000000000000'" in missing.stderr


def test_a_name_or_date_looked_up_goes_with_its_article(tmp_path, engine, copy_articles):
    """The names and dates a chunk keeps for the lookup of what the question's vector misses are written and removed
    with it."""
    engine.ingest(copy_articles)
    assert "Tamar Gabelnick" in engine.ask("Who is Tamar Gabelnick?", use_llm=False).text
    assert "5 September 2023" in engine.ask("wat gebeurde er op 5 september", use_llm=False).text
    monitor = next(r for r in engine.articles() if "monitor" in r.source)
    named = {"names": {"$contains": spelling("Gabelnick")}}
    dated = {"dates": {"$contains": "5/9"}}
    assert engine.kb.store.collection.get(where=named)["ids"] and engine.kb.store.collection.get(where=dated)["ids"]
    engine.remove(monitor.id)
    assert not engine.kb.store.collection.get(where=named)["ids"]
    assert not engine.kb.store.collection.get(where=dated)["ids"]
    assert not engine.ask("Who is Tamar Gabelnick?", use_llm=False).citations
    assert not engine.ask("wat gebeurde er op 5 september", use_llm=False).citations


def test_articles_written_before_chunks_kept_names_are_written_again(tmp_path, engine, copy_articles, monkeypatch):
    """An index whose chunks keep no names or dates (built before they did) is brought up to date by the next
    ingest."""
    import rag.ingest

    monkeypatch.setattr(rag.ingest, "KEPT", "names")
    monkeypatch.setattr(rag.ingest, "_lookup_keys", lambda text: {})
    n = engine.ingest(copy_articles).added
    assert not engine.ask("Who is Tamar Gabelnick?", use_llm=False).citations
    assert not engine.ask("wat gebeurde er op 5 september", use_llm=False).citations
    monkeypatch.undo()
    report = engine.ingest(copy_articles)
    assert (report.updated, report.skipped) == (n, 0)
    assert "Tamar Gabelnick" in engine.ask("Who is Tamar Gabelnick?", use_llm=False).text
    assert "5 September 2023" in engine.ask("wat gebeurde er op 5 september", use_llm=False).text
    assert engine.ingest(copy_articles).skipped == n


def test_near_duplicates_do_not_crowd_results(tmp_path, engine):
    story = ("Ukrainian forces said on Tuesday they had retaken the village of Staromaiorske in the south of the "
             "Donetsk region. The general staff in Kyiv reported that Russian troops had withdrawn after days of "
             "artillery duels. Military analysts warned that the counteroffensive was still moving slowly "
             "through dense minefields and that the main Russian defence lines lay further south.")
    docs = tmp_path / "docs"
    write(docs, "a.txt", "date 2023-07 From our wire service. " + story + " Reporting by the Kyiv bureau.")
    write(docs, "b.txt", "date 2023-07 Breaking news this morning. " + story + " More updates follow tonight.")
    write(docs, "c.txt", "date 2023-07 " + GRAIN_EN)
    report = engine.ingest(docs)
    assert report.duplicates == 1
    titles = [p.article.source for p in engine.search("Which village did Ukraine retake?", k=3)]
    assert len(titles) == 2 and titles[0].endswith(("a.txt", "b.txt")) and titles[1].endswith("c.txt")


def test_interrupted_ingest_is_repaired(tmp_path, engine, copy_articles, monkeypatch):
    from rag.store import ChunkStore

    real_add = ChunkStore.add

    def add_then_die(self, ids, vectors, texts, metadatas):
        real_add(self, ids[: len(ids) // 2], vectors[: len(ids) // 2], texts[: len(ids) // 2],
                 metadatas[: len(ids) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(ChunkStore, "add", add_then_die)
    with pytest.raises(KeyboardInterrupt):
        engine.ingest(copy_articles)
    monkeypatch.setattr(ChunkStore, "add", real_add)
    engine.close()
    report = engine.ingest(copy_articles)
    assert report.repaired > 0 and report.failed == 0
    articles, chunks = consistent(engine)
    assert articles == len([p for p in copy_articles.iterdir() if p.suffix in (".txt", ".md")])

    with RAG(tmp_path / "clean", encoder=engine.kb.embedder) as clean:
        clean.ingest(copy_articles)
        assert consistent(clean) == (articles, chunks)


def test_killed_ingest_process_is_completed_by_the_next(tmp_path, copy_articles):
    for i in range(40):
        write(copy_articles, f"extra/{i:03d}.txt", f"date 2023-0{1 + i % 9} Article {i}. " + GRAIN_EN * 6)
    index = tmp_path / "idx"
    proc = subprocess.Popen([str(RAG_BIN), "ingest", str(copy_articles), "--index", str(index)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    manifest = index / "manifest.sqlite"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            done = sqlite3.connect(manifest).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            done = 0
        if done:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = run_rag("ingest", str(copy_articles), "--index", str(index))
    assert result.returncode == 0, result.stderr
    with RAG(index) as engine:
        articles, _ = consistent(engine)
    assert articles == len([p for p in copy_articles.rglob("*") if p.suffix in (".txt", ".md")])


def test_other_embedder_is_refused_with_the_fix(tmp_path, sample_index):
    result = run_rag("search", "anything", "--index", str(sample_index), "--embedder", "st:/nowhere")
    assert result.returncode == 2
    assert "was built with embedder 'use', not 'st:/nowhere'" in result.stderr
    assert "rag ingest PATH --index NEW_FOLDER --embedder st:/nowhere" in result.stderr


def test_missing_index_says_how_to_build_it(tmp_path):
    result = run_rag("search", "anything", "--index", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert f"no index at {tmp_path / 'nope'}. Build it first: rag ingest index/articles" in result.stderr


def test_settings_precedence(tmp_path, monkeypatch):
    from rag.config import load_settings

    config = tmp_path / "rag.toml"
    config.write_text('model = "from-file"\nk = 7\nnum_ctx = 4096\n')
    monkeypatch.setenv("RAG_CONFIG", str(config))
    monkeypatch.setenv("RAG_K", "9")
    monkeypatch.setenv("OLLAMA_HOST", "gpu-box")
    settings = load_settings(num_ctx=16384)
    assert (settings.model, settings.k, settings.num_ctx) == ("from-file", 9, 16384)
    assert settings.ollama_host == "http://gpu-box:11434"
    monkeypatch.setenv("RAG_K", "many")
    with pytest.raises(RagError, match="setting 'k' wants a whole number, got 'many'"):
        load_settings()
    assert isinstance(Settings().index, Path)


def test_progress_is_reported_inside_one_large_file(tmp_path, engine):
    feed = tmp_path / "feed.jsonl"
    with open(feed, "w", encoding="utf-8") as fh:
        for i in range(250):  # one short chunk each: four batches in one file
            fh.write(json.dumps({"title": f"Report {i}", "date": "2023-07-07",
                                 "text": f"The council met on day {i}. It approved budget line {i}."}) + "\n")
    calls = []
    report = engine.ingest(feed, on_progress=lambda done, total, r: calls.append((done, total, r.chunks)))
    assert report.added == 250
    inside = [chunks for done, total, chunks in calls if done == 0]
    assert len(inside) >= 2 and inside == sorted(inside) and inside[-1] < 250
    assert calls[-1] == (1, 1, 250)
