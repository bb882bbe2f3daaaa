"""Golden transcripts: registration and the report, word for word, in id, jv and en.

Each transcript (tests/golden/<dialog>.<language>.txt) is the whole conversation as
`tests.dialog.render_dialog` writes it: what the person did, then every message of the bot
with its buttons. A change of wording, of a button, of the order of questions, or a missing
translation shows up as a diff here. After a deliberate change, run
`UPDATE_GOLDEN=1 python3 dev.py test tests/e2e/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.storage.db import Database
from tests.dialog import Action, Press, Tap, render_dialog
from tests.e2e.dialogs import NIK_SITI, invited_client
from tests.harness import Harness

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
LANGUAGES = {"id": "Bahasa Indonesia", "jv": "Basa Jawa", "en": "English"}

REGISTRATION: list[Action] = [
    "/start",
    Press(0),  # language: replaced per language below
    Press(0),  # consent
    Press(1),  # register on my own
    "Siti Rahayu",
    NIK_SITI,
    "bojonegoro",
    "Menjahit di UPT Bina Daksa Pasuruan",
    "Jahit seragam",
    Tap(1),  # skip the phone number
    Press(1),  # Ubah
    Press(4),  # the business
    "Jahit seragam kantor",
    Press(0),  # Simpan
]
REPORT: list[Action] = [
    "/lapor",
    "lancar",  # a word of the first button, typed
    "2M",  # asked about: juta or miliar?
    Press(0),  # the million reading
    Press("2"),
    Press(0),  # tick the first obstacle
    Press(-1),  # continue
    Press(0),  # skip the photo
    Press(0),  # Simpan
]


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_registration_reads_exactly_as_written(harness: Harness, language: str) -> None:
    siti = harness.person("Siti", language)
    actions = list(REGISTRATION)
    actions[1] = Press(LANGUAGES[language])
    _check(f"registration.{language}.txt", await render_dialog(siti, actions))


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_report_reads_exactly_as_written(
    harness: Harness, db: Database, language: str
) -> None:
    siti = await invited_client(
        harness, db, language_code=language, language_button=LANGUAGES[language]
    )
    actions = list(REPORT)
    if language != "id":  # the typed status word in her language
        actions[1] = {"jv": "lancar", "en": "going well"}[language]
    _check(f"report.{language}.txt", await render_dialog(siti, actions))
