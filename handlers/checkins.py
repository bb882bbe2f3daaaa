"""Check-ins: the scheduler tick, the answer buttons, /berhenti and /mulai, and blocked chats."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ChatMemberHandler, ContextTypes

from bot.outbox_sender import deliver_outbox
from bot.services import accounts, checkins
from bot.services.checkins import ANSWER_LABELS, Answer, TickResult
from bot.services_container import AppServices
from bot.storage.models import BusinessStatus
from conversations import report
from conversations.engine import UNCHANGED, Kind, Turn, normalize_label, repeat
from handlers.features import Action, Command, Feature, PeriodicJob
from handlers.menu import show_menu

log = logging.getLogger(__name__)
TICK = timedelta(seconds=60)
# The check-in buttons that lead into the report, with the status already filled in.
REPORT_STATUS = {
    Answer.RUNNING: BusinessStatus.RUNNING,
    Answer.DECLINING: BusinessStatus.DECLINING,
    Answer.STOPPED: BusinessStatus.PAUSED,
}


async def checkin_job(services: AppServices, bot: Bot) -> TickResult:
    """The periodic tick: queue due check-ins, reminders and misses, then deliver."""
    async with services.db.transaction() as session:
        result = await checkins.run_checkin_tick(
            session, now=services.clock.now(), settings=services.settings
        )
    if result.queued_anything:
        log.info(
            "check-ins: %d new, %d reminded, %d missed",
            result.queued,
            result.reminded,
            result.missed,
        )
        await deliver_outbox(services, bot)
    return result


def _stale(turn: Turn) -> None:
    """The same answer the router gives any outdated button."""
    _ = turn.gettext
    turn.toast = _("Tombol ini sudah tidak berlaku.")
    if turn.flow_state is None:
        show_menu(turn)


async def on_checkin_button(turn: Turn, rest: str) -> None:
    """Lancar / Ada kendala / Usaha berhenti open the report; Nanti saja asks again later."""
    raw_id, _sep, code = rest.partition(":")
    given = next((a for a in Answer if a.value == code), None)
    client_id = turn.profile.client_id if turn.profile else None
    if given is None or not raw_id.isdigit() or client_id is None:
        _stale(turn)
        return
    await _take_answer(turn, int(raw_id), client_id, given)


async def typed_answer(turn: Turn) -> bool:
    """Typing a check-in button's label ("lancar") answers the open check-in, as pressing it."""
    client_id = turn.profile.client_id if turn.profile else None
    if turn.input.kind is not Kind.TEXT or client_id is None:
        return False
    typed = normalize_label(turn.input.text)
    given = next(
        (a for a, label in ANSWER_LABELS.items() if normalize_label(turn.gettext(label)) == typed),
        None,
    )
    if given is None:
        return False
    checkin_id = await checkins.open_checkin(turn.session, client_id=client_id)
    if checkin_id is None:
        return False
    await _take_answer(turn, checkin_id, client_id, given)
    return True


async def _take_answer(turn: Turn, checkin_id: int, client_id: int, given: Answer) -> None:
    _ = turn.gettext
    if turn.flow_state is not None:  # never interrupt a flow: finish it first
        turn.pressed_keyboard = UNCHANGED  # keep the buttons for later
        turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        if turn.flow_state.flow == report.FLOW.name:
            await repeat(turn, report.FLOW)
        return
    accepted = await checkins.answer(
        turn.session,
        checkin_id=checkin_id,
        client_id=client_id,
        given=given,
        now=turn.now,
        settings=turn.services.settings,
    )
    if not accepted:
        _stale(turn)
    elif given is Answer.LATER:
        turn.say(_("Baik, 3 hari lagi saya tanyakan kembali."))
    else:
        await report.start(turn, REPORT_STATUS[given])


async def stop_checkins(turn: Turn, _args: str) -> None:
    """/berhenti: no more check-ins until /mulai."""
    _ = turn.gettext
    if not await checkins.opt_out(turn.session, telegram_id=turn.telegram_id, now=turn.now):
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return
    turn.say(
        _(
            "Baik, saya tidak akan mengirim pertanyaan rutin tentang usaha Anda lagi. "
            "Anda tetap bisa melapor kapan saja dengan /lapor. "
            "Ketik /mulai kalau ingin menerimanya lagi."
        )
    )


async def resume_checkins(turn: Turn, _args: str) -> None:
    """/mulai: check-ins again, and when the next one comes."""
    _ = turn.gettext
    due = await checkins.opt_in(
        turn.session, telegram_id=turn.telegram_id, now=turn.now, settings=turn.services.settings
    )
    if due is None:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return
    turn.say(
        _("Baik, pertanyaan rutin aktif lagi. Pertanyaan berikutnya dikirim pada {date}.").format(
            date=turn.t.date(max(due, turn.now))
        )
    )


def chat_member_handler(services: AppServices) -> ChatMemberHandler:  # type: ignore[type-arg]
    """Notice when a person blocks the bot (no more check-ins) or comes back."""

    async def on_my_chat_member(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        async with services.db.transaction() as session:
            if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
                now = services.clock.now()
                await accounts.mark_blocked(session, telegram_id=change.chat.id, now=now)
            elif status == ChatMemberStatus.MEMBER:
                await accounts.mark_reachable(session, telegram_id=change.chat.id)

    return ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)


FEATURE = Feature(
    commands=(Command("berhenti", stop_checkins), Command("mulai", resume_checkins)),
    actions=(Action("ci", on_checkin_button),),
    text_hooks=(typed_answer,),
    jobs=(PeriodicJob("checkins", TICK, checkin_job),),
)
