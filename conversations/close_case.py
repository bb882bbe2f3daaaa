"""Closing a case from its alert: a closing note, then the case is done."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.text import has_words, strip_invisible
from bot.i18n import N_, translator
from bot.services import cases, outbox
from bot.services.cases import Case
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import FreeText, Option, Parsed, Rejected

MAX_NOTE = 1000
CANCEL = "cancel"
TOO_LONG = N_("Tulis catatan singkat, paling banyak 1000 huruf.")


class S(StrEnum):
    """The closing's one step: the note."""

    NOTE = "note"


class CloseDraft(Draft):
    """The case being closed, and the client's name for the prompt."""

    alert_id: int
    client: str


async def start(turn: Turn, case: Case) -> None:
    """Ask the handler (or an administrator) for the closing note."""
    await FLOW.start(turn, CloseDraft(alert_id=case.alert.id, client=case.client.full_name))


def _prompt(turn: Turn, draft: CloseDraft) -> str:
    _ = turn.gettext
    return _("📝 Tulis catatan penutup kasus {client}: apa yang sudah dilakukan?").format(
        client=escape(draft.client)
    )


def _keep_open_button(turn: Turn, _draft: CloseDraft) -> list[Option]:
    return [(turn.gettext(N_("↩️ Jangan ditutup dulu")), CANCEL)]


async def _keep_open(turn: Turn, _draft: CloseDraft, _value: str) -> Next:
    turn.say(turn.gettext(N_("Baik, kasus tetap terbuka.")))
    return END


async def _close(turn: Turn, draft: CloseDraft, note: str) -> Parsed:
    """Close the case with the note; the client is told when she was being written to."""
    _ = turn.gettext
    note = strip_invisible(note)
    if not has_words(note):
        return Rejected(_(TOO_LONG))
    member = turn.staff
    case = None
    if member is not None:
        case = await cases.open_case(
            turn.session, alert_id=draft.alert_id, member=member, lock=True
        )
    if (
        member is None
        or case is None
        or not await cases.close_case(
            turn.session, case=case, member=member, note=note, now=turn.now
        )
    ):
        turn.say(_("Kasus ini sudah selesai atau ditangani orang lain."))
        return END
    turn.queued_outbox = True  # e.g. a marketing request's client is told it is done
    party = await cases.client_party(turn.session, case.client)
    if party is not None and case.alert.relay_started_at is not None:
        t = translator(party.language)
        await outbox.enqueue(
            turn.session,
            chat_id=party.chat_id,
            text=t.gettext(
                "Percakapan dengan pendamping Dinas Sosial sudah selesai. Terima kasih. "
                "Ketik /start untuk kembali ke menu."
            ),
            purpose="relay",
            now=turn.now,
            dedupe_key=f"closed:{case.alert.id}",
        )
        turn.queued_outbox = True
    turn.say(
        _("✅ Kasus {client} ditutup. Terima kasih.").format(client=escape(case.client.full_name))
    )
    return END


FLOW = Flow(
    name="cls",
    states=S,
    draft_model=CloseDraft,
    steps={
        S.NOTE: FreeText(
            prompt=_prompt,
            take=_close,
            max_length=MAX_NOTE,
            too_long=TOO_LONG,
            buttons=_keep_open_button,
            on_button=_keep_open,
        ),
    },
    entry_command="",  # opened only from an alert's ✅ Selesai button
)
