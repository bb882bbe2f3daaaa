"""End-to-end fixtures: the emulator and the real Application on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from berdaya_sandbox.emulator import BotApiEmulator
from bot.clock import FakeClock
from tests.harness import Harness


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A fresh local Bot API."""
    emu = BotApiEmulator(token="123456:TEST-TOKEN-berdaya", bot_username="berdaya_test_bot")
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def clock() -> FakeClock:
    """The time, as tests want it."""
    return FakeClock()


@pytest.fixture
async def harness(
    emulator: BotApiEmulator, database_url: str, clock: FakeClock
) -> AsyncIterator[Harness]:
    """The bot running against the emulator."""
    running = Harness(emulator, database_url, clock)
    await running.start()
    yield running
    await running.stop()
