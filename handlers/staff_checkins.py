"""Check-ins to staff: the schedules tick (daily digests, weekly follow-ups, the administrators'
summary), the answers to the weekly follow-up, and /jadwal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from bot.chat.actions import RunCommand
from bot.chat.callbacks import CallbackData
from bot.chat.messages import rows_of
from bot.chat.turn import Turn
from bot.i18n import N_
from bot.services import followups, schedules
from bot.services.followups import AnswerOutcome, FollowUpAnswer, FollowUpList
from bot.services.schedules import ScheduleName
from bot.services_container import AppServices
from conversations import schedule_edit
from handlers.features import (
    ADMINS,
    CASEWORKERS,
    ActionRoute,
    Command,
    Courier,
    Feature,
    Menu,
    MenuEntry,
    PeriodicJob,
)

log = logging.getLogger(__name__)
SCHEDULE_TICK = timedelta(seconds=60)


@dataclass(frozen=True)
class PickSchedule(CallbackData, prefix="jd"):
    """A schedule's button on the /jadwal list."""

    name: ScheduleName


async def run_staff_schedules(services: AppServices, courier: Courier) -> list[ScheduleName]:
    """The tick: run each due schedule once (one transaction each), then send what it queued."""
    now, zone = services.clock.now(), services.settings.timezone
    async with services.db.transaction() as session:
        await schedules.ensure_defaults(session, now=now, timezone=zone)
    ran = []
    for name in schedules.NAMES:
        async with services.db.transaction() as session:
            if await schedules.run_if_due(session, name=name, now=now, timezone=zone):
                ran.append(name)
    if ran:
        log.info("staff schedules ran: %s", ", ".join(ran))
        await courier.deliver_due()
    return ran


async def on_followup(turn: Turn, action: FollowUpAnswer) -> None:
    """One of the four answers under a client of her weekly list."""
    _ = turn.gettext
    assert turn.staff is not None  # the dispatcher checked the role
    result = await followups.answer(
        turn.session,
        profile=turn.staff,
        request_id=action.request_id,
        action=action.action,
        now=turn.now,
    )
    if result.outcome is AnswerOutcome.REFUSED:  # unknown or not hers: a stale button's answer
        await turn.conductor.stale(turn)
        return
    turn.pressed_buttons = ()  # answered: the buttons have done their job
    label = _(followups.ACTION_LABELS[result.action or action.action])
    if result.outcome is AnswerOutcome.ALREADY:
        turn.toast = _("Sudah tercatat sebelumnya: {action}").format(action=label)
        return
    turn.toast = _("Tercatat.")
    turn.say(
        _("✅ Tercatat di riwayat <b>{name}</b>: {action}").format(
            name=escape(result.client_name), action=label
        )
    )


async def on_followup_list(turn: Turn, _action: FollowUpList) -> None:
    """The digest's button: her unanswered follow-ups again, each with its four buttons (the
    digest keeps its button)."""
    _ = turn.gettext
    assert turn.staff is not None
    pending = await followups.unanswered(turn.session, profile=turn.staff, before=turn.now)
    if not pending:
        turn.say(_("Semua tindak lanjut sudah dicatat. Terima kasih!"))
        return
    for item in pending[: followups.MAX_MESSAGES]:
        turn.say(
            followups.request_text(turn.t, item.client_name, item.reason),
            followups.action_buttons(turn.t, item.request_id),
        )


async def show_schedules(turn: Turn, _args: str = "") -> None:
    """/jadwal: the three schedules with their times, and a button to change each."""
    _ = turn.gettext
    views = await schedules.list_schedules(
        turn.session, now=turn.now, timezone=turn.services.settings.timezone
    )
    lines = [
        _("⏰ <b>Jadwal pesan untuk staf</b> ({zone})").format(zone=schedule_edit.zone_name(turn))
    ]
    for view in views:
        lines.append(
            _("• {label}: {when}").format(
                label=_(schedules.LABELS[view.name]),
                when=schedule_edit.describe(turn.t, view.time),
            )
        )
    lines += ["", _("Pilih jadwal yang ingin diubah:")]
    rows = [[(_(schedules.LABELS[view.name]), PickSchedule(view.name))] for view in views]
    turn.say("\n".join(lines), rows_of(rows))
    await turn.conductor.continue_or_menu(turn, menu=False)  # an open question comes back


async def on_pick_schedule(turn: Turn, action: PickSchedule) -> None:
    """A schedule's button: ask for its day (weekly ones) or its time."""
    _ = turn.gettext
    if turn.flow_state is not None and turn.flow_state.flow != schedule_edit.FLOW.name:
        turn.say(_("Selesaikan dulu isian yang sedang berjalan, atau ketik /batal."))
        await turn.conductor.continue_or_menu(turn, menu=False)
        return
    await schedule_edit.start(turn, action.name)


FEATURE = Feature(
    name="staff_checkins",
    commands=(
        Command("jadwal", show_schedules, N_("Jadwal ringkasan dan tindak lanjut"), roles=ADMINS),
    ),
    menu=(MenuEntry(Menu.STAFF, N_("🗓️ Jadwal"), RunCommand("jadwal"), row=20, roles=ADMINS),),
    actions=(
        ActionRoute(PickSchedule, on_pick_schedule, ADMINS),
        ActionRoute(FollowUpAnswer, on_followup, CASEWORKERS),
        ActionRoute(FollowUpList, on_followup_list, CASEWORKERS),
    ),
    flows=(schedule_edit.FLOW,),
    jobs=(PeriodicJob("staff-schedules", SCHEDULE_TICK, run_staff_schedules),),
)
