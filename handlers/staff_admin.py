"""/staf (administrators): the staff list, staff cards, roles, areas, (de)activation; and the
staff invitation deep link `/start staf_<code>`.

Callback data (after `g:stf:`): `l:<page>` list, `p:<page>` page in place, `inv` invite,
`c:<id>` card, `r:<id>` role picker, `rs:<id>:<role>` set role, `a:<id>` areas,
`act:<id>:<0|1>` (de)activate, `code:<id>` a new code for an unlinked record.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.domain.reference import region_by_code
from bot.services import staff, staff_admin
from bot.services.staff_admin import ChangeResult, StaffPage, StaffRedeemResult
from bot.storage.models import StaffRole
from conversations import staff_invite
from conversations.engine import Turn
from handlers.features import ADMINS, Action, Command, Feature
from handlers.menu import global_keyboard
from handlers.staff_menu import ROLE_LABELS, back_to_menu, show_staff_menu


async def show_staff(turn: Turn, rest: str = "") -> None:
    """/staf: the first page of the staff list."""
    await _send_list(turn, 0)


async def _send_list(turn: Turn, page: int) -> None:
    _ = turn.gettext
    found = await staff_admin.list_staff(turn.session, page=page)
    text = _("<b>Staf Berdaya</b>: {n} orang. Pilih nama untuk mengubah data.").format(
        n=found.total
    )
    turn.say(text, _list_keyboard(turn, found))


def _list_keyboard(turn: Turn, found: StaffPage) -> InlineKeyboardMarkup:
    _ = turn.gettext
    rows: list[list[tuple[str, str]]] = []
    for row in found.rows:
        marker = "⛔" if not row.active else ("👤" if row.linked else "✉️")
        label = f"{marker} {row.full_name[:40]} · {_(ROLE_LABELS[row.role])}"
        rows.append([(label, f"stf:c:{row.id}")])
    nav = []
    if found.page > 0:
        nav.append((_("◀️ Sebelumnya"), f"stf:p:{found.page - 1}"))
    if found.page < found.pages - 1:
        nav.append((_("Berikutnya ▶️"), f"stf:p:{found.page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([(_("➕ Undang staf"), "stf:inv")])
    rows.append(back_to_menu(turn))
    return global_keyboard(rows)


async def _show_card(turn: Turn, staff_id: int) -> None:
    _ = turn.gettext
    card = await staff_admin.staff_card(turn.session, staff_id=staff_id)
    if card is None:
        turn.say(_("Data staf itu tidak ditemukan."), global_keyboard([back_to_menu(turn)]))
        return
    regions = [r.label for code in card.region_codes if (r := region_by_code(code))]
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
    if card.role is StaffRole.CASEWORKER:
        areas = ", ".join([*regions, *card.upt_names]) or _("belum ada")
        lines.append(_("Wilayah: {value}").format(value=escape(areas)))
    rows = [[(_("🔁 Ubah peran"), f"stf:r:{card.id}")]]
    if card.role is StaffRole.CASEWORKER:
        rows.append([(_("📍 Atur wilayah"), f"stf:a:{card.id}")])
    if card.active:
        rows.append([(_("⛔ Nonaktifkan"), f"stf:act:{card.id}:0")])
    else:
        rows.append([(_("✅ Aktifkan lagi"), f"stf:act:{card.id}:1")])
    if not card.linked:
        rows.append([(_("🔑 Buat kode undangan baru"), f"stf:code:{card.id}")])
    rows.append([(_("⬅️ Kembali"), "stf:l:0")])
    turn.say("\n".join(lines), global_keyboard(rows))


def _role_picker(turn: Turn, staff_id: int) -> None:
    _ = turn.gettext
    rows = [[(_(label), f"stf:rs:{staff_id}:{role.value}")] for role, label in ROLE_LABELS.items()]
    rows.append([(_("⬅️ Kembali"), f"stf:c:{staff_id}")])
    turn.say(_("Pilih peran baru:"), global_keyboard(rows))


def _after_change(turn: Turn, result: ChangeResult, done: str) -> None:
    """Say how a change went; the card follows when it worked."""
    _ = turn.gettext
    if result is ChangeResult.SELF:
        turn.say(_("Anda tidak bisa mengubah peran atau menonaktifkan akun Anda sendiri."))
    elif result is ChangeResult.NOT_FOUND:
        turn.say(_("Data staf itu tidak ditemukan."), global_keyboard([back_to_menu(turn)]))
    else:
        turn.say(done)


async def _set_role(turn: Turn, staff_id: int, value: str) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    if value not in {r.value for r in StaffRole}:
        turn.toast = _("Tombol ini sudah tidak berlaku.")
        return
    role = StaffRole(value)
    result = await staff_admin.set_role(
        turn.session, actor=turn.staff, staff_id=staff_id, role=role
    )
    _after_change(turn, result, _("Peran diganti: {role}.").format(role=_(ROLE_LABELS[role])))
    if result is ChangeResult.DONE:
        await _show_card(turn, staff_id)


async def _set_active(turn: Turn, staff_id: int, active: bool) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    result = await staff_admin.set_active(
        turn.session, actor=turn.staff, staff_id=staff_id, active=active
    )
    done = _("Staf diaktifkan lagi.") if active else _("Staf dinonaktifkan.")
    _after_change(turn, result, done)
    if result is ChangeResult.DONE:
        await _show_card(turn, staff_id)


async def _edit_areas(turn: Turn, staff_id: int) -> None:
    _ = turn.gettext
    card = await staff_admin.staff_card(turn.session, staff_id=staff_id)
    if card is None:
        turn.say(_("Data staf itu tidak ditemukan."), global_keyboard([back_to_menu(turn)]))
        return
    await staff_invite.start_area_edit(turn, card)


async def _new_code(turn: Turn, staff_id: int) -> None:
    _ = turn.gettext
    assert turn.staff is not None
    invitation = await staff_admin.renew_invitation(
        turn.session, actor=turn.staff, staff_id=staff_id, now=turn.now
    )
    if invitation is None:
        turn.say(_("Staf ini sudah terhubung, atau datanya tidak ditemukan."))
        return
    link = f"https://t.me/{turn.bot_username}?start={staff_admin.CODE_PREFIX}{invitation.code}"
    turn.say(
        _(
            "Kode undangan baru: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai."
        ).format(code=invitation.code, link=link, date=turn.t.date(invitation.expires_at)),
        global_keyboard([[(_("⬅️ Kembali"), f"stf:c:{staff_id}")]]),
    )


async def on_action(turn: Turn, rest: str) -> None:
    """Route a `g:stf:…` button; anything malformed is a stale button."""
    _ = turn.gettext
    verb, *parts = rest.split(":")
    target = int(parts[0]) if parts and parts[0].isdigit() else None
    if verb == "inv" and not parts:
        await staff_invite.start_invite(turn)
    elif verb == "l" and target is not None and len(parts) == 1:
        await _send_list(turn, target)
    elif verb == "p" and target is not None and len(parts) == 1:
        found = await staff_admin.list_staff(turn.session, page=target)
        turn.pressed_keyboard = _list_keyboard(turn, found)
    elif verb == "c" and target is not None and len(parts) == 1:
        await _show_card(turn, target)
    elif verb == "r" and target is not None and len(parts) == 1:
        _role_picker(turn, target)
    elif verb == "rs" and target is not None and len(parts) == 2:
        await _set_role(turn, target, parts[1])
    elif verb == "a" and target is not None and len(parts) == 1:
        await _edit_areas(turn, target)
    elif verb == "act" and target is not None and len(parts) == 2 and parts[1] in ("0", "1"):
        await _set_active(turn, target, parts[1] == "1")
    elif verb == "code" and target is not None and len(parts) == 1:
        await _new_code(turn, target)
    else:
        turn.toast = _("Tombol ini sudah tidak berlaku.")


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
        show_staff_menu(turn)
        return True
    reasons = {
        StaffRedeemResult.UNKNOWN: _(
            "Kode undangan staf itu tidak dikenal. Periksa lagi tautannya."
        ),
        StaffRedeemResult.USED: _("Kode undangan staf itu sudah pernah dipakai."),
        StaffRedeemResult.EXPIRED: _(
            "Kode undangan staf itu sudah kedaluwarsa. Mintalah kode baru kepada administrator."
        ),
        StaffRedeemResult.ALREADY_STAFF: _("Akun Telegram ini sudah terdaftar sebagai staf."),
    }
    turn.say(reasons[redemption.result])
    if turn.staff is not None:
        show_staff_menu(turn)
    return True


FEATURE = Feature(
    commands=(Command("staf", show_staff, ADMINS),),
    actions=(Action("stf", on_action, ADMINS),),
    flows=(staff_invite.FLOW,),
    start_hooks=(on_start,),
)
