"""/undang: a caseworker creates a client record and gets a one-time invitation for her.

The steps: full name, NIK, kabupaten/kota (hers only), the UPT (only when she has UPTs to
offer), the PPKS category, then the date the training ended (or Lewati), which makes the
invitation: a one-time code and a deep link.

The PPKS category is asked here because an invited client is verified at once (the caseworker
vouches for her), and verification is where the caseworker sets the category: clients never
label themselves. It comes after the region and the UPT, which often say what the category
will be (a UPT Bina Daksa trains people with disabilities), and before the training date, so
that the one optional question stays last and Lewati there still makes the invitation.

Privacy: a NIK registered to a client outside the caseworker's area is never revealed. The
bot answers it exactly as any invitation it cannot make ("Undangan tidak bisa dibuat untuk NIK
ini ..."), and asks for the NIK again; only a NIK registered in her own area is said to be
registered already (she can find that client with /klien).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from html import escape

from bot.chat.actions import RunCommand, ShowMenu
from bot.chat.messages import rows_of
from bot.chat.turn import Turn
from bot.domain.nik import NikInfo
from bot.domain.reference import REGIONS
from bot.i18n import N_
from bot.services import caseload
from bot.services.caseload import InviteResult
from conversations import fields
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import SKIP, Choice, FreeText, Option, Parsed, Rejected

NO_UPT = "none"
_DATE_RE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$", re.ASCII)
ALREADY_HERE = N_(
    "NIK ini sudah terdaftar di Berdaya, jadi tidak perlu diundang lagi. Cek di /klien."
)
REFUSED = N_("Undangan tidak bisa dibuat untuk NIK ini. Hubungi administrator bila perlu.")
UNKNOWN = N_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah.")


class S(StrEnum):
    """The invitation's steps, in order."""

    NAME = "name"
    NIK = "nik"
    REGION = "region"
    UPT = "upt"
    CATEGORY = "category"
    TRAINING = "training"


class InviteDraft(Draft):
    """The invitation so far; nothing is stored before the last answer."""

    name: str | None = None
    nik: str | None = None
    region: str | None = None
    upt: int | None = None
    category: int | None = None


async def start(turn: Turn) -> None:
    """Open the invitation flow at the client's name."""
    await FLOW.start(turn, InviteDraft())


def _gone(turn: Turn) -> bool:
    """The flow outlived her role (deactivated, or no longer a caseworker): say so and end."""
    if caseload.may_manage_clients(turn.staff):
        return False
    turn.say(turn.gettext(UNKNOWN))
    return True


async def _name(_turn: Turn, draft: InviteDraft, name: str) -> Next:
    draft.name = name
    return S.NIK


async def _nik(turn: Turn, draft: InviteDraft, info: NikInfo) -> Parsed:
    """A NIK nobody has yet; one registered elsewhere is refused without saying so."""
    if _gone(turn) or turn.staff is None:
        return END
    found = await caseload.check_nik(turn.session, actor=turn.staff, nik=info.nik)
    if found is InviteResult.ALREADY_HERE:
        return Rejected(turn.gettext(ALREADY_HERE))
    if found is not InviteResult.CREATED:
        return Rejected(turn.gettext(REFUSED))
    draft.nik = info.nik
    return S.REGION


def _region_codes(turn: Turn, _draft: InviteDraft) -> list[str]:
    """Her own kabupaten/kota; every one for administrators and for UPT caseworkers (their
    UPTs take clients from anywhere)."""
    staff = turn.staff
    if staff is None:
        return []
    if staff.is_admin or staff.upt_ids or not staff.region_codes:
        return [r.code for r in REGIONS]
    return [r.code for r in REGIONS if r.code in staff.region_codes]


async def _region(turn: Turn, draft: InviteDraft, code: str) -> Next:
    draft.region, draft.upt = code, None
    if turn.staff is not None and await caseload.upt_choices(turn.session, actor=turn.staff):
        return S.UPT
    return S.CATEGORY


def _region_covered(turn: Turn, draft: InviteDraft) -> bool:
    staff = turn.staff
    return staff is not None and (staff.is_admin or draft.region in staff.region_codes)


async def _upt_options(turn: Turn, draft: InviteDraft) -> list[Option]:
    """Her UPTs, and "not from a UPT" when the region alone puts the client in her area."""
    if turn.staff is None:
        return []
    options = [
        (name, str(upt_id))
        for upt_id, name in await caseload.upt_choices(turn.session, actor=turn.staff)
    ]
    if _region_covered(turn, draft):
        options.append((turn.gettext("Bukan dari UPT"), NO_UPT))
    return options


async def _upt(turn: Turn, draft: InviteDraft, value: str) -> Next:
    """One of the options offered (Choice has checked that)."""
    if turn.staff is None:
        return END
    choices = {
        str(upt_id): upt_id
        for upt_id, _name in await caseload.upt_choices(turn.session, actor=turn.staff)
    }
    draft.upt = choices.get(value)
    return S.CATEGORY


async def _category(_turn: Turn, draft: InviteDraft, category: int) -> Next:
    draft.category = category
    return S.TRAINING


def parse_day(text: str, *, today: date) -> date | None:
    """A typed date such as 27-08-2026, 27/8/2026 or 27.8.26, within a sensible range."""
    match = _DATE_RE.match(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    year = year + 2000 if year < 100 else year
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if date(1990, 1, 1) <= found <= date(today.year + 2, 12, 31) else None


def _skip_button(turn: Turn, _draft: InviteDraft) -> list[Option]:
    return [(turn.gettext("⏭️ Lewati"), SKIP)]


async def _training(turn: Turn, draft: InviteDraft, text: str) -> Parsed:
    """A date; then the invitation is made."""
    ended = parse_day(text, today=turn.services.today())
    if ended is None:
        return Rejected(
            turn.gettext(
                "Tanggal itu tidak saya kenali. Tulis seperti 27-08-2026, atau tekan Lewati."
            )
        )
    return await _invite(turn, draft, ended)


async def _no_training_date(turn: Turn, draft: InviteDraft, _value: str) -> Next:
    return await _invite(turn, draft, None)


async def _invite(turn: Turn, draft: InviteDraft, ended: date | None) -> Next:
    """Create the client and her code; show the code and the deep link."""
    _ = turn.gettext
    if _gone(turn) or turn.staff is None:
        return END
    assert draft.name and draft.nik and draft.region
    invited = await caseload.invite_client(
        turn.session,
        actor=turn.staff,
        full_name=draft.name,
        nik=draft.nik,
        region_code=draft.region,
        upt_id=draft.upt,
        ppks_category=draft.category,
        training_ended_on=ended,
        now=turn.now,
        today=turn.services.today(),
    )
    if invited.result is InviteResult.OUTSIDE_AREA:  # her areas changed meanwhile
        turn.say(_("Kabupaten/kota itu bukan wilayah Anda."))
        return S.REGION
    if invited.result is InviteResult.ALREADY_HERE:  # registered meanwhile
        turn.say(_(ALREADY_HERE))
        return S.NIK
    if invited.invitation is None:
        turn.say(_(REFUSED))
        return S.NIK
    invitation = invited.invitation
    link = f"https://t.me/{turn.bot_username}?start={invitation.code}"
    turn.say(
        _(
            "✅ Undangan untuk <b>{name}</b> sudah dibuat.\n"
            "Kode: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai. "
            "Berikan kode atau tautan ini kepada klien."
        ).format(
            name=escape(draft.name),
            code=invitation.code,
            link=link,
            date=turn.t.date(invitation.expires_at),
        ),
        rows_of(
            [
                [(_("✉️ Undang klien lain"), RunCommand("undang"))],
                [(_("⬅️ Menu staf"), ShowMenu())],
            ]
        ),
    )
    return END


FLOW = Flow(
    name="inv",
    states=S,
    draft_model=InviteDraft,
    steps={
        S.NAME: fields.full_name(
            N_("Siapa nama lengkap klien? Tulis sesuai KTP. (Ketik /batal untuk membatalkan.)"),
            _name,
        ),
        S.NIK: fields.nik(
            N_("Ketik NIK klien: 16 angka yang ada di KTP atau Kartu Keluarga."), _nik
        ),
        S.REGION: fields.region(
            N_("Di kabupaten/kota mana klien tinggal?"), _region, codes=_region_codes
        ),
        S.UPT: Choice[InviteDraft](
            prompt=N_("Di UPT mana klien dilatih?"), options=_upt_options, choose=_upt
        ),
        S.CATEGORY: fields.ppks_category(
            N_(
                "Apa kategori PPKS klien? Pilih dari tombol, atau ketik sebagian namanya "
                "(misalnya: disabilitas)."
            ),
            _category,
        ),
        S.TRAINING: FreeText[InviteDraft](
            prompt=N_(
                "Kapan pelatihan klien selesai? Ketik tanggalnya, misalnya 27-08-2026 atau "
                "27/8/2026. Kalau tidak tahu, tekan Lewati."
            ),
            take=_training,
            max_length=40,
            buttons=_skip_button,
            on_button=_no_training_date,
        ),
    },
    entry_command="undang",
)
