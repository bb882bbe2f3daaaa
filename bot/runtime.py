"""Starting and stopping the bot inside an event loop we own (CLI, sandbox, tests)."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from telegram.error import BadRequest, NetworkError
from telegram.ext import Application

from bot.app import build_application, parts_of
from bot.clock import Clock
from bot.config import Settings, SettingsError
from bot.storage.db import Database, database_keys
from bot.storage.migrate import upgrade_to_head
from bot.storage.rekey import check_keys

log = logging.getLogger(__name__)


async def prepare_database(settings: Settings) -> None:
    """Check the database is reachable and apply pending migrations."""
    db = Database(settings.database_url, key_file=False)
    try:
        try:
            await db.ping()
        except Exception as exc:
            raise SettingsError(
                f"DATABASE_URL: cannot connect to {db.safe_url()} ({type(exc).__name__})"
            ) from None
        db.keys = database_keys(settings)  # after the ping: a wrong URL is named first
        await upgrade_to_head(db)
        await check_keys(db)
    finally:
        await db.dispose()


class SingleProcessLock:
    """SQLite serves one process: a second one on the same file refuses to start. The lock is
    an advisory file lock next to the database, which the kernel drops when the process ends,
    however it ends."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise SettingsError naming the file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise SettingsError(
                f"another Berdaya process is already using {self.path.parent / self.path.stem}; "
                "SQLite serves one process (use PostgreSQL to run several)"
            ) from None
        self._file = handle

    def release(self) -> None:
        """Let the next process in."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite database file of a URL (None for other databases and in-memory SQLite)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


_LOCKS: dict[int, SingleProcessLock] = {}


async def start_application(application: Application) -> None:  # type: ignore[type-arg]
    """Initialize, post_init, start; then beat, lead if no one else does (poll, or register the
    webhook), and work on the inbox."""
    parts = parts_of(application)
    path = sqlite_file(parts.services.settings.database_url)
    if path is not None:
        lock = SingleProcessLock(path)
        lock.acquire()
        _LOCKS[id(application)] = lock
    try:
        await _initialize(application)
        await parts.liveness.register()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await parts.workers.start()
        await parts.liveness.start()
    except BaseException:
        held = _LOCKS.pop(id(application), None)
        if held is not None:
            held.release()
        raise


async def _initialize(application: Application) -> None:  # type: ignore[type-arg]
    """PTB's initialize (getMe), tried three times: a Bot API slow to answer at the start (a
    busy machine, a network blip) should not stop the process."""
    for attempt in range(3):
        try:
            await application.initialize()
            return
        except NetworkError as error:  # timeouts and dropped connections; not a refused token
            if attempt == 2 or isinstance(error, BadRequest):
                raise
            log.warning("getMe failed (%s); trying again", type(error).__name__)
            await asyncio.sleep(1 + attempt)


async def stop_application(application: Application) -> None:  # type: ignore[type-arg]
    """Stop taking updates, let those in hand finish (briefly), sign off, shut down. Updates
    not yet handled stay in the inbox for the next start."""
    parts = parts_of(application)
    try:
        await parts.liveness.step_down()  # another process may lead from now on
        await parts.poller.stop()
        await parts.workers.stop()
        await parts.liveness.stop()
        await parts.intake.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    finally:
        held = _LOCKS.pop(id(application), None)
        if held is not None:
            held.release()


@dataclass
class RunningBot:
    """A started Application that takes updates (by polling, or through its webhook)."""

    application: Application  # type: ignore[type-arg]
    extras: list[object] = field(default_factory=list)

    async def stop(self) -> None:
        """Stop taking updates, finish the updates in hand, and shut everything down."""
        for extra in self.extras:
            stop = getattr(extra, "stop", None)
            if stop is not None:
                await stop()
        await stop_application(self.application)


async def start_bot(
    settings: Settings, *, clock: Clock | None = None, webhook_url: str | None = None
) -> RunningBot:
    """Migrate, build the Application and start it in the current event loop: long polling, or
    with `webhook_url` a webhook server (see bot.webhook)."""
    path = sqlite_file(settings.database_url)
    if path is not None:  # refuse at once, before touching the database
        probe = SingleProcessLock(path)
        probe.acquire()
        probe.release()
    await prepare_database(settings)
    application = build_application(settings, clock=clock, webhook_url=webhook_url)
    running = RunningBot(application)
    if webhook_url is not None:
        from bot.webhook import WebhookServer  # aiohttp: the `webhook` extra

        if settings.webhook_secret is None:
            raise SettingsError(
                "BERDAYA_WEBHOOK_SECRET is not set: webhook mode needs a secret of 16–256 "
                "characters (A-Z, a-z, 0-9, _ and -)"
            )
        parts = parts_of(application)
        server = WebhookServer(
            application.bot,
            parts.intake,
            secret=settings.webhook_secret.get_secret_value(),
            path=urlsplit(webhook_url).path,
            listen=settings.webhook_listen,
        )
        await server.start()
        running.extras.append(server)
    try:
        await start_application(application)
    except BaseException:
        for extra in running.extras:
            await extra.stop()  # type: ignore[attr-defined]
        raise
    return running


async def serve(settings: Settings, *, webhook_url: str | None = None) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly (within about 10 seconds)."""
    settings.token()  # a missing token is named before anything else happens
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    running = await start_bot(settings, webhook_url=webhook_url)
    me = running.application.bot
    log.info("Berdaya is running as @%s (pid %d)", me.username, os.getpid())
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await running.stop()
