"""A reasoning model's thinking kept out of its answer.

Ollama hands thinking over apart from the answer (`message.thinking`) where it knows the model;
older servers and other models write it inline, as `<think>...</think>` before the answer. The
inline block is dropped here, before anything is shown or checked, so that its citations are
not citations and "not in the articles" is recognised after it.
"""
from __future__ import annotations

from itertools import chain
from typing import Iterable, Iterator

OPEN, CLOSE = "<think>", "</think>"


def without_reasoning(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces of a streamed reply with a leading `<think>...</think>` block left out."""
    head = ""
    pieces = iter(pieces)
    for piece in pieces:  # hold the start back until it is known whether a block opens it
        head += piece
        start = head.lstrip()
        if start.startswith(OPEN):
            break
        if not OPEN.startswith(start):
            yield head
            yield from pieces
            return
    else:
        if head:
            yield head
        return
    for piece in pieces:  # inside the block: wait for its end
        head += piece
        if CLOSE in head:
            break
    answering = False
    for piece in chain([head.partition(CLOSE)[2]], pieces):
        if not answering:  # the white space after the block is not part of the answer either
            piece = piece.lstrip()
            answering = bool(piece)
        if piece:
            yield piece


def strip_reasoning(text: str) -> str:
    """A whole reply without its reasoning: everything up to a closing `</think>` goes (the opening
    tag may have been written by the chat template, not by the model)."""
    return text.rpartition(CLOSE)[2].strip() if CLOSE in text else text.strip()
