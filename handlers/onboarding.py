"""/start: onboarding for newcomers (with a deep-link code or without), the menu for others."""

from __future__ import annotations

from bot.chat.turn import Turn
from bot.i18n import N_
from conversations import onboarding
from conversations.engine import repeat
from handlers import menu
from handlers.dispatch import Dispatcher
from handlers.features import Command, Feature


async def start(turn: Turn, payload: str) -> None:
    """/start [code]: deep links first (features' start hooks), then onboarding or the menu."""
    _ = turn.gettext
    conductor = turn.conductor
    assert isinstance(conductor, Dispatcher)
    active = turn.flow_state
    in_onboarding = active is not None and active.flow == onboarding.FLOW.name
    if active is None or (payload and in_onboarding):
        for hook in conductor.registry.start_hooks:
            if await hook(turn, payload):
                return
    if active is not None and not (payload and in_onboarding):
        turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        await repeat(turn, conductor.flow(active.flow))
    elif turn.staff is not None:
        turn.show_menu(greeting=True)
        if turn.paused is not None:
            menu.offer_resume(turn)
    elif turn.profile is not None and turn.profile.registered:
        if payload:
            turn.say(_("Akun Anda sudah terhubung dengan data Dinas Sosial."))
        turn.show_menu(greeting=True)
    else:
        await onboarding.start(turn, payload or None)


FEATURE = Feature(
    name="onboarding",
    commands=(Command("start", start, N_("Mulai, atau kembali ke menu")),),
    flows=(onboarding.FLOW,),
)
