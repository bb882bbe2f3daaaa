"""Small counts typed in digits or words, such as the number of employees ("3 orang", "rolas")."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.numberwords import (
    NumberPhrase,
    Token,
    covered_tokens,
    find_number_phrases,
    find_zero_answers,
    tokenize,
)

MAX_COUNT = 999
_NEGATIVE_WORDS = frozenset({"minus", "min", "negatif", "negative"})
_DASHES = frozenset({"-", "–", "—"})


def _is_negative(tokens: Sequence[Token], phrase: NumberPhrase) -> bool:
    """Tell whether a minus sign or word sits right before the number ("-3", "minus 3")."""
    if phrase.first == 0:
        return False
    before = tokens[phrase.first - 1]
    if before.kind == "word":
        return before.text in _NEGATIVE_WORDS
    return before.text in _DASHES and not tokens[phrase.first].space_before


def parse_count(text: str) -> int | None:
    """Read a whole count from 0 to 999, or None when it is not exactly one such number.

    Understands digits ("3", "3 orang"), Indonesian, Javanese and English words ("dua belas",
    "rolas", "selikur", "twenty-one") and "none" answers ("tidak ada", "ora enek", "none", "no").
    Two different numbers, a range, a negative number, a fraction, more than 999 or text without
    a number all give None.
    """
    tokens = tokenize(text)
    zeros = find_zero_answers(tokens)
    values: set[int] = {0} if zeros else set()
    for phrase in find_number_phrases(tokens, skip=covered_tokens(zeros)):
        value = phrase.value
        if _is_negative(tokens, phrase) or phrase.elided is not None:
            return None
        if value.denominator != 1 or value > MAX_COUNT:
            return None
        values.add(int(value))
    # "3-4 orang" and "3 atau 4" are two numbers; a repeat of the same number is fine.
    return values.pop() if len(values) == 1 else None
