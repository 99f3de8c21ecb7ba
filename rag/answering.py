"""Answer a question from retrieved passages: through the model when it can, extractively when not."""
from __future__ import annotations

import re
import time
from contextlib import closing
from dataclasses import replace
from functools import cache
from typing import Generator, Sequence

from rag.casing import cased
from rag.citation_markers import CitationRenumberer
from rag.citation_support import build_citations
from rag.dates import without_dates_of
from rag.errors import LLMUnavailable, RagError
from rag.follow_up import asked_last
from rag.knowledge_base import KnowledgeBase
from rag.language import language_name, short_text_language
from rag.llm import LLMError, OllamaLLM
from rag.names import beside_names, names_in
from rag.prompts import message, render
from rag.reasoning import strip_reasoning, without_reasoning
from rag.reader import Reader
from rag.relevance import Decision, covered, decide
from rag.text import content_words, numbers_in
from rag.treaties import treaties_in
from rag.tokens import count_tokens
from rag.types import CITATION_MARKER, Answer, Passage
from rag.validation import check_question

NOT_FOUND = "NOT_IN_ARTICLES"
# The reader reads this many passages, more than the k shown: the sentence that answers is often in
# the 6th to 8th (dev: right 0.67 -> 0.70, answerable refused 0.04 -> 0.03, EVALUATION.md).
READ_PASSAGES = 8
ANSWER_TOKENS = 512  # room left in the context window for the answer itself
THINKING_TOKENS = 2048  # and for a reasoning model's thinking, when it is asked to think
LANGUAGE_LETTERS = 40  # the letters of an answer held back to tell its language before it is shown
MIN_LETTERS = 20  # fewer tell no language
History = Sequence[dict]  # [{"role": "user" | "assistant", "content": str}, ...]
# a word that refers back to what was asked before (not "het", "dat", "die" or "that": as often an article, a
# conjunction or a relative pronoun)
_REFERS_BACK = re.compile(r"\b(?:it|its|they|them|their|he|him|his|she|her|hij|zij|ze|hem|haar|hun|ervan|daarvan|"
                          r"erop|daarop|erover|daarover)\b", re.I)


class Answerer:
    """Retrieval, prompt, model, citation check: the steps behind `RAG.ask` and `RAG.stream`."""

    def __init__(self, kb: KnowledgeBase, llm: OllamaLLM):
        self.kb = kb
        self.llm = llm
        self.settings = kb.settings

    def stream(self, question: str, history: History = (), *, k: int | None = None, model: str | None = None,
               use_llm: bool = True, since: str = "", until: str = "", lang: str = "") -> Generator[str, None, Answer]:
        """Yield answer text as it is written; return the final Answer (whose text is authoritative).
        `since`, `until` and `lang` filter the articles searched (rag.retrieval.where)."""
        filters = {"since": since, "until": until, "lang": lang}
        started = time.perf_counter()
        typed = check_question(question)
        spellings = cache(self.kb.spellings)  # its change counter read once a question, not at each use
        question = cased(typed, spellings)
        lang = short_text_language(question)
        warnings: list[str] = []
        history = _bounded(history, self.settings.history_turns)
        standalone, topic = self._condense(question, history, model, use_llm) if history else (question, "")
        # the model's rewrite, and the earlier questions, written as the question is
        standalone, topic = cased(standalone, spellings), cased(topic, spellings)
        asked = f"{topic} {standalone}".strip()  # what retrieval and the model see
        k = k or self.settings.k
        found = self._search(asked, topic, max(k, READ_PASSAGES), filters)
        passages = found[:k]
        timings = {"retrieval_ms": _ms(started)}
        # The reader finds the passage that answers before any model is asked; its reading is also
        # the extractive answer. It reads a few passages past the k shown, and the one it quotes comes
        # first among them (and the model's): the reader is the ranking's last stage. Without the
        # model's rewrite a follow-up keeps the conversation's topic (its names and numbers) but its
        # own intent: "And who did sign it?" asks for signers.
        reading = None
        decision = decide(asked, passages, self.kb.embedder)
        if decision.answerable:
            answered = history[-1]["content"] if topic and history[-1]["role"] == "assistant" else ""
            reading = Reader(self.kb.embedder).read(standalone, found, topic=topic, answered=answered, lang=lang)
            decision = covered(standalone, reading, self.kb.embedder, topic, answered)
            if reading.best is not None and decision.answerable:
                passages = _first(found[reading.best.passage], passages)
        relevant = passages if decision.answerable else []

        def finish(text: str, mode: str, citations=(), refusal: str = "") -> Answer:
            timings["total_ms"] = _ms(started)
            return Answer(question=typed, text=text, language=lang, mode=mode, citations=list(citations),
                          warnings=warnings, timings=timings, passages=passages, refusal=refusal)

        if not relevant:
            text = self._not_found(lang, passages, decision)
            yield text
            return finish(text, "extractive", refusal=decision.reason)
        if use_llm:
            try:
                try:
                    result = yield from self._generate(asked, lang, relevant, model, warnings, timings, started)
                except _WrongLanguage:  # nothing of it was shown: ask once more, the instruction repeated
                    result = yield from self._generate(asked, lang, relevant, model, warnings, timings, started,
                                                       again=True)
            except (LLMUnavailable, LLMError) as exc:
                warnings.append(str(exc) if isinstance(exc, LLMUnavailable)
                                else message("fallback", lang, reason=str(exc)))
            else:
                text, mapping, given = result
                if text is None:
                    text = self._not_found(lang, relevant)
                    yield text
                    return finish(text, "llm", refusal="model")
                citations = build_citations(text, given, mapping, embed=self.kb.embedder.embed, lang=lang)
                warnings.extend(message("unsupported", lang, n=c.n) for c in citations if not c.supported)
                return finish(text, "llm", citations)
        body, citations = reading.answer()
        text = f"{message('extractive_label', lang)}\n\n{body}"
        timings.setdefault("first_token_ms", _ms(started))
        yield text
        return finish(text, "extractive", citations)

    def _generate(self, standalone: str, lang: str, passages: list[Passage], model: str | None,
                  warnings: list[str], timings: dict, started: float, again: bool = False):
        """Stream the model's answer with citations renumbered on the fly.

        Returns (text, mapping, passages given), with text None when the model says the passages
        hold no answer. The start of the answer is held back until it is known not to be the
        not-found token and, unless `again` (the second asking), to be in the question's language:
        if it is not, _WrongLanguage is raised before anything is shown."""
        language = language_name(lang, "the language of the question")
        system = render("system", language=language, not_found_token=NOT_FOUND)
        given = self._fit(passages, system, standalone, language)
        prompt = render("question", passages="\n\n".join(_passage_block(i, p) for i, p in enumerate(given, 1)),
                        question=standalone, language=language)
        if again:
            prompt += "\n\n" + render("language_reminder", language=language)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        renumber = CitationRenumberer(len(given))
        head, raw, shown_all = "", [], []
        usage: dict = {}
        reply = self.llm.stream_chat(messages, model=model, usage=usage, num_predict=self._answer_tokens())
        with closing(reply):  # a reply given up on is hung up at once
            for piece in without_reasoning(reply):
                raw.append(piece)
                if head is not None:
                    head += piece
                    stripped = head.lstrip()
                    if NOT_FOUND.startswith(stripped) or stripped.startswith(NOT_FOUND) \
                            or (not again and _letters(stripped) < LANGUAGE_LETTERS):
                        continue
                    if not again and _answered_in(stripped, lang) != lang:
                        raise _WrongLanguage
                    piece, head = head, None
                shown = renumber.feed(piece)
                if shown:
                    timings.setdefault("first_token_ms", _ms(started))
                    shown_all.append(shown)
                    yield shown
        if "".join(raw).strip().startswith(NOT_FOUND):
            return None, {}, given
        if head and not again and _answered_in(head, lang) != lang:
            raise _WrongLanguage
        tail = renumber.feed(head) if head else ""
        tail += renumber.finish()
        if tail:
            timings.setdefault("first_token_ms", _ms(started))
            shown_all.append(tail)
            yield tail
        text = "".join(shown_all).strip()
        if not text:  # the stream() fallback gives the extractive answer, with this as the reason
            raise LLMError(message("empty_answer", lang))
        if usage.get("done_reason") == "length":
            warnings.append(message("over_limit" if usage.get("limited") else "cut_off", lang,
                                    tokens=self._answer_tokens()))
        answered = _answered_in(text, lang)
        if answered != lang:
            warnings.append(message("wrong_language", lang, asked=language, answered=language_name(answered)))
        warnings.extend(message("invalid_citation", lang, n=n) for n in renumber.invalid)
        if usage.get("prompt_tokens", 0) >= self.settings.num_ctx:
            warnings.append(f"the prompt filled the model's whole context window ({self.settings.num_ctx} "
                            "tokens); raise num_ctx or lower k")
        return text, renumber.mapping, given

    def _thinking_tokens(self) -> int:
        return THINKING_TOKENS if self.settings.think else 0

    def _answer_tokens(self) -> int:
        """The reply's budget: the answer, and the reasoning before it when thinking is on."""
        return ANSWER_TOKENS + self._thinking_tokens()

    def _fit(self, passages: list[Passage], system: str, question: str, language: str) -> list[Passage]:
        """As many passages, best first, as fit the context window beside the prompt and the answer."""
        budget = (self.settings.num_ctx - self._answer_tokens() - count_tokens(system)
                  - count_tokens(render("question", passages="", question=question, language=language)))
        given = []
        for p in passages:
            cost = count_tokens(_passage_block(len(given) + 1, p))
            if cost > budget:
                break
            budget -= cost
            given.append(p)
        if not given:
            raise RagError(f"the context window (num_ctx {self.settings.num_ctx}) is too small for even one "
                           "passage; raise num_ctx in the config")
        return given

    def _search(self, asked: str, topic: str, k: int, filters: dict[str, str]) -> list[Passage]:
        """The passages for the question; for a follow-up the model did not rewrite, the best of
        those for the whole exchange and those for its topic alone ("And who did sign it?" says
        too little to find the treaty by itself, and dilutes the question it follows)."""
        passages = self.kb.search(asked, k, **filters)
        if not topic:
            return passages
        best: dict[str, Passage] = {}
        for p in passages + self.kb.search(topic, k, **filters):
            if p.chunk_id not in best or p.score > best[p.chunk_id].score:
                best[p.chunk_id] = p
        ranked = sorted(best.values(), key=lambda p: -p.score)[:k]
        return [replace(p, rank=i) for i, p in enumerate(ranked, 1)]

    def _condense(self, question: str, history: History, model: str | None, use_llm: bool) -> tuple[str, str]:
        """A follow-up ("and who signed it?") as (standalone question, topic).

        The model rewrites it as a standalone question when it can (topic ""); otherwise the
        question stays as asked and its topic is the conversation's last question, and, when it
        names nothing itself (or refers back), the ones before that back to the last that does, or all when none
        does: after "Which countries did not sign the 2008 treaty?" and "And who did sign it?", "When was it
        adopted?" is still about the 2008 treaty."""
        if use_llm:
            transcript = "\n".join(f"{m['role']}: {m['content']}" for m in history)
            prompt = render("condense", history=transcript, question=question)
            try:
                standalone = strip_reasoning(self.llm.chat([{"role": "user", "content": prompt}], model=model,
                                                           num_predict=120 + self._thinking_tokens())).strip('"')
                if standalone and NOT_FOUND not in standalone:
                    return standalone.splitlines()[0], ""
            except (LLMUnavailable, LLMError):
                pass  # the answer step reports the problem; retrieval uses the fallback below
        previous = [m["content"] for m in history if m["role"] == "user"]
        # one that only names another treaty or speaker asks what the question before it asked, of that ("When was
        # the NPT signed?", "And the Ottawa treaty?")
        again = asked_last(previous, question)
        if again:
            return again, ""
        start = len(previous) - 1
        # one that names a treaty changes the topic ("What about the Ottawa treaty?"); one that names a country or a
        # person asks the same of them ("En Nederland?" after the 2008 treaty's non-signers and "Waarom niet?")
        if not treaties_in(question, question=True):
            start = next((i for i in range(start, -1, -1) if _names_something(previous[i])), 0)
        # one that names a day or a year asks of its own ("And on 7 July?" after "What happened on 20 July?"), and
        # where the questions before it asked of nothing else, it has no topic
        topic = without_dates_of(" ".join(previous[max(start, 0):]), question)
        return question, topic if names_in(topic) or content_words(topic) or numbers_in(topic) else ""

    def _not_found(self, lang: str, passages: list[Passage], decision: Decision | None = None) -> str:
        """Not found, what the articles lack when the decision says ("None of them mentions: 2024."), and the
        nearest articles' titles."""
        if not self.kb.manifest.has_articles():
            return message("no_articles", lang)
        lines = [message("not_found", lang)]
        if decision is not None and decision.detail:
            lines[0] += " " + message(f"not_found_{decision.reason}", lang, **decision.detail)
        nearest = list({p.article.id: p.article for p in passages}.values())[:3]
        if nearest:
            lines.append(message("nearest", lang))
            lines.extend(f"- {a.title} ({a.date or '?'})" for a in nearest)
        return "\n".join(lines)


class _WrongLanguage(Exception):
    """The model began its answer in another language than the question's."""


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _answered_in(text: str, lang: str) -> str:
    """The language of an answer; `lang` where it is too short to tell (a list of names, a number)."""
    plain = CITATION_MARKER.sub(" ", text)
    return short_text_language(plain, lang) if _letters(plain) >= MIN_LETTERS else lang


def _passage_block(n: int, p: Passage) -> str:
    return render("passage", n=n, title=p.article.title, date=p.article.date or "date unknown", text=p.text)


def _bounded(history: History, turns: int) -> list[dict]:
    kept = [m for m in history if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)]
    return [{"role": m["role"], "content": m["content"][:1500]} for m in kept[-2 * turns:]]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _names_something(question: str) -> bool:
    """The question gives a name, a number or a treaty of its own, asks something of it and refers back to nothing:
    what it is about ("En Polen?" only names what the question before it asked about, "When did Russia suspend it?"
    refers back to it)."""
    names = names_in(question)
    return (bool(names or numbers_in(question) or treaties_in(question, question=True))
            and bool(beside_names(question, names)) and not _REFERS_BACK.search(question))


def _first(passage: Passage, passages: list[Passage]) -> list[Passage]:
    """`passages` with `passage` first, ranked again."""
    ordered = [passage] + [p for p in passages if p.chunk_id != passage.chunk_id]
    return [replace(p, rank=i) for i, p in enumerate(ordered, 1)]
