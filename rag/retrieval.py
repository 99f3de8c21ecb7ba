"""Retrieval: the passages that answer a question, best first.

Candidates are the chunks nearest to the question by vector (Chroma), and, where the passages they give are none of
them close to it or the question says little beside its names and dates, for a name or a date (a year, a day of a
month) of the question that none of them mentions, the nearest of the chunks that name it: each chunk keeps its names,
word by word, and its dates in its metadata ("Who is Tamar Gabelnick?" and "wat gebeurde er op 5 september" are too
short for their vectors to find the one article that names her or the day); and, for words the question quotes that
none of them holds, the nearest of the chunks that hold them as written ('Who said "a big mistake"?'; Chroma's
full-text filter, which reads every chunk, so only then). Each is then scored on the signals
measured to help (EVALUATION.md, "Retrieval"):
- the cosine of the chunk's vector and of its best sentence to the question (multilingual);
- the share of the question's names the chunk mentions, by spelling ("Poetin" = "Putin",
  "ATACMS" in "ATACMS-raketten") or translation ("United States" = "Verenigde Staten"; rag.names),
  which sets a passage about the question's treaty, person or place above one that only shares its topic; a
  treaty the question names by what it is on counts as one of its names, held by a chunk (or its title) that
  names the same treaty in either language ("het wapenhandelsverdrag" = "Arms Trade Treaty"; rag.treaties);
- the share of the question's numbers in the chunk, its article's title or its date ("the 2008
  treaty": an article whose title holds the year is about it), a day of a month counting as its date only ("20 July"
  is not held by "20 maart");
- whether the chunk is in the question's language: the encoder gives those higher cosines, so
  without this a Dutch question prefers a Dutch passage that only shares its topic;
- for a chunk in the question's language, the share of the question's Snowball-stemmed words
  (beside its names) in it or its title, each weighed by how rare it is among the candidates
  ("Sinds wanneer is het verdrag tegen clustermunitie van kracht?" finds the Dutch article on
  that treaty, not an English one on another); across languages only names and numbers match.
The weights are fitted on the dev half of index/answers.jsonl (benchmarks/tune_ranking.py), but
for the language's and the words', which are held (EVALUATION.md, "Retrieval").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.dates import dates_in, numbers_and_days, without_days
from rag.errors import RagError
from rag.language import short_text_language
from rag.names import NameMatcher, beside_names, names_in, word_keys
from rag.sentences import sentences_at
from rag.text import holds_words, quoted, shared_rare, terms
from rag.treaties import AskedTreaties
from rag.types import ArticleMeta, Passage

CANDIDATES = 24  # chunks taken from the store before rescoring
TRANSLATED = 8  # of them, the closest whose names are looked up in translation too
NAMED = 4  # chunks fetched for a name of the question that none of them holds
# the cosine of the passages' best sentence under which nothing close to the question was found: its names are looked
# up then (rag.relevance refuses a question whose passages stay under it as off-topic, unless one spells out its names)
FAR = 0.265


@dataclass(frozen=True)
class Weights:
    """How much each signal adds to a chunk's score (EVALUATION.md, "Retrieval", says how each was chosen)."""

    chunk: float = 0.5
    sentence: float = 0.457
    names: float = 0.19
    numbers: float = 0.148  # the share of the question's numbers in the chunk, its title or its date
    # the chunk is in the question's language, which lifts both cosines. Held, not fitted (the fit's -0.22 learns
    # that most answers of the question set are in the other language), and the words' weight chosen with it
    same_language: float = -0.1
    overlap: float = 0.1  # the rarity-weighted share of the question's stemmed words in a chunk in its language


@dataclass
class Candidate:
    """A chunk that may answer, with its signals."""

    chunk_id: str
    text: str
    meta: dict
    cosine: float  # of the chunk's vector
    sentence: float = 0.0  # of its best sentence
    names: float = 1.0  # share of the question's names it mentions (1.0 when the question has none)
    numbers: float = 1.0  # share of the question's numbers in it, its title or its date (1.0 when none)
    same_language: bool = False  # in the question's language
    overlap: float = 0.0  # rarity-weighted share of the question's stemmed words in it or its title (0: other language)
    score: float = 0.0
    sentence_vectors: np.ndarray | None = None


def article_meta(meta: dict) -> ArticleMeta:
    return ArticleMeta(id=meta["article_id"], title=meta["title"], date=meta["date"], lang=meta["lang"],
                       source=meta["source"])


def _all_of(conditions: list[dict]) -> dict:
    """Chroma's `where` for every one of these conditions."""
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def date_bound(value: str, upper: bool) -> int:
    """'2023', '2023-07' or '2023-07-14' as a comparable YYYYMMDD number."""
    parts = value.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if not 1 <= len(numbers) <= 3:
            raise ValueError
    except ValueError:
        raise RagError(f"not a date: {value!r}; use YYYY, YYYY-MM or YYYY-MM-DD") from None
    year, month, day = (numbers + [99 if upper else 0] * 2)[:3]
    return year * 10000 + month * 100 + day


def where(since: str = "", until: str = "", lang: str = "") -> dict | None:
    """The Chroma metadata filter for a date range and a language."""
    clauses = []
    if since:
        clauses.append({"date_int": {"$gte": date_bound(since, upper=False)}})
    if until:
        clauses.append({"date_int": {"$lte": date_bound(until, upper=True)}})
        if not since:  # undated articles (date_int 0) are outside every date range
            clauses.append({"date_int": {"$gt": 0}})
    if lang:
        clauses.append({"lang": lang})
    return _all_of(clauses) if clauses else None


def says_little(question: str) -> bool:
    """The question says one word at most beside its names, numbers and dates ("Who is Tamar Gabelnick?", "What
    happened on May 9?", "Waar ligt Skrydstrup?"): too little for its vector to find what it asks about, or to tell
    whether the articles speak of it."""
    return len(beside_names(without_days(question), names_in(question))) <= 1


def unheld_dates(question: str, metas: list[tuple[str, dict]]) -> set[str]:
    """The dates (years, days of a month) the question names that none of these chunks (text, metadata) names, nor
    its article's title or date."""
    asked = dates_in(question)
    if not asked:
        return set()
    return asked - set().union(*(dates_in(f"{meta['title']} {text} {meta['date']}") for text, meta in metas))


class Retriever:
    """Searches one knowledge base (`kb`: its store, manifest and embedder)."""

    def __init__(self, kb, weights: Weights = Weights()):
        self.kb = kb
        self.weights = weights

    def search(self, question: str, k: int, *, since: str = "", until: str = "", lang: str = "") -> list[Passage]:
        """The `k` best passages, at most one article per group of near-duplicates; where none is close to the
        question, or it says little else, after the names and dates it gives that none of them holds are looked up
        ("Who is Tamar Gabelnick?", "wat gebeurde er op 5 september")."""
        vector = self.kb.embedder.embed([question])[0]
        n, filters = max(CANDIDATES, 3 * k), where(since, until, lang)
        hits = self.kb.store.query(vector, n=n, where=filters)
        passages = self.rank(self._scored(question, vector, hits), k)
        if max((p.best_sentence for p in passages), default=0.0) < FAR or says_little(question) or quoted(question):
            more = self._looked_up(question, vector, hits, filters)
            if more:  # ranked again with them, as the signals weigh each candidate among the others
                passages = self.rank(self._scored(question, vector, hits + more), k)
        return passages

    def candidates(self, question: str, vector: np.ndarray, n: int, filters: dict | None = None) -> list[Candidate]:
        """The `n` chunks nearest to the question's vector, with their signals, unscored."""
        return self._scored(question, vector, self.kb.store.query(vector, n=n, where=filters))

    def _scored(self, question: str, vector: np.ndarray, hits: list) -> list[Candidate]:
        """The store's `hits` (id, text, metadata, cosine) that are live, as candidates with their signals."""
        kb = self.kb
        asked = names_in(question)
        live, sentences = kb.live_with_sentences([chunk_id for chunk_id, *_ in hits], len(vector))
        found = [Candidate(chunk_id, text, meta, cosine) for chunk_id, text, meta, cosine in hits if chunk_id in live]
        for c in found:
            c.sentence_vectors = sentences.get(c.chunk_id)
            rows = c.sentence_vectors
            c.sentence = float((rows @ vector).max()) if rows is not None and len(rows) else c.cosine
        asked_numbers = numbers_and_days(question)
        if asked_numbers:
            for c in found:
                held = numbers_and_days(f"{c.text} {c.meta['title']} {c.meta['date']}")
                c.numbers = len(asked_numbers & held) / len(asked_numbers)
        lang = short_text_language(question)
        # the question's words beside its names, which count on their own
        asked_terms = terms(question, lang) - terms(" ".join(asked), lang)
        for c in found:
            c.same_language = c.meta["lang"] == lang
        same = [c for c in found if c.same_language]
        for c, share in zip(same, shared_rare(asked_terms, [terms(f"{c.meta['title']} {c.text}", lang) for c in same])):
            c.overlap = share
        if asked:
            matcher = NameMatcher(kb.embedder)
            for c, share in zip(found, matcher.coverage(asked, [c.text for c in found], translations=False)):
                c.names = share
            # translations cost the encoder's time for names not seen before: the closest few only
            closest = sorted((c for c in found if c.names < 1.0), key=lambda c: -(c.cosine + c.sentence))
            closest = closest[:TRANSLATED]
            for c, share in zip(closest, matcher.coverage(asked, [c.text for c in closest])):
                c.names = share
        # one name more: a treaty the question names by what it is on
        shares = AskedTreaties(question, kb.embedder).with_names([c.names for c in found], asked,
                                                                 [f"{c.meta['title']} {c.text}" for c in found])
        for c, share in zip(found, shares):
            c.names = share
        return found

    def _looked_up(self, question: str, vector: np.ndarray, hits: list, filters: dict | None) -> list:
        """For each name of the question that no chunk among `hits` mentions (by spelling, or in translation among the
        closest few), and each date it names that none of them does, the chunks nearest to the question among those
        that name it (every word of it, as the chunk's `names` and `dates` keep them: rag.ingest): the
        question's vector does not bring every name or date near ("Who is Tamar Gabelnick?" finds chunks on other
        people, "wat gebeurde er op 5 september" chunks without that day); and so for words it quotes, among the
        chunks whose text holds them."""
        asked, matcher = names_in(question), NameMatcher(self.kb.embedder)
        texts = [text for _, text, *_ in hits]
        seen = {chunk_id for chunk_id, *_ in hits}
        lookups = [[{"dates": {"$contains": date}}] for date in unheld_dates(question, [(t, m) for _, t, m, _ in hits])]
        for name in asked:
            keys = word_keys(name)
            if (keys and max(matcher.coverage([name], texts, translations=False), default=0.0) < 1.0
                    and max(matcher.coverage([name], texts[:TRANSLATED]), default=0.0) < 1.0):
                lookups.append([{"names": {"$contains": key}} for key in keys])
        within = [filters] if filters else []
        # (metadata filter, full-text filter) of each lookup; and words it quotes that none of them holds, by the
        # text as written ('Who said "a big mistake"?')
        filtered = [(_all_of([*conditions, *within]), None) for conditions in lookups]
        filtered += [(filters, {"$contains": q}) for q in quoted(question)
                     if not any(holds_words(text, q) for text in texts)]
        found = []
        for metadata, document in filtered:
            for hit in self.kb.store.nearest_matching(vector, NAMED, metadata, where_document=document):
                if hit[0] not in seen:
                    seen.add(hit[0])
                    found.append(hit)
        return found

    def rank(self, candidates: list[Candidate], k: int) -> list[Passage]:
        w = self.weights
        for c in candidates:
            c.score = (w.chunk * c.cosine + w.sentence * c.sentence + w.names * c.names + w.numbers * c.numbers
                       + w.same_language * c.same_language + w.overlap * c.overlap)
        passages: list[Passage] = []
        group_owner: dict[str, str] = {}
        for c in sorted(candidates, key=lambda c: -c.score):
            owner = group_owner.setdefault(c.meta["group"], c.meta["article_id"])
            if owner != c.meta["article_id"]:
                continue  # another copy of a story already in the results
            passages.append(Passage(rank=len(passages) + 1, score=float(c.score), text=c.text,
                                    article=article_meta(c.meta), chunk_id=c.chunk_id, best_sentence=c.sentence,
                                    sentences=sentences_at(c.text, c.meta.get("sentences", "")),
                                    sentence_vectors=c.sentence_vectors))
            if len(passages) == k:
                break
        return passages
