"""/start: onboarding for newcomers (with a deep-link code or without), the menu for others."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.callbacks import CallbackData
from bot.chat.messages import rows_of
from bot.chat.turn import Turn
from bot.i18n import N_
from conversations import onboarding
from conversations.engine import repeat
from conversations.onboarding_states import OnboardingDraft
from handlers import menu
from handlers.dispatch import Dispatcher
from handlers.features import ActionRoute, Command, Feature

# What self-registration has asked so far: an invitation link must not silently drop it.
_FORM_FIELDS = ("name", "nik", "region", "training", "business", "phone")


@dataclass(frozen=True)
class InvitationChoice(CallbackData, prefix="oi"):
    """An invitation link opened during self-registration: keep the form, or use the code."""

    use_code: bool


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
    if payload and _form_begun(turn):
        _offer_invitation(turn, payload)
    elif active is not None and not (payload and in_onboarding):
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


def _form_begun(turn: Turn) -> bool:
    """Self-registration (open, or kept after an idle close) has answers worth keeping."""
    state = turn.flow_state or turn.paused
    if state is None or state.flow != onboarding.FLOW.name:
        return False
    draft = state.draft
    return isinstance(draft, OnboardingDraft) and any(
        getattr(draft, name) is not None for name in _FORM_FIELDS
    )


def _offer_invitation(turn: Turn, payload: str) -> None:
    """Keep the code in the draft and ask: continue the form, or start again with the code."""
    _ = turn.gettext
    state = turn.flow_state if turn.flow_state is not None else turn.resume()
    assert isinstance(state.draft, OnboardingDraft)
    state.draft.code = payload[:64]
    turn.say(
        _(
            "Anda membuka tautan undangan, padahal isian pendaftaran Anda belum selesai. "
            "Mau melanjutkan isian, atau mulai dari awal dengan kode undangan? "
            "Kalau mulai dari awal, isian yang sudah ada dihapus."
        ),
        rows_of(
            [
                [(_("▶️ Lanjutkan isian"), InvitationChoice(False))],
                [(_("🔑 Mulai dari awal dengan kode"), InvitationChoice(True))],
            ]
        ),
    )


async def choose_invitation(turn: Turn, action: InvitationChoice) -> None:
    """The answer to the offer above; a press once the form is gone is a stale button."""
    conductor = turn.conductor
    assert isinstance(conductor, Dispatcher)
    state = turn.flow_state
    draft = state.draft if state is not None else None
    offered = state is not None and state.flow == onboarding.FLOW.name and _form_begun(turn)
    if not offered or not isinstance(draft, OnboardingDraft) or not draft.code:
        await conductor.stale(turn)
        return
    code, draft.code = draft.code, None
    turn.pressed_buttons = ()
    if action.use_code:
        await onboarding.start(turn, code)  # a fresh draft: the form is dropped
    else:
        await repeat(turn, onboarding.FLOW)


FEATURE = Feature(
    name="onboarding",
    commands=(Command("start", start, N_("Mulai, atau kembali ke menu")),),
    actions=(ActionRoute(InvitationChoice, choose_invitation),),
    flows=(onboarding.FLOW,),
)
