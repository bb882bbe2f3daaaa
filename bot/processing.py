"""Concurrent update processing that keeps each user's updates in order and collects albums."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

ALBUM_WINDOW_SECONDS = 1.0  # Telegram delivers an album's photos as separate updates, quickly


def _ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one by one; None runs freely."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


def _album_part(update: object) -> tuple[str, str] | None:
    """(media group id, file id) of a photo that belongs to an album."""
    if not isinstance(update, Update) or update.message is None:
        return None
    message = update.message
    if message.media_group_id is None or not message.photo:
        return None
    return message.media_group_id, message.photo[-1].file_id


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users run in parallel; one user's updates wait for each other (FIFO lock).

    An album arrives as one update per photo. The first photo waits `album_window` seconds in
    its user's place in line; the others join it and are not processed on their own, so a flow
    step gets the whole album as one answer (`album_of`).
    """

    def __init__(
        self, max_concurrent_updates: int = 64, *, album_window: float = ALBUM_WINDOW_SECONDS
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.album_window = album_window
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._observers: list[Callable[[object], None]] = []
        self._open_albums: dict[tuple[int, str], list[str]] = {}
        self._albums: dict[int, tuple[str, ...]] = {}

    def add_observer(self, observer: Callable[[object], None]) -> None:
        """Call `observer(update)` after each update has been fully processed."""
        self._observers.append(observer)

    def album_of(self, update_id: int) -> tuple[str, ...] | None:
        """Every photo of the album this update opened (once; None for other updates)."""
        return self._albums.pop(update_id, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's handlers while holding its user's lock."""
        key = _ordering_key(update)
        part = _album_part(update) if key is not None else None
        try:
            if key is None:
                await coroutine
                return
            if part is not None and (key, part[0]) in self._open_albums:
                self._open_albums[(key, part[0])].append(part[1])  # joins the first photo
                if asyncio.iscoroutine(coroutine):
                    coroutine.close()
                return
            if part is not None:
                self._open_albums[(key, part[0])] = [part[1]]
            await self._in_line(key, update, part, coroutine)
        finally:
            for observer in self._observers:
                observer(update)

    async def _in_line(
        self, key: int, update: object, part: tuple[str, str] | None, coroutine: Awaitable[Any]
    ) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                if part is not None:
                    await asyncio.sleep(self.album_window)  # the rest of the album arrives
                    assert isinstance(update, Update)
                    self._albums[update.update_id] = tuple(self._open_albums.pop((key, part[0])))
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:  # nobody queued: drop the lock, memory stays flat
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
