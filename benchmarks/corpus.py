"""A generated corpus for scale benchmarks, made from the sample articles.

Each generated article is the title-like first sentence of a random sample
article followed by 8-14 sentences drawn at random (fixed seed) from all
sample articles, with a number in the text changed so no two are the same.
The result reads like news on the same topics at any size, in Dutch and English.

The sentences repeat across articles, which flatters a pipeline that embeds each
distinct sentence once; `unique=True` adds a reference number to every sentence,
so no sentence occurs twice, as in real news (ingest throughput is measured so).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "index" / "articles"


def _sentences() -> list[tuple[str, str]]:
    pool = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = re.sub(r"^\s*date\s+\S+\s+", "", path.read_text(encoding="utf-8"))
        pool += [(path.name, s) for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    return pool


def generate(n_articles: int, seed: int = 7, unique: bool = False) -> list[dict]:
    """`n_articles` articles as JSON-Lines records (title, date, text, url)."""
    rng = random.Random(seed)
    pool = _sentences()
    records = []
    for i in range(n_articles):
        picked = [s for _, s in rng.sample(pool, rng.randint(8, 14))]
        picked = [re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), s, count=1) for s in picked]
        if unique:
            picked = [re.sub(r"([.!?\"'”’]*)$", rf" (r{i}-{j})\1", s, count=1) for j, s in enumerate(picked)]
        records.append({"title": f"{picked[0][:80]} #{i}", "date": f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}",
                        "text": " ".join(picked), "url": f"https://bench.example/{seed}/{i}"})
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path
