"""The engine for llama-index users (rag.llamaindex), run through llama-index's own machinery:
its chat engines, evaluators and citation query engine over our retriever, our answers as its
responses, any llama-index LLM writing our answers. Nothing here downloads or needs a network."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from llama_index.core import SimpleDirectoryReader
from llama_index.core.chat_engine import CondensePlusContextChatEngine
from llama_index.core.evaluation import RetrieverEvaluator
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import CitationQueryEngine
from llama_index.core.schema import MetadataMode

from conftest import ARTICLES, EXAMPLE, QUESTIONS, run_rag
from llama_index_models import SHOWN, STANDALONE, FailingLLM, ScriptedLLM
from ollama_server import OllamaTestServer
from processes import free_port
from rag.engine import RAG
from rag.errors import RagError
from rag.evaluation import KS, is_gold, load_questions, stories
from rag.llamaindex import ArticleReader, RagEmbedding
from rag.manifest import chunk_ids
from rag.retrieval import article_meta
from rag.types import Passage


@pytest.fixture
def scripted_llm() -> ScriptedLLM:
    return ScriptedLLM()


@pytest.fixture
def scripted(sample_index, use_embedder, scripted_llm):
    """An engine whose answers a scripted llama-index LLM writes."""
    with RAG(sample_index, encoder=use_embedder, llm=scripted_llm) as engine:
        yield engine


def node_ids(nodes) -> list[str]:
    return [n.node.node_id for n in nodes]


# ---- the retriever

def test_retriever_gives_our_passages_as_nodes(sample_rag):
    nodes = sample_rag.as_retriever(similarity_top_k=3).retrieve(EXAMPLE)
    passages = sample_rag.search(EXAMPLE, 3)
    assert node_ids(nodes) == [p.chunk_id for p in passages]
    for node, p in zip(nodes, passages):
        assert node.score == pytest.approx(p.score) and node.node.get_content() == p.text
        assert node.node.metadata == {"article_id": p.article.id, "title": p.article.title, "date": p.article.date,
                                      "lang": p.article.lang, "source": p.article.source}
        assert node.node.ref_doc_id == p.article.id
        for_llm = node.node.get_content(MetadataMode.LLM)
        assert p.article.title in for_llm and p.article.source in for_llm and p.article.id not in for_llm
        for_embedding = node.node.get_content(MetadataMode.EMBED)
        assert p.article.title in for_embedding and p.article.source not in for_embedding
    english = sample_rag.as_retriever(lang="en").retrieve(EXAMPLE)
    assert english and {n.node.metadata["lang"] for n in english} == {"en"}


def test_condense_plus_context_chat_engine_over_our_retriever(sample_rag):
    retriever = sample_rag.as_retriever(similarity_top_k=3)
    # MockLLM echoes its prompt unless given max_tokens; echoed, the condensed follow-up would be the
    # whole condensing prompt, over the engine's question limit (2000 characters).
    chat = CondensePlusContextChatEngine.from_defaults(retriever=retriever, llm=MockLLM(max_tokens=12))
    first = chat.chat(EXAMPLE)
    assert node_ids(first.source_nodes) == [p.chunk_id for p in sample_rag.search(EXAMPLE, 3)]
    second = chat.chat("And who did sign it?")
    condensed = second.sources[0].raw_input["message"]  # what the chat engine asked the retriever
    assert node_ids(second.source_nodes) == [p.chunk_id for p in sample_rag.search(condensed, 3)]
    assert len(chat.chat_history) == 4


# ---- the evaluator: llama-index's figures are ours

def test_retriever_evaluator_gives_the_figures_of_rag_eval(sample_index, sample_rag):
    result = run_rag("eval", str(QUESTIONS), "--json", "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)["scores"]
    questions = load_questions(QUESTIONS)
    chunks = [(i, text, meta) for r in sample_rag.articles()
              for i, text, meta in sample_rag.kb.store.fetch(chunk_ids(r.id, r.version, r.chunks))]

    copies = stories(sample_rag.articles())

    def gold(q) -> list[str]:  # rag eval's hit (rag.evaluation.is_gold) as the ids llama-index expects
        return [i for i, text, meta in chunks
                if is_gold(Passage(rank=0, score=0.0, text=text, article=article_meta(meta)), q, copies)]

    theirs: dict[str, dict[str, float]] = {}
    for k in KS:
        evaluator = RetrieverEvaluator.from_metric_names(
            ["hit_rate", "mrr"], retriever=sample_rag.as_retriever(similarity_top_k=k))
        for q in questions:
            expected = gold(q)
            assert expected, f"no chunk of the index holds the answer to {q.question!r}"
            scores = evaluator.evaluate(q.question, expected_ids=expected).metric_vals_dict
            for group in ("all", q.lang):
                totals = theirs.setdefault(group, {"n": 0, **{f"recall@{k}": 0.0 for k in KS}, "mrr": 0.0})
                totals[f"recall@{k}"] += scores["hit_rate"]
                if k == max(KS):  # rag eval's MRR counts the gold passage's rank in the top 5
                    totals["n"] += 1
                    totals["mrr"] += scores["mrr"]
    assert set(theirs) == set(ours)
    for group, totals in theirs.items():
        assert totals["n"] == ours[group]["questions"]
        figures = {key: round(value / totals["n"], 3) for key, value in totals.items() if key != "n"}
        assert figures == {key: ours[group][key] for key in figures}, group


def test_citation_query_engine_over_our_retriever(sample_rag):
    retriever = sample_rag.as_retriever(similarity_top_k=3)
    engine = CitationQueryEngine(retriever, llm=MockLLM(), citation_chunk_size=256)
    response = engine.query(EXAMPLE)  # MockLLM echoes the prompt: the numbered sources and the question
    passages = {p.article.id: p for p in sample_rag.search(EXAMPLE, 3)}
    assert "Source 1:" in str(response) and EXAMPLE in str(response) and response.source_nodes
    for i, source in enumerate(response.source_nodes, 1):
        assert source.node.get_content().startswith(f"Source {i}:")
        article = passages[source.node.metadata["article_id"]].article
        assert source.node.metadata["title"] == article.title and source.node.ref_doc_id == article.id


# ---- our answers as llama-index responses, written by a llama-index LLM

def test_a_llama_index_llm_writes_our_cited_answer(scripted, scripted_llm):
    passages = scripted.search(EXAMPLE)
    response = scripted.as_query_engine().query(EXAMPLE)
    assert response.response == SHOWN  # [2] shown as [1]: numbered by first use
    assert node_ids(response.source_nodes) == [passages[1].chunk_id, passages[0].chunk_id]
    assert response.metadata["mode"] == "llm"
    assert [c["n"] for c in response.metadata["citations"]] == [1, 2]
    prompt = scripted_llm.prompts[-1]  # our prompt, with our numbered passages
    assert f'[1] "{passages[0].article.title}"' in prompt and f'[2] "{passages[1].article.title}"' in prompt
    answer = scripted.ask(EXAMPLE)
    assert answer.text == SHOWN and [c.text for c in answer.citations] == [passages[1].text, passages[0].text]


def test_doctor_says_a_llama_index_llm_writes_the_answers_without_calling_it(scripted, scripted_llm):
    calls = len(scripted_llm.prompts)
    model = [c for c in scripted.doctor() if c.name == "model"]
    assert len(model) == 1 and model[0].ok and "ScriptedLLM" in model[0].detail and "not called" in model[0].detail
    assert not [c for c in scripted.doctor() if c.name in ("ollama", "openai")]
    assert len(scripted_llm.prompts) == calls


def test_a_streamed_answer_of_a_llama_index_llm(scripted):
    streaming = scripted.as_query_engine(streaming=True).query(EXAMPLE)
    assert streaming.source_nodes == []  # known once the answer is complete
    pieces = list(streaming.response_gen)
    assert len(pieces) > 1 and "".join(pieces) == SHOWN
    final = streaming.get_response()
    assert final.response == str(streaming) == SHOWN
    passages = scripted.search(EXAMPLE)
    assert node_ids(final.source_nodes) == [passages[1].chunk_id, passages[0].chunk_id]
    assert final.metadata["mode"] == "llm"


def test_our_chat_engine_with_a_llama_index_llm(scripted):
    chat = scripted.as_chat_engine()
    first = chat.chat(EXAMPLE)
    assert first.response == SHOWN and len(first.source_nodes) == 2 and first.metadata["mode"] == "llm"
    second = chat.stream_chat("And who did sign it?")
    pieces = list(second.response_gen)
    assert "".join(pieces) == second.response == SHOWN
    passages = scripted.search(STANDALONE)  # the follow-up as the scripted model condensed it
    assert node_ids(second.source_nodes) == [passages[1].chunk_id, passages[0].chunk_id]
    assert second.metadata["mode"] == "llm"
    assert [m.content for m in chat.chat_history] == [EXAMPLE, SHOWN, "And who did sign it?", SHOWN]
    chat.reset()
    assert chat.chat_history == []


@pytest.mark.parametrize("error, expected", [
    ("RuntimeError", "The language model failed (the llama-index LLM FailingLLM (failing) failed: RuntimeError: "
                     "the model crashed)"),
    ("ConnectionRefusedError", "cannot reach the model of the llama-index LLM FailingLLM (failing)")],
    ids=["failing", "unreachable"])
def test_a_failing_llama_index_llm_gives_the_extractive_answer(sample_index, use_embedder, error, expected):
    with RAG(sample_index, encoder=use_embedder, llm=FailingLLM(error=error)) as engine:
        extractive = engine.ask(EXAMPLE, use_llm=False)
        for response in (engine.as_query_engine().query(EXAMPLE),
                         engine.as_query_engine(streaming=True).query(EXAMPLE).get_response()):
            assert response.response == extractive.text and response.metadata["mode"] == "extractive"
            assert any(expected in w for w in response.metadata["warnings"]), response.metadata["warnings"]
            assert response.source_nodes and len(response.source_nodes) == len(extractive.citations)


def test_the_query_engine_with_no_model_reachable_gives_the_extractive_answer(sample_rag):
    response = sample_rag.as_query_engine().query(EXAMPLE)
    assert response.metadata["mode"] == "extractive" and response.metadata["warnings"]
    assert "[1]" in response.response and response.source_nodes
    retrieved = {p.chunk_id for p in sample_rag.search(EXAMPLE)}
    assert set(node_ids(response.source_nodes)) <= retrieved
    assert response.metadata["refusal"] == ""
    refused = sample_rag.as_query_engine().query("Who won the 2022 football World Cup?")
    assert refused.metadata["refusal"] == "names" and not refused.source_nodes


def test_async_query_and_chat(scripted):
    async def run():
        response = await scripted.as_query_engine().aquery(EXAMPLE)
        chat = scripted.as_chat_engine()
        first = await chat.achat(EXAMPLE)
        streamed = await chat.astream_chat("And who did sign it?")
        return response, first, streamed, [piece async for piece in streamed.async_response_gen()]

    response, first, streamed, pieces = asyncio.run(run())
    assert response.response == first.response == SHOWN and len(response.source_nodes) == 2
    assert "".join(pieces) == streamed.response == SHOWN and len(streamed.source_nodes) == 2


def test_a_llama_index_reply_is_cut_at_the_answer_limit(sample_index, use_embedder):
    endless = ScriptedLLM(reply="The convention bans cluster munitions [1]. " * 300)
    with RAG(sample_index, encoder=use_embedder, llm=endless) as engine:
        answer = engine.ask(EXAMPLE)
    assert answer.mode == "llm" and len(answer.text) < len(endless.reply) / 2
    assert any("cut off at the limit of 512 tokens" in w for w in answer.warnings), answer.warnings


def test_llm_takes_a_llama_index_llm_only(sample_index):
    with pytest.raises(TypeError, match="llm= takes a llama-index LLM"):
        RAG(sample_index, llm="qwen2.5:7b")


# ---- the loaders and the embedder

def test_the_reader_gives_our_articles_as_documents(sample_rag, tmp_path):
    reader = ArticleReader()
    documents = reader.load_data(ARTICLES)
    records = {r.id: r for r in sample_rag.articles()}
    assert {d.doc_id for d in documents} == set(records) and not reader.errors
    for d in documents:
        r = records[d.doc_id]
        assert d.metadata == {"article_id": r.id, "title": r.title, "date": r.date, "lang": r.lang,
                              "source": r.source}
    extracted = SimpleDirectoryReader(str(ARTICLES), file_extractor={".txt": reader, ".md": reader}).load_data()
    assert {d.doc_id for d in extracted} == set(records)
    assert all(d.metadata["file_name"] == d.metadata["source"].rsplit("/", 1)[-1] for d in extracted)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "one.txt").write_text("date 2023-07\nThe convention bans cluster munitions.\n")
    assert len(reader.load_data(folder)) == 1 and [e.source for e in reader.errors] == [str(folder / "empty.txt")]
    with pytest.raises(RagError, match="empty.txt: file is empty"):
        ArticleReader(raise_on_error=True).load_data(folder)


def test_the_embedding_is_our_embedder(use_embedder):
    embedding = RagEmbedding(use_embedder)
    texts = ["Welke landen ondertekenden het verdrag niet?", "Cluster munitions leave duds behind."]
    np.testing.assert_allclose(embedding.get_text_embedding_batch(texts), use_embedder.embed(texts), atol=1e-6)
    np.testing.assert_allclose(embedding.get_query_embedding(EXAMPLE), use_embedder.embed([EXAMPLE])[0], atol=1e-6)
    assert embedding.model_name == "use"


# ---- the command line and the web app never import llama-index

def test_search_ask_and_serve_never_import_llama_index(sample_index):
    """`rag search`, `rag ask` (through a model) and `rag serve` (launched, answering a question):
    no module of llama-index, nor rag.llamaindex, is imported. (llama-index-core's data files are
    found without importing it: only its namespace package `llama_index`, which holds no code.)"""
    index = str(sample_index)
    code = f"""
import sys
import rag.ui.app as app
from rag.cli import main
from rag.ui.handlers import ChatApp

def loaded():
    return sorted(m for m in sys.modules if m.startswith(("llama_index.", "rag.llamaindex")))

def serve(engine, **options):
    demo = launch(engine, **{{**options, "block": False}})
    print("SERVED", list(ChatApp(engine).chat_api({EXAMPLE!r}))[-1]["mode"])
    demo.close()

launch, app.serve = app.serve, serve
for argv in (["search", "treaty"], ["ask", {EXAMPLE!r}, "--json"], ["serve", "--port", "{free_port()}"]):
    status = main([*argv, "--index", {index!r}])
    print("LOADED", argv[0], status, loaded(), flush=True)
"""
    with OllamaTestServer(models=("qwen2.5:7b",)) as server:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "OLLAMA_HOST": server.url, "RAG_MODEL": "qwen2.5:7b"})
    assert '"mode": "llm"' in out.stdout and "SERVED llm" in out.stdout, out.stdout + out.stderr
    assert [line for line in out.stdout.splitlines() if line.startswith("LOADED")] == [
        f"LOADED {command} 0 []" for command in ("search", "ask", "serve")], out.stdout + out.stderr
