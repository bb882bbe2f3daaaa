"""A caseworker writes to a client from an alert: each message is relayed through the bot.

The client always sees that the message comes from a person at Dinas Sosial. Her own free-text
messages go back to the caseworker (the text hook in handlers/alerts.py) until the case is
closed. What either of them writes is never logged: it goes into the outbox only.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.text import has_words, strip_invisible
from bot.i18n import N_, translator
from bot.services import cases, outbox
from bot.services.cases import Case
from conversations.engine import END, STAY, Draft, Flow, Next
from conversations.steps import FreeText, Option, Parsed

MAX_TEXT = 3500  # leaves room for the header within Telegram's 4096 characters
STOP = "stop"


class S(StrEnum):
    """The relay's one step: write, as many messages as she likes, until she stops."""

    WRITE = "write"


class RelayDraft(Draft):
    """The case she writes in, and the client's name for the prompts."""

    alert_id: int
    client: str


async def start(turn: Turn, case: Case) -> None:
    """Open the relay for the caseworker who handles this case."""
    cases.start_relay(case, now=turn.now)
    await FLOW.start(turn, RelayDraft(alert_id=case.alert.id, client=case.client.full_name))


def _prompt(turn: Turn, draft: RelayDraft) -> str:
    _ = turn.gettext
    return _(
        "✍️ Tulis pesan untuk {client}. Saya teruskan atas nama pendamping Dinas Sosial, "
        "dan jawabannya saya teruskan kepada Anda. Tekan Selesai membalas kalau sudah."
    ).format(client=escape(draft.client))


def _stop_button(turn: Turn, _draft: RelayDraft) -> list[Option]:
    return [(turn.gettext(N_("⏹️ Selesai membalas")), STOP)]


async def _stop(turn: Turn, draft: RelayDraft, _value: str) -> Next:
    _ = turn.gettext
    turn.say(
        _("Baik. Jawaban {client} tetap saya teruskan kepada Anda sampai kasus ditutup.").format(
            client=escape(draft.client)
        )
    )
    return END


async def _relay(turn: Turn, draft: RelayDraft, text: str) -> Parsed:
    """Relay one message to the client, and stay for the next one."""
    _ = turn.gettext
    client_name = escape(draft.client)
    member = turn.staff
    case = None
    if member is not None:
        case = await cases.open_case(turn.session, alert_id=draft.alert_id, member=member)
    if member is None or case is None or not cases.is_handler(case, member):
        turn.say(_("Kasus ini sudah selesai atau ditangani orang lain. Pesan tidak dikirim."))
        return END
    text = strip_invisible(text)
    if not has_words(text):
        turn.say(_("Tulis jawabannya dengan huruf atau angka, ya."))
        return STAY
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
    await cases.relayed(turn.session, case=case, member=member, text=text, now=turn.now)
    turn.queued_outbox = True
    turn.say(
        _("✅ Terkirim ke {client}.").format(client=client_name),
        turn.keyboard([_stop_button(turn, draft)]),
    )
    return STAY


FLOW = Flow(
    name="rly",
    states=S,
    draft_model=RelayDraft,
    steps={
        S.WRITE: FreeText(
            prompt=_prompt,
            take=_relay,
            max_length=4096,  # all Telegram allows; longer than MAX_TEXT is refused in _relay
            buttons=_stop_button,
            on_button=_stop,
        ),
    },
    entry_command="",  # opened only from an alert's 💬 Balas button
)
