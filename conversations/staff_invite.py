"""Inviting a staff member (name, role, areas) and changing a staff member's areas.

Steps act only for an active administrator: the router checks roles for commands and buttons,
but a flow's later steps could outlive an administrator's deactivation, so they check again.
"""

from __future__ import annotations

from html import escape
from typing import TypeVar

from telegram import InlineKeyboardMarkup

from bot.domain.reference import REGIONS, region_by_code
from bot.services import staff_admin
from bot.storage.models import StaffRole
from conversations.engine import BUTTONS_ONLY, END, REPEAT, STAY, Flow, Kind, Step, Turn, ask
from conversations.fields import take_full_name
from conversations.paging import page_number, paged_rows
from handlers.menu import global_keyboard
from handlers.staff_menu import ROLE_LABELS, back_to_menu

NAME, ROLE, AREAS = "name", "role", "areas"
REGION_VALUE, UPT_VALUE = "r", "u"  # area button values: r3522, u12
T = TypeVar("T")


async def start_invite(turn: Turn) -> None:
    """Open the invitation: the new staff member's name first."""
    turn.begin(FLOW.name, NAME)
    await ask(turn, FLOW, NAME)


async def start_area_edit(turn: Turn, card: staff_admin.StaffCard) -> None:
    """Open the area picker for an existing staff member, with her areas ticked."""
    turn.begin(
        FLOW.name,
        AREAS,
        {
            "target": card.id,
            "name": card.full_name,
            "regions": list(card.region_codes),
            "upts": list(card.upt_ids),
        },
    )
    await ask(turn, FLOW, AREAS)


def _refused(turn: Turn) -> str:
    """The presser is no longer an administrator: answer as for an unknown command."""
    _ = turn.gettext
    turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
    return END


async def ask_name(turn: Turn) -> None:
    """Whom to invite."""
    _ = turn.gettext
    turn.say(_("Siapa nama lengkap staf yang diundang? (Ketik /batal untuk membatalkan.)"))


async def take_name(turn: Turn) -> str:
    """A name: 3–100 characters, with letters and no digits."""
    return take_full_name(turn, ROLE)


async def ask_role(turn: Turn) -> None:
    """Which role."""
    _ = turn.gettext
    turn.say(
        _("Apa peran {name}?").format(name=escape(str(turn.data["name"]))),
        turn.keyboard([[(_(label), role.value)] for role, label in ROLE_LABELS.items()]),
    )


async def take_role(turn: Turn) -> str:
    """A caseworker needs areas next; the other roles are invited straight away."""
    if turn.input.value not in {r.value for r in StaffRole}:
        return REPEAT
    turn.data["role"] = turn.input.value
    if turn.input.value == StaffRole.CASEWORKER.value:
        return AREAS
    return await _invite(turn)


async def _area_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    _ = turn.gettext
    regions, upts = set(turn.data.get("regions", [])), set(turn.data.get("upts", []))
    items = [
        (("✅ " if r.code in regions else "▫️ ") + r.label, REGION_VALUE + r.code) for r in REGIONS
    ]
    items += [
        (("✅ " if upt_id in upts else "▫️ ") + name, f"{UPT_VALUE}{upt_id}")
        for upt_id, name in await staff_admin.list_upts(turn.session)
    ]
    rows = paged_rows(turn, items, page=int(turn.data.get("page", 0)), per_page=10, columns=2)
    rows.append([(_("💾 Simpan"), "done"), (_("❌ Batal"), "cancel")])
    return turn.keyboard(rows)


async def ask_areas(turn: Turn) -> None:
    """Kabupaten/kota and UPTs: any number, ticked in place."""
    _ = turn.gettext
    turn.say(
        _(
            "Pilih kabupaten/kota (dan UPT) yang ditangani {name}. "
            "Boleh lebih dari satu, lalu tekan Simpan."
        ).format(name=escape(str(turn.data["name"]))),
        await _area_keyboard(turn),
    )


async def take_areas(turn: Turn) -> str:
    """Toggle an area or turn the page in place; Simpan saves, Batal drops everything."""
    _ = turn.gettext
    value = turn.input.value
    page = page_number(value)
    if value == "cancel":
        turn.say(_("Dibatalkan."), global_keyboard([back_to_menu(turn)]))
        return END
    if value == "done":
        if not turn.data.get("regions") and not turn.data.get("upts"):
            turn.toast = _("Pilih minimal satu kabupaten/kota atau UPT.")
            return STAY
        return await (_save_areas(turn) if "target" in turn.data else _invite(turn))
    if page is not None:
        turn.data["page"] = page
    elif value.startswith(REGION_VALUE) and region_by_code(value[1:]) is not None:
        turn.data["regions"] = _toggled(turn.data.get("regions", []), value[1:])
    elif value.startswith(UPT_VALUE) and value[1:].isdigit():
        known = {upt_id for upt_id, _name in await staff_admin.list_upts(turn.session)}
        if int(value[1:]) not in known:
            return REPEAT
        turn.data["upts"] = _toggled(turn.data.get("upts", []), int(value[1:]))
    else:
        return REPEAT
    turn.pressed_keyboard = await _area_keyboard(turn)
    return STAY


def _toggled(chosen: list[T], item: T) -> list[T]:
    return [c for c in chosen if c != item] if item in chosen else [*chosen, item]


def _area_names(turn: Turn, regions: list[str], upt_names: list[str]) -> str:
    _ = turn.gettext
    labels = [r.label for code in regions if (r := region_by_code(code)) is not None]
    return escape(", ".join([*labels, *upt_names])) or _("belum ada")


async def _invite(turn: Turn) -> str:
    """Create the staff record and show its one-time code and deep link."""
    _ = turn.gettext
    if turn.staff is None or not turn.staff.is_admin:
        return _refused(turn)
    role = StaffRole(turn.data["role"])
    caseworker = role is StaffRole.CASEWORKER
    invitation = await staff_admin.invite_staff(
        turn.session,
        actor=turn.staff,
        full_name=str(turn.data["name"]),
        role=role,
        now=turn.now,
        region_codes=turn.data.get("regions", []) if caseworker else (),
        upt_ids=turn.data.get("upts", []) if caseworker else (),
    )
    link = f"https://t.me/{turn.bot_username}?start={staff_admin.CODE_PREFIX}{invitation.code}"
    turn.say(
        _(
            "✅ Undangan untuk <b>{name}</b> ({role}) sudah dibuat.\n"
            "Kode: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai. "
            "Kirimkan tautan ini kepada yang bersangkutan lewat jalur pribadi."
        ).format(
            name=escape(str(turn.data["name"])),
            role=_(ROLE_LABELS[role]),
            code=invitation.code,
            link=link,
            date=turn.t.date(invitation.expires_at),
        ),
        global_keyboard([back_to_menu(turn)]),
    )
    return END


async def _save_areas(turn: Turn) -> str:
    """Set the target's areas and say what they are now."""
    _ = turn.gettext
    if turn.staff is None or not turn.staff.is_admin:
        return _refused(turn)
    target = int(turn.data["target"])
    result = await staff_admin.set_areas(
        turn.session,
        actor=turn.staff,
        staff_id=target,
        region_codes=turn.data.get("regions", []),
        upt_ids=turn.data.get("upts", []),
    )
    if result is not staff_admin.ChangeResult.DONE:
        turn.say(_("Data staf itu tidak ditemukan."), global_keyboard([back_to_menu(turn)]))
        return END
    card = await staff_admin.staff_card(turn.session, staff_id=target)
    assert card is not None
    turn.say(
        _("Wilayah {name} disimpan: {areas}.").format(
            name=escape(card.full_name),
            areas=_area_names(turn, list(card.region_codes), list(card.upt_names)),
        ),
        global_keyboard([[(_("⬅️ Kembali"), f"stf:c:{target}")]]),
    )
    return END


FLOW = Flow(
    name="sti",
    entry_command="staf",
    steps={
        NAME: Step(ask_name, take_name, frozenset({Kind.TEXT})),
        ROLE: Step(ask_role, take_role, BUTTONS_ONLY),
        AREAS: Step(ask_areas, take_areas, BUTTONS_ONLY),
    },
    restart=start_invite,
)
