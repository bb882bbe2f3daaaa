"""Tests of bot.domain.nik. Every NIK here is made up; none belongs to a real person."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.nik import NikError, NikInfo, NikProblem, normalize_nik, validate_nik
from bot.domain.reference import REGIONS

TODAY = date(2025, 6, 1)


def make_nik(region: str, district: int, birth: date, female: bool, serial: int) -> str:
    """Build a made-up NIK from its parts."""
    day = birth.day + (40 if female else 0)
    return f"{region}{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3522014108900001", NikInfo("3522014108900001", "3522", date(1990, 8, 1), True)),
        ("3507121505850123", NikInfo("3507121505850123", "3507", date(1985, 5, 15), False)),
        ("3578057112999999", NikInfo("3578057112999999", "3578", date(1999, 12, 31), True)),
        ("3573020101000002", NikInfo("3573020101000002", "3573", date(2000, 1, 1), False)),
        ("3579010106250001", NikInfo("3579010106250001", "3579", date(2025, 6, 1), False)),
        ("3501015912260001", NikInfo("3501015912260001", "3501", date(1926, 12, 19), True)),
    ],
)
def test_valid(text: str, expected: NikInfo) -> None:
    assert validate_nik(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "3522 0141 0890 0001",
        "3522.0141.0890.0001",
        "3522-0141-0890-0001",
        "  3522014108900001\n",
        "352201 410890 0001",
        "3522\t0141\t0890\t0001",
    ],
)
def test_separators_people_type(text: str) -> None:
    assert normalize_nik(text) == "3522014108900001"
    assert validate_nik(text, today=TODAY).birth_date == date(1990, 8, 1)


@pytest.mark.parametrize(
    ("text", "birth"),
    [
        ("3578052902960001", date(1996, 2, 29)),  # leap year, male
        ("3578056902960001", date(1996, 2, 29)),  # leap year, female
        ("3578052902000001", date(2000, 2, 29)),  # 2000 is a leap year
    ],
)
def test_february_29_on_leap_years(text: str, birth: date) -> None:
    assert validate_nik(text, today=TODAY).birth_date == birth


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", NikProblem.NOT_16_DIGITS),
        ("35220141089000", NikProblem.NOT_16_DIGITS),
        ("35220141089000011", NikProblem.NOT_16_DIGITS),
        ("3522a14108900001", NikProblem.NOT_16_DIGITS),
        ("3522/0141/0890/0001", NikProblem.NOT_16_DIGITS),
        ("３５２２０１４１０８９０００１", NikProblem.NOT_16_DIGITS),
        ("3171014108900001", NikProblem.NOT_JAWA_TIMUR),
        ("3322014108900001", NikProblem.NOT_JAWA_TIMUR),
        ("3530014108900001", NikProblem.UNKNOWN_REGION),
        ("3500014108900001", NikProblem.UNKNOWN_REGION),
        ("3599014108900001", NikProblem.UNKNOWN_REGION),
        ("3522004108900001", NikProblem.BAD_DISTRICT),
        ("3578052902970001", NikProblem.BAD_DATE),  # 1997 is not a leap year
        ("3578056902970001", NikProblem.BAD_DATE),
        ("3522010008900001", NikProblem.BAD_DATE),  # day 0
        ("3522013208900001", NikProblem.BAD_DATE),  # day 32
        ("3522014008900001", NikProblem.BAD_DATE),  # day 40: neither male nor female
        ("3522017208900001", NikProblem.BAD_DATE),  # day 72 = female day 32
        ("3522013104900001", NikProblem.BAD_DATE),  # 31 April
        ("3522011513900001", NikProblem.BAD_DATE),  # month 13
        ("3522011500900001", NikProblem.BAD_DATE),  # month 0
        ("3522010206250001", NikProblem.FUTURE_BIRTH),  # 2 June 2025, a day after TODAY
        ("3522011512250001", NikProblem.FUTURE_BIRTH),
        ("3522014108900000", NikProblem.BAD_SERIAL),
    ],
)
def test_problems(text: str, problem: NikProblem) -> None:
    with pytest.raises(NikError) as caught:
        validate_nik(text, today=TODAY)
    assert caught.value.problem is problem


def test_error_is_a_value_error_without_the_nik() -> None:
    with pytest.raises(ValueError, match="bad_serial") as caught:
        validate_nik("3522014108900000", today=TODAY)
    assert "3522" not in str(caught.value)


def test_century_follows_today() -> None:
    assert validate_nik("3522011505300001", today=date(2025, 6, 1)).birth_date.year == 1930
    assert validate_nik("3522011505300001", today=date(2030, 6, 1)).birth_date.year == 2030


def test_problem_values() -> None:
    assert [problem.value for problem in NikProblem] == [
        "not_16_digits",
        "not_jawa_timur",
        "unknown_region",
        "bad_district",
        "bad_date",
        "future_birth",
        "bad_serial",
    ]


@given(
    region=st.sampled_from([region.code for region in REGIONS]),
    district=st.integers(min_value=1, max_value=99),
    birth=st.dates(min_value=date(TODAY.year - 99, 1, 1), max_value=TODAY),
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_built_nik_round_trips(
    region: str, district: int, birth: date, female: bool, serial: int
) -> None:
    nik = make_nik(region, district, birth, female, serial)
    info = validate_nik(nik, today=TODAY)
    assert info == NikInfo(nik, region, birth, female)
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    assert validate_nik(spaced, today=TODAY) == info
