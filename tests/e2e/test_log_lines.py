"""A log line written while an update is handled names the update, the flow and the step,
and nothing the person said or is."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.log_context import UpdateContextFilter
from bot.storage.db import Database
from tests.e2e.dialogs import NIK_SITI, file_report, invited_client, staff_member
from tests.harness import Harness


async def test_a_failed_reply_is_logged_with_its_update_flow_and_step_only(
    harness: Harness, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(UpdateContextFilter())
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    harness.emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    update_id = await siti.user.send("omzet 3jt sebulan")
    await harness.processed(update_id)
    retries = [r for r in caplog.records if r.name == "bot.outbox_sender"]
    assert [getattr(r, "turn", None) for r in retries] == [f"u={update_id} rep/employees"]
    assert retries[0].getMessage().endswith("(reply): Retry")
    everything = "\n".join(f"{r.getMessage()} {getattr(r, 'turn', '')}" for r in caplog.records)
    for private in ("omzet 3jt", "Siti", NIK_SITI):
        assert private not in everything


async def test_a_relayed_conversation_leaves_no_text_or_name_in_the_log(
    harness: Harness, db: Database, log_lines: Callable[[], str]
) -> None:
    siti = await invited_client(harness, db, full_name="Siti Rahayu")
    ani = await staff_member(harness, db)
    await file_report(siti, status_index=3, income="0")  # closed: her caseworker is alerted
    alert = ani.last
    await ani.press("🙋 Saya tangani", alert)
    await ani.press("💬 Balas", alert)
    await ani.send("Selamat siang Bu Siti, usahanya kenapa tutup?")
    await siti.send("Mesin jahit saya rusak, nomor saya 081234567890")
    assert "Mesin jahit saya rusak" in ani.last.text  # relayed
    await ani.press("⏹️ Selesai membalas")
    await ani.press("✅ Selesai", alert)
    await ani.send("Dikunjungi; mesin diperbaiki.")
    harness.emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    update_id = await siti.user.send("Terima kasih Bu Ani Pendamping")
    await harness.processed(update_id)
    said = log_lines()
    assert f"[u={update_id}" in said and "Retry" in said  # the bot's own handler wrote it
    for private in (
        "usahanya kenapa tutup",
        "Mesin jahit",
        "081234567890",
        "Dikunjungi",
        "Siti Rahayu",
        "Rahayu",
        "Ani Pendamping",
        NIK_SITI,
    ):
        assert private not in said, private
