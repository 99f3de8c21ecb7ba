"""Markdown's markup removed, its words kept."""
from __future__ import annotations

import re

# Markdown: each rule keeps the words and drops the markup. A span cannot hold the
# character that opens or closes it, so a text full of unmatched markers stays linear.
_MD_LINES = [
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), ""),                                  # code fences
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE), r"\n\1\n"),  # headings
    (re.compile(r"^[ \t]*(?:=+|(?:[-*_][ \t]*){3,})[ \t]*$", re.MULTILINE), ""),                # rules, underlines
    (re.compile(r"^[ \t]{0,3}\[[^\[\]\n]{1,300}\]:[ \t]+\S.*$", re.MULTILINE), ""),              # link definitions
    (re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE), ""),                                     # blockquotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE), ""),                     # list bullets
]
_MD_INLINE = [
    (re.compile(r"!\[[^\[\]\n]{0,300}\](?:\([^()\n]{0,2000}\)|\[[^\[\]\n]{0,300}\])"), ""),        # images
    (re.compile(r"\[([^\[\]\n]{1,300})\](?:\([^()\n]{0,2000}\)|\[[^\[\]\n]{0,300}\])"), r"\1"),   # links
    (re.compile(r"<((?:https?|mailto):[^<>\s]{1,2000})>"), r"\1"),                               # autolinks
    (re.compile(r"(`{1,3})([^`\n]{1,300}?)\1"), r"\2"),                                          # inline code
    (re.compile(r"~~(?=[^\s~])([^\n~]{1,300}?)(?<=\S)~~"), r"\1"),                                # strikethrough
]
_MD_EMPHASIS = [  # twice: once for the inner, once for the outer of "**bold *and em* in one**"
    (re.compile(r"(?<![\\\w*])(\*{1,3})(?=[^\s*])([^\n*]{1,300}?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"(?<![\\\w])(_{1,3})(?=[^\s_])([^\n_]{1,300}?)(?<=\S)\1(?!\w)"), r"\2"),
] * 2
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
TITLE_HEADING = re.compile(r"\s*#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*\n")


def strip_markdown(text: str) -> str:
    """Markdown's markup removed, its words kept; a heading becomes a paragraph of its own."""
    for pattern, replacement in _MD_LINES + _MD_INLINE + _MD_EMPHASIS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\n{3,}", "\n\n", _MD_ESCAPE.sub(r"\1", text))
