"""A caseworker writes to a client from an alert: each message is relayed through the bot.

The client always sees that the message comes from a person at Dinas Sosial. Her own free-text
messages go back to the caseworker (handlers/alerts.py) until the case is closed.
"""

from __future__ import annotations

from html import escape

from bot.i18n import translator
from bot.services import cases, outbox
from bot.services.cases import Case
from conversations.engine import END, REPEAT, STAY, Flow, Kind, Step, Turn, ask

WRITE = "write"
MAX_TEXT = 3500  # leaves room for the header within Telegram's 4096 characters


async def start(turn: Turn, case: Case) -> None:
    """Open the relay for the caseworker who handles this case."""
    cases.start_relay(case, now=turn.now)
    turn.begin(FLOW.name, WRITE, {"alert": case.alert.id, "client": case.client.full_name})
    await ask(turn, FLOW, WRITE)


def _stop_button(turn: Turn) -> list[list[tuple[str, str]]]:
    _ = turn.gettext
    return [[(_("⏹️ Selesai membalas"), "stop")]]


async def ask_write(turn: Turn) -> None:
    """What to write, and how to stop."""
    _ = turn.gettext
    turn.say(
        _(
            "✍️ Tulis pesan untuk {client}. Saya teruskan atas nama pendamping Dinas Sosial, "
            "dan jawabannya saya teruskan kepada Anda. Tekan Selesai membalas kalau sudah."
        ).format(client=escape(turn.data["client"])),
        turn.keyboard(_stop_button(turn)),
    )


async def take_write(turn: Turn) -> str:
    """Relay one message to the client, or stop writing."""
    _ = turn.gettext
    client_name = escape(turn.data["client"])
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != "stop":
            return REPEAT
        turn.say(
            _(
                "Baik. Jawaban {client} tetap saya teruskan kepada Anda sampai kasus ditutup."
            ).format(client=client_name)
        )
        return END
    member = turn.staff
    case = None
    if member is not None:
        case = await cases.open_case(turn.session, alert_id=int(turn.data["alert"]), member=member)
    if member is None or case is None or not cases.is_handler(case, member):
        turn.say(_("Kasus ini sudah selesai atau ditangani orang lain. Pesan tidak dikirim."))
        return END
    text = turn.input.text.strip()
    if len(text) > MAX_TEXT:
        turn.say(_("Pesannya terlalu panjang. Kirim dalam beberapa pesan yang lebih pendek."))
        return STAY
    party = await cases.client_party(turn.session, case.client)
    if party is None:
        turn.say(
            _("{client} belum memakai Berdaya, jadi pesan tidak bisa dikirim.").format(
                client=client_name
            )
        )
        return END
    t = translator(party.language)
    header = t.gettext("💬 <b>Pesan dari pendamping Dinas Sosial ({name}):</b>").format(
        name=escape(member.full_name)
    )
    footer = t.gettext("<i>Untuk menjawab, tulis saja pesan Anda di sini.</i>")
    await outbox.enqueue(
        turn.session,
        chat_id=party.chat_id,
        text=f"{header}\n{escape(text)}\n\n{footer}",
        purpose="relay",
        now=turn.now,
    )
    turn.queued_outbox = True
    turn.say(
        _("✅ Terkirim ke {client}.").format(client=client_name), turn.keyboard(_stop_button(turn))
    )
    return STAY


FLOW = Flow(
    name="rly",
    entry_command="",  # opened only from an alert's 💬 Balas button
    steps={WRITE: Step(ask_write, take_write)},
)
