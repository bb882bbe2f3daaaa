"""Delivering the outbox over the Bot API, with an explicit answer for every kind of error."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services import accounts
from bot.services_container import AppServices
from bot.storage import outbox
from bot.storage.models import OutboxStatus

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=5)


async def deliver_outbox(services: AppServices, bot: Bot, *, limit: int = BATCH) -> int:
    """Send what is due; returns how many were sent. Safe to run from several places at once."""
    now = services.clock.now()
    async with services.db.transaction() as session:
        claimed = await outbox.claim_due(session, now=now, limit=limit, stale_after=STALE_CLAIM)
    sent = 0
    for message in claimed:
        markup = InlineKeyboardMarkup.de_json(message.markup, bot) if message.markup else None
        values: dict[str, object]
        try:
            result = await bot.send_message(message.chat_id, message.text, reply_markup=markup)
            values = {
                "status": OutboxStatus.SENT.value,
                "sent_at": services.clock.now(),
                "telegram_message_id": result.message_id,
            }
            sent += 1
        except Forbidden:
            values = {"status": OutboxStatus.BLOCKED.value, "last_error": "forbidden"}
            async with services.db.transaction() as session:
                await accounts.mark_blocked(session, telegram_id=message.chat_id, now=now)
        except RetryAfter as error:
            wait = error.retry_after
            delay = wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))
            values = {"status": OutboxStatus.PENDING.value, "not_before": now + delay}
        except BadRequest as error:  # permanent: retrying the same request cannot help
            values = {"status": OutboxStatus.FAILED.value, "last_error": str(error)[:200]}
        except (TimedOut, NetworkError) as error:
            final = message.attempts >= MAX_ATTEMPTS
            values = {
                "status": (OutboxStatus.FAILED if final else OutboxStatus.PENDING).value,
                "not_before": now + timedelta(seconds=30 * message.attempts),
                "last_error": type(error).__name__,
            }
        async with services.db.transaction() as session:
            await outbox.mark(session, outbox_id=message.id, **values)
    if claimed:
        log.info("outbox: %d claimed, %d sent", len(claimed), sent)
    return sent
