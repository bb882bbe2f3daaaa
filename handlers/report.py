"""/lapor: the business report, from the command or the client menu."""

from __future__ import annotations

from bot.chat.actions import RunCommand
from bot.chat.turn import Turn
from bot.i18n import N_
from conversations import report
from conversations.engine import repeat
from handlers.features import Command, Feature, Menu, MenuEntry


async def start_report(turn: Turn, _args: str = "") -> None:
    """Open a report, or put the open one (or the kept draft) back on screen."""
    _ = turn.gettext
    active = turn.flow_state
    if turn.profile is None or not turn.profile.registered:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
    elif active is not None:
        if active.flow != report.FLOW.name:
            turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        await repeat(turn, turn.conductor.flow(active.flow))
    else:
        await report.start(turn)


FEATURE = Feature(
    name="report",
    commands=(Command("lapor", start_report, N_("Laporkan keadaan usaha"), clients_only=True),),
    menu=(MenuEntry(Menu.CLIENT, N_("📋 Lapor keadaan usaha"), RunCommand("lapor"), row=0),),
    flows=(report.FLOW,),
)
