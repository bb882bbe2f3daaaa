"""Periodic work run by the JobQueue: a few tick jobs, never one job per user."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.i18n import translator
from bot.services import flows
from bot.services_container import AppServices

log = logging.getLogger(__name__)
IDLE_TICK_SECONDS = 60
# Which command brings each flow back, for the idle notice.
_RESUME_COMMAND = {"onb": "/start", "rep": "/lapor"}


async def close_idle_flows(services: AppServices, bot: Bot) -> int:
    """Pause flows left idle too long (drafts kept), tell their users; returns how many."""
    idle = timedelta(minutes=services.settings.flow_idle_minutes)
    async with services.db.transaction() as session:
        closed = await flows.pause_idle(session, now=services.clock.now(), idle=idle)
    for item in closed:
        t = translator(item.language, services.settings.timezone)
        text = t.gettext(
            "Sesi ini saya tutup karena sudah {minutes} menit tidak ada jawaban. "
            "Jawaban Anda tersimpan. Ketik {command} untuk melanjutkan."
        ).format(
            minutes=services.settings.flow_idle_minutes,
            command=_RESUME_COMMAND.get(item.flow, "/start"),
        )
        try:
            await bot.send_message(item.telegram_id, text)
        except (Forbidden, BadRequest):
            log.info("idle notice not delivered")
    return len(closed)
