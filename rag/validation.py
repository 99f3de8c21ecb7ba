"""Checks on user input shared by every face."""
from __future__ import annotations

from rag.errors import RagError

MAX_QUESTION_CHARS = 2000


def check_question(question: str) -> str:
    """The question, stripped; an empty or overlong one is refused with a message."""
    question = (question or "").strip()
    if not question:
        raise RagError("the question is empty: ask something, e.g. "
                       "rag ask \"Which countries did not sign the 2008 treaty?\"")
    if len(question) > MAX_QUESTION_CHARS:
        raise RagError(f"the question is {len(question)} characters long; the limit is "
                       f"{MAX_QUESTION_CHARS}. Ask a shorter question")
    return question
