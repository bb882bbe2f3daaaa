"""Golden transcripts of /program in id, jv and en: the whole application, word for word (the
program's yes/no, number and choice questions, a PDF where a photo is asked, a photo and a
PDF, a correction of the answers from the summary, then Kirim). The program itself is written
by an administrator, in Indonesian, in every language.
After a deliberate change: `UPDATE_GOLDEN=1 python3 dev.py test tests/e2e/test_golden_programs.py`.
"""

from __future__ import annotations

import pytest

from bot.storage.db import Database
from tests.dialog import Action, Document, Photo, Press, render_dialog
from tests.e2e.dialogs import invited_client, program_row
from tests.e2e.test_golden import LANGUAGES, _check
from tests.harness import Harness

APPLICATION: list[Action] = [
    "/program",
    Press(0),  # the program
    Press(0),  # yes
    "3",
    Press(0),  # Jahit
    Document("ktp.pdf"),  # a PDF where a photo is asked
    Photo(),
    Document("surat.pdf"),
    Press(1),  # change
    Press(0),  # the answers
    Press(0),  # yes
    "4",
    Press(0),  # Jahit
    Press(0),  # send
]


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_program_application_reads_exactly_as_written(
    harness: Harness, db: Database, language: str
) -> None:
    await program_row(db, at=harness.clock.now())
    siti = await invited_client(
        harness, db, language_code=language, language_button=LANGUAGES[language]
    )
    _check(f"program.{language}.txt", await render_dialog(siti, APPLICATION))
