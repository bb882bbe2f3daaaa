"""Self-registration: the form a beneficiary fills in when she has no invitation code."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.domain.nik import NikError, validate_nik
from bot.domain.reference import PPKS_CATEGORIES, REGIONS, ppks_by_no, region_by_code
from bot.services import accounts, registration
from bot.services.registration import RegistrationForm, RegistrationResult
from conversations.engine import (
    BUTTONS_ONLY,
    END,
    REPEAT,
    STAY,
    Kind,
    Step,
    Turn,
    normalize_label,
)
from conversations.fields import explain_nik_error, take_full_name
from conversations.onboarding_states import (
    BUSINESS,
    CONFIRM,
    LINK,
    NAME,
    NIK,
    PHONE,
    PPKS,
    REGION,
    TRAINING,
)
from conversations.paging import page_number, paged_rows
from handlers.menu import show_menu

MAX_TEXT = 200


async def ask_name(turn: Turn) -> None:
    """Ask for the full name."""
    _ = turn.gettext
    turn.say(_("Siapa nama lengkap Anda? Tulis sesuai KTP."))


async def take_name(turn: Turn) -> str:
    """A name: letters, 3–100 characters, no digits."""
    return take_full_name(turn, NIK)


async def ask_nik(turn: Turn) -> None:
    """Ask for the NIK."""
    _ = turn.gettext
    turn.say(_("Ketik NIK Anda: 16 angka yang ada di KTP atau Kartu Keluarga."))


async def take_nik(turn: Turn) -> str:
    """Check the NIK's structure and say in words what is wrong."""
    try:
        info = validate_nik(turn.input.text[:100], today=turn.services.today())
    except NikError as error:
        turn.say(explain_nik_error(turn, error))
        return REPEAT
    turn.data["nik"] = info.nik
    return REGION


async def ask_region(turn: Turn) -> None:
    """Kabupaten/kota of residence: paged buttons, or type the name."""
    _ = turn.gettext
    turn.say(
        _("Di kabupaten/kota mana Anda tinggal sekarang? Pilih, atau ketik namanya."),
        _region_keyboard(turn, int(turn.data.get("region_page", 0))),
    )


def _region_keyboard(turn: Turn, page: int) -> InlineKeyboardMarkup:
    items = [(region.label, region.code) for region in REGIONS]
    return turn.keyboard(paged_rows(turn, items, page=page, per_page=10, columns=2))


async def take_region(turn: Turn) -> str:
    """A region button, a page turn, or a typed name."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        page = page_number(turn.input.value)
        if page is not None:
            turn.data["region_page"] = page
            turn.pressed_keyboard = _region_keyboard(turn, page)
            return STAY
        region = region_by_code(turn.input.value)
    else:
        typed = normalize_label(turn.input.text[:100])
        matches = [r for r in REGIONS if typed and typed in normalize_label(r.label)]
        if len(matches) > 1:
            turn.say(
                _("Ada beberapa yang cocok. Pilih salah satu:"),
                turn.keyboard([[(r.label, r.code)] for r in matches[:8]]),
            )
            return STAY
        region = matches[0] if matches else None
    if region is None:
        turn.say(_("Kabupaten/kota itu tidak saya temukan di Jawa Timur."))
        return REPEAT
    turn.data["region"] = region.code
    return PPKS


async def ask_ppks(turn: Turn) -> None:
    """PPKS category: paged buttons."""
    _ = turn.gettext
    turn.say(
        _("Termasuk kategori mana Anda menurut Dinas Sosial?"),
        _ppks_keyboard(turn, int(turn.data.get("ppks_page", 0))),
    )


def _ppks_keyboard(turn: Turn, page: int) -> InlineKeyboardMarkup:
    items = [(c.name, str(c.no)) for c in PPKS_CATEGORIES]
    return turn.keyboard(paged_rows(turn, items, page=page, per_page=7, columns=1))


async def take_ppks(turn: Turn) -> str:
    """A category button or a page turn."""
    page = page_number(turn.input.value)
    if page is not None:
        turn.data["ppks_page"] = page
        turn.pressed_keyboard = _ppks_keyboard(turn, page)
        return STAY
    category = ppks_by_no(int(turn.input.value)) if turn.input.value.isdigit() else None
    if category is None:
        return REPEAT
    turn.data["ppks"] = category.no
    return TRAINING


async def ask_training(turn: Turn) -> None:
    """Which training or UPT."""
    _ = turn.gettext
    turn.say(
        _(
            "Pelatihan apa yang pernah Anda ikuti, dan di mana? "
            "Contoh: Menjahit di UPT Rehabilitasi Sosial Bina Daksa Pasuruan."
        )
    )


async def take_training(turn: Turn) -> str:
    """Free text, 2–200 characters."""
    return _take_short_text(turn, "training", BUSINESS)


async def ask_business(turn: Turn) -> None:
    """Which business."""
    _ = turn.gettext
    turn.say(
        _(
            "Apa usaha Anda sekarang? Contoh: jahit seragam, servis HP, warung makan. "
            "Kalau belum punya usaha, ketik: belum."
        )
    )


async def take_business(turn: Turn) -> str:
    """Free text, 2–200 characters."""
    return _take_short_text(turn, "business", PHONE)


def _take_short_text(turn: Turn, key: str, following: str) -> str:
    _ = turn.gettext
    text = " ".join(turn.input.text.split())
    if not 2 <= len(text) <= MAX_TEXT:
        turn.say(_("Tulis singkat saja, paling banyak 200 huruf."))
        return REPEAT
    turn.data[key] = text
    return following


async def ask_phone(turn: Turn) -> None:
    """Optional phone number, shared through Telegram's contact button."""
    _ = turn.gettext
    turn.say(
        _(
            "Boleh kami simpan nomor HP Anda, agar pendamping bisa menelepon? "
            "Tekan tombol di bawah, atau tekan Lewati."
        ),
        ReplyKeyboardMarkup(
            [[KeyboardButton(_("📱 Kirim nomor HP saya"), request_contact=True)], [_("Lewati")]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )


async def take_phone(turn: Turn) -> str:
    """Her own contact, or Lewati."""
    _ = turn.gettext
    if turn.input.kind is Kind.CONTACT:
        if not turn.input.own_contact or not turn.input.phone:
            turn.say(_("Kirim nomor Anda sendiri dengan tombol di bawah."))
            return REPEAT
        turn.data["phone"] = turn.input.phone[:20]
    elif normalize_label(turn.input.text) == normalize_label(_("Lewati")):
        turn.data["phone"] = None
    else:
        turn.say(_("Tekan tombol kirim nomor, atau tekan Lewati."))
        return REPEAT
    turn.say(_("Baik."), ReplyKeyboardRemove())
    return CONFIRM


async def ask_confirm(turn: Turn) -> None:
    """Show what will be saved."""
    _ = turn.gettext
    data = turn.data
    region = region_by_code(str(data.get("region")))
    category = ppks_by_no(int(data.get("ppks", 0)))
    lines = [
        _("<b>Periksa data Anda</b>"),
        _("Nama: {value}").format(value=escape(str(data.get("name", "")))),
        _("NIK: {value}").format(value=escape(str(data.get("nik", "")))),
        _("Kabupaten/kota: {value}").format(value=escape(region.label if region else "-")),
        _("Kategori: {value}").format(value=escape(category.name if category else "-")),
        _("Pelatihan: {value}").format(value=escape(str(data.get("training", "")))),
        _("Usaha: {value}").format(value=escape(str(data.get("business", "")))),
        _("Nomor HP: {value}").format(value=escape(str(data.get("phone") or _("tidak diisi")))),
    ]
    turn.say(
        "\n".join(lines),
        turn.keyboard([[(_("✅ Simpan"), "save")], [(_("🔄 Isi ulang"), "again")]]),
    )


async def take_confirm(turn: Turn) -> str:
    """Save the registration, or start the form again."""
    _ = turn.gettext
    if turn.input.value == "again":
        return NAME
    if turn.input.value != "save":
        return REPEAT
    data = turn.data
    form = RegistrationForm(
        full_name=str(data["name"]),
        nik=str(data["nik"]),
        region_code=str(data["region"]),
        ppks_category=int(data["ppks"]),
        training=str(data["training"]),
        business_type=str(data["business"]),
        phone=data.get("phone"),
    )
    result = await registration.register_self(
        turn.session,
        telegram_id=turn.telegram_id,
        form=form,
        now=turn.now,
        settings=turn.services.settings,
    )
    turn.queued_outbox = True  # the caseworkers' verification alert goes out right away
    if result is RegistrationResult.NIK_TAKEN:
        turn.say(
            _(
                "NIK ini sudah terdaftar di Dinas Sosial. Mintalah kode undangan "
                'kepada pendamping Anda, lalu pilih "Saya punya kode".'
            )
        )
        return LINK
    turn.profile = await accounts.find_profile(turn.session, telegram_id=turn.telegram_id)
    turn.say(
        _(
            "Terima kasih, {name}! Pendaftaran Anda tersimpan. Pendamping dari Dinas Sosial "
            "akan memeriksa data Anda; sementara itu Anda sudah bisa melapor keadaan usaha."
        ).format(name=escape(form.full_name))
    )
    turn.end()
    show_menu(turn)
    return END


STEPS = {
    NAME: Step(ask_name, take_name, frozenset({Kind.TEXT})),
    NIK: Step(ask_nik, take_nik, frozenset({Kind.TEXT})),
    REGION: Step(ask_region, take_region),
    PPKS: Step(ask_ppks, take_ppks, BUTTONS_ONLY),
    TRAINING: Step(ask_training, take_training, frozenset({Kind.TEXT})),
    BUSINESS: Step(ask_business, take_business, frozenset({Kind.TEXT})),
    PHONE: Step(ask_phone, take_phone, frozenset({Kind.TEXT, Kind.CONTACT})),
    CONFIRM: Step(ask_confirm, take_confirm, BUTTONS_ONLY),
}
