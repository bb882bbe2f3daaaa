"""Free text as people type it: invisible characters out, spaces tidied."""

from __future__ import annotations

import unicodedata


def tidy_text(text: str) -> str:
    """The text without control and format characters (bidirectional overrides, zero-width
    spaces), with runs of spaces and line breaks collapsed to one space."""
    visible = "".join(
        " " if ch in "\n\r\t" else ch
        for ch in text
        if ch in "\n\r\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return " ".join(visible.split())


def has_words(text: str) -> bool:
    """True when the text has at least two letters or digits (an answer, not only symbols)."""
    return sum(ch.isalnum() for ch in text) >= 2


def strip_invisible(text: str) -> str:
    """The text without control and format characters, keeping its line breaks (a relayed
    message keeps its layout); leading and trailing space removed."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    ).strip()
