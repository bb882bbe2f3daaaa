"""What a person sees outside any flow: her menu, help, the language picker, a kept draft.

Menus and help are generated from the registry: a feature adds its entries there.
"""

from __future__ import annotations

from html import escape

from bot.chat.actions import ChooseLanguage, ResumeDraft, RunCommand
from bot.chat.messages import rows_of
from bot.chat.turn import Turn
from bot.domain.vocabulary import ROLE_LABELS
from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from handlers.features import Menu
from handlers.registry import Registry


def show(registry: Registry, turn: Turn, *, greeting: bool = False) -> None:
    """The staff menu for staff, the client menu for a registered client, else the way in."""
    _ = turn.gettext
    staff = turn.staff
    if staff is not None:
        text = _("<b>Menu staf</b> · {role}").format(role=_(ROLE_LABELS[staff.role]))
        if greeting:
            text = _("Halo, {name}!").format(name=escape(staff.full_name)) + "\n" + text
        rows = registry.menu_rows(turn.t, Menu.STAFF, staff.role)
        if not rows:
            text += "\n" + _(
                "Belum ada menu untuk peran Anda. Pesan untuk Anda akan datang ke sini."
            )
        turn.say(text, rows_of(rows))
        return
    if turn.profile is None or not turn.profile.registered:
        turn.say(
            _("Selamat datang di Berdaya! Tekan Mulai untuk mendaftar."),
            rows_of([[(_("▶️ Mulai"), RunCommand("start"))]]),
        )
        return
    text = _("Apa yang ingin Anda lakukan?")
    if greeting:
        name = escape(turn.profile.full_name or turn.first_name)
        text = _("Halo, {name}!").format(name=name) + "\n" + text
    turn.say(text, rows_of(registry.menu_rows(turn.t, Menu.CLIENT, None)))


def show_help(registry: Registry, turn: Turn) -> None:
    """What the bot can do: the commands this person may use, then the features' notes."""
    _ = turn.gettext
    role = turn.staff.role if turn.staff is not None else None
    lines = [
        _("<b>Bantuan Berdaya</b>"),
        _("Berdaya menghubungkan Anda dengan pendamping dari Dinas Sosial Jawa Timur."),
        "",
    ]
    lines += [
        f"/{line.name} – {escape(line.description)}"
        for line in registry.command_lines(turn.t, role)
    ]
    notes = [_(note) for note in registry.help_notes]
    if notes:
        lines += ["", *notes]
    turn.say("\n".join(lines))


def show_language_picker(turn: Turn) -> None:
    """Buttons for the three languages, each named in its own language."""
    _ = turn.gettext
    turn.say(
        _("Pilih bahasa:"),
        rows_of([[(LANGUAGE_NAMES[code], ChooseLanguage(code))] for code in LANGUAGES]),
    )


def offer_resume(turn: Turn) -> None:
    """A flow closed for idleness kept its draft: continue it, or start it again."""
    _ = turn.gettext
    turn.say(
        _("Anda punya isian yang belum selesai. Mau dilanjutkan?"),
        rows_of(
            [
                [(_("▶️ Lanjutkan"), ResumeDraft(False))],
                [(_("🆕 Mulai dari awal"), ResumeDraft(True))],
            ]
        ),
    )
