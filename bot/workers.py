"""Workers take the inbox chat by chat: fair between people, in order for each person.

A dispatcher claims the least recently served chat that has work and that no live process is
on, and hands it to one of `count` concurrent tasks, which handles that chat's oldest update and
gives the chat back. One person's burst therefore holds one task at a time while everybody else
is served between her updates. On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so any
number of processes work on one inbox with each chat's order kept across them; a chat claimed by
a process that died is taken over once its heartbeat is stale.

An update is marked handled in its turn's own transaction: exactly once. A turn that fails
before its commit is tried again (after 0.25 s, then 1 s); after the third failure the update is
set aside (its error type kept, its content not) and the chat goes on without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Update

from bot.clock import Clock, SystemClock
from bot.services_container import AppServices
from bot.storage import inbox

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
RETRY_AFTER = (timedelta(seconds=0.25), timedelta(seconds=1))
IDLE_POLL_SECONDS = 0.5  # how often an idle process looks for work another process stored
GRACE_SECONDS = 5.0  # at a stop, how long updates in hand may take to finish

Done = Callable[[AsyncSession], Awaitable[None]]


class Handler(Protocol):
    """What handles one update (the router), told how to mark it handled in its transaction."""

    async def handle(self, update: Update, *, album: tuple[str, ...] | None, done: Done) -> bool:
        """Handle the update; True when `done` was called inside a committed transaction."""
        ...


@dataclass(frozen=True)
class _Job:
    """A claimed chat and its oldest update."""

    chat: int
    update_id: int
    payload: str | None
    group: str | None
    received_at: datetime


class Workers:
    """The dispatcher and its tasks."""

    def __init__(
        self,
        services: AppServices,
        bot: Bot,
        process_id: str,
        *,
        count: int,
        album_window: float,
        wall: Clock | None = None,
    ) -> None:
        self.services = services
        self.bot = bot
        self.me = process_id
        self.count = count
        self.album_window = album_window
        self.wall = wall or SystemClock()
        self.handler: Handler | None = None
        self.on_failure: Callable[[Update, BaseException, bool], Awaitable[None]] | None = None
        self.busy: set[int] = set()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(count)
        self._dispatcher: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._observers: list[Callable[[int], None]] = []
        self._stopping = False
        self._failing = False
        self.poll_seconds = IDLE_POLL_SECONDS

    def add_observer(self, observer: Callable[[int], None]) -> None:
        """Call `observer(update_id)` once each update is finished with (replies sent)."""
        self._observers.append(observer)

    def wake(self) -> None:
        """New work was stored."""
        self._wake.set()

    async def start(self) -> None:
        """Start dispatching."""
        self._stopping = False
        self._dispatcher = asyncio.create_task(self._dispatch(), name="berdaya-dispatcher")

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """Take no more work; let updates in hand finish for `grace` seconds, then cancel them
        (their turns roll back; the updates stay in the inbox for the next start)."""
        self._stopping = True
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=1)
                log.warning("stopped with %d updates in hand; they stay in the inbox", len(late))

    async def _dispatch(self) -> None:
        while not self._stopping:
            await self._slots.acquire()
            try:
                job = await self._claim()
            except BaseException:
                self._slots.release()
                raise
            if job is None:
                self._slots.release()
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                continue
            self.busy.add(job.chat)
            task = asyncio.create_task(self._work(job), name=f"berdaya-chat-{job.chat}")
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("inbox worker failed (%s)", type(error).__name__, exc_info=error)
        self._wake.set()  # the chat may have more, and a slot is free

    async def _claim(self) -> _Job | None:
        """Claim the next chat and read its oldest update, in one transaction."""
        try:
            async with self.services.db.transaction() as session:
                job = None
                chat = await inbox.claim_chat(
                    session, me=self.me, busy=self.busy, now=self.wall.now()
                )
                if chat is not None:
                    row = await inbox.next_update(session, chat_key=chat)
                    if row is None:  # another process finished it meanwhile
                        await inbox.release(session, chat_key=chat, me=self.me)
                    else:
                        job = _Job(
                            chat, row.update_id, row.payload, row.media_group, row.received_at
                        )
        except Exception as error:  # the database is away: look again in a moment
            if not self._failing:
                log.warning("inbox unreachable (%s); trying again", type(error).__name__)
            self._failing = True
            await asyncio.sleep(1.0)
            return None
        if self._failing:
            log.info("inbox reachable again")
        self._failing = False
        return job

    async def _work(self, job: _Job) -> None:
        try:
            await self._work_on(job)
        finally:
            self.busy.discard(job.chat)

    async def _work_on(self, job: _Job) -> None:
        chat, update_id, payload, group = job.chat, job.update_id, job.payload, job.group
        received = job.received_at
        ids = [update_id]
        album: tuple[str, ...] | None = None
        if group is not None:
            wait = (received - self.wall.now()).total_seconds() + self.album_window
            if wait > 0:
                await asyncio.sleep(wait)  # the rest of the album arrives meanwhile
            ids, album = await self._album(chat, group)
        update = Update.de_json(json.loads(payload or "{}"), self.bot)

        async def done(session: AsyncSession) -> None:
            await inbox.mark_done(session, update_ids=ids, now=self.wall.now())
            await inbox.release(session, chat_key=chat, me=self.me)

        assert self.handler is not None
        try:
            marked = await self.handler.handle(update, album=album, done=done)
        except Exception as error:
            if not await self._failed(update, chat, error):
                return  # to be tried again: not finished with
            marked = True
        if not marked:
            async with self.services.db.transaction() as session:
                await done(session)
        for update_id in ids:
            for observer in self._observers:
                observer(update_id)

    async def _album(self, chat: int, group: str) -> tuple[list[int], tuple[str, ...]]:
        async with self.services.db.transaction() as session:
            parts = await inbox.album_parts(session, chat_key=chat, media_group=group)
        ids = [part.update_id for part in parts]
        files = []
        for part in parts:
            photos = json.loads(part.payload or "{}").get("message", {}).get("photo") or []
            if photos:
                files.append(str(photos[-1]["file_id"]))
        return ids, tuple(files)

    async def _failed(self, update: Update, chat: int, error: Exception) -> bool:
        """After the commit the update is handled; before it, it is tried again later, or set
        aside after the last try. True when the update is finished with."""
        committed = bool(getattr(error, "committed", False))
        if committed:  # her answer is saved and the update marked handled with it
            if self.on_failure is not None:
                await self.on_failure(update, error, True)
            return True
        poisoned = await self._record(update, chat, error)
        if not poisoned:  # None: not even recorded (the database is away); tried again anyway
            return False
        if self.on_failure is not None:
            await self.on_failure(update, error, False)
        return True

    async def _record(self, update: Update, chat: int, error: Exception) -> bool | None:
        cause = error.__cause__ or error
        try:
            async with self.services.db.transaction() as session:
                row = await inbox.next_update(session, chat_key=chat)
                tried = row.attempts if row is not None else 0
                poisoned = await inbox.record_failure(
                    session,
                    update_id=update.update_id,
                    chat_key=chat,
                    error=type(cause).__name__,
                    now=self.wall.now(),
                    max_attempts=MAX_ATTEMPTS,
                    retry_in=RETRY_AFTER[min(tried, len(RETRY_AFTER) - 1)],
                )
                await inbox.release(session, chat_key=chat, me=self.me)
        except Exception as failure:
            log.warning("could not record a failed update (%s)", type(failure).__name__)
            return None
        if poisoned:
            log.error("update set aside after %d failures (%s)", MAX_ATTEMPTS, type(cause).__name__)
        else:
            log.warning("update failed (%s); trying again", type(cause).__name__)
        return poisoned
