"""Fetching the files people sent from the Bot API (getFile, then the download), with every
error sorted into "try again later" or "can never work" for the media job.

| what the Bot API answered                       | outcome                                  |
|-------------------------------------------------|------------------------------------------|
| 429 with retry_after                            | again after exactly that long            |
| 5xx, a timeout, a dropped connection            | again later, with a backoff              |
| 404 on the download (its link expired)          | again later: a new getFile gives a new one|
| 400 (unknown file id, file over 20 MB)          | refused: given up after a few attempts   |
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.pacer import lane
from bot.services.media import Fetched, FetchFailed
from bot.storage.models import Priority

_DEFAULT_EXTENSION = ".bin"


class TelegramFiles:
    """A `FileSource` over one Bot: downloads wait behind people's replies (the bulk lane)."""

    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def fetch(self, file_id: str) -> Fetched:
        """The file's bytes and the extension Telegram's path gives it; raises FetchFailed."""
        try:
            # Over 20 MB, getFile itself answers 400 "file is too big".
            found = await self.bot.get_file(file_id, rate_limit_args=lane(Priority.BULK.value))
            data = bytes(await found.download_as_bytearray())
        except RetryAfter as error:
            wait = error.retry_after
            delay = wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))
            raise FetchFailed("RetryAfter", permanent=False, retry_after=delay) from None
        except BadRequest as error:  # a NetworkError subclass, so it must come first
            raise FetchFailed(error.message, permanent=True) from None
        except TelegramError as error:  # 5xx, timeouts, dropped connections, an expired link
            raise FetchFailed(type(error).__name__, permanent=False) from None
        return Fetched(data, extension_of(found.file_path))


def extension_of(file_path: str | None) -> str:
    """ ".jpg" from "photos/file_1.jpg"; ".bin" when the path has none (only a short
    alphanumeric suffix is kept: nothing odd reaches the media folder)."""
    suffix = PurePosixPath(file_path or "").suffix.lower()
    if 2 <= len(suffix) <= 6 and suffix[1:].isalnum():
        return suffix
    return _DEFAULT_EXTENSION
