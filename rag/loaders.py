"""Read articles from files and folders: txt/md, html, pdf, docx and JSON Lines.

Nothing a file holds stops a run: each problem with a file (or with one line of a
JSON Lines file) becomes a LoadError naming it, and the other files are read.

An article's text is cut at MAX_TEXT_CHARS characters, with a LoadError saying so,
and a file is read only as far as that needs (JSON Lines lines up to MAX_LINE_BYTES).
This bounds what one article costs: ingesting a 50 MB text file (so its first 5 million
characters, 4,102 chunks) took 21 s and peaked at 820 MB RSS with the default embedder.

Coerced rather than refused: a number or date as title becomes its text, a YAML date
(or time stamp) as date its YYYY-MM-DD, a language tag such as "nl-NL" its two letters.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from rag.language import detect_language

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".pdf": "pdf", ".docx": "docx", ".jsonl": "jsonl"}
MAX_TEXT_CHARS = 5_000_000
MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS  # room for MAX_TEXT_CHARS of any text in JSON
_HTML_CHARS = 4 * MAX_TEXT_CHARS  # markup takes room too
_BLOCK = 1 << 20

# In a folder, hidden files, pictures, sound, video, fonts, a saved page's styles and
# scripts, and leftovers of editors and downloads pass without a word: they are never
# articles. Any other unsupported file is named in the report.
_QUIET_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .tif .tiff .webp .svg .ico .heic .mp3 .wav .ogg .m4a .flac .mp4 .mov .avi .mkv "
    ".webm .ttf .otf .woff .woff2 .css .js .map .tmp .bak .swp .part .crdownload".split())
_QUIET_NAMES = frozenset({"thumbs.db", "desktop.ini"})
_CONVERTIBLE = frozenset(".doc .odt .rtf .pages .wpd .epub .xlsx .xls .ods .pptx .ppt .odp".split())

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_LANG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*")
_LINE_BREAKS = re.compile("\r\n?|[\x0c\u2028\u2029]")  # \x0c: a page break in text taken from a PDF
# C0/C1 controls but \t and \n, bidirectional overrides, stray byte-order marks, lone surrogates (JSON can hold them)
_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\ud800-\udfff]")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_MAGIC = (b"\x89PNG", b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"\x7fELF",
          b"\x1f\x8b\x08", b"7z\xbc\xaf", b"Rar!\x1a\x07", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"SQLite format 3\x00")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c") + b"\x7f"
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


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
    cut: bool = False  # the text was cut at MAX_TEXT_CHARS

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


class _BadField(ValueError):
    """A metadata field with a value of the wrong type or form."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def article_id(identity: str) -> str:
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]


def find_files(paths: list[Path]) -> tuple[list[Path], list[LoadError]]:
    """Expand folders to the supported files below them, sorted, so every run sees the same order.

    Unsupported files inside a folder are returned as errors ("skipped: unsupported type"),
    except hidden files and those that are never articles (_QUIET_SUFFIXES, _QUIET_NAMES)."""
    files: list[Path] = []
    errors: list[LoadError] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(_visible_files(path)):
                if p.suffix.lower() in SUFFIXES:
                    files.append(p)
                elif not _quiet(p):
                    errors.append(LoadError(str(p), f"skipped: unsupported type {_unsupported(p)}"))
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                errors.append(LoadError(str(path), f"unsupported file type {_unsupported(path)}"))
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


def _visible_files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _quiet(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in _QUIET_SUFFIXES or name in _QUIET_NAMES or name.endswith("~")


def _unsupported(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _CONVERTIBLE:
        return f"{suffix}; save it as .docx, .pdf or .txt to include it"
    return f"{suffix or '(no extension)'}; supported: {', '.join(sorted(SUFFIXES))}"


def load_file(path: Path) -> Iterator[Article | LoadError]:
    """Yield the articles in one file, and a LoadError for each part that could not be read.

    Never raises for what a file holds: an unexpected failure becomes a LoadError too."""
    try:
        yield from _load(path)
    except OSError as exc:
        yield LoadError(str(path), f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a last resort: one odd file must not end the run
        yield LoadError(str(path), _unexpected(exc))


def _unexpected(exc: Exception) -> str:
    return f"could not read: {type(exc).__name__}: {exc}; the rest was read, please report this with the file"


def _load(path: Path) -> Iterator[Article | LoadError]:
    kind = SUFFIXES.get(path.suffix.lower(), "text")
    if kind == "jsonl":
        yield from _from_jsonl(path)
        return
    if path.stat().st_size == 0:
        yield LoadError(str(path), "file is empty")
        return
    if kind == "pdf":
        yield from _noted(path, _from_pdf(path))
        return
    if kind == "docx":
        yield from _noted(path, _from_docx(path))
        return
    read = _read_text(path, _HTML_CHARS if kind == "html" else MAX_TEXT_CHARS + _BLOCK)
    if isinstance(read, LoadError):
        yield read
        return
    text, cut = read
    text = clean_text(text)
    if not text.strip():
        yield LoadError(str(path), "file is empty")
        return
    result = _from_html(path, text, cut) if kind == "html" else _from_text(path, text, kind, cut)
    yield from _noted(path, result)


def _noted(path: Path, result: Article | LoadError, line: int | None = None) -> Iterator[Article | LoadError]:
    """The article or error, then a note if the article's text was cut."""
    yield result
    if isinstance(result, Article) and result.cut:
        yield LoadError(str(path), f"the article is longer than {MAX_TEXT_CHARS:,} characters and only its "
                        "start was indexed; split it into smaller articles to index all of it", line=line)


# ANSI control and "set title" sequences (colours, cursor moves...), so no "[31m" is left when the escape goes
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]{0,1000}(?:\x07|\x1b\\))")


def clean_text(text: str) -> str:
    """Line breaks as \\n; terminal escape sequences, control characters (but \\t and \\n), bidirectional
    overrides, stray BOMs and lone surrogates removed."""
    return _JUNK.sub("", _LINE_BREAKS.sub("\n", _ESCAPE_SEQUENCE.sub("", text)))


def _read_text(path: Path, max_chars: int) -> tuple[str, bool] | LoadError:
    """The file's text, decoded (UTF-8, or UTF-16/32 with a BOM), and whether it goes on past `max_chars`."""
    with open(path, "rb") as fh:
        data = fh.read(_BLOCK)
        bom, codec = _bom(data)
        if codec is None and _is_binary(data):
            return LoadError(str(path), "binary file, not text (is the extension right?)")
        decoder = codecs.getincrementaldecoder(codec or "utf-8")()
        pieces, size, offset, data = [], 0, len(bom), data[len(bom):]
        while data and size <= max_chars:
            try:
                pieces.append(decoder.decode(data))
            except UnicodeDecodeError as exc:
                return _decode_error(path, codec, offset - len(decoder.getstate()[0]) + exc.start)
            size += len(pieces[-1])
            offset += len(data)
            data = fh.read(_BLOCK)
        if size > max_chars:
            return "".join(pieces)[:max_chars], True
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return _decode_error(path, codec, offset - len(decoder.getstate()[0]) + exc.start)
    return "".join(pieces), False


def _bom(head: bytes) -> tuple[bytes, str | None]:
    """The byte-order mark `head` starts with and the encoding it names; (b"", None) without one."""
    return next(((bom, codec) for bom, codec in _BOMS if head.startswith(bom)), (b"", None))


def _decode_error(path: Path, codec: str | None, byte: int | None, line: int | None = None) -> LoadError:
    name = (codec or "utf-8")[:6].upper()
    where = f" (byte {byte})" if byte is not None else ""
    return LoadError(str(path), f"not valid {name} text{where}; save it as UTF-8", line=line)


def _is_binary(head: bytes) -> bool:
    """A known binary format, or many control bytes at the start."""
    sample = head[:8192]
    if sample.startswith(_MAGIC):
        return True
    return len(sample.translate(None, _TEXT_BYTES)) > len(sample) // 10


def _make(path: Path, identity: str, title: str, date: str, source: str, text: str,
          lang: str | None = None, cut: bool = False) -> Article | LoadError:
    text = clean_text(text)
    title = " ".join(clean_text(title).split())
    if title:
        text = _drop_repeated_title(title, text)
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        end = text.rfind(" ", MAX_TEXT_CHARS - 1000, MAX_TEXT_CHARS)
        text, cut = text[:end if end > 0 else MAX_TEXT_CHARS].rstrip(), True
    if len(text) < 20:
        return LoadError(str(path), "no article text found")
    return Article(id=article_id(identity), identity=identity, title=title or _derive_title(text),
                   date=date, lang=lang or detect_language(text), source=source, text=text, cut=cut)


def _derive_title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text[:2000], maxsplit=1)[0].strip()
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def _drop_repeated_title(title: str, text: str) -> str:
    """The text without a first line (or first sentence) that only repeats the title."""
    pattern = r"\s*" + r"\s+".join(re.escape(word) for word in title.split())
    start = re.match(pattern, text[:len(title) * 2 + 100], re.IGNORECASE)
    if not start:
        return text
    rest = text[start.end():]
    # the title on a line of its own, or as a whole first sentence
    end = re.match(r"\s" if title[-1] in ".!?" else r"[ \t]*[.:!?]?[ \t]*\n|[.!?]\s", rest)
    return rest[end.end():] if end and rest.strip() else text


def _from_text(path: Path, text: str, kind: str, cut: bool) -> Article | LoadError:
    meta = _front_matter(path, text)
    if isinstance(meta, LoadError):
        return meta
    meta, text = meta
    marker = _DATE_MARKER.match(text)
    if marker:
        meta.setdefault("date", marker.group(1))
        text = text[marker.end():]
    if kind == "markdown":
        heading = _TITLE_HEADING.match(text)
        if heading and not meta.get("title"):
            meta["title"], text = strip_markdown(heading.group(1)), text[heading.end():]
        text = strip_markdown(text)
    url = meta.get("url", "")
    return _make(path, url or str(path), meta.get("title", ""), meta.get("date", ""), url or str(path), text,
                 meta.get("lang"), cut)


_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _front_matter(path: Path, text: str) -> tuple[dict[str, str], str] | LoadError:
    """The YAML front matter's fields and the text after it; ({}, text) if there is none."""
    if not text.startswith("---\n"):
        return {}, text
    end = _FRONT_MATTER_END.search(text, 4, 65536)
    if end is None:
        return {}, text
    import yaml

    block = text[4:end.start()]
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return LoadError(str(path), f"invalid YAML front matter: {problem}; fix it (quoting the value often helps)",
                         line=mark.line + 2 if mark else None)
    except Exception as exc:  # e.g. a date that does not exist, 2023-02-30
        return LoadError(str(path), f"invalid YAML front matter: {exc}; fix the value", line=2)
    if loaded is None:
        return {}, text[end.end():]
    if not isinstance(loaded, dict):
        return LoadError(str(path), f"the YAML front matter is {_kind(loaded)}, not fields; write it as lines "
                         "such as 'title: ...' and 'date: 2023-07-17'", line=2)
    try:
        return _fields(loaded), text[end.end():]
    except _BadField as exc:
        return LoadError(str(path), f"front matter {exc}", line=_field_line(block, exc.name))


def _field_line(block: str, name: str) -> int | None:
    found = re.search(rf"^{name}\s*:", block, re.MULTILINE)
    return block.count("\n", 0, found.start()) + 2 if found else None


def _fields(record: dict) -> dict[str, str]:
    """title, date, url and lang of a front matter or JSON record, as clean strings.

    Raises _BadField for a field of the wrong type; a number (or date) as title is taken as text."""
    meta = {}
    for name, read in (("title", _title), ("date", _date), ("url", _url), ("lang", _lang)):
        value = record.get(name)
        if value is not None and value != "":
            meta[name] = read(name, value)
    return meta


def _title(name: str, value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    raise _BadField(f'field "{name}" must be text, not {_kind(value)}; put the text in quotes', name)


def _date(name: str, value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        return _clean_date(value)
    raise _BadField(f'field "{name}" must be a date such as "2023-07" or "2023-07-17", not {_kind(value)}', name)


def _url(name: str, value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value).strip()
    raise _BadField(f'field "{name}" must be a web address, not {_kind(value)}', name)


def _lang(name: str, value: Any) -> str:
    code = _LANG.fullmatch(value.strip()) if isinstance(value, str) else None
    if code:
        return code.group(1).lower()
    raise _BadField(f'field "{name}" must be a language code such as "nl" or "en", not {_kind(value)}; '
                    "fix it, or leave it out to have the language detected", name)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _clean_date(value: str) -> str:
    value = value.strip()[:10]
    return value if _DATE.match(value) else ""


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
_TITLE_HEADING = re.compile(r"\s*#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*\n")


def strip_markdown(text: str) -> str:
    """Markdown's markup removed, its words kept; a heading becomes a paragraph of its own."""
    for pattern, replacement in _MD_LINES + _MD_INLINE + _MD_EMPHASIS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\n{3,}", "\n\n", _MD_ESCAPE.sub(r"\1", text))


def _from_html(path: Path, html: str, cut: bool) -> Article | LoadError:
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      with_metadata=True, favor_precision=True)
    if doc is None or not (doc.text or "").strip():
        return LoadError(str(path), "no article text found in the HTML page")
    url = doc.url or ""
    return _make(path, url or str(path), doc.title or "", _clean_date(doc.date or ""), url or str(path),
                 doc.text, doc.language if doc.language in ("nl", "en") else None, cut)


def _from_pdf(path: Path) -> Article | LoadError:
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
    return _make(path, str(path), str(title), date, str(path), text[marker.end():] if marker else text)


def _from_docx(path: Path) -> Article | LoadError:
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
    return _make(path, str(path), title, date, str(path), text[marker.end():] if marker else text)


def _is_heading(text: str, style: str) -> bool:
    return style.startswith(("Title", "Heading")) or (len(text) <= 200 and text[-1] not in ".!?:;,")


def _from_jsonl(path: Path) -> Iterator[Article | LoadError]:
    """One article a line, read line by line so a large file never sits in memory whole."""
    empty, number = True, 0
    with open(path, "rb") as fh:
        _, codec = _bom(fh.read(4))
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
                    result = LoadError(str(path), _unexpected(exc), line=number)
                yield from _noted(path, result, number)
        except UnicodeDecodeError:
            yield _decode_error(path, codec, None, line=number + 1)
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
            raw = stream.readline(_BLOCK)
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
        return LoadError(str(path), f'field "text" must be text, not {_kind(text)}', line=number)
    if not text or not text.strip():
        return LoadError(str(path), 'each line needs an object with a non-empty "text"', line=number)
    try:
        meta = _fields(record)
    except _BadField as exc:
        return LoadError(str(path), str(exc), line=number)
    url, title = meta.get("url", ""), meta.get("title", "")
    identity = url or f"{path}#{title or number}"
    result = _make(path, identity, title, meta.get("date", ""), url or str(path), text, meta.get("lang"))
    if isinstance(result, LoadError):
        result.line = number
    return result
