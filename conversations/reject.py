"""❌ Tolak of a self-registration: the caseworker types the reason, and the client is told it.

Opened from the client card (`handlers/caseload.py`) once the client is known to be hers and
still pending; everything is checked again when the reason is saved.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.text import has_words, tidy_text
from bot.i18n import N_
from bot.services import caseload
from bot.services.caseload import MAX_REASON
from conversations.engine import END, Flow, Next
from conversations.steps import CANCEL, FreeText, Option, Parsed, Rejected
from conversations.verify import DecisionDraft, back_to_card, say_decision

MIN_REASON = 3
REASON_LENGTH = N_("Alasan harus 3 sampai 300 huruf.")


class S(StrEnum):
    """The one question: why."""

    REASON = "reason"


async def start(turn: Turn, draft: DecisionDraft) -> None:
    """Ask the reason to reject a client already checked to be hers and pending."""
    await FLOW.start(turn, draft)


def _prompt(turn: Turn, draft: DecisionDraft) -> str:
    _ = turn.gettext
    return _(
        "Tulis alasan penolakan pendaftaran <b>{name}</b> (3 sampai 300 huruf). "
        "Alasan ini akan dikirim kepada klien, jadi tulis dengan bahasa yang sopan dan jelas."
    ).format(name=escape(draft.name))


def _cancel_button(turn: Turn, _draft: DecisionDraft) -> list[Option]:
    return [(turn.gettext("❌ Batal"), CANCEL)]


async def _cancel(turn: Turn, draft: DecisionDraft, _value: str) -> Next:
    _ = turn.gettext
    turn.say(
        _("Dibatalkan. Pendaftaran klien tidak jadi ditolak."),
        back_to_card(turn, draft.client_id, draft.filter, draft.page),
    )
    return END


async def _reason(turn: Turn, draft: DecisionDraft, text: str) -> Parsed:
    """Reject with the reason (the client is told it in her language)."""
    _ = turn.gettext
    reason = tidy_text(text)
    if not has_words(reason) or not MIN_REASON <= len(reason) <= MAX_REASON:
        return Rejected(_(REASON_LENGTH))
    if not caseload.may_manage_clients(turn.staff) or turn.staff is None:  # deactivated meanwhile
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    decision = await caseload.reject_client(
        turn.session, actor=turn.staff, client_id=draft.client_id, reason=reason, now=turn.now
    )
    told = _("Pendaftaran {name} ditolak. Alasannya sudah dikirim kepada klien.")
    return say_decision(turn, draft, decision, told, _("Pendaftaran {name} ditolak."))


FLOW = Flow(
    name="rej",
    states=S,
    draft_model=DecisionDraft,
    steps={
        S.REASON: FreeText[DecisionDraft](
            prompt=_prompt,
            take=_reason,
            max_length=MAX_REASON,
            too_long=REASON_LENGTH,
            buttons=_cancel_button,
            on_button=_cancel,
        )
    },
    entry_command="klien",
)
