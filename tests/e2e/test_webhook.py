"""Webhook mode: Telegram posts updates with the secret; only those are taken."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from berdaya_sandbox.emulator import BotApiEmulator
from bot.clock import FakeClock
from bot.config import Settings
from bot.runtime import RunningBot, start_bot
from bot.storage.db import Database
from bot.storage.models import InboxUpdate
from tests.keys import TEST_DATA_KEY, TEST_HMAC_KEY

SECRET = "rahasia-webhook-berdaya-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(
    emulator: BotApiEmulator, database_url: str
) -> AsyncIterator[tuple[RunningBot, str]]:
    port = _free_port()
    settings = Settings(
        telegram_bot_token=SecretStr(emulator.token),
        telegram_api_url=emulator.base_url,
        database_url=database_url,
        rate_limit_per_second=0,
        api_timeout_seconds=1.0,
        data_keys=(SecretStr(TEST_DATA_KEY),),
        hmac_key=SecretStr(TEST_HMAC_KEY),
        webhook_secret=SecretStr(SECRET),
        webhook_listen=f"127.0.0.1:{port}",
    )
    url = f"http://127.0.0.1:{port}/telegram/hook"
    running = await start_bot(settings, clock=FakeClock(), webhook_url=url)
    yield running, url
    await running.stop()


def _update(update_id: int, user_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Palsu"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Palsu"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_updates_come_through_the_webhook_with_the_secret(
    emulator: BotApiEmulator, webhook_bot: tuple[RunningBot, str], db: Database
) -> None:
    _, url = webhook_bot
    ani = emulator.user(first_name="Ani", language_code="id")
    assert await emulator.wait_for(lambda: emulator.state.webhook_url == url, 20)
    await ani.send("/start")
    await ani.wait_until(lambda: len(ani.messages) == 1, timeout=20, what="the welcome")
    assert "Pilih bahasa" in ani.last.text
    await ani.press("Bahasa Indonesia")
    await ani.wait_until(lambda: "setuju" in ani.last.text, timeout=20, what="consent")
    assert emulator.state.webhook_answers.count(200) == 2


@pytest.mark.parametrize("secret", [None, "", "salah", SECRET[:-1] + "X", SECRET + "0"])
async def test_a_request_without_the_right_secret_is_refused_and_nothing_is_kept(
    emulator: BotApiEmulator,
    webhook_bot: tuple[RunningBot, str],
    db: Database,
    secret: str | None,
) -> None:
    _, url = webhook_bot
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=_update(800_000_001, 6_100_000_001), headers=headers) as answer,
    ):
        assert answer.status == 403
    async with db.transaction() as session:
        kept = (await session.execute(select(InboxUpdate.update_id))).scalars().all()
    assert 800_000_001 not in kept
    assert 6_100_000_001 not in emulator.state.chats  # the bot never wrote to that chat


async def test_a_body_that_is_not_an_update_gets_400(
    webhook_bot: tuple[RunningBot, str],
) -> None:
    _, url = webhook_bot
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=b"{not json", headers=headers) as answer,
    ):
        assert answer.status == 400
