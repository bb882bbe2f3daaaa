"""Tests of bot.domain.money: reading typed income and formatting rupiah."""

from __future__ import annotations

import random
import string
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.money import (
    MAX_PLAUSIBLE_INCOME,
    Amount,
    Unclear,
    UnclearReason,
    format_rupiah,
    parse_income,
)

from .numberwords_helpers import indonesian_words

JUTA = 1_000_000
RB = 1_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (1_000, "Rp1.000"),
        (3_000_000, "Rp3.000.000"),
        (2_500_000, "Rp2.500.000"),
        (1_000_000_000, "Rp1.000.000.000"),
    ],
)
def test_format_rupiah(value: int, expected: str) -> None:
    assert format_rupiah(value) == expected


EXACT = [
    # short forms and units
    ("3jt", 3 * JUTA),
    ("3 juta", 3 * JUTA),
    ("3 JT", 3 * JUTA),
    ("3jt.", 3 * JUTA),
    ("3 jutaan", 3 * JUTA),
    ("3jt-an", 3 * JUTA),
    ("1,5 jt", 1_500_000),
    ("1.5jt", 1_500_000),
    ("1,5 juta", 1_500_000),
    ("2,75jt", 2_750_000),
    ("1,500 jt", 1_500_000),
    ("500rb", 500 * RB),
    ("500 ribu", 500 * RB),
    ("500 rb", 500 * RB),
    ("500 rb.", 500 * RB),
    ("750k", 750 * RB),
    ("750K", 750 * RB),
    ("1.5k", 1_500),
    ("1jt 500rb", 1_500_000),
    ("1 juta 500 ribu", 1_500_000),
    ("1jt500rb", 1_500_000),
    ("5 ratus ribu", 500 * RB),
    ("1.500 rb", 1_500_000),
    # digits and rupiah
    ("Rp 3.000.000", 3 * JUTA),
    ("Rp3.000.000", 3 * JUTA),
    ("Rp3.000.000,-", 3 * JUTA),
    ("Rp 3.000.000,-", 3 * JUTA),
    ("Rp3.000.000.-", 3 * JUTA),
    ("Rp3.000.000,00", 3 * JUTA),
    ("Rp. 3.000.000", 3 * JUTA),
    ("Rp: 3.000.000", 3 * JUTA),
    ("IDR 3,000,000", 3 * JUTA),
    ("3,000,000.00", 3 * JUTA),
    ("3.000.000", 3 * JUTA),
    ("3000000", 3 * JUTA),
    ("3.000.000 rupiah", 3 * JUTA),
    ("Rp 3jt", 3 * JUTA),
    ("Rp500", 500),
    ("Rp 5", 5),
    ("500 perak", 500),
    ("500 rupiah", 500),
    ("1000", 1_000),
    ("1.000", 1_000),
    ("2.500.000", 2_500_000),
    ("Rp1.000.000.000", MAX_PLAUSIBLE_INCOME),
    ("1M", MAX_PLAUSIBLE_INCOME),
    # Indonesian words
    ("tiga juta", 3 * JUTA),
    ("sejuta", JUTA),
    ("satu juta", JUTA),
    ("sejuta setengah", 1_500_000),
    ("satu juta setengah", 1_500_000),
    ("satu setengah juta", 1_500_000),
    ("dua setengah juta", 2_500_000),
    ("setengah juta", 500 * RB),
    ("seperempat juta", 250 * RB),
    ("dua ratus ribu", 200 * RB),
    ("tiga juta lima ratus ribu", 3_500_000),
    ("seratus lima puluh ribu", 150 * RB),
    ("seribu", 1_000),
    ("seribu lima ratus", 1_500),
    ("dua belas juta", 12 * JUTA),
    ("sebelas ribu", 11 * RB),
    ("satu koma lima juta", 1_500_000),
    ("lima belas ratus ribu", 1_500_000),
    ("3 setengah juta", 3_500_000),
    # zero
    ("0", 0),
    ("Rp0", 0),
    ("0 rupiah", 0),
    ("nol", 0),
    ("nol rupiah", 0),
    ("belum ada", 0),
    ("tidak ada", 0),
    ("tdk ada", 0),
    ("ga ada", 0),
    ("gak ada", 0),
    ("nggak ada", 0),
    ("gada", 0),
    ("belum", 0),
    ("belum.", 0),
    ("belum, baru mulai", 0),
    ("belum dapat", 0),
    ("belum ada penghasilan", 0),
    ("kosong", 0),
    ("tidak", 0),
    ("nihil", 0),
    ("ora ana", 0),
    ("durung ono", 0),
    ("mboten wonten", 0),
    ("none", 0),
    ("nothing", 0),
    ("no income", 0),
    ("no", 0),
    ("zero", 0),
    # inside a sentence
    ("omzet 3jt sebulan", 3 * JUTA),
    ("kira2 3 juta per bulan", 3 * JUTA),
    ("kira-kira 3 juta per bulan", 3 * JUTA),
    ("sekitar Rp 2.500.000 sebulan", 2_500_000),
    ("kurang lebih 3jt", 3 * JUTA),
    ("rata2 500rb/bulan", 500 * RB),
    ("3 juta sebulan, karyawan 2 orang", 3 * JUTA),
    ("dapat 3jt bersih, 2 anak saya bantu", 3 * JUTA),
    ("tahun 2023 omzet 3jt", 3 * JUTA),
    ("hp 081234567890, omzet 3jt", 3 * JUTA),
    ("Penghasilan saya Rp 1.750.000 per bulan", 1_750_000),
    ("3jt lebih", 3 * JUTA),
    # Javanese
    ("telung yuta", 3 * JUTA),
    ("rong yuta", 2 * JUTA),
    ("limang atus ewu", 500 * RB),
    ("rong atus ewu", 200 * RB),
    ("satus seket ewu", 150 * RB),
    ("seket ewu", 50 * RB),
    ("selawe ewu", 25 * RB),
    ("rolas ewu", 12 * RB),
    ("sewu", 1_000),
    ("sejuta", JUTA),
    ("sayuta", JUTA),
    ("sak yuta", JUTA),
    ("telung yuta limang atus ewu", 3_500_000),
    ("kalih yuta", 2 * JUTA),
    # English
    ("3 million", 3 * JUTA),
    ("500 thousand", 500 * RB),
    ("1.5 million", 1_500_000),
    ("three million", 3 * JUTA),
    ("a million", JUTA),
    ("half a million", 500 * RB),
    ("one and a half million", 1_500_000),
    ("two hundred and fifty thousand", 250 * RB),
    ("twenty-five thousand", 25 * RB),
    ("about 3 million a month", 3 * JUTA),
    # the same amount said twice
    ("3jt, ya 3jt", 3 * JUTA),
    ("3jt atau 3 juta", 3 * JUTA),
    ("Rp 1.500.000 (satu juta lima ratus ribu rupiah)", 1_500_000),
    ("3 juta, iya 3", 3 * JUTA),
    ("2-2 juta", 2 * JUTA),
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_exact_amounts(text: str, expected: int) -> None:
    assert parse_income(text) == Amount(expected)


UNCLEAR = [
    # ranges: the unit applies to both ends
    ("2-3 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2 - 3jt", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2 sampai 3 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2 sampe 3 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2 s/d 3 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("antara 2 dan 3 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2jt-3jt", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2jt-3", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("Rp2.000.000 - Rp3.000.000", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2.500.000-3.000.000", UnclearReason.RANGE, (2_500_000, 3 * JUTA)),
    ("500rb - 1jt", UnclearReason.RANGE, (500 * RB, JUTA)),
    ("dua sampai tiga juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("between 2 and 3 million", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("3-2 juta", UnclearReason.RANGE, (2 * JUTA, 3 * JUTA)),
    ("2-3", UnclearReason.RANGE, ()),
    # open ranges
    ("kurang dari 1 juta", UnclearReason.RANGE, (JUTA,)),
    ("di bawah 1jt", UnclearReason.RANGE, (JUTA,)),
    ("tidak sampai 1 juta", UnclearReason.RANGE, (JUTA,)),
    ("lebih dari 2jt", UnclearReason.RANGE, (2 * JUTA,)),
    ("max 2jt", UnclearReason.RANGE, (2 * JUTA,)),
    ("< 1jt", UnclearReason.RANGE, (JUTA,)),
    # several different amounts
    ("3jt atau 4jt", UnclearReason.SEVERAL, (3 * JUTA, 4 * JUTA)),
    ("3 atau 4 juta", UnclearReason.SEVERAL, (3 * JUTA, 4 * JUTA)),
    ("bulan lalu 2jt sekarang 3jt", UnclearReason.SEVERAL, (2 * JUTA, 3 * JUTA)),
    ("omzet 5jt, bersih 2jt", UnclearReason.SEVERAL, (5 * JUTA, 2 * JUTA)),
    ("2jt 3jt", UnclearReason.SEVERAL, (2 * JUTA, 3 * JUTA)),
    ("ga ada, paling 100rb", UnclearReason.SEVERAL, (0, 100 * RB)),
    ("3 atau 4", UnclearReason.SEVERAL, (3 * RB, 3 * JUTA, 4 * RB, 4 * JUTA)),
    # too large
    ("5 miliar", UnclearReason.TOO_LARGE, (5_000_000_000,)),
    ("2M", UnclearReason.TOO_LARGE, (2_000_000_000,)),
    ("2 m", UnclearReason.TOO_LARGE, (2_000_000_000,)),
    ("5000000000", UnclearReason.TOO_LARGE, (5_000_000_000,)),
    ("Rp5.000.000.000", UnclearReason.TOO_LARGE, (5_000_000_000,)),
    ("2000 juta", UnclearReason.TOO_LARGE, (2_000_000_000,)),
    ("1 triliun", UnclearReason.TOO_LARGE, (1_000_000_000_000,)),
    ("1.000.000.001", UnclearReason.TOO_LARGE, (1_000_000_001,)),
    # bare numbers below 1000 without a unit
    ("3", UnclearReason.NO_UNIT, (3 * RB, 3 * JUTA)),
    ("500", UnclearReason.NO_UNIT, (500 * RB, 500 * JUTA)),
    ("tiga", UnclearReason.NO_UNIT, (3 * RB, 3 * JUTA)),
    ("lima ratus", UnclearReason.NO_UNIT, (500 * RB, 500 * JUTA)),
    ("1,5", UnclearReason.NO_UNIT, (1_500, 1_500_000)),
    ("Rp 1,5", UnclearReason.NO_UNIT, (1_500, 1_500_000)),
    ("dua setengah", UnclearReason.NO_UNIT, (2_500, 2_500_000)),
    ("sekitar 3 sebulan", UnclearReason.NO_UNIT, (3 * RB, 3 * JUTA)),
    ("3, ya 3", UnclearReason.NO_UNIT, (3 * RB, 3 * JUTA)),
    # a bare number after juta: "ribu" may have been left out
    ("3 juta 500", UnclearReason.NO_UNIT, (3_000_500, 3_500_000)),
    ("sejuta lima ratus", UnclearReason.NO_UNIT, (1_000_500, 1_500_000)),
    ("1jt500", UnclearReason.NO_UNIT, (1_000_500, 1_500_000)),
    ("sejuta lima", UnclearReason.NO_UNIT, (1_000_005, 1_500_000)),
    ("seribu lima", UnclearReason.NO_UNIT, (1_005, 1_500)),
    ("2jt 50", UnclearReason.NO_UNIT, (2_000_050, 2_050_000)),
    # nothing usable
    ("lumayan", UnclearReason.NOT_FOUND, ()),
    ("", UnclearReason.NOT_FOUND, ()),
    ("   ", UnclearReason.NOT_FOUND, ()),
    ("😀", UnclearReason.NOT_FOUND, ()),
    ("belum tahu", UnclearReason.NOT_FOUND, ()),
    ("tidak tentu", UnclearReason.NOT_FOUND, ()),
    ("jutaan", UnclearReason.NOT_FOUND, ()),
    ("ratusan ribu", UnclearReason.NOT_FOUND, ()),
    ("juta", UnclearReason.NOT_FOUND, ()),
    ("2 orang", UnclearReason.NOT_FOUND, ()),
    ("kira2", UnclearReason.NOT_FOUND, ()),
    ("9" * 50, UnclearReason.NOT_FOUND, ()),
    # a loss is not an income to store
    ("-2jt", UnclearReason.NOT_FOUND, ()),
    ("minus 2 juta", UnclearReason.NOT_FOUND, ()),
    ("rugi 500rb", UnclearReason.NOT_FOUND, ()),
    ("-Rp500.000", UnclearReason.NOT_FOUND, ()),
]


@pytest.mark.parametrize(("text", "reason", "candidates"), UNCLEAR)
def test_unclear_answers(text: str, reason: UnclearReason, candidates: tuple[int, ...]) -> None:
    assert parse_income(text) == Unclear(reason, candidates)


def test_unclear_reason_values() -> None:
    assert [reason.value for reason in UnclearReason] == [
        "range",
        "several",
        "too_large",
        "no_unit",
        "not_found",
    ]


def test_random_letters_are_not_an_amount() -> None:
    rng = random.Random(20240827)
    alphabet = string.ascii_letters + string.punctuation.replace("-", "") + "     "
    text = "".join(rng.choice(alphabet) for _ in range(4000))
    assert parse_income(text) == Unclear(UnclearReason.NOT_FOUND)


LONG_INPUTS = [
    "a" * 4096,
    "9" * 4096,
    "1," * 2048,
    "1.1" * 1365,
    "1-" * 2048,
    "1 " * 2048,
    "sejuta " * 585,
    "se" * 2048,
    "dua puluh " * 409,
    "Rp" * 2048,
    "- " * 2048,
    "belum " * 682,
    "3jt atau " * 512,
    "".join(random.Random(7).choice(string.printable) for _ in range(4096)),
    "".join(random.Random(8).choice("0123456789.,- jtrbk") for _ in range(4096)),
]


@pytest.mark.parametrize("text", LONG_INPUTS, ids=lambda text: repr(text[:12]))
def test_long_input_is_fast(text: str) -> None:
    started = time.perf_counter()
    result = parse_income(text)
    assert time.perf_counter() - started < 0.5
    assert isinstance(result, Amount | Unclear)


@given(st.integers(min_value=0, max_value=MAX_PLAUSIBLE_INCOME))
def test_formatted_rupiah_round_trips(value: int) -> None:
    assert parse_income(format_rupiah(value)) == Amount(value)


@given(st.integers(min_value=1_000, max_value=MAX_PLAUSIBLE_INCOME))
def test_plain_digits_from_1000_are_exact(value: int) -> None:
    assert parse_income(f"{value}") == Amount(value)


@given(st.integers(min_value=1, max_value=999))
def test_plain_digits_below_1000_ask_for_the_unit(value: int) -> None:
    assert parse_income(f"{value}") == Unclear(UnclearReason.NO_UNIT, (value * RB, value * JUTA))


@given(
    st.integers(min_value=0, max_value=1_000),
    st.sampled_from(["{} juta", "{}jt", "{} JT", "{} jt", "Rp {} juta", "{} yuta", "{} million"]),
)
def test_n_juta(count: int, template: str) -> None:
    assert parse_income(template.format(count)) == Amount(count * JUTA)


@given(st.integers(min_value=1_001, max_value=10**6))
def test_more_than_1000_juta_is_too_large(count: int) -> None:
    assert parse_income(f"{count} juta") == Unclear(UnclearReason.TOO_LARGE, (count * JUTA,))


@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=1, max_value=9),
    st.sampled_from([",", "."]),
)
def test_decimal_juta(whole: int, tenth: int, mark: str) -> None:
    assert parse_income(f"{whole}{mark}{tenth} jt") == Amount(whole * JUTA + tenth * 100_000)


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["{}rb", "{} ribu", "{}k"]))
def test_n_ribu(count: int, template: str) -> None:
    assert parse_income(template.format(count)) == Amount(count * RB)


def _expected_for_words(value: int) -> Amount | Unclear:
    """What parse_income should make of ``indonesian_words(value)``."""
    if value < RB:
        return Unclear(UnclearReason.NO_UNIT, (value * RB, value * JUTA))
    tail = value % RB
    if value >= JUTA and (value // RB) % RB == 0 and tail:
        # "tiga juta lima ratus" is 3_000_500 literally but usually means 3_500_000.
        elided = value - tail + (tail * JUTA // 10 if tail < 10 else tail * RB)
    elif 0 < tail < 10:
        # "dua ribu lima" is 2_005 literally but usually means 2_500.
        elided = value - tail + tail * 100
    else:
        return Amount(value)
    return Unclear(UnclearReason.NO_UNIT, (value, elided))


@given(st.integers(min_value=1, max_value=MAX_PLAUSIBLE_INCOME))
def test_indonesian_words(value: int) -> None:
    assert parse_income(indonesian_words(value)) == _expected_for_words(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3_500_000, Amount(3_500_000)),
        (1_500, Amount(1_500)),
        (1_050, Amount(1_050)),
        (3_000_500, Unclear(UnclearReason.NO_UNIT, (3_000_500, 3_500_000))),
        (1_000_005, Unclear(UnclearReason.NO_UNIT, (1_000_005, 1_500_000))),
        (2_005, Unclear(UnclearReason.NO_UNIT, (2_005, 2_500))),
        (2_100_005, Unclear(UnclearReason.NO_UNIT, (2_100_005, 2_100_500))),
    ],
)
def test_expected_for_words_examples(value: int, expected: Amount | Unclear) -> None:
    assert _expected_for_words(value) == expected
    assert parse_income(indonesian_words(value)) == expected


@given(
    st.integers(min_value=0, max_value=MAX_PLAUSIBLE_INCOME), st.sampled_from([", ya ", " / ", " "])
)
def test_same_amount_twice_is_one_amount(value: int, joiner: str) -> None:
    text = format_rupiah(value)
    assert parse_income(f"{text}{joiner}{text}") == Amount(value)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=999))
def test_range_shares_the_unit(low: int, high: int) -> None:
    result = parse_income(f"{low}-{high} juta")
    if low == high:
        assert result == Amount(low * JUTA)
    else:
        assert result == Unclear(UnclearReason.RANGE, tuple(sorted((low * JUTA, high * JUTA))))


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=999))
def test_two_different_amounts_are_several(first: int, second: int) -> None:
    result = parse_income(f"{first}jt atau {second}jt")
    if first == second:
        assert result == Amount(first * JUTA)
    else:
        assert result == Unclear(UnclearReason.SEVERAL, (first * JUTA, second * JUTA))


@given(st.text(max_size=200))
def test_any_text_gives_an_answer(text: str) -> None:
    result = parse_income(text)
    if isinstance(result, Amount):
        assert 0 <= result.value <= MAX_PLAUSIBLE_INCOME
    else:
        assert isinstance(result.reason, UnclearReason)
