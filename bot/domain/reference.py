"""Reference data in ``bot/data``: the 38 kabupaten/kota of Jawa Timur and 26 PPKS categories."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal, cast

RegionKind = Literal["kabupaten", "kota"]


@dataclass(frozen=True, slots=True)
class Region:
    """A kabupaten or kota with its Kemendagri code ("3507")."""

    code: str
    kind: RegionKind
    name: str

    @property
    def label(self) -> str:
        """Return the short display name: "Kab. Malang" or "Kota Malang"."""
        prefix = "Kab." if self.kind == "kabupaten" else "Kota"
        return f"{prefix} {self.name}"


@dataclass(frozen=True, slots=True)
class PpksCategory:
    """A PPKS category (Permensos 08/2012) with its number and usual abbreviation, if any."""

    no: int
    name: str
    short: str | None


def _read_csv(name: str) -> list[dict[str, str]]:
    """Read a CSV from ``bot/data`` through importlib.resources, so it works from a wheel too."""
    text = files("bot").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _load_regions() -> tuple[Region, ...]:
    regions: list[Region] = []
    for row in _read_csv("jatim_regions.csv"):
        kind = row["kind"].strip()
        if kind not in ("kabupaten", "kota"):
            raise ValueError(f"unknown region kind {kind!r} for {row['code']}")
        regions.append(Region(row["code"].strip(), cast(RegionKind, kind), row["name"].strip()))
    return tuple(regions)


def _load_categories() -> tuple[PpksCategory, ...]:
    return tuple(
        PpksCategory(int(row["no"]), row["name"].strip(), row["short"].strip() or None)
        for row in _read_csv("ppks_categories.csv")
    )


REGIONS: tuple[Region, ...] = _load_regions()
PPKS_CATEGORIES: tuple[PpksCategory, ...] = _load_categories()
_REGIONS_BY_CODE = {region.code: region for region in REGIONS}
_CATEGORIES_BY_NO = {category.no: category for category in PPKS_CATEGORIES}


def region_by_code(code: str) -> Region | None:
    """Return the region with Kemendagri code ``code`` ("3507"), or None."""
    return _REGIONS_BY_CODE.get(code.strip())


def ppks_by_no(no: int) -> PpksCategory | None:
    """Return PPKS category number ``no`` (1–26), or None."""
    return _CATEGORIES_BY_NO.get(no)
