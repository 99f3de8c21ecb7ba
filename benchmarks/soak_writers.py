"""Soak test: two `rag ingest` writers on one index, one killed (SIGKILL) at a random point, round after round.

Each round revises part of one feed's articles (so its ingest is an update), starts an ingest of
it and, a moment later, an ingest of another feed; then it kills one of the two at a random time.
A third process searches the index all along, as `rag serve` would, and must never fail.
After every round no article committed before it may be missing, and every chunk of a committed
version must still be in the store. At the end every feed is ingested once more, and every
article must be listed, every chunk read back whole and found by its own vector
(`RAG.doctor(deep=True)`; if that finds chunks to fix, `RAG.doctor(repair=True)` must fix them),
and the engine open since the start must see the same articles and chunks as a new process.

    .venv/bin/python benchmarks/soak_writers.py --rounds 20      # about 8 minutes on 2 cores

Prints "articles lost: N" and the counts; exits 1 if anything was lost. Everything stays on
this machine: the embedded store, the bundled embedder, no server.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import generate, write_jsonl

RAG_BIN = Path(sys.executable).with_name("rag")
ENV = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "OLLAMA_HOST": "http://127.0.0.1:9"}


def feeds(folder: Path, n_feeds: int, per_feed: int) -> list[list[dict]]:
    """`n_feeds` feeds of distinct articles (no sentence occurs twice)."""
    records = generate(n_feeds * per_feed, seed=5, unique=True)
    return [records[i * per_feed:(i + 1) * per_feed] for i in range(n_feeds)]


def revise(records: list[dict], rng: random.Random, round_no: int) -> None:
    """Change the text of about a third of a feed's articles, so ingesting it updates them."""
    for record in rng.sample(records, len(records) // 3):
        record["text"] += f" Revision {round_no} was published on day {rng.randint(1, 28)}."


def start_ingest(feed: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen([str(RAG_BIN), "ingest", str(feed), "--index", str(index)], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def committed(index: Path) -> dict[str, tuple[str, int]]:
    """article id -> (version, chunks) of every listed article, read straight from the manifest."""
    import sqlite3

    if not (index / "manifest.sqlite").exists():
        return {}
    db = sqlite3.connect(index / "manifest.sqlite", timeout=30)
    try:
        rows = db.execute("SELECT id, version, chunks FROM articles WHERE state='done'").fetchall()
    finally:
        db.close()
    return {article: (version, chunks) for article, version, chunks in rows}


def lost_after_round(before: dict[str, tuple[str, int]], index: Path, engine) -> tuple[set[str], int]:
    """Articles committed before the round that are no longer listed, and committed chunks not in the store."""
    from rag.manifest import chunk_ids

    after = committed(index)
    engine.kb.refresh_if_changed()
    in_store = set(engine.kb.store.ids())
    missing_chunks = sum(1 for article, (version, chunks) in after.items()
                         for c in chunk_ids(article, version, chunks) if c not in in_store)
    return set(before) - set(after), missing_chunks


def run_round(round_no: int, rng: random.Random, paths: list[Path], content: list[list[dict]], index: Path) -> str:
    """One round: revise a feed, ingest it and another feed at once, kill one of them; returns what happened."""
    first, second = rng.sample(range(len(paths)), 2)
    revise(content[first], rng, round_no)
    write_jsonl(paths[first], content[first])
    writers = [start_ingest(paths[first], index)]
    time.sleep(rng.uniform(0.2, 2.0))
    writers.append(start_ingest(paths[second], index))
    victim = rng.randrange(2)
    delay = rng.uniform(1.0, 12.0)
    time.sleep(delay)
    killed = writers[victim].poll() is None
    if killed:
        writers[victim].send_signal(signal.SIGKILL)
    for w in writers:
        try:
            w.wait(timeout=300)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()
    failed = [w for i, w in enumerate(writers) if w.returncode != 0 and not (killed and i == victim)]
    for w in failed:
        print(f"  a writer that was not killed failed ({w.returncode}): {w.stderr.read()[-500:]}", file=sys.stderr)
    what = (f"killed the ingest of feed {(first, second)[victim]} after {delay:.1f} s" if killed
            else "no kill (both had finished)")
    return what + (f"; {len(failed)} writers failed" if failed else "")


READER = """
import sys, time
from pathlib import Path
from rag.engine import RAG
from rag.errors import RagError

index, stop = Path(sys.argv[1]), Path(sys.argv[2])
searches = misses = 0
while not stop.exists():
    try:
        with RAG(index) as engine:
            while not stop.exists():
                searches += 1
                misses += not engine.search("How much wheat did the grain corridor carry?", k=5)
    except RagError:  # no index yet
        time.sleep(0.2)
print(searches, misses)
"""


def start_reader(index: Path, stop: Path) -> subprocess.Popen:
    """A process that searches the index all the time, as `rag serve` would (it sees each change)."""
    return subprocess.Popen([sys.executable, "-c", READER, str(index), str(stop)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_reader(reader: subprocess.Popen, stop: Path) -> str:
    """Stop the reader; what it did, or how it failed."""
    stop.touch()
    out, err = reader.communicate(timeout=120)
    if reader.returncode != 0:
        return f"FAILED (exit {reader.returncode}): {err.strip()[-500:]}"
    searches, empty = out.split()
    return f"{searches} searches while the writers ran, {empty} with no result, no error"


FRESH_VIEW = """
import json, sys
from pathlib import Path
from rag.engine import RAG

with RAG(Path(sys.argv[1])) as engine:
    print(json.dumps({"articles": sorted(a.id for a in engine.articles()), "chunks": sorted(engine.kb.store.ids())}))
"""


def fresh_view(index: Path) -> dict[str, list[str]]:
    """The articles listed and the chunk ids stored, as a process that opens the index now sees them."""
    import json

    out = subprocess.run([sys.executable, "-c", FRESH_VIEW, str(index)], env=ENV, check=True,
                         capture_output=True, text=True, timeout=600).stdout
    return json.loads(out)


def final_check(engine, content: list[list[dict]], index: Path) -> tuple[int, bool]:
    """After the last ingest: (articles not listed, or not seen by the long-lived engine; every chunk sound).

    Every chunk is read back and searched for by its own vector (`RAG.doctor(deep=True)`), from
    the engine that has been open since the start: it must see exactly what a new process sees.
    (Whether an article is found by a search for its own text is a question of ranking, not of
    loss: approximate nearest-neighbour search may rank a borderline chunk 24th in one process and
    25th in the next.)"""
    engine.kb.refresh_if_changed()
    expected = sum(len(feed) for feed in content)
    listed = {a.id for a in engine.articles()}
    chunks = {c.name: c for c in engine.doctor(deep=True)}["chunks"]
    print(f"articles expected {expected}, listed {len(listed)}; chunks {engine.kb.manifest.count()[1]}, "
          f"in the store {engine.kb.store.count()}")
    print(f"deep check: {'ok' if chunks.ok else 'FAILED'}: {chunks.detail}")
    if not chunks.ok:  # e.g. chunks the store no longer finds by their own vector after many deletes
        checks = {c.name: c for c in engine.doctor(repair=True)}
        print(f"rag doctor --repair: {checks['repair'].detail if 'repair' in checks else 'nothing to do'}; "
              f"then {'ok' if checks['chunks'].ok else 'FAILED'}: {checks['chunks'].detail}")
        chunks = checks["chunks"]
    fresh = fresh_view(index)
    unseen = set(fresh["articles"]) - listed
    stale_chunks = set(fresh["chunks"]) ^ set(engine.kb.store.ids())
    print(f"the long-lived engine against a new process: {len(unseen)} articles it does not list, "
          f"{len(stale_chunks)} chunk ids that differ")
    return expected - len(listed) + len(unseen), chunks.ok and not stale_chunks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds of two writers, one killed (default 20)")
    parser.add_argument("--feeds", type=int, default=4, help="JSON Lines feeds (default 4)")
    parser.add_argument("--articles", type=int, default=150, help="articles per feed (default 150)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here (default: a temporary folder)")
    args = parser.parse_args()
    if args.feeds < 2:
        parser.error("--feeds must be at least 2: each round runs two writers on different feeds")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="soak-writers-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        index = work / "index"
        content = feeds(work, args.feeds, args.articles)
        paths = [write_jsonl(work / f"feed{i}.jsonl", records) for i, records in enumerate(content)]
        from rag.engine import RAG

        engine = RAG(index)
        lost_articles: set[str] = set()
        lost_chunks = 0
        started = time.monotonic()
        reader = start_reader(index, work / "stop-reader")
        for round_no in range(1, args.rounds + 1):
            before = committed(index)
            what = run_round(round_no, rng, paths, content, index)
            gone, chunks = (lost_after_round(before, index, engine) if (index / "manifest.sqlite").exists()
                            else (set(), 0))
            lost_articles |= gone
            lost_chunks += chunks
            print(f"round {round_no:2}: {what}; {len(committed(index))} articles listed, "
                  f"{len(gone)} lost, {chunks} committed chunks missing from the store", flush=True)
        for path in paths:  # the final state of every feed, as the user would finish
            result = subprocess.run([str(RAG_BIN), "ingest", str(path), "--index", str(index)], env=ENV,
                                    capture_output=True, text=True, timeout=900)
            print(f"final ingest of {path.name}: {result.stdout.strip() or result.stderr.strip()[-300:]}")
        read = stop_reader(reader, work / "stop-reader")
        print(f"\n{args.rounds} rounds in {time.monotonic() - started:.0f} s; index {index}")
        print(f"reader: {read}")
        missing, sound = final_check(engine, content, index)
        lost = len(lost_articles) + missing
        print(f"articles lost: {lost} (during the rounds: {len(lost_articles)} articles, {lost_chunks} chunks)")
        engine.close()
        return 1 if lost or lost_chunks or not sound or read.startswith("FAILED") else 0


if __name__ == "__main__":
    sys.exit(main())
