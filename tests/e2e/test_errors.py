"""When something breaks, the person hears only what is true, and an operator is told.

Before its commit, a failed turn saved nothing: "belum tersimpan, coba kirim lagi". After its
commit, her answer is saved and its replies are in the outbox: she is never told otherwise.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select
from telegram.error import Forbidden, NetworkError

from bot.services import accounts as accounts_service
from bot.services import reports, staff
from bot.storage.db import Database
from bot.storage.models import BusinessReport, Conversation, StaffRole
from tests.e2e.dialogs import invited_client, staff_member
from tests.harness import Harness

APOLOGY = (
    "Maaf, ada gangguan di sistem kami. Jawaban terakhir Anda belum tersimpan; "
    "coba kirim lagi sebentar lagi."
)


async def test_a_failure_before_the_commit_says_not_saved_and_tells_an_operator_once(
    harness: Harness, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, first_name="Admin")
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("3jt")

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Siti Rahayu 3522015408900001")  # personal data in the error

    monkeypatch.setattr(reports, "submit_report", broken)
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    reply = await siti.press("✅ Simpan")
    assert [m.text for m in reply] == [APOLOGY]
    async with db.transaction() as session:
        assert (await session.execute(select(BusinessReport))).first() is None
        state = await session.get(Conversation, siti.id)
    assert state is not None and state.state == "summary"  # she can press Simpan again

    await harness.deliver()
    # Tried three times, then set aside: the operator hears it once, without personal data.
    notices = [m.text for m in admin.messages if "⚠️" in m.text]
    assert notices == [
        "⚠️ Satu pesan masuk disisihkan setelah 3 kali gagal: RuntimeError "
        "(alur rep, langkah summary)."
    ]
    reply = await siti.press("✅ Simpan")  # she sends again at once: not a double tap
    assert [m.text for m in reply] == [APOLOGY]  # it fails again, the same way
    await harness.deliver()
    assert len([m for m in admin.messages if "⚠️" in m.text]) == 1

    monkeypatch.undo()
    harness.clock.advance(timedelta(seconds=5))
    reply = await siti.send("/lapor")
    assert "Ringkasan laporan" in reply[-1].text


async def test_a_failure_after_the_commit_never_says_not_saved_and_the_reply_still_comes(
    harness: Harness, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    sender = harness.parts.sender

    async def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the process fell over after the commit")

    monkeypatch.setattr(sender, "send_claimed", crash)
    reply = await siti.send("3jt")
    assert reply == []
    monkeypatch.undo()
    harness.clock.advance(sender.stale_after + timedelta(seconds=1))  # the claim goes stale
    assert await harness.deliver() == 1
    assert siti.last.text.startswith("Berapa orang karyawan")
    assert all("belum tersimpan" not in m.text for m in siti.messages)


async def test_errors_outside_updates_are_logged_not_told(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.errors")
    app = harness.app
    assert app is not None
    await app.process_error(None, NetworkError("Bad Gateway"))
    await app.process_error(None, Forbidden("Forbidden: bot was blocked by the user"))
    await app.process_error(None, RuntimeError("a job broke"))
    messages = [r.getMessage() for r in caplog.records if r.name == "handlers.errors"]
    assert "Bot API unreachable: NetworkError" in messages
    assert "a chat has blocked the bot" in messages
    assert "update failed (RuntimeError) in -/-" in messages


async def test_when_even_the_apology_and_the_operators_notice_fail_nothing_breaks(
    harness: Harness,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.errors")
    siti = await invited_client(harness, db)

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(accounts_service, "find_profile", broken)  # every turn fails early
    monkeypatch.setattr(staff, "administrators", broken)  # and the operators' notice too
    harness.emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    reply = await siti.send("/lapor")
    assert reply == []  # the apology itself could not be sent either
    messages = [r.getMessage() for r in caplog.records if r.name == "handlers.errors"]
    assert "could not queue the operators' notice (ConnectionError)" in messages
    assert "could not send the apology" in messages
    reply = await siti.send("/lapor")  # the next try gets the apology (the Bot API is back)
    assert [m.text for m in reply] == [APOLOGY]
