"""Onboarding: language, privacy consent, then an invitation code or self-registration."""

from __future__ import annotations

from html import escape

from bot.chat.turn import Turn
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from bot.services import accounts, registration
from bot.services.registration import RedeemResult
from conversations import registration_form
from conversations.engine import END, REPEAT, Flow, Next, advance
from conversations.onboarding_states import OnboardingDraft, S
from conversations.steps import BACK, Choice, FreeText, Parsed

WELCOME = N_("Selamat datang di <b>Berdaya</b>, layanan Dinas Sosial Jawa Timur.\nPilih bahasa:")


async def start(turn: Turn, code: str | None) -> None:
    """Open onboarding; with a deep-link code, linking follows consent."""
    draft = OnboardingDraft(code=code or None)
    if turn.profile is None:
        language = turn.language
        await FLOW.start(turn, draft, S.LANGUAGE)
        assert turn.flow_state is not None
        turn.flow_state.meta.lang = language
    else:  # consent was given before; only the link is missing
        turn.begin(FLOW.name, S.LINK.value, draft)
        await advance(turn, FLOW, await _link_or_choose(turn, draft))


async def _language(turn: Turn, _draft: OnboardingDraft, value: str) -> Next:
    turn.set_language(value)
    return S.CONSENT


def _consent_options(turn: Turn, _draft: OnboardingDraft) -> list[tuple[str, str]]:
    _ = turn.gettext
    return [(_("✅ Saya setuju"), "yes"), (_("❌ Tidak setuju"), "no")]


async def _consent(turn: Turn, draft: OnboardingDraft, value: str) -> Next:
    """Record consent (the first thing ever stored), or part politely."""
    _ = turn.gettext
    if value == "no":
        turn.say(
            _(
                "Baik, tidak apa-apa. Kami tidak menyimpan data Anda. "
                "Jika berubah pikiran, ketik /start kapan saja."
            ),
            remove_reply_keyboard=True,
        )
        return END
    turn.profile = await accounts.record_consent(
        turn.session, telegram_id=turn.telegram_id, language=turn.language, now=turn.now
    )
    turn.say(_("Terima kasih. Persetujuan Anda sudah dicatat."))
    return await _link_or_choose(turn, draft)


async def _link_or_choose(turn: Turn, draft: OnboardingDraft) -> Next:
    """Redeem a code if we have one; otherwise ask how to link."""
    _ = turn.gettext
    code, draft.code = draft.code, None
    if not code:
        return S.LINK
    redemption = await registration.redeem_invitation(
        turn.session,
        telegram_id=turn.telegram_id,
        code=code[:64],
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
        turn.show_menu()
        return END
    reasons = {
        RedeemResult.UNKNOWN: _("Kode undangan itu tidak dikenal. Periksa lagi hurufnya."),
        RedeemResult.USED: _("Kode undangan itu sudah pernah dipakai."),
        RedeemResult.EXPIRED: _(
            "Kode undangan itu sudah kedaluwarsa. Mintalah kode baru kepada pendamping Anda."
        ),
    }
    turn.say(reasons[redemption.result])
    return S.LINK


def _link_options(turn: Turn, _draft: OnboardingDraft) -> list[tuple[str, str]]:
    _ = turn.gettext
    return [(_("🔑 Saya punya kode"), "code"), (_("📝 Daftar sendiri"), "self")]


async def _link(_turn: Turn, _draft: OnboardingDraft, value: str) -> Next:
    return S.CODE if value == "code" else S.NAME


async def _take_code(turn: Turn, draft: OnboardingDraft, text: str) -> Parsed:
    draft.code = text
    result = await _link_or_choose(turn, draft)
    return S.CODE if result == S.LINK else result


async def _code_button(_turn: Turn, _draft: OnboardingDraft, value: str) -> Next:
    return S.LINK if value == BACK else REPEAT


STEPS = {
    S.LANGUAGE: Choice[OnboardingDraft](
        prompt=WELCOME,
        options=lambda _turn, _draft: [(LANGUAGE_NAMES[code], code) for code in LANGUAGES],
        choose=_language,
    ),
    S.CONSENT: Choice[OnboardingDraft](
        prompt=N_(
            "<b>Sebelum mulai: data Anda</b>\n\n"
            "<b>Yang kami simpan:</b> nama, NIK, kabupaten/kota, pelatihan, jenis usaha, "
            "nomor HP (kalau Anda mau), dan laporan usaha Anda "
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
        options=_consent_options,
        choose=_consent,
    ),
    S.LINK: Choice[OnboardingDraft](
        prompt=N_("Apakah Anda punya kode undangan dari pendamping?"),
        options=_link_options,
        choose=_link,
    ),
    S.CODE: FreeText[OnboardingDraft](
        prompt=N_("Ketik kode undangan Anda (10 huruf/angka, contoh: K7QF3MZP2A)."),
        take=_take_code,
        max_length=64,
        buttons=lambda turn, _draft: [(turn.gettext("⬅️ Kembali"), BACK)],
        on_button=_code_button,
    ),
    **registration_form.STEPS,
}

FLOW = Flow(
    name="onb",
    states=S,
    draft_model=OnboardingDraft,
    steps=STEPS,
    entry_command="start",
)
