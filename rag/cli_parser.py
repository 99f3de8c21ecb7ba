"""The `rag` command's arguments: every subcommand, its options, help and examples."""
from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from rag.config import BACKENDS, default_index

EXAMPLE_QUESTION = "Which countries did not sign the 2008 treaty?"


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("knowledge base")
    group.add_argument("--index", metavar="DIR",
                       help=f"index folder (default {default_index()}, the same for every install; env RAG_INDEX)")
    group.add_argument("--chroma-url", metavar="URL", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    group.add_argument("--kb", metavar="NAME", help="the knowledge base's name on the Chroma server "
                                                    "(default 'default'; env RAG_KB)")
    group.add_argument("--embedder", metavar="SPEC", help="'use' (default) or 'st:MODEL_NAME_OR_PATH'")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=int, metavar="N", help="number of passages (default 5)")
    parser.add_argument("--since", metavar="DATE", default="", help="only articles from this date (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", default="", help="only articles up to this date")
    parser.add_argument("--lang", metavar="CODE", default="", help="only articles in this language (nl, en)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _ollama_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("language model")
    group.add_argument("--model", metavar="M", help="model name on the server (default gemma4:e4b; env RAG_MODEL)")
    group.add_argument("--backend", choices=BACKENDS,
                       help="model server: Ollama (default) or one speaking the OpenAI API (env RAG_BACKEND)")
    group.add_argument("--ollama-host", metavar="URL", help="Ollama server (env OLLAMA_HOST)")
    group.add_argument("--openai-base-url", metavar="URL", help="OpenAI-compatible server's API root, e.g. "
                       "http://127.0.0.1:8000/v1 (env RAG_OPENAI_BASE_URL; its key: env OPENAI_API_KEY)")
    group.add_argument("--think", action="store_true", default=None,
                       help="let a reasoning model (qwen3, deepseek-r1, ...) think before answering; slower")


def _answer_options(parser: argparse.ArgumentParser) -> None:
    _ollama_options(parser)
    parser.add_argument("--k", type=int, metavar="N", help="number of passages to retrieve (default 5)")
    parser.add_argument("--no-llm", action="store_true",
                        help="extractive answer: quote the sentences that answer, no model")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Ask questions about news articles (Dutch and English) and get answers that cite them.",
        epilog=textwrap.dedent(f"""\
            examples:
              rag ingest index/articles
              rag ask "{EXAMPLE_QUESTION}"
              rag search "{EXAMPLE_QUESTION}" --k 3
              rag eval index/questions.jsonl
            """))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p)
        return p

    p = command("ingest", "add or update articles from files and folders (txt, md, html, pdf, jsonl)",
                "rag ingest index/articles news.jsonl --prune")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--prune", action="store_true", help="drop indexed articles whose files are gone")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = command("remove", "remove one article and its vectors", "rag remove 3f2a9c0d1e4b5a6c")
    p.add_argument("article_id", metavar="ID")

    p = command("list", "list the indexed articles", "rag list --json")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("search", "show the passages that best match a question", f'rag search "{EXAMPLE_QUESTION}"')
    p.add_argument("question")
    _filters(p)

    p = command("ask", "answer one question with citations (streams the answer, then lists the sources)",
                f'rag ask "{EXAMPLE_QUESTION}"\n  rag ask "Welke landen ondertekenden het verdrag niet?" --no-llm --json')
    p.add_argument("question")
    _answer_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")

    p = command("chat", "a conversation in the terminal; follow-up questions use the history",
                "rag chat --model llama3.1:8b")
    _answer_options(p)

    p = command("doctor", "check the index, the embedder, the model server and the model",
                "rag doctor --deep\n  rag doctor --repair")
    _ollama_options(p)
    p.add_argument("--deep", action="store_true",
                   help="read every chunk back from the store and check that a search returns it (slow)")
    p.add_argument("--repair", action="store_true",
                   help="finish interrupted writes and fix what the checks find (takes the write lock)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("serve", "start the web chat (Gradio) on 127.0.0.1:7860", "rag serve --port 8080")
    _ollama_options(p)
    p.add_argument("--host", help="address to bind (default 127.0.0.1; another address is your explicit choice)")
    p.add_argument("--port", type=int, help="port (default 7860)")

    p = command("eval", "score retrieval (recall@1/3/5, MRR) and, where the set gives answers, the extractive "
                "answers and refusals, by question language", "rag eval index/answers.jsonl --split test")
    p.add_argument("questions", metavar="QUESTIONS.jsonl", type=Path)
    p.add_argument("--split", default="", metavar="NAME", help="only the questions of this split (dev, test, blind)")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser
