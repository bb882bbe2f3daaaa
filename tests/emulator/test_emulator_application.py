"""A real PTB Application, polling the emulator over HTTP, driven by a simulated user."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from berdaya_sandbox.emulator import BotApiEmulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    args = " ".join(context.args or [])
    await update.effective_message.reply_text(
        f"Halo <b>{update.effective_user.first_name if update.effective_user else ''}</b>! "
        f"({args})\nBagaimana usaha Anda?",
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Lancar", callback_data="status:ok")],
                [InlineKeyboardButton("Macet", callback_data="status:stuck")],
            ]
        ),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Terima kasih")
    await query.edit_message_text(f"Dicatat: {query.data}")


def build(emu: BotApiEmulator) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^status:"))
    return app


async def test_real_application_against_the_emulator(emu: BotApiEmulator) -> None:
    app = build(emu)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=5)
    try:
        siti = emu.user("Siti")
        await siti.send("/start kode123")
        [greeting] = await siti.wait_for_messages(1)
        assert greeting.text == "Halo Siti! (kode123)\nBagaimana usaha Anda?"
        assert greeting.html is not None and "<b>Siti</b>" in greeting.html
        assert greeting.button_labels == ["Lancar", "Macet"]

        await siti.press("Macet")
        await siti.wait_until(lambda: siti.last.edited, what="the edit")
        assert siti.last.text == "Dicatat: status:stuck"
        assert siti.last.inline_keyboard == []
        [answer] = await siti.wait_for_answers(1)
        assert answer.text == "Terima kasih"
    finally:
        loop = asyncio.get_running_loop()
        stopping = loop.time()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        # The long poll in flight must not hold the shutdown for its whole timeout.
        assert loop.time() - stopping < 3
    assert emu.unknown_calls == []
    assert all(c.ok for c in emu.calls if c.method != "getUpdates")
