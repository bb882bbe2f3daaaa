"""The application factory: `build_application(settings)` wires PTB, storage, the registry and
the jobs."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.intake import Intake
from bot.jobs import IDLE_TICK_SECONDS, close_idle_flows
from bot.liveness import Liveness
from bot.outbox_sender import OutboxSender
from bot.pacer import Pacer
from bot.polling import Poller
from bot.services import staff
from bot.services_container import AppServices
from bot.storage import inbox as inbox_repo
from bot.storage import outbox as outbox_repo
from bot.storage import processes
from bot.storage.db import Database, open_database
from bot.workers import Workers
from handlers import all_features
from handlers.command_menus import CommandMenus
from handlers.dispatch import Dispatcher
from handlers.errors import ErrorHandler
from handlers.features import PeriodicJob
from handlers.registry import Registry
from handlers.router import Router

log = logging.getLogger(__name__)
# Opt in to PTB 22's timedelta durations (RetryAfter.retry_after) before they become the default.
os.environ.setdefault("PTB_TIMEDELTA", "1")
OUTBOX_TICK = timedelta(seconds=2)
STAFF_MENU_TICK = timedelta(seconds=10)
INBOX_PURGE_TICK = timedelta(hours=1)
_BACKGROUND: set[asyncio.Task[None]] = set()


@dataclass(frozen=True)
class BotParts:
    """What the application was built with (tests and the sandbox reach in through this)."""

    services: AppServices
    registry: Registry
    dispatcher: Dispatcher
    sender: OutboxSender
    router: Router
    menus: CommandMenus
    intake: Intake
    workers: Workers
    poller: Poller
    liveness: Liveness
    errors: ErrorHandler
    # Set in webhook mode: the public URL Telegram posts updates to (the leader registers it).
    webhook_url: str | None = None

    def resume_commands(self) -> dict[str, str]:
        """Each flow's name and the command that brings it back, for the idle notice."""
        return {name: flow.entry_command for name, flow in self.registry.flows.items()}


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    webhook_url: str | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot: HTTP to the configured Bot API, updates through the inbox (polled by the
    leader, or posted to this process's webhook), fair workers, one router."""
    services = AppServices(
        settings=settings, db=db or open_database(settings), clock=clock or SystemClock()
    )
    api = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone))
        .connect_timeout(settings.api_timeout_seconds)
        .read_timeout(settings.api_timeout_seconds)
        .write_timeout(settings.api_timeout_seconds)
        .pool_timeout(settings.api_timeout_seconds)
        .updater(None)  # the Poller below fills the inbox instead of PTB's update queue
        # Replies first, then alerts, then bulk; about 1/s per chat; a 429 holds only its chat
        # (the outbox honours retry_after for that message alone).
        .rate_limiter(Pacer(settings.rate_limit_per_second))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    registry = Registry(all_features())
    dispatcher = Dispatcher(registry)
    bot = application.bot
    process_id = uuid.uuid4().hex
    # A claim older than any one send can take (connect, pool, write, read) was left by a crash.
    stale = timedelta(seconds=4 * settings.api_timeout_seconds + 5)
    sender = OutboxSender(services, bot, claimer=process_id, stale_after=stale)
    menus = CommandMenus(services, bot, registry)
    router = Router(services, dispatcher, sender, menus, bot)
    errors = ErrorHandler(services)
    workers = Workers(
        services,
        bot,
        process_id,
        count=settings.workers,
        album_window=settings.album_window_seconds,
    )
    workers.handler = router

    async def on_failure(update: Update, error: BaseException, committed: bool) -> None:
        await errors.report(update, error, bot, set_aside=not committed)

    workers.on_failure = on_failure
    intake = Intake(services, sender, bot, wake=workers.wake, backlog_cap=settings.backlog_cap)
    poller = Poller(bot, intake, api_timeout=settings.api_timeout_seconds)

    async def on_lead() -> None:
        if webhook_url is None:
            await poller.start()
        else:  # in its own task: a slow Bot API must not hold up the heartbeat
            task = asyncio.create_task(_register_webhook(bot, webhook_url, settings))
            _BACKGROUND.add(task)
            task.add_done_callback(_BACKGROUND.discard)

    liveness = Liveness(services.db, process_id, on_lead=on_lead, on_follow=poller.stop)
    parts = BotParts(
        services,
        registry,
        dispatcher,
        sender,
        router,
        menus,
        intake,
        workers,
        poller,
        liveness,
        errors,
        webhook_url,
    )
    application.bot_data["parts"] = parts
    application.add_error_handler(errors)
    jobs = [
        PeriodicJob("outbox", OUTBOX_TICK, lambda _s, _c: sender.deliver_due()),
        PeriodicJob("staff-menus", STAFF_MENU_TICK, lambda _s, _c: menus.sync_changed()),
        PeriodicJob("inbox-purge", INBOX_PURGE_TICK, lambda s, _c: purge_inbox(s)),
        PeriodicJob(
            "idle-flows",
            timedelta(seconds=IDLE_TICK_SECONDS),
            lambda s, c: close_idle_flows(s, c, parts.resume_commands()),
        ),
        *registry.jobs,
    ]
    assert application.job_queue is not None
    for job in jobs:
        application.job_queue.run_repeating(
            _job_callback(job.run, parts), interval=job.every, first=job.every, name=job.name
        )
    return application


def _job_callback(
    run: Callable[[AppServices, OutboxSender], Awaitable[object]], parts: BotParts
) -> Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def _run(_context: ContextTypes.DEFAULT_TYPE) -> None:
        if parts.liveness.is_leader:  # the scheduler's ticks run in one process only
            await run(parts.services, parts.sender)

    return _run


async def _register_webhook(bot: Any, url: str, settings: Settings) -> None:
    """Point Telegram at the webhook, with the secret it must send back."""
    assert settings.webhook_secret is not None
    try:
        await bot.set_webhook(
            url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
    except Exception as error:  # the next leader (or restart) tries again; updates wait
        log.error("setWebhook failed (%s)", type(error).__name__)


async def purge_inbox(services: AppServices) -> None:
    """Handled update ids past Telegram's redelivery window, and long-dead processes' rows."""
    now = SystemClock().now()  # the inbox keeps wall-clock times
    async with services.db.transaction() as session:
        await inbox_repo.purge(session, now=now)
        await processes.forget_dead(session, now=now)


def parts_of(application: Application) -> BotParts:  # type: ignore[type-arg]
    """What an application was built with."""
    parts = application.bot_data["parts"]
    assert isinstance(parts, BotParts)
    return parts


def services_of(application: Application) -> AppServices:  # type: ignore[type-arg]
    """The services an application was built with."""
    return parts_of(application).services


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Administrators from the settings; messages a crash left claimed; command menus."""
    parts = parts_of(application)
    services = parts.services
    async with services.db.transaction() as session:
        await staff.ensure_admins(
            session, telegram_ids=services.settings.berdaya_admin_ids, now=services.clock.now()
        )
        if services.db.is_sqlite:  # one process per SQLite file: any claim is a dead one's
            released = await outbox_repo.release_all_claims(session)
            if released:
                log.info("outbox: %d messages left in flight by a crash, sent again", released)
            await inbox_repo.release_all(session)
            await processes.drop_all_leases(session)  # lead at once after a kill -9
    await parts.menus.set_defaults()
    await parts.menus.sync_all()
    await parts.sender.deliver_due()


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Close the database pool."""
    await services_of(application).db.dispose()
