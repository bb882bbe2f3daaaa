"""The staff menu: what an active staff member sees on /start, and the feature that bundles
staff administration and caseworker tools for `handlers.all_features`."""

from __future__ import annotations

from html import escape

from bot.i18n import N_
from bot.storage.models import StaffRole
from conversations.engine import Turn, repeat
from handlers.features import STAFF, Action, Feature
from handlers.menu import RESUME_YES, global_keyboard

MENU = "sm:menu"  # global value of the "back to the staff menu" button
FRESH = "sm:fresh"  # start a paused staff flow again from its first question
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


def _offer_resume(turn: Turn) -> None:
    """A staff flow closed for idleness: continue it, or start it again (not onboarding)."""
    _ = turn.gettext
    turn.say(
        _("Anda punya isian yang belum selesai. Mau dilanjutkan?"),
        global_keyboard([[(_("▶️ Lanjutkan"), RESUME_YES)], [(_("🆕 Mulai dari awal"), FRESH)]]),
    )


async def _on_start(turn: Turn, payload: str) -> bool:
    """/start without a payload: an active staff member gets the staff menu."""
    if payload or turn.staff is None:
        return False
    show_staff_menu(turn, greeting=True)
    if _paused_staff_flow(turn):
        _offer_resume(turn)
    return True


async def _on_text(turn: Turn) -> bool:
    """Outside any flow, with a staff flow paused: offer it back (the router knows only its own)."""
    if turn.flow_state is not None or not _paused_staff_flow(turn):
        return False
    _offer_resume(turn)
    return True


async def _on_action(turn: Turn, rest: str) -> None:
    """The "back to the staff menu" button, and starting a paused staff flow afresh."""
    _ = turn.gettext
    if rest == FRESH.partition(":")[2] and _paused_staff_flow(turn):
        await _start_fresh(turn)
    elif rest == MENU.partition(":")[2]:
        show_staff_menu(turn)
    elif rest == SCHEDULES.partition(":")[2] and turn.staff is not None and turn.staff.is_admin:
        from conversations.schedule_edit import show_schedules

        await show_schedules(turn, "")
    else:
        turn.toast = _("Tombol ini sudah tidak berlaku.")


async def _start_fresh(turn: Turn) -> None:
    from conversations import client_invite, reject, staff_invite

    assert turn.paused is not None
    flow = turn.paused.flow
    if flow == staff_invite.FLOW.name and "target" not in turn.paused.data:
        await staff_invite.start_invite(turn)
    elif flow == client_invite.FLOW.name:
        await client_invite.start(turn)
    else:  # a rejection or an area edit: asking its question again is starting afresh
        turn.resume()
        await repeat(turn, reject.FLOW if flow == reject.FLOW.name else staff_invite.FLOW)


FEATURE = Feature(
    actions=(Action("sm", _on_action, STAFF),),
    text_hooks=(_on_text,),
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
