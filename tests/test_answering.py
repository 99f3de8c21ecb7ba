"""Answers with citations, through the real ollama client talking HTTP to an Ollama-API test server."""
from __future__ import annotations

import json
import re
import time

import pytest

from conftest import EXAMPLE, run_rag
from ollama_server import OllamaTestServer
from rag.answering import ANSWER_TOKENS
from rag.engine import RAG
from rag.llm import CHARS_PER_TOKEN
from rag.errors import RagError

MODEL = "qwen2.5:7b"
NL_EXAMPLE = "Welke landen hebben het verdrag van 2008 niet ondertekend?"


@pytest.fixture
def server():
    with OllamaTestServer(models=(MODEL,)) as s:
        yield s


@pytest.fixture
def engine(sample_index, use_embedder, server):
    with RAG(sample_index, encoder=use_embedder, ollama_host=server.url, model=MODEL, timeout=2.0,
             first_token_timeout=1.0) as e:
        yield e


def answer_requests(server) -> list[dict]:
    return [body for method, path, body in server.requests if path == "/api/chat" and body.get("stream", True)]


def prompt_passages(body: dict) -> dict[int, str]:
    """The numbered passages as the model saw them: {n: text}."""
    user = body["messages"][-1]["content"]
    blocks = re.split(r"^\[(\d+)\] ", user, flags=re.M)
    return {int(n): block.split("\n", 1)[1].strip().split("\n\nQuestion:")[0].strip()
            for n, block in zip(blocks[1::2], blocks[2::2])}


def test_the_model_gets_the_passage_the_reader_found_past_k_first(engine, server):
    server.reply("De ICBL en Jody Williams [1].")
    answer = engine.ask("Wie kreeg in 1997 de Nobelprijs voor de Vrede?", k=1)
    given = prompt_passages(answer_requests(server)[-1])
    assert len(given) == 2 and "Jody Williams" in given[1] and "Jody Williams" not in given[2]
    assert answer.mode == "llm" and [c.n for c in answer.citations] == [1]
    assert [p.rank for p in answer.passages] == [1, 2] and "Jody Williams" in answer.passages[0].text


def test_citations_are_checked_renumbered_and_carry_their_passages(engine, server):
    server.reply("The United States, Russia and Ukraine did not sign it [3]. More than 120 countries did, "
                 "including the Netherlands [1][9].", chunk_size=3)
    answer = engine.ask(EXAMPLE, k=5)
    given = prompt_passages(answer_requests(server)[-1])
    assert answer.mode == "llm" and answer.language == "en"
    assert answer.text == ("The United States, Russia and Ukraine did not sign it [1]. More than 120 countries did, "
                           "including the Netherlands [2].")
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.citations[0].text == given[3] and answer.citations[1].text == given[1]
    assert all(c.article.title and c.article.date for c in answer.citations)
    assert any("[9]" in w and "removed" in w for w in answer.warnings)
    assert len(answer.citations) < len(answer.passages)  # sources are the cited ones, not all retrieved


def test_prompt_holds_numbered_dated_passages_question_and_language_rule(engine, server):
    engine.ask(NL_EXAMPLE)
    body = answer_requests(server)[-1]
    system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
    assert body["model"] == MODEL and body["options"]["num_ctx"] == engine.settings.num_ctx
    assert "Answer in Dutch" in system and "Answer in Dutch" in user
    assert NL_EXAMPLE in user
    assert re.search(r'^\[1\] ".+" \(\d{4}-\d{2}(-\d{2})?\)$', user, flags=re.M)
    passages = prompt_passages(body)
    assert sorted(passages) == list(range(1, len(passages) + 1)) and len(passages) >= 3


def test_answer_streams_piece_by_piece_with_final_numbers(engine, server):
    # the first words come at once (held back until their language is known), the rest as written
    server.reply("Rusland, Oekraïne en de VS tekenden niet [2]. Nederland, Duitsland en Frankrijk hebben het "
                 "verdrag wel ondertekend [2][1].", chunk_size=2, delay=0.005)
    stream = engine.stream(NL_EXAMPLE)
    pieces = list(stream)
    answer = stream.answer
    assert all(isinstance(p, str) for p in pieces) and len(pieces) > 10
    assert "".join(pieces).strip() == answer.text == ("Rusland, Oekraïne en de VS tekenden niet [1]. Nederland, "
                                                      "Duitsland en Frankrijk hebben het verdrag wel ondertekend [1][2].")
    assert not answer.warnings


def test_not_in_the_articles_is_said_plainly_in_the_question_language(engine, server):
    server.reply("NOT_IN_ARTICLES")
    answer = engine.ask("Hoeveel inwoners heeft Kupiansk?")
    assert answer.text.startswith("De artikelen bevatten het antwoord op deze vraag niet.")
    assert "De artikelen die er het dichtst bij komen:" in answer.text
    assert answer.citations == []
    server.reply("NOT_IN_ARTICLES")
    english = engine.ask("What is the population of Kupiansk?")
    assert english.text.startswith("The articles don't contain the answer to this question.")
    server.reply("NOT_IN_ARTICLES")
    passed = engine.ask(EXAMPLE)  # past every check, the model finds no answer in the passages
    assert (passed.mode, passed.refusal, passed.citations) == ("llm", "model", [])
    assert passed.text.startswith("The articles don't contain the answer to this question.")


def test_unsupported_claim_is_flagged(engine, server):
    server.reply("The treaty was signed by 15 countries in 1975 in Brazil [1].")
    answer = engine.ask(EXAMPLE)
    assert answer.citations and answer.citations[0].supported is False
    assert any("[1] may not support" in w for w in answer.warnings)


def test_follow_up_is_condensed_and_the_fifth_turn_still_says_not_found(engine, server):
    chat = engine.chat()
    chat.ask(EXAMPLE)
    server.reply("Which countries did sign the 2008 Convention on Cluster Munitions?")  # condensed question
    server.reply("More than 120 countries signed it [1].")
    second = chat.ask("And who signed it?")
    condense = [b for m, p, b in server.requests if p == "/api/chat" and b.get("stream") is False][-1]
    assert "And who signed it?" in condense["messages"][-1]["content"]
    assert EXAMPLE in condense["messages"][-1]["content"]
    assert "Which countries did sign the 2008 Convention" in answer_requests(server)[-1]["messages"][-1]["content"]
    assert second.text == "More than 120 countries signed it [1]."
    for turn in range(2):
        server.reply("Which countries joined?")
        server.reply("Many [1].")
        chat.ask("Which countries joined?")
    server.reply("How many people live in Kupiansk?")
    server.reply("NOT_IN_ARTICLES")
    fifth = chat.ask("And how many people live there?")
    assert fifth.text.startswith("The articles don't contain the answer")
    assert len(chat.history) <= 2 * engine.settings.history_turns


@pytest.mark.parametrize("failure, expected", [
    ({"stall_after": 2}, "sent nothing for 2 s"),
    ({"error_after": 2}, "reported an error"),
    ({"malformed_after": 2}, "unreadable reply"),
    ({"drop_after": 2}, "broke off"),
    ({"error": "model runner crashed", "status": 500}, "model runner crashed"),
])
def test_broken_streams_end_in_a_clear_message_and_an_extractive_answer(engine, server, failure, expected):
    server.reply("The United States, Russia and Ukraine did not sign [1].", **failure)
    started = time.monotonic()
    answer = engine.ask(EXAMPLE)
    assert time.monotonic() - started < 15
    assert answer.mode == "extractive" and answer.citations
    assert any(expected in w for w in answer.warnings), answer.warnings


def test_an_answer_cut_at_the_token_limit_says_so(engine, server):
    server.reply("Russia, Ukraine and the United States did not sign [1]. " * 60)  # 3,360 characters
    answer = engine.ask(EXAMPLE)
    assert answer_requests(server)[-1]["options"]["num_predict"] == ANSWER_TOKENS
    assert answer.mode == "llm" and answer.citations
    assert len(answer.text) <= ANSWER_TOKENS * 4  # the server stopped at num_predict, done_reason "length"
    assert any(f"cut off at the limit of {ANSWER_TOKENS} tokens" in w for w in answer.warnings), answer.warnings
    assert server.hangups == 0


def test_a_server_that_ignores_the_limit_is_cut_off_here(engine, server):
    server.reply("Russia and Ukraine did not sign [1]. ", endless=True, chunk_size=8)
    started = time.monotonic()
    answer = engine.ask(EXAMPLE)
    assert time.monotonic() - started < 15
    assert answer.mode == "llm" and answer.text.startswith("Russia and Ukraine did not sign [1].")
    assert len(answer.text) <= ANSWER_TOKENS * CHARS_PER_TOKEN  # not 219 KB
    assert any(f"past the limit of {ANSWER_TOKENS} tokens" in w for w in answer.warnings), answer.warnings
    deadline = time.monotonic() + 5
    while server.hangups == 0 and time.monotonic() < deadline:  # we hung up; the server saw it
        time.sleep(0.02)
    assert server.hangups == 1


def test_no_first_token_in_time_gives_up_long_before_the_read_timeout(sample_index, use_embedder, server):
    with RAG(sample_index, encoder=use_embedder, ollama_host=server.url, model=MODEL, timeout=60,
             first_token_timeout=1) as engine:
        server.reply("Never sent [1].", stall_after=0)
        started = time.monotonic()
        answer = engine.ask(EXAMPLE)
        waited = time.monotonic() - started
        server.reply("Russia and Ukraine did not sign [1].", chunk_size=4, delay=0.3)  # slow, but it started
        slow = engine.ask(EXAMPLE)
    assert 1 <= waited < 8 and answer.mode == "extractive" and answer.citations
    assert any(f"Ollama at {server.url} wrote no answer within 1 s" in w and "first_token_timeout" in w
               for w in answer.warnings), answer.warnings
    assert server.hangups == 1  # the stalled call was hung up, not left holding a connection
    assert slow.mode == "llm" and slow.text == "Russia and Ukraine did not sign [1]."


def test_missing_model_names_the_pull_command(sample_index, use_embedder):
    with OllamaTestServer(models=("llama3.1:8b",)) as other:
        with RAG(sample_index, encoder=use_embedder, ollama_host=other.url, model=MODEL) as engine:
            answer = engine.ask(EXAMPLE)
    assert answer.mode == "extractive"
    assert f"model '{MODEL}' is not available on the Ollama server at {other.url}. Pull it with: ollama pull {MODEL}" \
        in answer.warnings[0]


def test_cli_without_ollama_answers_extractively_with_sources(sample_index):
    result = run_rag("ask", EXAMPLE, "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Extractive answer (no language model was used)")
    assert "[1]" in out and "\nSources:\n[1] " in out
    quoted = out.split("Sources:")[0]
    assert re.search(r"Rusland|Russia", quoted) and re.search(r"Oekraïne|Ukraine", quoted)
    assert "cannot reach Ollama at http://127.0.0.1:9" in result.stderr and "ollama serve" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_lists_the_sources_in_the_question_s_language(sample_index):
    out = run_rag("ask", NL_EXAMPLE, "--no-llm", "--index", str(sample_index)).stdout
    assert out.startswith("Extractief antwoord") and "\nBronnen:\n[1] " in out and "Sources:" not in out


@pytest.mark.parametrize("question, said", [("Wie is Dmitri Peskov?", "Peskov"), ("Wat is clustermunitie?", ""),
                                            ("🙂 wie is mark rutte", "Premier Mark Rutte")])
def test_cli_frames_a_short_dutch_question_in_dutch(sample_index, question, said):
    """The identifier alone reads "Wie is Dmitri Peskov?" as English by its names, "Wat is clustermunitie?" by its
    "cluster", and "wie is" as German."""
    out = run_rag("ask", question, "--no-llm", "--index", str(sample_index)).stdout
    assert out.startswith("Extractief antwoord") and said in out and "\nBronnen:\n[1] " in out


def test_cli_json_contract(sample_index, server):
    server.reply("Rusland, Oekraïne en de VS [1].")
    result = run_rag("ask", NL_EXAMPLE, "--json", "--index", str(sample_index), "--model", MODEL,
                     env={"OLLAMA_HOST": server.url})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["question", "answer", "language", "mode", "refusal", "citations", "warnings"]
    assert (data["question"], data["answer"], data["language"], data["mode"]) == \
        (NL_EXAMPLE, "Rusland, Oekraïne en de VS [1].", "nl", "llm")
    citation = data["citations"][0]
    assert citation["n"] == 1 and citation["text"]
    assert set(citation["article"]) == {"id", "title", "date", "lang", "source"}
    extractive = json.loads(run_rag("ask", NL_EXAMPLE, "--json", "--no-llm", "--index", str(sample_index)).stdout)
    assert extractive["mode"] == "extractive" and [c["n"] for c in extractive["citations"]] == \
        list(range(1, len(extractive["citations"]) + 1))


def test_cli_streams_then_lists_sources(sample_index, server):
    server.reply("The United States, Russia and Ukraine did not sign the treaty [2].", chunk_size=5)
    result = run_rag("ask", EXAMPLE, "--index", str(sample_index), "--model", MODEL, env={"OLLAMA_HOST": server.url})
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("\nSources:\n")
    assert answer.strip() == "The United States, Russia and Ukraine did not sign the treaty [1]."
    assert sources.startswith("[1] ") and '"' in sources


@pytest.mark.parametrize("question, message", [("   ", "the question is empty"),
                                               ("x" * 2001, "the limit is 2000")])
def test_bad_questions_exit_non_zero_with_a_message(sample_index, question, message):
    result = run_rag("ask", question, "--index", str(sample_index))
    assert result.returncode == 2 and message in result.stderr


def test_doctor_reports_each_part(sample_index, server):
    ok = run_rag("doctor", "--index", str(sample_index), "--model", MODEL, env={"OLLAMA_HOST": server.url})
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"^ok +index .* \d+ articles", ok.stdout, flags=re.M)
    assert re.search(rf"^ok +model +{re.escape(MODEL)} is available", ok.stdout, flags=re.M)
    down = run_rag("doctor", "--index", str(sample_index))
    assert down.returncode == 1
    assert re.search(r"^FIX +ollama +cannot reach Ollama at http://127.0.0.1:9.*ollama serve", down.stdout, flags=re.M)


def test_python_api_refuses_empty_question(engine):
    with pytest.raises(RagError, match="the question is empty"):
        engine.ask("  ")


@pytest.mark.parametrize("question, opening", [
    ("How do I bake an apple pie?", "The articles don't contain the answer to this question."),
    ("Welke kleur heeft een banaan?", "De artikelen bevatten het antwoord op deze vraag niet."),
])
def test_off_topic_question_gets_a_plain_not_found_without_the_model(engine, server, question, opening):
    answer = engine.ask(question)
    assert answer.text.startswith(opening) and answer.citations == []
    assert answer.refusal == "off-topic"
    assert answer.text.count("\n- ") >= 1  # names the nearest articles it did find
    assert answer_requests(server) == []  # nothing relevant: the model is not asked to invent


def test_an_answer_stream_read_in_part_still_gives_the_whole_answer():
    """Stop reading after the first piece (a `break`, `next(iter(...))`), then ask for the answer."""
    import gc

    from rag.types import Answer, AnswerStream

    def pieces():
        yield "Rusland "
        yield "tekende niet [1]."
        return Answer(question="q", text="Rusland tekende niet [1].", language="nl", mode="llm")

    stream = AnswerStream(pieces())
    assert next(iter(stream)) == "Rusland "
    for piece in stream:
        assert piece == "tekende niet [1]."
        break
    gc.collect()
    assert stream.answer.text == "Rusland tekende niet [1]." and list(stream) == []
