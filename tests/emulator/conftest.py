"""Fixtures: a started emulator and PTB's real Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from berdaya_sandbox.emulator import BotApiEmulator

TOKEN = "123456:TEST-TOKEN-berdaya"


def make_bot(emu: BotApiEmulator, token: str = TOKEN) -> Bot:
    """PTB's Bot with its real HTTPXRequest, talking to the emulator."""
    return Bot(token, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="berdaya_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with make_bot(emu) as ptb_bot:
        yield ptb_bot
