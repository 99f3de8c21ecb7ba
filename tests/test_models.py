"""The models people run: reasoning models (both ways Ollama hands over their thinking) and
answers that come back in another language than the question's."""
from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE, run_rag
from ollama_server import OllamaTestServer
from rag.answering import ANSWER_TOKENS, THINKING_TOKENS
from rag.engine import RAG
from rag.reasoning import strip_reasoning, without_reasoning

NL_EXAMPLE = "Welke landen hebben het verdrag van 2008 niet ondertekend?"
REASONING = ("The user asks about the 2008 convention. Passage [1] is about Ottawa, so not that one; "
             "passage [2] lists the non-signers. I will cite [2].")


def chat_bodies(server) -> list[dict]:
    return [body for _, path, body in server.requests if path == "/api/chat"]


def ask_json(sample_index, server, model: str, question: str = EXAMPLE, *flags: str) -> dict:
    result = run_rag("ask", question, "--json", "--index", str(sample_index), "--model", model, *flags,
                     env={"OLLAMA_HOST": server.url})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_thinking_handed_over_apart_never_shows_and_is_turned_off_by_default(sample_index):
    with OllamaTestServer(models=("qwen3:8b",)) as server:
        server.reply("The United States, Russia and Ukraine did not sign it [2].", thinking=REASONING)
        answer = ask_json(sample_index, server, "qwen3:8b")
        assert answer["answer"] == "The United States, Russia and Ukraine did not sign it [1]."
        assert [c["n"] for c in answer["citations"]] == [1] and "Ottawa" not in answer["answer"]
        assert chat_bodies(server)[-1]["think"] is False
        assert chat_bodies(server)[-1]["options"]["num_predict"] == ANSWER_TOKENS

        server.reply("The United States, Russia and Ukraine did not sign it [2].", thinking=REASONING)
        thought = ask_json(sample_index, server, "qwen3:8b", EXAMPLE, "--think")
        assert thought["answer"] == answer["answer"] and "passage" not in thought["answer"]
        body = chat_bodies(server)[-1]
        assert body["think"] is True and body["options"]["num_predict"] == ANSWER_TOKENS + THINKING_TOKENS


def test_a_model_that_cannot_think_is_not_sent_think(sample_index):
    with OllamaTestServer(models=("qwen2.5:7b",)) as server:  # the server refuses "think" for it
        server.reply("The United States, Russia and Ukraine did not sign it [1].")
        answer = ask_json(sample_index, server, "qwen2.5:7b", EXAMPLE, "--think")
        assert answer["mode"] == "llm" and not answer["warnings"]
        assert "think" not in chat_bodies(server)[-1]


def test_thinking_written_inline_is_left_out_with_its_citations(sample_index):
    with OllamaTestServer(models=("deepseek-r1:8b",), inline_thinking=True) as server:
        server.reply("The United States, Russia and Ukraine did not sign it [2].", thinking=REASONING, chunk_size=3)
        answer = ask_json(sample_index, server, "deepseek-r1:8b")
        assert answer["answer"] == "The United States, Russia and Ukraine did not sign it [1]."
        assert len(answer["citations"]) == 1 and not answer["warnings"]
        assert "think" not in chat_bodies(server)[-1]  # an older server does not say the model can think

        server.reply("NOT_IN_ARTICLES", thinking="Nothing about football here. [1] is about treaties.")
        refused = ask_json(sample_index, server, "deepseek-r1:8b", "Which treaty did the 2008 conference sign?")
        assert refused["answer"].startswith("The articles don't contain") and not refused["citations"]
        assert len(chat_bodies(server)) == 2  # the model was asked, and said so after its reasoning


@pytest.mark.parametrize("reply, shown", [
    ("<think>\nIs [1] the one?\n</think>\n\nYes [1].", "Yes [1]."),
    ("  <think></think>Yes [1].", "Yes [1]."),
    ("<think>reasoning that never ends", ""),
    ("Yes [1]. <think> is a tag.", "Yes [1]. <think> is a tag."),  # only a block that opens the reply
    ("<thinking>Yes</thinking>", "<thinking>Yes</thinking>"),
])
@pytest.mark.parametrize("size", [1, 3, 100])
def test_a_reasoning_block_is_cut_out_wherever_the_pieces_split_it(reply, shown, size):
    pieces = [reply[i:i + size] for i in range(0, len(reply), size)]
    assert "".join(without_reasoning(pieces)) == shown


def test_a_whole_reply_loses_its_reasoning_even_without_the_opening_tag():
    assert strip_reasoning("The user wants a question.</think>\n\nWho signed?") == "Who signed?"
    assert strip_reasoning("  Who signed?  ") == "Who signed?"


def test_the_first_token_is_the_first_token_of_the_answer(sample_index, use_embedder):
    with OllamaTestServer(models=("qwen3:8b",)) as server, \
            RAG(sample_index, encoder=use_embedder, ollama_host=server.url, model="qwen3:8b", think=True) as rag:
        server.reply("Russia and Ukraine did not sign it [1].", thinking="x" * 40, chunk_size=4, delay=0.05)
        stream = rag.stream(EXAMPLE)
        assert "".join(stream).strip() == "Russia and Ukraine did not sign it [1]."
        assert stream.answer.timings["first_token_ms"] >= 450  # ten pieces of thinking came first, 50 ms apart


@pytest.fixture
def dutch_engine(sample_index, use_embedder):
    with OllamaTestServer(models=("llama3.2:3b",)) as server, \
            RAG(sample_index, encoder=use_embedder, ollama_host=server.url, model="llama3.2:3b") as rag:
        yield server, rag


ENGLISH = "The United States, Russia and Ukraine did not sign the convention on cluster munitions [1]."
DUTCH = "De Verenigde Staten, Rusland en Oekraïne hebben het verdrag over clustermunitie niet ondertekend [1]."


def test_an_answer_in_the_wrong_language_is_asked_again_before_it_is_shown(dutch_engine):
    server, rag = dutch_engine
    server.reply(ENGLISH)
    server.reply(DUTCH)
    stream = rag.stream(NL_EXAMPLE)
    assert "".join(stream).strip() == DUTCH == stream.answer.text
    assert not stream.answer.warnings
    first, second = (body["messages"][-1]["content"] for body in chat_bodies(server))
    assert "Answer again, in Dutch only" in second and "Answer again" not in first


def test_an_answer_in_the_wrong_language_twice_is_shown_with_a_warning(dutch_engine):
    server, rag = dutch_engine
    server.reply(ENGLISH)
    server.reply(ENGLISH)
    answer = rag.ask(NL_EXAMPLE)
    assert answer.text == ENGLISH and answer.citations
    assert answer.warnings == ["Het model antwoordde in een andere taal dan die van de vraag, ook toen het nog "
                               "eens werd gevraagd."]
    assert len(chat_bodies(server)) == 2


def test_a_question_that_is_mostly_names_is_answered_in_its_own_language(dutch_engine):
    """Names sway a guess at a short text's language: "Who is Jens Stoltenberg?" reads as German to the identifier."""
    server, rag = dutch_engine
    server.reply("Jens Stoltenberg is de secretaris-generaal van de NAVO [1].")
    server.reply("Jens Stoltenberg is the secretary general of NATO [1].")
    dutch, english = rag.ask("Wie is Jens Stoltenberg?"), rag.ask("Who is Jens Stoltenberg?")
    assert (dutch.language, english.language) == ("nl", "en")
    assert not dutch.warnings and not english.warnings  # neither answer was taken for one in the wrong language
    asked = [body["messages"][0]["content"] for body in chat_bodies(server)]
    assert len(asked) == 2 and "Answer in Dutch" in asked[0] and "Answer in English" in asked[1]


def test_a_short_answer_of_names_is_not_judged_by_its_language(dutch_engine):
    server, rag = dutch_engine
    server.reply("VS, Rusland, Oekraïne [1].")
    answer = rag.ask(NL_EXAMPLE)
    assert answer.text == "VS, Rusland, Oekraïne [1]." and not answer.warnings
    assert len(chat_bodies(server)) == 1
