"""The one error handler: log with the traceback (never message text), tell an operator, and
tell the person only what is true.

The router wraps every failure of a turn in `TurnFailed`, which says whether the turn's
transaction had committed:

- before the commit nothing was saved: the person may hear "not saved, please send again";
- after it, her answer is saved and its replies are in the outbox, which keeps trying: she is
  told nothing false (and usually nothing at all).

Administrators get a short notice (the kind of error, the flow and the step; never personal
data), at most one per kind of error per 10 minutes.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from telegram import Bot, Update
from telegram.error import Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot.i18n import guess_language, translator
from bot.services import outbox, staff
from bot.services_container import AppServices

log = logging.getLogger(__name__)
NOTICE_EVERY_SECONDS = 600


class TurnFailed(Exception):
    """A turn failed; `committed` says whether its changes (and replies) were saved."""

    def __init__(self, *, committed: bool, flow: str | None, step: str | None) -> None:
        super().__init__(f"turn failed {'after' if committed else 'before'} its commit")
        self.committed = committed
        self.flow = flow
        self.step = step


class ErrorHandler:
    """PTB error callback; one per application (it remembers when operators were told)."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self._told: dict[str, float] = {}

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB error callback (a job's failure)."""
        await self.report(update, context.error, context.bot)

    async def report(
        self, update: object, error: BaseException | None, bot: Bot, *, set_aside: bool = False
    ) -> None:
        """Log the failure, tell an operator, and tell the person what is true. `set_aside`:
        the update failed its last attempt and the inbox has put it aside."""
        if isinstance(error, Forbidden):
            log.info("a chat has blocked the bot")
            return
        if isinstance(error, NetworkError) and not isinstance(update, Update):
            log.warning("Bot API unreachable: %s", type(error).__name__)
            return
        failed = error if isinstance(error, TurnFailed) else None
        cause = failed.__cause__ if failed is not None and failed.__cause__ else error
        kind = type(cause).__name__
        flow = failed.flow if failed else None
        step = failed.step if failed else None
        log.error("update failed (%s) in %s/%s", kind, flow or "-", step or "-", exc_info=cause)
        await self._tell_operators(kind, flow, step, set_aside=set_aside)
        if failed is not None and failed.committed:
            return  # her answer is saved and its replies are on their way: nothing to take back
        if isinstance(update, Update) and update.effective_chat is not None:
            await self._apologise(update, bot)

    async def _apologise(self, update: Update, bot: Bot) -> None:
        """Nothing was saved: say so, directly (the database may be what failed)."""
        assert update.effective_chat is not None
        user = update.effective_user
        t = translator(guess_language(user.language_code if user else None))
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await bot.send_message(
                update.effective_chat.id,
                t.gettext(
                    "Maaf, ada gangguan di sistem kami. Jawaban terakhir Anda belum tersimpan; "
                    "coba kirim lagi sebentar lagi."
                ),
            )
        except Exception:  # the apology itself failed; nothing more can be done for this update
            log.warning("could not send the apology", exc_info=True)

    async def _tell_operators(
        self, kind: str, flow: str | None, step: str | None, *, set_aside: bool = False
    ) -> None:
        """One short notice per kind of error per 10 minutes, through the outbox."""
        moment = time.monotonic()
        told = f"aside:{kind}" if set_aside else kind
        if moment - self._told.get(told, -NOTICE_EVERY_SECONDS) < NOTICE_EVERY_SECONDS:
            return
        self._told[told] = moment
        now = self.services.clock.now()
        try:
            async with self.services.db.transaction() as session:
                for admin in await staff.administrators(session):  # active, linked
                    assert admin.telegram_id is not None
                    t = translator(admin.language)
                    text = (
                        t.gettext(
                            "⚠️ Satu pesan masuk disisihkan setelah 3 kali gagal: {kind} "
                            "(alur {flow}, langkah {step})."
                        )
                        if set_aside
                        else t.gettext(
                            "⚠️ Gangguan di Berdaya: {kind} (alur {flow}, langkah {step})."
                        )
                    ).format(kind=kind, flow=flow or "-", step=step or "-")
                    await outbox.enqueue(
                        session,
                        chat_id=admin.telegram_id,
                        text=text,
                        purpose="operator",
                        now=now,
                        dedupe_key=_notice_key(told, now, admin.id),
                    )
        except Exception:  # e.g. the database is what failed: the log line above is enough
            log.warning("could not queue the operators' notice (%s)", kind)


def _notice_key(kind: str, now: datetime, admin_id: int) -> str:
    """The same kind of error in the same 10 minutes is told once, across processes too."""
    bucket = int(now.timestamp()) // NOTICE_EVERY_SECONDS
    return f"error:{kind[:60]}:{bucket}:{admin_id}"
