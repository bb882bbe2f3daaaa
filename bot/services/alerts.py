"""Alerts to caseworkers: one per event, claimed as a case, relayed, closed, escalated.

An alert goes to every caseworker responsible for the client's region or UPT. Its event key is
unique, so one event makes one alert (and one message per caseworker) even across restarts.
Every action on a case checks on the server that the staff member covers the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reference import region_by_code
from bot.i18n import N_, Translator, translator
from bot.services import outbox, staff
from bot.services.staff import StaffProfile
from bot.storage import alerts as repo
from bot.storage import staff as staff_repo
from bot.storage.models import (
    Alert,
    AlertKind,
    BusinessStatus,
    Client,
    ClientEvent,
    Obstacle,
    User,
)

ESCALATE_AFTER = timedelta(hours=48)
ESCALATION_BATCH = 100

KIND_TITLES = {
    AlertKind.BUSINESS_STOPPED: N_("🔴 Usaha berhenti"),
    AlertKind.INCOME_DROP: N_("📉 Penghasilan turun tajam"),
    AlertKind.HEALTH: N_("🩺 Kendala kesehatan"),
    AlertKind.CHECKIN_MISSED: N_("🔕 Pertanyaan rutin tidak dijawab"),
    AlertKind.AWAITING_VERIFICATION: N_("🆕 Pendaftaran menunggu verifikasi"),
}


class Op(StrEnum):
    """What an alert button does (the last part of its callback data `g:al:<id>:<op>`)."""

    CLAIM = "c"
    REPLY = "r"
    CLOSE = "x"


class ClaimOutcome(StrEnum):
    """How pressing "Saya tangani" ended."""

    CLAIMED = "claimed"
    MINE = "mine"  # she had claimed it already
    TAKEN = "taken"  # another caseworker claimed it first
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    """An alert together with its client, as seen by one staff member allowed to see it."""

    alert: Alert
    client: Client


@dataclass(frozen=True)
class Party:
    """Someone a relayed message goes to."""

    chat_id: int
    language: str
    name: str


def case_rows(t: Translator, alert_id: int, *, claimed: bool) -> list[list[tuple[str, str]]]:
    """The alert's buttons as (label, value without the `g:` prefix)."""
    rows = [] if claimed else [[(t.gettext("🙋 Saya tangani"), f"al:{alert_id}:{Op.CLAIM}")]]
    rows.append(
        [
            (t.gettext("💬 Balas"), f"al:{alert_id}:{Op.REPLY}"),
            (t.gettext("✅ Selesai"), f"al:{alert_id}:{Op.CLOSE}"),
        ]
    )
    return rows


def outbox_rows(rows: list[list[tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    """Global button values as callback data, for a message queued in the outbox."""
    return [[(label, "g:" + value) for label, value in row] for row in rows]


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
) -> None:
    """Queue the alert for one staff member and remember the message (to edit it later)."""
    if member.telegram_id is None:
        return
    t = translator(member.language)
    text = describe(t, alert, client)
    if escalated:
        text = t.gettext("⚠️ <b>Belum ada yang menangani selama 48 jam.</b>") + "\n" + text
    message = await outbox.enqueue(
        session,
        chat_id=member.telegram_id,
        text=text,
        purpose="alert",
        now=now,
        buttons=outbox_rows(case_rows(t, alert.id, claimed=False)),
        dedupe_key=key,
    )
    await repo.add_delivery(
        session, alert_id=alert.id, staff_id=member.id, outbox_id=message.id if message else None
    )


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


async def open_case(
    session: AsyncSession, *, alert_id: int, member: StaffProfile, lock: bool = False
) -> Case | None:
    """The alert, if this staff member is responsible for its client (else None, as if absent)."""
    alert = await repo.get(session, alert_id=alert_id, lock=lock)
    if alert is None:
        return None
    client = await session.get(Client, alert.client_id)
    if client is None or not member.covers_client(client):
        return None
    return Case(alert, client)


async def claimer_name(session: AsyncSession, alert: Alert) -> str:
    """The name of the staff member handling the case."""
    if alert.claimed_by_staff_id is None:
        return ""
    found = await staff_repo.get(session, staff_id=alert.claimed_by_staff_id)
    return found.full_name if found else ""


async def claim(
    session: AsyncSession, *, case: Case, member: StaffProfile, now: datetime
) -> ClaimOutcome:
    """Take the case on; the others who got the alert are told who did."""
    alert = case.alert
    if alert.closed_at is not None:
        return ClaimOutcome.CLOSED
    if alert.claimed_by_staff_id is not None:
        mine = alert.claimed_by_staff_id == member.id
        return ClaimOutcome.MINE if mine else ClaimOutcome.TAKEN
    alert.claimed_by_staff_id, alert.claimed_at = member.id, now
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=case.client.id,
            staff_id=member.id,
            kind="case_claimed",
            note=alert.kind,
            created_at=now,
        ),
    )
    for staff_id in await repo.delivered_to(session, alert_id=alert.id):
        other = await staff_repo.get(session, staff_id=staff_id)
        if staff_id == member.id or other is None or other.telegram_id is None:
            continue
        t = translator(other.language)
        text = t.gettext("ℹ️ Kasus {client} ({what}) sudah ditangani oleh {name}.").format(
            client=escape(case.client.full_name),
            what=title(t, alert),
            name=escape(member.full_name),
        )
        await outbox.enqueue(
            session,
            chat_id=other.telegram_id,
            text=text,
            purpose="alert-claimed",
            now=now,
            dedupe_key=f"claimed:{alert.id}:{staff_id}",
        )
    return ClaimOutcome.CLAIMED


def is_handler(case: Case, member: StaffProfile) -> bool:
    """True when this staff member handles the open case."""
    return case.alert.closed_at is None and case.alert.claimed_by_staff_id == member.id


def start_relay(case: Case, *, now: datetime) -> None:
    """From now on the client's free-text messages go to the case's handler."""
    case.alert.relay_started_at = case.alert.relay_started_at or now


async def client_party(session: AsyncSession, client: Client) -> Party | None:
    """Where a message to the client goes; None when she has no Telegram account linked."""
    user = await session.get(User, client.user_id) if client.user_id is not None else None
    if user is None:
        return None
    return Party(user.telegram_id, user.language, client.full_name)


async def relay_to_caseworker(
    session: AsyncSession, *, client_id: int
) -> tuple[Alert, Party] | None:
    """The open case in which a caseworker writes to this client, and that caseworker."""
    alert = await repo.open_relay(session, client_id=client_id)
    if alert is None or alert.claimed_by_staff_id is None:
        return None
    handler = await staff_repo.get(session, staff_id=alert.claimed_by_staff_id)
    if handler is None or not handler.active or handler.telegram_id is None:
        return None
    return alert, Party(handler.telegram_id, handler.language, handler.full_name)


async def close_case(
    session: AsyncSession, *, case: Case, member: StaffProfile, note: str, now: datetime
) -> bool:
    """Close the case with a note (its handler, or an administrator); False if not allowed."""
    alert = case.alert
    if alert.closed_at is not None:
        return False
    if alert.claimed_by_staff_id != member.id and not member.is_admin:
        return False
    alert.closed_at, alert.close_note = now, note
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=case.client.id,
            staff_id=member.id,
            kind="case_closed",
            note=note,
            created_at=now,
        ),
    )
    return True


async def stale_messages(session: AsyncSession, *, limit: int) -> list[tuple[int, int, int]]:
    """Alert messages whose buttons no longer apply: (delivery id, chat id, message id)."""
    return await repo.stale_messages(session, limit=limit)


async def forget_messages(session: AsyncSession, *, delivery_ids: list[int]) -> None:
    """Those alert messages were edited: leave them alone from now on."""
    await repo.forget_messages(session, delivery_ids=delivery_ids)
