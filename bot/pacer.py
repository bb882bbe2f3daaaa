"""A fair pacer for the Bot API (PTB's `BaseRateLimiter`), in place of `AIORateLimiter`.

- **One overall rate** (`BERDAYA_RATE_LIMIT` per second, a second's worth of burst), shared by
  priority: replies a person is waiting for (outbox priority 0, and the toast on a pressed
  button) first, then alerts and relays (1), then bulk (2: check-ins, digests). Every
  `fair_every`-th slot goes to the request that has waited longest, whatever its lane, so bulk
  is slowed by a busy hour but never starved.
- **Per chat** about one message a second with a small burst (groups: 20 a minute), as
  Telegram asks.
- **A 429 holds only its own chat.** Until its `retry_after` has passed, a request to that chat
  fails at once with `RetryAfter` (the outbox defers that message); nobody else waits. The
  limiter never retries by itself.
- A rate of 0 turns pacing off (the emulator in tests); a 429 still holds only its chat.

The sender passes the outbox priority as `rate_limit_args=lane(priority)` (a `Lane`, not a bare
int: PTB drops falsy `rate_limit_args`, and priority 0 is falsy). Requests without one are
treated as priority 1. A single dispatcher task hands out the slots, so the order is decided in
one place; time and sleeping are injected so tests need no real sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.storage.models import Priority

INTERACTIVE_ENDPOINTS = frozenset({"answerCallbackQuery"})
MAX_REMEMBERED_CHATS = 10_000


@dataclass(frozen=True)
class Lane:
    """Which lane a request takes: the outbox priority (0 first)."""

    priority: int


_LANES = {p.value: Lane(p.value) for p in Priority}


def lane(priority: int) -> Lane:
    """The lane of an outbox priority."""
    return _LANES.get(priority) or Lane(priority)


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class _Waiter:
    priority: int
    seq: int
    chat: int | str | None
    granted: asyncio.Future[None] = field(repr=False)


class Pacer(BaseRateLimiter[Lane]):
    """Paces requests to the Bot API: overall by priority, per chat, and 429s per chat."""

    def __init__(
        self,
        overall_per_second: float,
        *,
        per_chat_per_second: float = 1.0,
        group_per_minute: float = 20.0,
        chat_burst: int = 3,
        fair_every: int = 10,
        remember: int = MAX_REMEMBERED_CHATS,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = overall_per_second
        self.per_chat = per_chat_per_second
        self.per_group = group_per_minute / 60
        self.chat_burst = chat_burst
        self.fair_every = fair_every
        self.remember = remember  # chats whose buckets and 429s are kept, at most
        self._now = monotonic
        self._sleep = sleep
        self._overall = _Bucket(max(1.0, overall_per_second), monotonic())
        self._chats: dict[int | str, _Bucket] = {}
        self._held: dict[int | str, float] = {}  # chat → when its 429 has passed
        self._waiters: list[_Waiter] = []
        self._seq = itertools.count()
        self._granted = 0
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Nothing to set up: the dispatcher starts with the first request that must wait."""

    async def shutdown(self) -> None:
        """Stop the dispatcher; requests still waiting are cancelled."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for waiter in self._waiters:
            waiter.granted.cancel()
        self._waiters.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for this request's turn, make it, and remember a 429 for its chat."""
        chat = data.get("chat_id")
        # A rate of 0 turns pacing off altogether (the emulator in tests): the outbox's own
        # retry rules still honour a 429, on the injected clock.
        chat = chat if isinstance(chat, int | str) and self.rate > 0 else None
        if chat is not None:
            self._check_held(chat)
        if endpoint in INTERACTIVE_ENDPOINTS:
            priority = Priority.REPLY.value
        else:
            priority = rate_limit_args.priority if rate_limit_args else Priority.PERSON.value
        if self.rate > 0:
            await self._admit(priority, chat)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            if chat is not None:
                self._hold(chat, _seconds(error.retry_after))
            raise

    # -- 429s ------------------------------------------------------------------------------

    def _check_held(self, chat: int | str) -> None:
        until = self._held.get(chat)
        if until is None:
            return
        left = until - self._now()
        if left > 0:
            raise RetryAfter(timedelta(seconds=math.ceil(left)))
        del self._held[chat]

    def _hold(self, chat: int | str, seconds: float) -> None:
        now = self._now()
        if len(self._held) >= self.remember:
            self._held = {c: t for c, t in self._held.items() if t > now}
        self._held[chat] = now + seconds

    # -- slots -----------------------------------------------------------------------------

    async def _admit(self, priority: int, chat: int | str | None) -> None:
        waiter = _Waiter(
            priority, next(self._seq), chat, asyncio.get_running_loop().create_future()
        )
        self._waiters.append(waiter)
        self._arrived.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._dispatch(), name="berdaya-pacer")
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    async def _dispatch(self) -> None:
        while self._waiters:
            self._arrived.clear()
            now = self._now()
            overall = self._refill(self._overall, now, self.rate, max(1.0, self.rate))
            ready = [w for w in self._waiters if self._chat_tokens(w.chat, now) >= 1]
            if ready and overall >= 1:
                self._grant(self._choose(ready), now)
                continue
            next_slot = now + max(0.0, 1 - overall) / self.rate
            next_chat = min(self._chat_ready_at(w.chat, now) for w in self._waiters)
            await self._pause(max(next_slot, next_chat) - now)

    def _choose(self, ready: list[_Waiter]) -> _Waiter:
        self._granted += 1
        if self.fair_every and self._granted % self.fair_every == 0:
            return min(ready, key=lambda w: w.seq)  # the longest waiting, whatever its lane
        return min(ready, key=lambda w: (w.priority, w.seq))

    def _grant(self, waiter: _Waiter, now: float) -> None:
        self._waiters.remove(waiter)
        self._overall.tokens -= 1
        if waiter.chat is not None:
            self._chats[waiter.chat].tokens -= 1
        if not waiter.granted.done():
            waiter.granted.set_result(None)

    async def _pause(self, seconds: float) -> None:
        """Until the next slot, or until a new request arrives (it may be ready at once)."""
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        arriving = asyncio.ensure_future(self._arrived.wait())
        try:
            await asyncio.wait({sleeping, arriving}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeping.cancel()
            arriving.cancel()

    # -- buckets ---------------------------------------------------------------------------

    @staticmethod
    def _refill(bucket: _Bucket, now: float, rate: float, capacity: float) -> float:
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        return bucket.tokens

    def _chat_rate(self, chat: int | str) -> float:
        group = isinstance(chat, str) or chat < 0
        return self.per_group if group else self.per_chat

    def _chat_tokens(self, chat: int | str | None, now: float) -> float:
        if chat is None:
            return math.inf
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self.remember:
                self._forget_idle_chats(now)
            bucket = self._chats[chat] = _Bucket(float(self.chat_burst), now)
        return self._refill(bucket, now, self._chat_rate(chat), self.chat_burst)

    def _chat_ready_at(self, chat: int | str | None, now: float) -> float:
        tokens = self._chat_tokens(chat, now)
        if tokens >= 1:
            return now
        assert chat is not None
        return now + (1 - tokens) / self._chat_rate(chat)

    def _forget_idle_chats(self, now: float) -> None:
        waiting = {w.chat for w in self._waiters}
        for chat, bucket in list(self._chats.items()):
            full = bucket.tokens + (now - bucket.at) * self._chat_rate(chat) >= self.chat_burst
            if full and chat not in waiting:
                del self._chats[chat]


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
