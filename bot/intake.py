"""Incoming updates into the inbox, committed before Telegram is told they arrived.

Polling confirms an update with the next getUpdates offset, a webhook with its HTTP 200: both
happen only after `Intake.take` has committed. A crash before that makes Telegram hand the
update over again, and the inbox recognises an id it has already stored.

Each person's backlog is capped: beyond `backlog_cap` waiting updates, she is asked once to slow
down and the excess is dropped and counted (one person cannot fill the inbox for everyone).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.chat.messages import Message
from bot.clock import Clock, SystemClock
from bot.i18n import guess_language, translator
from bot.outbox_sender import OutboxSender
from bot.services import outbox
from bot.services_container import AppServices
from bot.storage import inbox
from bot.storage.inbox import Incoming

log = logging.getLogger(__name__)
BACKLOG_CAP = 50


def line_of(update: Update) -> int:
    """Whose line an update joins: a person's updates run one by one, in order."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return -update.update_id  # nobody's: a line of its own


def incoming(update: Update) -> Incoming:
    """The update as the inbox keeps it."""
    message = update.message
    group = message.media_group_id if message is not None and message.photo else None
    return Incoming(
        update_id=update.update_id,
        chat_key=line_of(update),
        payload=json.dumps(update.to_dict(), separators=(",", ":")),
        media_group=group,
    )


class Intake:
    """Stores batches of updates; tells the workers; asks a flooding person to slow down."""

    def __init__(
        self,
        services: AppServices,
        sender: OutboxSender,
        bot: Bot,
        *,
        wake: Callable[[], None],
        backlog_cap: int = BACKLOG_CAP,
        wall: Clock | None = None,
    ) -> None:
        self.services = services
        self.sender = sender
        self.bot = bot
        self.wake = wake
        self.backlog_cap = backlog_cap
        self.wall = wall or SystemClock()
        self.dropped = 0
        self._observers: list[Callable[[int], None]] = []
        self._told_busy: set[int] = set()
        self._tasks: set[asyncio.Task[object]] = set()

    def add_observer(self, observer: Callable[[int], None]) -> None:
        """Call `observer(update_id)` for each update dropped over a backlog cap."""
        self._observers.append(observer)

    async def take(self, updates: Sequence[Update]) -> None:
        """Commit the updates to the inbox (raises when the database cannot take them)."""
        items = [incoming(update) for update in updates]
        by_id = {update.update_id: update for update in updates}
        async with self.services.db.transaction() as session:
            stored = await inbox.store(
                session, items, now=self.wall.now(), backlog_cap=self.backlog_cap
            )
            notices = []
            for item in stored.slow_down:
                update = by_id[item.update_id]
                if update.effective_chat is None or update.effective_chat.type != "private":
                    continue
                notices.extend(
                    await outbox.queue_replies(
                        session,
                        chat_id=update.effective_chat.id,
                        messages=[Message(_slow_down(update))],
                        edit=None,
                        now=self.services.clock.now(),
                        claimer=self.sender.claimer,
                    )
                )
        self._told_busy.clear()
        if stored.accepted:
            self.wake()
        if stored.dropped:
            self.dropped += len(stored.dropped)
            log.warning("backlog cap: %d updates dropped", len(stored.dropped))
            for item in stored.dropped:
                for observer in self._observers:
                    observer(item.update_id)
        if notices:
            self._spawn(self.sender.send_claimed(notices))

    async def tell_busy(self, updates: Sequence[Update]) -> None:
        """The database is away: each person hears once that her message is not lost (Telegram
        keeps it until the inbox takes it) and that the answer comes in a moment."""
        for update in updates:
            chat = update.effective_chat
            if chat is None or chat.type != "private" or chat.id in self._told_busy:
                continue
            self._told_busy.add(chat.id)
            try:
                await self.bot.send_message(chat.id, _busy(update))
            except TelegramError as error:
                log.info("busy notice not sent: %s", type(error).__name__)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("slow-down notice not sent: %s", type(task.exception()).__name__)

    async def stop(self) -> None:
        """Let notices in flight finish (briefly)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=2)


def _language(update: Update) -> str:
    user = update.effective_user
    return guess_language(user.language_code if user is not None else None)


def _slow_down(update: Update) -> str:
    t = translator(_language(update))
    return t.gettext(
        "Pelan-pelan ya 🙂 Pesan Anda banyak sekali sekaligus. Saya jawab satu per satu; "
        "pesan yang lebih dari itu tidak saya baca. Tunggu jawaban saya dulu, ya."
    )


def _busy(update: Update) -> str:
    t = translator(_language(update))
    return t.gettext(
        "⏳ Sistem kami sedang sibuk. Pesan Anda tidak hilang dan akan dijawab sebentar lagi. "
        "Kalau belum ada jawaban, coba lagi sebentar lagi."
    )
