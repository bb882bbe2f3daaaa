"""/undang: a caseworker creates a client record and gets a one-time invitation for her."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup

from bot.domain.nik import NikError, validate_nik
from bot.domain.reference import REGIONS, region_by_code
from bot.services import caseload
from bot.storage.models import StaffRole
from conversations.engine import BUTTONS_ONLY, END, REPEAT, STAY, Flow, Kind, Step, Turn, ask
from conversations.fields import explain_nik_error, take_full_name
from conversations.paging import page_number, paged_rows
from handlers.menu import global_keyboard
from handlers.staff_menu import INVITE_CLIENT, back_to_menu

NAME, NIK, REGION, UPT, TRAINING = "name", "nik", "region", "upt", "training"
NO_UPT = "none"
_DATE_RE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$")


async def start(turn: Turn) -> None:
    """Open the invitation flow at the client's name."""
    turn.begin(FLOW.name, NAME)
    await ask(turn, FLOW, NAME)


def _may_invite(turn: Turn) -> bool:
    """Checked again at the end: a flow can outlive a deactivation or a role change."""
    return turn.staff is not None and turn.staff.role in (StaffRole.CASEWORKER, StaffRole.ADMIN)


async def ask_name(turn: Turn) -> None:
    """The client's full name."""
    _ = turn.gettext
    turn.say(_("Siapa nama lengkap klien? Tulis sesuai KTP. (Ketik /batal untuk membatalkan.)"))


async def take_name(turn: Turn) -> str:
    """A name: 3–100 characters, with letters and no digits."""
    return take_full_name(turn, NIK)


async def ask_nik(turn: Turn) -> None:
    """The client's NIK."""
    _ = turn.gettext
    turn.say(_("Ketik NIK klien: 16 angka yang ada di KTP atau Kartu Keluarga."))


async def take_nik(turn: Turn) -> str:
    """A valid Jawa Timur NIK that no client record has yet."""
    _ = turn.gettext
    try:
        info = validate_nik(turn.input.text[:100], today=turn.services.today())
    except NikError as error:
        turn.say(explain_nik_error(turn, error))
        return REPEAT
    if await caseload.nik_registered(turn.session, nik=info.nik):
        turn.say(
            _("NIK ini sudah terdaftar di Berdaya, jadi tidak perlu diundang lagi. Cek di /klien.")
        )
        return REPEAT
    turn.data["nik"] = info.nik
    return REGION


def _region_codes(turn: Turn) -> list[str]:
    """Her own kabupaten/kota; every one for administrators and UPT caseworkers."""
    staff = turn.staff
    if staff is None or staff.is_admin or staff.upt_ids or not staff.region_codes:
        return [r.code for r in REGIONS]
    return [r.code for r in REGIONS if r.code in staff.region_codes]


def _region_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    items = [(r.label, r.code) for code in _region_codes(turn) if (r := region_by_code(code))]
    return turn.keyboard(
        paged_rows(turn, items, page=int(turn.data.get("region_page", 0)), per_page=10, columns=2)
    )


async def ask_region(turn: Turn) -> None:
    """Where the client lives."""
    _ = turn.gettext
    turn.say(_("Di kabupaten/kota mana klien tinggal?"), _region_keyboard(turn))


async def take_region(turn: Turn) -> str:
    """A region button (of the ones offered) or a page turn in place."""
    page = page_number(turn.input.value)
    if page is not None:
        turn.data["region_page"] = page
        turn.pressed_keyboard = _region_keyboard(turn)
        return STAY
    if turn.input.value not in _region_codes(turn):
        return REPEAT
    turn.data["region"] = turn.input.value
    if turn.staff is not None and await caseload.upt_choices(turn.session, actor=turn.staff):
        return UPT
    return TRAINING


def _region_covered(turn: Turn) -> bool:
    staff = turn.staff
    return staff is not None and (staff.is_admin or turn.data["region"] in staff.region_codes)


async def ask_upt(turn: Turn) -> None:
    """Which UPT trained her (required when only the UPT puts her in the caseworker's area)."""
    _ = turn.gettext
    assert turn.staff is not None
    rows = [
        [(name, str(upt_id))]
        for upt_id, name in await caseload.upt_choices(turn.session, actor=turn.staff)
    ]
    if _region_covered(turn):
        rows.append([(_("Bukan dari UPT"), NO_UPT)])
    turn.say(_("Di UPT mana klien dilatih?"), turn.keyboard(rows))


async def take_upt(turn: Turn) -> str:
    """One of the UPTs offered, or none."""
    if turn.staff is None:
        return END
    if turn.input.value == NO_UPT and _region_covered(turn):
        turn.data["upt"] = None
        return TRAINING
    choices = {
        upt_id for upt_id, _name in await caseload.upt_choices(turn.session, actor=turn.staff)
    }
    if not turn.input.value.isdigit() or int(turn.input.value) not in choices:
        return REPEAT
    turn.data["upt"] = int(turn.input.value)
    return TRAINING


async def ask_training(turn: Turn) -> None:
    """When the training ended (optional): it sets when the first check-ins fall."""
    _ = turn.gettext
    turn.say(
        _(
            "Kapan pelatihan klien selesai? Ketik tanggalnya, misalnya 27-08-2026 atau 27/8/2026. "
            "Kalau tidak tahu, tekan Lewati."
        ),
        turn.keyboard([[(_("⏭️ Lewati"), "skip")]]),
    )


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


async def take_training(turn: Turn) -> str:
    """A date, or Lewati; then the invitation is made."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != "skip":
            return REPEAT
        ended = None
    else:
        ended = parse_day(turn.input.text[:40], today=turn.services.today())
        if ended is None:
            turn.say(
                _("Tanggal itu tidak saya kenali. Tulis seperti 27-08-2026, atau tekan Lewati.")
            )
            return REPEAT
    return await _invite(turn, ended)


async def _invite(turn: Turn, ended: date | None) -> str:
    """Create the client and her code; show the code and the deep link."""
    _ = turn.gettext
    if not _may_invite(turn) or turn.staff is None:
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    try:
        invitation = await caseload.invite_client(
            turn.session,
            actor=turn.staff,
            full_name=str(turn.data["name"]),
            nik=str(turn.data["nik"]),
            region_code=str(turn.data["region"]),
            upt_id=turn.data.get("upt"),
            training_ended_on=ended,
            now=turn.now,
            today=turn.services.today(),
        )
    except PermissionError:
        turn.say(_("Kabupaten/kota itu bukan wilayah Anda."))
        return REGION
    except ValueError:  # the NIK was registered meanwhile (NikError cannot happen: checked)
        turn.say(
            _("NIK ini sudah terdaftar di Berdaya, jadi tidak perlu diundang lagi. Cek di /klien.")
        )
        return NIK
    link = f"https://t.me/{turn.bot_username}?start={invitation.code}"
    turn.say(
        _(
            "✅ Undangan untuk <b>{name}</b> sudah dibuat.\n"
            "Kode: <code>{code}</code>\n"
            "Tautan: {link}\n"
            "Berlaku sampai {date}, hanya sekali pakai. "
            "Berikan kode atau tautan ini kepada klien."
        ).format(
            name=escape(str(turn.data["name"])),
            code=invitation.code,
            link=link,
            date=turn.t.date(invitation.expires_at),
        ),
        global_keyboard([[(_("✉️ Undang klien lain"), INVITE_CLIENT)], back_to_menu(turn)]),
    )
    return END


FLOW = Flow(
    name="inv",
    entry_command="undang",
    steps={
        NAME: Step(ask_name, take_name, frozenset({Kind.TEXT})),
        NIK: Step(ask_nik, take_nik, frozenset({Kind.TEXT})),
        REGION: Step(ask_region, take_region, BUTTONS_ONLY),
        UPT: Step(ask_upt, take_upt, BUTTONS_ONLY),
        TRAINING: Step(ask_training, take_training),
    },
    restart=start,
)
