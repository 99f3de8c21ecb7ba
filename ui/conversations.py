"""The conversations of one browser, kept in its local storage (gr.BrowserState), not on the server.

A conversation's turns hold the answers as data (`turn_record`), never as HTML: the page is
rendered again from them, escaped, so a reload or another app replica shows the same chat, and
whatever the browser sends back cannot put markup on the page."""
from __future__ import annotations

import secrets
from typing import Any

from rag.types import Answer, ArticleMeta, Citation

KEEP = 20  # conversations kept, the most recent
TURNS = 50  # turns kept per conversation
UNREADABLE = (KeyError, TypeError, ValueError, AttributeError)  # what a turn the browser altered can raise


def empty() -> dict:
    return {"current": "", "items": []}


def _valid(store: Any) -> dict:
    """The store as the browser sent it, or a new one when it is not one."""
    if not isinstance(store, dict) or not isinstance(store.get("items"), list):
        return empty()
    items = [c for c in store["items"] if isinstance(c, dict) and isinstance(c.get("id"), str)
             and isinstance(c.get("turns"), list)]
    current = store.get("current") if isinstance(store.get("current"), str) else ""
    return {"current": current, "items": items[:KEEP]}


def current(store: Any) -> dict | None:
    store = _valid(store)
    return next((c for c in store["items"] if c["id"] == store["current"]), None)


def answers(store: Any) -> list[Answer]:
    """The answers of the current conversation, in order (turns that cannot be read are left out)."""
    conversation = current(store)
    found = []
    for turn in conversation["turns"] if conversation else []:
        try:
            found.append(answer_of(turn))
        except UNREADABLE:
            continue
    return found


def history(earlier: list[Answer]) -> list[dict]:
    """A conversation's answers (`answers`) as [{"role", "content"}], for a follow-up question."""
    plain = []
    for a in earlier:
        plain += [{"role": "user", "content": a.question}, {"role": "assistant", "content": a.text}]
    return plain


def add(store: Any, answer: Answer) -> dict:
    """The store with this answer as the current conversation's next turn (a new one if none is open)."""
    store = _valid(store)
    conversation = current(store)
    if conversation is None:
        conversation = {"id": secrets.token_hex(6), "title": answer.question[:80], "turns": []}
        store["current"] = conversation["id"]
    conversation["turns"] = (conversation["turns"] + [turn_record(answer)])[-TURNS:]
    others = [c for c in store["items"] if c["id"] != conversation["id"]]
    store["items"] = ([conversation] + others)[:KEEP]
    return store


def start_new(store: Any) -> dict:
    store = _valid(store)
    store["current"] = ""
    return store


def open_one(store: Any, conversation_id: str) -> dict:
    store = _valid(store)
    if any(c["id"] == conversation_id for c in store["items"]):
        store["current"] = conversation_id
    return store


def choices(store: Any) -> list[tuple[str, str]]:
    """(title, id) of the kept conversations, the most recent first."""
    return [(str(c.get("title") or "…")[:80], c["id"]) for c in _valid(store)["items"]]


def vote(store: Any, turn: int, liked: bool) -> tuple[dict, Answer | None]:
    """The store with the turn's vote noted, and that turn's answer (None if there is no such turn)."""
    store = _valid(store)
    conversation = current(store)
    if conversation is None or not 0 <= turn < len(conversation["turns"]):
        return store, None
    conversation["turns"][turn]["vote"] = "up" if liked else "down"
    try:
        return store, answer_of(conversation["turns"][turn])
    except UNREADABLE:
        return store, None


def turn_record(answer: Answer) -> dict:
    """An answer as plain data for the browser: the JSON of `rag ask --json`, each citation with its
    passage as sentences (the text is their join) and the sentences it quotes."""
    record = answer.to_dict()
    for c, data in zip(answer.citations, record["citations"]):
        data["sentences"] = c.sentences or [c.text]
        data["quotes"] = c.quotes or ([c.quote] if c.quote else [])
        del data["text"]
    return record


def answer_of(record: dict) -> Answer:
    """The Answer a turn record holds, every value checked for its type."""
    citations = []
    for data in record["citations"]:
        a = data["article"]
        sentences = [str(s) for s in data["sentences"]]
        citations.append(Citation(n=int(data["n"]), text=" ".join(sentences), supported=bool(data["supported"]),
                                  article=ArticleMeta(**{k: str(a[k]) for k in ("id", "title", "date", "lang",
                                                                                  "source")}),
                                  quote=str(data.get("quote", "")), quotes=[str(q) for q in data["quotes"]],
                                  sentences=sentences))
    mode = record["mode"] if record["mode"] in ("llm", "extractive") else "extractive"
    return Answer(question=str(record["question"]), text=str(record["answer"]), language=str(record["language"]),
                  mode=mode, citations=citations, warnings=[str(w) for w in record["warnings"]])
