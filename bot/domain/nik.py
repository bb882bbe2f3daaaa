"""Checks of the Indonesian NIK (Nomor Induk Kependudukan) for residents of Jawa Timur.

A NIK is 16 digits, PPKKCC DDMMYY SSSS: province, kabupaten/kota, kecamatan, date of birth
(women have 40 added to the day) and a serial number. The NIK is sensitive personal data:
nothing here logs it, and error messages never contain it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.reference import region_by_code

JAWA_TIMUR_PROVINCE = "35"
_FEMALE_DAY_OFFSET = 40
_SEPARATORS_RE = re.compile(r"[\s.\-–—]+")
_SIXTEEN_DIGITS_RE = re.compile(r"[0-9]{16}")


class NikProblem(StrEnum):
    """What is wrong with a NIK."""

    NOT_16_DIGITS = "not_16_digits"
    NOT_JAWA_TIMUR = "not_jawa_timur"
    UNKNOWN_REGION = "unknown_region"
    BAD_DISTRICT = "bad_district"
    BAD_DATE = "bad_date"
    FUTURE_BIRTH = "future_birth"
    BAD_SERIAL = "bad_serial"


class NikError(ValueError):
    """A NIK failed validation; ``problem`` says why."""

    def __init__(self, problem: NikProblem) -> None:
        # The message names only the problem, never the NIK, so it is safe to log.
        super().__init__(f"invalid NIK: {problem.value}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a valid NIK says: the 4-digit region code, the date of birth and the sex."""

    nik: str
    region_code: str
    birth_date: date
    female: bool


def normalize_nik(text: str) -> str:
    """Remove the spaces, dots and dashes people type inside a NIK ("3522 0141 0890 0001")."""
    return _SEPARATORS_RE.sub("", text)


def _birth_year(two_digits: int, today: date) -> int:
    """Expand a two-digit year: 20YY unless that year is after today's, otherwise 19YY."""
    year = 2000 + two_digits
    return year if year <= today.year else year - 100


def validate_nik(text: str, *, today: date) -> NikInfo:
    """Check a NIK of a Jawa Timur resident and return what it encodes.

    Raises :class:`NikError` with the first problem found, in the order of
    :class:`NikProblem`. ``today`` decides the century of the birth year and rules out
    birth dates in the future.
    """
    nik = normalize_nik(text)
    if not _SIXTEEN_DIGITS_RE.fullmatch(nik):
        raise NikError(NikProblem.NOT_16_DIGITS)
    if nik[:2] != JAWA_TIMUR_PROVINCE:
        raise NikError(NikProblem.NOT_JAWA_TIMUR)
    region_code = nik[:4]
    if region_by_code(region_code) is None:
        raise NikError(NikProblem.UNKNOWN_REGION)
    if nik[4:6] == "00":
        raise NikError(NikProblem.BAD_DISTRICT)
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > _FEMALE_DAY_OFFSET
    if female:
        day -= _FEMALE_DAY_OFFSET
    try:
        birth_date = date(_birth_year(year, today), month, day)
    except ValueError:
        raise NikError(NikProblem.BAD_DATE) from None
    if birth_date > today:
        raise NikError(NikProblem.FUTURE_BIRTH)
    if nik[12:] == "0000":
        raise NikError(NikProblem.BAD_SERIAL)
    return NikInfo(nik=nik, region_code=region_code, birth_date=birth_date, female=female)
