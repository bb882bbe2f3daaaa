"""Translations and local formatting, picked per update (never a global current locale)."""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from gettext import GNUTranslations
from importlib.resources import files
from importlib.resources.abc import Traversable
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.money import format_rupiah

# The top-level locales/ folder, shipped inside the package (see pyproject.toml): in an editable
# install this is the source folder itself, in a wheel the copy under bot/locales.
CATALOGS = "bot.locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "id"
LANGUAGES: tuple[str, ...] = ("id", "jv", "en")
# Shown on the language buttons, each in its own language.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "jv": "Basa Jawa", "en": "English"}
WIB = ZoneInfo("Asia/Jakarta")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def guess_language(language_code: str | None) -> str:
    """Berdaya's language for Telegram's `language_code` (Indonesian when unknown)."""
    if not language_code:
        return DEFAULT_LANGUAGE
    base = language_code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def catalog_file(language: str) -> Traversable:
    """The installed catalog of `language`, read through importlib.resources."""
    return files(CATALOGS) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(language: str) -> GNUTranslations:
    """Compile the .po in memory: no stale .mo files can ever be served."""
    source = catalog_file(language)
    if not source.is_file():
        # Never fall back to Indonesian quietly: a package without its catalogs is broken.
        raise FileNotFoundError(f"no {language!r} catalog in {CATALOGS}: the package is incomplete")
    catalog = read_po(io.BytesIO(source.read_bytes()), locale=language.replace("-", "_"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return GNUTranslations(buffer)


class Translator:
    """Everything a reply needs in one language: gettext and local formats."""

    def __init__(self, language: str, timezone: ZoneInfo = WIB) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.timezone = timezone
        self._translations = _catalog(self.language)

    def gettext(self, message: str) -> str:
        """The translation of `message`."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The translation of a message that depends on a count."""
        return self._translations.ngettext(singular, plural, n)

    def money(self, value: int) -> str:
        """Rupiah the Indonesian way in every language: Rp3.000.000."""
        return format_rupiah(value)

    def date(self, when: date | datetime) -> str:
        """A date in the local long form, e.g. 27 Agustus 2020 (WIB for datetimes)."""
        if isinstance(when, datetime):
            when = when.astimezone(self.timezone).date()
        return babel_format_date(when, "d MMMM y", locale=self.language)


def translator(language: str | None, timezone: ZoneInfo = WIB) -> Translator:
    """A translator for `language`, falling back to Indonesian."""
    return Translator(language or DEFAULT_LANGUAGE, timezone)
