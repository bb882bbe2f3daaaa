"""Golden transcripts of /pemasaran in id, jv and en: the whole request, word for word (an
album of three photos, a price range, "other" with her words, a correction from the summary).
After a deliberate change: `UPDATE_GOLDEN=1 python3 dev.py test tests/e2e/test_golden_marketing.py`.
"""

from __future__ import annotations

import pytest

from bot.storage.db import Database
from tests.dialog import Action, Album, Press, render_dialog
from tests.e2e.dialogs import invited_client
from tests.e2e.test_golden import LANGUAGES, _check
from tests.harness import Harness

MARKETING: list[Action] = [
    "/pemasaran",
    "Kue kering nastar",
    "Nastar isi selai nanas, toples 500 gram.",
    Album(3),
    Press(0),  # continue after the photos
    "20rb - 35rb",
    "50",
    Press(0),  # bazaar
    Press(6),  # other
    Press(-1),  # continue
    "Pameran kerajinan di Surabaya",
    Press(1),  # change
    Press(3),  # the price
    "25rb",
    Press(0),  # save
]


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_marketing_request_reads_exactly_as_written(
    harness: Harness, db: Database, language: str
) -> None:
    siti = await invited_client(
        harness, db, language_code=language, language_button=LANGUAGES[language]
    )
    _check(f"marketing.{language}.txt", await render_dialog(siti, MARKETING))
