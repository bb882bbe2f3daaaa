"""Self-registration: the form a beneficiary fills in when she has no invitation code.

Name, NIK (checked at once, also against existing records), kabupaten/kota, training,
business, an optional phone number, then a summary with per-field Ubah. She is never asked to
label herself with a PPKS category: her caseworker sets it when verifying her.
"""

from __future__ import annotations

from html import escape

from bot.chat.turn import Turn
from bot.domain.nik import NikInfo
from bot.domain.reference import region_by_code
from bot.domain.text import has_words, tidy_text
from bot.i18n import N_
from bot.services import accounts, registration
from bot.services.registration import RegistrationForm, RegistrationResult
from conversations import fields
from conversations.engine import END, TEXT_ONLY, Next, Step
from conversations.onboarding_states import OnboardingDraft, S
from conversations.steps import FreeText, Parsed, Rejected, ShareContact, Summary

MAX_TEXT = 200
NIK_TAKEN = N_(
    "NIK ini sudah terdaftar di Dinas Sosial. Mintalah kode undangan "
    'kepada pendamping Anda, lalu pilih "Saya punya kode".'
)


async def _name(_turn: Turn, draft: OnboardingDraft, name: str) -> Next:
    draft.name = name
    return S.NIK


async def _nik(turn: Turn, draft: OnboardingDraft, info: NikInfo) -> Parsed:
    if await registration.nik_taken(turn.session, nik=info.nik):
        turn.say(turn.gettext(NIK_TAKEN))
        return S.LINK
    draft.nik = info.nik
    return S.REGION


async def _region(_turn: Turn, draft: OnboardingDraft, code: str) -> Next:
    draft.region = code
    return S.TRAINING


def _short_text(key: str, following: S) -> FreeText[OnboardingDraft]:
    """Free text of 2–200 characters, kept in the draft under `key`."""

    async def take(turn: Turn, draft: OnboardingDraft, text: str) -> Parsed:
        tidy = tidy_text(text)
        if not has_words(tidy):
            return Rejected(turn.gettext("Tulis jawabannya dengan huruf atau angka, ya."))
        setattr(draft, key, tidy)
        return following

    prompts = {
        "training": N_(
            "Pelatihan apa yang pernah Anda ikuti, dan di mana? "
            "Contoh: Menjahit di UPT Rehabilitasi Sosial Bina Daksa Pasuruan."
        ),
        "business": N_(
            "Apa usaha Anda sekarang? Contoh: jahit seragam, servis HP, warung makan. "
            "Kalau belum punya usaha, ketik: belum."
        ),
    }
    return FreeText(prompt=prompts[key], take=take, max_length=MAX_TEXT, accepts=TEXT_ONLY)


async def _phone(_turn: Turn, draft: OnboardingDraft, phone: str | None) -> Next:
    draft.phone = phone
    return S.CONFIRM


def _summary(turn: Turn, draft: OnboardingDraft) -> list[str]:
    _ = turn.gettext
    region = region_by_code(draft.region or "")
    return [
        _("<b>Periksa data Anda</b>"),
        _("Nama: {value}").format(value=escape(draft.name or "")),
        _("NIK: {value}").format(value=escape(draft.nik or "")),
        _("Kabupaten/kota: {value}").format(value=escape(region.label if region else "-")),
        _("Pelatihan: {value}").format(value=escape(draft.training or "")),
        _("Usaha: {value}").format(value=escape(draft.business or "")),
        _("Nomor HP: {value}").format(value=escape(draft.phone or _("tidak diisi"))),
    ]


async def _save(turn: Turn, draft: OnboardingDraft) -> Next:
    """Save the registration (a NIK registered meanwhile sends her to the invitation code)."""
    _ = turn.gettext
    assert draft.name and draft.nik and draft.region and draft.training and draft.business
    form = RegistrationForm(
        full_name=draft.name,
        nik=draft.nik,
        region_code=draft.region,
        training=draft.training,
        business_type=draft.business,
        phone=draft.phone,
    )
    result = await registration.register_self(
        turn.session,
        telegram_id=turn.telegram_id,
        form=form,
        now=turn.now,
        settings=turn.services.settings,
    )
    if result is RegistrationResult.NIK_TAKEN:
        turn.say(_(NIK_TAKEN))
        return S.LINK
    turn.queued_outbox = True  # the caseworkers' verification alert goes out right away
    turn.profile = await accounts.find_profile(turn.session, telegram_id=turn.telegram_id)
    turn.say(
        _(
            "Terima kasih, {name}! Pendaftaran Anda tersimpan. Pendamping dari Dinas Sosial "
            "akan memeriksa data Anda; sementara itu Anda sudah bisa melapor keadaan usaha."
        ).format(name=escape(form.full_name))
    )
    turn.end()
    turn.show_menu()
    return END


STEPS: dict[S, Step[OnboardingDraft]] = {
    S.NAME: fields.full_name(N_("Siapa nama lengkap Anda? Tulis sesuai KTP."), _name),
    S.NIK: fields.nik(N_("Ketik NIK Anda: 16 angka yang ada di KTP atau Kartu Keluarga."), _nik),
    S.REGION: fields.region(
        N_(
            "Di kabupaten/kota mana Anda tinggal sekarang? Pilih dari tombol, "
            "atau ketik namanya (misalnya: Bojonegoro)."
        ),
        _region,
    ),
    S.TRAINING: _short_text("training", S.BUSINESS),
    S.BUSINESS: _short_text("business", S.PHONE),
    S.PHONE: ShareContact[OnboardingDraft](
        prompt=N_(
            "Boleh kami simpan nomor HP Anda, agar pendamping bisa menelepon? "
            "Tekan tombol di bawah, atau tekan Lewati."
        ),
        store=_phone,
    ),
    S.CONFIRM: Summary[OnboardingDraft](
        lines=_summary,
        fields=[
            (N_("Nama"), S.NAME),
            (N_("NIK"), S.NIK),
            (N_("Kabupaten/kota"), S.REGION),
            (N_("Pelatihan"), S.TRAINING),
            (N_("Usaha"), S.BUSINESS),
            (N_("Nomor HP"), S.PHONE),
        ],
        save=_save,
        question=N_("Sudah benar?"),
    ),
}
