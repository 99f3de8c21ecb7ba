"""Citation markers in answers, renumbered while they stream.

The model sees passages numbered 1..n and cites them as [2], [3, 1], [1-3], [Passage 2],
[Bron 2], [2†] ...; the user sees plain [1], [2], ... numbered in order of first use.
"""
from __future__ import annotations

import re

MAX_MARKER = 24  # longest marker recognised, brackets included; also the most text ever held back
MAX_RANGE = 20  # [1-200] is not a range a model means; only its ends count

_WORD = r"(?:passages?|bron(?:nen)?|sources?|doc(?:ument)?s?|ref)"
_NUM = r"\d{1,3}"
_ITEM = rf"(?:{_WORD}\s*:?\s*)?{_NUM}(?:\s*[-–]\s*(?:{_WORD}\s*:?\s*)?{_NUM})?(?:\s*†\s*{_WORD}?)?"
_SEP = r"(?:\s*(?:[,;&]|\band\b|\ben\b)\s*|\s+)"
MARKER = re.compile(rf"\[\s*{_ITEM}(?:{_SEP}{_ITEM})*\s*\]", re.IGNORECASE)
_ITEM_NUMBERS = re.compile(rf"(\d+)(?:\s*[-–]\s*(?:{_WORD}\s*:?\s*)?(\d+))?", re.IGNORECASE)
_PREFIX_CHARS = re.compile(r"\[[0-9A-Za-z\s,;:&†\-–]*")
_PREFIX_WORDS = ("passage", "passages", "bron", "bronnen", "source", "sources", "doc", "docs", "document",
                 "documents", "ref", "and", "en")


def _could_become_marker(tail: str) -> bool:
    """Whether `tail` ("[" and what followed, no "]") may still grow into a marker."""
    if len(tail) >= MAX_MARKER or not _PREFIX_CHARS.fullmatch(tail):
        return False
    words = [(w.group().lower(), w.end() == len(tail)) for w in re.finditer(r"[A-Za-z]+", tail)]
    return all(any(p.startswith(w) for p in _PREFIX_WORDS) if at_end else w in _PREFIX_WORDS
               for w, at_end in words)


class CitationRenumberer:
    """Rewrites citation markers in streamed text to their final numbers as the text arrives.

    Only a trailing partial marker (and the one space before it) is held back, at most
    MAX_MARKER characters; feeding a text in any pieces gives the same result.
    """

    def __init__(self, n_passages: int):
        self.n_passages = n_passages
        self.mapping: dict[int, int] = {}  # given number -> shown number, in order of first use
        self.invalid: list[int] = []  # out-of-range numbers, in order, unique
        self._pending = ""
        self._last = ""  # last character shown
        self._drop_space = False  # a removed marker at a line start: drop the space after it
        self._after_marker: set[int] = set()  # numbers of a marker shown right before

    @property
    def pending(self) -> str:
        """The text held back so far."""
        return self._pending

    def feed(self, piece: str) -> str:
        """Take the next piece of the answer; return what can be shown now."""
        self._pending += piece
        return self._run(final=False)

    def finish(self) -> str:
        """The rest of the text, once the answer is complete."""
        return self._run(final=True)

    def _run(self, final: bool) -> str:
        buf, out, i = self._pending, [], 0
        while True:
            j = buf.find("[", i)
            if j < 0:
                # a trailing space is held: if a marker follows and is removed, so is the space
                end = len(buf) - (not final and buf.endswith(" "))
                self._show(out, buf[i:end])
                self._pending = buf[end:]
                break
            m = MARKER.match(buf, j, j + MAX_MARKER)  # the bound keeps long "[..." text cheap
            if m:
                self._marker(out, buf[i:j], m.group())
                i = m.end()
            elif (not final and len(buf) - j < MAX_MARKER and "]" not in buf[j:]
                  and _could_become_marker(buf[j:])):
                start = j - 1 if j > i and buf[j - 1] == " " else j
                self._show(out, buf[i:start])
                self._pending = buf[start:]
                break
            else:
                self._show(out, buf[i:j + 1])
                i = j + 1
        return "".join(out)

    def _marker(self, out: list[str], before: str, marker: str) -> None:
        if before:
            self._after_marker = set()  # "[1] [1]" stays, "[1][1]" becomes "[1]"
        numbers = [k for k in self._numbers(marker) if k not in self._after_marker]
        if numbers:
            self._show(out, before)
            self._show(out, "".join(f"[{k}]" for k in numbers), marker=True)
            self._after_marker.update(numbers)
        elif before.endswith(" "):
            self._show(out, before[:-1])
        else:
            self._show(out, before)
            self._drop_space = self._last == "" or self._last.isspace()

    def _show(self, out: list[str], text: str, marker: bool = False) -> None:
        if self._drop_space and text:
            self._drop_space = False
            text = text[1:] if text[0] == " " else text
        if text:
            out.append(text)
            self._last = text[-1]
            if not marker:
                self._after_marker = set()

    def _numbers(self, marker: str) -> list[int]:
        """The shown numbers a marker stands for, ascending; out-of-range ones are recorded."""
        shown: list[int] = []
        for a, b in _ITEM_NUMBERS.findall(marker):
            lo, hi = sorted((int(a), int(b or a)))
            for k in range(lo, hi + 1) if hi - lo <= MAX_RANGE else (lo, hi):
                if 1 <= k <= self.n_passages:
                    shown.append(self.mapping.setdefault(k, len(self.mapping) + 1))
                elif k not in self.invalid:
                    self.invalid.append(k)
        return sorted(set(shown))


def renumber(text: str, n_passages: int) -> tuple[str, dict[int, int], list[int]]:
    """A complete answer with its markers renumbered: (text, mapping, invalid numbers)."""
    r = CitationRenumberer(n_passages)
    shown = r.feed(text) + r.finish()
    return shown, r.mapping, r.invalid
