"""Closing idle flows: one tick job, never one job per user."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.i18n import translator
from bot.services import flows, outbox
from bot.services_container import AppServices
from handlers.features import Courier

log = logging.getLogger(__name__)
IDLE_TICK_SECONDS = 60


async def close_idle_flows(
    services: AppServices, courier: Courier, resume_commands: Mapping[str, str]
) -> int:
    """Pause flows left idle too long (drafts kept), tell their users; returns how many.

    `resume_commands` maps a flow's name to the command that brings it back (without "/").
    """
    idle = timedelta(minutes=services.settings.flow_idle_minutes)
    now = services.clock.now()
    async with services.db.transaction() as session:
        closed = await flows.pause_idle(session, now=now, idle=idle)
        for item in closed:
            t = translator(item.language, services.settings.timezone)
            text = t.gettext(
                "Sesi ini saya tutup karena sudah {minutes} menit tidak ada jawaban. "
                "Jawaban Anda tersimpan. Ketik {command} untuk melanjutkan."
            ).format(
                minutes=services.settings.flow_idle_minutes,
                command="/" + (resume_commands.get(item.flow) or "start"),
            )
            await outbox.enqueue(
                session, chat_id=item.telegram_id, text=text, purpose="idle", now=now
            )
    if closed:
        await courier.deliver_due()
    return len(closed)
