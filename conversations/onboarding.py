"""Onboarding: language, privacy consent, then an invitation code or self-registration."""

from __future__ import annotations

from html import escape

from telegram import ReplyKeyboardRemove

from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.services import accounts, registration
from bot.services.registration import RedeemResult
from conversations import registration_form
from conversations.engine import (
    BUTTONS_ONLY,
    END,
    REPEAT,
    Flow,
    Kind,
    Step,
    Turn,
    advance,
    ask,
)
from conversations.onboarding_states import CODE, CONSENT, LANGUAGE, LINK, NAME
from handlers.menu import show_menu


async def start(turn: Turn, code: str | None) -> None:
    """Open onboarding; with a deep-link code, linking follows consent."""
    data = {"code": code} if code else {}
    if turn.profile is None:
        turn.begin(FLOW.name, LANGUAGE, {**data, "lang": turn.language})
        await ask(turn, FLOW, LANGUAGE)
    else:  # consent was given before; only the link is missing
        turn.begin(FLOW.name, LINK, data)
        await advance(turn, FLOW, await _link_or_choose(turn))


async def ask_language(turn: Turn) -> None:
    """Offer the three languages."""
    _ = turn.gettext
    turn.say(
        _("Selamat datang di <b>Berdaya</b>, layanan Dinas Sosial Jawa Timur.\nPilih bahasa:"),
        turn.keyboard([[(LANGUAGE_NAMES[code], code)] for code in LANGUAGES]),
    )


async def take_language(turn: Turn) -> str:
    """Remember the chosen language."""
    if turn.input.value not in LANGUAGES:
        return REPEAT
    turn.set_language(turn.input.value)
    return CONSENT


async def ask_consent(turn: Turn) -> None:
    """The privacy notice in plain words, then explicit consent buttons."""
    _ = turn.gettext
    turn.say(
        _(
            "<b>Sebelum mulai: data Anda</b>\n\n"
            "<b>Yang kami simpan:</b> nama, NIK, kabupaten/kota, kategori PPKS, pelatihan, "
            "jenis usaha, nomor HP (kalau Anda mau), dan laporan usaha Anda "
            "(keadaan usaha, penghasilan, karyawan, kendala, foto produk).\n"
            "<b>Untuk apa:</b> agar Dinas Sosial Jawa Timur bisa terus mendampingi usaha Anda "
            "dan menawarkan program bantuan yang cocok.\n"
            "<b>Siapa yang melihat:</b> hanya pendamping dan petugas Dinas Sosial yang "
            "menangani wilayah Anda. Data tidak dibagikan ke pihak lain tanpa izin Anda.\n"
            "<b>Hak Anda</b> (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi): "
            "melihat, meminta salinan, memperbaiki, dan meminta penghapusan data Anda, "
            "serta menarik persetujuan kapan saja.\n\n"
            "Apakah Anda setuju?"
        ),
        turn.keyboard([[(_("✅ Saya setuju"), "yes")], [(_("❌ Tidak setuju"), "no")]]),
    )


async def take_consent(turn: Turn) -> str:
    """Record consent (the first thing ever stored), or part politely."""
    _ = turn.gettext
    if turn.input.value == "no":
        turn.say(
            _(
                "Baik, tidak apa-apa. Kami tidak menyimpan data Anda. "
                "Jika berubah pikiran, ketik /start kapan saja."
            ),
            ReplyKeyboardRemove(),
        )
        return END
    if turn.input.value != "yes":
        return REPEAT
    turn.profile = await accounts.record_consent(
        turn.session, telegram_id=turn.telegram_id, language=turn.language, now=turn.now
    )
    turn.say(_("Terima kasih. Persetujuan Anda sudah dicatat."))
    return await _link_or_choose(turn)


async def _link_or_choose(turn: Turn) -> str:
    """Redeem a code if we have one; otherwise ask how to link."""
    _ = turn.gettext
    code = turn.data.pop("code", None)
    if not code:
        return LINK
    redemption = await registration.redeem_invitation(
        turn.session,
        telegram_id=turn.telegram_id,
        code=str(code)[:64],
        now=turn.now,
        settings=turn.services.settings,
    )
    if redemption.result in (RedeemResult.LINKED, RedeemResult.ALREADY_LINKED):
        turn.profile = await accounts.find_profile(turn.session, telegram_id=turn.telegram_id)
        name = escape(redemption.full_name or "")
        turn.say(
            _(
                "Akun Anda sudah terhubung dengan data atas nama <b>{name}</b>. Terima kasih!"
            ).format(name=name)
        )
        turn.end()
        show_menu(turn)
        return END
    reasons = {
        RedeemResult.UNKNOWN: _("Kode undangan itu tidak dikenal. Periksa lagi hurufnya."),
        RedeemResult.USED: _("Kode undangan itu sudah pernah dipakai."),
        RedeemResult.EXPIRED: _(
            "Kode undangan itu sudah kedaluwarsa. Mintalah kode baru kepada pendamping Anda."
        ),
    }
    turn.say(reasons[redemption.result])
    return LINK


async def ask_link(turn: Turn) -> None:
    """Invitation code, or registration on one's own?"""
    _ = turn.gettext
    turn.say(
        _("Apakah Anda punya kode undangan dari pendamping?"),
        turn.keyboard([[(_("🔑 Saya punya kode"), "code")], [(_("📝 Daftar sendiri"), "self")]]),
    )


async def take_link(turn: Turn) -> str:
    """Route to the code or to the registration form."""
    return {"code": CODE, "self": NAME}.get(turn.input.value, REPEAT)


async def ask_code(turn: Turn) -> None:
    """Ask for the invitation code."""
    _ = turn.gettext
    turn.say(
        _("Ketik kode undangan Anda (10 huruf/angka, contoh: K7QF3MZP2A)."),
        turn.keyboard([[(_("⬅️ Kembali"), "back")]]),
    )


async def take_code(turn: Turn) -> str:
    """Try the typed code."""
    if turn.input.kind is Kind.BUTTON:
        return LINK if turn.input.value == "back" else REPEAT
    turn.data["code"] = turn.input.text.strip()
    result = await _link_or_choose(turn)
    return CODE if result == LINK else result


FLOW = Flow(
    name="onb",
    entry_command="start",
    steps={
        LANGUAGE: Step(ask_language, take_language, BUTTONS_ONLY),
        CONSENT: Step(ask_consent, take_consent, BUTTONS_ONLY),
        LINK: Step(ask_link, take_link, BUTTONS_ONLY),
        CODE: Step(ask_code, take_code),
        **registration_form.STEPS,
    },
)
