"""Catalogs are complete, and money and dates read the local way."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.i18n import Translator, guess_language
from bot.i18n_tools import problems


def test_every_catalog_translates_every_string_with_the_same_placeholders() -> None:
    assert problems() == []


def test_money_is_shown_the_indonesian_way_in_every_language() -> None:
    for language in ("id", "jv", "en"):
        assert Translator(language).money(3_000_000) == "Rp3.000.000"


def test_dates_are_local_and_in_wib() -> None:
    assert Translator("id").date(date(2020, 8, 27)) == "27 Agustus 2020"
    assert Translator("en").date(date(2020, 8, 27)) == "27 August 2020"
    # 20:00 UTC on 26 August is already 27 August in Jakarta.
    assert Translator("id").date(datetime(2020, 8, 26, 20, 0, tzinfo=UTC)) == "27 Agustus 2020"
    assert "2020" in Translator("jv").date(date(2020, 8, 27)).replace("\xa0", " ")


def test_the_language_is_guessed_from_telegram_and_falls_back_to_indonesian() -> None:
    assert guess_language("jv") == "jv"
    assert guess_language("en-US") == "en"
    assert guess_language("id") == "id"
    assert guess_language("ms") == "id"
    assert guess_language(None) == "id"
