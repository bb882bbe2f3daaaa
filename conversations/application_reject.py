"""❌ Tolak of a program application: the reviewer types the reason, and the client is told it.

Opened from the application's review buttons once the application is known to be reviewable
by her; everything is checked again when the reason is saved.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.text import has_words, tidy_text
from bot.i18n import N_
from bot.services import programs
from bot.services.programs import DecisionOutcome, ReviewOp
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import CANCEL, FreeText, Option, Parsed, Rejected

MIN_REASON = 3
REASON_LENGTH = N_("Alasan harus 3 sampai 300 huruf.")


class S(StrEnum):
    """The one question: why."""

    REASON = "reason"


class RejectDraft(Draft):
    """Which application, and the names shown in the question."""

    application_id: int
    program: str
    client: str


async def start(turn: Turn, draft: RejectDraft) -> None:
    """Ask the reason to reject an application she may review."""
    await FLOW.start(turn, draft)


def _prompt(turn: Turn, draft: RejectDraft) -> str:
    _ = turn.gettext
    return _(
        "Tulis alasan pengajuan <b>{client}</b> untuk program <b>{program}</b> tidak diterima "
        "(3 sampai 300 huruf). Alasan ini dikirim kepada klien, jadi tulis dengan sopan dan jelas."
    ).format(client=escape(draft.client), program=escape(draft.program))


def _cancel_button(turn: Turn, _draft: RejectDraft) -> list[Option]:
    return [(turn.gettext("❌ Batal"), CANCEL)]


async def _cancel(turn: Turn, _draft: RejectDraft, _value: str) -> Next:
    turn.say(turn.gettext("Dibatalkan. Pengajuan tidak jadi ditolak."))
    return END


async def _reason(turn: Turn, draft: RejectDraft, text: str) -> Parsed:
    """Reject with the reason (the client is told it in her language)."""
    _ = turn.gettext
    reason = tidy_text(text)
    if not has_words(reason) or not MIN_REASON <= len(reason) <= programs.MAX_REASON:
        return Rejected(_(REASON_LENGTH))
    member = turn.staff
    review = None
    if member is not None:
        review = await programs.open_review(
            turn.session, application_id=draft.application_id, member=member, lock=True
        )
    if member is None or review is None:  # deactivated, or moved out of her area meanwhile
        turn.say(_("Pengajuan ini tidak bisa Anda putuskan lagi."))
        return END
    decision = await programs.decide(
        turn.session, review=review, member=member, op=ReviewOp.REJECT, reason=reason, now=turn.now
    )
    if decision.outcome is DecisionOutcome.DONE:
        turn.queued_outbox = True
        turn.say(
            _(
                "Pengajuan {client} untuk program {program} ditolak. Alasannya sudah dikirim."
            ).format(client=escape(draft.client), program=escape(draft.program))
        )
    elif decision.outcome is DecisionOutcome.TAKEN:
        turn.say(
            _("Pengajuan ini sudah ditangani oleh {name}.").format(name=escape(decision.reviewer))
        )
    else:
        turn.say(_("Pengajuan ini sudah diputuskan sebelumnya."))
    return END


FLOW = Flow(
    name="apr",
    states=S,
    draft_model=RejectDraft,
    steps={
        S.REASON: FreeText[RejectDraft](
            prompt=_prompt,
            take=_reason,
            max_length=programs.MAX_REASON,
            too_long=REASON_LENGTH,
            buttons=_cancel_button,
            on_button=_cancel,
        )
    },
)
