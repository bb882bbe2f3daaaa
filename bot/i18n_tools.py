"""Catalog maintenance: `python -m bot.i18n_tools [extract|update|check]` (or `dev.py i18n`).

- extract: scan bot/, handlers/ and conversations/ for _(), N_() and ngettext() into messages.pot
- update: merge the template into each language's .po (Indonesian msgstr = msgid, since the
  source strings are Indonesian); then list what still needs a translator
- check: exit 1 if the template is stale or any catalog lacks a translation

It works on the source tree's top-level locales/ folder (the wheel's bot.locales is built from
it), so it needs a checkout, not an installed wheel.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
LOCALES_DIR = ROOT / "locales"  # the source catalogs, next to bot/ in a checkout
SOURCE_DIRS = ("bot", "handlers", "conversations")
POT = LOCALES_DIR / f"{DOMAIN}.pot"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def po_path(language: str) -> Path:
    """The source catalog of `language`."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every translatable string in the code, as a template catalog."""
    catalog = Catalog(project="Berdaya", msgid_bugs_address="", charset="utf-8")
    for directory in SOURCE_DIRS:
        for _file, _line, message, comments, context in extract_from_dir(
            ROOT / directory, keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            if directory == "bot" and str(_file).startswith("emulator"):
                continue
            catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def _pairs(catalog: Catalog) -> set[tuple[str, str]]:
    """The catalog's content, regardless of order (update() reorders messages)."""
    return {(repr(m.id), repr(m.string)) for m in catalog if m.id}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, sort_output=True, width=100)


def update() -> dict[str, list[str]]:
    """Refresh the template and every catalog; return the untranslated msgids per language."""
    template = extract()
    if not POT.exists() or _ids(_read(POT)) != _ids(template):
        _write(POT, template)
    todo: dict[str, list[str]] = {}
    for language in LANGUAGES:
        path = po_path(language)
        catalog = _read(path, language) if path.exists() else Catalog(locale=language)
        before = _pairs(catalog) if path.exists() else None
        # A copy per language: Catalog.update shares Message objects with the template.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == DEFAULT_LANGUAGE:
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = _identity(message, catalog.num_plurals)
        if _pairs(catalog) != before:  # rewrite only real changes, not header dates
            _write(path, catalog)
        todo[language] = [str(m.id) for m in catalog if m.id and not _translated(m)]
    return todo


def _identity(message: Message, plurals: int) -> str | tuple[str, ...]:
    """The source text as its own translation (the source language is Indonesian)."""
    if isinstance(message.id, tuple | list):
        return tuple(str(message.id[min(i, 1)]) for i in range(plurals))
    return str(message.id)


def _translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def problems() -> list[str]:
    """Everything wrong with the catalogs, one line each (empty when all is well)."""
    found: list[str] = []
    template = extract()
    if not POT.exists() or _ids(_read(POT)) != _ids(template):
        found.append("messages.pot is stale: run `python3 dev.py i18n update`")
    for language in LANGUAGES:
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no catalog at {path}")
            continue
        catalog = _read(path, language)
        missing = _ids(template) - _ids(catalog)
        found += [f"{language}: not in catalog: {mid!r}" for mid in sorted(map(str, missing))]
        for message in catalog:
            if not message.id:
                continue
            if not _translated(message):
                found.append(f"{language}: untranslated: {message.id!r}")
                continue
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            strings = (
                message.string if isinstance(message.string, tuple | list) else (message.string,)
            )
            wanted = set(_PLACEHOLDER.findall(str(ids[0])))
            for string in strings:
                if set(_PLACEHOLDER.findall(str(string))) != wanted:
                    found.append(f"{language}: placeholders differ in {ids[0]!r}")
    return found


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    action = argv[0] if argv else "check"
    if not (LOCALES_DIR / "__init__.py").is_file():
        print(f"no source catalogs at {LOCALES_DIR}: run this from a checkout", file=sys.stderr)
        return 2
    if action == "extract":
        _write(POT, extract())
        print(f"wrote {POT.relative_to(ROOT)}")
        return 0
    if action == "update":
        for language, missing in update().items():
            print(f"{language}: {len(missing)} untranslated")
        return 0
    if action == "check":
        found = problems()
        print("\n".join(found) if found else "catalogs complete")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
