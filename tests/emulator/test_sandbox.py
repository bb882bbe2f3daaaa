"""The terminal sandbox, fed scripted input, with a tiny echo bot instead of Berdaya."""

from __future__ import annotations

import io
from pathlib import Path

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from berdaya_sandbox.terminal import AsyncStopper, run_sandbox


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Halo!\nBagaimana usaha Anda?",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Lancar", callback_data="ok")],
                [InlineKeyboardButton("Macet", callback_data="stuck")],
                [InlineKeyboardButton("Situs", url="https://lapor.go.id")],
            ]
        ),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"Dipilih: {query.data}")
    await query.edit_message_text(f"Pilihan: {query.data}")


async def nomor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Bagikan nomor?",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("Bagikan nomor", request_contact=True), "Batal"]]
        ),
    )


async def bad_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("<b>rusak", parse_mode=ParseMode.HTML)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    if update.edited_message:
        reply = f"Diubah: {message.text}"
    elif message.contact:
        reply = f"Nomor: {message.contact.phone_number}"
        await message.reply_text(reply, reply_markup=ReplyKeyboardRemove())
        return
    elif message.photo:
        reply = f"Foto {message.photo[-1].width}x{message.photo[-1].height}"
    elif message.location:
        reply = "Lokasi diterima"
    elif message.sticker or message.voice:
        reply = "Maaf, kirim teks saja ya."
    else:
        reply = f"Echo: {message.text}"
    sent = await message.reply_text(reply)
    if message.text == "hapus":
        await sent.delete()


async def ignore_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    pass


class EchoBot:
    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.app = app

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


async def start_echo_bot(api_url: str, token: str) -> AsyncStopper:
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("nomor", nomor))
    app.add_handler(CommandHandler("rusak", bad_html))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_error_handler(ignore_error)  # /rusak fails on purpose; keep the test log quiet
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=5)
    return EchoBot(app)


def names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


SCRIPT = """\
/start
#9
#2
#1@2
halo
:edit halo lagi
hapus
:photo
:sticker
:voice
:location
/nomor
#1
/rusak
:bogus
:quit
tidak pernah dibaca
"""


async def test_scripted_sandbox_session(tmp_path: Path) -> None:
    (tmp_path / "sandbox.db").write_text("old")
    (tmp_path / "sandbox.db-wal").write_text("old")
    out = io.StringIO()
    await run_sandbox(
        data_dir=tmp_path,
        stdin=io.StringIO(SCRIPT),
        stdout=out,
        start=start_echo_bot,
        settle_seconds=0.2,
    )
    assert names_in(tmp_path) == []  # the old database is gone
    transcript = out.getvalue()
    expected = [
        "Berdaya sandbox",
        "#N@M",
        "[anda] /start",
        "[bot #2] Halo!",
        "          Bagaimana usaha Anda?",
        "          [1] Lancar  [2] Macet  [3] Situs -> https://lapor.go.id",
        "[anda] #9",
        "  (pesan #2 punya 3 tombol (buttons))",
        "[anda] #2",
        "[bot #2] (diubah) Pilihan: stuck",
        "[bot] (jawaban tombol/button answer) Dipilih: stuck",
        "[anda] #1@2",
        "  (pesan #2 punya 0 tombol (buttons))",
        "[anda] halo",
        "[bot #4] Echo: halo",
        "[anda] :edit halo lagi",
        "[bot #5] Diubah: halo lagi",
        "[anda] hapus",
        "[bot #7] Echo: hapus",
        "[bot #7] (dihapus / deleted)",
        "[anda] :photo",
        "[bot #9] Foto 4x3",
        "[anda] :sticker",
        "[bot #11] Maaf, kirim teks saja ya.",
        "[anda] :voice",
        "[bot #13] Maaf, kirim teks saja ya.",
        "[anda] :location",
        "[bot #15] Lokasi diterima",
        "[anda] /nomor",
        "[bot #17] Bagikan nomor?",
        "          keyboard: [1] Bagikan nomor (kirim nomor)  [2] Batal",
        "[anda] #1",
        "[bot #19] Nomor: +6281000000001",
        "          (keyboard ditutup / keyboard removed)",
        "[anda] /rusak",
        "  [!] sendMessage gagal/failed: 400 Bad Request: can't parse entities: "
        'Can\'t find end tag corresponding to start tag "b"',
        "[anda] :bogus",
        "  (perintah tidak dikenal / unknown command :bogus; lihat :help)",
        "[anda] :quit",
        "Sampai jumpa! (bye)",
    ]
    position = 0
    for line in expected:
        found = transcript.find(line, position)
        assert found >= 0, f"missing in order: {line!r}\n--- transcript ---\n{transcript}"
        position = found + len(line)
    assert "tidak pernah dibaca" not in transcript


async def test_eof_leaves_and_no_reply_is_reported(tmp_path: Path) -> None:
    class Silent:
        async def stop(self) -> None:
            pass

    async def start_silent(api_url: str, token: str) -> AsyncStopper:
        return Silent()

    out = io.StringIO()
    await run_sandbox(
        data_dir=tmp_path / "data",
        stdin=io.StringIO("halo\n"),
        stdout=out,
        start=start_silent,
        reply_timeout=0.1,
    )
    transcript = out.getvalue()
    assert "[anda] halo\n  (bot tidak menjawab dalam 0.1 detik (no reply))" in transcript
    assert transcript.endswith("Sampai jumpa! (bye)\n")
