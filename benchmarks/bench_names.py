"""What the names each chunk keeps cost (rag.ingest, rag.retrieval): time to add the chunks, disk, and the time of a
lookup, at a size, next to the same chunks without them.

    .venv/bin/python benchmarks/bench_names.py [CHUNKS]   (default 100000)

Two embedded stores (rag.store.ChunkStore) get the same chunks: texts made of 6 sentences drawn at random (fixed
seed) from the sample articles, each with a reference number so no two are the same, and the same random unit vectors;
one keeps each chunk's `names` (rag.names.name_keys) in its metadata, as an ingest writes them. A lookup finds the 4
chunks nearest to a random vector among those that keep a name: one kept by a single chunk, one the sample articles
write (kept by some 1% of the chunks), one no chunk keeps; as a search makes it (the metadata filter alone, then the
cosines), and by Chroma's vector search under the filter, which a first version used; and the same words in the chunks'
text, by Chroma's full-text filter, as a search looks up words a question quotes.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import _sentences  # noqa: E402
from rag.names import name_keys, spelling  # noqa: E402
from rag.store import ChunkStore  # noqa: E402

BATCH = 2000
DIM = 512
LOOKUPS = 30
NAMES = ("R{n}", "Gabelnick", "Verhoeven")  # kept by one chunk ("Reference R50000."), by some 1%, by none


def chunks(n: int) -> list[str]:
    rng = random.Random(11)
    pool = [s for _, s in _sentences()]
    return [" ".join(rng.sample(pool, 6)) + f" Reference R{i}." for i in range(n)]


def build(folder: Path, texts: list[str], with_names: bool) -> float:
    store = ChunkStore(folder)
    rng = np.random.default_rng(5)
    seconds = 0.0
    for start in range(0, len(texts), BATCH):
        part = texts[start:start + BATCH]
        vectors = rng.normal(size=(len(part), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        metadatas = [{"lang": "en", **({"names": keys} if with_names and (keys := name_keys(t)) else {})}
                     for t in part]
        started = time.perf_counter()
        store.add([f"c{start + i}" for i in range(len(part))], vectors, part, metadatas)
        seconds += time.perf_counter() - started
    return seconds


def lookups(folder: Path, n: int) -> list[list[str]]:
    """p50 / p95 ms of each name's lookup, as rag.retrieval makes it and by Chroma's filtered vector search; and of
    the same words looked up in the chunks' text, as a search does for words a question quotes."""
    store = ChunkStore(folder)
    rng = np.random.default_rng(9)
    rows = []
    for label, lookup in (
            ("metadata filter, then cosines (`ChunkStore.nearest_matching`, what a search does)",
             lambda vector, name: store.nearest_matching(vector, 4, {"names": {"$contains": spelling(name)}})),
            ("Chroma's vector search under the filter",
             lambda vector, name: store.query(vector, 4, {"names": {"$contains": spelling(name)}})),
            # a question's quoted words, which only the text holds ('Who said "a big mistake"?')
            ("the text's words, by Chroma's full-text filter, then cosines (a search for words a question quotes)",
             lambda vector, name: store.nearest_matching(vector, 4, None, where_document={"$contains": name}))):
        row = [label]
        for name in NAMES:
            times = []
            for _ in range(LOOKUPS):
                vector = rng.normal(size=DIM).astype(np.float32)
                vector /= np.linalg.norm(vector)
                started = time.perf_counter()
                lookup(vector, name.format(n=n // 2))
                times.append((time.perf_counter() - started) * 1000)
            row.append(f"{np.percentile(times, 50):.1f} / {np.percentile(times, 95):.1f}")
        rows.append(row)
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    texts = chunks(n)
    started = time.perf_counter()
    keys = [name_keys(t) for t in texts]
    extract = time.perf_counter() - started
    tmp = Path(tempfile.mkdtemp(prefix="bench-names-"))
    try:
        rows = []
        for label, with_names in (("without names", False), ("with names", True)):
            folder = tmp / label.replace(" ", "-")
            seconds = build(folder, texts, with_names)
            size = int(subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True).stdout.split()[0])
            rows.append((label, seconds, size / 1024))
        print(f"{n:,} chunks; names a chunk keeps: {np.mean([len(k) for k in keys]):.1f} on average, "
              f"read from its text in {extract / n * 1e6:.0f} µs a chunk ({extract:.1f} s in all)\n")
        print("| store | add s | disk MB |\n|---|---:|---:|")
        for label, seconds, mb in rows:
            print(f"| {label} | {seconds:.0f} | {mb:.0f} |")
        print(f"\nratio with / without: add {rows[1][1] / rows[0][1]:.2f}, disk {rows[1][2] / rows[0][2]:.2f}\n")
        print("lookups (p50 / p95 ms, the 4 nearest among the chunks that keep the name):\n")
        print("| lookup | a name kept by one chunk | one of the sample articles' (Gabelnick) | one no chunk keeps |\n"
              "|---|---:|---:|---:|")
        for row in lookups(tmp / "with-names", n):
            print("| " + " | ".join(row) + " |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
