"""The core feature: /bantuan, /bahasa, /batal, and the buttons every menu uses (run a command,
back to the menu, a language, continue or restart a kept draft)."""

from __future__ import annotations

from bot.chat.actions import ChooseLanguage, ResumeDraft, RunCommand, ShowMenu
from bot.chat.turn import Turn
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from bot.services import accounts
from conversations.engine import repeat
from handlers import menu
from handlers.dispatch import Dispatcher
from handlers.features import ActionRoute, Command, Feature, Menu, MenuEntry


def _dispatcher(turn: Turn) -> Dispatcher:
    conductor = turn.conductor
    assert isinstance(conductor, Dispatcher)
    return conductor


async def show_help(turn: Turn, _args: str = "") -> None:
    """/bantuan: the commands this person may use; the open question stays on screen."""
    dispatcher = _dispatcher(turn)
    menu.show_help(dispatcher.registry, turn)
    await dispatcher.continue_or_menu(turn, menu=False)


async def pick_language(turn: Turn, _args: str = "") -> None:
    """/bahasa: the language buttons."""
    menu.show_language_picker(turn)


async def cancel(turn: Turn, _args: str = "") -> None:
    """/batal: drop the open (or kept) flow and its draft."""
    _ = turn.gettext
    if turn.flow_state is None and turn.paused is None:
        turn.say(_("Tidak ada yang perlu dibatalkan."))
    else:
        turn.end()
        turn.say(_("Dibatalkan."))
    turn.show_menu()


async def run_command(turn: Turn, action: RunCommand) -> None:
    """A menu button: exactly what its /command does (a foreign one is a stale button)."""
    await _dispatcher(turn).run_command(turn, action.command, "", pressed=True)


async def show_menu(turn: Turn, _action: ShowMenu) -> None:
    """Back to the menu."""
    turn.show_menu()


async def change_language(turn: Turn, action: ChooseLanguage) -> None:
    """Remember the language, then carry on where she was."""
    if action.language not in LANGUAGES:
        await _dispatcher(turn).stale(turn)
        return
    await accounts.set_language(
        turn.session, telegram_id=turn.telegram_id, language=action.language
    )
    turn.set_language(action.language)
    _ = turn.gettext
    turn.say(_("Bahasa diganti: {language}.").format(language=LANGUAGE_NAMES[action.language]))
    await _dispatcher(turn).continue_or_menu(turn)


async def resume(turn: Turn, action: ResumeDraft) -> None:
    """Continue a flow closed for idleness, or drop its draft and open it afresh."""
    dispatcher = _dispatcher(turn)
    if turn.paused is None:
        await dispatcher.stale(turn)
        return
    flow = dispatcher.flow(turn.paused.flow)
    if action.fresh:
        turn.end()
        if flow.restart is not None:
            await flow.restart(turn)
        elif flow.entry_command:
            await dispatcher.run_command(turn, flow.entry_command, "")
        else:
            turn.show_menu()
        return
    turn.resume()
    await repeat(turn, flow)


FEATURE = Feature(
    name="core",
    commands=(
        Command("bahasa", pick_language, N_("Ganti bahasa"), without_consent=True),
        Command("bantuan", show_help, N_("Bantuan"), without_consent=True),
        Command(
            "batal",
            cancel,
            N_("Batalkan langkah yang sedang berjalan"),
            without_consent=True,
        ),
    ),
    menu=(
        MenuEntry(Menu.CLIENT, N_("🌐 Ganti bahasa"), RunCommand("bahasa"), row=90),
        MenuEntry(Menu.CLIENT, N_("❓ Bantuan"), RunCommand("bantuan"), row=90),
    ),
    actions=(
        ActionRoute(RunCommand, run_command),
        ActionRoute(ShowMenu, show_menu),
        ActionRoute(ChooseLanguage, change_language),
        ActionRoute(ResumeDraft, resume),
    ),
)
