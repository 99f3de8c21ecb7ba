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

from pathlib import Path
from typing import Iterator

from rag.loaders.articles import BLOCK, HTML_CHARS, MAX_TEXT_CHARS, Article, LoadError, article_id, clean_text
from rag.loaders.decoding import read_text
from rag.loaders.formats import from_docx, from_html, from_jsonl, from_pdf, from_text, unexpected, with_cut_note
from rag.loaders.markdown import strip_markdown

__all__ = ["SUFFIXES", "MAX_TEXT_CHARS", "Article", "LoadError", "article_id", "clean_text", "find_files",
           "load_file", "strip_markdown"]

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
            ".pdf": "pdf", ".docx": "docx", ".jsonl": "jsonl"}

# In a folder, hidden files, pictures, sound, video, fonts, a saved page's styles and
# scripts, and leftovers of editors and downloads pass without a word: they are never
# articles. Any other unsupported file is named in the report.
_QUIET_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .tif .tiff .webp .svg .ico .heic .mp3 .wav .ogg .m4a .flac .mp4 .mov .avi .mkv "
    ".webm .ttf .otf .woff .woff2 .css .js .map .tmp .bak .swp .part .crdownload".split())
_QUIET_NAMES = frozenset({"thumbs.db", "desktop.ini"})
_CONVERTIBLE = frozenset(".doc .odt .rtf .pages .wpd .epub .xlsx .xls .ods .pptx .ppt .odp".split())


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
        yield LoadError(str(path), unexpected(exc))


def _load(path: Path) -> Iterator[Article | LoadError]:
    kind = SUFFIXES.get(path.suffix.lower(), "text")
    if kind == "jsonl":
        yield from from_jsonl(path)
        return
    if path.stat().st_size == 0:
        yield LoadError(str(path), "file is empty")
        return
    if kind == "pdf":
        yield from with_cut_note(path, from_pdf(path))
        return
    if kind == "docx":
        yield from with_cut_note(path, from_docx(path))
        return
    read = read_text(path, HTML_CHARS if kind == "html" else MAX_TEXT_CHARS + BLOCK)
    if isinstance(read, LoadError):
        yield read
        return
    text, cut = read
    text = clean_text(text)
    if not text.strip():
        yield LoadError(str(path), "file is empty")
        return
    result = from_html(path, text, cut) if kind == "html" else from_text(path, text, kind, cut)
    yield from with_cut_note(path, result)
