"""The weekly follow-up check-in: who needs a caseworker's attention, and what she did about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.i18n import N_, Translator, translator
from bot.services import outbox, staff
from bot.storage import followups as repo
from bot.storage import staff as staff_repo
from bot.storage.models import (
    BusinessStatus,
    ClientEvent,
    FollowUpAction,
    FollowUpRequest,
    StaffRole,
)

SILENT_AFTER = timedelta(days=60)
MISSED_WITHIN = timedelta(days=30)
# More buttons than this in one Monday morning is noise; the rest come from the digest's button.
MAX_MESSAGES = 25


class FollowUpReason(StrEnum):
    """Why a client is on a caseworker's weekly list, most urgent first."""

    STOPPED = "stopped"
    DECLINING = "declining"
    MISSED_CHECKIN = "missed_checkin"
    SILENT = "silent"


REASON_LABELS = {
    FollowUpReason.STOPPED: N_("usaha berhenti atau tutup"),
    FollowUpReason.DECLINING: N_("usaha menurun"),
    FollowUpReason.MISSED_CHECKIN: N_("tidak menjawab pertanyaan rutin"),
    FollowUpReason.SILENT: N_("tidak ada laporan 60 hari"),
}
ACTION_LABELS = {
    FollowUpAction.CONTACTED: N_("📞 Sudah dihubungi"),
    FollowUpAction.VISITED: N_("🏠 Sudah dikunjungi"),
    FollowUpAction.UNREACHABLE: N_("📵 Tidak bisa dihubungi"),
    FollowUpAction.NO_ACTION: N_("✔️ Tidak perlu tindakan"),
}
_ORDER = list(FollowUpReason)


def week_start_of(moment: datetime, timezone: ZoneInfo) -> date:
    """The Monday (local date) of the week `moment` falls in."""
    local = moment.astimezone(timezone).date()
    return local - timedelta(days=local.weekday())


def reason_label(t: Translator, reason: str) -> str:
    """A reason in words, in the reader's language."""
    try:
        return t.gettext(REASON_LABELS[FollowUpReason(reason)])
    except ValueError:
        return reason


@dataclass(frozen=True)
class FollowUpAnswer(CallbackData, prefix="fu"):
    """One of the four answers under a client of the weekly list (checked against the presser)."""

    request_id: int
    action: FollowUpAction


@dataclass(frozen=True)
class FollowUpList(CallbackData, prefix="ful"):
    """The digest's button: her unanswered follow-ups again, each with its answers."""


def action_buttons(t: Translator, request_id: int) -> Buttons:
    """The four answers to one request, two by two."""
    pairs = [
        (t.gettext(label), FollowUpAnswer(request_id, action))
        for action, label in ACTION_LABELS.items()
    ]
    return rows_of([pairs[:2], pairs[2:]])


def list_button(t: Translator) -> Buttons:
    """The digest's one button, to see the unanswered follow-ups again."""
    return rows_of([[(t.gettext("📋 Tindak lanjut yang belum dicatat"), FollowUpList())]])


def _reason(status: str | None, missed: bool, silent: bool) -> FollowUpReason | None:
    if status in (BusinessStatus.PAUSED.value, BusinessStatus.CLOSED.value):
        return FollowUpReason.STOPPED
    if status == BusinessStatus.DECLINING.value:
        return FollowUpReason.DECLINING
    if missed:
        return FollowUpReason.MISSED_CHECKIN
    return FollowUpReason.SILENT if silent else None


@dataclass(frozen=True)
class Candidate:
    """A client who needs a follow-up this week, and why."""

    client_id: int
    full_name: str
    reason: FollowUpReason


async def caseworkers(session: AsyncSession) -> list[staff.StaffProfile]:
    """Active caseworkers linked to Telegram, with their areas."""
    found = await staff_repo.with_role(session, role=StaffRole.CASEWORKER)
    return [await staff.profile_of(session, s) for s in found]


async def clients_needing_followup(
    session: AsyncSession, *, profile: staff.StaffProfile, now: datetime
) -> list[Candidate]:
    """Her clients whose business stopped or declines, who fell silent, or missed a check-in."""
    rows = await repo.needing_followup(
        session,
        region_codes=profile.region_codes,
        upt_ids=profile.upt_ids,
        silent_before=now - SILENT_AFTER,
        missed_since=now - MISSED_WITHIN,
    )
    found = []
    for client_id, name, status, missed, silent in rows:
        reason = _reason(status, bool(missed), bool(silent))
        if reason is not None:
            found.append(Candidate(client_id, name, reason))
    return sorted(found, key=lambda c: (_ORDER.index(c.reason), c.full_name.lower(), c.client_id))


async def queue_weekly_requests(
    session: AsyncSession, *, moment: datetime, now: datetime, timezone: ZoneInfo
) -> int:
    """Each caseworker's weekly list: one request per client, one message with buttons each."""
    week = week_start_of(moment, timezone).isoformat()
    queued = 0
    for caseworker in await caseworkers(session):
        existing = await repo.requests_of_week(session, staff_id=caseworker.id, week_start=week)
        requests = []
        for candidate in await clients_needing_followup(session, profile=caseworker, now=now):
            request = existing.get(candidate.client_id) or await repo.add_request(
                session,
                request=FollowUpRequest(
                    staff_id=caseworker.id,
                    client_id=candidate.client_id,
                    week_start=week,
                    reason=candidate.reason.value,
                    created_at=now,
                ),
            )
            requests.append((request, candidate.full_name))
        queued += await _queue_list(session, caseworker, week, requests, now, timezone)
    return queued


async def _queue_list(
    session: AsyncSession,
    caseworker: staff.StaffProfile,
    week: str,
    requests: list[tuple[FollowUpRequest, str]],
    now: datetime,
    timezone: ZoneInfo,
) -> int:
    """A heading, then one message with four buttons per client (the first MAX_MESSAGES)."""
    open_requests = [(r, name) for r, name in requests if r.answered_at is None]
    if not open_requests or caseworker.telegram_id is None:
        return 0
    t = translator(caseworker.language, timezone)
    heading = t.gettext(
        "📋 <b>Tindak lanjut minggu ini</b>\n"
        "{count} klien Anda perlu ditindaklanjuti. Setelah menghubungi atau mengunjungi, "
        "tekan tombol yang sesuai di bawah nama masing-masing."
    ).format(count=len(open_requests))
    if len(open_requests) > MAX_MESSAGES:
        heading += "\n" + t.gettext(
            "{count} klien lainnya ada di tombol “Tindak lanjut yang belum dicatat” "
            "pada ringkasan harian."
        ).format(count=len(open_requests) - MAX_MESSAGES)
    chat = caseworker.telegram_id
    queued = 0
    if await outbox.enqueue(
        session,
        chat_id=chat,
        text=heading,
        purpose="followup",
        now=now,
        dedupe_key=f"fu-list:{caseworker.id}:{week}",
    ):
        queued += 1
    for request, name in open_requests[:MAX_MESSAGES]:
        if await outbox.enqueue(
            session,
            chat_id=chat,
            text=request_text(t, name, request.reason),
            purpose="followup",
            now=now,
            buttons=action_buttons(t, request.id),
            dedupe_key=f"fu:{request.id}",
        ):
            queued += 1
    return queued


def request_text(t: Translator, client_name: str, reason: str) -> str:
    """One client on the list: who, and why she needs a follow-up."""
    return t.gettext("👤 <b>{name}</b>\nAlasan: {reason}\nApa yang sudah Anda lakukan?").format(
        name=escape(client_name), reason=reason_label(t, reason)
    )


class AnswerOutcome(StrEnum):
    """What became of a press on a follow-up button."""

    RECORDED = "recorded"
    ALREADY = "already"  # answered before (e.g. a second press): nothing changes
    REFUSED = "refused"  # unknown, or not hers: looks exactly like a stale button


@dataclass(frozen=True)
class Answer:
    """The outcome, with the client's name when she may see it."""

    outcome: AnswerOutcome
    client_name: str = ""
    action: FollowUpAction | None = None


async def answer(
    session: AsyncSession,
    *,
    profile: staff.StaffProfile,
    request_id: int,
    action: FollowUpAction,
    now: datetime,
) -> Answer:
    """Record what she did for one client; only her own request, for a client still in her area."""
    found = await repo.request_with_client(session, request_id=request_id)
    if found is None:
        return Answer(AnswerOutcome.REFUSED)
    request, client = found
    if request.staff_id != profile.id or not profile.covers_client(client):
        return Answer(AnswerOutcome.REFUSED)
    if request.answered_at is not None:
        done = FollowUpAction(request.action) if request.action else None
        return Answer(AnswerOutcome.ALREADY, client.full_name, done)
    request.action, request.answered_at = action.value, now
    session.add(
        ClientEvent(
            client_id=client.id,
            staff_id=profile.id,
            kind="followup",
            note=action.value,
            created_at=now,
        )
    )
    await session.flush()
    return Answer(AnswerOutcome.RECORDED, client.full_name, action)


@dataclass(frozen=True)
class Pending:
    """An unanswered request, as the digest and the re-sent list show it."""

    request_id: int
    client_id: int
    client_name: str
    reason: str


async def unanswered(
    session: AsyncSession, *, profile: staff.StaffProfile, before: datetime
) -> list[Pending]:
    """Her requests still unanswered, one per client (the oldest), oldest first."""
    rows = await repo.unanswered(
        session,
        staff_id=profile.id,
        region_codes=profile.region_codes,
        upt_ids=profile.upt_ids,
        before=before,
    )
    seen: set[int] = set()
    pending = []
    for request_id, client_id, name, reason in rows:
        if client_id not in seen:
            seen.add(client_id)
            pending.append(Pending(request_id, client_id, name, reason))
    return pending
