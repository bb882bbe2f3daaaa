"""The business report: status, income, employees, obstacles, photo, then a summary to confirm."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.domain.counting import parse_count
from bot.domain.money import Amount, UnclearReason, parse_income
from bot.i18n import N_
from bot.services import reports
from bot.services.reports import ReportInput, ReportReceipt
from bot.storage.models import BusinessStatus, Obstacle
from conversations.engine import (
    BUTTONS_ONLY,
    END,
    REPEAT,
    STAY,
    Flow,
    Kind,
    Step,
    Turn,
)
from handlers.menu import show_menu

STATUS, INCOME, INCOME_CHECK, EMPLOYEES = "status", "income", "income_check", "employees"
OBSTACLES, PHOTO, SUMMARY, EDIT = "obstacles", "photo", "summary", "edit"
MAX_INCOME_TEXT = 300

STATUS_LABELS = {
    BusinessStatus.RUNNING: N_("👍 Berjalan lancar"),
    BusinessStatus.DECLINING: N_("📉 Berjalan, tapi menurun"),
    BusinessStatus.PAUSED: N_("⏸️ Berhenti sementara"),
    BusinessStatus.CLOSED: N_("❌ Sudah tutup"),
}
OBSTACLE_LABELS = {
    Obstacle.CAPITAL: N_("Modal"),
    Obstacle.MARKETING: N_("Pemasaran"),
    Obstacle.MATERIALS: N_("Bahan baku"),
    Obstacle.EQUIPMENT: N_("Alat rusak"),
    Obstacle.HEALTH: N_("Kesehatan"),
    Obstacle.OTHER: N_("Lainnya"),
}


async def start(turn: Turn, status: BusinessStatus | None = None) -> None:
    """Open a new report; a check-in answer may already give the status."""
    if status is None:
        turn.begin(FLOW.name, STATUS)
        await ask_status(turn)
    else:
        turn.begin(FLOW.name, INCOME, {"status": status.value})
        await ask_income(turn)


def _after(turn: Turn, following: str) -> str:
    """A correction made from the summary goes straight back to it."""
    return SUMMARY if turn.data.get("editing") else following


async def ask_status(turn: Turn) -> None:
    """How is the business doing?"""
    _ = turn.gettext
    turn.say(
        _("Bagaimana keadaan usaha Anda bulan ini?"),
        turn.keyboard([[(_(label), status.value)] for status, label in STATUS_LABELS.items()]),
    )


async def take_status(turn: Turn) -> str:
    """One of the four statuses."""
    if turn.input.value not in {s.value for s in BusinessStatus}:
        return REPEAT
    turn.data["status"] = turn.input.value
    return _after(turn, INCOME)


async def ask_income(turn: Turn) -> None:
    """The one free-text answer: monthly net income."""
    _ = turn.gettext
    turn.say(
        _(
            "Berapa penghasilan bersih usaha Anda dalam sebulan?\n"
            "Tulis saja, misalnya: <i>3 juta</i>, <i>500rb</i>, atau <i>1,5 jt</i>."
        ),
        turn.keyboard([[(_("Belum ada penghasilan"), "0")]]),
    )


async def take_income(turn: Turn) -> str:
    """Understand the amount, or ask about it instead of guessing."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != "0":
            return REPEAT
        turn.data["income"] = 0
        return _after(turn, EMPLOYEES)
    if len(turn.input.text) > MAX_INCOME_TEXT:
        turn.say(_("Jawabannya terlalu panjang. Tulis jumlahnya saja, misalnya 3 juta."))
        return REPEAT
    parsed = parse_income(turn.input.text)
    if isinstance(parsed, Amount):
        turn.data["income"] = parsed.value
        return _after(turn, EMPLOYEES)
    if parsed.reason is UnclearReason.RANGE and not parsed.candidates:
        turn.say(_("Tulis satu jumlah saja, dengan satuannya, misalnya 3 juta."))
        return REPEAT
    if parsed.reason is UnclearReason.NOT_FOUND or not parsed.candidates:
        turn.say(_("Maaf, saya belum bisa membaca jumlahnya."))
        return REPEAT
    turn.data["income_reason"] = parsed.reason.value
    turn.data["income_candidates"] = list(parsed.candidates[:4])
    return INCOME_CHECK


async def ask_income_check(turn: Turn) -> None:
    """A clarifying question: which amount did you mean?"""
    _ = turn.gettext
    reason = UnclearReason(turn.data["income_reason"])
    candidates = [int(c) for c in turn.data["income_candidates"]]
    money = [turn.t.money(c) for c in candidates]
    single = len(candidates) == 1
    if reason is UnclearReason.RANGE and not single:
        text = _(
            "Anda menulis kisaran {low} sampai {high}. "
            "Kira-kira berapa yang biasanya Anda dapat sebulan?"
        )
        text = text.format(low=money[0], high=money[-1])
    elif single:
        text = _("{amount} sebulan, benar?").format(amount=money[0])
    elif reason is UnclearReason.NO_UNIT:
        text = _("Maksud Anda {first} atau {second}?").format(first=money[0], second=money[-1])
    else:
        text = _("Ada beberapa angka. Mana penghasilan bersih sebulan?")
    if single:
        rows = [[(_("✅ Ya, benar"), str(candidates[0]))]]
    else:
        rows = [[(label, str(value))] for label, value in zip(money, candidates, strict=True)]
    rows.append([(_("✏️ Tulis lagi"), "again")])
    turn.say(text, turn.keyboard(rows))


async def take_income_check(turn: Turn) -> str:
    """A chosen candidate, a wish to write again, or a fresh typed amount."""
    if turn.input.kind is Kind.TEXT:
        return await take_income(turn)
    if turn.input.value == "again":
        return INCOME
    candidates = [int(c) for c in turn.data.get("income_candidates", [])]
    if not turn.input.value.isdigit() or int(turn.input.value) not in candidates:
        return REPEAT
    turn.data["income"] = int(turn.input.value)
    return _after(turn, EMPLOYEES)


async def ask_employees(turn: Turn) -> None:
    """How many people work in the business, besides the owner."""
    _ = turn.gettext
    turn.say(
        _("Berapa orang karyawan yang membantu usaha Anda (selain Anda sendiri)?")
        + "\n"
        + _("Lebih dari 5? Ketik jumlahnya."),
        turn.keyboard([[(str(n), str(n)) for n in range(0, 6)]]),
    )


async def take_employees(turn: Turn) -> str:
    """A button, or a number in digits or words (0–999)."""
    _ = turn.gettext
    source = turn.input.value if turn.input.kind is Kind.BUTTON else turn.input.text[:100]
    count = parse_count(source)
    if count is None:
        turn.say(_("Tulis satu angka dari 0 sampai 999, misalnya 2."))
        return REPEAT
    turn.data["employees"] = count
    return _after(turn, OBSTACLES)


def _obstacle_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    _ = turn.gettext
    chosen = set(turn.data.get("obstacles", []))
    rows = [
        [(("✅ " if o.value in chosen else "▫️ ") + _(label), o.value)]
        for o, label in OBSTACLE_LABELS.items()
    ]
    rows.append([(_("Tidak ada kendala"), "none")] if not chosen else [(_("➡️ Lanjut"), "done")])
    return turn.keyboard(rows)


async def ask_obstacles(turn: Turn) -> None:
    """The main obstacles: any number of them."""
    _ = turn.gettext
    turn.data.setdefault("obstacles", [])
    turn.say(
        _("Apa kendala utama usaha Anda? Boleh pilih lebih dari satu, lalu tekan Lanjut."),
        _obstacle_keyboard(turn),
    )


async def take_obstacles(turn: Turn) -> str:
    """Toggle an obstacle in place, or move on."""
    value = turn.input.value
    if value in ("done", "none"):
        if value == "none":
            turn.data["obstacles"] = []
        return _after(turn, PHOTO)
    if value not in {o.value for o in Obstacle}:
        return REPEAT
    chosen: list[str] = list(turn.data.get("obstacles", []))
    chosen = [o for o in chosen if o != value] if value in chosen else [*chosen, value]
    turn.data["obstacles"] = [o.value for o in Obstacle if o.value in chosen]
    turn.pressed_keyboard = _obstacle_keyboard(turn)
    return STAY


async def ask_photo(turn: Turn) -> None:
    """An optional product photo."""
    _ = turn.gettext
    turn.say(
        _("Kirim satu foto produk Anda, kalau ada. Boleh dilewati."),
        turn.keyboard([[(_("⏭️ Lewati"), "skip")]]),
    )


async def take_photo(turn: Turn) -> str:
    """Keep the photo's file id, or skip."""
    _ = turn.gettext
    if turn.input.kind is Kind.PHOTO:
        turn.data["photo"] = turn.input.file_id
        turn.say(_("Foto diterima."))
    elif turn.input.value == "skip":
        turn.data["photo"] = None
    else:
        return REPEAT
    return SUMMARY


def _summary_lines(turn: Turn) -> list[str]:
    _ = turn.gettext
    data = turn.data
    obstacles = [_(OBSTACLE_LABELS[Obstacle(o)]) for o in data.get("obstacles", [])]
    employees = int(data.get("employees", 0))
    return [
        _("<b>Ringkasan laporan</b>"),
        _("Keadaan usaha: {value}").format(value=_(STATUS_LABELS[BusinessStatus(data["status"])])),
        _("Penghasilan bersih sebulan: {value}").format(value=turn.t.money(int(data["income"]))),
        _("Karyawan: {value}").format(
            value=turn.t.ngettext("{n} orang", "{n} orang", employees).format(n=employees)
        ),
        _("Kendala: {value}").format(value=", ".join(obstacles) if obstacles else _("tidak ada")),
        _("Foto produk: {value}").format(
            value=_("dikirim") if data.get("photo") else _("tidak dikirim")
        ),
    ]


async def ask_summary(turn: Turn) -> None:
    """Show everything and ask to confirm."""
    _ = turn.gettext
    turn.data["editing"] = False
    turn.say(
        "\n".join([*_summary_lines(turn), "", _("Sudah benar?")]),
        turn.keyboard(
            [[(_("✅ Simpan"), "save")], [(_("✏️ Ubah"), "edit"), (_("❌ Batal"), "cancel")]]
        ),
    )


async def take_summary(turn: Turn) -> str:
    """Save, change something, or drop the report."""
    _ = turn.gettext
    if turn.input.value == "edit":
        return EDIT
    if turn.input.value == "cancel":
        turn.say(_("Laporan dibatalkan dan tidak disimpan."))
        turn.end()
        show_menu(turn)
        return END
    if turn.input.value != "save":
        return REPEAT
    if turn.profile is None or turn.profile.client_id is None:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        turn.end()
        return END
    data = turn.data
    receipt = await reports.submit_report(
        turn.session,
        client_id=turn.profile.client_id,
        report=ReportInput(
            status=BusinessStatus(data["status"]),
            monthly_income=int(data["income"]),
            employees=int(data["employees"]),
            obstacles=tuple(Obstacle(o) for o in data.get("obstacles", [])),
            photo_file_id=data.get("photo"),
        ),
        now=turn.now,
        settings=turn.services.settings,
    )
    turn.queued_outbox = receipt.alerted  # the caseworkers' alerts go right after the commit
    turn.say(_saved_message(turn, receipt, int(data["income"])))
    turn.end()
    show_menu(turn)
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


async def ask_edit(turn: Turn) -> None:
    """Which part to change."""
    _ = turn.gettext
    turn.say(
        _("Bagian mana yang mau diubah?"),
        turn.keyboard(
            [
                [(_("Keadaan usaha"), STATUS), (_("Penghasilan"), INCOME)],
                [(_("Karyawan"), EMPLOYEES), (_("Kendala"), OBSTACLES)],
                [(_("Foto produk"), PHOTO)],
                [(_("⬅️ Kembali ke ringkasan"), SUMMARY)],
            ]
        ),
    )


async def take_edit(turn: Turn) -> str:
    """Go to the chosen question; its answer returns to the summary."""
    if turn.input.value not in {STATUS, INCOME, EMPLOYEES, OBSTACLES, PHOTO, SUMMARY}:
        return REPEAT
    turn.data["editing"] = turn.input.value != SUMMARY
    return turn.input.value


FLOW = Flow(
    name="rep",
    entry_command="lapor",
    steps={
        STATUS: Step(ask_status, take_status, BUTTONS_ONLY),
        INCOME: Step(ask_income, take_income),
        INCOME_CHECK: Step(ask_income_check, take_income_check),
        EMPLOYEES: Step(ask_employees, take_employees),
        OBSTACLES: Step(ask_obstacles, take_obstacles, BUTTONS_ONLY),
        PHOTO: Step(ask_photo, take_photo, frozenset({Kind.PHOTO, Kind.BUTTON})),
        SUMMARY: Step(ask_summary, take_summary, BUTTONS_ONLY),
        EDIT: Step(ask_edit, take_edit, BUTTONS_ONLY),
    },
)
