"""Administrators change when staff messages go out: /jadwal, pick one, a day, a time."""

from __future__ import annotations

from babel.dates import get_day_names

from bot.i18n import Translator
from bot.services import schedules
from bot.services.schedules import ScheduleTime
from conversations.engine import END, REPEAT, Flow, Kind, Step, Turn, ask
from handlers.menu import global_keyboard

DAY, TIME = "day", "time"
PICK_PREFIX = "jd"  # global buttons `g:jd:<schedule name>` on the /jadwal list
CANCEL = "cancel"


def day_name(t: Translator, weekday: int) -> str:
    """The weekday (0 = Monday) in the reader's language, from the CLDR data."""
    return str(get_day_names("wide", locale=t.language)[weekday])


def describe(t: Translator, when: ScheduleTime) -> str:
    """ "setiap hari pukul 07:00" or "setiap Senin pukul 08:00"."""
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if when.weekday is None:
        return t.gettext("setiap hari pukul {time}").format(time=clock)
    return t.gettext("setiap {day} pukul {time}").format(day=day_name(t, when.weekday), time=clock)


async def show_schedules(turn: Turn, _args: str) -> None:
    """/jadwal: the three schedules with their times, and a button to change each."""
    _ = turn.gettext
    zone = turn.services.settings.timezone
    views = await schedules.list_schedules(turn.session, now=turn.now, timezone=zone)
    lines = [_("⏰ <b>Jadwal pesan untuk staf</b> ({zone})").format(zone=_zone_name(turn))]
    for view in views:
        lines.append(
            _("• {label}: {when}").format(
                label=_(schedules.LABELS[view.name]), when=describe(turn.t, view.time)
            )
        )
    lines += ["", _("Pilih jadwal yang ingin diubah:")]
    rows = [[(_(schedules.LABELS[v.name]), f"{PICK_PREFIX}:{v.name}")] for v in views]
    turn.say("\n".join(lines), global_keyboard(rows))


def _zone_name(turn: Turn) -> str:
    """WIB for Asia/Jakarta: the name people read on their clocks."""
    return turn.now.astimezone(turn.services.settings.timezone).tzname() or "UTC"


async def pick(turn: Turn, name: str) -> None:
    """A schedule's button on the /jadwal list: ask for its day (weekly ones) or its time."""
    _ = turn.gettext
    if name not in schedules.NAMES:
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        return
    if turn.flow_state is not None and turn.flow_state.flow != FLOW.name:
        turn.say(_("Selesaikan dulu isian yang sedang berjalan, atau ketik /batal."))
        return
    first = DAY if schedules.is_weekly(name) else TIME
    turn.begin(FLOW.name, first, {"name": name})
    await ask(turn, FLOW, first)


def _label(turn: Turn) -> str:
    return turn.gettext(schedules.LABELS[str(turn.data["name"])])


async def ask_day(turn: Turn) -> None:
    """Which day of the week?"""
    _ = turn.gettext
    days = [(day_name(turn.t, d), str(d)) for d in range(7)]
    rows = [days[0:2], days[2:4], days[4:6], days[6:7], [(_("❌ Batal"), CANCEL)]]
    turn.say(_("Hari apa <b>{label}</b> dikirim?").format(label=_label(turn)), turn.keyboard(rows))


async def take_day(turn: Turn) -> str:
    """A weekday button (or its name typed)."""
    _ = turn.gettext
    value = turn.input.value
    if turn.input.kind is Kind.TEXT:
        turn.say(_("Silakan pilih salah satu tombol di bawah."))
        return REPEAT
    if value == CANCEL:
        turn.say(_("Jadwal tidak diubah."))
        return END
    if value not in {str(d) for d in range(7)}:
        return REPEAT
    turn.data["weekday"] = int(value)
    return TIME


async def ask_time(turn: Turn) -> None:
    """What time of day?"""
    _ = turn.gettext
    turn.say(
        _(
            "Jam berapa <b>{label}</b> dikirim? Tulis jamnya ({zone}), misalnya <i>07:30</i>."
        ).format(label=_label(turn), zone=_zone_name(turn)),
        turn.keyboard([[(_("❌ Batal"), CANCEL)]]),
    )


async def take_time(turn: Turn) -> str:
    """A time such as 07:30; the schedule changes from its next moment on."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != CANCEL:
            return REPEAT
        turn.say(_("Jadwal tidak diubah."))
        return END
    parsed = schedules.parse_time(turn.input.text)
    if parsed is None:
        turn.say(_("Tulis jam dengan angka, misalnya 07:30 atau 18:00."))
        return REPEAT
    if turn.staff is None or not turn.staff.is_admin:  # the role was taken away meanwhile
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    name = str(turn.data["name"])
    weekday = turn.data.get("weekday") if schedules.is_weekly(name) else None
    if schedules.is_weekly(name) and weekday is None:
        return DAY
    when = ScheduleTime(None if weekday is None else int(weekday), parsed[0], parsed[1])
    zone = turn.services.settings.timezone
    following = await schedules.change_schedule(
        turn.session, name=name, when=when, now=turn.now, timezone=zone
    )
    turn.say(
        _("✅ Jadwal diubah: {label}, {when}.\nBerikutnya: {date} pukul {time}.").format(
            label=_label(turn),
            when=describe(turn.t, when),
            date=turn.t.date(following),
            time=following.strftime("%H:%M"),
        )
    )
    return END


FLOW = Flow(
    name="jdw",
    entry_command="jadwal",
    steps={DAY: Step(ask_day, take_day), TIME: Step(ask_time, take_time)},
)
