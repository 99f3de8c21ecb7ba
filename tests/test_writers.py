"""Several writers and readers on one index: nothing committed is ever lost or half-visible.

Writers are real `rag` processes, some killed with SIGKILL at a chosen point of their write
(the method that would do the next store write kills its own process instead)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import RAG_BIN, ROOT, run_rag
from rag.engine import RAG
from rag.errors import RagError
from rag.loaders import article_id

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import generate, write_jsonl  # noqa: E402

OLD = ("date 2023-07 The town council of Kalmthout voted on Monday to build a new bridge over the canal. "
       "The bridge will cost 4 million euros and open in the spring of 2025, the mayor said.")
NEW = ("date 2023-08 The town council of Zandvoort voted on Friday to close the beach boulevard to cars. "
       "The boulevard will be rebuilt for 9 million euros, with wider pavements and trees, the alderman said.")
OTHER = ("date 2023-07 The Black Sea grain corridor carried more than 30 million tonnes of Ukrainian wheat "
         "before Moscow walked away from the arrangement in July 2023.")
THIRD = ("date 2023-06 Finland joined the Ottawa treaty in 2012 after years of debate about the defence of "
         "its long eastern border with Russia.")

# The `rag` command, in a process where ChunkStore.<method> does <action> instead.
PATCHED = """
import os, signal, sys, time
from rag.cli import main
from rag.store import ChunkStore

real = ChunkStore.{method}

def patched(self, *args, **kwargs):
    {action}

ChunkStore.{method} = patched
sys.exit(main({argv!r}))
"""
KILL = "os.kill(os.getpid(), signal.SIGKILL)"
WRITE_THEN_KILL = "real(self, *args, **kwargs); os.kill(os.getpid(), signal.SIGKILL)"
# waits until the file {go} exists, or the time is {until}
HELD = ("while not os.path.exists({go!r}) and time.time() < {until}: time.sleep(0.05)\n"
        "    return real(self, *args, **kwargs)")


def patched_rag(method: str, action: str, *argv: str) -> list[str]:
    return [sys.executable, "-c", PATCHED.format(method=method, action=action, argv=list(argv))]


def run_killed(method: str, *argv: str, write_first: bool = False) -> None:
    command = patched_rag(method, WRITE_THEN_KILL if write_first else KILL, *argv)
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def consistent(engine: RAG) -> int:
    """Manifest, store and the rows beside it agree and every chunk reads back; returns the chunk count."""
    checks = {c.name: c for c in engine.doctor(deep=True)}
    assert checks["chunks"].ok, checks["chunks"].detail
    return engine.kb.manifest.count()[1]


def sources(engine: RAG, question: str, k: int = 3) -> list[str]:
    return [p.article.source for p in engine.search(question, k=k)]


def texts(engine: RAG, question: str, k: int = 5) -> str:
    return " ".join(p.text for p in engine.search(question, k=k))


@pytest.fixture
def engine(tmp_path, use_embedder):
    with RAG(tmp_path / "idx", encoder=use_embedder) as e:
        yield e


def test_concurrent_ingests_take_turns_and_every_article_is_found(tmp_path, engine):
    feeds = [write_jsonl(tmp_path / f"feed{n}.jsonl", generate(40, seed=n, unique=True)) for n in (1, 2)]
    index = str(engine.settings.index)
    # the first holds its store writes back until the second says it waits for the first (a minute at most)
    held = HELD.format(go=str(tmp_path / "go"), until=time.time() + 60)
    first = subprocess.Popen(patched_rag("add", held, "ingest", str(feeds[0]), "--index", index),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (engine.settings.index / "writer.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.Popen([str(RAG_BIN), "ingest", str(feeds[1]), "--index", index],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = ""
    while "waiting for the ingest" not in said and (line := second.stderr.readline()):
        said += line
    (tmp_path / "go").touch()
    (out1, err1), (out2, err2) = first.communicate(timeout=180), second.communicate(timeout=180)
    err2 = said + err2
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert "40 added" in out1 and "40 added" in out2
    assert f"waiting for the ingest started by pid {first.pid} on " in err2, err2

    assert len(engine.articles()) == 80
    consistent(engine)
    lost = []
    for n, feed in enumerate(feeds, start=1):
        for record in generate(40, seed=n, unique=True):
            question = " ".join(record["text"].split(". ")[:2])[:400]
            if article_id(record["url"]) not in {p.article.id for p in engine.search(question, k=5)}:
                lost.append(record["title"])
    assert lost == []


def test_killed_update_keeps_the_old_version_through_another_files_ingest(tmp_path, engine):
    docs = tmp_path / "docs"
    story = write(docs, "story.txt", OLD)
    engine.ingest(story)
    question = "What will the Kalmthout bridge cost?"
    assert sources(engine, question, k=1) == [str(story)]
    committed = [(r.id, r.hash, r.title) for r in engine.articles()]

    write(docs, "story.txt", NEW)
    run_killed("add", "ingest", str(story), "--index", str(engine.settings.index), write_first=True)
    # killed after the new version reached the store, before it was committed: the old one is what counts
    assert [(r.id, r.hash, r.title) for r in engine.articles()] == committed
    assert "Kalmthout" in texts(engine, question) and "Zandvoort" not in texts(engine, "Zandvoort boulevard")

    other = write(tmp_path / "more", "grain.txt", OTHER)
    result = run_rag("ingest", str(other), "--index", str(engine.settings.index))
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout and "1 left half-written by an interrupted write" in result.stdout
    assert sorted(r.path for r in engine.articles()) == sorted([str(story), str(other)])
    assert sources(engine, question, k=1) == [str(story)]
    assert "Kalmthout" in texts(engine, question) and "Zandvoort" not in texts(engine, "Zandvoort boulevard")
    consistent(engine)

    report = engine.ingest(story)  # now the update goes through, and only the new version remains
    assert (report.updated, report.repaired) == (1, 0)
    assert "Zandvoort" in texts(engine, "Zandvoort boulevard") and "Kalmthout" not in texts(engine, question)
    consistent(engine)


def test_killed_remove_is_hidden_everywhere_and_the_next_write_finishes_it(tmp_path, engine):
    docs = tmp_path / "docs"
    story, grain = write(docs, "story.txt", OLD), write(docs, "grain.txt", OTHER)
    engine.ingest(docs)
    victim = next(r for r in engine.articles() if r.path == str(story))
    assert "Kalmthout" in texts(engine, "Kalmthout bridge")

    run_killed("delete_article", "remove", victim.id, "--index", str(engine.settings.index))
    in_store = engine.kb.store.collection.get(where={"article_id": victim.id}, include=[])["ids"]
    assert in_store, "killed before the store delete: the chunks are still there"
    assert [r.path for r in engine.articles()] == [str(grain)]
    assert "Kalmthout" not in texts(engine, "Kalmthout bridge")
    assert engine.kb.live(in_store) == set()
    listed = run_rag("list", "--json", "--index", str(engine.settings.index))
    assert [a["id"] for a in json.loads(listed.stdout)] != [] and victim.id not in listed.stdout
    found = run_rag("search", "Kalmthout bridge", "--json", "--index", str(engine.settings.index))
    assert found.returncode == 0 and victim.id not in {r["article"]["id"] for r in json.loads(found.stdout)["results"]}

    report = engine.ingest(write(tmp_path / "more", "finland.txt", THIRD))  # any write finishes the removal
    assert (report.added, report.repaired) == (1, 1)
    assert engine.kb.store.collection.get(where={"article_id": victim.id}, include=[])["ids"] == []
    assert engine.kb.manifest.get(victim.id) is None
    consistent(engine)


def test_a_running_engine_sees_what_another_process_ingested(tmp_path, engine):
    docs = tmp_path / "docs"
    engine.ingest(write(docs, "story.txt", OLD))
    assert sources(engine, "What will the Kalmthout bridge cost?", k=1)  # the store is loaded now
    grain = write(tmp_path / "more", "grain.txt", OTHER)
    assert run_rag("ingest", str(grain), "--index", str(engine.settings.index)).returncode == 0
    assert sources(engine, "How much wheat did the Black Sea grain corridor carry?", k=1) == [str(grain)]
    assert str(grain) in [r.path for r in engine.articles()]

    assert run_rag("remove", article_id(str(grain)), "--index", str(engine.settings.index)).returncode == 0
    assert str(grain) not in sources(engine, "How much wheat did the Black Sea grain corridor carry?")


def _lose_vector(index: Path, chunk: str, engine: RAG) -> None:
    """Make the store count a chunk whose vector it cannot read, as two writers at once left it:
    delete the chunk, then put its record (text and metadata, no vector) back into Chroma's tables."""
    got = engine.kb.store.collection.get(ids=[chunk], include=["documents", "metadatas"])
    engine.kb.store.collection.delete(ids=[chunk])
    db = sqlite3.connect(index / "chroma" / "chroma.sqlite3")
    with db:
        segment, seq = db.execute("SELECT segment_id, MAX(seq_id) FROM embeddings").fetchone()
        row = db.execute("INSERT INTO embeddings (segment_id, embedding_id, seq_id) VALUES (?, ?, ?)",
                         (segment, chunk, seq)).lastrowid
        values = [(row, "chroma:document", got["documents"][0], None)]
        values += [(row, key, value if isinstance(value, str) else None, value if isinstance(value, int) else None)
                   for key, value in got["metadatas"][0].items()]
        db.executemany("INSERT INTO embedding_metadata (id, key, string_value, int_value) VALUES (?,?,?,?)", values)
    db.close()


def test_doctor_finds_chunks_that_are_counted_but_cannot_be_read(tmp_path, engine):
    docs = tmp_path / "docs"
    story = write(docs, "story.txt", OLD)
    for name, text in (("grain.txt", OTHER), ("finland.txt", THIRD)):
        write(docs, name, text)
    engine.ingest(docs)
    index = Path(engine.settings.index)
    chunks = sorted(engine.kb.store.collection.get(include=[])["ids"])
    healthy = {c.name: c for c in engine.doctor()}
    assert healthy["chunks"].ok and str(index) in healthy["index"].detail

    victim = next(c for c in chunks if c.startswith(article_id(str(story))))
    _lose_vector(index, victim, engine)
    assert engine.kb.store.count() == len(chunks)  # still counted
    quick = {c.name: c for c in engine.doctor()}
    assert not quick["chunks"].ok and "cannot be read" in quick["chunks"].detail
    assert f"rag doctor --repair --index {index}" in quick["chunks"].detail
    deep = {c.name: c for c in engine.doctor(deep=True)}
    assert not deep["chunks"].ok and "1 chunks are counted but their vectors cannot be read" in deep["chunks"].detail
    assert victim in deep["chunks"].detail

    repaired = {c.name: c for c in engine.doctor(repair=True)}
    assert "1 unreadable chunk vectors rebuilt" in repaired["repair"].detail and repaired["chunks"].ok
    assert "Kalmthout" in texts(engine, "What will the Kalmthout bridge cost?")

    engine.kb.store.collection.delete(ids=[victim])  # gone from the store altogether
    quick = {c.name: c for c in engine.doctor()}
    assert not quick["chunks"].ok
    assert f"the manifest counts {len(chunks)} chunks, but there are {len(chunks) - 1} in the store" in \
        quick["chunks"].detail
    deep = {c.name: c for c in engine.doctor(deep=True)}
    assert "1 chunks are counted in the manifest but missing from the store" in deep["chunks"].detail
    assert f"rag ingest {story} --index {index}" in deep["chunks"].detail
    engine.doctor(repair=True)
    assert engine.ingest(docs).updated == 1  # the repair marked the article to be written again
    consistent(engine)


def test_second_writer_names_the_holder_and_a_killed_holder_leaves_no_lock(tmp_path, engine):
    engine.ingest(write(tmp_path / "docs", "story.txt", OLD))
    index = Path(engine.settings.index)
    hold = ("import sys, time\nfrom pathlib import Path\nfrom rag.writelock import write_lock\n"
            f"with write_lock(Path({str(index)!r}), 'ingest', 0):\n"
            "    print('held', flush=True)\n    time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(RagError) as refused:
            with engine.kb.writing("remove", wait=0.5):
                pass
        assert time.monotonic() - started >= 0.5
        message = str(refused.value)
        assert f"the index at {index} is being written by the ingest started by pid {holder.pid} on " in message
        assert "gave up after waiting 0.5 s" in message
        doctor = {c.name: c for c in engine.doctor()}  # does not wait: says who writes, checks no counts
        assert "chunks" not in doctor and f"being written by the ingest started by pid {holder.pid}" in \
            doctor["index"].detail
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with engine.kb.writing("remove", wait=0):  # the kernel dropped the dead holder's lock
        assert json.loads((index / "writer.json").read_text())["pid"] == os.getpid()
    assert not (index / "writer.json").exists()
