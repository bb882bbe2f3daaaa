"""End-to-end fixtures: the emulator and the real Application on a real database."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from berdaya_sandbox.emulator import ApiCall, BotApiEmulator
from bot.clock import FakeClock
from bot.logging_setup import configure_logging
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
    emulator: BotApiEmulator, database_url: str, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[Harness]:
    """The bot running against the emulator (its media folder in the test's temporary one)."""
    running = Harness(emulator, database_url, clock, media_dir=tmp_path / "media")
    await running.start()
    yield running
    await running.stop()


@pytest.fixture(autouse=True)
def no_bad_requests(emulator: BotApiEmulator) -> Iterator[None]:
    """Every end-to-end test also checks that the bot never made a request Telegram refuses
    with 400 (an edit that changes nothing, bad HTML, a button too long), unless the test
    itself asked the emulator for that answer."""
    yield
    refused = [
        f"{call.method}: {call.description}"
        for call in emulator.calls
        if call.status == 400 and not call.injected and not _asks_about_an_unopened_chat(call)
    ]
    assert refused == [], refused


def _asks_about_an_unopened_chat(call: ApiCall) -> bool:
    """The one 400 the bot may earn: a staff member's own command menu, set before she has
    opened the bot (added from the shell). Telegram offers no way to ask whether a chat exists
    that does not fail the same way; she gets her menu at her first message."""
    scoped = call.method in ("setMyCommands", "deleteMyCommands")
    return scoped and call.description == "Bad Request: chat not found"


@pytest.fixture
def log_lines() -> Iterator[Callable[[], str]]:
    """The log as the bot writes it (configure_logging, at its most verbose: DEBUG): a function
    returning what has been written so far."""
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = [(logger, logger.level) for logger in loggers]
    configure_logging(logging.DEBUG)
    written = io.StringIO()
    for handler in root.handlers:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(written)
    yield written.getvalue
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for logger, level in saved_levels:
        logger.setLevel(level)
