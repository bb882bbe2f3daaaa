"""Delivering the outbox over the Bot API, with an explicit answer for every kind of error.

This is the one path every message takes: a turn's replies (claimed in the turn's own
transaction and sent at once after its commit) and everything queued for later (alerts,
check-ins, digests). What cannot be sent now stays in the outbox under the retry rules:

| what the Bot API answered               | outcome                                        |
|-----------------------------------------|------------------------------------------------|
| 429 with retry_after                    | wait exactly that long, then again             |
| 5xx, a timeout, a dropped connection    | again after 1, 2, 4 … 300 s, for up to 24 h    |
| 403 (blocked, or never started)         | blocked; the person is marked                  |
| 400 "message is not modified" on an edit| done: the message already shows it             |
| any other 400                           | failed: the same request cannot succeed        |
| still failing after 24 h                | expired; administrators are told (no content)  |

Each chat's messages go out in the order they were queued: a message waiting for a retry holds
back the ones queued after it for the same chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.chat.messages import Message, buttons_from_json
from bot.i18n import translator
from bot.render import inline_keyboard, reply_markup
from bot.services import accounts, outbox, staff
from bot.services_container import AppServices
from bot.storage import outbox as repo
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
BATCH = 20
MAX_PER_CALL = 500  # one call of deliver_due sends at most this many, then yields to others
STALE_CLAIM = timedelta(seconds=25)  # longer than any single send may take (its timeouts)
RETRY_WINDOW = timedelta(hours=24)
MAX_BACKOFF = timedelta(minutes=5)
EDIT_DONE = ("message is not modified", "message to edit not found", "message can't be edited")


@dataclass(frozen=True)
class Sent:
    """Delivered (or, for an edit, already showing what was wanted)."""

    message_id: int | None = None


@dataclass(frozen=True)
class Retry:
    """Not now: try again after `delay`."""

    delay: timedelta
    error: str
    throttled: bool = False  # a 429: the Bot API said exactly when


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot, or never opened it."""


@dataclass(frozen=True)
class Failed:
    """A permanent error: the same request can never succeed."""

    reason: str


Outcome = Sent | Retry | Blocked | Failed


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … seconds after each failed attempt, at most 5 minutes."""
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def classify(error: Exception, *, attempts: int, edit: bool) -> Outcome:
    """What a failed Bot API call means for the message (see the module docstring)."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        delay = wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))
        return Retry(delay, "RetryAfter", throttled=True)
    if isinstance(error, Forbidden):
        return Blocked()
    if isinstance(error, BadRequest):  # a NetworkError subclass, so it must come first
        if edit and any(done in error.message.lower() for done in EDIT_DONE):
            return Sent()
        return Failed(error.message[:200])
    if isinstance(error, NetworkError | TelegramError):  # 5xx, timeouts, dropped connections
        return Retry(backoff(attempts), type(error).__name__)
    return Failed(type(error).__name__)


class _GroupWriter:
    """Writes the outcomes of many sends in one transaction (concurrent callers share it)."""

    def __init__(self, services: AppServices, admins_notice: Any) -> None:
        self._services = services
        self._lock = asyncio.Lock()
        self._changes: list[dict[str, Any]] = []
        self._blocked: set[int] = set()
        self._expired = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._admins_notice = admins_notice

    async def write(self, changes: list[dict[str, Any]], blocked: set[int], expired: int) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._changes.extend(changes)
        self._blocked |= blocked
        self._expired += expired
        self._waiters.append(waiter)
        async with self._lock:
            if not waiter.done():
                await self._flush(own=waiter)
        await waiter

    async def _flush(self, *, own: asyncio.Future[None]) -> None:
        changes, blocked, expired, waiters = (
            self._changes,
            self._blocked,
            self._expired,
            self._waiters,
        )
        self._changes, self._blocked, self._expired, self._waiters = [], set(), 0, []
        try:
            now = self._services.clock.now()
            async with self._services.db.transaction() as session:
                await repo.mark_many(session, changes=changes)
                for chat_id in blocked:
                    await accounts.mark_blocked(session, telegram_id=chat_id, now=now)
                if expired:
                    await self._admins_notice(session, expired, now)
        except BaseException as error:
            for waiter in waiters:
                if waiter is own:  # the flusher gets the error raised; its future is not awaited
                    waiter.cancel()
                elif not waiter.done():
                    waiter.set_exception(error)
            raise
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


class OutboxSender:
    """Sends outbox rows through one Bot, and records what happened to each."""

    def __init__(
        self, services: AppServices, bot: Bot, *, claimer: str, stale_after: timedelta = STALE_CLAIM
    ) -> None:
        self.services = services
        self.stale_after = stale_after
        self.bot = bot
        self.claimer = claimer
        self.backlogged: set[int] = set()  # chats with a message waiting for a retry
        self._backlog_known = False
        self._delivering = asyncio.Lock()
        self._writer = _GroupWriter(services, _tell_admins_of_expired)

    async def send_claimed(self, rows: Sequence[OutboxMessage]) -> None:
        """A turn's replies, claimed in its transaction: send them now, in order.

        What cannot be sent now goes back to the outbox under the retry rules, and the rest of
        the turn's messages wait behind it, so the person reads them in order.
        """
        changes: list[dict[str, Any]] = []
        blocked: set[int] = set()
        expired = 0
        for index, row in enumerate(rows):
            outcome = await self._attempt(row)
            change, gone = self._change(row, outcome)
            changes.append(change)
            expired += gone
            if isinstance(outcome, Blocked):
                blocked.add(row.chat_id)
                changes += [{**change, "id": later.id} for later in rows[index + 1 :]]
                break
            if isinstance(outcome, Retry):
                self.backlogged.add(row.chat_id)
                waiting = {"status": OutboxStatus.PENDING.value, "claimed_by": None}
                changes += [
                    {"id": later.id, "not_before": change["not_before"], **waiting}
                    for later in rows[index + 1 :]
                ]
                break
        await self._writer.write(changes, blocked, expired)

    async def deliver_due(self) -> int:
        """Send what is due, each chat's messages in order; returns how many were sent.

        One run at a time per process: a turn that queued messages for others waits for a run
        in progress (which may hold a chat's older message) and then runs once more, so what it
        queued is sent before it finishes.
        """
        async with self._delivering:
            return await self._deliver_due()

    async def _deliver_due(self) -> int:
        sent = 0
        retried = False
        while sent < MAX_PER_CALL:
            now = self.services.clock.now()
            async with self.services.db.transaction() as session:
                claimed = await repo.claim_due(
                    session,
                    now=now,
                    limit=BATCH,
                    stale_after=self.stale_after,
                    claimer=self.claimer,
                )
            if not claimed:
                break
            outcomes = await asyncio.gather(*(self._attempt(row) for row in claimed))
            changes, blocked, expired = [], set(), 0
            for row, outcome in zip(claimed, outcomes, strict=True):
                change, gone = self._change(row, outcome)
                changes.append(change)
                expired += gone
                if isinstance(outcome, Sent):
                    sent += 1
                elif isinstance(outcome, Blocked):
                    blocked.add(row.chat_id)
                retried = retried or isinstance(outcome, Retry)
            await self._writer.write(changes, blocked, expired)
            if all(not isinstance(o, Sent) for o in outcomes):
                break  # everything claimed failed: leave the rest for the next tick
        # Which chats still wait can only have changed if some did, or a send failed now (or
        # nobody has looked since this process started): otherwise spare the query.
        if retried or self.backlogged or not self._backlog_known:
            await self._refresh_backlog()
        return sent

    async def _refresh_backlog(self) -> None:
        async with self.services.db.transaction() as session:
            self.backlogged = await repo.chats_waiting(session)
        self._backlog_known = True

    async def _attempt(self, row: OutboxMessage) -> Outcome:
        edit = row.kind == OutboxKind.EDIT_BUTTONS.value
        try:
            if edit:
                assert row.edit_message_id is not None
                buttons = buttons_from_json((row.payload or {}).get("buttons"))
                await self.bot.edit_message_reply_markup(
                    row.chat_id, row.edit_message_id, reply_markup=inline_keyboard(buttons)
                )
                return Sent()
            message = Message.from_json(row.text, row.payload)
            if message.document is not None:  # a file, the text as its caption
                name, content = message.document
                result = await self.bot.send_document(
                    row.chat_id,
                    InputFile(content.encode(), filename=name),
                    caption=message.text or None,
                    reply_markup=reply_markup(message),
                )
                return Sent(result.message_id)
            result = await self.bot.send_message(
                row.chat_id, message.text, reply_markup=reply_markup(message)
            )
            return Sent(result.message_id)
        except Exception as error:
            outcome = classify(error, attempts=row.attempts, edit=edit)
            log.info("outbox %s (%s): %s", row.id, row.purpose, type(outcome).__name__)
            return outcome

    def _change(self, row: OutboxMessage, outcome: Outcome) -> tuple[dict[str, Any], int]:
        """The row's new values, and 1 when it has just expired."""
        now = self.services.clock.now()
        if isinstance(outcome, Sent):
            return {
                "id": row.id,
                "status": OutboxStatus.SENT.value,
                "sent_at": now,
                "telegram_message_id": outcome.message_id,
                "last_error": None,
            }, 0
        if isinstance(outcome, Blocked):
            return {
                "id": row.id,
                "status": OutboxStatus.BLOCKED.value,
                "last_error": "forbidden",
            }, 0
        if isinstance(outcome, Failed):
            return {
                "id": row.id,
                "status": OutboxStatus.FAILED.value,
                "last_error": outcome.reason,
            }, 0
        if now - row.created_at >= RETRY_WINDOW:
            return {
                "id": row.id,
                "status": OutboxStatus.EXPIRED.value,
                "last_error": outcome.error,
            }, 1
        return {
            "id": row.id,
            "status": OutboxStatus.PENDING.value,
            "claimed_by": None,
            "not_before": now + outcome.delay,
            "last_error": outcome.error,
        }, 0


async def _tell_admins_of_expired(session: Any, count: int, now: datetime) -> None:
    """Administrators learn that messages could not be delivered for a day (no content)."""
    for admin in await staff.administrators(session):  # active and linked to Telegram
        assert admin.telegram_id is not None
        t = translator(admin.language)
        await outbox.enqueue(
            session,
            chat_id=admin.telegram_id,
            text=t.ngettext(
                "⚠️ {n} pesan tidak bisa dikirim selama 24 jam dan dihentikan. "
                "Periksa koneksi bot ke Telegram.",
                "⚠️ {n} pesan tidak bisa dikirim selama 24 jam dan dihentikan. "
                "Periksa koneksi bot ke Telegram.",
                count,
            ).format(n=count),
            purpose="operator",
            now=now,
        )
