"""Marketing help (/pemasaran): requests, their alert to the caseworkers, referrals to partners.

A confirmed request raises a `MARKETING_REQUEST` alert (claim, reply and close as any alert,
plus 🤝 Rujuk ke mitra and 🚫 Tolak). Claiming it puts the request in progress; closing it
makes it done. A referral first asks the client whether her name may be shared with the
agency; only after her answer do the agency's officers get it, never with the NIK, and with
her name only if she agreed. The client is told of every change, through the outbox.

Every action checks on the server who may take it: a caseworker only for clients she covers,
an officer only for referrals to her own agency, a client only for her own request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.chat.messages import rows_of
from bot.domain.vocabulary import (
    HELP_WANTED_LABELS,
    REFERRAL_OUTCOME_LABELS,
    REQUEST_STATUS_LABELS,
    HelpWanted,
    ReferralOutcome,
    RequestStatus,
    StaffRole,
)
from bot.i18n import N_, Translator, translator
from bot.services import alerts, audit, media, outbox
from bot.services.audit import AuditAction, Subject
from bot.services.media import FileRef
from bot.services.overview import DigestCounts, Provider, StatusItem
from bot.services.staff import StaffProfile
from bot.storage import alerts as alerts_repo
from bot.storage import marketing as repo
from bot.storage import staff as staff_repo
from bot.storage.models import (
    Agency,
    Alert,
    AlertKind,
    Client,
    MarketingRequest,
    MediaFile,
    MediaOwner,
    Referral,
    ReferralStatus,
    RequestEvent,
    Staff,
    User,
)

MAX_PHOTOS = 5
MAX_CAPACITY = 100_000
MAX_PRICE = 999_999_999
UNANSWERED_AFTER = timedelta(days=3)
OPEN = (RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS, RequestStatus.REFERRED)
KIND_LABEL = N_("🛍️ Bantuan pemasaran")


class RequestOp(StrEnum):
    """What a caseworker's button under a request alert does."""

    REFER = "r"
    DECLINE = "d"


@dataclass(frozen=True)
class RequestPress(CallbackData, prefix="mr"):
    """🤝 Rujuk ke mitra / 🚫 Tolak under a request's alert (caseworkers)."""

    request_id: int
    op: RequestOp


@dataclass(frozen=True)
class ConsentPress(CallbackData, prefix="mc"):
    """The client's answer: may her name be shared with the agency?"""

    referral_id: int
    share: bool


class OfficerOp(StrEnum):
    """What a partner officer's button under a referral does."""

    ACCEPT = "a"
    PROGRESS = "p"
    CLOSE = "c"


@dataclass(frozen=True)
class OfficerPress(CallbackData, prefix="mo"):
    """✅ Terima / 📝 Kabar perkembangan / 🏁 Selesaikan under a referral (officers)."""

    referral_id: int
    op: OfficerOp


@dataclass(frozen=True)
class RequestInput:
    """A complete request as the client confirmed it."""

    product: str
    description: str
    price_low: int
    price_high: int
    capacity: int
    help: tuple[HelpWanted, ...]
    other: str | None = None
    photos: tuple[str, ...] = ()  # Telegram file ids


@dataclass(frozen=True)
class Submitted:
    """What the client is told after confirming."""

    request_id: int
    alerted: bool


class Refusal(StrEnum):
    """Why an action was not taken (the handler says it in the reader's words)."""

    NOT_OPEN = "not_open"  # done or declined already
    REFERRAL_OPEN = "referral_open"  # a referral is already waiting or with an agency
    NO_AGENCY = "no_agency"  # no such active agency


# -- reading ----------------------------------------------------------------------------------


def help_list(request: MarketingRequest) -> list[HelpWanted]:
    """The help she asked for, in the order of the list."""
    chosen = {value for value in request.help_wanted.split(",") if value}
    return [h for h in HelpWanted if h.value in chosen]


def help_text(t: Translator, request: MarketingRequest) -> str:
    """The help wanted in words, "other" with her own words."""
    parts = []
    for wanted in help_list(request):
        label = t.gettext(HELP_WANTED_LABELS[wanted])
        if wanted is HelpWanted.OTHER and request.other_help:
            label += f" ({request.other_help})"
        parts.append(label)
    return ", ".join(parts)


def price_text(t: Translator, low: int, high: int) -> str:
    """Rp25.000, or Rp20.000–Rp35.000."""
    if low == high:
        return t.money(low)
    return f"{t.money(low)}–{t.money(high)}"


def describe(t: Translator, request: MarketingRequest, *, photos: int) -> list[str]:
    """The request's lines, as staff and partner officers see them (escaped HTML)."""
    _ = t.gettext
    return [
        _("Produk: {product}").format(product=escape(request.product)),
        _("Keterangan: {text}").format(text=escape(request.description)),
        _("Harga: {price}").format(price=price_text(t, request.price_low, request.price_high)),
        _("Kemampuan produksi: {n} per bulan").format(n=request.capacity),
        _("Bantuan yang diminta: {help}").format(help=escape(help_text(t, request))),
        _("Foto: {n}").format(n=photos),
    ]


def _alert_rows(t: Translator, alert: Alert) -> list[list[tuple[str, CallbackData]]]:
    request_id = int(alert.detail or 0)
    return [
        [
            (t.gettext("🤝 Rujuk ke mitra"), RequestPress(request_id, RequestOp.REFER)),
            (t.gettext("🚫 Tolak"), RequestPress(request_id, RequestOp.DECLINE)),
        ]
    ]


async def alert_detail(session: AsyncSession, t: Translator, alert: Alert) -> str:
    """The request's lines under its alert (the alert's detail holds the request's id)."""
    request = await repo.get(session, request_id=int(alert.detail or 0))
    if request is None:
        return ""
    photos = await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request.id)
    return "\n".join(describe(t, request, photos=len(photos)))


async def _alert_photos(
    session: AsyncSession, alert: Alert, member: StaffProfile, now: datetime, key: str
) -> None:
    if member.telegram_id is not None:
        await send_request_photos(
            session,
            alert=alert,
            chat_id=member.telegram_id,
            language=member.language,
            now=now,
            key=f"{key}:photos",
        )


async def _on_claim(
    session: AsyncSession, alert: Alert, member: StaffProfile, now: datetime
) -> None:
    await on_claimed(session, alert=alert, member=member, now=now)


async def _on_close(
    session: AsyncSession, alert: Alert, member: StaffProfile, now: datetime
) -> None:
    await on_closed(session, alert=alert, member=member, now=now)


async def _on_reply(
    session: AsyncSession, alert: Alert, member: StaffProfile, text: str, now: datetime
) -> None:
    """A caseworker wrote to the client from the request's alert: her words are the request's
    last words from staff (/status), and the request counts as answered."""
    request = await repo.by_alert(session, alert_id=alert.id)
    if request is not None:
        await _event(session, request, kind="message", now=now, staff_id=member.id, note=text)


alerts.EXTRAS[AlertKind.MARKETING_REQUEST] = alerts.KindExtras(
    rows=_alert_rows,
    detail=alert_detail,
    after=_alert_photos,
    on_claim=_on_claim,
    on_close=_on_close,
    on_reply=_on_reply,
)


# -- telling people ---------------------------------------------------------------------------


async def _client_chat(session: AsyncSession, client_id: int) -> tuple[int, Translator] | None:
    client = await session.get(Client, client_id)
    if client is None or client.user_id is None:
        return None
    user = await session.get(User, client.user_id)
    if user is None:
        return None
    return user.telegram_id, translator(user.language)


async def _tell_client(
    session: AsyncSession,
    request: MarketingRequest,
    *,
    text: str,
    key: str,
    now: datetime,
    fields: dict[str, str] | None = None,
    buttons: Sequence[Sequence[tuple[str, CallbackData]]] = (),
) -> bool:
    """Queue a message to the request's client, in her language; `text` is a msgid whose
    {product} (and `fields`) are filled in. False when she has no chat."""
    found = await _client_chat(session, request.client_id)
    if found is None:
        return False
    chat_id, t = found
    values = {"product": escape(request.product)}
    for name, value in (fields or {}).items():
        values[name] = t.gettext(value) if name.endswith("_label") else escape(value)
    await outbox.enqueue(
        session,
        chat_id=chat_id,
        text=t.gettext(text).format(**values),
        purpose="marketing",
        now=now,
        buttons=rows_of([[(t.gettext(label), action) for label, action in row] for row in buttons]),
        dedupe_key=key,
    )
    return True


async def _tell_staff(
    session: AsyncSession,
    member: Staff | StaffProfile,
    *,
    text: str,
    now: datetime,
    key: str,
    values: dict[str, str],
) -> None:
    if member.telegram_id is None:
        return
    t = translator(member.language)
    await outbox.enqueue(
        session,
        chat_id=member.telegram_id,
        text=t.gettext(text).format(**{k: escape(v) for k, v in values.items()}),
        purpose="marketing",
        now=now,
        dedupe_key=key,
    )


async def _event(
    session: AsyncSession,
    request: MarketingRequest,
    *,
    kind: str,
    now: datetime,
    staff_id: int | None = None,
    note: str | None = None,
    status: RequestStatus | None = None,
) -> None:
    if status is not None:
        request.status = status.value
    request.updated_at = now
    if staff_id is not None:
        request.answered_at = now
    await repo.add_event(
        session,
        event=RequestEvent(
            request_id=request.id,
            staff_id=staff_id,
            kind=kind,
            status=request.status,
            note=note,
            created_at=now,
        ),
    )


# -- the client's request ---------------------------------------------------------------------


async def submit_request(
    session: AsyncSession, *, client_id: int, request: RequestInput, now: datetime
) -> Submitted:
    """Store a confirmed request with its photos and alert the client's caseworkers."""
    if not 0 < request.price_low <= request.price_high <= MAX_PRICE:
        raise ValueError("price out of range")
    if not 0 < request.capacity <= MAX_CAPACITY or not request.help:
        raise ValueError("capacity or help missing")
    if not 1 <= len(request.photos) <= MAX_PHOTOS:
        raise ValueError("1 to 5 photos")
    client = await session.get(Client, client_id)
    assert client is not None
    stored = await repo.add(
        session,
        request=MarketingRequest(
            client_id=client_id,
            product=request.product,
            description=request.description,
            price_low=request.price_low,
            price_high=request.price_high,
            capacity=request.capacity,
            help_wanted=",".join(h.value for h in request.help),
            other_help=request.other if HelpWanted.OTHER in request.help else None,
            status=RequestStatus.SUBMITTED.value,
            created_at=now,
            updated_at=now,
        ),
    )
    await media.attach(
        session,
        owner=MediaOwner.MARKETING,
        owner_id=stored.id,
        files=[FileRef(file_id) for file_id in request.photos],
        now=now,
    )
    await _event(session, stored, kind="submitted", now=now)
    alert = await alerts.raise_alert(
        session,
        client=client,
        kind=AlertKind.MARKETING_REQUEST,
        event_key=f"marketing:{stored.id}",
        detail=str(stored.id),
        now=now,
    )
    stored.alert_id = alert.id if alert is not None else None
    return Submitted(request_id=stored.id, alerted=alert is not None)


async def on_claimed(
    session: AsyncSession, *, alert: Alert, member: StaffProfile, now: datetime
) -> None:
    """A caseworker took the request's alert on: the request is in progress."""
    request = await repo.by_alert(session, alert_id=alert.id)
    if request is None or request.status != RequestStatus.SUBMITTED.value:
        return
    await _event(
        session,
        request,
        kind="claimed",
        now=now,
        staff_id=member.id,
        status=RequestStatus.IN_PROGRESS,
    )
    await _tell_client(
        session,
        request,
        text=N_(
            "🔧 Permintaan bantuan pemasaran untuk <b>{product}</b> sekarang ditangani oleh "
            "pendamping {name}. Anda akan dikabari lagi."
        ),
        fields={"name": member.full_name},
        key=f"mkt:{request.id}:claimed",
        now=now,
    )


async def on_closed(
    session: AsyncSession, *, alert: Alert, member: StaffProfile, now: datetime
) -> None:
    """The caseworker closed the request's alert: an open request (not with a partner) is done."""
    request = await repo.by_alert(
        session,
        alert_id=alert.id,
    )
    if request is None or request.status not in (
        RequestStatus.SUBMITTED.value,
        RequestStatus.IN_PROGRESS.value,
    ):
        return
    await _event(
        session, request, kind="done", now=now, staff_id=member.id, status=RequestStatus.DONE
    )
    await _tell_client(
        session,
        request,
        text=N_(
            "✅ Permintaan bantuan pemasaran untuk <b>{product}</b> sudah selesai ditangani "
            "pendamping. Terima kasih. Lihat semua permintaan Anda dengan /status."
        ),
        key=f"mkt:{request.id}:done",
        now=now,
    )


async def request_for(
    session: AsyncSession, *, request_id: int, member: StaffProfile, lock: bool = False
) -> tuple[MarketingRequest, Client] | None:
    """The request, if this caseworker covers its client (else None, as if absent)."""
    request = await repo.get(session, request_id=request_id, lock=lock)
    if request is None:
        return None
    client = await session.get(Client, request.client_id)
    if client is None or not member.covers_client(client):
        return None
    return request, client


async def _close_alert(
    session: AsyncSession,
    request: MarketingRequest,
    *,
    member_id: int | None,
    note: str,
    now: datetime,
) -> None:
    if request.alert_id is None:
        return
    alert = await alerts_repo.get(session, alert_id=request.alert_id, lock=True)
    if alert is None or alert.closed_at is not None:
        return
    if alert.claimed_by_staff_id is None and member_id is not None:
        alert.claimed_by_staff_id, alert.claimed_at = member_id, now
    alert.closed_at, alert.close_note = now, note


async def _audit(
    session: AsyncSession,
    member: StaffProfile,
    action: AuditAction,
    request: MarketingRequest,
    now: datetime,
    **detail: str | int,
) -> None:
    """Record a staff action on a request (codes and ids only: no product text)."""
    await audit.record(
        session,
        actor=member,
        action=action,
        now=now,
        subject=Subject.REQUEST,
        subject_id=request.id,
        client_id=request.client_id,
        detail=detail,
    )


async def decline(
    session: AsyncSession, *, request_id: int, member: StaffProfile, reason: str, now: datetime
) -> Refusal | None:
    """The caseworker cannot help: declined, with the reason the client is told."""
    found = await request_for(session, request_id=request_id, member=member, lock=True)
    if found is None:
        return Refusal.NOT_OPEN
    request, _client = found
    if request.status not in (RequestStatus.SUBMITTED.value, RequestStatus.IN_PROGRESS.value):
        return Refusal.NOT_OPEN
    await _audit(session, member, AuditAction.REQUEST_DECLINED, request, now)
    await _event(
        session,
        request,
        kind="declined",
        now=now,
        staff_id=member.id,
        note=reason,
        status=RequestStatus.DECLINED,
    )
    await _close_alert(session, request, member_id=member.id, note=reason, now=now)
    await _tell_client(
        session,
        request,
        text=N_(
            "Maaf, permintaan bantuan pemasaran untuk <b>{product}</b> belum dapat kami bantu.\n"
            "Alasannya: {reason}"
        ),
        fields={"reason": reason},
        key=f"mkt:{request.id}:declined",
        now=now,
    )
    return None


# -- referral to a partner agency -------------------------------------------------------------


async def active_agencies(session: AsyncSession) -> list[Agency]:
    """The agencies a request can be referred to."""
    return await repo.agencies(session, active_only=True)


async def can_refer(session: AsyncSession, request: MarketingRequest) -> Refusal | None:
    """None when a referral can be proposed now."""
    if request.status not in (RequestStatus.SUBMITTED.value, RequestStatus.IN_PROGRESS.value):
        return Refusal.NOT_OPEN
    for referral in await repo.referrals_of(session, request_id=request.id):
        if referral.status != ReferralStatus.CLOSED.value:
            return Refusal.REFERRAL_OPEN
    return None


async def propose_referral(
    session: AsyncSession,
    *,
    request_id: int,
    agency_id: int,
    member: StaffProfile,
    now: datetime,
) -> Refusal | None:
    """Ask the client whether her name may be shared with the agency; nothing goes to the
    agency before she answers."""
    found = await request_for(session, request_id=request_id, member=member, lock=True)
    if found is None:
        return Refusal.NOT_OPEN
    request, _client = found
    refused = await can_refer(session, request)
    if refused is not None:
        return refused
    agency = await repo.agency(session, agency_id=agency_id)
    if agency is None or not agency.active:
        return Refusal.NO_AGENCY
    referral = await repo.add_referral(
        session,
        referral=Referral(
            request_id=request.id,
            agency_id=agency.id,
            referred_by_staff_id=member.id,
            status=ReferralStatus.AWAITING_CONSENT.value,
            created_at=now,
        ),
    )
    await _audit(session, member, AuditAction.REFERRAL_PROPOSED, request, now, agency=agency.id)
    if request.status == RequestStatus.SUBMITTED.value:
        await _event(
            session,
            request,
            kind="claimed",
            now=now,
            staff_id=member.id,
            status=RequestStatus.IN_PROGRESS,
        )
        await _claim_alert(session, request, member=member, now=now)
    await _tell_client(
        session,
        request,
        text=N_(
            "🤝 Pendamping ingin meneruskan permintaan <b>{product}</b> ke <b>{agency}</b>, "
            "mitra Dinas Sosial yang bisa membantu pemasaran.\n"
            "Bolehkah nama Anda disebutkan kepada mereka? NIK dan nomor HP Anda tidak "
            "pernah dibagikan."
        ),
        fields={"agency": agency.name},
        buttons=[
            [(N_("✅ Boleh, sebut nama saya"), ConsentPress(referral.id, True))],
            [(N_("🙈 Tanpa nama saya"), ConsentPress(referral.id, False))],
        ],
        key=f"mkt:{request.id}:ask:{referral.id}",
        now=now,
    )
    return None


async def _claim_alert(
    session: AsyncSession, request: MarketingRequest, *, member: StaffProfile, now: datetime
) -> None:
    if request.alert_id is None:
        return
    alert = await alerts_repo.get(session, alert_id=request.alert_id, lock=True)
    if alert is not None and alert.claimed_by_staff_id is None and alert.closed_at is None:
        alert.claimed_by_staff_id, alert.claimed_at = member.id, now


@dataclass(frozen=True)
class ConsentAnswer:
    """What the client's answer did."""

    agency: str
    officers: int  # how many officers got the referral


async def answer_consent(
    session: AsyncSession, *, referral_id: int, client_id: int, share: bool, now: datetime
) -> ConsentAnswer | None:
    """Her answer; the referral then goes to the agency's officers. None when the referral is
    not hers or was answered already (the button is stale)."""
    referral = await repo.get_referral(session, referral_id=referral_id, lock=True)
    if referral is None or referral.status != ReferralStatus.AWAITING_CONSENT.value:
        return None
    request = await repo.get(session, request_id=referral.request_id, lock=True)
    if request is None or request.client_id != client_id:
        return None
    if request.status not in (RequestStatus.SUBMITTED.value, RequestStatus.IN_PROGRESS.value):
        referral.status, referral.closed_at = ReferralStatus.CLOSED.value, now  # done meanwhile
        return None
    agency = await repo.agency(session, agency_id=referral.agency_id)
    assert agency is not None
    referral.share_name, referral.answered_at = share, now
    referral.status = ReferralStatus.SENT.value
    await _event(session, request, kind="referred", now=now, status=RequestStatus.REFERRED)
    client = await session.get(Client, request.client_id)
    assert client is not None
    photos = await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request.id)
    officers = await repo.officers_of(session, agency_id=agency.id)
    for officer in officers:
        assert officer.telegram_id is not None
        t = translator(officer.language)
        await outbox.enqueue(
            session,
            chat_id=officer.telegram_id,
            text=referral_text(t, request, client, referral, photos=len(photos)),
            purpose="marketing",
            now=now,
            buttons=rows_of(
                [[(t.gettext("✅ Terima rujukan"), OfficerPress(referral.id, OfficerOp.ACCEPT))]]
            ),
            dedupe_key=f"mkt-ref:{referral.id}:{officer.id}",
        )  # her photos stay in the office (the issue): the agency gets their number only
    referrer = None
    if referral.referred_by_staff_id is not None:
        referrer = await staff_repo.get(session, staff_id=referral.referred_by_staff_id)
    if referrer is not None:
        text = (
            N_(
                "🤝 {client} setuju namanya disebutkan. "
                "Permintaan {product} sudah diteruskan ke {agency}."
            )
            if share
            else N_(
                "🤝 {client} memilih tanpa nama. Permintaan {product} sudah diteruskan ke {agency}."
            )
        )
        await _tell_staff(
            session,
            referrer,
            text=text,
            now=now,
            key=f"mkt-ref:{referral.id}:referrer",
            values={"client": client.full_name, "product": request.product, "agency": agency.name},
        )
        if not officers:
            await _tell_staff(
                session,
                referrer,
                text=N_(
                    "⚠️ {agency} belum punya petugas yang terhubung ke Berdaya. "
                    "Minta administrator menambahkannya."
                ),
                now=now,
                key=f"mkt-ref:{referral.id}:no-officer",
                values={"agency": agency.name},
            )
    await _tell_client(
        session,
        request,
        text=(
            N_(
                "🤝 Permintaan <b>{product}</b> sudah diteruskan ke <b>{agency}</b>, "
                "dengan nama Anda. Anda akan dikabari lagi."
            )
            if share
            else N_(
                "🤝 Permintaan <b>{product}</b> sudah diteruskan ke <b>{agency}</b>, "
                "tanpa nama Anda. Anda akan dikabari lagi."
            )
        ),
        fields={"agency": agency.name},
        key=f"mkt:{request.id}:referred:{referral.id}",
        now=now,
    )
    return ConsentAnswer(agency=agency.name, officers=len(officers))


def referral_text(
    t: Translator, request: MarketingRequest, client: Client, referral: Referral, *, photos: int
) -> str:
    """What a partner officer sees: never the NIK or the phone; the name only if she agreed."""
    _ = t.gettext
    region = alerts.region_label(client)
    who = (
        _("Nama: {name}").format(name=escape(client.full_name))
        if referral.share_name
        else _("Nama: (tidak dibagikan atas permintaan klien)")
    )
    return "\n".join(
        [
            "<b>" + _("🤝 Rujukan bantuan pemasaran dari Dinas Sosial Jawa Timur") + "</b>",
            who,
            _("Wilayah: {region}").format(region=escape(region)),
            *describe(t, request, photos=photos),
            *(
                [_("Foto produk disimpan di Dinas Sosial; mintalah kepada pendamping bila perlu.")]
                if photos
                else []
            ),
        ]
    )


async def _send_photos(
    session: AsyncSession,
    chat_id: int,
    request: MarketingRequest,
    *,
    language: str,
    now: datetime,
    key: str,
) -> None:
    """The product photos as one album (one photo alone), by file id, through the outbox."""
    files = await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request.id)
    if not files:
        return
    t = translator(language)
    await outbox.enqueue(
        session,
        chat_id=chat_id,
        text=t.gettext("📷 Foto produk: {product}").format(product=escape(request.product)),
        purpose="marketing",
        now=now,
        media=media.as_outbox_media(files),
        dedupe_key=key,
    )


async def send_request_photos(
    session: AsyncSession, *, alert: Alert, chat_id: int, language: str, now: datetime, key: str
) -> None:
    """The request's photos to a caseworker who got its alert."""
    request = await repo.get(session, request_id=int(alert.detail or 0))
    if request is not None:
        await _send_photos(session, chat_id, request, language=language, now=now, key=key)


@dataclass(frozen=True)
class OfficerView:
    """A referral as its agency's officer may see it."""

    referral: Referral
    request: MarketingRequest
    agency: Agency


async def referral_for(
    session: AsyncSession, *, referral_id: int, officer: StaffProfile, lock: bool = False
) -> OfficerView | None:
    """The referral, if it went to this officer's agency (else None, as if absent)."""
    if officer.role is not StaffRole.PARTNER:
        return None
    row = await staff_repo.get(session, staff_id=officer.id)
    referral = await repo.get_referral(session, referral_id=referral_id, lock=lock)
    if (
        row is None
        or row.agency_id is None
        or referral is None
        or referral.agency_id != row.agency_id
        or referral.status in (ReferralStatus.AWAITING_CONSENT.value,)
    ):
        return None
    request = await repo.get(session, request_id=referral.request_id, lock=lock)
    agency = await repo.agency(session, agency_id=referral.agency_id)
    if request is None or agency is None:
        return None
    return OfficerView(referral, request, agency)


async def _tell_referrer(
    session: AsyncSession,
    view: OfficerView,
    *,
    text: str,
    now: datetime,
    key: str,
    values: dict[str, str],
) -> None:
    if view.referral.referred_by_staff_id is None:
        return
    referrer = await staff_repo.get(session, staff_id=view.referral.referred_by_staff_id)
    if referrer is None or not referrer.active:
        return
    client = await session.get(Client, view.request.client_id)
    await _tell_staff(
        session,
        referrer,
        text=text,
        now=now,
        key=key,
        values={
            "client": client.full_name if client else "",
            "product": view.request.product,
            "agency": view.agency.name,
            **values,
        },
    )


async def accept_referral(
    session: AsyncSession, *, view: OfficerView, officer: StaffProfile, now: datetime
) -> bool:
    """The officer takes the referral on; False when it was accepted or closed already."""
    referral = view.referral
    if referral.status != ReferralStatus.SENT.value:
        return False
    referral.status = ReferralStatus.ACCEPTED.value
    referral.accepted_by_staff_id, referral.accepted_at = officer.id, now
    await _audit(session, officer, AuditAction.REFERRAL_ACCEPTED, view.request, now)
    await _event(session, view.request, kind="accepted", now=now, staff_id=officer.id)
    await _tell_client(
        session,
        view.request,
        text=N_(
            "👍 <b>{agency}</b> menerima permintaan <b>{product}</b> Anda dan akan membantu. "
            "Kabar dari mereka akan saya teruskan."
        ),
        fields={"agency": view.agency.name},
        key=f"mkt-ref:{referral.id}:accepted",
        now=now,
    )
    await _tell_referrer(
        session,
        view,
        text=N_("👍 {agency} menerima rujukan {product} ({client})."),
        now=now,
        key=f"mkt-ref:{referral.id}:accepted:referrer",
        values={},
    )
    return True


async def report_progress(
    session: AsyncSession, *, view: OfficerView, officer: StaffProfile, text: str, now: datetime
) -> bool:
    """The officer's progress report, passed on to the client; False when not accepted."""
    referral = view.referral
    if referral.status != ReferralStatus.ACCEPTED.value:
        return False
    await _event(session, view.request, kind="progress", now=now, staff_id=officer.id, note=text)
    count = len(await repo.events_of(session, request_id=view.request.id))
    await _tell_client(
        session,
        view.request,
        text=N_("📬 Kabar dari <b>{agency}</b> tentang <b>{product}</b>:\n{note}"),
        fields={"agency": view.agency.name, "note": text},
        key=f"mkt-ref:{referral.id}:progress:{count}",
        now=now,
    )
    await _tell_referrer(
        session,
        view,
        text=N_("📬 {agency} melaporkan kemajuan rujukan {product} ({client}):\n{note}"),
        now=now,
        key=f"mkt-ref:{referral.id}:progress:{count}:referrer",
        values={"note": text},
    )
    return True


async def close_referral(
    session: AsyncSession,
    *,
    view: OfficerView,
    officer: StaffProfile,
    outcome: ReferralOutcome,
    note: str | None,
    now: datetime,
) -> bool:
    """The officer closes the referral with its outcome (and the reason when declined)."""
    referral = view.referral
    if referral.status not in (ReferralStatus.SENT.value, ReferralStatus.ACCEPTED.value):
        return False
    referral.status, referral.closed_at = ReferralStatus.CLOSED.value, now
    referral.outcome, referral.outcome_note = outcome.value, note
    referral.accepted_by_staff_id = referral.accepted_by_staff_id or officer.id
    await _audit(
        session, officer, AuditAction.REFERRAL_CLOSED, view.request, now, outcome=outcome.value
    )
    declined = outcome is ReferralOutcome.DECLINED
    status = RequestStatus.DECLINED if declined else RequestStatus.DONE
    await _event(
        session,
        view.request,
        kind=f"outcome:{outcome.value}",
        now=now,
        staff_id=officer.id,
        note=note,
        status=status,
    )
    await _close_alert(
        session, view.request, member_id=None, note=f"referral {outcome.value}", now=now
    )
    if declined:
        text = N_(
            "Maaf, <b>{agency}</b> tidak dapat membantu permintaan <b>{product}</b>.\n"
            "Alasannya: {note}\nPendamping Anda tetap bisa dihubungi lewat Berdaya."
        )
    elif note:
        text = N_(
            "✅ Permintaan <b>{product}</b> selesai dibantu <b>{agency}</b>: {outcome_label}.\n"
            "{note}"
        )
    else:
        text = N_(
            "✅ Permintaan <b>{product}</b> selesai dibantu <b>{agency}</b>: {outcome_label}."
        )
    await _tell_client(
        session,
        view.request,
        text=text,
        fields={
            "agency": view.agency.name,
            "note": note or "",
            "outcome_label": REFERRAL_OUTCOME_LABELS[outcome],
        },
        key=f"mkt-ref:{referral.id}:closed",
        now=now,
    )
    await _tell_referrer(
        session,
        view,
        text=N_("🏁 {agency} menutup rujukan {product} ({client})."),
        now=now,
        key=f"mkt-ref:{referral.id}:closed:referrer",
        values={},
    )
    return True


def officer_rows(
    t: Translator, referral_id: int, *, accepted: bool
) -> list[list[tuple[str, CallbackData]]]:
    """The buttons under a referral for its officers."""
    if not accepted:
        return [[(t.gettext("✅ Terima rujukan"), OfficerPress(referral_id, OfficerOp.ACCEPT))]]
    return [
        [(t.gettext("📝 Kabar perkembangan"), OfficerPress(referral_id, OfficerOp.PROGRESS))],
        [(t.gettext("🏁 Selesaikan"), OfficerPress(referral_id, OfficerOp.CLOSE))],
    ]


# -- partner agencies (administrators) --------------------------------------------------------


async def agencies(session: AsyncSession) -> list[Agency]:
    """Every agency, active or not, by name."""
    return await repo.agencies(session)


async def add_agency(session: AsyncSession, *, name: str, now: datetime) -> tuple[Agency, bool]:
    """Add an agency (or make a deactivated one active again); True when it is new."""
    name = " ".join(name.split())[:160]
    if not name:
        raise ValueError("empty agency name")
    found = await repo.agency_by_name(session, name=name)
    if found is not None:
        found.active = True
        return found, False
    return await repo.add_agency(
        session, agency=Agency(name=name, active=True, created_at=now)
    ), True


async def set_agency_active(
    session: AsyncSession, *, agency_id: int, active: bool
) -> Agency | None:
    """Deactivate (or reactivate) an agency: nothing new is referred to an inactive one."""
    found = await repo.agency(session, agency_id=agency_id)
    if found is not None:
        found.active = active
    return found


async def agency_by_name(session: AsyncSession, *, name: str) -> Agency | None:
    """An agency by name (case aside)."""
    return await repo.agency_by_name(session, name=" ".join(name.split()))


# -- /status, the card and the digest ---------------------------------------------------------


async def _items(session: AsyncSession, t: Translator, client_id: int) -> list[StatusItem]:
    found = []
    for request in await repo.of_client(session, client_id=client_id):
        notes = [e.note for e in await repo.events_of(session, request_id=request.id) if e.note]
        found.append(
            StatusItem(
                kind_label=t.gettext(KIND_LABEL),
                title=request.product,
                state_label=t.gettext(REQUEST_STATUS_LABELS[RequestStatus(request.status)]),
                updated_at=request.updated_at,
                created_at=request.created_at,
                last_staff_message=notes[-1] if notes else None,
            )
        )
    return found


async def card_lines(session: AsyncSession, t: Translator, *, client_id: int) -> list[str]:
    """The client's requests on her card (staff): one line each, newest first."""
    lines = []
    for request in await repo.of_client(session, client_id=client_id):
        label = t.gettext(REQUEST_STATUS_LABELS[RequestStatus(request.status)])
        lines.append(f"• {escape(request.product)} — {label} ({t.date(request.created_at)})")
    return lines


@dataclass(frozen=True)
class ClientRequests(CallbackData, prefix="mrq"):
    """🛍️ Permintaan pemasaran on a client's card: her requests, each with its photos."""

    client_id: int


async def has_requests(session: AsyncSession, *, client_id: int) -> bool:
    """Whether she has asked for marketing help (her card then offers her requests)."""
    return bool(await repo.of_client(session, client_id=client_id))


async def requests_of(
    session: AsyncSession, *, client_id: int, member: StaffProfile, now: datetime
) -> list[tuple[MarketingRequest, list[MediaFile]]] | None:
    """Her requests, newest first, with their photos; None when the member does not cover
    her (as if she did not exist). The view is recorded in the audit log."""
    client = await session.get(Client, client_id)
    if client is None or not member.covers_client(client):
        return None
    await audit.record(
        session,
        actor=member,
        action=AuditAction.CLIENT_REQUESTS_VIEWED,
        now=now,
        subject=Subject.CLIENT,
        subject_id=client.id,
    )
    return [
        (request, await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request.id))
        for request in await repo.of_client(session, client_id=client_id)
    ]


async def photos_of(session: AsyncSession, *, request_id: int) -> list[str]:
    """The file ids of a request's photos, in order (to show staff the album)."""
    files = await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request_id)
    return [f.file_id for f in files]


async def _digest(
    session: AsyncSession, client_ids: Any, since: datetime, now: datetime
) -> DigestCounts:
    return DigestCounts(
        new=await repo.count_new(session, client_ids=client_ids, since=since, now=now),
        unanswered=await repo.count_unanswered(
            session,
            client_ids=client_ids,
            open_statuses=[s.value for s in OPEN],
            before=now - UNANSWERED_AFTER,
        ),
    )


async def _export(session: AsyncSession, client_id: int) -> list[dict[str, Any]]:
    records = []
    for request in await repo.of_client(session, client_id=client_id):
        events = await repo.events_of(session, request_id=request.id)
        photos = await media.files_of(session, owner=MediaOwner.MARKETING, owner_id=request.id)
        records.append(
            {
                "product": request.product,
                "description": request.description,
                "price_low": request.price_low,
                "price_high": request.price_high,
                "capacity_per_month": request.capacity,
                "help_wanted": [h.value for h in help_list(request)],
                "other_help": request.other_help,
                "status": request.status,
                "created_at": request.created_at.isoformat(),
                "updated_at": request.updated_at.isoformat(),
                "photos": len(photos),
                "messages_from_staff": [
                    {"at": e.created_at.isoformat(), "text": e.note} for e in events if e.note
                ],
            }
        )
    return records


async def _erase(session: AsyncSession, client_id: int) -> list[str]:
    paths: list[str] = []
    requests = await repo.of_client(session, client_id=client_id)
    for request in requests:
        request.product, request.description, request.other_help = "", "", None
        for event in await repo.events_of(session, request_id=request.id):
            event.note = None
        for referral in await repo.referrals_of(session, request_id=request.id):
            referral.outcome_note = None
    paths.extend(
        await media.erase_owned(
            session, owner=MediaOwner.MARKETING, owner_ids=[r.id for r in requests]
        )
    )
    return paths


PROVIDER = Provider(
    name="marketing",
    digest_label=N_("Permintaan pemasaran"),
    items=_items,
    digest=_digest,
    export=_export,
    erase=_erase,
)
