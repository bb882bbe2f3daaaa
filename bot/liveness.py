"""This process's heartbeat, and the leader lease: only the leader polls Telegram and runs the
scheduler's ticks; every process works on the inbox.

The lease is a row with an expiry, renewed every `BEAT` seconds and lapsing `LEASE_TTL` seconds
after the last renewal, so when the leader dies another process takes over within
LEASE_TTL + BEAT seconds. Times are the machines' wall clocks (keep them in sync with NTP).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.storage import processes
from bot.storage.db import Database

log = logging.getLogger(__name__)
BEAT = 1.5
LEASE_TTL = timedelta(seconds=6)
LEADER = "leader"

Hook = Callable[[], Awaitable[None]]


class Liveness:
    """Beats, and holds the leader lease when it can; calls `on_lead` / `on_follow` on change."""

    def __init__(
        self,
        db: Database,
        process_id: str,
        *,
        on_lead: Hook,
        on_follow: Hook,
        wall: Clock | None = None,
    ) -> None:
        self.db = db
        self.process_id = process_id
        self.wall = wall or SystemClock()
        self.is_leader = False
        self._on_lead = on_lead
        self._on_follow = on_follow
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    async def register(self) -> None:
        """Say this process is alive before it does anything that claims work (the outbox
        sent at start): its claims are then released by its heartbeat if it dies, not only by
        the slower time rule."""
        async with self.db.transaction() as session:
            await processes.beat(
                session,
                process_id=self.process_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                now=self.wall.now(),
            )

    async def start(self) -> None:
        """Register this process and try for the lease once, then keep beating."""
        await self._beat()
        self._task = asyncio.create_task(self._run(), name="berdaya-liveness")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(BEAT)
            await self._beat()

    async def _beat(self) -> None:
        now = self.wall.now()
        try:
            async with self.db.transaction() as session:
                await processes.beat(
                    session,
                    process_id=self.process_id,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    now=now,
                )
                leading = await processes.hold_lease(
                    session, name=LEADER, holder=self.process_id, now=now, ttl=LEASE_TTL
                )
        except Exception as error:
            # The database is away. A leader keeps leading: its poller holds what Telegram
            # hands over (unconfirmed) and tells people to wait. If only this process lost the
            # database, another takes the lease after it lapses, and this one steps down at its
            # first beat that gets through (whatever it held is stored then, by id, once).
            if not self._failing:
                log.warning("heartbeat failed (%s); trying again", type(error).__name__)
            self._failing = True
            return
        else:
            if self._failing:
                log.info("heartbeat back")
            self._failing = False
        await self._set_leader(leading)

    async def _set_leader(self, leading: bool) -> None:
        if leading == self.is_leader:
            return
        self.is_leader = leading
        log.info("this process is %s", "the leader" if leading else "no longer the leader")
        await (self._on_lead() if leading else self._on_follow())

    async def step_down(self) -> None:
        """The first thing a clean stop does: stop beating and give the lease up at once, so
        another process leads while this one finishes its updates in hand (its last beat
        keeps its claims for `processes.ALIVE_FOR`, longer than the workers' grace)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        was_leader = self.is_leader
        await self._set_leader(False)
        if not was_leader:
            return
        try:
            async with self.db.transaction() as session:
                await processes.drop_lease(session, name=LEADER, holder=self.process_id)
        except Exception as error:  # it lapses by itself
            log.warning("could not give the lease up (%s)", type(error).__name__)

    async def stop(self) -> None:
        """Sign off: the process row goes, so nobody waits for its claims to go stale."""
        await self.step_down()
        try:
            async with self.db.transaction() as session:
                await processes.forget(session, process_ids=[self.process_id])
        except Exception as error:  # the row goes stale by itself
            log.warning("could not sign off (%s)", type(error).__name__)
