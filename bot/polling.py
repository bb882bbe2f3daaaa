"""Long polling into the inbox: the offset that confirms a batch to Telegram is sent only after
the batch is committed. Only the leader polls (two pollers would make Telegram answer 409)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError

from bot.intake import Intake

log = logging.getLogger(__name__)
POLL_SECONDS = 10
MAX_PAUSE = 5.0


class Poller:
    """getUpdates → inbox → next offset; started when this process leads, stopped when not."""

    def __init__(self, bot: Bot, intake: Intake, *, api_timeout: float) -> None:
        self.bot = bot
        self.intake = intake
        self.api_timeout = api_timeout
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether this process is polling now."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start polling (from the last confirmed offset Telegram remembers)."""
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="berdaya-poller")

    async def stop(self) -> None:
        """Stop at once: a batch fetched but not yet committed is sent again by Telegram."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        await self._drop_webhook()
        offset: int | None = None
        pause = 0.5
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=POLL_SECONDS,
                    read_timeout=POLL_SECONDS + self.api_timeout,
                    allowed_updates=Update.ALL_TYPES,
                )
            except InvalidToken:
                log.error("the Bot API refuses the token; polling stopped")
                return
            except Conflict:  # another poller (or a webhook) on this token
                log.warning("getUpdates conflict: another process polls this bot")
                await asyncio.sleep(MAX_PAUSE)
                continue
            except (NetworkError, TelegramError) as error:
                log.warning("getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
                continue
            pause = 0.5
            if not updates:
                continue
            kept = await self._keep(updates)
            offset = kept[-1].update_id + 1  # confirmed with the next call, after the commit

    async def _keep(self, updates: tuple[Update, ...]) -> tuple[Update, ...]:
        """Commit the batch, however long the database is away (Telegram holds it meanwhile,
        unconfirmed). While waiting, look again at what Telegram holds, with the same offset
        (which confirms nothing new), so that people who write during the outage hear it
        too; what they sent joins the batch. Returns the batch as finally committed."""
        pause = 0.5
        while True:
            try:
                await self.intake.take(updates)
                return updates
            except Exception as error:
                log.warning(
                    "inbox unreachable (%s); holding %d updates",
                    type(error).__name__,
                    len(updates),
                    exc_info=not isinstance(error, (OSError, SQLAlchemyError)),
                )
                await self.intake.tell_busy(updates)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
                updates = await self._look_again(updates)

    async def _look_again(self, held: tuple[Update, ...]) -> tuple[Update, ...]:
        """The held batch and whatever arrived after it (the held ones come back first)."""
        try:
            fresh = await self.bot.get_updates(
                offset=held[0].update_id,
                timeout=0,
                read_timeout=self.api_timeout,
                allowed_updates=Update.ALL_TYPES,
            )
        except TelegramError as error:
            log.info("getUpdates while holding failed (%s)", type(error).__name__)
            return held
        known = {update.update_id for update in held}
        later = tuple(update for update in fresh if update.update_id not in known)
        return held + later

    async def _drop_webhook(self) -> None:
        """Polling and a webhook exclude each other; a webhook left set would answer 409."""
        while True:
            try:
                await self.bot.delete_webhook()
                return
            except TelegramError as error:
                log.warning("deleteWebhook failed (%s)", type(error).__name__)
                await asyncio.sleep(MAX_PAUSE)
