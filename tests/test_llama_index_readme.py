"""The README's section "Using it from llama-index" runs as written, against the sample index.

Its code blocks are read from README.md, so they cannot drift from what is tested. The LLM the
section brings (llama-index-llms-ollama's `Ollama`, not installed here) is a scripted llama-index
LLM; everything else is real, with no model server reachable (conftest), so the query and chat
engine examples give extractive answers."""
from __future__ import annotations

import re
import sys
import types

from conftest import ARTICLES, ROOT
from llama_index_models import SHOWN, ScriptedLLM

SECTION = "## Using it from llama-index"


def section_code(readme: str) -> list[str]:
    """The ```python blocks of the section, in order."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return re.findall(r"```python\n(.*?)```", readme[start:end if end != -1 else None], re.S)


def test_the_readme_llama_index_examples_run(sample_index, tmp_path, monkeypatch, capsys):
    (tmp_path / "index").mkdir()  # the examples' paths, as in a checkout
    (tmp_path / "index" / "store").symlink_to(sample_index)
    (tmp_path / "index" / "articles").symlink_to(ARTICLES)
    made: list[dict] = []

    def ollama(**options) -> ScriptedLLM:
        made.append(options)
        return ScriptedLLM()

    monkeypatch.setitem(sys.modules, "llama_index.llms.ollama", types.SimpleNamespace(Ollama=ollama))
    blocks = section_code((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 5
    names: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), names)
    printed = capsys.readouterr().out

    assert len(names["retriever"].retrieve("Which countries did not sign the 2008 treaty?")) == 3
    response, streaming, reply = names["response"], names["streaming"], names["reply"]
    assert response.metadata["mode"] == "extractive" and response.source_nodes and "[1]" in response.response
    assert streaming.source_nodes and streaming.metadata["mode"] == "extractive"
    assert reply.source_nodes and len(names["chat_engine"].chat_history) == 4
    assert made == [{"model": "qwen2.5:7b", "request_timeout": 120.0}]
    assert names["answer"].text == SHOWN and names["answer"].mode == "llm"
    assert "'article_id'" in printed.splitlines()[-1]  # the vector index's best node, with our metadata
