"""Starting and stopping the bot inside an event loop we own (CLI, sandbox, tests)."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings, SettingsError
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)


async def prepare_database(settings: Settings) -> None:
    """Check the database is reachable and apply pending migrations."""
    db = Database(settings.database_url)
    try:
        try:
            await db.ping()
        except Exception as exc:
            raise SettingsError(
                f"DATABASE_URL: cannot connect to {db.safe_url()} ({type(exc).__name__})"
            ) from None
        await upgrade_to_head(db)
    finally:
        await db.dispose()


async def start_application(application: Application) -> None:  # type: ignore[type-arg]
    """What `run_polling` does before it blocks: initialize, post_init, start, poll."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        timeout=timedelta(seconds=10), allowed_updates=Update.ALL_TYPES
    )


async def stop_application(application: Application) -> None:  # type: ignore[type-arg]
    """What `run_polling` does after it is told to stop, post_shutdown included."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


@dataclass
class RunningBot:
    """A started Application that is polling for updates."""

    application: Application  # type: ignore[type-arg]

    async def stop(self) -> None:
        """Stop polling, finish the updates in hand, and shut everything down."""
        await stop_application(self.application)


async def start_bot(settings: Settings, *, clock: Clock | None = None) -> RunningBot:
    """Migrate, build the Application and start long polling in the current event loop."""
    await prepare_database(settings)
    application = build_application(settings, clock=clock)
    await start_application(application)
    return RunningBot(application)


async def serve(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly."""
    settings.token()  # a missing token is named before anything else happens
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    running = await start_bot(settings)
    me = running.application.bot
    log.info("Berdaya is running as @%s", me.username)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await running.stop()
