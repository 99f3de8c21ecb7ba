"""Numbers in text (years, amounts): they read the same in every language, and the encoder hardly tells them apart."""
from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text`, as written: "2008", "800.000", "2,5"."""
    return set(NUMBER.findall(text))
