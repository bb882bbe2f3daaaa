"""Periodic work run by the JobQueue: a few tick jobs, never one job per user."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.i18n import translator
from bot.services import flows
from bot.services_container import AppServices

log = logging.getLogger(__name__)
IDLE_TICK_SECONDS = 60


async def close_idle_flows(
    services: AppServices, bot: Bot, resume_commands: Mapping[str, str] | None = None
) -> int:
    """Pause flows left idle too long (drafts kept), tell their users; returns how many.

    `resume_commands` maps a flow's name to the command that brings it back (without "/").
    """
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
            command="/" + ((resume_commands or {}).get(item.flow) or "start"),
        )
        try:
            await bot.send_message(item.telegram_id, text)
        except (Forbidden, BadRequest):
            log.info("idle notice not delivered")
    return len(closed)
