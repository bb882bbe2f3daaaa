"""People's names as typed into the bot.

A full name is tidied (runs of spaces become one space, the ends are trimmed, the text is put
in Unicode NFC form) and then must:

* contain no digits of any script (DIGITS);
* show only letters of any script, combining marks right after a letter (at most
  :data:`MAX_MARKS` in a row, so "Ṣāliḥ" typed with separate accents passes and piled-up
  "Zalgo" marks do not), apostrophes (' and ’), dots, hyphens and spaces (SYMBOLS);
* contain no invisible characters: bidirectional controls (U+202A–U+202E, U+2066–U+2069,
  U+200E, U+200F), zero-width characters (U+200B–U+200D, U+2060, U+FEFF), any other control or
  format character, or the blank Hangul fillers that look like nothing (INVISIBLE);
* be 3–100 characters long (TOO_SHORT, TOO_LONG);
* contain at least one letter (NO_LETTERS).

The problems are checked in that order, so the reason given is the first one a person can see
and fix: an emoji joined by a zero-width joiner is SYMBOLS, a hidden U+200B alone is INVISIBLE.

:class:`NameProblem` is a StrEnum, so it is also a ``str``: test a result with
``isinstance(result, NameProblem)``, never with ``isinstance(result, str)``.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

MIN_NAME, MAX_NAME = 3, 100
# Combining marks allowed in a row after a letter (Vietnamese and Javanese stack two or three).
MAX_MARKS = 3

_PUNCTUATION = frozenset("'’.-‐ ")
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
    # Hangul fillers are letters by category but show as blank space.
    "\u115f\u1160\u3164\uffa0"
)


class NameProblem(StrEnum):
    """Why a typed full name was refused."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    DIGITS = "digits"
    SYMBOLS = "symbols"
    INVISIBLE = "invisible"
    NO_LETTERS = "no_letters"


def _is_invisible(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cf")


def _has_only_name_characters(name: str) -> bool:
    """Letters, marks right after a letter, and the few punctuation marks names use."""
    marks = 0
    after_letter = False
    for char in name:
        category = unicodedata.category(char)
        if category.startswith("M"):
            marks += 1
            if not after_letter or marks > MAX_MARKS:
                return False
            continue
        marks = 0
        after_letter = category.startswith("L")
        if not after_letter and char not in _PUNCTUATION:
            return False
    return True


def check_full_name(text: str) -> str | NameProblem:
    """The tidied full name, or the first reason it cannot be a name (see the module docstring)."""
    name = unicodedata.normalize("NFC", " ".join(text.split()))
    if any(unicodedata.category(char).startswith("N") for char in name):
        return NameProblem.DIGITS
    if not _has_only_name_characters("".join(c for c in name if not _is_invisible(c))):
        return NameProblem.SYMBOLS
    if any(_is_invisible(char) for char in name):
        return NameProblem.INVISIBLE
    if len(name) < MIN_NAME:
        return NameProblem.TOO_SHORT
    if len(name) > MAX_NAME:
        return NameProblem.TOO_LONG
    if not any(unicodedata.category(char).startswith("L") for char in name):
        return NameProblem.NO_LETTERS
    return name


def clean_full_name(text: str) -> str | None:
    """The tidied full name, or None when :func:`check_full_name` finds a problem."""
    name = check_full_name(text)
    return None if isinstance(name, NameProblem) else name
