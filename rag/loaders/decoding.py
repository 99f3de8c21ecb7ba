"""Bytes to text: UTF-8, or UTF-16/32 with a byte-order mark; binary files recognised."""
from __future__ import annotations

import codecs
from pathlib import Path

from rag.loaders.articles import BLOCK, LoadError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_MAGIC = (b"\x89PNG", b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"\x7fELF",
          b"\x1f\x8b\x08", b"7z\xbc\xaf", b"Rar!\x1a\x07", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"SQLite format 3\x00")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c") + b"\x7f"
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def read_text(path: Path, max_chars: int) -> tuple[str, bool] | LoadError:
    """The file's text, decoded (UTF-8, or UTF-16/32 with a BOM), and whether it goes on past `max_chars`."""
    with open(path, "rb") as fh:
        data = fh.read(BLOCK)
        bom, codec = detect_bom(data)
        if codec is None and _is_binary(data):
            return LoadError(str(path), "binary file, not text (is the extension right?)")
        decoder = codecs.getincrementaldecoder(codec or "utf-8")()
        pieces, size, offset, data = [], 0, len(bom), data[len(bom):]
        while data and size <= max_chars:
            try:
                pieces.append(decoder.decode(data))
            except UnicodeDecodeError as exc:
                return decode_error(path, codec, offset - len(decoder.getstate()[0]) + exc.start)
            size += len(pieces[-1])
            offset += len(data)
            data = fh.read(BLOCK)
        if size > max_chars:
            return "".join(pieces)[:max_chars], True
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return decode_error(path, codec, offset - len(decoder.getstate()[0]) + exc.start)
    return "".join(pieces), False


def detect_bom(head: bytes) -> tuple[bytes, str | None]:
    """The byte-order mark `head` starts with and the encoding it names; (b"", None) without one."""
    return next(((bom, codec) for bom, codec in _BOMS if head.startswith(bom)), (b"", None))


def decode_error(path: Path, codec: str | None, byte: int | None, line: int | None = None) -> LoadError:
    name = (codec or "utf-8")[:6].upper()
    where = f" (byte {byte})" if byte is not None else ""
    return LoadError(str(path), f"not valid {name} text{where}; save it as UTF-8", line=line)


def _is_binary(head: bytes) -> bool:
    """A known binary format, or many control bytes at the start."""
    sample = head[:8192]
    if sample.startswith(_MAGIC):
        return True
    return len(sample.translate(None, _TEXT_BYTES)) > len(sample) // 10
