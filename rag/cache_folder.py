"""Folders kept in the cache folder (`cache_dir`): the encoder's weights, the language identifier's model."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


def write_folder(path: Path, fill: Callable[[Path], None]) -> None:
    """Write the folder at `path` with `fill(folder)` into a new folder beside it, then put that in its place at once:
    a half-written one is never read, and a broken one at `path` is replaced (not rebuilt at every start). Raises
    OSError where the cache folder cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    try:
        fill(tmp)
        shutil.rmtree(path, ignore_errors=True)
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
