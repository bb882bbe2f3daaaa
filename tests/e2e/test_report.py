"""A registered client reports how her business is doing, in under a dozen taps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import BusinessReport
from tests.e2e.dialogs import file_report, invited_client
from tests.harness import Harness

M_QUESTION = '"M" bisa berarti juta atau miliar. Maksud Anda {} atau {} sebulan?'
STATUSES = [
    ("👍 Berjalan lancar", "running"),
    ("📉 Berjalan, tapi menurun", "declining"),
    ("⏸️ Berhenti sementara", "paused"),
    ("❌ Sudah tutup", "closed"),
]


async def _reports(db: Database) -> list[BusinessReport]:
    async with db.transaction() as session:
        result = await session.execute(select(BusinessReport).order_by(BusinessReport.id))
        return list(result.scalars())


@pytest.mark.parametrize(("label", "stored"), STATUSES)
async def test_a_client_reports_each_status_and_it_is_saved(
    harness: Harness, db: Database, label: str, stored: str
) -> None:
    siti = await invited_client(harness, db)
    reply = await siti.send("/lapor")
    assert reply[-1].button_labels == [s[0] for s in STATUSES]
    await siti.press(label)
    reply = await siti.send("omzet 3jt sebulan")
    assert "karyawan" in reply[-1].text
    await siti.press("2")
    await siti.press("▫️ Modal")
    reply = await siti.press("▫️ Pemasaran")
    assert reply == []  # the checkboxes toggle in place
    assert "✅ Modal" in siti.last.button_labels and "✅ Pemasaran" in siti.last.button_labels
    await siti.press("➡️ Lanjut")
    reply = await siti.press("⏭️ Lewati")
    summary = reply[-1].text
    assert "Rp3.000.000" in summary and "2 orang" in summary
    assert "Modal, Pemasaran" in summary and label in summary
    assert await _reports(db) == []  # nothing is stored before Confirm
    reply = await siti.press("✅ Simpan")
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    assert "laporan pertama" in siti.text(reply)
    [report] = await _reports(db)
    assert report.business_status == stored
    assert report.monthly_income == 3_000_000 and report.employees == 2
    assert report.obstacles == "capital,marketing"


async def test_the_second_report_is_compared_with_the_first(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await file_report(siti, income="2,5 juta")
    harness.clock.advance(timedelta(days=31))
    reply = await file_report(siti, income="Rp3.000.000,-")
    assert "naik 20% dari laporan 12 Agustus 2026" in siti.text(reply)
    harness.clock.advance(timedelta(days=30))
    reply = await file_report(siti, income="1jt 500rb")
    assert "turun 50% dari laporan 12 September 2026" in siti.text(reply)
    assert [r.monthly_income for r in await _reports(db)] == [2_500_000, 3_000_000, 1_500_000]


async def test_a_range_is_asked_about_not_guessed(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    reply = await siti.send("2-3 juta")
    assert "kisaran" in reply[-1].text
    assert reply[-1].button_labels == ["Rp2.000.000", "Rp3.000.000", "✏️ Tulis lagi"]
    reply = await siti.press("Rp3.000.000")
    assert "karyawan" in reply[-1].text
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    reply = await siti.press("⏭️ Lewati")
    assert "Rp3.000.000" in reply[-1].text


async def test_an_implausible_amount_is_confirmed_first(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    reply = await siti.send("5 miliar")
    assert "Rp5.000.000.000 sebulan, benar?" in reply[-1].text
    reply = await siti.press("✏️ Tulis lagi")
    assert "penghasilan bersih" in reply[-1].text
    reply = await siti.send("500rb")
    assert "karyawan" in reply[-1].text


async def test_a_product_photo_is_kept_with_the_report(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("sejuta setengah")
    await siti.send("tiga")  # employees typed as a word
    await siti.press("Tidak ada kendala")
    reply = await siti.do(siti.user.send_photo(b"\x89PNG fake product photo"))
    assert "Foto diterima" in siti.text(reply)
    assert "Foto produk: 1 foto" in reply[-1].text
    await siti.press("✅ Simpan")
    [report] = await _reports(db)
    assert len(report.photos) == 1 and report.employees == 3
    assert report.monthly_income == 1_500_000


async def test_change_from_the_summary_returns_to_the_summary(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("3jt")
    await siti.press("2")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    await siti.press("✏️ Ubah")
    await siti.press("Penghasilan")
    reply = await siti.send("4 juta")
    assert "Ringkasan laporan" in reply[-1].text and "Rp4.000.000" in reply[-1].text
    await siti.press("✅ Simpan")
    [report] = await _reports(db)
    assert report.monthly_income == 4_000_000


async def test_cancel_from_the_summary_stores_nothing(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("❌ Sudah tutup")
    await siti.send("0")
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    reply = await siti.press("❌ Batal")
    assert "tidak disimpan" in siti.text(reply)
    assert await _reports(db) == []


async def test_batal_cancels_a_report_midway(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    reply = await siti.send("/batal")
    assert "Dibatalkan" in siti.text(reply)
    reply = await siti.send("3jt")  # no longer in the flow: the menu comes back
    assert "📋 Lapor keadaan usaha" in reply[-1].button_labels
    reply = await siti.send("/lapor")  # a new report starts from the first question
    assert "keadaan usaha Anda bulan ini" in reply[-1].text
    assert await _reports(db) == []


async def test_someone_not_registered_is_pointed_to_start(harness: Harness) -> None:
    budi = harness.person("Budi", "id")
    reply = await budi.send("/lapor")
    assert "/start" in reply[-1].text


@pytest.mark.parametrize(
    ("typed", "question", "buttons", "pressed", "stored"),
    [
        (
            "1M",
            M_QUESTION.format("Rp1.000.000", "Rp1.000.000.000"),
            ["Rp1.000.000", "Rp1.000.000.000", "✏️ Tulis lagi"],
            "Rp1.000.000",
            1_000_000,
        ),
        (
            "1,5M",
            M_QUESTION.format("Rp1.500.000", "Rp1.500.000.000"),
            ["Rp1.500.000", "Rp1.500.000.000", "✏️ Tulis lagi"],
            "Rp1.500.000",
            1_500_000,
        ),
        (
            "1.500",
            "Maksud Anda Rp1.500 atau Rp1.500.000?",
            ["Rp1.500", "Rp1.500.000", "✏️ Tulis lagi"],
            "Rp1.500.000",
            1_500_000,
        ),
        (
            "Rp1.000.000.000",
            "Rp1.000.000.000 sebulan, benar?",
            ["✅ Ya, benar", "✏️ Tulis lagi"],
            "✅ Ya, benar",
            1_000_000_000,
        ),
    ],
)
async def test_amounts_that_could_be_misread_are_asked_about(
    harness: Harness,
    db: Database,
    typed: str,
    question: str,
    buttons: list[str],
    pressed: str,
    stored: int,
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    reply = await siti.send(typed)
    assert reply[-1].text == question
    assert reply[-1].button_labels == buttons
    reply = await siti.press(pressed)
    assert "karyawan" in reply[-1].text
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    await siti.press("✅ Simpan")
    [report] = await _reports(db)
    assert report.monthly_income == stored


async def test_no_false_hundred_percent_drop_after_a_small_amount(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await file_report(siti, income="3jt")
    harness.clock.advance(timedelta(days=30))
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("1.500")
    await siti.press("Rp1.500")  # she confirms the tiny amount herself
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    reply = await siti.press("✅ Simpan")
    assert "Penghasilan turun 99% dari laporan 12 Agustus 2026." in siti.text(reply)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("lancar", "running"), ("menurun", "declining"), ("berhenti", "paused"), ("tutup", "closed")],
)
async def test_typing_a_word_of_a_status_button_presses_it(
    harness: Harness, db: Database, typed: str, stored: str
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    reply = await siti.send(typed)
    assert reply[-1].text.startswith("Berapa penghasilan bersih")
    await siti.send("3jt")
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    await siti.press("✅ Simpan")
    [report] = await _reports(db)
    assert report.business_status == stored


async def test_a_word_in_two_status_buttons_asks_to_press_one(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    reply = await siti.send("berjalan")
    assert reply[0].text == "Ada beberapa tombol yang cocok. Tekan salah satu tombol di bawah."
    assert reply[-1].text == "Bagaimana keadaan usaha Anda bulan ini?"
