"""The `rag` command: a thin layer over rag.RAG."""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from rag.errors import RagError

EXAMPLE_QUESTION = "Which countries did not sign the 2008 treaty?"


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("knowledge base")
    group.add_argument("--index", metavar="DIR", help="index folder (default: index/store; env RAG_INDEX)")
    group.add_argument("--chroma-url", metavar="URL", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    group.add_argument("--embedder", metavar="SPEC", help="'use' (default) or 'st:MODEL_NAME_OR_PATH'")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=int, metavar="N", help="number of passages (default 5)")
    parser.add_argument("--since", metavar="DATE", default="", help="only articles from this date (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", default="", help="only articles up to this date")
    parser.add_argument("--lang", metavar="CODE", default="", help="only articles in this language (nl, en)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Ask questions about news articles (Dutch and English) and get answers that cite them.",
        epilog=textwrap.dedent(f"""\
            examples:
              rag ingest index/articles
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

    p = command("eval", "score retrieval on a question set: recall@1/3/5 and MRR by language",
                "rag eval index/questions.jsonl")
    p.add_argument("questions", metavar="QUESTIONS.jsonl", type=Path)
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _engine(args: argparse.Namespace):
    from rag.engine import RAG

    return RAG(args.index, chroma_url=args.chroma_url, embedder=args.embedder,
               k=getattr(args, "k", None))


def cmd_ingest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    bar = None

    def progress(done: int, total: int, report) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, disable=None)
        bar.update(done - bar.n)
        bar.set_postfix(chunks=report.chunks, refresh=False)

    try:
        report = engine.ingest(*args.paths, prune=args.prune, on_progress=progress)
    finally:
        if bar is not None:
            bar.close()
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        articles, chunks = engine.kb.manifest.count()
        print(f"{report.summary()}. Index {engine.settings.index}: {articles} articles, {chunks} chunks.")
    return 1 if report.failed else 0


def cmd_remove(args: argparse.Namespace) -> int:
    record = _engine(args).remove(args.article_id)
    print(f"removed {record.id}: {record.title} ({record.chunks} chunks)")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    records = _engine(args).articles()
    if args.json:
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
        return 0
    for r in records:
        dup = f"  (near-duplicate of {r.dup_of})" if r.dup_of else ""
        print(f"{r.id}  {r.date or '?':10}  {r.lang}  {r.chunks:3} chunks  {r.title[:70]}{dup}")
    print(f"{len(records)} articles")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    passages = _engine(args).search(args.question, args.k, since=args.since, until=args.until, lang=args.lang)
    if args.json:
        print(json.dumps({"question": args.question, "results": [p.to_dict() for p in passages]},
                         ensure_ascii=False))
        return 0
    if not passages:
        print("No passages found.")
    for p in passages:
        a = p.article
        print(f"[{p.rank}] {p.score:.3f}  {a.title}  ({a.date or 'no date'}, {a.lang})  {a.source}")
        print(textwrap.indent(textwrap.fill(p.text, 100), "    "))
        print()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.evaluation import format_scores

    report = _engine(args).evaluate(args.questions)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(format_scores(report))
    for miss in report["misses"]:
        print(f"miss@3 (rank {miss['rank']}): {miss['question']}")
    return 0


COMMANDS = {"ingest": cmd_ingest, "remove": cmd_remove, "list": cmd_list, "search": cmd_search,
            "eval": cmd_eval}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index is consistent, run the same command again to finish",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
