"""The business report: status, income, employees, obstacles, photos, then a summary to confirm.

At most one free-text answer (the income); everything else is a button, and typing a button's
word ("lancar") counts as pressing it.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from pydantic import Field

from bot.chat.turn import Turn
from bot.domain.money import Amount, UnclearReason, parse_income
from bot.domain.vocabulary import (
    BUSINESS_STATUS_LABELS,
    OBSTACLE_LABELS,
    BusinessStatus,
    Obstacle,
)
from bot.i18n import N_
from bot.services import reports
from bot.services.reports import ReportInput, ReportReceipt
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import (
    AskAbout,
    Choice,
    FreeText,
    MultiSelect,
    Number,
    Parsed,
    Photos,
    Rejected,
    Summary,
    translated,
)

MAX_PHOTOS = 3
NO_INCOME = "0"


class S(StrEnum):
    """The report's steps, in order."""

    STATUS = "status"
    INCOME = "income"
    EMPLOYEES = "employees"
    OBSTACLES = "obstacles"
    PHOTO = "photo"
    SUMMARY = "summary"


class ReportDraft(Draft):
    """The report so far; nothing is stored before Simpan."""

    status: BusinessStatus | None = None
    income: int | None = None
    employees: int | None = None
    obstacles: list[Obstacle] = Field(default_factory=list)
    photos: list[str] = Field(default_factory=list)


async def start(turn: Turn, status: BusinessStatus | None = None) -> None:
    """Open a new report; a check-in answer may already give the status."""
    if status is None:
        await FLOW.start(turn, ReportDraft())
    else:
        await FLOW.start(turn, ReportDraft(status=status), S.INCOME)


async def _status(_turn: Turn, draft: ReportDraft, value: str) -> Next:
    draft.status = BusinessStatus(value)
    return S.INCOME


async def _income(turn: Turn, draft: ReportDraft, text: str) -> Parsed:
    """Understand the amount, or ask about it instead of guessing."""
    _ = turn.gettext
    parsed = parse_income(text)
    if isinstance(parsed, Amount):
        draft.income = parsed.value
        return S.EMPLOYEES
    candidates = list(parsed.candidates[:4])
    if parsed.reason is UnclearReason.RANGE and not candidates:
        return Rejected(_("Tulis satu jumlah saja, dengan satuannya, misalnya 3 juta."))
    if parsed.reason is UnclearReason.NOT_FOUND or not candidates:
        return Rejected(_("Maaf, saya belum bisa membaca jumlahnya."))
    money = [turn.t.money(c) for c in candidates]
    if len(candidates) == 1:
        question = _("{amount} sebulan, benar?").format(amount=money[0])
        return AskAbout(question, [(_("✅ Ya, benar"), str(candidates[0]))])
    if parsed.reason is UnclearReason.RANGE:
        question = _(
            "Anda menulis kisaran {low} sampai {high}. "
            "Kira-kira berapa yang biasanya Anda dapat sebulan?"
        ).format(low=money[0], high=money[-1])
    elif parsed.reason is UnclearReason.AMBIGUOUS_UNIT:
        question = _(
            '"M" bisa berarti juta atau miliar. Maksud Anda {first} atau {second} sebulan?'
        ).format(first=money[0], second=money[-1])
    elif parsed.reason in (UnclearReason.NO_UNIT, UnclearReason.TOO_LARGE):
        question = _("Maksud Anda {first} atau {second}?").format(first=money[0], second=money[-1])
    else:
        question = _("Ada beberapa angka. Mana penghasilan bersih sebulan?")
    return AskAbout(question, list(zip(money, map(str, candidates), strict=True)))


async def _income_picked(_turn: Turn, draft: ReportDraft, value: str) -> Next:
    draft.income = int(value)
    return S.EMPLOYEES


async def _no_income(_turn: Turn, draft: ReportDraft, _value: str) -> Next:
    draft.income = 0
    return S.EMPLOYEES


async def _employees(_turn: Turn, draft: ReportDraft, count: int) -> Next:
    draft.employees = count
    return S.OBSTACLES


def _store_obstacles(draft: ReportDraft, chosen: list[str]) -> None:
    draft.obstacles = [Obstacle(value) for value in chosen]


async def _obstacles_done(_turn: Turn, _draft: ReportDraft) -> Next:
    return S.PHOTO


async def _photos(_turn: Turn, draft: ReportDraft, photos: list[str]) -> Next:
    draft.photos = photos
    return S.SUMMARY


async def _no_photo(_turn: Turn, draft: ReportDraft) -> Next:
    draft.photos = []
    return S.SUMMARY


def _summary(turn: Turn, draft: ReportDraft) -> list[str]:
    _ = turn.gettext
    assert draft.status is not None and draft.income is not None and draft.employees is not None
    obstacles = [_(OBSTACLE_LABELS[o]) for o in draft.obstacles]
    photos = len(draft.photos)
    return [
        _("<b>Ringkasan laporan</b>"),
        _("Keadaan usaha: {value}").format(value=_(BUSINESS_STATUS_LABELS[draft.status])),
        _("Penghasilan bersih sebulan: {value}").format(value=turn.t.money(draft.income)),
        _("Karyawan: {value}").format(
            value=turn.t.ngettext("{n} orang", "{n} orang", draft.employees).format(
                n=draft.employees
            )
        ),
        _("Kendala: {value}").format(value=", ".join(obstacles) if obstacles else _("tidak ada")),
        _("Foto produk: {value}").format(
            value=turn.t.ngettext("{n} foto", "{n} foto", photos).format(n=photos)
            if photos
            else _("tidak dikirim")
        ),
    ]


async def _save(turn: Turn, draft: ReportDraft) -> Next:
    """Store the report; the receipt says how income moved since the last one."""
    _ = turn.gettext
    if turn.profile is None or turn.profile.client_id is None:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return END
    assert draft.status is not None and draft.income is not None and draft.employees is not None
    receipt = await reports.submit_report(
        turn.session,
        client_id=turn.profile.client_id,
        report=ReportInput(
            status=draft.status,
            monthly_income=draft.income,
            employees=draft.employees,
            obstacles=tuple(draft.obstacles),
            photos=tuple(draft.photos),
        ),
        now=turn.now,
        settings=turn.services.settings,
    )
    turn.queued_outbox = receipt.alerted  # the caseworkers' alerts go right after the commit
    turn.say(_saved_message(turn, receipt, draft.income))
    turn.end()
    turn.show_menu()
    return END


async def _cancel(turn: Turn, _draft: ReportDraft) -> Next:
    turn.say(turn.gettext("Laporan dibatalkan dan tidak disimpan."))
    turn.end()
    turn.show_menu()
    return END


def _saved_message(turn: Turn, receipt: ReportReceipt, income: int) -> str:
    """'Saved', and how income moved since the previous report."""
    _ = turn.gettext
    text = _("✅ Laporan Anda sudah tersimpan. Terima kasih!")
    if receipt.previous_at is None or receipt.previous_income is None:
        return text + "\n" + _("Ini laporan pertama Anda.")
    when = turn.t.date(receipt.previous_at)
    change = receipt.change_percent
    if change is None:
        comparison = (
            _("Penghasilan sama dengan laporan {date}.")
            if income == 0
            else _("Penghasilan naik dari Rp0 pada laporan {date}.")
        )
    elif change > 0:
        comparison = _("Penghasilan naik {percent}% dari laporan {date}.")
    elif change < 0:
        comparison = _("Penghasilan turun {percent}% dari laporan {date}.")
    else:
        comparison = _("Penghasilan sama dengan laporan {date}.")
    return text + "\n" + comparison.format(percent=abs(change or 0), date=escape(when))


FLOW = Flow(
    name="rep",
    states=S,
    draft_model=ReportDraft,
    entry_command="lapor",
    steps={
        S.STATUS: Choice[ReportDraft](
            prompt=N_("Bagaimana keadaan usaha Anda bulan ini?"),
            options=lambda turn, _d: translated(
                turn, [(label, status.value) for status, label in BUSINESS_STATUS_LABELS.items()]
            ),
            choose=_status,
        ),
        S.INCOME: FreeText[ReportDraft](
            prompt=N_(
                "Berapa penghasilan bersih usaha Anda dalam sebulan?\n"
                "Tulis saja, misalnya: <i>3 juta</i>, <i>500rb</i>, atau <i>1,5 jt</i>."
            ),
            take=_income,
            max_length=300,
            too_long=N_("Jawabannya terlalu panjang. Tulis jumlahnya saja, misalnya 3 juta."),
            buttons=lambda turn, _d: [(turn.gettext("Belum ada penghasilan"), NO_INCOME)],
            on_button=_no_income,
            pick=_income_picked,
        ),
        S.EMPLOYEES: Number[ReportDraft](
            prompt=lambda turn, _d: (
                turn.gettext(
                    "Berapa orang karyawan yang membantu usaha Anda (selain Anda sendiri)?"
                )
                + "\n"
                + turn.gettext("Lebih dari 5? Ketik jumlahnya.")
            ),
            store=_employees,
        ),
        S.OBSTACLES: MultiSelect[ReportDraft](
            prompt=N_(
                "Apa kendala utama usaha Anda? Boleh pilih lebih dari satu, lalu tekan Lanjut."
            ),
            options=lambda turn, _d: translated(
                turn, [(label, o.value) for o, label in OBSTACLE_LABELS.items()]
            ),
            selected=lambda draft: [o.value for o in draft.obstacles],
            store=_store_obstacles,
            done=_obstacles_done,
            none_label=N_("Tidak ada kendala"),
        ),
        S.PHOTO: Photos[ReportDraft](
            prompt=N_(
                "Kirim foto produk Anda, kalau ada (boleh sampai 3 sekaligus). Boleh dilewati."
            ),
            store=_photos,
            at_most=MAX_PHOTOS,
            skip=_no_photo,
        ),
        S.SUMMARY: Summary[ReportDraft](
            lines=_summary,
            fields=[
                (N_("Keadaan usaha"), S.STATUS),
                (N_("Penghasilan"), S.INCOME),
                (N_("Karyawan"), S.EMPLOYEES),
                (N_("Kendala"), S.OBSTACLES),
                (N_("Foto produk"), S.PHOTO),
            ],
            save=_save,
            cancel=_cancel,
        ),
    },
)
