"""A follow-up that only names another treaty or speaker ("En het Ottawa-verdrag?", "And Scholz?") asks what the
question before it asked, of that: read without a model, it is that question asked again with the name swapped, so it
keeps the question's intent ("when ... signed", "what did ... say about") and drops the name it replaces. One that
names a country keeps the question before it as its topic instead (rag.answering): "En Nederland?" after the 2008
treaty's non-signers asks where the Netherlands stand, which that question does not name a country to swap for."""
from __future__ import annotations

from rag.answer_kinds import intent, speaker
from rag.names import is_country, names_in
from rag.retrieval import says_little
from rag.treaties import with_treaty_of


def asked_again(previous: str, follow_up: str) -> str:
    """The `previous` question asked of what the `follow_up` names in place of what it named, or "" where the
    follow-up asks something of its own or names no treaty for its treaty, nor someone for its speaker ("What did Sunak
    say about cluster munitions?", "And Scholz?")."""
    if not says_little(follow_up) or intent(follow_up):
        return ""
    swapped = with_treaty_of(previous, follow_up)
    if swapped:
        return swapped
    new, old = names_in(follow_up), speaker(previous)
    if len(new) != 1 or not old or is_country(new[0]) or new[0] in previous:
        return ""
    return previous.replace(old, new[0], 1)


def asked_last(previous: list[str], follow_up: str) -> str:
    """`asked_again` of the conversation's last question as it was asked again in turn ("When was the NPT signed?",
    "And the CTBT?", "And the Ottawa treaty?": when the Ottawa treaty was signed)."""
    asked = previous[0] if previous else ""
    for question in previous[1:]:
        asked = asked_again(asked, question) or question
    return asked_again(asked, follow_up) if asked else ""
