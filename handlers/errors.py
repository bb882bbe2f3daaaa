"""The one error handler: log with the traceback (never the message text), apologise."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot.i18n import guess_language, translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the person, briefly, to try again."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("a chat has blocked the bot")
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("Bot API unreachable: %s", type(error).__name__)
        return
    kind = type(update).__name__
    log.error("update (%s) failed", kind, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    t = translator(guess_language(user.language_code if user else None))
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            t.gettext(
                "Maaf, ada gangguan di sistem kami. Jawaban terakhir Anda belum tersimpan; "
                "coba kirim lagi sebentar lagi."
            ),
        )
    except Exception:  # the apology itself failed; nothing more can be done for this update
        log.warning("could not send the apology", exc_info=True)
