"""/staf (administrators): the staff list, staff cards, roles, areas, (de)activation, new codes;
and the staff invitation deep link `/start staf_<code>`."""

from __future__ import annotations

from html import escape

from bot.chat.actions import RunCommand, ShowMenu
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.domain.vocabulary import ROLE_LABELS, StaffRole
from bot.i18n import N_
from bot.services import staff, staff_admin
from bot.services.staff_admin import (
    ChangeResult,
    EditAreas,
    InviteStaff,
    ListStaff,
    OpenStaffCard,
    PickRole,
    RenewCode,
    SetActive,
    SetRole,
    StaffRedeemResult,
)
from conversations import staff_invite
from conversations.paging import nav_row, page_of
from conversations.staff_invite import area_names, invitation_link, menu_button, role_options
from handlers.features import ADMINS, ActionRoute, Command, Feature, Menu, MenuEntry

PER_PAGE = 10


async def show_staff(turn: Turn, _args: str = "") -> None:
    """/staf: the first page of the staff list (an open question comes back after it)."""
    turn.say(*await _staff_list(turn, 0))
    await turn.conductor.continue_or_menu(turn, menu=False)


async def _staff_list(turn: Turn, page: int) -> tuple[str, Buttons]:
    """The list's text and one page of its buttons."""
    _ = turn.gettext
    everyone = await staff_admin.list_staff(turn.session)
    window = page_of(everyone, page, PER_PAGE)
    rows: list[list[tuple[str, CallbackData]]] = []
    for row in window.items:
        marker = "⛔" if not row.active else ("👤" if row.linked else "✉️")
        label = f"{marker} {row.full_name[:40]} · {_(ROLE_LABELS[row.role])}"
        rows.append([(label, OpenStaffCard(row.id))])
    nav = nav_row(turn.t, window, lambda n: ListStaff(n, in_place=True))
    if nav:
        rows.append([*nav])
    rows.append([(_("➕ Undang staf"), InviteStaff())])
    rows.append([(_("⬅️ Menu staf"), ShowMenu())])
    text = _("<b>Staf Berdaya</b>: {n} orang. Pilih nama untuk mengubah data.").format(
        n=len(everyone)
    )
    return text, rows_of(rows)


async def on_list(turn: Turn, action: ListStaff) -> None:
    """A page of the list: turned in place (◀/▶), or anew (⬅️ Kembali from a card)."""
    text, buttons = await _staff_list(turn, action.page)
    if action.in_place:
        turn.pressed_buttons = buttons
    else:
        turn.say(text, buttons)


async def on_invite(turn: Turn, _action: InviteStaff) -> None:
    """➕ Undang staf."""
    await staff_invite.start_invite(turn)


def _not_found(turn: Turn) -> None:
    turn.say(turn.gettext("Data staf itu tidak ditemukan."), menu_button(turn))


async def _show_card(turn: Turn, staff_id: int) -> None:
    _ = turn.gettext
    card = await staff_admin.staff_card(turn.session, staff_id=staff_id)
    if card is None:
        _not_found(turn)
        return
    if card.linked:
        link = _("terhubung")
    elif card.invitation_expires_at is not None and card.invitation_expires_at > turn.now:
        link = _("menunggu undangan dibuka (berlaku sampai {date})").format(
            date=turn.t.date(card.invitation_expires_at)
        )
    else:
        link = _("undangan sudah kedaluwarsa")
    lines = [
        f"<b>{escape(card.full_name)}</b>",
        _("Peran: {value}").format(value=_(ROLE_LABELS[card.role])),
        _("Status: {value}").format(value=_("aktif") if card.active else _("nonaktif")),
        _("Telegram: {value}").format(value=link),
    ]
    caseworker = card.role is StaffRole.CASEWORKER
    if caseworker:
        areas = area_names(turn, list(card.region_codes), list(card.upt_names))
        lines.append(_("Wilayah: {value}").format(value=areas))
    rows: list[list[tuple[str, CallbackData]]] = [[(_("🔁 Ubah peran"), PickRole(card.id))]]
    if caseworker:
        rows.append([(_("📍 Atur wilayah"), EditAreas(card.id))])
    if card.active:
        rows.append([(_("⛔ Nonaktifkan"), SetActive(card.id, False))])
    else:
        rows.append([(_("✅ Aktifkan lagi"), SetActive(card.id, True))])
    if not card.linked:
        rows.append([(_("🔑 Buat kode undangan baru"), RenewCode(card.id))])
    rows.append([(_("⬅️ Kembali"), ListStaff(0, in_place=False))])
    turn.say("\n".join(lines), rows_of(rows))


async def on_card(turn: Turn, action: OpenStaffCard) -> None:
    """A name on the list (or ⬅️ Kembali to it)."""
    await _show_card(turn, action.staff_id)


async def on_pick_role(turn: Turn, action: PickRole) -> None:
    """🔁 Ubah peran: the same roles the invitation offers."""
    _ = turn.gettext
    rows = [[(label, SetRole(action.staff_id, role))] for label, role in role_options(turn)]
    back = [(_("⬅️ Kembali"), OpenStaffCard(action.staff_id))]
    turn.say(_("Pilih peran baru:"), rows_of([*rows, back]))


def _changed(turn: Turn, result: ChangeResult, done: str) -> bool:
    """Say how a change went; True when it worked (the card follows)."""
    _ = turn.gettext
    if result is ChangeResult.SELF:
        turn.say(_("Anda tidak bisa mengubah peran atau menonaktifkan akun Anda sendiri."))
    elif result is ChangeResult.NOT_FOUND:
        _not_found(turn)
    else:
        turn.say(done)
    return result is ChangeResult.DONE


async def on_set_role(turn: Turn, action: SetRole) -> None:
    """A role button: give that staff member the role (her command menu follows)."""
    _ = turn.gettext
    assert turn.staff is not None  # the dispatcher checked the role
    result = await staff_admin.set_role(
        turn.session, actor=turn.staff, staff_id=action.staff_id, role=action.role, now=turn.now
    )
    done = _("Peran diganti: {role}.").format(role=_(ROLE_LABELS[action.role]))
    if _changed(turn, result, done):
        await _show_card(turn, action.staff_id)


async def on_set_active(turn: Turn, action: SetActive) -> None:
    """⛔ Nonaktifkan / ✅ Aktifkan lagi."""
    _ = turn.gettext
    assert turn.staff is not None
    result = await staff_admin.set_active(
        turn.session, actor=turn.staff, staff_id=action.staff_id, active=action.active, now=turn.now
    )
    turn.queued_outbox = not action.active  # her cases, alerted again to the others
    done = _("Staf diaktifkan lagi.") if action.active else _("Staf dinonaktifkan.")
    if _changed(turn, result, done):
        await _show_card(turn, action.staff_id)


async def on_edit_areas(turn: Turn, action: EditAreas) -> None:
    """📍 Atur wilayah: the area picker with her areas ticked."""
    card = await staff_admin.staff_card(turn.session, staff_id=action.staff_id)
    if card is None:
        _not_found(turn)
        return
    await staff_invite.start_area_edit(turn, card)


async def on_renew_code(turn: Turn, action: RenewCode) -> None:
    """🔑 A new one-time code for a record nobody has linked yet."""
    _ = turn.gettext
    assert turn.staff is not None
    invitation = await staff_admin.renew_invitation(
        turn.session, actor=turn.staff, staff_id=action.staff_id, now=turn.now
    )
    if invitation is None:
        turn.say(_("Staf ini sudah terhubung, atau datanya tidak ditemukan."))
        return
    turn.say(
        _(
            "Kode undangan baru: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai."
        ).format(
            code=invitation.code,
            link=invitation_link(turn, invitation.code),
            date=turn.t.date(invitation.expires_at),
        ),
        rows_of([[(_("⬅️ Kembali"), OpenStaffCard(action.staff_id))]]),
    )


REDEEM_REFUSALS = {
    StaffRedeemResult.UNKNOWN: N_("Kode undangan staf itu tidak dikenal. Periksa lagi tautannya."),
    StaffRedeemResult.USED: N_("Kode undangan staf itu sudah pernah dipakai."),
    StaffRedeemResult.EXPIRED: N_(
        "Kode undangan staf itu sudah kedaluwarsa. Mintalah kode baru kepada administrator."
    ),
    StaffRedeemResult.ALREADY_STAFF: N_("Akun Telegram ini sudah terdaftar sebagai staf."),
}


async def on_start(turn: Turn, payload: str) -> bool:
    """`/start staf_<code>`: link this Telegram account to a staff record, then the staff menu."""
    _ = turn.gettext
    if not staff_admin.is_staff_code(payload):
        return False
    redemption = await staff_admin.redeem_staff_invitation(
        turn.session,
        telegram_id=turn.telegram_id,
        payload=payload[:64],
        language=turn.language,
        now=turn.now,
    )
    if redemption.result is StaffRedeemResult.LINKED:
        turn.staff = await staff.find_staff(turn.session, telegram_id=turn.telegram_id)
        turn.say(
            _("Selamat bergabung, {name}! Akun Anda terhubung sebagai staf Berdaya.").format(
                name=escape(redemption.full_name or "")
            )
        )
        turn.show_menu()
        return True
    turn.say(_(REDEEM_REFUSALS[redemption.result]))
    if turn.staff is not None:
        turn.show_menu()
    return True


FEATURE = Feature(
    name="staff_admin",
    commands=(Command("staf", show_staff, N_("Kelola staf"), ADMINS),),
    menu=(MenuEntry(Menu.STAFF, N_("🧑‍💼 Staf"), RunCommand("staf"), row=20, roles=ADMINS),),
    actions=(
        ActionRoute(ListStaff, on_list, ADMINS),
        ActionRoute(InviteStaff, on_invite, ADMINS),
        ActionRoute(OpenStaffCard, on_card, ADMINS),
        ActionRoute(PickRole, on_pick_role, ADMINS),
        ActionRoute(SetRole, on_set_role, ADMINS),
        ActionRoute(EditAreas, on_edit_areas, ADMINS),
        ActionRoute(SetActive, on_set_active, ADMINS),
        ActionRoute(RenewCode, on_renew_code, ADMINS),
    ),
    flows=(staff_invite.FLOW,),
    start_hooks=(on_start,),
)
