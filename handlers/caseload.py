"""/klien and /undang: a caseworker's clients, the client card, verification and invitations.

The buttons are typed actions (`bot/services/caseload.py`): `ClientList` (a filter's page, as a
new message or turned in place), `ClientCard`, `Verify` and `Reject`. Every client id is checked
against the presser's area in the service; a client she does not cover gets exactly the answer
any stale button gets, so a forged button reveals and changes nothing.
"""

from __future__ import annotations

from html import escape

from bot.chat.actions import RunCommand, ShowMenu
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.domain.reference import ppks_by_no, region_by_code
from bot.domain.vocabulary import (
    BUSINESS_STATUS_LABELS,
    BUSINESS_STATUS_MARKERS,
    CLIENT_STATUS_LABELS,
    ClientStatus,
    ppks_label,
)
from bot.i18n import N_
from bot.services import caseload, marketing, programs
from bot.services.caseload import (
    PAGE_SIZE,
    ClientCard,
    ClientDetails,
    ClientFilter,
    ClientList,
    ClientRow,
    DecisionResult,
    Reject,
    Verify,
)
from bot.services.marketing import ClientRequests
from bot.services.programs import ClientApplications
from conversations import client_invite, reject, verify
from conversations.engine import repeat
from conversations.paging import Page, nav_row, page_of
from handlers.dispatch import Dispatcher
from handlers.features import CASEWORKERS, ActionRoute, Command, Feature, Menu, MenuEntry

FILTER_LABELS = {
    ClientFilter.ALL: N_("Semua"),
    ClientFilter.SILENT: N_("Tanpa laporan 60 hari"),
    ClientFilter.DECLINING: N_("Menurun"),
    ClientFilter.STOPPED: N_("Berhenti"),
    ClientFilter.PENDING: N_("Menunggu verifikasi"),
}
EVENT_LABELS = {
    "invited": N_("Diundang"),
    "verified": N_("Diverifikasi"),
    "rejected": N_("Ditolak"),
}
CARD_REQUESTS = 5  # the newest; /status shows a client all of hers
DECISION_FLOWS = frozenset({verify.FLOW.name, reject.FLOW.name})
BUSY = N_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal.")


async def _stale(turn: Turn) -> None:
    """The answer any outdated or forged button gets (a toast, and the question or the menu)."""
    conductor = turn.conductor
    assert isinstance(conductor, Dispatcher)
    await conductor.stale(turn)


def _region(code: str) -> str:
    region = region_by_code(code)
    return region.label if region else code


# -- the list ------------------------------------------------------------------------------------


async def show_clients(turn: Turn, _args: str = "") -> None:
    """/klien: the first page of the caseworker's clients, all of them."""
    await _send_list(turn, ClientFilter.ALL, 0)


async def _page(turn: Turn, which: ClientFilter, page: int) -> tuple[Page[ClientRow], int]:
    """The page of the list (clamped to the pages there are) and how many clients it has."""
    assert turn.staff is not None
    total = await caseload.count_clients(turn.session, viewer=turn.staff, which=which, now=turn.now)
    window = page_of(range(total), page, PAGE_SIZE)
    rows = await caseload.client_rows(
        turn.session,
        viewer=turn.staff,
        which=which,
        now=turn.now,
        offset=window.number * PAGE_SIZE,
    )
    return Page(rows, window.number, window.pages), total


async def _send_list(turn: Turn, which: ClientFilter, page: int) -> None:
    _ = turn.gettext
    found, total = await _page(turn, which, page)
    count = turn.t.ngettext("{n} klien", "{n} klien", total).format(n=total)
    text = _("<b>Klien saya</b> · {filter}: {count}").format(
        filter=_(FILTER_LABELS[which]), count=count
    )
    if total == 0:
        text += "\n" + _("Tidak ada klien dengan saringan ini.")
    elif found.pages > 1:
        text += "\n" + _("Ada {pages} halaman; pakai ◀️ ▶️ di bawah.").format(pages=found.pages)
    turn.say(text, _list_buttons(turn, which, found))


def _list_buttons(turn: Turn, which: ClientFilter, found: Page[ClientRow]) -> Buttons:
    _ = turn.gettext
    rows: list[list[tuple[str, ClientList | ClientCard | ShowMenu]]] = []
    for row in found.items:
        if row.status is ClientStatus.PENDING:
            marker = "⏳"
        elif row.latest_status is not None:
            marker = BUSINESS_STATUS_MARKERS[row.latest_status]
        else:
            marker = "▫️"
        label = f"{marker} {row.full_name[:40]} · {_region(row.region_code)}"
        rows.append([(label, ClientCard(row.id, which, found.number))])
    # (nav_row wants a Page[object]; Page is invariant, so a Page[ClientRow] needs restating)
    window: Page[object] = Page(found.items, found.number, found.pages)
    nav = nav_row(turn.t, window, lambda n: ClientList(which, n, in_place=True))
    if nav:
        rows.append(list(nav))
    filters: list[tuple[str, ClientList | ClientCard | ShowMenu]] = [
        (("• " if f is which else "") + _(label), ClientList(f, 0))
        for f, label in FILTER_LABELS.items()
    ]
    rows += [filters[:2], filters[2:4], filters[4:]]
    rows.append([(_("⬅️ Menu staf"), ShowMenu())])
    return rows_of(rows)


async def on_list(turn: Turn, action: ClientList) -> None:
    """A filter (a new message) or ◀/▶ (the pressed list turned in place)."""
    if not action.in_place:
        await _send_list(turn, action.filter, action.page)
        return
    found, _total = await _page(turn, action.filter, action.page)
    if found.number != action.page:  # the list has shrunk since: show it afresh
        await _send_list(turn, action.filter, found.number)
        return
    # Another page always differs from the one on screen (its ◀/▶ at least); the router
    # still never sends an edit that would change nothing.
    turn.pressed_buttons = _list_buttons(turn, action.filter, found)


# -- the card ------------------------------------------------------------------------------------


async def on_card(turn: Turn, action: ClientCard) -> None:
    """The client card as a new message; a client she does not cover is a stale button."""
    _ = turn.gettext
    assert turn.staff is not None
    card = await caseload.client_card(
        turn.session,
        viewer=turn.staff,
        client_id=action.client_id,
        now=turn.now,
        translator=turn.t,
    )
    if card is None:
        await _stale(turn)
        return
    rows: list[list[tuple[str, CallbackData]]] = []
    if card.status is ClientStatus.PENDING:
        rows.append(
            [
                (_("✅ Verifikasi"), Verify(card.id, action.filter, action.page)),
                (_("❌ Tolak"), Reject(card.id, action.filter, action.page)),
            ]
        )
    if await marketing.has_requests(turn.session, client_id=card.id):
        rows.append([(_("🛍️ Permintaan pemasaran"), ClientRequests(card.id))])
    if await programs.has_applications(turn.session, client_id=card.id):
        rows.append([(_("📝 Pengajuan program"), ClientApplications(card.id))])
    rows.append([(_("⬅️ Kembali"), ClientList(action.filter, action.page))])
    turn.say("\n".join(card_lines(turn, card)), rows_of(rows))


def card_lines(turn: Turn, card: ClientDetails) -> list[str]:
    """The card's text: who she is, her latest reports and her history."""
    _ = turn.gettext
    status = _(CLIENT_STATUS_LABELS[card.status])
    if card.status is ClientStatus.REJECTED and card.rejection_reason:
        status += " — " + escape(card.rejection_reason)
    category = ppks_by_no(card.ppks_category) if card.ppks_category is not None else None
    training = escape(card.training or "-")
    if card.upt_name:
        training += " · " + escape(card.upt_name)
    if card.training_ended_on:
        training += " · " + _("selesai {date}").format(date=turn.t.date(card.training_ended_on))
    lines = [
        f"<b>{escape(card.full_name)}</b>",
        _("Kabupaten/kota: {value}").format(value=escape(_region(card.region_code))),
        _("Status: {value}").format(value=status),
        _("Kategori: {value}").format(
            value=escape(_(ppks_label(category)) if category is not None else "-")
        ),
        _("Telegram: {value}").format(
            value=_("terhubung") if card.linked else _("belum membuka undangan")
        ),
        _("Nomor HP: {value}").format(value=escape(card.phone or _("tidak diisi"))),
        _("Pelatihan: {value}").format(value=training),
        _("Usaha: {value}").format(value=escape(card.business_type or "-")),
        "",
        _("<b>Laporan terakhir</b>"),
    ]
    for report in card.reports:
        employees = turn.t.ngettext("{n} karyawan", "{n} karyawan", report.employees)
        lines.append(
            "• "
            + " · ".join(
                [
                    escape(turn.t.date(report.created_at)),
                    _(BUSINESS_STATUS_LABELS[report.status]),
                    turn.t.money(report.income),
                    employees.format(n=report.employees),
                ]
            )
        )
    if not card.reports:
        lines.append(_("Belum ada laporan."))
    lines += ["", _("<b>Permintaan dan pendaftaran program</b>")]
    for item in card.requests[:CARD_REQUESTS]:
        lines.append(
            f"• {escape(turn.t.date(item.created_at))} · {escape(item.kind_label)}: "
            f"{escape(item.title[:80])} · {escape(item.state_label)}"
        )
    if len(card.requests) > CARD_REQUESTS:
        more = len(card.requests) - CARD_REQUESTS
        lines.append(_("• … dan {count} lainnya").format(count=more))
    if not card.requests:
        lines.append(_("Belum ada permintaan."))
    lines += ["", _("<b>Riwayat</b>")]
    for event in card.events:
        label = _(EVENT_LABELS[event.kind]) if event.kind in EVENT_LABELS else escape(event.kind)
        line = f"• {escape(turn.t.date(event.created_at))} · {label}"
        if event.note:
            line += ": " + escape(event.note[:200])
        if event.staff_name:
            line += f" ({escape(event.staff_name)})"
        lines.append(line)
    if not card.events:
        lines.append(_("Belum ada catatan."))
    return lines


# -- verification and rejection ------------------------------------------------------------------


async def _decision_flow_may_start(turn: Turn) -> bool:
    """Another flow (an invitation, a relay...) is finished first; an open verification or
    rejection (one question each) is simply replaced."""
    state = turn.flow_state
    if state is None or state.flow in DECISION_FLOWS:
        return True
    turn.say(turn.gettext(BUSY))
    await repeat(turn, turn.conductor.flow(state.flow))
    return False


async def _decide(turn: Turn, action: Verify | Reject) -> None:
    """Open the verification (category) or rejection (reason) flow for a pending client."""
    _ = turn.gettext
    assert turn.staff is not None
    decision = await caseload.can_decide(turn.session, actor=turn.staff, client_id=action.client_id)
    if decision.result is DecisionResult.NOT_FOUND:
        await _stale(turn)
        return
    if decision.result is DecisionResult.NOT_PENDING:
        turn.say(
            _("Pendaftaran ini sudah diputuskan sebelumnya."),
            verify.back_to_card(turn, action.client_id, action.filter, action.page),
        )
        return
    if not await _decision_flow_may_start(turn):
        return
    opens = verify.start if isinstance(action, Verify) else reject.start
    draft = verify.DecisionDraft(
        client_id=action.client_id,
        name=decision.full_name,
        filter=action.filter,
        page=action.page,
    )
    await opens(turn, draft)


async def on_verify(turn: Turn, action: Verify) -> None:
    """✅ Verifikasi: ask the PPKS category, then verify."""
    await _decide(turn, action)


async def on_reject(turn: Turn, action: Reject) -> None:
    """❌ Tolak: ask the reason, then reject."""
    await _decide(turn, action)


# -- invitations ---------------------------------------------------------------------------------


async def invite(turn: Turn, _args: str = "") -> None:
    """/undang: the invitation flow (or the open one, or the kept draft, back on screen)."""
    active = turn.flow_state
    if active is not None:
        if active.flow != client_invite.FLOW.name:
            turn.say(turn.gettext(BUSY))
        await repeat(turn, turn.conductor.flow(active.flow))
    else:
        await client_invite.start(turn)


FEATURE = Feature(
    name="caseload",
    commands=(
        Command("klien", show_clients, N_("Klien di wilayah Anda"), CASEWORKERS),
        Command("undang", invite, N_("Undang klien baru"), CASEWORKERS),
    ),
    menu=(
        MenuEntry(Menu.STAFF, N_("👥 Klien saya"), RunCommand("klien"), row=10, roles=CASEWORKERS),
        MenuEntry(
            Menu.STAFF, N_("✉️ Undang klien"), RunCommand("undang"), row=11, roles=CASEWORKERS
        ),
    ),
    actions=(
        ActionRoute(ClientList, on_list, CASEWORKERS),
        ActionRoute(ClientCard, on_card, CASEWORKERS),
        ActionRoute(Verify, on_verify, CASEWORKERS),
        ActionRoute(Reject, on_reject, CASEWORKERS),
    ),
    flows=(client_invite.FLOW, verify.FLOW, reject.FLOW),
)
