"""The application factory: `build_application(settings)` wires PTB, storage and jobs."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translator
from bot.jobs import IDLE_TICK_SECONDS, close_idle_flows
from bot.processing import PerUserUpdateProcessor
from bot.services import staff
from bot.services.staff import StaffProfile
from bot.services_container import AppServices
from bot.storage.db import Database
from bot.storage.models import StaffRole
from handlers import all_features, build_handlers
from handlers.errors import on_error
from handlers.features import Feature, PeriodicJob
from handlers.router import CORE_FLOWS

log = logging.getLogger(__name__)
# Opt in to PTB 22's timedelta durations (RetryAfter.retry_after) before they become the default.
os.environ.setdefault("PTB_TIMEDELTA", "1")

COMMANDS = (
    ("start", N_("Mulai, atau kembali ke menu")),
    ("lapor", N_("Laporkan keadaan usaha")),
    ("bahasa", N_("Ganti bahasa")),
    ("bantuan", N_("Bantuan")),
    ("batal", N_("Batalkan langkah yang sedang berjalan")),
    ("berhenti", N_("Berhenti menerima pertanyaan rutin")),
    ("mulai", N_("Terima lagi pertanyaan rutin")),
)
_CASEWORK = frozenset({StaffRole.CASEWORKER, StaffRole.ADMIN})
STAFF_COMMANDS = (
    ("klien", N_("Klien di wilayah Anda"), _CASEWORK),
    ("undang", N_("Undang klien baru"), _CASEWORK),
    ("staf", N_("Kelola staf"), frozenset({StaffRole.ADMIN})),
    ("jadwal", N_("Jadwal ringkasan dan tindak lanjut"), frozenset({StaffRole.ADMIN})),
)


def build_application(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None
) -> Application:  # type: ignore[type-arg]
    """Build the bot: HTTP to the configured Bot API, per-user ordered processing, one router."""
    services = AppServices(
        settings=settings, db=db or Database(settings.database_url), clock=clock or SystemClock()
    )
    api = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone))
        .concurrent_updates(PerUserUpdateProcessor(64))
        .rate_limiter(
            AIORateLimiter(overall_max_rate=settings.rate_limit_per_second, max_retries=3)
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    features = all_features()
    for handler in build_handlers(services, features):
        application.add_handler(handler)
    application.add_error_handler(on_error)
    assert application.job_queue is not None
    application.bot_data["resume_commands"] = resume_commands(features)
    application.job_queue.run_repeating(
        _idle_tick, interval=IDLE_TICK_SECONDS, first=IDLE_TICK_SECONDS, name="idle-flows"
    )
    for job in (j for feature in features for j in feature.jobs):
        application.job_queue.run_repeating(
            _job_callback(job), interval=job.every, first=job.every, name=job.name
        )
    return application


def _job_callback(
    job: PeriodicJob,
) -> Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def _run(context: ContextTypes.DEFAULT_TYPE) -> None:
        await job.run(services_of(context.application), context.bot)

    return _run


def services_of(application: Application) -> AppServices:  # type: ignore[type-arg]
    """The services an application was built with."""
    services = application.bot_data["services"]
    assert isinstance(services, AppServices)
    return services


def resume_commands(features: tuple[Feature, ...]) -> dict[str, str]:
    """Each flow's name and the command that brings it back, for the idle notice."""
    flows = (*CORE_FLOWS, *(flow for feature in features for flow in feature.flows))
    return {flow.name: flow.entry_command for flow in flows}


async def _idle_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await close_idle_flows(
        services_of(context.application), context.bot, context.bot_data["resume_commands"]
    )


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Make the configured administrators staff; register the command list in every language."""
    services = services_of(application)
    async with services.db.transaction() as session:
        await staff.ensure_admins(
            session, telegram_ids=services.settings.berdaya_admin_ids, now=services.clock.now()
        )
        members = await staff.linked_staff(session)
    for language in LANGUAGES:
        t = translator(language)
        commands = [BotCommand(name, t.gettext(text)) for name, text in COMMANDS]
        scope = BotCommandScopeAllPrivateChats()
        await application.bot.set_my_commands(commands, scope=scope, language_code=language)
        if language == DEFAULT_LANGUAGE:
            await application.bot.set_my_commands(commands, scope=scope)
    for member in members:
        await _register_staff_commands(application.bot, member)


async def _register_staff_commands(bot: Bot, member: StaffProfile) -> None:
    """A staff member's own command menu: everyone's commands plus those of her role."""
    extra = [(name, text) for name, text, roles in STAFF_COMMANDS if member.role in roles]
    if not extra or member.telegram_id is None:
        return
    t = translator(member.language)
    commands = [BotCommand(name, t.gettext(text)) for name, text in (*COMMANDS, *extra)]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(member.telegram_id))
    except BadRequest:  # she has never opened the bot: her chat does not exist yet
        log.info("staff %s has no chat with the bot yet", member.id)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Close the database pool."""
    await services_of(application).db.dispose()
