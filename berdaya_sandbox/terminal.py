"""The developer sandbox: chat with the real bot in this terminal, through the local emulator.

The bot runs unmodified (its real PTB Application and HTTP client) against a BotApiEmulator on
127.0.0.1 and a fresh SQLite database in ``data_dir``. You are one simulated beneficiary.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import re
import shutil
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol, TextIO

from berdaya_sandbox.emulator import ApiCall, BotApiEmulator, SentMessage, SimulatedUser

INTRO = """\
Berdaya sandbox — mengobrol dengan bot lewat emulator Bot API lokal (local Bot API emulator).
Basis data baru setiap kali dijalankan (fresh database each run): {db}

  teks biasa ........ dikirim sebagai penerima manfaat (sent as a beneficiary)
  /perintah ......... dikirim sebagai perintah (sent as a command), mis. /start
  #N ................ tekan tombol N pesan terbaru yang bertombol (press button N of the
                      newest message with buttons; also taps reply-keyboard buttons)
  #N@M .............. tekan tombol N pada pesan M (press button N on message M, old buttons)
  :photo [teks] ..... kirim foto (send a photo, optional caption)
  :sticker  :voice  :location  :contact ... kirim stiker/suara/lokasi/nomor sendiri
  :edit TEKS ........ ubah pesan teks terakhir Anda (edit your last text message)
  :help ............. tampilkan bantuan ini (show this help)
  :quit ............. keluar (leave; Ctrl-D or Ctrl-C work too)
"""

_PRESS = re.compile(r"#(\d+)(?:@(\d+))?")
_INDENT = " " * 10


class AsyncStopper(Protocol):
    """A running bot that can be stopped."""

    async def stop(self) -> None:
        """Stop the bot and release its resources."""


# Starts the bot against a Bot API at ``api_url`` (the emulator's base URL) with ``token``.
StartBot = Callable[[str, str], Awaitable[AsyncStopper]]


def _fresh_database(data_dir: Path) -> Path:
    """Create ``data_dir`` and delete the previous run's sandbox.db (and its -wal/-shm/-journal
    files) and its downloaded media. Returns the absolute database path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for old in data_dir.glob("sandbox.db*"):
        old.unlink()
    shutil.rmtree(data_dir / "media", ignore_errors=True)  # the old database's files
    return data_dir.resolve() / "sandbox.db"


def _start_real_bot(db_path: Path) -> StartBot:
    async def start(api_url: str, token: str) -> AsyncStopper:
        # Imported on use: the application is only needed when the real bot runs, and
        # importlib keeps this module type-checkable on its own.
        from pydantic import SecretStr

        config = importlib.import_module("bot.config")
        runtime = importlib.import_module("bot.runtime")
        crypto = importlib.import_module("bot.storage.crypto")
        settings = config.Settings(
            telegram_bot_token=SecretStr(token),
            telegram_api_url=api_url,
            database_url=f"sqlite+aiosqlite:///{db_path}",
            # Downloaded photos and documents stay in the sandbox's folder too.
            media_dir=db_path.parent / "media",
            # The local emulator has no flood control: no pacing, answers as fast as they come.
            rate_limit_per_second=0,
            # A fresh database each time: throw-away keys, no key file, no warning in the chat.
            data_keys=(SecretStr(crypto.new_key()),),
            hmac_key=SecretStr(crypto.new_key()),
        )
        running: AsyncStopper = await runtime.start_bot(settings)
        return running

    return start


class _Console:
    """Prints the chat: bot messages as they arrive, failed API calls, notes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        # What each bot message showed when last printed, to keep markup-only edits short.
        self._shown: dict[int, str] = {}

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def note(self, text: str) -> None:
        self.line(f"  ({text})")

    def on_message(self, event: str, chat_id: int, message: SentMessage) -> None:
        head = f"[bot #{message.message_id}]"
        if event == "deleted":
            self.line(f"{head} (dihapus / deleted)")
            return
        body = message.text if message.has_text else self._media(message)
        unchanged = self._shown.get(message.message_id) == body
        self._shown[message.message_id] = body
        if event == "edited" and unchanged:
            self.line(f"{head} (tombol diubah / buttons changed)")
        else:
            lines = (("(diubah) " if event == "edited" else "") + body).split("\n")
            self.line(f"{head} {lines[0]}")
            for rest in lines[1:]:
                self.line((_INDENT + rest).rstrip())
        if message.inline_keyboard:
            labels = [self._label(b.text, b.url) for b in message.buttons]
            self.line(_INDENT + _numbered(labels))
        if message.reply_keyboard is not None:
            buttons = [b for row in message.reply_keyboard for b in row]
            labels = [b.text + (" (kirim nomor)" if b.request_contact else "") for b in buttons]
            self.line(_INDENT + "keyboard: " + _numbered(labels))
        if message.keyboard_removed:
            self.line(_INDENT + "(keyboard ditutup / keyboard removed)")
        if message.force_reply:
            self.line(_INDENT + "(bot meminta balasan / reply requested)")

    @staticmethod
    def _media(message: SentMessage) -> str:
        if message.photo:
            biggest = message.photo[-1]
            kind = f"[foto {biggest.width}x{biggest.height}]"
        else:
            name = message.document.file_name if message.document else None
            kind = f"[dokumen {name or ''}]".replace(" ]", "]")
        return f"{kind} {message.caption}" if message.caption else kind

    @staticmethod
    def _label(text: str, url: str | None) -> str:
        return f"{text} -> {url}" if url else text

    def on_call(self, call: ApiCall) -> None:
        # getUpdates 409s are normal when the bot stops; everything else is worth seeing.
        if not call.ok and call.method != "getUpdates":
            self.line(f"  [!] {call.method} gagal/failed: {call.status} {call.description}")


def _changed_from(emu: BotApiEmulator, seen: int) -> Callable[[], bool]:
    return lambda: emu.activity != seen


def _numbered(labels: list[str]) -> str:
    return "  ".join(f"[{i}] {label}" for i, label in enumerate(labels, start=1))


class _Session:
    """Turns input lines into the simulated user's actions."""

    def __init__(
        self,
        emu: BotApiEmulator,
        user: SimulatedUser,
        console: _Console,
        settle_seconds: float,
        reply_timeout: float,
    ) -> None:
        self.emu = emu
        self.user = user
        self.console = console
        self.settle_seconds = settle_seconds
        self.reply_timeout = reply_timeout
        self.answers_shown = 0

    async def handle(self, line: str) -> bool:
        """Act on one input line; False means leave."""
        text = line.strip()
        if not text:
            return True
        if text in (":quit", ":q", ":exit"):
            return False
        if text == ":help":
            self.console.line(INTRO.format(db="sandbox.db"))
            return True
        before = self.emu.activity
        try:
            acted = await self._act(text)
        except AssertionError as exc:
            self.console.note(str(exc))
            return True
        if acted:
            await self._settle(before)
        return True

    async def _act(self, text: str) -> bool:
        user = self.user
        command, _, rest = text.partition(" ")
        match = _PRESS.fullmatch(text)
        if match:
            return await self._press(int(match[1]), int(match[2]) if match[2] else None)
        if command == ":photo":
            await user.send_photo(caption=rest or None)
        elif command == ":sticker":
            await user.send_sticker()
        elif command == ":voice":
            await user.send_voice()
        elif command == ":location":
            await user.send_location()
        elif command == ":contact":
            await user.send_contact(own=True)
        elif command == ":edit":
            message_id = user.last_text_message_id
            if message_id is None or not rest:
                self.console.note("pakai/use :edit TEKS setelah mengirim teks (after a text)")
                return False
            await user.edit(message_id, rest)
        elif command.startswith(":"):
            self.console.note(f"perintah tidak dikenal / unknown command {command}; lihat :help")
            return False
        else:
            await user.send(text)
        return True

    async def _press(self, number: int, message_id: int | None) -> bool:
        user = self.user
        if message_id is not None:
            found = [m for m in user.visible_messages if m.message_id == message_id]
            if not found:
                self.console.note(f"tidak ada pesan / no message #{message_id}")
                return False
            return await self._press_inline(found[0], number)
        shown = user.reply_keyboard
        for message in reversed(user.visible_messages):
            if message.inline_keyboard:
                return await self._press_inline(message, number)
            if message.reply_keyboard is not None and message.reply_keyboard is shown:
                buttons = [b for row in shown for b in row]
                if not 1 <= number <= len(buttons):
                    self.console.note(f"keyboard hanya punya {len(buttons)} tombol (buttons)")
                    return False
                await user.tap_reply_button(buttons[number - 1].text)
                return True
        self.console.note("belum ada tombol / no buttons yet")
        return False

    async def _press_inline(self, message: SentMessage, number: int) -> bool:
        buttons = message.buttons
        if not 1 <= number <= len(buttons):
            self.console.note(f"pesan #{message.message_id} punya {len(buttons)} tombol (buttons)")
            return False
        button = buttons[number - 1]
        if button.callback_data is None:
            self.console.note(f"tombol ini membuka tautan / opens a link: {button.url}")
            return False
        await self.user.press_data(button.callback_data, message=message)
        return True

    async def _settle(self, before: int) -> None:
        """Wait for the bot's reaction: its first API call, then until it has been quiet for
        ``settle_seconds``. Keeps the transcript in order (and testable)."""
        emu = self.emu
        if not await emu.wait_for(lambda: emu.activity > before, timeout=self.reply_timeout):
            self.console.note(f"bot tidak menjawab dalam {self.reply_timeout:g} detik (no reply)")
            return
        while True:
            changed = _changed_from(emu, emu.activity)
            if not await emu.wait_for(changed, timeout=self.settle_seconds):
                break
        for answer in self.user.callback_answers[self.answers_shown :]:
            if answer.text:
                kind = "peringatan/alert" if answer.show_alert else "jawaban tombol/button answer"
                self.console.line(f"[bot] ({kind}) {answer.text}")
        self.answers_shown = len(self.user.callback_answers)


def _read_lines(stdin: TextIO, queue: asyncio.Queue[str | None]) -> None:
    """Feed stdin lines into ``queue`` from a daemon thread (None at EOF), so reading never
    blocks the event loop and a pending read never blocks exit."""
    loop = asyncio.get_running_loop()

    def put(item: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def read() -> None:
        try:
            for line in iter(stdin.readline, ""):
                put(line)
        except (OSError, ValueError):
            pass  # stdin closed under us: treat as EOF
        put(None)

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()


async def run_sandbox(
    *,
    data_dir: Path,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    language_code: str = "id",
    start: StartBot | None = None,
    first_name: str = "Siti",
    settle_seconds: float = 0.4,
    reply_timeout: float = 10.0,
) -> None:
    """Run the terminal chat until ``:quit``, EOF or cancellation (Ctrl-C).

    ``start(api_url, token)`` starts the bot and returns something with ``async stop()``; by
    default it is ``bot.runtime.start_bot`` with a fresh SQLite database in ``data_dir``.
    """
    db_path = _fresh_database(data_dir)
    console = _Console(stdout)
    interactive = stdin.isatty()
    emu = BotApiEmulator()
    await emu.start()
    running: AsyncStopper | None = None
    try:
        user = emu.user(first_name, language_code=language_code, username="sandbox_user")
        emu.add_listener(console.on_message)
        emu.add_call_listener(console.on_call)
        console.line(INTRO.format(db=db_path))
        running = await (start or _start_real_bot(db_path))(emu.base_url, emu.token)
        session = _Session(emu, user, console, settle_seconds, reply_timeout)
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        _read_lines(stdin, lines)
        while True:
            if interactive:
                stdout.write("anda> ")
                stdout.flush()
            line = await lines.get()
            if line is None:
                break
            if not interactive:
                console.line(f"[anda] {line.rstrip()}")
            if not await session.handle(line):
                break
    finally:
        try:
            if running is not None:
                await running.stop()
        finally:
            await emu.stop()
            console.line("Sampai jumpa! (bye)")


def main(data_dir: Path = Path("sandbox-data"), language_code: str = "id") -> int:
    """Blocking entry point for the CLI: runs the sandbox; Ctrl-C leaves quietly."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sandbox(data_dir=data_dir, language_code=language_code))
    return 0
