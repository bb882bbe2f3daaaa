"""The data-rights flows: the privacy page (/privasi), erasure (/hapus) and correction
(/perbaiki). They ask; `bot.services.data_rights` decides."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.nik import NikInfo
from bot.domain.reference import region_by_code
from bot.domain.text import has_words, tidy_text
from bot.i18n import N_
from bot.services import data_rights
from bot.services.data_rights import Details
from conversations import fields
from conversations.engine import END, STAY, TEXT_ONLY, Draft, Flow, Next
from conversations.steps import Choice, FreeText, Option, PagedChoice, Parsed, Rejected, Summary

MAX_BUSINESS = 200
NO_UPT = "0"

CONSENT_NOTICE = N_(
    "<b>Data Anda di Berdaya</b>\n\n"
    "<b>Yang kami simpan:</b> nama, NIK, kabupaten/kota, pelatihan, jenis usaha, "
    "nomor HP (kalau Anda mau), dan laporan usaha Anda.\n"
    "<b>Untuk apa:</b> agar Dinas Sosial Jawa Timur bisa terus mendampingi usaha Anda.\n"
    "<b>Siapa yang melihat:</b> hanya pendamping dan petugas Dinas Sosial yang menangani "
    "wilayah Anda.\n"
    "<b>Hak Anda</b> (UU No. 27 Tahun 2022): melihat dan menyalin data (/dataku), "
    "memperbaikinya (/perbaiki), meminta penghapusan (/hapus), dan menarik persetujuan "
    "kapan saja."
)
WITHDRAWN_NOTE = N_(
    "Anda sudah menarik persetujuan: data Anda tidak kami proses lagi, kecuali untuk "
    "menghapusnya kalau Anda minta."
)


# ---- /privasi -----------------------------------------------------------------------------


class P(StrEnum):
    """The privacy page, and the confirmation of a withdrawal."""

    MENU = "menu"
    WITHDRAW = "withdraw"


class Op(StrEnum):
    """The privacy page's buttons."""

    SEE = "see"
    FIX = "fix"
    ERASE = "erase"
    WITHDRAW = "withdraw"
    CONSENT = "consent"
    CLOSE = "close"
    YES = "yes"
    NO = "no"


class PrivacyDraft(Draft):
    """Nothing to keep: the page is built from her profile."""


def _consent_active(turn: Turn) -> bool:
    return turn.profile is None or turn.profile.consent_active


def _menu_prompt(turn: Turn, _draft: PrivacyDraft) -> str:
    _ = turn.gettext
    text = _(CONSENT_NOTICE)
    if not _consent_active(turn):
        text += "\n\n" + _(WITHDRAWN_NOTE)
    return text


def _menu_options(turn: Turn, _draft: PrivacyDraft) -> list[Option]:
    _ = turn.gettext
    if not _consent_active(turn):
        return [
            (_("✅ Saya setuju lagi"), Op.CONSENT),
            (_("📄 Lihat data saya"), Op.SEE),
            (_("🗑️ Hapus data saya"), Op.ERASE),
            (_("↩️ Tutup"), Op.CLOSE),
        ]
    options: list[Option] = [(_("📄 Lihat data saya"), Op.SEE)]
    if turn.profile is not None and turn.profile.registered:
        options.append((_("✏️ Perbaiki data saya"), Op.FIX))
    options += [
        (_("🗑️ Hapus data saya"), Op.ERASE),
        (_("✋ Tarik persetujuan"), Op.WITHDRAW),
        (_("↩️ Tutup"), Op.CLOSE),
    ]
    return options


async def _menu(turn: Turn, _draft: PrivacyDraft, value: str) -> Next:
    _ = turn.gettext
    if value == Op.WITHDRAW and _consent_active(turn):
        return P.WITHDRAW
    if value == Op.CONSENT and not _consent_active(turn):
        turn.profile = await data_rights.consent_again(
            turn.session, telegram_id=turn.telegram_id, language=turn.language, now=turn.now
        )
        turn.say(_("Terima kasih. Persetujuan Anda tercatat lagi, dan layanan Berdaya aktif."))
        turn.end()
        turn.show_menu()
        return STAY
    commands = {Op.SEE: "dataku", Op.FIX: "perbaiki", Op.ERASE: "hapus"}
    turn.end()
    if value in commands:
        await turn.conductor.run_command(turn, commands[Op(value)], "")
        return STAY
    turn.say(_("Baik."))
    turn.show_menu()
    return STAY


def _withdraw_options(turn: Turn, _draft: PrivacyDraft) -> list[Option]:
    _ = turn.gettext
    return [(_("✋ Ya, tarik persetujuan"), Op.YES), (_("↩️ Tidak jadi"), Op.NO)]


async def _withdraw(turn: Turn, _draft: PrivacyDraft, value: str) -> Next:
    _ = turn.gettext
    turn.end()
    if value != Op.YES:
        turn.say(_("Baik, persetujuan Anda tetap berlaku."))
        turn.show_menu()
        return STAY
    if not await data_rights.withdraw_consent(
        turn.session, telegram_id=turn.telegram_id, now=turn.now
    ):
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return STAY
    if turn.profile is not None:
        turn.profile = replace(turn.profile, consent_active=False)
    turn.say(
        _(
            "Persetujuan Anda sudah ditarik. Mulai sekarang data Anda tidak kami proses: "
            "tidak ada pertanyaan rutin, pengingat, atau pesan lain dari Berdaya. "
            "Data yang sudah ada tetap tersimpan sampai Anda memintanya dihapus dengan /hapus. "
            "Ketik /privasi kalau ingin memberi persetujuan lagi."
        )
    )
    return STAY


PRIVACY = Flow(
    name="prv",
    states=P,
    draft_model=PrivacyDraft,
    entry_command="privasi",
    steps={
        P.MENU: Choice[PrivacyDraft](prompt=_menu_prompt, options=_menu_options, choose=_menu),
        P.WITHDRAW: Choice[PrivacyDraft](
            prompt=N_(
                "Kalau persetujuan ditarik, Berdaya berhenti memproses data Anda: tidak ada "
                "pertanyaan rutin, pengingat, atau laporan, dan pendamping tidak lagi diberi "
                "tahu tentang Anda. Yakin?"
            ),
            options=_withdraw_options,
            choose=_withdraw,
        ),
    },
)


# ---- /hapus -------------------------------------------------------------------------------


class E(StrEnum):
    """Erasure: one explicit confirmation."""

    CONFIRM = "confirm"


class EraseDraft(Draft):
    """Nothing to keep."""


def _erase_options(turn: Turn, _draft: EraseDraft) -> list[Option]:
    _ = turn.gettext
    return [(_("🗑️ Ya, hapus data saya"), Op.YES), (_("↩️ Tidak jadi"), Op.NO)]


async def _erase(turn: Turn, _draft: EraseDraft, value: str) -> Next:
    _ = turn.gettext
    if value != Op.YES:
        turn.say(_("Baik, data Anda tidak dihapus."))
        turn.end()
        turn.show_menu()
        return STAY
    erased = await data_rights.erase(turn.session, telegram_id=turn.telegram_id, now=turn.now)
    turn.end()
    if erased is None:
        turn.say(_("Tidak ada data Anda yang tersimpan."))
        return STAY
    turn.queued_outbox = erased.told_caseworkers
    turn.files_to_remove += erased.files  # her photos and documents, once this is committed
    turn.profile = None
    turn.say(
        _(
            "✅ Data pribadi Anda sudah dihapus: nama, NIK, nomor HP, dan semua yang Anda tulis. "
            "Laporan usaha Anda disimpan tanpa nama, hanya untuk statistik. "
            "Pendamping Anda sudah diberi tahu. Sisa data di sistem kami hilang dalam 3 × 24 jam.\n"
            "Terima kasih sudah memakai Berdaya. Ketik /start kalau ingin mendaftar lagi."
        )
    )
    return STAY


ERASE = Flow(
    name="hps",
    states=E,
    draft_model=EraseDraft,
    entry_command="hapus",
    steps={
        E.CONFIRM: Choice[EraseDraft](
            prompt=N_(
                "<b>Hapus data Anda?</b>\n"
                "Nama, NIK, nomor HP, pelatihan, usaha, dan semua yang Anda tulis akan dihapus, "
                "dan Anda tidak menerima pesan dari Berdaya lagi. Laporan usaha Anda disimpan "
                "tanpa nama, hanya untuk statistik. Ini tidak bisa dibatalkan."
            ),
            options=_erase_options,
            choose=_erase,
        ),
    },
)


# ---- /perbaiki ----------------------------------------------------------------------------


class C(StrEnum):
    """Correction: the summary first; each field is asked only when she picks it."""

    SUMMARY = "summary"
    NAME = "name"
    NIK = "nik"
    REGION = "region"
    UPT = "upt"
    BUSINESS = "business"


class CorrectionDraft(Draft):
    """Her fields as they will be saved."""

    name: str
    region: str
    upt_id: int | None = None
    upt_name: str | None = None
    business: str | None = None
    nik: str | None = None  # a new NIK, for her caseworker to verify


async def start_correction(turn: Turn, details: Details) -> None:
    """Open the correction at its summary."""
    draft = CorrectionDraft(
        name=details.full_name,
        region=details.region_code,
        upt_id=details.upt_id,
        upt_name=await data_rights.upt_name(turn.session, upt_id=details.upt_id),
        business=details.business,
    )
    await CORRECT.start(turn, draft, C.SUMMARY)


async def _name(_turn: Turn, draft: CorrectionDraft, name: str) -> Next:
    draft.name = name
    return C.SUMMARY


async def _nik(_turn: Turn, draft: CorrectionDraft, info: NikInfo) -> Parsed:
    draft.nik = info.nik
    return C.SUMMARY


async def _region(_turn: Turn, draft: CorrectionDraft, code: str) -> Next:
    draft.region = code
    return C.SUMMARY


async def _upts(turn: Turn, _draft: CorrectionDraft) -> list[Option]:
    _ = turn.gettext
    found = [(name, str(upt_id)) for upt_id, name in await data_rights.upt_choices(turn.session)]
    return [*found, (_("Tidak ada / tidak tahu"), NO_UPT)]


async def _upt(turn: Turn, draft: CorrectionDraft, value: str) -> Next:
    choices = dict(await data_rights.upt_choices(turn.session))
    upt_id = int(value) if value.isdigit() else 0
    draft.upt_id = upt_id if upt_id in choices else None
    draft.upt_name = choices.get(upt_id)
    return C.SUMMARY


async def _business(turn: Turn, draft: CorrectionDraft, text: str) -> Parsed:
    tidy = tidy_text(text)
    if not has_words(tidy):
        return Rejected(turn.gettext("Tulis jawabannya dengan huruf atau angka, ya."))
    draft.business = tidy
    return C.SUMMARY


def _summary(turn: Turn, draft: CorrectionDraft) -> list[str]:
    _ = turn.gettext
    region = region_by_code(draft.region)
    lines = [
        _("<b>Data Anda</b> (tekan Ubah untuk memperbaiki)"),
        _("Nama: {value}").format(value=escape(draft.name)),
        _("Kabupaten/kota: {value}").format(value=escape(region.label if region else "-")),
        _("UPT: {value}").format(value=escape(draft.upt_name or "-")),
        _("Usaha: {value}").format(value=escape(draft.business or "-")),
    ]
    if draft.nik is not None:
        lines.append(
            _("NIK baru: {value} (diperiksa dulu oleh pendamping)").format(value=draft.nik)
        )
    return lines


async def _save(turn: Turn, draft: CorrectionDraft) -> Next:
    _ = turn.gettext
    told = await data_rights.correct(
        turn.session,
        telegram_id=turn.telegram_id,
        wanted=Details(draft.name, draft.region, draft.upt_id, draft.business),
        new_nik=draft.nik,
        now=turn.now,
    )
    turn.end()
    if told is None:
        turn.say(_("Data ini tidak bisa diubah sekarang. Ketik /privasi untuk melihat hak Anda."))
        return STAY
    turn.queued_outbox = told
    text = _("✅ Data Anda sudah diperbaiki.")
    if told:
        text += " " + _(
            "NIK baru Anda dikirim ke pendamping untuk diperiksa; NIK lama tetap dipakai "
            "sampai pendamping mengubahnya."
        )
    turn.say(text)
    turn.show_menu()
    return STAY


async def _cancel(turn: Turn, _draft: CorrectionDraft) -> Next:
    turn.say(turn.gettext("Baik, tidak ada yang diubah."))
    turn.end()
    turn.show_menu()
    return END


CORRECT = Flow(
    name="ubh",
    states=C,
    draft_model=CorrectionDraft,
    entry_command="perbaiki",
    steps={
        C.SUMMARY: Summary[CorrectionDraft](
            lines=_summary,
            fields=[
                (N_("Nama"), C.NAME),
                (N_("NIK"), C.NIK),
                (N_("Kabupaten/kota"), C.REGION),
                (N_("UPT"), C.UPT),
                (N_("Usaha"), C.BUSINESS),
            ],
            save=_save,
            cancel=_cancel,
            question=N_("Simpan perubahan?"),
        ),
        C.NAME: fields.full_name(N_("Tulis nama lengkap Anda sesuai KTP."), _name),
        C.NIK: fields.nik(
            N_(
                "Ketik NIK Anda yang benar (16 angka). Pendamping akan mencocokkannya dengan "
                "KTP Anda sebelum mengubahnya."
            ),
            _nik,
        ),
        C.REGION: fields.region(
            N_("Di kabupaten/kota mana Anda tinggal sekarang? Pilih, atau ketik namanya."),
            _region,
        ),
        C.UPT: PagedChoice[CorrectionDraft](
            prompt=N_("Di UPT mana Anda dulu dilatih?"),
            items=_upts,
            choose=_upt,
            per_page=8,
            columns=1,
        ),
        C.BUSINESS: FreeText[CorrectionDraft](
            prompt=N_("Apa usaha Anda sekarang? Contoh: jahit seragam, warung makan."),
            take=_business,
            max_length=MAX_BUSINESS,
            accepts=TEXT_ONLY,
        ),
    },
)

FLOWS = (PRIVACY, ERASE, CORRECT)
