"""The web chat's HTML, always made from escaped text: the header, answers (Markdown, with linked
citations and a copy button), source cards with the cited sentences marked, banners."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import PurePath

import gradio as gr

from rag.engine import RAG
from rag.types import CITATION_MARKER, Answer, Citation
from rag.ui.labels import label

WAITING = "<p class='hint'>…</p>"
QUEUED = "Waiting for a free answer slot…"  # replaced at once when one is free


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # "html": False escapes any HTML in the text; links to javascript:, vbscript: and data: stay text
    return MarkdownIt("commonmark", {"html": False, "breaks": True})


def no_sources(lang: str = "en") -> str:
    return f"<p class='hint'>{html.escape(label('hint', lang))}</p>"


def header_html(articles: list) -> str:
    """The app's name and what it does, and the knowledge base in one line."""
    langs = sorted({a.lang for a in articles})
    dates = sorted(a.date for a in articles if a.date)
    kb = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
    if langs:
        kb += " · " + ", ".join(RAG.language_name(x) for x in langs)
    if dates:
        kb += f" · {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
    return ('<div class="app-header"><h1>News Q&amp;A</h1>'
            '<p class="tagline">Ask the news articles in Dutch or English; every claim in an answer cites '
            'the passage it comes from.</p>'
            f'<p class="kb-line">Knowledge base: {html.escape(kb)}</p></div>')


def answer_html(text: str, answer: Answer | None = None, turn: int = 0, hidden: tuple[str, ...] = ()) -> str:
    """An answer for the chat: Markdown made safe, each [n] a link to its source card, the warnings
    under it (but those in `hidden`, said elsewhere), and, once complete, a copy button."""
    unsupported = {c.n for c in answer.citations if not c.supported} if answer else set()

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        flag = " unsupported" if n in unsupported else ""
        return f'<sup class="cite{flag}"><a href="#src-{turn}-{n}">[{n}]</a></sup>'

    body = CITATION_MARKER.sub(link, _markdown().render(text))
    if answer is None:
        return body
    warnings = [w for w in answer.warnings if not any(w in h for h in hidden)]
    if warnings:
        body += '<div class="warnings">' + "".join(f"<p>⚠ {html.escape(w)}</p>" for w in warnings) + "</div>"
    # the page's sanitizer keeps no data- attributes: what the button copies rides in hidden elements
    return body + (f'<div class="copy"><button class="copy-answer">{label("copy", answer.language)}</button>'
                   f'<span class="copy-done">{label("copied", answer.language)}</span>'
                   f'<pre class="copy-text">{html.escape(copy_text(answer))}</pre></div>')


def copy_text(answer: Answer) -> str:
    """The answer with its sources, as plain text for the clipboard."""
    lines = [answer.text]
    if answer.citations:
        lines += ["", f"{label('sources', answer.language)}:"]
        for c in answer.citations:
            a = c.article
            lines.append(f"[{c.n}] {a.title} ({a.date or '?'}) {a.source}")
            lines += [f'    "{q}"' for q in c.quotes or [c.quote] if q]
    return "\n".join(lines)


def sources_section(answer: Answer, turn: int) -> str:
    """One answer's sources: a card for each cited passage, its cited sentences marked."""
    lang = answer.language
    parts = [f'<section class="answer-sources" data-turn="{turn}">',
             f'<p class="hint">{html.escape(label("sources_for", lang))}: <i>{html.escape(answer.question)}</i></p>']
    parts += [_card(c, turn, lang) for c in answer.citations]
    if not answer.citations:
        parts.append(f"<p>{html.escape(label('no_sources', lang))}</p>")
    return "\n".join(parts) + "</section>"


def sources_panel(sections: list[str]) -> str:
    """The panel: the sections of every answer of the conversation (the style shows the last one;
    a click on an earlier answer's [n] shows that answer's)."""
    return "\n".join(sections) if sections else no_sources()


def _card(c: Citation, turn: int, lang: str) -> str:
    badge = "" if c.supported else f'<span class="badge">⚠ {html.escape(label("unsupported", lang))}</span>'
    excerpt, whole = _excerpt(c)
    more = "" if whole else (f'<details><summary>{html.escape(label("full", lang))}</summary>'
                             f'<p>{_marked(c.text, c.quotes)}</p></details>')
    return (f'<div class="source{"" if c.supported else " unsupported"}" id="src-{turn}-{c.n}">'
            f'<div class="source-title"><b>[{c.n}] {html.escape(c.article.title)}</b>{badge}</div>'
            f'<div class="meta">{_source_line(c, lang)}</div><p class="excerpt">{excerpt}</p>{more}</div>')


def _excerpt(c: Citation) -> tuple[str, bool]:
    """The cited sentences with one sentence either side, marked; and whether that is the whole passage."""
    sentences = c.sentences or [c.text]
    quotes = [" ".join(q.split()) for q in c.quotes if q.strip()]
    cited = [i for i, s in enumerate(sentences) if any(q in " ".join(s.split()) or " ".join(s.split()) in q
                                                      for q in quotes)]
    if not cited:
        return _marked(c.text, c.quotes), True
    first, last = max(cited[0] - 1, 0), min(cited[-1] + 1, len(sentences) - 1)
    text = " ".join(sentences[first:last + 1])
    whole = first == 0 and last == len(sentences) - 1
    return ("" if first == 0 else "… ") + _marked(text, c.quotes) + ("" if last == len(sentences) - 1 else " …"), whole


def _marked(text: str, quotes: list[str]) -> str:
    """The escaped text with every quoted sentence in <mark> (white space may differ)."""
    escaped = html.escape(text)
    for quote in quotes:
        words = quote.split()
        if words:
            pattern = re.compile(r"\s+".join(re.escape(html.escape(w)) for w in words))
            escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped, count=1)
    return escaped.replace("\n", "<br>")


def _source_line(c: Citation, lang: str) -> str:
    a = c.article
    if re.match(r"https?://", a.source):
        where = (f'<a href="{html.escape(a.source, quote=True)}" target="_blank" rel="noopener noreferrer">'
                 f'{html.escape(a.source)}</a>')
    else:
        where = f'<span title="{html.escape(a.source, quote=True)}">{html.escape(PurePath(a.source).name)}</span>'
    return f'{html.escape(a.date or label("no_date", lang))} · {html.escape(a.lang)} · {where}'


def status_text(message: str) -> str:
    """Plain text for a Markdown status line: no tag can form, quotes stay readable."""
    return html.escape(message, quote=False).replace("\n", " ")


def show_banner(html_text: str) -> dict:
    """The banner's update: shown with this text, or hidden when there is nothing to say."""
    return gr.update(value=html_text, visible=bool(html_text))


def llm_banner_html(message: str) -> str:
    return (f'<p class="banner">No language model is reachable, so answers are extractive (the sentences of '
            f'the articles that answer, quoted): {html.escape(message)}.</p>')
