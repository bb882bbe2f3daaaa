"""Alerts: the claim / reply / close buttons, the client's answers relayed back, escalation.

Every button is checked on the server: a staff member who does not cover the client gets the
answer any stale button gets, so a forged `g:al:…` reveals and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.i18n import translator
from bot.outbox_sender import deliver_outbox
from bot.services import alerts, cases, outbox
from bot.services.alerts import Op
from bot.services.cases import ClaimOutcome
from bot.services_container import AppServices
from conversations import close_case, relay
from conversations.engine import Kind, Turn
from handlers.features import CASEWORKERS, Action, Feature, PeriodicJob
from handlers.menu import global_keyboard

log = logging.getLogger(__name__)
MAX_RELAYED = 3500
STRIP_BATCH = 50


async def on_alert_button(turn: Turn, rest: str) -> None:
    """🙋 Saya tangani, 💬 Balas, ✅ Selesai: an unclaimed case is claimed first."""
    _ = turn.gettext
    raw_id, _sep, code = rest.partition(":")
    op = next((o for o in Op if o.value == code), None)
    member = turn.staff
    case = None
    if member is not None and op is not None and raw_id.isdigit():
        case = await cases.open_case(turn.session, alert_id=int(raw_id), member=member, lock=True)
    if member is None or op is None or case is None:  # absent, or not hers: the same answer
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        return
    outcome = await cases.claim(turn.session, case=case, member=member, now=turn.now)
    if outcome is ClaimOutcome.CLOSED:
        turn.toast = _("Kasus ini sudah selesai.")
        return
    if outcome is ClaimOutcome.TAKEN and not (op is Op.CLOSE and member.is_admin):
        name = escape(await cases.claimer_name(turn.session, case.alert))
        turn.say(_("Kasus ini sudah ditangani oleh {name}.").format(name=name))
        return
    turn.queued_outbox = outcome is ClaimOutcome.CLAIMED  # tell the others right away
    turn.pressed_keyboard = global_keyboard(alerts.case_rows(turn.t, case.alert.id, claimed=True))
    if op is Op.REPLY:
        await relay.start(turn, case)
    elif op is Op.CLOSE:
        await close_case.start(turn, case)
    else:
        turn.say(
            _(
                "🙋 Anda menangani kasus {client}. Tekan 💬 Balas untuk menulis kepadanya "
                "lewat Berdaya, atau ✅ Selesai untuk menutup kasus."
            ).format(client=escape(case.client.full_name))
        )


async def relay_from_client(turn: Turn) -> bool:
    """A client's message outside any flow goes to the caseworker writing to her, if any."""
    _ = turn.gettext
    client_id = turn.profile.client_id if turn.profile else None
    if client_id is None or turn.input.kind is Kind.EDITED:
        return False
    found = await cases.relay_to_caseworker(turn.session, client_id=client_id)
    if found is None:
        return False
    alert, handler = found
    if turn.input.kind is not Kind.TEXT:
        turn.say(_("Maaf, saat ini hanya pesan tulisan yang bisa saya teruskan ke pendamping."))
        return True
    text = turn.input.text.strip()
    if len(text) > MAX_RELAYED:
        turn.say(_("Pesannya terlalu panjang. Kirim dalam beberapa pesan yang lebih pendek."))
        return True
    t = translator(handler.language)
    header = t.gettext("💬 <b>Pesan dari {client}:</b>").format(
        client=escape(turn.profile.full_name or "") if turn.profile else ""
    )
    await outbox.enqueue(
        turn.session,
        chat_id=handler.chat_id,
        text=f"{header}\n{escape(text)}",
        purpose="relay",
        now=turn.now,
        buttons=alerts.outbox_rows(alerts.case_rows(t, alert.id, claimed=True)),
    )
    turn.queued_outbox = True
    turn.say(_("✅ Pesan Anda sudah diteruskan ke pendamping."))
    return True


async def escalation_job(services: AppServices, bot: Bot) -> int:
    """Alerts nobody claimed in 48 hours go to the administrators."""
    async with services.db.transaction() as session:
        escalated = await alerts.escalate_due(session, now=services.clock.now())
    if escalated:
        log.info("alerts: %d escalated to the administrators", escalated)
        await deliver_outbox(services, bot)
    return escalated


async def strip_stale_buttons(services: AppServices, bot: Bot) -> int:
    """Best effort: remove the buttons of alert messages that someone else claimed."""
    async with services.db.transaction() as session:
        stale = await cases.stale_messages(session, limit=STRIP_BATCH)
    done: list[int] = []
    for delivery_id, chat_id, message_id in stale:
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except (BadRequest, Forbidden):
            pass  # unchanged, deleted or blocked: nothing left to fix
        except NetworkError:
            continue  # try again at the next run
        done.append(delivery_id)
    if done:
        async with services.db.transaction() as session:
            await cases.forget_messages(session, delivery_ids=done)
    return len(done)


FEATURE = Feature(
    actions=(Action("al", on_alert_button, CASEWORKERS),),
    flows=(relay.FLOW, close_case.FLOW),
    text_hooks=(relay_from_client,),
    jobs=(
        PeriodicJob("alerts", timedelta(minutes=5), escalation_job),
        PeriodicJob("alert-buttons", timedelta(seconds=15), strip_stale_buttons),
    ),
)
