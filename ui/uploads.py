"""Uploaded files made safe: a plain name, and a copy that never goes through an existing file."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from pathlib import Path


def safe_upload_name(name: str) -> str:
    """A plain file name: no folders, no '..', no leading dot or dash, no odd characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.-]+", "_", base)
    base = re.sub(r"\.{2,}", ".", base).lstrip("._-")
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 10:
        base = f"{stem[:100].rstrip('.')}.{suffix}" if stem else suffix
    return base[:120] or "upload"


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def copy_new(source: Path, target: Path) -> bool:
    """Copy into a file that does not exist yet (False if another upload took the name first);
    never through an existing file or symlink."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return True
