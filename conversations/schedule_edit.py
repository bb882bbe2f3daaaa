"""Administrators change when staff messages go out: a schedule from /jadwal, a day, a time."""

from __future__ import annotations

from enum import StrEnum

from babel.dates import get_day_names
from pydantic import Field

from bot.chat.turn import Turn
from bot.i18n import Translator
from bot.services import schedules
from bot.services.schedules import ScheduleName, ScheduleTime
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import CANCEL, Choice, FreeText, Parsed, Rejected


class S(StrEnum):
    """The steps: the day (weekly schedules only), then the time."""

    DAY = "day"
    TIME = "time"


class ScheduleDraft(Draft):
    """Which schedule, and the day chosen so far."""

    name: ScheduleName
    weekday: int | None = Field(default=None, ge=0, le=6)  # 0 = Monday


def day_name(t: Translator, weekday: int) -> str:
    """The weekday (0 = Monday) in the reader's language, from the CLDR data."""
    return str(get_day_names("wide", locale=t.language)[weekday])


def describe(t: Translator, when: ScheduleTime) -> str:
    """ "setiap hari pukul 07:00" or "setiap Senin pukul 08:00"."""
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if when.weekday is None:
        return t.gettext("setiap hari pukul {time}").format(time=clock)
    return t.gettext("setiap {day} pukul {time}").format(day=day_name(t, when.weekday), time=clock)


def zone_name(turn: Turn) -> str:
    """WIB for Asia/Jakarta: the name people read on their clocks."""
    return turn.now.astimezone(turn.services.settings.timezone).tzname() or "UTC"


async def start(turn: Turn, name: ScheduleName) -> None:
    """Ask for the schedule's day (weekly ones) or its time."""
    first = S.DAY if schedules.is_weekly(name) else S.TIME
    await FLOW.start(turn, ScheduleDraft(name=name), first)


def _label(turn: Turn, draft: ScheduleDraft) -> str:
    return turn.gettext(schedules.LABELS[draft.name])


def _unchanged(turn: Turn) -> Next:
    turn.say(turn.gettext("Jadwal tidak diubah."))
    return END


def _day_options(turn: Turn, _draft: ScheduleDraft) -> list[tuple[str, str]]:
    days = [(day_name(turn.t, day), str(day)) for day in range(7)]
    return [*days, (turn.gettext("❌ Batal"), CANCEL)]


async def _day(turn: Turn, draft: ScheduleDraft, value: str) -> Next:
    if value == CANCEL:
        return _unchanged(turn)
    draft.weekday = int(value)  # one of the options: "0" to "6"
    return S.TIME


def _ask_time(turn: Turn, draft: ScheduleDraft) -> str:
    return turn.gettext(
        "Jam berapa <b>{label}</b> dikirim? Tulis jamnya ({zone}), misalnya <i>07:30</i>."
    ).format(label=_label(turn, draft), zone=zone_name(turn))


async def _cancel_button(turn: Turn, _draft: ScheduleDraft, _value: str) -> Next:
    return _unchanged(turn)


async def _time(turn: Turn, draft: ScheduleDraft, text: str) -> Parsed:
    """A time such as 07:30; the schedule changes from its next moment on."""
    _ = turn.gettext
    parsed = schedules.parse_time(text)
    if parsed is None:
        return Rejected(_("Tulis jam dengan angka, misalnya 07:30 atau 18:00."))
    if turn.staff is None or not turn.staff.is_admin:  # the role was taken away meanwhile
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    weekly = schedules.is_weekly(draft.name)
    if weekly and draft.weekday is None:
        return S.DAY
    when = ScheduleTime(draft.weekday if weekly else None, parsed[0], parsed[1])
    following = await schedules.change_schedule(
        turn.session,
        name=draft.name,
        when=when,
        now=turn.now,
        timezone=turn.services.settings.timezone,
    )
    turn.say(
        _("✅ Jadwal diubah: {label}, {when}.\nBerikutnya: {date} pukul {time}.").format(
            label=_label(turn, draft),
            when=describe(turn.t, when),
            date=turn.t.date(following),
            time=following.strftime("%H:%M"),
        )
    )
    return END


FLOW = Flow(
    name="jdw",
    states=S,
    draft_model=ScheduleDraft,
    entry_command="jadwal",
    steps={
        S.DAY: Choice[ScheduleDraft](
            prompt=lambda turn, draft: turn.gettext("Hari apa <b>{label}</b> dikirim?").format(
                label=_label(turn, draft)
            ),
            options=_day_options,
            choose=_day,
            columns=2,
        ),
        S.TIME: FreeText[ScheduleDraft](
            prompt=_ask_time,
            take=_time,
            buttons=lambda turn, _d: [(turn.gettext("❌ Batal"), CANCEL)],
            on_button=_cancel_button,
        ),
    },
)
