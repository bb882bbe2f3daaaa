"""Marketing help: /pemasaran for clients; 🤝 Rujuk ke mitra and 🚫 Tolak under the request's
alert for caseworkers; the client's answer on sharing her name; the partner officer's buttons;
/mitra (administrators) for the list of partner agencies.

Roles are checked by the dispatcher; which request or referral someone may touch is checked by
`bot.services.marketing`. Anything not hers gets the stale-button answer, revealing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.chat.actions import RunCommand
from bot.chat.callbacks import CallbackData
from bot.chat.messages import rows_of
from bot.chat.turn import Turn
from bot.domain.vocabulary import REQUEST_STATUS_LABELS, RequestStatus, StaffRole
from bot.i18n import N_
from bot.services import marketing, media
from bot.services.marketing import (
    ClientRequests,
    ConsentPress,
    OfficerOp,
    OfficerPress,
    RequestOp,
    RequestPress,
)
from conversations import marketing as flow
from conversations import marketing_staff
from conversations.engine import may_open
from handlers.features import (
    ADMINS,
    ANYONE,
    CASEWORKERS,
    ActionRoute,
    Command,
    Feature,
    Menu,
    MenuEntry,
)

PARTNERS = frozenset({StaffRole.PARTNER})
CARD_REQUESTS = 5


async def on_client_requests(turn: Turn, action: ClientRequests) -> None:
    """A client's requests from her card, newest first, each with its photos; a client she
    does not cover is a stale button."""
    _ = turn.gettext
    member = turn.staff
    found = None
    if member is not None:
        found = await marketing.requests_of(
            turn.session, client_id=action.client_id, member=member, now=turn.now
        )
    if found is None:
        await turn.conductor.stale(turn)
        return
    if not found:
        turn.say(_("Belum ada permintaan bantuan pemasaran."))
    for request, photos in found[:CARD_REQUESTS]:
        state = _(REQUEST_STATUS_LABELS[RequestStatus(request.status)])
        head = _("<b>🛍️ {product}</b> · {state} · {date}").format(
            product=escape(request.product),
            state=state,
            date=escape(turn.t.date(request.created_at)),
        )
        lines = marketing.describe(turn.t, request, photos=len(photos))
        turn.say("\n".join([head, *lines]))
        if photos:
            caption = _("📷 Foto produk: {product}").format(product=escape(request.product))
            turn.say(caption, media=media.as_outbox_media(photos))


async def start_request(turn: Turn, _args: str = "") -> None:
    """/pemasaran: open a request, or put the open flow back on screen."""
    if await may_open(turn, flow.FLOW.name):
        await flow.start(turn)


async def on_request_button(turn: Turn, press: RequestPress) -> None:
    """🤝 Rujuk ke mitra / 🚫 Tolak under a request's alert."""
    _ = turn.gettext
    member = turn.staff
    found = None
    if member is not None:
        found = await marketing.request_for(
            turn.session, request_id=press.request_id, member=member
        )
    if member is None or found is None:
        await turn.conductor.stale(turn)
        return
    request, _client = found
    if press.op is RequestOp.REFER:
        refused = await marketing.can_refer(turn.session, request)
        if refused is not None:
            turn.say(marketing_staff.refusal_text(turn, refused))
            return
        if not await marketing.active_agencies(turn.session):
            turn.say(_("Belum ada mitra. Minta administrator menambahkannya dengan /mitra."))
            return
        await marketing_staff.start_refer(turn, request_id=request.id, product=request.product)
    else:
        if request.status not in ("submitted", "in_progress"):
            turn.say(marketing_staff.refusal_text(turn, marketing.Refusal.NOT_OPEN))
            return
        await marketing_staff.start_decline(turn, request_id=request.id, product=request.product)


async def on_consent(turn: Turn, press: ConsentPress) -> None:
    """The client's answer: may her name be shared with the agency?"""
    _ = turn.gettext
    client_id = turn.profile.client_id if turn.profile is not None else None
    answer = None
    if client_id is not None and turn.staff is None:
        answer = await marketing.answer_consent(
            turn.session,
            referral_id=press.referral_id,
            client_id=client_id,
            share=press.share,
            now=turn.now,
        )
    if answer is None:
        await turn.conductor.stale(turn)
        return
    turn.queued_outbox = True
    turn.pressed_buttons = ()
    turn.toast = _("Terima kasih, jawaban Anda sudah dicatat.")


async def on_officer_button(turn: Turn, press: OfficerPress) -> None:
    """✅ Terima rujukan / 📝 Kabar perkembangan / 🏁 Selesaikan (partner officers)."""
    _ = turn.gettext
    member = turn.staff
    view = None
    if member is not None:
        view = await marketing.referral_for(
            turn.session, referral_id=press.referral_id, officer=member, lock=True
        )
    if member is None or view is None:
        await turn.conductor.stale(turn)
        return
    status = view.referral.status
    if status == "closed":
        turn.toast = _("Rujukan ini sudah selesai.")
        turn.pressed_buttons = ()
        return
    if press.op is OfficerOp.ACCEPT:
        if await marketing.accept_referral(turn.session, view=view, officer=member, now=turn.now):
            turn.queued_outbox = True
            turn.say(
                _(
                    "✅ Anda menerima rujukan {product}. Kirim kabar perkembangan, atau "
                    "selesaikan rujukan, dengan tombol di bawah."
                ).format(product=escape(view.request.product)),
                rows_of(marketing.officer_rows(turn.t, view.referral.id, accepted=True)),
            )
        else:
            turn.toast = _("Rujukan ini sudah diterima.")
        turn.pressed_buttons = ()
        return
    if status != "accepted":
        turn.toast = _("Terima rujukan ini dulu.")
        return
    if press.op is OfficerOp.PROGRESS:
        await marketing_staff.start_progress(
            turn, referral_id=view.referral.id, product=view.request.product
        )
    else:
        await marketing_staff.start_close(
            turn, referral_id=view.referral.id, product=view.request.product
        )


# -- /mitra (administrators) -------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyPress(CallbackData, prefix="ag"):
    """➕ Tambah mitra (agency 0), or ⛔/✅ on one agency (administrators)."""

    agency_id: int
    active: bool


async def show_agencies(turn: Turn, _args: str = "") -> None:
    """/mitra: the partner agencies, each with a button to deactivate (or reactivate) it."""
    turn.say(*await _agency_list(turn))


async def _agency_list(turn: Turn) -> tuple[str, tuple]:  # type: ignore[type-arg]
    _ = turn.gettext
    found = await marketing.agencies(turn.session)
    lines = [_("<b>Mitra rujukan</b>: {n}").format(n=len(found))]
    rows: list[list[tuple[str, CallbackData]]] = []
    for agency in found:
        marker = "✅" if agency.active else "⛔"
        lines.append(f"{marker} {escape(agency.name)}")
        label = (_("⛔ Nonaktifkan {name}") if agency.active else _("✅ Aktifkan {name}")).format(
            name=agency.name[:40]
        )
        rows.append([(label, AgencyPress(agency.id, not agency.active))])
    rows.append([(_("➕ Tambah mitra"), AgencyPress(0, True))])
    return "\n".join(lines), rows_of(rows)


async def on_agency_button(turn: Turn, press: AgencyPress) -> None:
    """➕ Tambah mitra, or (de)activate one."""
    if press.agency_id == 0:
        await marketing_staff.start_add_agency(turn)
        return
    agency = await marketing.set_agency_active(
        turn.session, agency_id=press.agency_id, active=press.active
    )
    if agency is None:
        await turn.conductor.stale(turn)
        return
    _text, buttons = await _agency_list(turn)
    turn.pressed_buttons = buttons
    turn.toast = (
        turn.gettext("{name} aktif.") if press.active else turn.gettext("{name} dinonaktifkan.")
    ).format(name=agency.name)


FEATURE = Feature(
    name="marketing",
    commands=(
        Command("pemasaran", start_request, N_("Minta bantuan pemasaran"), clients_only=True),
        Command("mitra", show_agencies, N_("Daftar mitra rujukan"), roles=ADMINS),
    ),
    menu=(MenuEntry(Menu.CLIENT, N_("🛍️ Bantuan pemasaran"), RunCommand("pemasaran"), row=10),),
    actions=(
        ActionRoute(RequestPress, on_request_button, CASEWORKERS),
        ActionRoute(ClientRequests, on_client_requests, CASEWORKERS),
        ActionRoute(ConsentPress, on_consent, ANYONE),
        ActionRoute(OfficerPress, on_officer_button, PARTNERS),
        ActionRoute(AgencyPress, on_agency_button, ADMINS),
    ),
    flows=(
        flow.FLOW,
        marketing_staff.REFER,
        marketing_staff.DECLINE,
        marketing_staff.PROGRESS,
        marketing_staff.CLOSE,
        marketing_staff.ADD_AGENCY,
    ),
)
