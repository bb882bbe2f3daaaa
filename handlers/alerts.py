"""Alerts: the claim / reply / close buttons, the client's answers relayed back, escalation,
and the buttons of alert messages that no longer apply.

Every button is checked on the server: a staff member who does not cover the client gets the
answer any stale button gets, so a forged `al:…` press reveals and changes nothing. What a
client and her caseworker write to each other is never logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from bot.chat.turn import Kind, Turn
from bot.i18n import translator
from bot.services import alerts, cases, outbox
from bot.services.alerts import AlertPress, Op
from bot.services.cases import ClaimOutcome
from bot.services_container import AppServices
from conversations import close_case, relay
from handlers.features import CASEWORKERS, ActionRoute, Courier, Feature, PeriodicJob

log = logging.getLogger(__name__)
MAX_RELAYED = 3500
STRIP_BATCH = 100


async def on_alert_button(turn: Turn, press: AlertPress) -> None:
    """🙋 Saya tangani, 💬 Balas, ✅ Selesai: an unclaimed case is claimed first."""
    _ = turn.gettext
    member = turn.staff
    case = None
    if member is not None:
        case = await cases.open_case(
            turn.session, alert_id=press.alert_id, member=member, lock=True
        )
    if member is None or case is None:  # absent, or not hers: any stale button's answer
        await turn.conductor.stale(turn)
        return
    outcome = await cases.claim(turn.session, case=case, member=member, now=turn.now)
    if outcome is ClaimOutcome.CLOSED:
        turn.toast = _("Kasus ini sudah selesai.")  # its buttons go with the next clean-up
        return
    admin_closes = press.op is Op.CLOSE and member.is_admin
    if outcome is ClaimOutcome.TAKEN and not admin_closes:
        name = escape(await cases.claimer_name(turn.session, case.alert))
        turn.say(_("Kasus ini sudah ditangani oleh {name}.").format(name=name))
        return  # no edit: her message loses its buttons with the next clean-up
    turn.queued_outbox = outcome is ClaimOutcome.CLAIMED  # tell the others right away
    if outcome is not ClaimOutcome.TAKEN:
        # The handler's buttons; the router edits nothing when the message already shows them
        # (💬 Balas after 🙋, or a relayed message).
        turn.pressed_buttons = alerts.case_rows(
            turn.t, case.alert.id, claimed=True, alert=case.alert
        )
    if press.op is Op.REPLY:
        await relay.start(turn, case)
    elif press.op is Op.CLOSE:
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
    profile = turn.profile
    client_id = profile.client_id if profile else None
    if profile is None or client_id is None or turn.input.kind is Kind.EDITED:
        return False
    found = await cases.relay_to_caseworker(turn.session, client_id=client_id)
    if found is None:
        return False
    alert, recipients = found
    if turn.input.kind is not Kind.TEXT:
        turn.say(_("Maaf, saat ini hanya pesan tulisan yang bisa saya teruskan ke pendamping."))
        return True
    text = turn.input.text.strip()
    if len(text) > MAX_RELAYED:
        turn.say(_("Pesannya terlalu panjang. Kirim dalam beberapa pesan yang lebih pendek."))
        return True
    claimed = alert.claimed_by_staff_id is not None  # else: to her area, to take it on
    for handler in recipients:
        t = translator(handler.language)
        header = t.gettext("💬 <b>Pesan dari {client}:</b>").format(
            client=escape(profile.full_name or "")
        )
        await outbox.enqueue(
            turn.session,
            chat_id=handler.chat_id,
            text=f"{header}\n{escape(text)}",
            purpose="relay",
            now=turn.now,
            buttons=alerts.case_rows(t, alert.id, claimed=claimed),
        )
    turn.queued_outbox = True
    turn.say(_("✅ Pesan Anda sudah diteruskan ke pendamping."))
    return True


async def escalation_job(services: AppServices, courier: Courier) -> int:
    """Alerts nobody claimed in 48 hours go to the administrators."""
    async with services.db.transaction() as session:
        escalated = await alerts.escalate_due(session, now=services.clock.now())
    if escalated:
        log.info("alerts: %d escalated to the administrators", escalated)
        await courier.deliver_due()
    return escalated


async def strip_stale_buttons(services: AppServices, courier: Courier) -> int:
    """Remove the buttons of alert messages that someone else claimed (or that are closed):
    the edits go through the outbox, like every other message."""
    async with services.db.transaction() as session:
        queued = await cases.strip_stale_buttons(
            session, now=services.clock.now(), limit=STRIP_BATCH
        )
    if queued:
        await courier.deliver_due()
    return queued


FEATURE = Feature(
    name="alerts",
    actions=(ActionRoute(AlertPress, on_alert_button, CASEWORKERS),),
    flows=(relay.FLOW, close_case.FLOW),
    text_hooks=(relay_from_client,),
    jobs=(
        PeriodicJob("alerts", timedelta(minutes=5), escalation_job),
        PeriodicJob("alert-buttons", timedelta(seconds=15), strip_stale_buttons),
    ),
)
