"""Where a turn goes: a command, a button, the open flow's step, a text hook, or the menu.

Channel-neutral: the Telegram router builds the `Turn`; everything here works on it alone, with
the registry telling which feature owns which command, button and flow.
"""

from __future__ import annotations

import re

from bot.chat.actions import StepAnswer
from bot.chat.turn import Input, Kind, Turn
from conversations.engine import AnyFlow, feed, repeat
from handlers import menu
from handlers.features import allowed, withdrawn
from handlers.registry import Registry

COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str) -> tuple[str, str] | None:
    """(`name`, `args`) of a typed /command, or None for ordinary text."""
    match = COMMAND_RE.match(text) if text.startswith("/") else None
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


class Dispatcher:
    """Routes every turn through the registry (it is each turn's `conductor`)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def flow(self, name: str) -> AnyFlow:
        """The registered flow of this name."""
        return self.registry.flows[name]

    async def handle(self, turn: Turn) -> None:
        """Act on the turn's input."""
        turn.conductor = self
        if turn.input.kind is Kind.BUTTON:
            await self._press(turn)
            return
        command = parse_command(turn.input.text) if turn.input.kind is Kind.TEXT else None
        if command is not None:
            await self.run_command(turn, *command)
        elif turn.flow_state is not None:
            await feed(turn, self.flow(turn.flow_state.flow))
        else:
            await self._outside_flow(turn)

    async def run_command(self, turn: Turn, name: str, args: str, *, pressed: bool = False) -> None:
        """Do what /<name> does (typed, or `pressed` on a menu button), if this person may;
        otherwise the unknown-command answer (the stale-button answer for a button).

        A flow's own command, while that flow's draft is kept after an idle close (the notice
        named the command), offers "continue or start again" instead: for every flow, here.
        """
        command = self.registry.commands.get(name)
        if command is None or not allowed(turn, command.roles):
            if pressed:
                await self.stale(turn)
                return
            _ = turn.gettext
            turn.say(
                _("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah.")
            )
            await self.continue_or_menu(turn, menu=False)
            return
        if withdrawn(turn) and not command.without_consent:
            _ = turn.gettext
            turn.say(
                _(
                    "Anda sudah menarik persetujuan, jadi data Anda tidak kami proses. "
                    "Ketik /privasi untuk memberi persetujuan lagi, atau /hapus untuk "
                    "menghapus data Anda."
                )
            )
            return
        paused = turn.paused
        resumable = turn.flow_state is None and paused is not None and not args
        if resumable and paused is not None and self.flow(paused.flow).entry_command == name:
            menu.offer_resume(turn)  # the idle notice pointed here: continue or start again
            return
        await command.run(turn, args)

    async def _press(self, turn: Turn) -> None:
        action = turn.input.action
        state = turn.flow_state
        if isinstance(action, StepAnswer):
            if state is not None and (action.flow, action.step) == (state.flow, state.state):
                turn.input = Input(
                    Kind.BUTTON, value=action.value, message_id=turn.input.message_id
                )
                await feed(turn, self.flow(state.flow))
                return
        elif action is not None:
            route = self.registry.actions.get(type(action))
            if route is not None and allowed(turn, route.roles) and not withdrawn(turn):
                await route.run(turn, action)
                return
        await self.stale(turn)

    async def stale(self, turn: Turn) -> None:
        """An outdated, forged or foreign button: a toast, and the current question again."""
        _ = turn.gettext
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        await self.continue_or_menu(turn)

    async def continue_or_menu(self, turn: Turn, *, menu: bool = True) -> None:
        """After an aside, put the open flow's question back on screen (or the menu)."""
        if turn.flow_state is not None:
            await repeat(turn, self.flow(turn.flow_state.flow))
        elif menu:
            self.show_menu(turn, False)

    def show_menu(self, turn: Turn, greeting: bool) -> None:
        """The person's menu, generated from the registry."""
        menu.show(self.registry, turn, greeting=greeting)

    async def _outside_flow(self, turn: Turn) -> None:
        _ = turn.gettext
        for hook in () if withdrawn(turn) else self.registry.text_hooks:
            if await hook(turn):
                return
        if turn.input.kind is Kind.TEXT:
            if turn.paused is not None:
                menu.offer_resume(turn)
            else:
                self.show_menu(turn, False)
            return
        if turn.input.kind is Kind.EDITED:
            turn.say(_("Pesan yang diubah tidak saya baca ulang. Kirim saja jawaban yang baru."))
        else:
            turn.say(_("Maaf, pesan ini belum bisa saya baca."))
        self.show_menu(turn, False)
