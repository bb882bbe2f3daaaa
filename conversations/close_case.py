"""Closing a case from its alert: a closing note, then the case is done."""

from __future__ import annotations

from html import escape

from bot.i18n import translator
from bot.services import cases, outbox
from bot.services.cases import Case
from conversations.engine import END, REPEAT, Flow, Kind, Step, Turn, ask

NOTE = "note"
MAX_NOTE = 1000


async def start(turn: Turn, case: Case) -> None:
    """Ask the handler (or an administrator) for the closing note."""
    turn.begin(FLOW.name, NOTE, {"alert": case.alert.id, "client": case.client.full_name})
    await ask(turn, FLOW, NOTE)


async def ask_note(turn: Turn) -> None:
    """What was done for the client."""
    _ = turn.gettext
    turn.say(
        _("📝 Tulis catatan penutup kasus {client}: apa yang sudah dilakukan?").format(
            client=escape(turn.data["client"])
        ),
        turn.keyboard([[(_("↩️ Jangan ditutup dulu"), "cancel")]]),
    )


async def take_note(turn: Turn) -> str:
    """Close the case with the note; the client is told when she was being written to."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != "cancel":
            return REPEAT
        turn.say(_("Baik, kasus tetap terbuka."))
        return END
    note = turn.input.text.strip()
    if not note or len(note) > MAX_NOTE:
        turn.say(_("Tulis catatan singkat, paling banyak 1000 huruf."))
        return REPEAT
    member = turn.staff
    case = None
    if member is not None:
        case = await cases.open_case(
            turn.session, alert_id=int(turn.data["alert"]), member=member, lock=True
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
    entry_command="",  # opened only from an alert's ✅ Selesai button
    steps={NOTE: Step(ask_note, take_note)},
)
