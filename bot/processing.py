"""Concurrent update processing that keeps each user's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one by one; None runs freely."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users run in parallel; one user's updates wait for each other (FIFO lock)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._observers: list[Callable[[object], None]] = []

    def add_observer(self, observer: Callable[[object], None]) -> None:
        """Call `observer(update)` after each update has been fully processed."""
        self._observers.append(observer)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's handlers while holding its user's lock."""
        key = _ordering_key(update)
        try:
            if key is None:
                await coroutine
                return
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._waiting[key] -= 1
                if self._waiting[key] == 0:  # nobody queued: drop the lock, memory stays flat
                    del self._waiting[key]
                    del self._locks[key]
        finally:
            for observer in self._observers:
                observer(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
