"""A log line written while an update is handled names the update, the flow and the step,
and nothing the person said or is."""

from __future__ import annotations

import logging

import pytest

from bot.log_context import UpdateContextFilter
from bot.storage.db import Database
from tests.e2e.dialogs import NIK_SITI, invited_client
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
