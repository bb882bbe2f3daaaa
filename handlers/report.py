"""/lapor: the business report, from the command or the client menu."""

from __future__ import annotations

from bot.chat.actions import RunCommand
from bot.chat.turn import Turn
from bot.i18n import N_
from conversations import report
from conversations.engine import may_open
from handlers.features import Command, Feature, Menu, MenuEntry


async def start_report(turn: Turn, _args: str = "") -> None:
    """Open a report, or put the open one (or the kept draft) back on screen."""
    if await may_open(turn, report.FLOW.name):
        await report.start(turn)


FEATURE = Feature(
    name="report",
    commands=(Command("lapor", start_report, N_("Laporkan keadaan usaha"), clients_only=True),),
    menu=(MenuEntry(Menu.CLIENT, N_("📋 Lapor keadaan usaha"), RunCommand("lapor"), row=0),),
    flows=(report.FLOW,),
)
