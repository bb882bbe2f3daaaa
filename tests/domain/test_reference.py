"""Tests of bot.domain.reference: regions of Jawa Timur and PPKS categories."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.reference import (
    PPKS_CATEGORIES,
    REGIONS,
    PpksCategory,
    Region,
    ppks_by_no,
    region_by_code,
)


def test_38_regions_of_jawa_timur() -> None:
    assert len(REGIONS) == 38
    assert all(region.code.startswith("35") and len(region.code) == 4 for region in REGIONS)
    assert len({region.code for region in REGIONS}) == 38
    assert sum(region.kind == "kabupaten" for region in REGIONS) == 29
    assert sum(region.kind == "kota" for region in REGIONS) == 9


def test_regions_keep_file_order() -> None:
    assert REGIONS[0] == Region("3501", "kabupaten", "Pacitan")
    assert REGIONS[-1] == Region("3579", "kota", "Batu")
    assert [region.code for region in REGIONS] == sorted(region.code for region in REGIONS)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("3507", "Kab. Malang"),
        ("3573", "Kota Malang"),
        ("3522", "Kab. Bojonegoro"),
        ("3578", "Kota Surabaya"),
        ("3514", "Kab. Pasuruan"),
        (" 3579 ", "Kota Batu"),
    ],
)
def test_region_by_code(code: str, label: str) -> None:
    region = region_by_code(code)
    assert region is not None
    assert region.label == label


@pytest.mark.parametrize("code", ["3530", "3500", "3580", "3171", "", "35", "abcd"])
def test_unknown_region(code: str) -> None:
    assert region_by_code(code) is None


def test_26_ppks_categories() -> None:
    assert len(PPKS_CATEGORIES) == 26
    assert [category.no for category in PPKS_CATEGORIES] == list(range(1, 27))
    assert all(category.name for category in PPKS_CATEGORIES)
    assert all(category.short is None or category.short for category in PPKS_CATEGORIES)


@pytest.mark.parametrize(
    ("no", "expected"),
    [
        (1, PpksCategory(1, "Anak Balita Telantar", None)),
        (3, PpksCategory(3, "Anak yang Berhadapan dengan Hukum", "ABH")),
        (16, PpksCategory(16, "Orang dengan HIV/AIDS", "ODHA")),
        (26, PpksCategory(26, "Komunitas Adat Terpencil", None)),
    ],
)
def test_ppks_by_no(no: int, expected: PpksCategory) -> None:
    assert ppks_by_no(no) == expected


@pytest.mark.parametrize("no", [0, 27, -1])
def test_unknown_ppks(no: int) -> None:
    assert ppks_by_no(no) is None


def test_reference_records_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGIONS[0].name = "Elsewhere"  # type: ignore[misc]
