"""Alerts to caseworkers: one per event, to everyone responsible, escalated when unclaimed.

An alert goes to every caseworker responsible for the client's region or UPT. Its event key is
unique, so one event makes one alert (and one message per caseworker) even across restarts.
Every action on a case checks on the server that the staff member covers the client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.domain.reference import region_by_code
from bot.domain.vocabulary import BusinessStatus, Obstacle
from bot.i18n import N_, Translator, translator
from bot.services import outbox, staff
from bot.services.staff import StaffProfile
from bot.storage import alerts as repo
from bot.storage.models import Alert, AlertKind, Client

ESCALATE_AFTER = timedelta(hours=48)
ESCALATION_BATCH = 100

KIND_TITLES = {
    AlertKind.BUSINESS_STOPPED: N_("🔴 Usaha berhenti"),
    AlertKind.INCOME_DROP: N_("📉 Penghasilan turun tajam"),
    AlertKind.HEALTH: N_("🩺 Kendala kesehatan"),
    AlertKind.CHECKIN_MISSED: N_("🔕 Pertanyaan rutin tidak dijawab"),
    AlertKind.AWAITING_VERIFICATION: N_("🆕 Pendaftaran menunggu verifikasi"),
    AlertKind.MARKETING_REQUEST: N_("🛍️ Permintaan bantuan pemasaran"),
    AlertKind.PROGRAM_APPLICATION: N_("📝 Pengajuan program"),
}


@dataclass(frozen=True)
class KindExtras:
    """What a kind of alert adds, registered by the service that raises it (e.g. a marketing
    request's 🤝 Rujuk ke mitra button, its lines and its photos)."""

    rows: Callable[[Translator, Alert], list[list[tuple[str, CallbackData]]]]
    detail: Callable[[AsyncSession, Translator, Alert], Awaitable[str]]
    # (session, alert, staff member, now, dedupe key): e.g. the product photos after the alert
    after: Callable[[AsyncSession, Alert, StaffProfile, datetime, str], Awaitable[None]] | None = (
        None
    )
    # (session, alert, staff member, now): the alert was claimed, or closed
    on_claim: Callable[[AsyncSession, Alert, StaffProfile, datetime], Awaitable[None]] | None = None
    on_close: Callable[[AsyncSession, Alert, StaffProfile, datetime], Awaitable[None]] | None = None
    # (session, alert, staff member, the text relayed to the client, now): staff wrote to her
    # from the alert (💬 Balas), e.g. the last words from staff that /status shows
    on_reply: (
        Callable[[AsyncSession, Alert, StaffProfile, str, datetime], Awaitable[None]] | None
    ) = None


EXTRAS: dict[AlertKind, KindExtras] = {}


class Op(StrEnum):
    """What an alert button does."""

    CLAIM = "c"
    REPLY = "r"
    CLOSE = "x"


@dataclass(frozen=True)
class AlertPress(CallbackData, prefix="al"):
    """A button of an alert (or of a relayed message): 🙋 Saya tangani, 💬 Balas, ✅ Selesai.

    Valid from any chat state; who may act on which alert is checked on the server."""

    alert_id: int
    op: Op


def case_rows(
    t: Translator, alert_id: int, *, claimed: bool, alert: Alert | None = None
) -> Buttons:
    """The alert's buttons: without 🙋 once someone handles the case (and, given the alert,
    the buttons its kind adds)."""
    rows: list[list[tuple[str, CallbackData]]] = []
    if not claimed:
        rows.append([(t.gettext("🙋 Saya tangani"), AlertPress(alert_id, Op.CLAIM))])
    rows.append(
        [
            (t.gettext("💬 Balas"), AlertPress(alert_id, Op.REPLY)),
            (t.gettext("✅ Selesai"), AlertPress(alert_id, Op.CLOSE)),
        ]
    )
    extras = EXTRAS.get(AlertKind(alert.kind)) if alert is not None else None
    if alert is not None and extras is not None and alert.closed_at is None:
        rows += extras.rows(t, alert)
    return rows_of(rows)


def title(t: Translator, alert: Alert) -> str:
    """The alert's kind in a few words."""
    return t.gettext(KIND_TITLES[AlertKind(alert.kind)])


def region_label(client: Client) -> str:
    """The client's kabupaten/kota, e.g. "Kab. Bojonegoro"."""
    region = region_by_code(client.region_code)
    return region.label if region else client.region_code


def _detail(t: Translator, alert: Alert) -> str:
    _ = t.gettext
    kind, detail = AlertKind(alert.kind), alert.detail or ""
    if kind is AlertKind.BUSINESS_STOPPED:
        if detail == BusinessStatus.CLOSED.value:
            return _("Klien melaporkan usahanya sudah tutup.")
        return _("Klien melaporkan usahanya berhenti sementara.")
    if kind is AlertKind.INCOME_DROP:
        before, _sep, after = detail.partition(":")
        return _("Penghasilan sebulan turun dari {before} menjadi {after}.").format(
            before=t.money(int(before or 0)), after=t.money(int(after or 0))
        )
    if kind is AlertKind.HEALTH:
        return _("Klien melaporkan kendala kesehatan.")
    if kind is AlertKind.MARKETING_REQUEST:
        return _("Klien meminta bantuan pemasaran.")
    if kind is AlertKind.PROGRAM_APPLICATION:
        return _("Klien mengajukan diri untuk program {program}.").format(program=detail)
    if kind is AlertKind.CHECKIN_MISSED:
        sent = t.date(datetime.fromisoformat(detail)) if detail else ""
        return _("Pertanyaan rutin tanggal {date} tidak dijawab, juga setelah diingatkan.").format(
            date=sent
        )
    return _("Klien mendaftar sendiri dan menunggu verifikasi.")


def describe(t: Translator, alert: Alert, client: Client) -> str:
    """The alert message: what happened, to whom, where."""
    _ = t.gettext
    return "\n".join(
        [
            "<b>" + title(t, alert) + "</b>",
            _("Klien: {name}").format(name=escape(client.full_name)),
            _("Wilayah: {region}").format(region=escape(region_label(client))),
            escape(_detail(t, alert)),
        ]
    )


async def _notify(
    session: AsyncSession,
    alert: Alert,
    client: Client,
    member: StaffProfile,
    *,
    key: str,
    now: datetime,
    escalated: bool = False,
    again: bool = False,
) -> None:
    """Queue the alert for one staff member and remember the message (to edit it later)."""
    if member.telegram_id is None:
        return
    t = translator(member.language)
    text = describe(t, alert, client)
    extras = EXTRAS.get(AlertKind(alert.kind))
    if extras is not None:
        text += "\n" + await extras.detail(session, t, alert)
    if escalated:
        text = t.gettext("⚠️ <b>Belum ada yang menangani selama 48 jam.</b>") + "\n" + text
    elif again:
        note = t.gettext("⚠️ <b>Pendamping kasus ini tidak aktif lagi. Mohon ditangani.</b>")
        text = note + "\n" + text
    message = await outbox.enqueue(
        session,
        chat_id=member.telegram_id,
        text=text,
        purpose="alert",
        now=now,
        buttons=case_rows(t, alert.id, claimed=False, alert=alert),
        dedupe_key=key,
    )
    await repo.add_delivery(
        session, alert_id=alert.id, staff_id=member.id, outbox_id=message.id if message else None
    )
    if extras is not None and extras.after is not None:
        await extras.after(session, alert, member, now, key)


async def raise_alert(
    session: AsyncSession,
    *,
    client: Client,
    kind: AlertKind,
    event_key: str,
    detail: str | None,
    now: datetime,
) -> Alert | None:
    """Alert every caseworker responsible for the client; None when this event was alerted."""
    if await repo.by_event_key(session, event_key=event_key) is not None:
        return None
    alert = Alert(
        client_id=client.id, kind=kind.value, event_key=event_key, detail=detail, created_at=now
    )
    try:
        async with session.begin_nested():  # another process may raise the same event
            await repo.add(session, alert=alert)
    except IntegrityError:
        return None
    for member in await staff.responsible_for(session, client=client):
        await _notify(session, alert, client, member, key=f"alert:{alert.id}:{member.id}", now=now)
    return alert


async def notify_again(
    session: AsyncSession, *, alert: Alert, client: Client, now: datetime
) -> None:
    """The case went back to unclaimed (its caseworker was deactivated): everyone responsible
    gets the alert again, with buttons to take it on."""
    for member in await staff.responsible_for(session, client=client):
        key = f"alert:{alert.id}:{member.id}:again:{int(now.timestamp())}"
        await _notify(session, alert, client, member, key=key, now=now, again=True)


async def alert_on_report(
    session: AsyncSession,
    *,
    client: Client,
    report_id: int,
    status: BusinessStatus,
    obstacles: tuple[Obstacle, ...],
    income: int,
    previous_income: int | None,
    now: datetime,
) -> bool:
    """Raise the alerts a new report calls for; True when any was raised."""
    found: list[tuple[AlertKind, str | None]] = []
    if status in (BusinessStatus.PAUSED, BusinessStatus.CLOSED):
        found.append((AlertKind.BUSINESS_STOPPED, status.value))
    elif previous_income and income * 2 <= previous_income:  # a stop explains the lost income
        found.append((AlertKind.INCOME_DROP, f"{previous_income}:{income}"))
    if Obstacle.HEALTH in obstacles:
        found.append((AlertKind.HEALTH, None))
    raised = False
    for kind, detail in found:
        key = f"report:{report_id}:{kind.value}"
        alert = await raise_alert(
            session, client=client, kind=kind, event_key=key, detail=detail, now=now
        )
        raised = raised or alert is not None
    return raised


async def escalate_due(session: AsyncSession, *, now: datetime) -> int:
    """Send alerts nobody claimed within 48 hours to the administrators, once."""
    due = await repo.unclaimed_since(session, before=now - ESCALATE_AFTER, limit=ESCALATION_BATCH)
    admins = await staff.administrators(session) if due else []
    for alert, client in due:
        alert.escalated_at = now
        for admin in admins:
            key = f"escalate:{alert.id}:{admin.id}"
            await _notify(session, alert, client, admin, key=key, now=now, escalated=True)
    return len(due)
