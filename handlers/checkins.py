"""Check-ins: the scheduler tick, the answer buttons, /berhenti and /mulai."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.chat.turn import Kind, Turn
from bot.domain.typed_choice import normalize_words
from bot.domain.vocabulary import BusinessStatus
from bot.i18n import N_
from bot.services import checkins
from bot.services.checkins import ANSWER_LABELS, Answer, CheckinAnswer, TickResult
from bot.services_container import AppServices
from conversations import report
from conversations.engine import repeat
from handlers.features import ActionRoute, Command, Courier, Feature, PeriodicJob

log = logging.getLogger(__name__)
TICK = timedelta(seconds=60)
# The check-in buttons that lead into the report, with the status already filled in.
REPORT_STATUS = {
    Answer.RUNNING: BusinessStatus.RUNNING,
    Answer.DECLINING: BusinessStatus.DECLINING,
    Answer.STOPPED: BusinessStatus.PAUSED,
}


async def checkin_job(services: AppServices, courier: Courier) -> TickResult:
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
        await courier.deliver_due()
    return result


def _stale(turn: Turn) -> None:
    """The same answer the dispatcher gives any outdated button."""
    _ = turn.gettext
    turn.toast = _("Tombol ini sudah tidak berlaku.")
    if turn.flow_state is None:
        turn.show_menu()


async def on_checkin_button(turn: Turn, action: CheckinAnswer) -> None:
    """Lancar / Ada kendala / Usaha berhenti open the report; Nanti saja asks again later."""
    client_id = turn.profile.client_id if turn.profile else None
    if client_id is None:
        _stale(turn)
        return
    await _take_answer(turn, action.checkin_id, client_id, action.answer, pressed=True)


async def typed_answer(turn: Turn) -> bool:
    """Typing a check-in button's label ("lancar") answers the open check-in, as pressing it."""
    client_id = turn.profile.client_id if turn.profile else None
    if turn.input.kind is not Kind.TEXT or client_id is None:
        return False
    typed = normalize_words(turn.input.text[:200])
    given = next(
        (a for a, label in ANSWER_LABELS.items() if normalize_words(turn.gettext(label)) == typed),
        None,
    )
    if given is None or not typed:
        return False
    checkin_id = await checkins.open_checkin(turn.session, client_id=client_id)
    if checkin_id is None:
        return False
    await _take_answer(turn, checkin_id, client_id, given, pressed=False)
    return True


async def _take_answer(
    turn: Turn, checkin_id: int, client_id: int, given: Answer, *, pressed: bool
) -> None:
    _ = turn.gettext
    if turn.flow_state is not None:  # never interrupt a flow: finish it first (buttons stay)
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
        return
    if pressed:
        turn.pressed_buttons = ()  # answered: the check-in's buttons have done their job
    if given is Answer.LATER:
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


FEATURE = Feature(
    name="checkins",
    commands=(
        Command(
            "berhenti",
            stop_checkins,
            N_("Berhenti menerima pertanyaan rutin"),
            clients_only=True,
        ),
        Command("mulai", resume_checkins, N_("Terima lagi pertanyaan rutin"), clients_only=True),
    ),
    actions=(ActionRoute(CheckinAnswer, on_checkin_button),),
    text_hooks=(typed_answer,),
    jobs=(PeriodicJob("checkins", TICK, checkin_job),),
)
