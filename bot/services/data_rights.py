"""The data rights the consent notice promises (UU No. 27/2022): to see and copy her data, to
correct it, to have it erased, and to withdraw consent.

- **Export**: her profile, consent decisions, check-in settings and reports; nothing about
  staff (alerts, case notes, who handled what).
- **Correction**: name, kabupaten/kota, UPT and business are changed at once; a new NIK goes
  to her caseworkers to check against her KTP, and is not applied here.
- **Erasure**: name, NIK, phone, training, business and every free text about her are erased
  at once, her account is forgotten, and her caseworkers are told. Reports and check-ins stay,
  without photos, for statistics. The retention job then clears what is left (her flow state,
  queued or sent messages, the inbox) within a day, well inside the promised 3 × 24 hours.
- **Withdrawal**: consent_active = false stops every kind of processing that selects people by
  it (check-ins, reminders, follow-ups, digests); an open check-in is put aside, unsent bulk
  messages are dropped, and the dispatcher refuses her other commands until she consents again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reference import ppks_by_no, region_by_code
from bot.domain.vocabulary import ClientStatus
from bot.i18n import translator
from bot.services import accounts, client_requests, outbox, staff
from bot.storage import data_rights as repo
from bot.storage import users
from bot.storage.checkins import client_of_user
from bot.storage.models import CheckInStatus, Client, User

ERASURE_GRACE = timedelta(hours=24)  # time for her last replies to be delivered first
ERASURE_DEADLINE = timedelta(hours=72)  # what the notice promises
DRAFT_MAX_AGE = timedelta(days=7)
BATCH = 100
MAX_DRAFT_BATCHES = 50


@dataclass(frozen=True)
class ReportLine:
    """One report, as she sees it."""

    created_at: datetime
    business_status: str
    monthly_income: int
    employees: int
    obstacles: tuple[str, ...]
    photos: int


@dataclass(frozen=True)
class Export:
    """Everything the bot holds about her that is hers to see."""

    telegram_id: int
    language: str
    account_created_at: datetime
    consents: tuple[tuple[str, bool, datetime], ...]  # (notice version, granted, when)
    consent_active: bool
    full_name: str | None = None
    nik: str | None = None
    phone: str | None = None
    region_code: str | None = None
    upt: str | None = None
    training: str | None = None
    business_type: str | None = None
    ppks_category: int | None = None
    status: str | None = None
    registered_at: datetime | None = None
    verified_at: datetime | None = None
    checkins_paused_since: datetime | None = None
    next_checkin_at: datetime | None = None
    checkin_cadence_days: int | None = None
    reports: tuple[ReportLine, ...] = field(default=())
    # Her requests and applications, per kind (the provider's name): JSON-ready records.
    requests: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = field(default=())

    @property
    def consented_at(self) -> datetime | None:
        """When she last gave consent."""
        granted = [when for _version, ok, when in self.consents if ok]
        return granted[-1] if granted else None

    def as_json(self, now: datetime) -> dict[str, Any]:
        """The machine-readable copy (ISO dates, codes as stored, labels where useful)."""

        def iso(when: datetime | None) -> str | None:
            return when.isoformat() if when else None

        region = region_by_code(self.region_code or "")
        ppks = ppks_by_no(self.ppks_category) if self.ppks_category else None
        return {
            "exported_at": iso(now),
            "account": {
                "telegram_id": self.telegram_id,
                "language": self.language,
                "created_at": iso(self.account_created_at),
            },
            "consent": {
                "active": self.consent_active,
                "decisions": [
                    {"notice_version": v, "granted": ok, "recorded_at": iso(when)}
                    for v, ok, when in self.consents
                ],
            },
            "profile": {
                "full_name": self.full_name,
                "nik": self.nik,
                "phone": self.phone,
                "region_code": self.region_code,
                "region": region.label if region else None,
                "upt": self.upt,
                "training": self.training,
                "business": self.business_type,
                "ppks_category": ppks.name if ppks else None,
                "status": self.status,
                "registered_at": iso(self.registered_at),
                "verified_at": iso(self.verified_at),
            }
            if self.status is not None
            else None,
            "checkins": {
                "active": self.checkins_paused_since is None and self.consent_active,
                "paused_since": iso(self.checkins_paused_since),
                "next_at": iso(self.next_checkin_at),
                "every_days": self.checkin_cadence_days,
            }
            if self.status is not None
            else None,
            "reports": [
                {
                    "created_at": iso(r.created_at),
                    "business_status": r.business_status,
                    "monthly_income": r.monthly_income,
                    "employees": r.employees,
                    "obstacles": list(r.obstacles),
                    "photos": r.photos,
                }
                for r in self.reports
            ],
            "requests": {kind: list(records) for kind, records in self.requests},
        }


async def export(session: AsyncSession, *, telegram_id: int) -> Export | None:
    """Her data, or None when the bot holds no account for her."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        return None
    decisions = tuple(
        (c.notice_version, c.granted, c.recorded_at)
        for c in await repo.consents(session, user_id=user.id)
    )
    base: dict[str, Any] = {
        "telegram_id": user.telegram_id,
        "language": user.language,
        "account_created_at": user.created_at,
        "consents": decisions,
        "consent_active": user.consent_active,
    }
    client = user.client
    if client is None:
        return Export(**base)
    return Export(
        **base,
        full_name=client.full_name,
        nik=client.nik,
        phone=client.phone,
        region_code=client.region_code,
        upt=await repo.upt_name(session, upt_id=client.upt_id),
        training=client.training,
        business_type=client.business_type,
        ppks_category=client.ppks_category,
        status=client.status,
        registered_at=client.created_at,
        verified_at=client.verified_at,
        checkins_paused_since=user.opted_out_at,
        next_checkin_at=client.next_checkin_at,
        checkin_cadence_days=client.checkin_cadence_days,
        reports=tuple(
            ReportLine(
                r.created_at,
                r.business_status,
                r.monthly_income,
                r.employees,
                tuple(o for o in r.obstacles.split(",") if o),
                len(r.photos or []),
            )
            for r in await repo.reports(session, client_id=client.id)
        ),
        requests=tuple(
            [
                (provider.name, tuple(await provider.export(session, client.id)))
                for provider in client_requests.providers()
                if provider.export is not None
            ]
        ),
    )


@dataclass(frozen=True)
class Details:
    """The fields she may correct herself, as they are now."""

    full_name: str
    region_code: str
    upt_id: int | None
    business: str | None


async def details(session: AsyncSession, *, telegram_id: int) -> Details | None:
    """Her correctable fields (None when she is not a registered client with consent)."""
    found = await client_of_user(session, telegram_id=telegram_id)
    if found is None or not found[0].consent_active:
        return None
    client = found[1]
    return Details(client.full_name, client.region_code, client.upt_id, client.business_type)


async def upt_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """The UPTs she may pick from."""
    return await repo.upts(session)


async def upt_name(session: AsyncSession, *, upt_id: int | None) -> str | None:
    """A UPT's name."""
    return await repo.upt_name(session, upt_id=upt_id)


async def correct(
    session: AsyncSession,
    *,
    telegram_id: int,
    wanted: Details,
    new_nik: str | None,
    now: datetime,
) -> bool | None:
    """Apply her corrections; a new NIK goes to her caseworkers to verify.

    Returns None when she may not (no longer registered, or consent withdrawn), otherwise
    whether her caseworkers were told something (deliver the outbox)."""
    found = await client_of_user(session, telegram_id=telegram_id)
    if found is None or not found[0].consent_active:
        return None
    client = found[1]
    upt_ids = {u for u, _name in await repo.upts(session)}
    if region_by_code(wanted.region_code) is None or (
        wanted.upt_id is not None and wanted.upt_id not in upt_ids
    ):
        return None
    client.full_name = wanted.full_name
    client.region_code = wanted.region_code
    client.upt_id = wanted.upt_id
    client.business_type = wanted.business
    if new_nik is None or new_nik == client.nik:
        return False
    return (
        await _tell_caseworkers(
            session, client, now=now, key=f"nik:{client.id}:{new_nik}", nik=new_nik
        )
        > 0
    )


async def _tell_caseworkers(
    session: AsyncSession, client: Client, *, now: datetime, key: str, nik: str | None = None
) -> int:
    """A NIK to verify (`nik`), or an erasure done: one message per responsible caseworker."""
    told = 0
    region = region_by_code(client.region_code)
    where = region.label if region else client.region_code
    for member in await staff.responsible_for(session, client=client):
        if member.telegram_id is None:
            continue
        t = translator(member.language)
        if nik is not None:
            text = t.gettext(
                "🪪 <b>Perbaikan NIK perlu diperiksa</b>\n"
                "Klien: {name}\nWilayah: {region}\n"
                "NIK baru menurut klien: <code>{nik}</code>\n"
                "Cocokkan dengan KTP atau Kartu Keluarga-nya sebelum mengubah datanya."
            ).format(name=escape(client.full_name), region=escape(where), nik=nik)
            purpose = "correction"
        else:
            text = t.gettext(
                "🗑️ <b>Data klien dihapus atas permintaannya</b>\n"
                "Klien: {name}\nWilayah: {region}\n"
                "Data pribadinya sudah dihapus. Laporan usahanya disimpan tanpa nama, "
                "hanya untuk statistik. Mohon hapus juga catatan pribadi Anda tentang dia."
            ).format(name=escape(client.full_name), region=escape(where))
            purpose = "erasure"
        queued = await outbox.enqueue(
            session,
            chat_id=member.telegram_id,
            text=text,
            purpose=purpose,
            now=now,
            dedupe_key=f"{key}:{member.id}",
        )
        told += queued is not None
    return told


@dataclass(frozen=True)
class Erased:
    """What /hapus did."""

    told_caseworkers: bool
    files: tuple[str, ...] = ()  # her stored photos and documents, to remove after the commit


async def erase(session: AsyncSession, *, telegram_id: int, now: datetime) -> Erased | None:
    """Erase her personal data now (None: the bot holds no account for her)."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        return None
    client = user.client
    erasure = await repo.add_erasure(
        session, client_id=client.id if client else None, telegram_id=telegram_id, now=now
    )
    told = 0
    files: list[str] = []
    if client is not None:
        told = await _tell_caseworkers(session, client, now=now, key=f"erasure:{erasure.id}")
        # her requests and applications: their free text, and their files
        for provider in client_requests.providers():
            if provider.erase is not None:
                files += await provider.erase(session, client.id)
        await repo.anonymise_records(session, client_id=client.id)
        await repo.close_open_alerts(session, client_id=client.id, now=now)
        for checkin in await repo.open_checkins(session, client_id=client.id):
            checkin.status, checkin.resolved_at = CheckInStatus.MISSED.value, now
            checkin.answer = "erased"
        client.full_name = ""
        client.nik = None
        client.nik_hash = None
        client.phone = None
        client.training = None
        client.business_type = None
        client.rejection_reason = None
        client.status = ClientStatus.ERASED.value
        client.next_checkin_at = None
        client.user_id = None
    await repo.forget_consents(session, user_id=user.id)
    await session.delete(user)  # her account
    await session.flush()
    return Erased(told_caseworkers=told > 0, files=tuple(files))


async def finish_erasures(session: AsyncSession, *, now: datetime) -> int:
    """Clear what erasures left behind (her flow state, messages, inbox); how many finished."""
    pending = await repo.pending_erasures(
        session, requested_before=now - ERASURE_GRACE, limit=BATCH
    )
    for erasure in pending:
        if erasure.telegram_id is not None:
            await repo.clear_chat(session, telegram_id=erasure.telegram_id)
        await repo.clear_messages_about(
            session, client_id=erasure.client_id, dedupe_prefix=f"erasure:{erasure.id}:"
        )
        erasure.telegram_id = None
        erasure.completed_at = now
    return len(pending)


async def withdraw_consent(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """Stop processing her data (everything but erasure); False when there is no account."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        return False
    await _withdraw(session, user, now=now)
    return True


async def _withdraw(session: AsyncSession, user: User, *, now: datetime) -> None:
    await users.add_consent(
        session, user=user, notice_version=accounts.NOTICE_VERSION, granted=False, now=now
    )
    user.consent_active = False
    client = user.client
    if client is not None:
        for checkin in await repo.open_checkins(session, client_id=client.id):
            # Put aside, as /berhenti does: asked again only after consent is given again.
            checkin.status, checkin.resolved_at = CheckInStatus.SNOOZED.value, now
            checkin.answer = "withdrawn"
            client.next_checkin_at = checkin.due_at
    await repo.drop_bulk_to(session, telegram_id=user.telegram_id)


async def consent_again(
    session: AsyncSession, *, telegram_id: int, language: str, now: datetime
) -> accounts.Profile:
    """She gives consent again: processing resumes (a check-in put aside is asked again)."""
    return await accounts.record_consent(
        session, telegram_id=telegram_id, language=language, now=now
    )


async def expire_drafts(session: AsyncSession, *, flows: tuple[str, ...], now: datetime) -> int:
    """Registration drafts holding a NIK, abandoned for 7 days: deleted; returns how many."""
    before = now - DRAFT_MAX_AGE
    expired = 0
    cursor: tuple[datetime, int] | None = None
    for _batch in range(MAX_DRAFT_BATCHES):
        rows = await repo.stale_drafts(
            session, flows=flows, before=before, after=cursor, limit=BATCH
        )
        for row in rows:
            draft = (row.data or {}).get("draft") or {}
            if draft.get("nik") and await repo.remove_conversation(
                session, telegram_id=row.telegram_id, before=before
            ):
                expired += 1
        if len(rows) < BATCH:
            break
        cursor = (rows[-1].updated_at, rows[-1].telegram_id)
    return expired
