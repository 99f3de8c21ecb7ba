"""The scripts that fit the retrieval and reader weights run end to end and print a weight for every signal."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields

import pytest

from conftest import ARTICLES, ROOT
from rag.reader import ReaderWeights
from rag.retrieval import Weights


@pytest.fixture
def few_questions(tmp_path):
    """A few dev and test questions of index/answers.jsonl, answerable and not."""
    records = [json.loads(line) for line in (ROOT / "index" / "answers.jsonl").read_text().splitlines() if line]
    chosen = ([r for r in records if r["split"] == "dev" and r.get("answerable", True)][:8]
              + [r for r in records if r["split"] == "test" and r.get("answerable", True)][:4]
              + [r for r in records if r.get("answerable", True) is False][:2])
    path = tmp_path / "few.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    return path


def run_script(name: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def printed_weights(output: str, label: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith(label))
    return [part.split()[0] for part in line.removeprefix(label).split(", ")]


def test_tune_answers_fits_every_reader_signal(few_questions):
    output = run_script("tune_answers.py", "--questions", str(few_questions), "--articles", str(ARTICLES), "--fit")
    assert "dev:" in output and "test:" in output and "recall@1" in output
    assert "current weights" in output and "learned on dev" in output
    assert printed_weights(output, "learned weights (cosine = 1): ") == [f.name for f in fields(ReaderWeights)]


def test_tune_ranking_fits_every_retrieval_signal(few_questions):
    output = run_script("tune_ranking.py", "--questions", str(few_questions), "--articles", str(ARTICLES))
    assert "current weights: dev" in output and "fitted on dev:   dev" in output
    assert printed_weights(output, "fitted weights: ") == [f.name for f in fields(Weights)]
