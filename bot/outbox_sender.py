"""Delivering the outbox over the Bot API, with an explicit answer for every kind of error.

This is the one path every message takes: a turn's replies (claimed in the turn's own
transaction and sent at once after its commit) and everything queued for later (alerts,
check-ins, digests). What cannot be sent now stays in the outbox under the retry rules:

| what the Bot API answered               | outcome                                        |
|-----------------------------------------|------------------------------------------------|
| 429 with retry_after                    | wait exactly that long, then again             |
| 5xx, a timeout, a dropped connection    | again after 1, 2, 4 … 300 s, for up to 24 h    |
| 403 (never opened the bot, or blocked it)| waits for her next update (up to 30 days);     |
|                                         | bulk messages are dropped (blocked)            |
| 400 "message is not modified" on an edit| done: the message already shows it             |
| any other 400                           | failed: the same request cannot succeed        |
| still failing after 24 h                | expired; administrators are told (no content)  |

Files Telegram already has (`Message.media`, by file id) take the same path and rules: one as
sendPhoto or sendDocument with its caption and buttons, an album as one sendMediaGroup, which
arrives whole or not at all and so is sent again whole. A file id Telegram refuses (400 "wrong
file identifier") is not a failure of the message: the copies in the media folder are uploaded
instead, and files never downloaded are named in a short note under the text.

Each chat's messages go out in the order they were queued: a message waiting for a retry (or for
the person) holds back the ones queued after it for the same chat.

**A claim covers one message, the one being sent now.** A chat's next message is claimed in the
same write that records the previous one's outcome, so after a crash only the messages that
were on the wire are claimed, and only they can reach the person twice. A claim is released as
soon as its claimer's heartbeat is stale (`processes`, 6 s), and in any case once it is older
than any single send can take (`stale_after`: a write that failed after the send).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.chat.messages import CAPTION_LIMIT, Message, buttons_from_json
from bot.clock import Clock, SystemClock
from bot.i18n import translator
from bot.media_fetcher import TelegramFiles
from bot.pacer import lane
from bot.render import inline_keyboard, reply_markup
from bot.services import accounts, media, outbox, staff
from bot.services_container import AppServices
from bot.storage import outbox as repo
from bot.storage.models import MediaKind, OutboxKind, OutboxMessage, OutboxStatus, Priority

log = logging.getLogger(__name__)
# Chats served at once, one message in flight each. Telegram takes about 30 messages a second
# overall; 8 in flight reach that at up to ~250 ms a round trip, and a crash can send again at
# most the messages in flight (one per chat), so more would only mean more duplicates.
CONCURRENCY = 8
MAX_PER_CALL = 500  # one call of deliver_due sends at most this many, then yields to others
PER_CHAT_PER_CALL = 10  # a chat's messages sent one after another in one call, at most
STALE_CLAIM = timedelta(seconds=25)  # longer than any single send may take (its timeouts)
RETRY_WINDOW = timedelta(hours=24)  # from the first failure
WAIT_WINDOW = timedelta(days=30)  # for a person to open the bot (or unblock it)
REFRESH_EVERY = timedelta(seconds=60)  # other processes' waiting chats are looked up this often
MAX_BACKOFF = timedelta(minutes=5)
EDIT_DONE = ("message is not modified", "message to edit not found", "message can't be edited")
# What Telegram answers (400) for a file id it does not hold, or holds as another kind.
FILE_REFUSED = ("file identifier", "file_id", "remote file", "file reference", "type of file")
# A file id Telegram has, or a stored copy to upload: (kind, file id or bytes, file name).
FileSource = tuple[str, str | bytes, str | None]


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
    """The person blocked the bot, or never opened it: her messages wait for her."""


@dataclass(frozen=True)
class Failed:
    """A permanent error: the same request can never succeed."""

    reason: str


Outcome = Sent | Retry | Blocked | Failed


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … seconds after each failed attempt, at most 5 minutes."""
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def refused_file(error: BadRequest) -> bool:
    """Telegram will not send a file by this id (unknown, expired, or of another kind)."""
    return any(words in error.message.lower() for words in FILE_REFUSED)


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
                    await repo.hold_chat(session, chat_id=chat_id, now=now)
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
        self,
        services: AppServices,
        bot: ExtBot[Any],
        *,
        claimer: str,
        stale_after: timedelta = STALE_CLAIM,
        wall: Clock | None = None,
    ) -> None:
        self.services = services
        self.stale_after = stale_after
        self.bot = bot
        self.claimer = claimer  # this process's id, as its heartbeat names it
        self.wall = wall or SystemClock()  # heartbeats are written with the machines' clock
        self.backlogged: set[int] = set()  # chats with a message waiting for a retry
        self.waiting: set[int] = set()  # chats with messages waiting for the person
        self._refreshed_at: datetime | None = None
        self._delivering = asyncio.Lock()
        self._writer = _GroupWriter(services, _tell_admins_of_expired)
        self.files = TelegramFiles(bot)  # for the media job (handlers/media.py)

    async def send_claimed(self, rows: Sequence[OutboxMessage]) -> None:
        """A turn's replies, the first (of each chat) claimed in its transaction: send them now,
        in order.

        Each one's outcome is written (with the claim of the next) before the next is sent, so
        only the message on the wire can be sent twice. What cannot be sent now stays in the
        outbox under the retry rules, and the rest of the turn's messages wait behind it.
        """
        stopped: set[int] = set()  # chats whose next rows wait behind a failed one
        for index, row in enumerate(rows):
            if row.chat_id in stopped:
                continue
            later = (r for r in rows[index + 1 :] if r.chat_id == row.chat_id)
            if not await self._send_one(row, then=next(later, None)):
                stopped.add(row.chat_id)

    async def waits_for(self, chat_id: int) -> bool:
        """Whether messages wait for this person to write (the set of such chats is looked up
        again once a minute, so another process's 403s are seen here too)."""
        now = self.wall.now()
        if self._refreshed_at is None or now - self._refreshed_at >= REFRESH_EVERY:
            await self._refresh_backlog(now)
        return chat_id in self.waiting

    async def wake(self, chat_id: int, session: AsyncSession | None = None) -> None:
        """The person wrote (or unblocked the bot): what waited for her is due now, in order,
        ahead of the replies to what she just sent (in `session`, or a transaction of its own)."""
        self.waiting.discard(chat_id)
        if session is None:
            async with self.services.db.transaction() as own:
                return await self.wake(chat_id, own)
        if await repo.wake_chat(session, chat_id=chat_id):
            await accounts.mark_reachable(session, telegram_id=chat_id)
            self.backlogged.add(chat_id)

    async def deliver_due(self) -> int:
        """Send what is due, each chat's messages in order; returns how many were sent.

        One run at a time per process: a turn that queued messages for others waits for a run
        in progress (which may hold a chat's older message) and then runs once more, so what it
        queued is sent before it finishes.
        """
        async with self._delivering:
            return await self._deliver_due()

    async def _deliver_due(self) -> int:
        now, wall_now = self.services.clock.now(), self.wall.now()
        async with self.services.db.transaction() as session:
            released = await repo.release_dead_claims(
                session, now=now, wall_now=wall_now, stale_after=self.stale_after
            )
            expired = await repo.expire_waiting(session, before=now - WAIT_WINDOW)
        if released or expired:
            log.info("outbox: %d claims of dead senders released, %d expired", released, expired)
        sent = failed = 0
        more = True
        drains: set[asyncio.Task[tuple[int, bool]]] = set()
        try:
            while True:
                room = CONCURRENCY - len(drains)
                if more and room and sent < MAX_PER_CALL and failed < CONCURRENCY:
                    claimed = await self._claim(room)
                    more = len(claimed) == room
                    drains |= {asyncio.create_task(self._drain(row)) for row in claimed}
                if not drains:
                    break
                done, drains = await asyncio.wait(drains, return_when=asyncio.FIRST_COMPLETED)
                for drain in done:
                    count, gave_up = drain.result()
                    sent += count
                    # Transient failures in a row (Telegram unreachable): leave the rest for
                    # the next tick.
                    failed = failed + 1 if gave_up and not count else 0
        finally:
            if drains:  # a write failed: the others finish, then the error goes up
                await asyncio.gather(*drains, return_exceptions=True)
        # Which chats still wait can only have changed if some did, or a send failed now (or
        # nobody has looked for a while): otherwise spare the query.
        stale = self._refreshed_at is None or wall_now - self._refreshed_at >= REFRESH_EVERY
        if failed or self.backlogged or stale or expired:
            await self._refresh_backlog(wall_now)
        return sent

    async def _claim(self, limit: int, chat_id: int | None = None) -> list[OutboxMessage]:
        async with self.services.db.transaction() as session:
            return await repo.claim_due(
                session,
                now=self.services.clock.now(),
                limit=limit,
                claimer=self.claimer,
                chat_id=chat_id,
            )

    async def _drain(self, row: OutboxMessage | None) -> tuple[int, bool]:
        """Send a chat's messages one after another, each claimed only when the one before it
        is done; how many were sent, and whether the chat stopped on a transient failure."""
        sent = 0
        while row is not None and sent < PER_CHAT_PER_CALL:
            outcome = await self._attempt(row)
            if isinstance(outcome, Sent):
                sent += 1
            if not await self._record(row, outcome):
                return sent, isinstance(outcome, Retry)
            following = await self._claim(1, chat_id=row.chat_id)
            row = following[0] if following else None
        return sent, False

    async def _send_one(self, row: OutboxMessage, *, then: OutboxMessage | None) -> bool:
        """Send one claimed row and record its outcome (claiming `then`, the chat's next row,
        in the same write when the chat may go on); True when it may."""
        return await self._record(row, await self._attempt(row), then=then)

    async def _record(
        self, row: OutboxMessage, outcome: Outcome, *, then: OutboxMessage | None = None
    ) -> bool:
        change, expired = self._change(row, outcome)
        changes = [change]
        go_on = isinstance(outcome, Sent | Failed)
        if go_on and then is not None:
            then.attempts += 1
            changes.append(
                {
                    "id": then.id,
                    "status": OutboxStatus.SENDING.value,
                    "claimed_at": self.services.clock.now(),
                    "claimed_by": self.claimer,
                    "attempts": then.attempts,
                }
            )
        blocked = {row.chat_id} if isinstance(outcome, Blocked) else set()
        if isinstance(outcome, Retry):
            self.backlogged.add(row.chat_id)
        self.waiting |= blocked
        await self._writer.write(changes, blocked, expired)
        return go_on

    async def _refresh_backlog(self, wall_now: datetime) -> None:
        async with self.services.db.transaction() as session:
            self.backlogged, self.waiting = await repo.chats_waiting(session)
        self._refreshed_at = wall_now

    async def _attempt(self, row: OutboxMessage) -> Outcome:
        edit = row.kind in (OutboxKind.EDIT_BUTTONS.value, OutboxKind.EDIT_TEXT.value)
        try:
            if edit:
                assert row.edit_message_id is not None
                buttons = buttons_from_json((row.payload or {}).get("buttons"))
                if row.kind == OutboxKind.EDIT_TEXT.value:
                    await self.bot.edit_message_text(
                        row.text,
                        row.chat_id,
                        row.edit_message_id,
                        reply_markup=inline_keyboard(buttons),
                        rate_limit_args=lane(row.priority),
                    )
                    return Sent()
                await self.bot.edit_message_reply_markup(
                    row.chat_id,
                    row.edit_message_id,
                    reply_markup=inline_keyboard(buttons),
                    rate_limit_args=lane(row.priority),
                )
                return Sent()
            message = Message.from_json(row.text, row.payload)
            if message.media:  # files Telegram has, by file id
                return await self._send_media(row, message)
            if message.picture is not None:  # a picture the bot drew, the text as its caption
                name, encoded = message.picture
                result = await self.bot.send_photo(
                    row.chat_id,
                    base64.b64decode(encoded),
                    caption=message.text or None,
                    filename=name,
                    reply_markup=reply_markup(message),
                    rate_limit_args=lane(row.priority),
                )
                return Sent(result.message_id)
            if message.document is not None:  # a file, the text as its caption
                name, content = message.document
                result = await self.bot.send_document(
                    row.chat_id,
                    InputFile(content.encode(), filename=name),
                    caption=message.text or None,
                    reply_markup=reply_markup(message),
                    rate_limit_args=lane(row.priority),
                )
                return Sent(result.message_id)
            result = await self.bot.send_message(
                row.chat_id,
                message.text,
                reply_markup=reply_markup(message),
                rate_limit_args=lane(row.priority),
            )
            return Sent(result.message_id)
        except Exception as error:
            outcome = classify(error, attempts=row.attempts, edit=edit)
            log.info("outbox %s (%s): %s", row.id, row.purpose, type(outcome).__name__)
            return outcome

    async def _send_media(self, row: OutboxMessage, message: Message) -> Sent:
        """The files by file id; if Telegram refuses one (a file id can outlive what Telegram
        keeps of the file), the copies in the media folder are uploaded instead."""
        try:
            by_id: list[FileSource] = [(kind, file_id, None) for kind, file_id in message.media]
            return await self._send_files(row, message.text, message, by_id)
        except BadRequest as error:
            if not refused_file(error):
                raise
        log.info("outbox %s (%s): file id refused, sending the stored copies", row.id, row.purpose)
        return await self._send_stored_copies(row, message)

    async def _send_stored_copies(self, row: OutboxMessage, message: Message) -> Sent:
        """The files from the media folder; those never downloaded are named in a short note
        (in the recipient's language), so the message itself always arrives."""
        async with self.services.db.transaction() as session:
            copies = await media.stored_copies(
                session, self.services.settings, file_ids=[f for _, f in message.media]
            )
            language = await accounts.language_of(session, telegram_id=row.chat_id)
        files: list[FileSource] = [
            (kind, copy.data, copy.file_name)
            for kind, file_id in message.media
            if (copy := copies.get(file_id)) is not None
        ]
        missing = len(message.media) - len(files)
        text = message.text
        if missing:
            note = (
                translator(language)
                .ngettext(
                    "⚠️ {count} berkas tidak dapat ditampilkan lagi.",
                    "⚠️ {count} berkas tidak dapat ditampilkan lagi.",
                    missing,
                )
                .format(count=missing)
            )
            joined = f"{text}\n\n{note}" if text else note
            if not files or len(joined) <= CAPTION_LIMIT:
                text = joined
        if files:
            return await self._send_files(row, text, message, files)
        result = await self.bot.send_message(
            row.chat_id,
            text,
            reply_markup=reply_markup(message),
            rate_limit_args=lane(row.priority),
        )
        return Sent(result.message_id)

    async def _send_files(
        self,
        row: OutboxMessage,
        text: str,
        message: Message,
        files: Sequence[FileSource],
    ) -> Sent:
        """One photo or document with the caption and buttons, or an album (the caption on its
        first item; Telegram allows no buttons under an album)."""
        caption = text or None
        if len(files) == 1:
            kind, source, name = files[0]
            send = self.bot.send_photo if kind == MediaKind.PHOTO else self.bot.send_document
            result = await send(
                row.chat_id,
                source,
                caption=caption,
                reply_markup=reply_markup(message),
                filename=name,
                rate_limit_args=lane(row.priority),
            )
            return Sent(result.message_id)
        album = [
            InputMediaPhoto(source, caption=None if index else caption, filename=name)
            if kind == MediaKind.PHOTO
            else InputMediaDocument(source, caption=None if index else caption, filename=name)
            for index, (kind, source, name) in enumerate(files)
        ]
        results = await self.bot.send_media_group(
            row.chat_id, album, rate_limit_args=lane(row.priority)
        )
        return Sent(results[0].message_id)

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
                "held_since": None,
            }, 0
        if isinstance(outcome, Blocked):
            bulk = row.priority >= Priority.BULK.value  # a month-old check-in is no use
            return {
                "id": row.id,
                "status": (OutboxStatus.BLOCKED if bulk else OutboxStatus.WAITING).value,
                "claimed_by": None,
                "held_since": now,
                "last_error": "forbidden",
            }, 0
        if isinstance(outcome, Failed):
            return {
                "id": row.id,
                "status": OutboxStatus.FAILED.value,
                "last_error": outcome.reason,
            }, 0
        held_since = row.held_since or now
        if now - held_since >= RETRY_WINDOW:
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
            "held_since": held_since,
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
