"""The main menu, help, and the language picker: what a person sees outside any flow."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from conversations.engine import Turn

# Global (flow-less) button values; the router maps them to actions.
MENU_REPORT = "menu:report"
MENU_HELP = "menu:help"
MENU_LANGUAGE = "menu:lang"
MENU_START = "menu:start"
LANGUAGE_PREFIX = "lang:"
RESUME_YES = "resume:yes"
RESUME_NEW = "resume:new"
GLOBAL = "g:"


def global_keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Buttons that work whatever flow the chat is in (callback data `g:<value>`)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=GLOBAL + value) for label, value in row]
            for row in rows
        ]
    )


def show_menu(turn: Turn, *, greeting: bool = False) -> None:
    """The main menu, or for an unregistered person the way in."""
    _ = turn.gettext
    if turn.profile is None or not turn.profile.registered:
        turn.say(
            _("Selamat datang di Berdaya! Tekan Mulai untuk mendaftar."),
            global_keyboard([[(_("▶️ Mulai"), MENU_START)]]),
        )
        return
    text = _("Apa yang ingin Anda lakukan?")
    if greeting:
        name = escape(turn.profile.full_name or turn.first_name)
        text = _("Halo, {name}!").format(name=name) + "\n" + text
    turn.say(
        text,
        global_keyboard(
            [
                [(_("📋 Lapor keadaan usaha"), MENU_REPORT)],
                [(_("🌐 Ganti bahasa"), MENU_LANGUAGE), (_("❓ Bantuan"), MENU_HELP)],
            ],
        ),
    )


def show_help(turn: Turn) -> None:
    """What the bot can do, and the commands."""
    _ = turn.gettext
    turn.say(
        _(
            "<b>Bantuan Berdaya</b>\n"
            "Berdaya menghubungkan Anda dengan pendamping dari Dinas Sosial Jawa Timur.\n\n"
            "/start – mulai atau kembali ke menu\n"
            "/lapor – laporkan keadaan usaha Anda\n"
            "/bahasa – ganti bahasa\n"
            "/batal – batalkan langkah yang sedang berjalan\n"
            "/bantuan – pesan ini\n\n"
            "Untuk pengaduan layanan publik, gunakan SP4N-LAPOR! di https://www.lapor.go.id"
        )
        + "\n\n"
        + _("/berhenti – berhenti menerima pertanyaan rutin\n/mulai – terima lagi pertanyaan rutin")
    )
    if turn.staff is not None:
        turn.say(
            _(
                "<b>Untuk staf</b>\n"
                "/klien – klien di wilayah Anda\n"
                "/undang – undang klien baru\n"
                "/staf – kelola staf (administrator)\n"
                "/jadwal – jadwal ringkasan dan tindak lanjut (administrator)"
            )
        )


def show_language_picker(turn: Turn) -> None:
    """Buttons for the three languages, each named in its own language."""
    _ = turn.gettext
    turn.say(
        _("Pilih bahasa:"),
        global_keyboard([[(LANGUAGE_NAMES[code], LANGUAGE_PREFIX + code)] for code in LANGUAGES]),
    )


def offer_resume(turn: Turn) -> None:
    """A flow closed for idleness kept its draft: continue it, or start it again."""
    _ = turn.gettext
    turn.say(
        _("Anda punya isian yang belum selesai. Mau dilanjutkan?"),
        global_keyboard(
            [[(_("▶️ Lanjutkan"), RESUME_YES)], [(_("🆕 Mulai dari awal"), RESUME_NEW)]]
        ),
    )
