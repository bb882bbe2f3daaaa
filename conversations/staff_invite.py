"""Inviting a staff member (name, role, areas) and changing a staff member's areas.

Steps act only for an active administrator: the dispatcher checks roles for commands and
buttons, but a flow's later steps could outlive an administrator's deactivation, so the steps
that change anything check again.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from pydantic import Field

from bot.chat.actions import ShowMenu
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.domain.reference import REGIONS, region_by_code
from bot.domain.vocabulary import ROLE_LABELS, StaffRole
from bot.i18n import N_
from bot.services import marketing, staff_admin
from bot.services.staff_admin import ChangeResult, OpenStaffCard, StaffCard
from conversations import fields
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import Choice, MultiSelect, PagedChoice

REGION, UPT = "r", "u"  # area values: r3522 (a kabupaten/kota), u12 (a UPT)


class S(StrEnum):
    """The invitation's steps; changing areas opens the flow at AREAS."""

    NAME = "name"
    ROLE = "role"
    AREAS = "areas"
    AGENCY = "agency"  # a partner officer's agency


class StaffDraft(Draft):
    """A new staff member so far, or (with `target`) another one's areas being changed."""

    target: int | None = None  # the staff record whose areas change; None: a new invitation
    name: str = ""
    role: StaffRole | None = None
    regions: list[str] = Field(default_factory=list)
    upts: list[int] = Field(default_factory=list)
    agency_id: int | None = None


def role_options(turn: Turn) -> list[tuple[str, StaffRole]]:
    """Every role with its label in the reader's language (the invitation and the staff card
    offer the same ones)."""
    return [(turn.gettext(label), role) for role, label in ROLE_LABELS.items()]


def area_names(turn: Turn, region_codes: list[str], upt_names: list[str]) -> str:
    """A staff member's kabupaten/kota and UPTs in words (HTML-escaped), or "belum ada"."""
    labels = [r.label for code in region_codes if (r := region_by_code(code)) is not None]
    return escape(", ".join([*labels, *upt_names])) or turn.gettext("belum ada")


def menu_button(turn: Turn) -> Buttons:
    """The one button back to the staff menu."""
    return rows_of([[(turn.gettext("⬅️ Menu staf"), ShowMenu())]])


async def start_invite(turn: Turn) -> None:
    """Open the invitation: the new staff member's name first."""
    await FLOW.start(turn, StaffDraft())


async def start_area_edit(turn: Turn, card: StaffCard) -> None:
    """Open the area picker for an existing staff member, with her areas ticked."""
    draft = StaffDraft(
        target=card.id,
        name=card.full_name,
        regions=list(card.region_codes),
        upts=list(card.upt_ids),
    )
    await FLOW.start(turn, draft, S.AREAS)


def _is_admin(turn: Turn) -> bool:
    """The presser is still an active administrator; otherwise she is told what anyone
    without the role is told."""
    if turn.staff is not None and turn.staff.is_admin:
        return True
    _ = turn.gettext
    turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
    return False


async def _name(_turn: Turn, draft: StaffDraft, name: str) -> Next:
    draft.name = name
    return S.ROLE


def _ask_role(turn: Turn, draft: StaffDraft) -> str:
    return turn.gettext("Apa peran {name}?").format(name=escape(draft.name))


async def _role(turn: Turn, draft: StaffDraft, value: str) -> Next:
    """A caseworker needs areas next, a partner officer her agency (when administrators have
    listed any, with /mitra); an administrator is invited straight away."""
    draft.role = StaffRole(value)
    if draft.role is StaffRole.CASEWORKER:
        return S.AREAS
    if draft.role is StaffRole.PARTNER and await _agency_options(turn, draft):
        return S.AGENCY
    return await _invite(turn, draft)


async def _agency_options(turn: Turn, _draft: StaffDraft) -> list[tuple[str, str]]:
    return [(a.name, str(a.id)) for a in await marketing.active_agencies(turn.session)]


async def _agency(turn: Turn, draft: StaffDraft, value: str) -> Next:
    draft.agency_id = int(value)
    return await _invite(turn, draft)


def _ask_areas(turn: Turn, draft: StaffDraft) -> str:
    return turn.gettext(
        "Pilih kabupaten/kota (dan UPT) yang ditangani {name}. "
        "Boleh lebih dari satu, lalu tekan Simpan."
    ).format(name=escape(draft.name))


async def _area_options(turn: Turn, _draft: StaffDraft) -> list[tuple[str, str]]:
    """The 38 kabupaten/kota, then every UPT."""
    regions = [(r.label, REGION + r.code) for r in REGIONS]
    upts = [(name, f"{UPT}{upt_id}") for upt_id, name in await staff_admin.list_upts(turn.session)]
    return regions + upts


def _selected_areas(draft: StaffDraft) -> list[str]:
    return [REGION + code for code in draft.regions] + [f"{UPT}{upt}" for upt in draft.upts]


def _store_areas(draft: StaffDraft, chosen: list[str]) -> None:
    """The ticked values (already checked against the options) back into the draft."""
    draft.regions = [value[len(REGION) :] for value in chosen if value.startswith(REGION)]
    draft.upts = [int(value[len(UPT) :]) for value in chosen if value.startswith(UPT)]


async def _areas_done(turn: Turn, draft: StaffDraft) -> Next:
    if draft.target is not None:
        return await _save_areas(turn, draft, draft.target)
    return await _invite(turn, draft)


async def _cancel(turn: Turn, _draft: StaffDraft) -> Next:
    turn.say(turn.gettext("Dibatalkan."), menu_button(turn))
    return END


async def _invite(turn: Turn, draft: StaffDraft) -> Next:
    """Create the staff record and show its one-time code and deep link."""
    _ = turn.gettext
    if not _is_admin(turn):
        return END
    assert turn.staff is not None and draft.role is not None
    caseworker = draft.role is StaffRole.CASEWORKER
    invitation = await staff_admin.invite_staff(
        turn.session,
        actor=turn.staff,
        full_name=draft.name,
        role=draft.role,
        now=turn.now,
        region_codes=draft.regions if caseworker else (),
        upt_ids=draft.upts if caseworker else (),
        agency_id=draft.agency_id,
    )
    turn.say(
        _(
            "✅ Undangan untuk <b>{name}</b> ({role}) sudah dibuat.\n"
            "Kode: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai. "
            "Kirimkan tautan ini kepada yang bersangkutan lewat jalur pribadi."
        ).format(
            name=escape(draft.name),
            role=_(ROLE_LABELS[draft.role]),
            code=invitation.code,
            link=invitation_link(turn, invitation.code),
            date=turn.t.date(invitation.expires_at),
        ),
        menu_button(turn),
    )
    return END


def invitation_link(turn: Turn, code: str) -> str:
    """The deep link that opens the bot with a staff invitation code."""
    return f"https://t.me/{turn.bot_username}?start={staff_admin.CODE_PREFIX}{code}"


async def _save_areas(turn: Turn, draft: StaffDraft, target: int) -> Next:
    """Set the target's areas and say what they are now."""
    _ = turn.gettext
    if not _is_admin(turn):
        return END
    assert turn.staff is not None
    result = await staff_admin.set_areas(
        turn.session,
        actor=turn.staff,
        staff_id=target,
        region_codes=draft.regions,
        upt_ids=draft.upts,
        now=turn.now,
    )
    card = await staff_admin.staff_card(turn.session, staff_id=target)
    if result is not ChangeResult.DONE or card is None:
        turn.say(_("Data staf itu tidak ditemukan."), menu_button(turn))
        return END
    turn.say(
        _("Wilayah {name} disimpan: {areas}.").format(
            name=escape(card.full_name),
            areas=area_names(turn, list(card.region_codes), list(card.upt_names)),
        ),
        rows_of([[(_("⬅️ Kembali"), OpenStaffCard(target))]]),
    )
    return END


FLOW = Flow(
    name="sti",
    states=S,
    draft_model=StaffDraft,
    entry_command="staf",
    restart=start_invite,
    steps={
        S.NAME: fields.full_name(
            N_("Siapa nama lengkap staf yang diundang? (Ketik /batal untuk membatalkan.)"), _name
        ),
        S.ROLE: Choice[StaffDraft](
            prompt=_ask_role,
            options=lambda turn, _d: [(label, role.value) for label, role in role_options(turn)],
            choose=_role,
        ),
        S.AREAS: MultiSelect[StaffDraft](
            prompt=_ask_areas,
            options=_area_options,
            selected=_selected_areas,
            store=_store_areas,
            done=_areas_done,
            done_label=N_("💾 Simpan"),
            cancel=_cancel,
            at_least=1,
            at_least_message=N_("Pilih minimal satu kabupaten/kota atau UPT."),
            per_page=10,
            columns=2,
        ),
        S.AGENCY: PagedChoice[StaffDraft](
            prompt=lambda turn, d: turn.gettext("Dari mitra mana {name}?").format(
                name=escape(d.name)
            ),
            items=_agency_options,
            choose=_agency,
            columns=1,
            cancel=_cancel,
        ),
    },
)
