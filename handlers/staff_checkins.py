"""Check-ins to staff: the schedule tick, answers to the weekly follow-up, and /jadwal."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import Bot

from bot.outbox_sender import deliver_outbox
from bot.services import followups, schedules
from bot.services.followups import AnswerOutcome
from bot.services_container import AppServices
from bot.storage.models import FollowUpAction
from conversations import schedule_edit
from conversations.engine import UNCHANGED, Turn
from handlers.features import ADMINS, CASEWORKERS, Action, Command, Feature, PeriodicJob
from handlers.menu import global_keyboard

SCHEDULE_TICK = timedelta(seconds=60)
_ACTIONS = {a.value: a for a in FollowUpAction}


async def run_staff_schedules(services: AppServices, bot: Bot) -> list[str]:
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
        await deliver_outbox(services, bot)
    return ran


async def on_followup(turn: Turn, rest: str) -> None:
    """A follow-up button `<request id>:<action>`, or `list` for her unanswered ones again."""
    _ = turn.gettext
    profile = turn.staff
    assert profile is not None  # the router checked the role
    if rest == followups.LIST_VALUE:
        turn.pressed_keyboard = UNCHANGED  # the digest's button stays usable
        await _show_pending(turn)
        return
    request_id, _sep, action_value = rest.partition(":")
    action = _ACTIONS.get(action_value)
    if not request_id.isdigit() or len(request_id) > 12 or action is None:
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        return
    result = await followups.answer(
        turn.session, profile=profile, request_id=int(request_id), action=action, now=turn.now
    )
    if result.outcome is AnswerOutcome.REFUSED:  # unknown or not hers: reveal nothing
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        return
    turn.pressed_keyboard = None
    done = result.action or action
    label = _(followups.ACTION_LABELS[done])
    if result.outcome is AnswerOutcome.ALREADY:
        turn.toast = _("Sudah tercatat sebelumnya: {action}").format(action=label)
        return
    turn.toast = _("Tercatat.")
    turn.say(
        _("✅ Tercatat di riwayat <b>{name}</b>: {action}").format(
            name=escape(result.client_name), action=label
        )
    )


async def _show_pending(turn: Turn) -> None:
    """Her unanswered follow-ups again, each with its four buttons."""
    _ = turn.gettext
    assert turn.staff is not None
    pending = await followups.unanswered(turn.session, profile=turn.staff, before=turn.now)
    if not pending:
        turn.say(_("Semua tindak lanjut sudah dicatat. Terima kasih!"))
        return
    for item in pending[: followups.MAX_MESSAGES]:
        turn.say(
            followups.request_text(turn.t, item.client_name, item.reason),
            global_keyboard(followups.action_buttons(turn.t, item.request_id)),
        )


async def on_pick_schedule(turn: Turn, rest: str) -> None:
    """A schedule's button on the /jadwal list."""
    await schedule_edit.pick(turn, rest)


FEATURE = Feature(
    commands=(Command("jadwal", schedule_edit.show_schedules, ADMINS),),
    actions=(
        Action(schedule_edit.PICK_PREFIX, on_pick_schedule, ADMINS),
        Action(followups.ACTION_PREFIX, on_followup, CASEWORKERS),
    ),
    flows=(schedule_edit.FLOW,),
    jobs=(PeriodicJob("staff-schedules", SCHEDULE_TICK, run_staff_schedules),),
)
