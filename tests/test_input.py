"""Whatever a file holds, reading and chunking it neither stops a run nor loses the good articles."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from rag import loaders
from rag.chunking import chunk_article
from rag.loaders import Article, LoadError, find_files, load_file
from rag.sentences import split_sentences

BODY = ("The Black Sea grain corridor carried more than 30 million tonnes of Ukrainian wheat, maize and barley. "
        "Turkey and the United Nations had brokered the deal a year earlier in Istanbul.")
CONTROL = [chr(c) for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)]]  # C0 and C1 but \t, \n
# Peak RSS of a process that chunks the text, with its tokenizer and Punkt models (220 MB of it)
WORD_PEAK_MB = 400
FIFTY_MB_PEAK_MB = 760  # 800 less the 40 MB the other two cases left behind when it ran after them


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def loaded(path: Path) -> tuple[list[Article], list[str]]:
    items = list(load_file(path))
    return [i for i in items if isinstance(i, Article)], [str(i) for i in items if isinstance(i, LoadError)]


def shipment(i: int) -> str:
    """The first sentence of story(i), and so its title."""
    towns = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Poltava", "Sumy"]
    goods = ["wheat", "maize", "barley", "sunflower oil", "rapeseed", "soy beans"]
    return f"Shipment {i} of {goods[i % 6]} left {towns[i // 6 % 6]} on day {i + 3}."


def story(i: int) -> str:
    return (f"date 2023-0{1 + i % 9} {shipment(i)} Port officials counted {1000 + 37 * i} tonnes and {i % 7 + 2} "
            f"inspectors on board. The buyer in case {i} paid {12 + i} million euros, a figure the ministry confirmed.")


def test_bad_metadata_is_named_and_the_good_articles_land(tmp_path, use_embedder):
    from rag.engine import RAG

    docs = tmp_path / "docs"
    for i in range(30):
        write(docs, f"good/{i:02d}.txt", story(i))
    write(docs, "list.md", "---\n- Grain\n- 2023\n---\n" + BODY)
    write(docs, "string.md", "---\nGrain deal ends\n---\n" + BODY)
    write(docs, "number.md", "---\n2023\n---\n" + BODY)
    lines = [{"title": "Feed article", "text": BODY}, {"lang": ["nl"], "text": BODY},
             {"title": {"x": 1}, "text": BODY}, {"date": 2023, "text": BODY}, {"text": 42}, ["a list"], None]
    write(docs, "feed.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    with RAG(tmp_path / "index", encoder=use_embedder) as engine:
        report = engine.ingest(docs)
        titles = {r.title for r in engine.articles()}
    assert report.added == 31
    assert titles == {shipment(i) for i in range(30)} | {"Feed article"}
    errors = "\n".join(report.errors)
    for name, kind in (("list.md", "a list"), ("string.md", "'Grain deal ends'"), ("number.md", "the number 2023")):
        assert f"{docs / name}:2: the YAML front matter is {kind}, not fields" in errors
    feed = docs / "feed.jsonl"
    assert f'{feed}:2: field "lang" must be a language code such as "nl" or "en", not a list' in errors
    assert f'{feed}:3: field "title" must be text, not an object' in errors
    assert f'{feed}:4: field "date" must be a date such as "2023-07" or "2023-07-17", not the number 2023' in errors
    assert f'{feed}:5: field "text" must be text, not the number 42' in errors
    assert f'{feed}:6: each line needs an object' in errors and f'{feed}:7: each line needs an object' in errors
    assert len(report.errors) == 9


def test_load_file_never_raises(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    odd = {"tabs.md": "---\n\ttitle: x\n---\n" + BODY,
           "bad-date.md": "---\ndate: 2023-02-30\n---\n" + BODY,
           "yes.md": "---\ntitle: yes\n---\n" + BODY,
           "nested.jsonl": '{"text": {"a": [1, 2]}}\n[1, 2, 3]\n"text"\n{"text": "' + BODY + '", "url": 7}\n',
           "deep.jsonl": "[" * 100_000 + "\n"}
    for name, content in odd.items():
        articles, errors = loaded(write(docs, name, content))
        assert not articles and errors and all(e.startswith(str(docs / name)) for e in errors)
    articles, _ = loaded(write(docs, "coerced.md", f"---\ntitle: 1984\ndate: 2023-07-17\nlang: NL-nl\n---\n{BODY}"))
    assert [(a.title, a.date, a.lang) for a in articles] == [("1984", "2023-07-17", "nl")]

    def broken(text: str, default: str = "en") -> str:
        raise RuntimeError("detector out of order")

    monkeypatch.setattr("rag.loaders.articles.detect_language", broken)
    feed = write(docs, "feed.jsonl", json.dumps({"text": BODY}) + "\n")
    plain = write(docs, "plain.txt", BODY)
    message = "could not read: RuntimeError: detector out of order; the rest was read, please report this with the file"
    assert loaded(plain) == ([], [f"{plain}: {message}"])
    assert loaded(feed) == ([], [f"{feed}:1: {message}"])


def test_text_with_a_byte_order_mark_is_read(tmp_path):
    for encoding in ("utf-16-le", "utf-16-be", "utf-8"):
        path = write(tmp_path, f"{encoding}.txt", ("\ufeffdate 2023-07 Oekraïne krijgt clustermunitie. " + BODY
                                                   ).encode(encoding))
        feed = write(tmp_path, f"{encoding}.jsonl", ("\ufeff" + json.dumps({"title": "Oekraïne", "text": BODY})
                                                     + "\n").encode(encoding))
        articles, errors = loaded(path)
        assert not errors and [(a.title, a.date, a.text) for a in articles] == [
            ("Oekraïne krijgt clustermunitie.", "2023-07", "Oekraïne krijgt clustermunitie. " + BODY)], encoding
        articles, errors = loaded(feed)
        assert not errors and [(a.title, a.text) for a in articles] == [("Oekraïne", BODY)], encoding


def test_control_characters_are_removed_and_binary_files_refused(tmp_path):
    noise = "".join(CONTROL)
    txt = write(tmp_path, "nul.txt", f"Gr\x00ain deal\x07 ends\x9b.\x00 {noise}{BODY}\n\n"
                + BODY.replace(" ", " \x00\x1b", 3))
    md = write(tmp_path, "title.md", '---\ntitle: "Grain\\0 deal\\a ends\\x85"\n---\n' + BODY + "\x9b\x00")
    feed = write(tmp_path, "feed.jsonl", json.dumps({"title": "Grain\x00 deal ends", "text": BODY + noise}) + "\n")
    for path in (txt, md, feed):
        (article,), errors = loaded(path)
        assert not errors
        assert not any(c in article.title + article.text for c in CONTROL)
        assert article.title == ("Grain deal ends." if path == txt else "Grain deal ends")
        assert article.text.endswith(BODY)
    png = write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    archive = write(tmp_path, "archive.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8)
    for path in (png, archive):
        assert loaded(path) == ([], [f"{path}: binary file, not text (is the extension right?)"])


def test_docx_is_read_and_a_corrupt_one_reported(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Grain deal ends", 0)
    document.add_paragraph("date 2023-07 " + BODY)
    document.add_paragraph("Wheat prices rose by eight percent on the Chicago exchange that day.")
    document.save(tmp_path / "heading.docx")
    document = docx.Document()
    document.core_properties.title = "Corridor closed"
    document.add_paragraph(BODY)
    document.save(tmp_path / "properties.docx")
    write(tmp_path, "corrupt.docx", b"PK\x03\x04 the rest of this zip got lost")

    (article,), errors = loaded(tmp_path / "heading.docx")
    assert not errors
    assert (article.title, article.date) == ("Grain deal ends", "2023-07")
    assert article.text == BODY + "\n\nWheat prices rose by eight percent on the Chicago exchange that day."
    assert [(a.title, a.text) for a in loaded(tmp_path / "properties.docx")[0]] == [("Corridor closed", BODY)]
    articles, errors = loaded(tmp_path / "corrupt.docx")
    assert not articles and len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'corrupt.docx'}: corrupt or unreadable .docx file")
    assert errors[0].endswith("save it again as .docx")


def test_unsupported_files_in_a_folder_are_named(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "article.txt", BODY)
    others = ["notes.doc", "draft.odt", "letter.rtf", "figures.xlsx", "slides.pptx", "deep/er/old.wpd", "README"]
    for name in others:
        write(docs, name, b"\xd0\xcf\x11\xe0 whatever")
    for name in ("photo.jpg", "logo.PNG", ".DS_Store", ".git/config", "page_files/style.css", "draft.txt~"):
        write(docs, name, b"not an article")
    files, errors = find_files([docs])
    assert files == [docs / "article.txt"]
    assert sorted(e.source for e in errors) == sorted(str(docs / name) for name in others)
    assert all(e.message.startswith("skipped: unsupported type") for e in errors)
    by_name = {Path(e.source).name: e.message for e in errors}
    assert by_name["notes.doc"] == "skipped: unsupported type .doc; save it as .docx, .pdf or .txt to include it"
    assert by_name["README"].startswith("skipped: unsupported type (no extension); supported: .docx, .htm")


MARKDOWN = """---
date: 2023-07-17
---
# Grain *deal* ends

The **Black Sea** grain corridor, [brokered by Turkey](https://example.org/deal "the deal") in 2022, is _over_.
![A ship in Odesa](https://example.org/ship.jpg)

## What the ministry said

> Russia will not `extend` the deal, the ministry said on __Monday__.

- Wheat prices rose by *eight* percent.
- Maize followed at <https://example.org/maize>.
1. Barley stayed flat.

Footnote text for [ref][1] and an escaped \\*star\\*.

[1]: https://example.org/ref
"""


def test_markdown_markup_is_not_part_of_the_sentences(tmp_path):
    (article,), errors = loaded(write(tmp_path, "deal.md", MARKDOWN))
    assert not errors and article.title == "Grain deal ends"
    chunks = chunk_article(article.text, article.lang, 384, 48)
    pieces = [c.text for c in chunks] + [s for c in chunks for s in c.sentences]
    for markup in ("**", "__", "*eight*", "_over_", "`", "](", "![", "[ref]", "# ", "> ", "- ", "1. ", "<https"):
        assert not any(markup in piece for piece in pieces), markup
    sentences = [s for c in chunks for s in c.sentences]
    assert sentences[0] == "The Black Sea grain corridor, brokered by Turkey in 2022, is over."
    assert "What the ministry said" in sentences
    assert "Russia will not extend the deal, the ministry said on Monday." in sentences
    assert "Wheat prices rose by eight percent." in sentences
    assert "Footnote text for ref and an escaped *star*." in sentences


def test_a_title_is_not_repeated_as_the_first_sentence(tmp_path):
    title = "Grain deal ends"
    html = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{BODY}</p>"
            f"<p>Wheat prices rose by eight percent on the Chicago exchange that day.</p></article></body></html>")
    files = {"front.md": f"---\ntitle: {title}\n---\n{title}\n\n{BODY}",
             "front.txt": f"---\ntitle: {title}\ndate: 2023-07\n---\n{title}. {BODY}",
             "heading.md": f"---\ntitle: {title}\n---\n# {title}\n\n{BODY}",
             "page.html": html,
             "feed.jsonl": json.dumps({"title": title, "text": f"{title}\n{BODY}"}) + "\n"}
    for name, content in files.items():
        (article,), errors = loaded(write(tmp_path, name, content))
        assert not errors and article.title == title, name
        assert article.text.startswith(BODY[:40]), name
    (sample,), _ = loaded(write(tmp_path, "sample.txt", f"date 2023-07 {BODY}"))
    assert (sample.title, sample.text) == (BODY.split(". ")[0] + ".", BODY)
    # a headline on a line of its own, repeated as the first sentence: the headline once, as a sentence of its own
    (headline,), _ = loaded(write(tmp_path, "headline.txt", f"date 2023-07 {title}\n{title}. {BODY}"))
    assert headline.title == title and headline.text == f"{title}\n\n{BODY}"
    assert split_sentences(headline.text)[:2] == [title, BODY.split(". ")[0] + "."]
    (longer,), _ = loaded(write(tmp_path, "longer.md", f"---\ntitle: {title}\n---\n{title} in July. {BODY}"))
    assert longer.text.startswith(f"{title} in July")


def test_an_article_is_cut_at_the_cap_and_the_cut_reported(tmp_path):
    paragraph = BODY + "\n\n"
    cap = loaders.MAX_TEXT_CHARS
    path = write(tmp_path, "huge.txt", paragraph * (cap // len(paragraph) + 2000))
    (article,), errors = loaded(path)
    assert cap - 1000 <= len(article.text) <= cap
    assert errors == [f"{path}: the article is longer than {cap:,} characters and only its start was "
                      "indexed; split it into smaller articles to index all of it"]


# Runs in processes of its own, so that their peak memory is their own.
CHUNK_CHECK = textwrap.dedent('''
    import json, os, random, resource, sys, time

    # The 50 MB case in a child of its own, beside one for the other two: Linux keeps a process's
    # peak RSS across exec, so this one started with the test's own; a forked child starts afresh
    prose = sys.stdin.read()
    for names in (["word", "12MB"], ["50MB"]):
        if not os.fork():
            break
    else:  # in the parent
        for _ in range(2):
            os.wait()
        sys.exit()

    import nltk.redos
    from rag.chunking import chunk_article
    from rag.tokens import encoding

    # NLTK gives each of Punkt's regular expressions 5 s; 1 s keeps the check apart from this
    # machine's speed, as Punkt takes milliseconds on a bounded window
    nltk.redos.DEFAULT_TIMEOUT = 1.0
    encode = encoding().encode_ordinary
    rng = random.Random(17)
    word = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=1 << 20))
    words = prose.replace(".", "").replace("\\n", " ").split()
    cases = {"word": lambda: word,
             "12MB": lambda: (prose * (12_000_000 // len(prose) + 1))[:12_000_000],
             "50MB": lambda: ((prose * (46_000_000 // len(prose) + 1))[:46_000_000] + "\\n\\n" + word + "\\n\\n"
                              + " ".join(rng.choices(words, k=300_000)) + "\\n\\n" + prose.replace("\\n", " ") * 40)}
    for name in names:
        text = cases[name]()
        started = time.perf_counter()
        try:
            chunks = chunk_article(text, "en", 384, 48)
        except Exception as exc:
            print(json.dumps({"case": name, "error": f"{type(exc).__name__}: {exc}"}), flush=True)
            continue
        seconds = time.perf_counter() - started
        in_order, at = True, 0
        for chunk in chunks:
            at = text.find(chunk.text, at)
            inside = 0
            for sentence in chunk.sentences:
                inside = chunk.text.find(sentence, inside)
                in_order = in_order and inside >= 0
            in_order = in_order and at >= 0
        # a token is at least a byte: only a text of over 384 bytes can have over 384 tokens
        longest = max((len(encode(t)) for c in chunks for t in (c.text, *c.sentences) if len(t.encode()) > 384),
                      default=0)
        print(json.dumps({"case": name, "chars": len(text), "chunks": len(chunks), "seconds": round(seconds, 1),
                          "longest": longest, "in_order": in_order,
                          "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}), flush=True)
''')


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> dict[str, dict]:
    """chunk_article on a 1 MB word and a 12 MB article, in that order, and beside them on 50 MB of text."""
    articles = sorted((ROOT / "index" / "articles").glob("*.txt"))
    prose = "\n\n".join(p.read_text("utf-8").split(" ", 2)[2] for p in articles)  # without "date YYYY-MM"
    result = subprocess.run([sys.executable, "-c", CHUNK_CHECK], input=prose, capture_output=True, text=True,
                            timeout=300, cwd=tmp_path_factory.mktemp("chunking"))
    cases = {r["case"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert cases.keys() == {"word", "12MB", "50MB"}, result.stderr[-3000:]
    return cases


def test_a_word_of_a_megabyte_is_cut_into_chunks_that_fit(chunked):
    word = chunked["word"]
    assert "error" not in word, word
    assert word["longest"] <= 384 and word["in_order"] and word["chunks"] > 1000
    assert word["peak_mb"] < WORD_PEAK_MB


def test_a_twelve_megabyte_article_is_chunked_without_a_timeout(chunked):
    article = chunked["12MB"]
    assert "error" not in article, article
    assert article["longest"] <= 384 and article["in_order"]


def test_fifty_megabytes_are_chunked_in_bounded_memory(chunked):
    text = chunked["50MB"]
    assert "error" not in text, text
    assert text["chars"] > 50_000_000 and text["longest"] <= 384 and text["in_order"]
    assert text["peak_mb"] < FIFTY_MB_PEAK_MB
