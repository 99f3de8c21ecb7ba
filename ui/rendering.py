"""The web chat's HTML, always made from escaped text: answers with linked citations, source
cards with the quoted sentences marked, banners; and its look (CSS, theme)."""
from __future__ import annotations

import html
import re

import gradio as gr

from rag.types import CITATION_MARKER, Answer, Citation

NO_SOURCES = "<p class='hint'>The passages an answer cites appear here.</p>"
WAITING = "<p class='hint'>Searching the articles…</p>"
QUEUED = "Waiting for a free answer slot…"  # replaced at once when one is free
QUEUED_SOURCES = f"<p class='hint'>{QUEUED}</p>"
CSS = """
.source { border-left: 3px solid #6b7280; padding: 4px 10px; margin: 10px 0; }
.source.unsupported { border-left-color: #dc2626; }
.source mark { background: #fde68a; color: inherit; }
.source .meta { color: #6b7280; font-size: 0.85em; }
.badge { color: #dc2626; font-size: 0.85em; margin-left: 6px; font-weight: 600; }
.banner { background: #fef3c7; border: 1px solid #f59e0b; color: #78350f; padding: 8px 12px;
          border-radius: 6px; margin: 0; }
.warnings { margin-top: 8px; color: #92400e; font-size: 0.9em; }
sup.cite a { text-decoration: none; }
sup.cite.unsupported a { color: #dc2626; }
.hint { color: #6b7280; }
"""
THEME = gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])


def answer_html(text: str, answer: Answer | None = None) -> str:
    """Answer text for the chat: escaped, each [n] a link to its source, warnings under it."""
    unsupported = {c.n for c in answer.citations if not c.supported} if answer else set()

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n in unsupported:
            return (f'<sup class="cite unsupported"><a href="#src-{n}" title="this source may not support '
                    f'the claim">[{n}]</a></sup>')
        return f'<sup class="cite"><a href="#src-{n}">[{n}]</a></sup>'

    body = CITATION_MARKER.sub(link, html.escape(text).replace("\n", "<br>"))
    if answer and answer.warnings:
        body += '<div class="warnings">' + "".join(f"<p>⚠ {html.escape(w)}</p>" for w in answer.warnings) + "</div>"
    return body


def _highlight(passage: str, quote: str) -> str:
    """The escaped passage with the quoted sentence in <mark> (whitespace may differ)."""
    escaped = html.escape(passage)
    words = quote.split()
    if words:
        pattern = re.compile(r"\s+".join(re.escape(html.escape(w)) for w in words))
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped, count=1)
    return escaped.replace("\n", "<br>")


def _source_line(c: Citation) -> str:
    a = c.article
    where = html.escape(a.source)
    if re.match(r"https?://", a.source):
        where = f'<a href="{html.escape(a.source, quote=True)}" target="_blank" rel="noopener noreferrer">{where}</a>'
    return f'{html.escape(a.date or "no date")} · {html.escape(a.lang)} · {where}'


def sources_html(answer: Answer) -> str:
    """The sources panel: each cited passage with its article, the cited part highlighted."""
    parts = [f'<p class="hint">Sources for: <i>{html.escape(answer.question)}</i></p>']
    for c in answer.citations:
        badge = "" if c.supported else '<span class="badge">⚠ may not support what cites it</span>'
        parts.append(f'<div class="source{"" if c.supported else " unsupported"}" id="src-{c.n}">'
                     f'<b>[{c.n}] {html.escape(c.article.title)}</b>{badge}<br>'
                     f'<span class="meta">{_source_line(c)}</span>'
                     f'<p>{_highlight(c.text, c.quote)}</p></div>')
    if not answer.citations:
        parts.append("<p>No sources cited.</p>")
    return "\n".join(parts)


def status_text(message: str) -> str:
    """Plain text for a Markdown status line: no tag can form, quotes stay readable."""
    return html.escape(message, quote=False).replace("\n", " ")


def show_banner(html_text: str) -> dict:
    """The banner's update: shown with this text, or hidden when there is nothing to say."""
    return gr.update(value=html_text, visible=bool(html_text))


def llm_banner_html(message: str) -> str:
    return (f'<p class="banner">No language model is reachable, so answers are extractive (the sentences of '
            f'the articles that answer, quoted): {html.escape(message)}.</p>')
