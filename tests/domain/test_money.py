"""Tests of bot.domain.money: reading typed income and formatting rupiah."""

from __future__ import annotations

import random
import string
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.money import (
    MAX_PLAUSIBLE_INCOME,
    MIN_PLAUSIBLE_INCOME,
    Amount,
    Unclear,
    UnclearReason,
    format_rupiah,
    income_change_percent,
    parse_income,
)

from .numberwords_helpers import indonesian_words

JUTA = 1_000_000
RB = 1_000
MILIAR = 1_000_000_000


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
    ("2.500.000", 2_500_000),
    ("10.000", MIN_PLAUSIBLE_INCOME),
    ("Rp10.000", MIN_PLAUSIBLE_INCOME),
    ("10rb", MIN_PLAUSIBLE_INCOME),
    ("999.999.999", MAX_PLAUSIBLE_INCOME),
    ("Rp999.999.999", MAX_PLAUSIBLE_INCOME),
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
    ("2M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("2 m", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
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
    ("seribu lima", UnclearReason.TOO_SMALL, (1_005, 1_500)),
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


# An "M" suffix is miliar in Indonesian writing and million in English: always ask.
M_SUFFIX = [
    ("1M", UnclearReason.AMBIGUOUS_UNIT, (JUTA, MILIAR)),
    ("2M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("2m", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("2 M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("1,5M", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_500_000_000)),
    ("1.5m", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_500_000_000)),
    ("0,5M", UnclearReason.AMBIGUOUS_UNIT, (500 * RB, 500_000_000)),
    ("Rp2M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("Rp 2 M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("500M", UnclearReason.AMBIGUOUS_UNIT, (500 * JUTA, 500 * MILIAR)),
    ("1m 500rb", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_000_500_000)),
    ("1m 500", UnclearReason.AMBIGUOUS_UNIT, (1_000_500, 1_500_000, 1_000_000_500, 1_500_000_000)),
    # id, jv and en sentences
    ("penghasilan saya 2M sebulan", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("omzet kira2 1,5M", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_500_000_000)),
    ("bathine 2M sesasi", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("olehku kira-kira 1,5 M", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_500_000_000)),
    ("about 2M a month", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("I make 1.5m per month", UnclearReason.AMBIGUOUS_UNIT, (1_500_000, 1_500_000_000)),
    # said again without doubt, the amount is settled; said again with doubt, it is not
    ("2M, ya 2M", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("2M, ya 2", UnclearReason.AMBIGUOUS_UNIT, (2 * JUTA, 2 * MILIAR)),
    ("2M (2 miliar)", UnclearReason.TOO_LARGE, (2 * MILIAR,)),
    # even the million reading is Rp1 miliar or more
    ("5000M", UnclearReason.TOO_LARGE, (5 * MILIAR, 5_000 * MILIAR)),
    # units must fall, so "1M 1jt" can only be miliar
    ("1M 1jt", UnclearReason.TOO_LARGE, (1_001_000_000,)),
    # several amounts and ranges stay what they were
    ("2M atau 3M", UnclearReason.SEVERAL, (2 * JUTA, 2 * MILIAR, 3 * JUTA, 3 * MILIAR)),
    ("1-2M", UnclearReason.RANGE, ()),
]


@pytest.mark.parametrize(("text", "reason", "candidates"), M_SUFFIX)
def test_m_suffix_is_asked_about(
    text: str, reason: UnclearReason, candidates: tuple[int, ...]
) -> None:
    assert parse_income(text) == Unclear(reason, candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 juta", 2 * JUTA),
        ("2 million", 2 * JUTA),
        ("2 millions", 2 * JUTA),
        ("2 mio", 2 * JUTA),
        ("rong yuta", 2 * JUTA),
        ("two million", 2 * JUTA),
        ("2M, 2 juta", 2 * JUTA),
        ("Rp2M (dua juta)", 2 * JUTA),
        ("0M", 0),
    ],
)
def test_unit_words_are_not_ambiguous(text: str, expected: int) -> None:
    assert parse_income(text) == Amount(expected)


# Rp1 miliar or more a month is asked about, with the amount to confirm.
TOO_LARGE = [
    ("Rp1.000.000.000", (MILIAR,)),
    ("1.000.000.000", (MILIAR,)),
    ("1000000000", (MILIAR,)),
    ("1 miliar", (MILIAR,)),
    ("1 milyar", (MILIAR,)),
    ("semiliar", (MILIAR,)),
    ("2 milyar", (2 * MILIAR,)),
    ("1000 juta", (MILIAR,)),
    ("1000jt", (MILIAR,)),
    ("siji miliar", (MILIAR,)),
    ("bathiku 1 miliar", (MILIAR,)),
    ("one billion", (MILIAR,)),
    ("1 billion", (MILIAR,)),
    ("1000 million", (MILIAR,)),
    ("semiliar lima ratus", (1_000_000_500, 1_500_000_000)),
]


@pytest.mark.parametrize(("text", "candidates"), TOO_LARGE)
def test_a_miliar_or_more_is_too_large(text: str, candidates: tuple[int, ...]) -> None:
    assert parse_income(text) == Unclear(UnclearReason.TOO_LARGE, candidates)


# Too small for a month's income. Written bare, "1.500" is asked like "500": the amount as
# written, or the same with "ribu" (1,5 juta). Written as rupiah or with a unit, the amount
# is what the person wrote and is only confirmed.
TOO_SMALL = [
    ("1.500", UnclearReason.NO_UNIT, (1_500, 1_500_000)),
    ("1,500", UnclearReason.NO_UNIT, (1_500, 1_500_000)),
    ("1000", UnclearReason.NO_UNIT, (1_000, JUTA)),
    ("1.000", UnclearReason.NO_UNIT, (1_000, JUTA)),
    ("5000", UnclearReason.NO_UNIT, (5_000, 5 * JUTA)),
    ("9.999", UnclearReason.NO_UNIT, (9_999, 9_999_000)),
    ("omzet 2.500 sebulan", UnclearReason.NO_UNIT, (2_500, 2_500_000)),
    ("kira-kira 2.500", UnclearReason.NO_UNIT, (2_500, 2_500_000)),
    ("olehku 2.500", UnclearReason.NO_UNIT, (2_500, 2_500_000)),
    ("about 2,500 a month", UnclearReason.NO_UNIT, (2_500, 2_500_000)),
    ("Rp1.500", UnclearReason.TOO_SMALL, (1_500,)),
    ("Rp 1.500,-", UnclearReason.TOO_SMALL, (1_500,)),
    ("1.500 rupiah", UnclearReason.TOO_SMALL, (1_500,)),
    ("Rp500", UnclearReason.TOO_SMALL, (500,)),
    ("Rp 5", UnclearReason.TOO_SMALL, (5,)),
    ("500 perak", UnclearReason.TOO_SMALL, (500,)),
    ("500 rupiah", UnclearReason.TOO_SMALL, (500,)),
    ("Rp9.999", UnclearReason.TOO_SMALL, (9_999,)),
    ("1.5k", UnclearReason.TOO_SMALL, (1_500,)),
    ("5rb", UnclearReason.TOO_SMALL, (5_000,)),
    ("seribu", UnclearReason.TOO_SMALL, (1_000,)),
    ("seribu lima ratus", UnclearReason.TOO_SMALL, (1_500,)),
    ("sewu", UnclearReason.TOO_SMALL, (1_000,)),
    ("sewu limang atus", UnclearReason.TOO_SMALL, (1_500,)),
    ("limang ewu", UnclearReason.TOO_SMALL, (5_000,)),
    ("five thousand", UnclearReason.TOO_SMALL, (5_000,)),
    ("one thousand five hundred rupiah", UnclearReason.TOO_SMALL, (1_500,)),
    ("dua ribu lima", UnclearReason.TOO_SMALL, (2_005, 2_500)),
]


@pytest.mark.parametrize(("text", "reason", "candidates"), TOO_SMALL)
def test_too_small_is_asked_about(
    text: str, reason: UnclearReason, candidates: tuple[int, ...]
) -> None:
    assert parse_income(text) == Unclear(reason, candidates)


@pytest.mark.parametrize("text", ["0", "nol", "Rp0", "0 rupiah", "belum ada", "ora ana", "none"])
def test_zero_is_not_too_small(text: str) -> None:
    assert parse_income(text) == Amount(0)


def test_unclear_reason_values() -> None:
    assert [reason.value for reason in UnclearReason] == [
        "range",
        "several",
        "too_large",
        "no_unit",
        "not_found",
        "ambiguous_unit",
        "too_small",
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
def test_long_input_gets_an_answer(text: str) -> None:
    # The bot refuses more than 300 characters before parsing; the parser copes anyway.
    assert isinstance(parse_income(text), Amount | Unclear)


PLAUSIBLE = st.one_of(
    st.just(0), st.integers(min_value=MIN_PLAUSIBLE_INCOME, max_value=MAX_PLAUSIBLE_INCOME)
)


@given(PLAUSIBLE)
def test_formatted_rupiah_round_trips(value: int) -> None:
    assert parse_income(format_rupiah(value)) == Amount(value)


@given(st.integers(min_value=1, max_value=MIN_PLAUSIBLE_INCOME - 1))
def test_small_rupiah_are_confirmed(value: int) -> None:
    assert parse_income(format_rupiah(value)) == Unclear(UnclearReason.TOO_SMALL, (value,))


@given(st.integers(min_value=MAX_PLAUSIBLE_INCOME + 1, max_value=10**15))
def test_large_rupiah_are_confirmed(value: int) -> None:
    assert parse_income(format_rupiah(value)) == Unclear(UnclearReason.TOO_LARGE, (value,))


@given(st.integers(min_value=MIN_PLAUSIBLE_INCOME, max_value=MAX_PLAUSIBLE_INCOME))
def test_plain_digits_from_10000_are_exact(value: int) -> None:
    assert parse_income(f"{value}") == Amount(value)


@given(st.integers(min_value=1_000, max_value=MIN_PLAUSIBLE_INCOME - 1))
def test_plain_digits_below_10000_may_lack_ribu(value: int) -> None:
    expected = Unclear(UnclearReason.NO_UNIT, (value, value * RB))
    assert parse_income(f"{value}") == expected
    assert parse_income(f"{value:,}".replace(",", ".")) == expected


@given(st.integers(min_value=1, max_value=999))
def test_plain_digits_below_1000_ask_for_the_unit(value: int) -> None:
    assert parse_income(f"{value}") == Unclear(UnclearReason.NO_UNIT, (value * RB, value * JUTA))


@given(
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["{} juta", "{}jt", "{} JT", "{} jt", "Rp {} juta", "{} yuta", "{} million"]),
)
def test_n_juta(count: int, template: str) -> None:
    assert parse_income(template.format(count)) == Amount(count * JUTA)


@given(st.integers(min_value=1_000, max_value=10**6))
def test_1000_juta_or_more_is_too_large(count: int) -> None:
    assert parse_income(f"{count} juta") == Unclear(UnclearReason.TOO_LARGE, (count * JUTA,))


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["", ",5", ".25", ",75"]),
    st.sampled_from(["{}M", "{}m", "{} M", "Rp{}M", "Rp {} m", "kira2 {}M sebulan"]),
)
def test_a_value_with_an_m_suffix_is_never_an_amount(
    whole: int, decimals: str, template: str
) -> None:
    number = f"{whole}{decimals}"
    value = Fraction(number.replace(",", "."))
    result = parse_income(template.format(number))
    assert result == Unclear(UnclearReason.AMBIGUOUS_UNIT, (int(value * JUTA), int(value * MILIAR)))


@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=1, max_value=9),
    st.sampled_from([",", "."]),
)
def test_decimal_juta(whole: int, tenth: int, mark: str) -> None:
    assert parse_income(f"{whole}{mark}{tenth} jt") == Amount(whole * JUTA + tenth * 100_000)


@given(st.integers(min_value=10, max_value=999_999), st.sampled_from(["{}rb", "{} ribu", "{}k"]))
def test_n_ribu(count: int, template: str) -> None:
    assert parse_income(template.format(count)) == Amount(count * RB)


@given(st.integers(min_value=1, max_value=9), st.sampled_from(["{}rb", "{} ribu", "{}k"]))
def test_a_few_ribu_are_confirmed(count: int, template: str) -> None:
    assert parse_income(template.format(count)) == Unclear(UnclearReason.TOO_SMALL, (count * RB,))


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
    elif value < MIN_PLAUSIBLE_INCOME:
        # Written with "ribu", so the amount is as meant, but too small not to confirm.
        return Unclear(UnclearReason.TOO_SMALL, (value,))
    else:
        return Amount(value)
    if elided < MIN_PLAUSIBLE_INCOME:
        return Unclear(UnclearReason.TOO_SMALL, (value, elided))
    return Unclear(UnclearReason.NO_UNIT, (value, elided))


@given(st.integers(min_value=1, max_value=MAX_PLAUSIBLE_INCOME))
def test_indonesian_words(value: int) -> None:
    assert parse_income(indonesian_words(value)) == _expected_for_words(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3_500_000, Amount(3_500_000)),
        (1_500, Unclear(UnclearReason.TOO_SMALL, (1_500,))),
        (1_050, Unclear(UnclearReason.TOO_SMALL, (1_050,))),
        (10_050, Amount(10_050)),
        (3_000_500, Unclear(UnclearReason.NO_UNIT, (3_000_500, 3_500_000))),
        (1_000_005, Unclear(UnclearReason.NO_UNIT, (1_000_005, 1_500_000))),
        (2_005, Unclear(UnclearReason.TOO_SMALL, (2_005, 2_500))),
        (10_005, Unclear(UnclearReason.NO_UNIT, (10_005, 10_500))),
        (2_100_005, Unclear(UnclearReason.NO_UNIT, (2_100_005, 2_100_500))),
    ],
)
def test_expected_for_words_examples(value: int, expected: Amount | Unclear) -> None:
    assert _expected_for_words(value) == expected
    assert parse_income(indonesian_words(value)) == expected


@given(PLAUSIBLE, st.sampled_from([", ya ", " / ", " "]))
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
        assert result.value == 0 or MIN_PLAUSIBLE_INCOME <= result.value <= MAX_PLAUSIBLE_INCOME
    else:
        assert isinstance(result.reason, UnclearReason)
        if result.reason is not UnclearReason.SEVERAL:
            assert list(result.candidates) == sorted(set(result.candidates))


@given(st.text(alphabet="0123456789.,- Mmjtrbkiu", max_size=30))
def test_amounts_typed_with_units_give_an_answer(text: str) -> None:
    result = parse_income(text)
    if isinstance(result, Amount):
        assert result.value == 0 or MIN_PLAUSIBLE_INCOME <= result.value <= MAX_PLAUSIBLE_INCOME
    elif result.reason is UnclearReason.AMBIGUOUS_UNIT:
        assert "m" in text.casefold()
        assert len(result.candidates) >= 2


# Income change in whole percent, for reports: never a false 100% drop, never a false 0%.
@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, 3 * JUTA, None),
        (0, 3 * JUTA, None),
        (0, 0, None),
        (2 * JUTA, 3 * JUTA, 50),
        (3 * JUTA, 2 * JUTA, -33),
        (3 * JUTA, 1 * JUTA, -67),
        (2 * JUTA, 2 * JUTA, 0),
        (2 * JUTA, 0, -100),
        (2 * JUTA, 1, -99),
        (2 * JUTA, 10 * RB, -99),
        (1_000, 5, -99),  # -99.5 would round to -100
        (1_000, 6, -99),
        (1_000, 1_001, 1),  # +0.1% is still a rise
        (3 * JUTA, 3_000_001, 1),
        (1_000, 999, -1),  # -0.1% is still a drop
        (40, 41, 3),  # 2.5 rounds half away from zero
        (40, 39, -3),
        (1 * JUTA, 5 * JUTA, 400),
        (1, 10 * JUTA, 999_999_900),
    ],
)
def test_income_change_percent(previous: int | None, current: int, expected: int | None) -> None:
    assert income_change_percent(previous, current) == expected


@pytest.mark.parametrize(("previous", "current"), [(-1, 5), (5, -1)])
def test_income_change_percent_refuses_negative_incomes(previous: int, current: int) -> None:
    with pytest.raises(ValueError):
        income_change_percent(previous, current)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_income_change_percent_tells_the_direction(previous: int, current: int) -> None:
    percent = income_change_percent(previous, current)
    assert percent is not None
    exact = Fraction(100 * (current - previous), previous)
    if current > previous:
        assert percent >= 1
    elif current == previous:
        assert percent == 0
    elif current > 0:
        assert -99 <= percent <= -1
    else:
        assert percent == -100
    assert abs(percent - exact) <= 1
