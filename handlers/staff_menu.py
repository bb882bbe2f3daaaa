"""The staff menu: what an active staff member sees on /start, and the feature that bundles
staff administration and caseworker tools for `handlers.all_features`."""

from __future__ import annotations

from html import escape

from bot.i18n import N_
from bot.storage.models import StaffRole
from conversations.engine import Turn
from handlers.features import STAFF, Action, Feature
from handlers.menu import global_keyboard, offer_resume

MENU = "sm:menu"  # global value of the "back to the staff menu" button
STAFF_FLOWS = frozenset({"sti", "inv", "rej"})
# Button values of the menu; each is another feature's global action, checked by its roles.
MY_CLIENTS = "kl:l:all:0"
INVITE_CLIENT = "kl:inv"
STAFF_LIST = "stf:l:0"
SCHEDULES = "sm:jadwal"  # the /jadwal list (administrators)
ROLE_LABELS = {
    StaffRole.ADMIN: N_("Administrator"),
    StaffRole.CASEWORKER: N_("Pendamping"),
    StaffRole.PARTNER: N_("Petugas mitra OPD"),
}


def staff_menu_rows(turn: Turn) -> list[list[tuple[str, str]]]:
    """The staff menu's buttons for this staff member's role (other features may add rows)."""
    _ = turn.gettext
    staff = turn.staff
    if staff is None:
        return []
    rows: list[list[tuple[str, str]]] = []
    if staff.role in (StaffRole.CASEWORKER, StaffRole.ADMIN):
        rows.append([(_("👥 Klien saya"), MY_CLIENTS)])
        rows.append([(_("✉️ Undang klien"), INVITE_CLIENT)])
    if staff.is_admin:
        rows.append([(_("🧑‍💼 Staf"), STAFF_LIST), (_("🗓️ Jadwal"), SCHEDULES)])
    return rows


def back_to_menu(turn: Turn) -> list[tuple[str, str]]:
    """One row with the button back to the staff menu."""
    _ = turn.gettext
    return [(_("⬅️ Menu staf"), MENU)]


def show_staff_menu(turn: Turn, *, greeting: bool = False) -> None:
    """Say who the staff member is and offer the staff menu."""
    _ = turn.gettext
    staff = turn.staff
    if staff is None:
        return
    text = _("<b>Menu staf</b> · {role}").format(role=_(ROLE_LABELS[staff.role]))
    if greeting:
        text = _("Halo, {name}!").format(name=escape(staff.full_name)) + "\n" + text
    rows = staff_menu_rows(turn)
    if not rows:
        text += "\n" + _("Belum ada menu untuk peran Anda. Pesan untuk Anda akan datang ke sini.")
    turn.say(text, global_keyboard(rows) if rows else None)


def _paused_staff_flow(turn: Turn) -> bool:
    return turn.staff is not None and turn.paused is not None and turn.paused.flow in STAFF_FLOWS


async def _on_start(turn: Turn, payload: str) -> bool:
    """/start without a payload: an active staff member gets the staff menu."""
    if payload or turn.staff is None:
        return False
    show_staff_menu(turn, greeting=True)
    if _paused_staff_flow(turn):
        offer_resume(turn)
    return True


async def _on_action(turn: Turn, rest: str) -> None:
    """The staff menu's own buttons: back to the menu, and the schedules."""
    _ = turn.gettext
    if rest == MENU.partition(":")[2]:
        show_staff_menu(turn)
    elif rest == SCHEDULES.partition(":")[2] and turn.staff is not None and turn.staff.is_admin:
        from conversations.schedule_edit import show_schedules

        await show_schedules(turn, "")
    else:
        turn.toast = _("Tombol ini sudah tidak berlaku.")


FEATURE = Feature(
    actions=(Action("sm", _on_action, STAFF),),
    start_hooks=(_on_start,),
)


def staff_features() -> Feature:
    """Staff menu, staff administration and caseworker tools, as one feature."""
    from handlers.caseload import FEATURE as caseload
    from handlers.staff_admin import FEATURE as staff_admin

    # Staff invitations (/start staf_<code>) must be tried before the plain staff menu.
    parts = (staff_admin, caseload, FEATURE)
    return Feature(
        commands=tuple(c for p in parts for c in p.commands),
        actions=tuple(a for p in parts for a in p.actions),
        flows=tuple(f for p in parts for f in p.flows),
        text_hooks=tuple(h for p in parts for h in p.text_hooks),
        jobs=tuple(j for p in parts for j in p.jobs),
        start_hooks=tuple(h for p in parts for h in p.start_hooks),
    )
