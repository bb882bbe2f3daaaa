"""Drive the real Application over HTTP against the emulator, as a person would.

`person.send("3jt")` returns the bot's new messages once the update is fully processed: the
per-user update processor tells us, so tests never sleep.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram.ext import Application

from berdaya_sandbox.emulator import BotApiEmulator, SentMessage, SimulatedUser
from bot.app import BotParts, build_application, parts_of
from bot.clock import FakeClock
from bot.config import Settings
from bot.jobs import close_idle_flows
from bot.runtime import start_application, stop_application
from tests.keys import TEST_DATA_KEY, TEST_HMAC_KEY

PROCESS_TIMEOUT = 15.0


class Harness:
    """The emulator, a running bot, and a fake clock."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        database_url: str,
        clock: FakeClock,
        media_dir: Path | None = None,
    ) -> None:
        self.emulator = emulator
        self.database_url = database_url
        self.clock = clock
        # Downloaded photos and documents: the test's own folder, never the working directory.
        self.media_dir = media_dir or Path(tempfile.mkdtemp(prefix="berdaya-media-"))
        self.app: Application | None = None  # type: ignore[type-arg]
        self._done: dict[int, asyncio.Event] = {}

    @property
    def settings(self) -> Settings:
        """Settings pointing the bot at the emulator."""
        return Settings(
            telegram_bot_token=SecretStr(self.emulator.token),
            telegram_api_url=self.emulator.base_url,
            database_url=self.database_url,
            rate_limit_per_second=0,
            api_timeout_seconds=1.0,
            album_window_seconds=0.3,
            data_keys=(SecretStr(TEST_DATA_KEY),),
            hmac_key=SecretStr(TEST_HMAC_KEY),
            media_dir=self.media_dir,
        )

    async def start(self) -> None:
        """Build and start a fresh Application (as a restarted process would)."""
        app = build_application(self.settings, clock=self.clock)
        parts = parts_of(app)
        parts.workers.add_observer(self._mark_done)
        parts.intake.add_observer(self._mark_done)
        await start_application(app)
        # Periodic jobs run only when a test runs them (run_job, deliver, tick_idle): nothing
        # happens behind a test's back, and "sent right after the commit" is checked strictly.
        assert app.job_queue is not None
        for job in app.job_queue.jobs():
            job.enabled = False
        self.app = app

    async def stop(self) -> None:
        """Stop polling and shut the Application down."""
        app, self.app = self.app, None
        if app is None:
            return
        await stop_application(app)

    async def restart(self) -> None:
        """Stop and start again: all state must come back from the database."""
        await self.stop()
        await self.start()

    def _mark_done(self, update_id: int) -> None:
        self._done.setdefault(update_id, asyncio.Event()).set()

    async def processed(self, update_id: int) -> None:
        """Wait until the bot has finished with one update."""
        event = self._done.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), PROCESS_TIMEOUT)

    def person(self, first_name: str = "Siti", language_code: str | None = "id") -> Person:
        """A new simulated Telegram user."""
        return Person(self, self.emulator.user(first_name=first_name, language_code=language_code))

    @property
    def parts(self) -> BotParts:
        """What the running application was built with."""
        assert self.app is not None
        return parts_of(self.app)

    async def tick_idle(self) -> int:
        """Run the idle-flow tick job now."""
        parts = self.parts
        return await close_idle_flows(parts.services, parts.sender, parts.resume_commands())

    async def run_job(self, job: Callable[..., Awaitable[Any]]) -> Any:
        """Run a job function with the live services and the outbox sender."""
        parts = self.parts
        return await job(parts.services, parts.sender)

    async def deliver(self) -> int:
        """Run the outbox tick now (what is due at the fake clock's time)."""
        return await self.parts.sender.deliver_due()


class Person:
    """A simulated user whose every action waits for the bot's complete answer."""

    def __init__(self, harness: Harness, user: SimulatedUser) -> None:
        self.harness = harness
        self.user = user

    @property
    def id(self) -> int:
        """The Telegram user id."""
        return self.user.id

    @property
    def messages(self) -> list[SentMessage]:
        """Everything the bot sent to this chat."""
        return self.user.messages

    @property
    def last(self) -> SentMessage:
        """The newest bot message."""
        return self.user.last

    async def _do(self, action: Awaitable[int]) -> list[SentMessage]:
        before = len(self.user.messages)
        update_id = await action
        await self.harness.processed(update_id)
        return self.user.messages[before:]

    async def send(self, text: str) -> list[SentMessage]:
        """Type a message (or a /command)."""
        return await self._do(self.user.send(text))

    async def press(self, label: str, message: SentMessage | None = None) -> list[SentMessage]:
        """Press an inline button by its label."""
        return await self._do(self.user.press(label, message=message))

    async def press_data(self, data: str, message: SentMessage | None = None) -> list[SentMessage]:
        """Press a button with arbitrary (possibly forged) callback data."""
        return await self._do(self.user.press_data(data, message=message))

    async def send_album(self, count: int) -> list[SentMessage]:
        """Send `count` photos as one album; returns once the bot has handled all of them."""
        before = len(self.user.messages)
        for update_id in await self.user.send_album(count):
            await self.harness.processed(update_id)
        return self.user.messages[before:]

    async def do(self, action: Awaitable[int]) -> list[SentMessage]:
        """Any other SimulatedUser action (sticker, photo, contact, ...)."""
        return await self._do(action)

    def text(self, messages: list[SentMessage]) -> str:
        """The plain text of several messages, joined."""
        return "\n".join(m.text for m in messages)
