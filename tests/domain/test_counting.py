"""Tests of bot.domain.counting: reading a small count such as the number of employees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.counting import MAX_COUNT, parse_count

from .numberwords_helpers import english_words, indonesian_words

COUNTS = [
    ("0", 0),
    ("3", 3),
    ("3 orang", 3),
    ("3 org", 3),
    ("ada 3 orang", 3),
    ("karyawan 4", 4),
    ("  12  ", 12),
    ("999", 999),
    ("tiga", 3),
    ("Tiga orang", 3),
    ("dua belas", 12),
    ("sebelas", 11),
    ("sepuluh", 10),
    ("dua puluh lima", 25),
    ("seratus", 100),
    ("seratus dua puluh", 120),
    ("sembilan ratus sembilan puluh sembilan", 999),
    ("tidak ada", 0),
    ("belum ada", 0),
    ("ga ada", 0),
    ("belum punya karyawan", 0),
    ("tidak", 0),
    ("belum", 0),
    ("nol", 0),
    ("kosong", 0),
    ("none", 0),
    ("no", 0),
    ("nobody", 0),
    ("no one", 0),
    ("zero", 0),
    ("ora ana", 0),
    ("ora enek", 0),
    ("mboten wonten", 0),
    ("durung ana", 0),
    # Javanese
    ("siji", 1),
    ("loro", 2),
    ("telu", 3),
    ("papat", 4),
    ("lima", 5),
    ("enem", 6),
    ("pitu", 7),
    ("wolu", 8),
    ("sanga", 9),
    ("songo", 9),
    ("sepuluh", 10),
    ("sewelas", 11),
    ("rolas", 12),
    ("limolas", 15),
    ("selikur", 21),
    ("selawe", 25),
    ("seket", 50),
    ("seket loro", 52),
    ("rong puluh", 20),
    ("satus", 100),
    ("loro wong", 2),
    # English
    ("one", 1),
    ("two", 2),
    ("ten", 10),
    ("twelve", 12),
    ("nineteen", 19),
    ("twenty", 20),
    ("twenty-one", 21),
    ("twenty one", 21),
    ("thirty", 30),
    ("ninety-nine", 99),
    ("a hundred", 100),
    ("one hundred and five", 105),
    ("3 people", 3),
    # repeats and doubled words
    ("3, ya 3", 3),
    ("tiga (3)", 3),
    ("3 orang, laki2 semua", 3),
]


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_counts(text: str, expected: int) -> None:
    assert parse_count(text) == expected


NOT_COUNTS = [
    "",
    "lumayan",
    "banyak",
    "beberapa",
    "belum tahu",
    "3 atau 4",
    "3-4",
    "3 - 4 orang",
    "dua atau tiga",
    "2 laki-laki 1 perempuan",
    "-3",
    "minus 3",
    "1000",
    "1.000",
    "seribu",
    "3 ribu",
    "1 juta",
    "1,5",
    "1.5",
    "setengah",
    "dua setengah",
    "tidak ada, cuma 2",
    "9" * 50,
    "a" * 4096,
]


@pytest.mark.parametrize("text", NOT_COUNTS, ids=lambda text: repr(text[:20]))
def test_not_a_count(text: str) -> None:
    assert parse_count(text) is None


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_digits(count: int) -> None:
    assert parse_count(str(count)) == count
    assert parse_count(f"{count} orang") == count


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_indonesian_words(count: int) -> None:
    assert parse_count(indonesian_words(count)) == count


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_english_words(count: int) -> None:
    assert parse_count(english_words(count)) == count


@given(st.integers(min_value=MAX_COUNT + 1, max_value=10**12))
def test_more_than_999_is_none(count: int) -> None:
    assert parse_count(str(count)) is None


@given(st.integers(min_value=1, max_value=MAX_COUNT))
def test_negative_is_none(count: int) -> None:
    assert parse_count(f"-{count}") is None


@given(st.integers(min_value=0, max_value=MAX_COUNT), st.integers(min_value=0, max_value=MAX_COUNT))
def test_two_numbers(first: int, second: int) -> None:
    expected = first if first == second else None
    assert parse_count(f"{first} atau {second}") == expected
    assert parse_count(f"{first}, {second}") == expected


@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    result = parse_count(text)
    assert result is None or 0 <= result <= MAX_COUNT
