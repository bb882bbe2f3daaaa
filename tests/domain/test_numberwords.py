"""Tests of bot.domain.numberwords, the shared tokenizer and number-word reader."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.domain.numberwords import (
    NumberPhrase,
    Token,
    find_number_phrases,
    find_zero_answers,
    parse_digits,
    tokenize,
)


@pytest.mark.parametrize(
    ("raw", "comma_is_decimal", "expected"),
    [
        ("3000000", False, Fraction(3_000_000)),
        ("3.000.000", False, Fraction(3_000_000)),
        ("3,000,000", False, Fraction(3_000_000)),
        ("3.000.000,50", False, Fraction(6_000_001, 2)),
        ("3,000,000.50", False, Fraction(6_000_001, 2)),
        ("1,5", False, Fraction(3, 2)),
        ("1.5", False, Fraction(3, 2)),
        ("1,25", False, Fraction(5, 4)),
        ("1.500", False, Fraction(1_500)),
        ("1,500", False, Fraction(1_500)),
        ("1,500", True, Fraction(3, 2)),
        ("1.500", True, Fraction(1_500)),
        ("0,500", False, Fraction(1, 2)),
        ("1000.5", False, Fraction(2001, 2)),
        ("1.2.3", False, None),
        ("3.000,000,00", False, None),
        ("1" * 41, False, None),
    ],
)
def test_parse_digits(raw: str, comma_is_decimal: bool, expected: Fraction | None) -> None:
    assert parse_digits(raw, comma_is_decimal=comma_is_decimal) == expected


def test_tokenize_marks_spacing_and_kinds() -> None:
    assert tokenize("Rp3.000.000,- /bln") == [
        Token("word", "rp", True),
        Token("num", "3.000.000", False),
        Token("sym", "/", True),
        Token("word", "bln", False),
    ]


def test_tokenize_rewrites_sd_and_an() -> None:
    assert [token.text for token in tokenize("2jt s/d 3jt-an")] == [
        "2", "jt", "sampai", "3", "jt", "an",
    ]  # fmt: skip


def _values(text: str) -> list[Fraction]:
    return [phrase.value for phrase in find_number_phrases(tokenize(text))]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("tiga juta lima ratus ribu", [Fraction(3_500_000)]),
        ("dua ratus lima puluh tiga", [Fraction(253)]),
        ("sembilan belas", [Fraction(19)]),
        ("limang atus ewu", [Fraction(500_000)]),
        ("telulikur", [Fraction(23)]),
        ("wolulas", [Fraction(18)]),
        ("sewidak pitu", [Fraction(67)]),
        ("forty-two", [Fraction(42)]),
        ("forty - two", [Fraction(40), Fraction(2)]),
        ("dua-tiga", [Fraction(2), Fraction(3)]),
        ("2jt 3jt", [Fraction(2_000_000), Fraction(3_000_000)]),
        ("kira2 5", [Fraction(5)]),
        ("Rp2", [Fraction(2)]),
        ("a lot", []),
        ("sak karung", []),
    ],
)
def test_number_phrases(text: str, values: list[Fraction]) -> None:
    assert _values(text) == values


def test_phrase_positions_and_scale() -> None:
    assert find_number_phrases(tokenize("omzet 1jt 500rb sebulan")) == [
        NumberPhrase(Fraction(1_500_000), first=1, last=4, scale=1_000_000)
    ]


def test_blocked_tail_stays_apart() -> None:
    tokens = tokenize("3 juta 2 orang")
    assert [p.value for p in find_number_phrases(tokens)] == [Fraction(3_000_002)]
    blocked = find_number_phrases(tokens, blockers=frozenset({"orang"}))
    assert [p.value for p in blocked] == [Fraction(3_000_000), Fraction(2)]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("tidak ada", 1),
        ("belum", 1),
        ("belum tahu", 0),
        ("belum pasti", 0),
        ("tidak tentu", 0),
        ("tidak", 1),
        ("tidak tahu", 0),
        ("no one", 1),
        ("no", 1),
        ("no idea", 0),
        ("ora ana, ora enek", 2),
    ],
)
def test_zero_answers(text: str, count: int) -> None:
    assert len(find_zero_answers(tokenize(text))) == count


@pytest.mark.parametrize(
    ("text", "value", "m_readings"),
    [
        ("2M", Fraction(2_000_000_000), (Fraction(2_000_000),)),
        ("2 m", Fraction(2_000_000_000), (Fraction(2_000_000),)),
        ("1,5M", Fraction(1_500_000_000), (Fraction(1_500_000),)),
        ("1.5m", Fraction(1_500_000_000), (Fraction(1_500_000),)),
        ("1m 500rb", Fraction(1_000_500_000), (Fraction(1_500_000),)),
        ("1m 500", Fraction(1_000_000_500), (Fraction(1_000_500), Fraction(1_500_000))),
        # The million reading must be well-formed too: units fall ("1jt" after a million).
        ("1M 1jt", Fraction(1_001_000_000), ()),
        # Words are not ambiguous.
        ("2 miliar", Fraction(2_000_000_000), ()),
        ("2 million", Fraction(2_000_000), ()),
        ("2jt", Fraction(2_000_000), ()),
    ],
)
def test_bare_m_has_a_million_reading(
    text: str, value: Fraction, m_readings: tuple[Fraction, ...]
) -> None:
    (phrase,) = find_number_phrases(tokenize(text))
    assert (phrase.value, phrase.m_readings) == (value, m_readings)


def test_bare_m_keeps_phrase_boundaries() -> None:
    phrases = find_number_phrases(tokenize("2M atau 3jt, 1m 1jt"))
    assert [(p.first, p.last, p.value) for p in phrases] == [
        (0, 1, Fraction(2_000_000_000)),
        (3, 4, Fraction(3_000_000)),
        (6, 9, Fraction(1_001_000_000)),
    ]
    assert [p.m_readings for p in phrases] == [(Fraction(2_000_000),), (), ()]
