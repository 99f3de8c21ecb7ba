"""The command line and the settings: where the index lives, what reaches the terminal, pipes, ranges."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ARTICLES, RAG_BIN, ROOT, run_rag
from ollama_server import OllamaTestServer
from rag.types import Answer, AnswerStream, ArticleMeta, Citation, Passage

MODEL = "qwen2.5:7b"
ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e")
EVIL = ('---\ntitle: "Evil \\e[2J title \\e]0;pwned\\a here"\ndate: 2023-07\n---\n'
        "Cluster munitions \x1b[31mscatter\x1b[0m bomblets over a wide area \x1b]0;owned\x07 and many fail "
        "to explode.\n\nThe 2008 convention bans cluster munitions \u202eand most countries signed it.\n")


# ---- one default index, whatever the install mode

def _layout(folder: Path, *, checkout: bool) -> Path:
    """The package as a regular install lays it out (rag/ with ui/ and prompts/ inside), or, with
    `checkout`, beside index/articles as in this repository (what an editable install imports)."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "rag", folder / "rag", ignore=ignore)
    shutil.copytree(ROOT / "ui", folder / "rag" / "ui", ignore=ignore)
    shutil.copytree(ROOT / "prompts", folder / "rag" / "prompts", ignore=ignore)
    if checkout:
        shutil.copytree(ARTICLES, folder / "index" / "articles")
    return folder


def _rag_from(layout: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`rag ARGS` with the package imported from `layout`, run in `cwd`."""
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(layout)}, timeout=180)


def test_quick_start_then_editable_install_ask_the_same_index(tmp_path):
    installed = _layout(tmp_path / "site", checkout=False)
    checkout = _layout(tmp_path / "checkout", checkout=True)
    article = checkout / "index" / "articles" / "05_verdrag-clustermunitie-2008.txt"
    built = _rag_from(installed, "ingest", str(article), cwd=checkout)  # the quick start, in the checkout
    assert built.returncode == 0, built.stderr
    store = Path(os.environ["XDG_DATA_HOME"]) / "rag" / "store"
    assert f"Index {store}:" in built.stdout
    asked = _rag_from(checkout, "ask", "Welke landen tekenden het verdrag niet?", "--no-llm", cwd=checkout)
    assert asked.returncode == 0, asked.stderr  # the same index, after the test command's editable install
    assert "Bronnen:\n[1] " in asked.stdout and not (checkout / "index" / "store").exists()
    # the article's file as the quick start names it, under the folder it was asked from
    assert "(2023-07) index/articles/05_verdrag-clustermunitie-2008.txt\n" in asked.stdout, asked.stdout
    code = "from rag.config import default_index; print(default_index())"
    defaults = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True,
                               env={**os.environ, "PYTHONPATH": str(layout)}).stdout.strip()
                for layout, cwd in ((installed, tmp_path), (checkout, checkout), (checkout, tmp_path))}
    assert defaults == {str(store)}


def test_no_index_names_where_it_looked(tmp_path):
    result = run_rag("ask", "Which countries did not sign the 2008 treaty?")
    store = Path(os.environ["XDG_DATA_HOME"]) / "rag" / "store"
    assert result.returncode == 2 and f"no index at {store}" in result.stderr
    assert "rag ingest" in result.stderr and "Traceback" not in result.stderr


# ---- nothing an article or a model writes can drive the terminal

def test_terminal_text_escapes_control_characters():
    from rag.cli import terminal_text

    assert terminal_text("a\x1b[2Jb\x1b]0;x\x07c\rd\x9be\u202ef\x00") == "a\\x1b[2Jb\\x1b]0;x\\x07c\\rd\\x9be\\u202ef\\x00"
    assert terminal_text("line\n\tnext é ✓") == "line\n\tnext é ✓"
    assert terminal_text("two\nlines", one_line=True) == "two lines"


@pytest.fixture
def evil_index(tmp_path, use_embedder) -> Path:
    from rag.engine import RAG

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "evil.md").write_text(EVIL, encoding="utf-8")
    shutil.copy(ARTICLES / "05_verdrag-clustermunitie-2008.txt", docs)
    with RAG(tmp_path / "index", encoder=use_embedder) as engine:
        assert engine.ingest(docs).failed == 0
    return tmp_path / "index"


def _clean(text: str) -> bool:
    return not any(c in text for c in ESCAPES)


def test_list_search_and_ask_print_no_control_characters(evil_index):
    question = "What do cluster munitions scatter?"
    listed = run_rag("list", "--index", str(evil_index))
    searched = run_rag("search", question, "--index", str(evil_index))
    asked = run_rag("ask", question, "--no-llm", "--index", str(evil_index))
    for result in (listed, searched, asked):
        assert result.returncode == 0, result.stderr
        assert _clean(result.stdout) and _clean(result.stderr)
    title = re.compile(r"Evil (\\x1b\[2J )?title (\\x1b\]0;pwned(\\x07)? )?here")  # escaped, or dropped at ingest
    assert title.search(listed.stdout) and title.search(searched.stdout)
    answer, sources = asked.stdout.split("\nSources:\n")
    assert "scatter" in answer and title.search(sources)
    as_json = run_rag("list", "--json", "--index", str(evil_index)).stdout  # JSON escapes them itself
    assert _clean(as_json) and any(a["title"].startswith("Evil ") for a in json.loads(as_json))


class _Stub:
    """An engine whose articles, passages and answers hold escape sequences, whatever ingest keeps."""

    article = ArticleMeta(id="e1", title="Evil \x1b[2J title\n\x1b]0;pwned\x07", date="2023-07", lang="en",
                          source="/tmp/evil\x1b[0m.txt")
    text = "Bomblets \x1b[31mscatter\x1b[0m \x9b2J widely \u202eand fail."

    def articles(self):
        return [SimpleNamespace(id="e1", date="2023-07", lang="en", chunks=1, title=self.article.title, dup_of=None)]

    def search(self, question, k, **filters):
        return [Passage(rank=1, score=0.9, text=self.text, article=self.article)]

    def stream(self, question, use_llm=True):
        def pieces():
            yield "Bomblets \x1b[2J"
            yield "\x1b]0;x\x07 fail [1]."
            return Answer(question=question, text="Bomblets \x1b[2J\x1b]0;x\x07 fail [1].", language="en",
                          mode="llm", citations=[Citation(1, self.text, self.article, True, self.text)],
                          warnings=["server said \x1b[5mhello\x1b[0m"])

        return AnswerStream(pieces())


@pytest.mark.parametrize("args, shown", [
    (["list"], "Evil \\x1b[2J title \\x1b]0;pwned\\x07"),
    (["search", "q"], "Bomblets \\x1b[31mscatter\\x1b[0m \\x9b2J widely \\u202eand fail."),
    (["ask", "q"], "[1] Evil \\x1b[2J title \\x1b]0;pwned\\x07 (2023-07) /tmp/evil\\x1b[0m.txt"),
])
def test_what_the_commands_print_is_escaped(monkeypatch, capsys, args, shown):
    from rag import cli

    monkeypatch.setattr(cli, "_engine", lambda parsed: _Stub())
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    assert _clean(out) and _clean(err) and shown in out
    if args[0] == "ask":
        assert out.startswith("Bomblets \\x1b[2J\\x1b]0;x\\x07 fail [1].") and "\\x1b[5mhello" in err


def test_a_streamed_model_answer_is_escaped_too(evil_index):
    with OllamaTestServer(models=(MODEL,)) as server:
        server.reply("Bomblets \x1b[2J\x1b]0;pwned\x07 fail to explode [1].", chunk_size=3)
        result = run_rag("ask", "What do cluster munitions scatter?", "--index", str(evil_index), "--model", MODEL,
                         env={"OLLAMA_HOST": server.url})
    assert result.returncode == 0, result.stderr
    assert _clean(result.stdout) and "Bomblets \\x1b[2J\\x1b]0;pwned\\x07 fail to explode [1]." in result.stdout


# ---- a reader that closes the pipe early

@pytest.mark.parametrize("args", [("list",), ("search", "cluster munitions"),
                                  ("ask", "Which countries did not sign the 2008 treaty?", "--no-llm")])
def test_a_reader_that_leaves_early_ends_the_command_quietly(sample_index, args):
    proc = subprocess.Popen([str(RAG_BIN), *args, "--index", str(sample_index)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # a reader that has read enough, gone before anything is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141  # as a shell reports a program ended by SIGPIPE
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr
    proc.stderr.close()


# ---- settings: ranges beside the fields, refused with the range named

@pytest.mark.parametrize("args, message", [
    (("--k", "-1"), "setting 'k' must be from 1 to 50, got -1"),
    (("--k", "0"), "setting 'k' must be from 1 to 50, got 0"),
    (("--k", "two"), "argument --k: invalid int value: 'two'"),
])
def test_cli_refuses_settings_out_of_range(sample_index, args, message):
    result = run_rag("search", "cluster munitions", *args, "--index", str(sample_index))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_config_file_and_environment_values_are_checked_too(tmp_path):
    config = tmp_path / "rag.toml"
    config.write_text("chunk_size = 100\nchunk_overlap = 100\n")
    result = run_rag("list", env={"RAG_CONFIG": str(config)})
    assert result.returncode == 2 and "setting 'chunk_overlap' must be less than chunk_size (100), got 100" \
        in result.stderr
    result = run_rag("list", env={"RAG_TIMEOUT": "-5"})
    assert result.returncode == 2 and "setting 'timeout' must be more than 0 and at most 3600, got -5.0" \
        in result.stderr


@pytest.mark.parametrize("overrides, message", [
    ({"chunk_size": 8}, "setting 'chunk_size' must be from 16 to 8192, got 8"),
    ({"chunk_overlap": -1}, "setting 'chunk_overlap' must be from 0 to 8191, got -1"),
    ({"chunk_size": 200, "chunk_overlap": 300}, "'chunk_overlap' must be less than chunk_size (200), got 300"),
    ({"temperature": 3}, "setting 'temperature' must be from 0 to 2, got 3.0"),
    ({"num_ctx": 100}, "setting 'num_ctx' must be from 1024 to 1048576, got 100"),
    ({"timeout": 0}, "setting 'timeout' must be more than 0 and at most 3600, got 0.0"),
    ({"timeout": "nan"}, "setting 'timeout' must be more than 0 and at most 3600, got nan"),
    ({"connect_timeout": -1}, "setting 'connect_timeout' must be more than 0 and at most 300, got -1.0"),
    ({"first_token_timeout": 200}, "'first_token_timeout' must be at most timeout (120 s), got 200"),
    ({"history_turns": -1}, "setting 'history_turns' must be from 0 to 100, got -1"),
    ({"port": 70000}, "setting 'port' must be from 1 to 65535, got 70000"),
    ({"login_attempts": 0}, "setting 'login_attempts' must be from 1 to 1000, got 0"),
    ({"login_window": -1}, "setting 'login_window' must be more than 0 and at most 86400, got -1.0"),
    ({"max_upload_mb": 0}, "setting 'max_upload_mb' must be from 1 to 2048, got 0"),
    ({"k": "x"}, "setting 'k' wants a whole number, got 'x'"),
])
def test_settings_out_of_range_are_refused_naming_the_range(overrides, message):
    from rag.config import Settings
    from rag.errors import RagError

    with pytest.raises(RagError) as info:
        Settings().with_overrides(**overrides)
    assert message in str(info.value)


def test_defaults_are_in_range_and_the_password_is_not_shown(monkeypatch):
    from rag.config import Settings, load_settings

    assert Settings().with_overrides(k=50, timeout=3600, first_token_timeout=3600, chunk_overlap=0).k == 50
    monkeypatch.setenv("RAG_USERNAME", "ann")
    monkeypatch.setenv("RAG_PASSWORD", "hunter2")
    settings = load_settings()
    assert settings.password == "hunter2" and "username='ann'" in repr(settings)
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
