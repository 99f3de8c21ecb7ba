"""Read articles from files and folders: txt/md, html, pdf and JSON Lines."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rag.language import detect_language

SUFFIXES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html",
            ".pdf": "pdf", ".jsonl": "jsonl"}
_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass
class Article:
    """One article as read from its source, before chunking."""

    id: str
    identity: str  # url if known, else the file path (with #line for JSON Lines without url)
    title: str
    date: str
    lang: str
    source: str
    text: str

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join((self.title, self.date, self.source, self.text))
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()


@dataclass
class LoadError:
    """A file (or one line of it) that could not be read, and why."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def article_id(identity: str) -> str:
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]


def find_files(paths: list[Path]) -> tuple[list[Path], list[LoadError]]:
    """Expand folders to the supported files below them, sorted, so every run sees the same order."""
    files: list[Path] = []
    errors: list[LoadError] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                errors.append(LoadError(str(path), f"unsupported file type {path.suffix or '(none)'}; "
                                        f"supported: {', '.join(sorted(SUFFIXES))}"))
        else:
            errors.append(LoadError(str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        resolved = f.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(resolved)
    return unique, errors


def load_file(path: Path) -> Iterator[Article | LoadError]:
    """Yield the articles in one file, or a LoadError for each part that could not be read."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "jsonl":
        yield from _from_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield LoadError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if not data.strip():
        yield LoadError(str(path), "file is empty")
        return
    if kind == "pdf":
        yield _from_pdf(path, data)
        return
    if b"\x00" in data[:8192]:
        yield LoadError(str(path), "binary file, not text (is the extension right?)")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield LoadError(str(path), f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8")
        return
    if kind == "html":
        yield _from_html(path, text)
    else:
        yield _from_text(path, text)


def _make(identity: str, title: str, date: str, source: str, text: str,
          lang: str | None = None) -> Article | LoadError:
    text = text.strip()
    if len(text) < 20:
        return LoadError(source, "no article text found")
    return Article(id=article_id(identity), identity=identity, title=(title or _derive_title(text)).strip(),
                   date=date, lang=lang or detect_language(text), source=source, text=text)


def _derive_title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0]
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def _from_text(path: Path, text: str) -> Article | LoadError:
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            import yaml

            try:
                loaded = yaml.safe_load(text[4:end])
            except yaml.YAMLError as exc:
                return LoadError(str(path), f"invalid YAML front matter: {exc}")
            meta = {k: str(v) for k, v in (loaded or {}).items() if v is not None}
            text = text[end + 4:]
    marker = _DATE_MARKER.match(text)
    if marker:
        meta.setdefault("date", marker.group(1))
        text = text[marker.end():]
    title = meta.get("title", "")
    if not title and path.suffix.lower() in (".md", ".markdown"):
        heading = re.match(r"\s*#\s+(.+)\n", text)
        if heading:
            title, text = heading.group(1), text[heading.end():]
    url = meta.get("url", "")
    return _make(url or str(path), title, _clean_date(meta.get("date", "")), url or str(path), text,
                 meta.get("lang") or None)


def _from_html(path: Path, html: str) -> Article | LoadError:
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      with_metadata=True, favor_precision=True)
    if doc is None or not (doc.text or "").strip():
        return LoadError(str(path), "no article text found in the HTML page")
    url = doc.url or ""
    return _make(url or str(path), doc.title or "", _clean_date(doc.date or ""), url or str(path),
                 doc.text, doc.language if doc.language in ("nl", "en") else None)


def _from_pdf(path: Path, data: bytes) -> Article | LoadError:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return LoadError(str(path), f"corrupt or unreadable PDF: {exc}")
    if not text.strip():
        return LoadError(str(path), "the PDF has no extractable text (scanned images need OCR first)")
    marker = _DATE_MARKER.match(text)
    date = marker.group(1) if marker else ""
    return _make(str(path), title, date, str(path), text[marker.end():] if marker else text)


def _from_jsonl(path: Path) -> Iterator[Article | LoadError]:
    """One article a line, read line by line so a large file never sits in memory whole."""
    empty = True
    try:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                empty = False
                yield _from_json_line(path, raw, number)
    except OSError as exc:
        yield LoadError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if empty:
        yield LoadError(str(path), "file is empty")


def _from_json_line(path: Path, raw: bytes, number: int) -> Article | LoadError:
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return LoadError(str(path), f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8", line=number)
    except json.JSONDecodeError as exc:
        return LoadError(str(path), f"invalid JSON: {exc.msg}", line=number)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
        return LoadError(str(path), 'each line needs an object with a non-empty "text"', line=number)
    url = str(record.get("url") or "")
    title = str(record.get("title") or "")
    identity = url or f"{path}#{title or number}"
    result = _make(identity, title, _clean_date(str(record.get("date") or "")), url or str(path),
                   record["text"], record.get("lang") or None)
    if isinstance(result, LoadError):
        result.line = number
    return result


def _clean_date(value: str) -> str:
    value = value.strip()[:10]
    return value if _DATE.match(value) else ""
