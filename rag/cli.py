"""The `rag` command: a thin layer over rag.RAG."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rag.cli_parser import build_parser
from rag.errors import RagError
from rag.ui.labels import label

if TYPE_CHECKING:
    from rag.types import Answer, AnswerStream

SIGPIPE_EXIT = 141  # what a shell reports for a program ended by SIGPIPE (128 + 13)
# Characters a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1
# controls (ESC [ and CSI start escape sequences), and the bidirectional overrides.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, one_line: bool = False) -> str:
    """Text from an article, a model or a server, safe to print: control characters as visible
    escapes (ESC becomes \\x1b), and with `one_line` newlines as spaces."""
    if one_line:
        text = text.replace("\n", " ")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _shown_source(source: str) -> str:
    """An article's file as a terminal shows it: relative to the current folder when it lies under it."""
    path = Path(source)
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else source
    except (ValueError, OSError):  # elsewhere, or the current folder is gone
        return source


def _say(text: str, file: TextIO | None = None) -> None:
    """Print text that may hold control characters, escaped."""
    print(terminal_text(text), file=file or sys.stdout)


def _engine(args: argparse.Namespace):
    from rag.engine import RAG

    return RAG(args.index, chroma_url=args.chroma_url, kb=args.kb, embedder=args.embedder, k=getattr(args, "k", None),
               model=getattr(args, "model", None), ollama_host=getattr(args, "ollama_host", None),
               backend=getattr(args, "backend", None), openai_base_url=getattr(args, "openai_base_url", None),
               think=getattr(args, "think", None))


def cmd_ingest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    bar = None

    def progress(done: int, total: int, report) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, disable=None)
        bar.update(done - bar.n)
        bar.set_postfix(articles=report.added + report.updated + report.skipped, chunks=report.chunks)

    try:
        report = engine.ingest(*args.paths, prune=args.prune, on_progress=progress)
    finally:
        if bar is not None:
            bar.close()
    for error in report.errors:
        _say(f"error: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        stats = engine.stats()
        where = f"Knowledge base {stats['index']} at {stats['store']}" if engine.settings.chroma_url else \
            f"Index {stats['index']}"
        _say(f"{report.summary()}. {where}: {stats['articles']} articles, {stats['chunks']} chunks.")
    return 1 if report.failed else 0


def cmd_remove(args: argparse.Namespace) -> int:
    record = _engine(args).remove(args.article_id)
    _say(f"removed {record.id}: {terminal_text(record.title, one_line=True)} ({record.chunks} chunks)")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    records = _engine(args).articles()
    if args.json:
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
        return 0
    for r in records:
        dup = f"  (near-duplicate of {r.dup_of})" if r.dup_of else ""
        line = f"{r.id}  {r.date or '?':10}  {r.lang}  {r.chunks:3} chunks  {r.title[:70]}{dup}"
        print(terminal_text(line, one_line=True))
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
        head = f"[{p.rank}] {p.score:.3f}  {a.title}  ({a.date or 'no date'}, {a.lang})  {_shown_source(a.source)}"
        print(terminal_text(head, one_line=True))
        print(textwrap.indent(textwrap.fill(terminal_text(p.text), 100), "    "))
        print()
    return 0


def _print_answer(stream: AnswerStream, out: TextIO | None = None) -> Answer:
    """Stream the answer's text, then its warnings and cited sources (to stdout unless `out`); returns the Answer."""
    out = out or sys.stdout
    shown = []
    for piece in stream:
        shown.append(piece)
        out.write(terminal_text(piece))
        out.flush()
    answer = stream.answer
    if "".join(shown).strip() != answer.text:
        out.write("\n\n" + terminal_text(answer.text))  # the model broke off: the final answer replaces it
    out.write("\n")
    for warning in answer.warnings:
        _say(f"warning: {warning}", file=sys.stderr)
    if answer.citations:
        lang = answer.language
        out.write(f"\n{label('sources', lang)}:\n")
        for c in answer.citations:
            a = c.article
            flag = "" if c.supported else f"  ({label('unsupported', lang)})"
            source = _shown_source(a.source)
            out.write(terminal_text(f"[{c.n}] {a.title} ({a.date or label('no_date', lang)}) {source}{flag}",
                                    one_line=True) + "\n")
            out.write(textwrap.indent(textwrap.fill(terminal_text(f'"{c.quote or c.text}"'), 100), "    ") + "\n")
    out.flush()
    return answer


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.json:
        answer = engine.ask(args.question, use_llm=not args.no_llm)
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return 0
    _print_answer(engine.stream(args.question, use_llm=not args.no_llm))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    session = _engine(args).chat(use_llm=not args.no_llm)  # the model and k are in the engine's settings
    print("Ask about the articles; an empty line or Ctrl-D ends the chat.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question or question in ("exit", "quit"):
            return 0
        try:
            _print_answer(session.stream(question))
        except RagError as exc:
            _say(f"error: {exc}", file=sys.stderr)


def cmd_doctor(args: argparse.Namespace) -> int:
    checks = _engine(args).doctor(deep=args.deep, repair=args.repair)
    if args.json:
        print(json.dumps([c.to_dict() for c in checks], ensure_ascii=False, indent=1))
    else:
        for c in checks:
            _say(f"{'ok ' if c.ok else 'FIX'}  {c.name:9} {c.detail}")
    return 0 if all(c.ok for c in checks) else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from rag.ui.app import serve

    engine = _engine(args)
    settings = engine.settings.with_overrides(host=args.host, port=args.port)
    if bool(settings.username) != bool(settings.password):
        raise RagError("a login needs both username and password (config, or RAG_USERNAME and "
                       "RAG_PASSWORD); set the missing one, or neither for no login")
    auth = (settings.username, settings.password) if settings.username else None
    serve(engine, host=settings.host, port=settings.port, auth=auth)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.evaluation import format_scores

    report = _engine(args).evaluate(args.questions, split=args.split)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(format_scores(report))
    for miss in report["misses"]:
        if miss["kind"] == "retrieval":
            print(f"miss@3 (rank {miss['rank']}): {terminal_text(miss['question'])}")
        else:
            print(f"{miss['kind']}: {terminal_text(miss['question'])}")
    if report["blind_misses"]:
        print(f"{report['blind_misses']} misses of blind questions, not listed")
    return 0


COMMANDS = {"ingest": cmd_ingest, "remove": cmd_remove, "list": cmd_list, "search": cmd_search,
            "ask": cmd_ask, "chat": cmd_chat, "doctor": cmd_doctor, "serve": cmd_serve, "eval": cmd_eval}


# Commands that embed one question at a time: tiny matrix products, where a second BLAS
# thread only adds hand-off cost and, on a busy machine, long waits (BENCHMARKS.md, section 5).
# Set before numpy is first imported; bulk embedding (ingest, eval) keeps every core.
_SINGLE_QUESTION = {"search", "ask", "chat", "doctor", "serve"}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in _SINGLE_QUESTION and "numpy" not in sys.modules:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader that left shows up here, not in the interpreter's exit
        return status
    except BrokenPipeError:
        return _reader_gone()
    except RagError as exc:
        _say(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index is consistent, run the same command again to finish",
              file=sys.stderr)
        return 130


def _reader_gone() -> int:
    """The reader of our output has gone (a pipe closed after the first lines): stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere, without a second error
    return SIGPIPE_EXIT


if __name__ == "__main__":
    sys.exit(main())
