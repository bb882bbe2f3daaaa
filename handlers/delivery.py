"""Delivery of the outbox, and noticing when someone blocks or unblocks the bot."""

from __future__ import annotations

from datetime import timedelta

from bot.outbox_sender import deliver_outbox
from handlers.features import Feature, PeriodicJob

FEATURE = Feature(
    jobs=(PeriodicJob("outbox", timedelta(seconds=2), deliver_outbox),),
)
