"""/klien and /undang: a caseworker's clients, the client card, verification and invitations.

Callback data (after `g:kl:`): `l:<filter>:<page>` a list as a new message, `p:<filter>:<page>`
the same list turned in place, `c:<id>[:<filter>:<page>]` a card, `v:<id>` verify, `r:<id>`
reject, `inv` the invitation flow. Every id is checked against the presser's area in the service.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.domain.reference import ppks_by_no, region_by_code
from bot.i18n import N_, translator
from bot.services import caseload, outbox
from bot.services.caseload import ClientCard, ClientFilter, ClientPage, DecisionResult
from bot.storage.models import BusinessStatus, ClientStatus
from conversations import client_invite, reject
from conversations.engine import Turn
from conversations.report import STATUS_LABELS
from handlers.features import CASEWORKERS, Action, Command, Feature
from handlers.menu import global_keyboard
from handlers.staff_menu import back_to_menu

FILTER_LABELS = {
    ClientFilter.ALL: N_("Semua"),
    ClientFilter.SILENT: N_("Tanpa laporan 60 hari"),
    ClientFilter.DECLINING: N_("Menurun"),
    ClientFilter.STOPPED: N_("Berhenti"),
    ClientFilter.PENDING: N_("Menunggu verifikasi"),
}
CLIENT_STATUS_LABELS = {
    ClientStatus.PENDING: N_("⏳ Menunggu verifikasi"),
    ClientStatus.VERIFIED: N_("✅ Terverifikasi"),
    ClientStatus.REJECTED: N_("❌ Ditolak"),
}
EVENT_LABELS = {
    "invited": N_("Diundang"),
    "verified": N_("Diverifikasi"),
    "rejected": N_("Ditolak"),
}
MARKERS = {
    BusinessStatus.RUNNING: "👍",
    BusinessStatus.DECLINING: "📉",
    BusinessStatus.PAUSED: "⏸️",
    BusinessStatus.CLOSED: "❌",
}


def _region(code: str) -> str:
    region = region_by_code(code)
    return region.label if region else code


async def show_clients(turn: Turn, rest: str = "") -> None:
    """/klien: the first page of the caseworker's clients, all of them."""
    await _send_list(turn, ClientFilter.ALL, 0)


async def _send_list(turn: Turn, which: ClientFilter, page: int) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    found = await caseload.list_clients(
        turn.session, viewer=turn.staff, which=which, page=page, now=turn.now
    )
    count = turn.t.ngettext("{n} klien", "{n} klien", found.total).format(n=found.total)
    text = _("<b>Klien saya</b> · {filter}: {count}").format(
        filter=_(FILTER_LABELS[which]), count=count
    )
    if found.total == 0:
        text += "\n" + _("Tidak ada klien dengan saringan ini.")
    elif found.pages > 1:
        text += "\n" + _("Ada {pages} halaman; pakai ◀️ ▶️ di bawah.").format(pages=found.pages)
    turn.say(text, _list_keyboard(turn, which, found))


def _list_keyboard(turn: Turn, which: ClientFilter, found: ClientPage) -> InlineKeyboardMarkup:
    _ = turn.gettext
    rows: list[list[tuple[str, str]]] = []
    for row in found.rows:
        if row.status is ClientStatus.PENDING:
            marker = "⏳"
        else:
            marker = MARKERS.get(row.latest_status, "▫️") if row.latest_status else "▫️"
        label = f"{marker} {row.full_name[:40]} · {_region(row.region_code)}"
        rows.append([(label, f"kl:c:{row.id}:{which.value}:{found.page}")])
    nav = []
    if found.page > 0:
        nav.append((_("◀️ Sebelumnya"), f"kl:p:{which.value}:{found.page - 1}"))
    if found.page < found.pages - 1:
        nav.append((_("Berikutnya ▶️"), f"kl:p:{which.value}:{found.page + 1}"))
    if nav:
        rows.append(nav)
    filters = [
        (("• " if f is which else "") + _(label), f"kl:l:{f.value}:0")
        for f, label in FILTER_LABELS.items()
    ]
    rows += [filters[:2], filters[2:4], filters[4:]]
    rows.append(back_to_menu(turn))
    return global_keyboard(rows)


async def _turn_page(turn: Turn, which: ClientFilter, page: int) -> None:
    """◀/▶: the same list, the next page, edited in place."""
    assert turn.staff is not None
    found = await caseload.list_clients(
        turn.session, viewer=turn.staff, which=which, page=page, now=turn.now
    )
    turn.pressed_keyboard = _list_keyboard(turn, which, found)


async def _show_card(turn: Turn, client_id: int, back: str) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    card = await caseload.client_card(turn.session, viewer=turn.staff, client_id=client_id)
    if card is None:
        turn.say(
            _("Klien itu tidak ditemukan di wilayah Anda."), global_keyboard([back_to_menu(turn)])
        )
        return
    rows: list[list[tuple[str, str]]] = []
    if card.status is ClientStatus.PENDING:
        rows.append([(_("✅ Verifikasi"), f"kl:v:{card.id}"), (_("❌ Tolak"), f"kl:r:{card.id}")])
    rows.append([(_("⬅️ Kembali"), back)])
    turn.say("\n".join(_card_lines(turn, card)), global_keyboard(rows))


def _card_lines(turn: Turn, card: ClientCard) -> list[str]:
    _ = turn.gettext
    status = _(CLIENT_STATUS_LABELS[card.status])
    category = ppks_by_no(card.ppks_category) if card.ppks_category else None
    if card.status is ClientStatus.REJECTED and card.rejection_reason:
        status += " — " + escape(card.rejection_reason)
    training = escape(card.training or "-")
    if card.upt_name:
        training += " · " + escape(card.upt_name)
    if card.training_ended_on:
        training += " · " + _("selesai {date}").format(date=turn.t.date(card.training_ended_on))
    lines = [
        f"<b>{escape(card.full_name)}</b>",
        _("Kabupaten/kota: {value}").format(value=escape(_region(card.region_code))),
        _("Status: {value}").format(value=status),
        _("Kategori: {value}").format(value=escape(category.name if category else "-")),
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
                    _(STATUS_LABELS[report.status]),
                    turn.t.money(report.income),
                    employees.format(n=report.employees),
                ]
            )
        )
    if not card.reports:
        lines.append(_("Belum ada laporan."))
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


async def _verify(turn: Turn, client_id: int) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    decision = await caseload.verify_client(
        turn.session, actor=turn.staff, client_id=client_id, now=turn.now
    )
    if decision.result is DecisionResult.NOT_FOUND:
        text = _("Klien itu tidak ditemukan di wilayah Anda.")
    elif decision.result is DecisionResult.NOT_PENDING:
        text = _("Pendaftaran ini sudah diputuskan sebelumnya.")
    else:
        if decision.telegram_id is not None:
            t = translator(decision.language, turn.services.settings.timezone)
            await outbox.enqueue(
                turn.session,
                chat_id=decision.telegram_id,
                text=t.gettext(
                    "Kabar baik! Data Anda di Berdaya sudah diperiksa dan diverifikasi "
                    "oleh Dinas Sosial Jawa Timur. Terima kasih."
                ),
                purpose="client_verified",
                now=turn.now,
                dedupe_key=f"client:{client_id}:verified",
            )
            turn.queued_outbox = True
        text = _("✅ {name} sudah diverifikasi. Klien sudah diberi tahu.").format(
            name=escape(decision.full_name)
        )
    back = [(_("⬅️ Kembali"), f"kl:c:{client_id}")]
    turn.say(text, global_keyboard([back, back_to_menu(turn)]))


async def _start_reject(turn: Turn, client_id: int) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    decision = await caseload.can_decide(turn.session, actor=turn.staff, client_id=client_id)
    if decision.result is DecisionResult.NOT_FOUND:
        turn.say(
            _("Klien itu tidak ditemukan di wilayah Anda."), global_keyboard([back_to_menu(turn)])
        )
    elif decision.result is DecisionResult.NOT_PENDING:
        turn.say(_("Pendaftaran ini sudah diputuskan sebelumnya."))
    else:
        await reject.start(turn, client_id=client_id, full_name=decision.full_name)


async def invite(turn: Turn, rest: str = "") -> None:
    """/undang: the invitation flow."""
    await client_invite.start(turn)


def _filter_and_page(parts: list[str]) -> tuple[ClientFilter, int] | None:
    if len(parts) != 2 or not parts[1].isdigit() or parts[0] not in set(ClientFilter):
        return None
    return ClientFilter(parts[0]), int(parts[1])


async def on_action(turn: Turn, rest: str) -> None:
    """Route a `g:kl:…` button; anything malformed is a stale button."""
    _ = turn.gettext
    verb, *parts = rest.split(":")
    listing = _filter_and_page(parts)
    client_id = int(parts[0]) if parts and parts[0].isdigit() else None
    if verb == "inv" and not parts:
        await invite(turn)
    elif verb in ("l", "p") and listing is not None:
        await (_send_list if verb == "l" else _turn_page)(turn, *listing)
    elif verb == "c" and client_id is not None and len(parts) in (1, 3):
        back_listing = _filter_and_page(parts[1:]) or (ClientFilter.ALL, 0)
        back = f"kl:l:{back_listing[0].value}:{back_listing[1]}"
        await _show_card(turn, client_id, back)
    elif verb == "v" and client_id is not None and len(parts) == 1:
        await _verify(turn, client_id)
    elif verb == "r" and client_id is not None and len(parts) == 1:
        await _start_reject(turn, client_id)
    else:
        turn.toast = _("Tombol ini sudah tidak berlaku.")


FEATURE = Feature(
    commands=(
        Command("klien", show_clients, CASEWORKERS),
        Command("undang", invite, CASEWORKERS),
    ),
    actions=(Action("kl", on_action, CASEWORKERS),),
    flows=(client_invite.FLOW, reject.FLOW),
)
