"""One reader a format: plain text and Markdown (with front matter), HTML, PDF, .docx, JSON Lines."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import IO, Iterator

from rag.loaders.articles import BLOCK, MAX_LINE_BYTES, MAX_TEXT_CHARS, Article, BadField, LoadError, make_article
from rag.loaders.decoding import decode_error, detect_bom
from rag.loaders.fields import clean_date, describe, front_matter, record_fields
from rag.loaders.markdown import TITLE_HEADING, strip_markdown

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)


def unexpected(exc: Exception) -> str:
    return f"could not read: {type(exc).__name__}: {exc}; the rest was read, please report this with the file"


def with_cut_note(path: Path, result: Article | LoadError, line: int | None = None) -> Iterator[Article | LoadError]:
    """The article or error, then a note if the article's text was cut."""
    yield result
    if isinstance(result, Article) and result.cut:
        yield LoadError(str(path), f"the article is longer than {MAX_TEXT_CHARS:,} characters and only its "
                        "start was indexed; split it into smaller articles to index all of it", line=line)


def from_text(path: Path, text: str, kind: str, cut: bool) -> Article | LoadError:
    meta = front_matter(path, text)
    if isinstance(meta, LoadError):
        return meta
    meta, text = meta
    marker = _DATE_MARKER.match(text)
    if marker:
        meta.setdefault("date", marker.group(1))
        text = text[marker.end():]
    if kind == "markdown":
        heading = TITLE_HEADING.match(text)
        if heading and not meta.get("title"):
            meta["title"], text = strip_markdown(heading.group(1)), text[heading.end():]
        text = strip_markdown(text)
    url = meta.get("url", "")
    return make_article(path, url or str(path), meta.get("title", ""), meta.get("date", ""), url or str(path),
                        text, meta.get("lang"), cut)


def from_html(path: Path, html: str, cut: bool) -> Article | LoadError:
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      with_metadata=True, favor_precision=True)
    if doc is None or not (doc.text or "").strip():
        return LoadError(str(path), "no article text found in the HTML page")
    url = doc.url or ""
    return make_article(path, url or str(path), doc.title or "", clean_date(doc.date or ""), url or str(path),
                        doc.text, doc.language if doc.language in ("nl", "en") else None, cut)


def from_pdf(path: Path) -> Article | LoadError:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    pages: list[str] = []
    size = 0
    try:
        reader = PdfReader(path)
        title = (reader.metadata.title if reader.metadata else None) or ""
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:
                break
    except Exception as exc:  # pypdf raises many kinds on broken files
        return LoadError(str(path), f"corrupt or unreadable PDF: {exc or type(exc).__name__}; "
                         "open it and save or print it as PDF again")
    text = "\n\n".join(pages)
    if not text.strip():
        return LoadError(str(path), "the PDF has no extractable text (scanned images need OCR first)")
    marker = _DATE_MARKER.match(text)
    date = marker.group(1) if marker else ""
    return make_article(path, str(path), str(title), date, str(path), text[marker.end():] if marker else text)


def from_docx(path: Path) -> Article | LoadError:
    """Paragraphs joined by blank lines; the title from the document's properties, else from
    a first paragraph that is a heading (styled so, or a short line with no final stop)."""
    import docx

    try:
        document = docx.Document(str(path))
        paragraphs = [(p.text.strip(), p.style.name if p.style is not None else "") for p in document.paragraphs]
        title = document.core_properties.title or ""
    except Exception as exc:  # not a zip, a part missing, broken XML...
        return LoadError(str(path), f"corrupt or unreadable .docx file ({type(exc).__name__}: {exc}); "
                         "open it in a word processor and save it again as .docx")
    paragraphs = [(text, style or "") for text, style in paragraphs if text]
    if not title and paragraphs and _is_heading(*paragraphs[0]):
        title = paragraphs.pop(0)[0]
    text = "\n\n".join(text for text, _ in paragraphs)
    marker = _DATE_MARKER.match(text)
    date = marker.group(1) if marker else ""
    return make_article(path, str(path), title, date, str(path), text[marker.end():] if marker else text)


def _is_heading(text: str, style: str) -> bool:
    return style.startswith(("Title", "Heading")) or (len(text) <= 200 and text[-1] not in ".!?:;,")


def from_jsonl(path: Path) -> Iterator[Article | LoadError]:
    """One article a line, read line by line so a large file never sits in memory whole."""
    empty, number = True, 0
    with open(path, "rb") as fh:
        _, codec = detect_bom(fh.read(4))
        fh.seek(0)
        # UTF-16 and UTF-32 are decoded as they are read; UTF-8 line by line, to name a bad line
        stream: IO = io.TextIOWrapper(fh, encoding=codec[:6]) if codec and codec != "utf-8" else fh
        try:
            for number, raw in _lines(stream):
                if raw is not None and not raw.strip():
                    continue
                empty = False
                if raw is None:
                    yield LoadError(str(path), f"line longer than {MAX_LINE_BYTES:,} bytes; split the article",
                                    line=number)
                    continue
                try:
                    result = _from_json_line(path, raw, number)
                except Exception as exc:  # a last resort: one odd line must not end the file
                    result = LoadError(str(path), unexpected(exc), line=number)
                yield from with_cut_note(path, result, number)
        except UnicodeDecodeError:
            yield decode_error(path, codec, None, line=number + 1)
            return
    if empty:
        yield LoadError(str(path), "file is empty")


def _lines(stream: IO) -> Iterator[tuple[int, bytes | None]]:
    """(number, line as UTF-8 without NUL bytes) for each line of a byte or text stream;
    None for a line longer than MAX_LINE_BYTES, whose rest is skipped."""
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) <= MAX_LINE_BYTES or _ends_line(raw):
            yield number, (raw.encode("utf-8") if isinstance(raw, str) else raw).replace(b"\x00", b"")
            continue
        while raw and not _ends_line(raw):
            raw = stream.readline(BLOCK)
        yield number, None


def _ends_line(raw: bytes | str) -> bool:
    return raw[-1:] in (b"\n", "\n")


def _from_json_line(path: Path, raw: bytes, number: int) -> Article | LoadError:
    try:
        # strict=False: control characters inside strings are taken, and removed with the rest below
        record = json.loads(raw.decode("utf-8-sig"), strict=False)
    except UnicodeDecodeError as exc:
        return LoadError(str(path), f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8", line=number)
    except json.JSONDecodeError as exc:
        return LoadError(str(path), f"invalid JSON: {exc.msg} (column {exc.colno}); fix or remove the line",
                         line=number)
    text = record.get("text") if isinstance(record, dict) else None
    if text is not None and not isinstance(text, str):
        return LoadError(str(path), f'field "text" must be text, not {describe(text)}', line=number)
    if not text or not text.strip():
        return LoadError(str(path), 'each line needs an object with a non-empty "text"', line=number)
    try:
        meta = record_fields(record)
    except BadField as exc:
        return LoadError(str(path), str(exc), line=number)
    url, title = meta.get("url", ""), meta.get("title", "")
    identity = url or f"{path}#{title or number}"
    result = make_article(path, identity, title, meta.get("date", ""), url or str(path), text, meta.get("lang"))
    if isinstance(result, LoadError):
        result.line = number
    return result
