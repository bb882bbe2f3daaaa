"""People's names as typed into the bot."""

from __future__ import annotations

MIN_NAME, MAX_NAME = 3, 100


def clean_full_name(text: str) -> str | None:
    """The name with spaces tidied; None unless 3–100 characters with letters and no digits."""
    name = " ".join(text.split())
    if not MIN_NAME <= len(name) <= MAX_NAME:
        return None
    if any(ch.isdigit() for ch in name) or not any(ch.isalpha() for ch in name):
        return None
    return name
