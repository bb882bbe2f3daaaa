"""/ringkasan: a caseworker reads the figures of her own area, an administrator those of the
province; a text for screen readers, then a chart (a PNG sized for a phone)."""

from __future__ import annotations

from datetime import datetime, timedelta

from berdaya_sandbox.emulator.files import image_size
from bot.storage.db import Database
from bot.storage.models import StaffRole
from tests.e2e.dialogs import checkin_row, client_row, report_row, staff_member
from tests.harness import Harness

BOJONEGORO, MALANG = "3522", "3507"


async def _province(db: Database, now: datetime) -> None:
    """Five clients in Bojonegoro and two in Malang, with reports and check-ins:

    A reported 10 days ago (and 40), B 5 days ago, C last 100 days ago (silent), D never but
    answered a check-in 20 days ago, E was verified 10 days ago; in Malang F reported 3 days
    ago and G never (silent)."""
    long_ago, day = now - timedelta(days=200), timedelta(days=1)
    ids = {}
    for name, region in (
        ("A", BOJONEGORO),
        ("B", BOJONEGORO),
        ("C", BOJONEGORO),
        ("D", BOJONEGORO),
        ("F", MALANG),
        ("G", MALANG),
    ):
        ids[name] = await client_row(db, full_name=f"Klien {name}", at=long_ago, region=region)
    ids["E"] = await client_row(db, full_name="Klien E", at=now - 10 * day, region=BOJONEGORO)
    for name, status, ago, income in (
        ("A", "running", 10, 3_000_000),
        ("A", "running", 40, 1_500_000),
        ("B", "declining", 5, 1_000_000),
        ("C", "closed", 100, 0),
        ("F", "running", 3, 5_000_000),
    ):
        await report_row(db, client_id=ids[name], status=status, at=now - ago * day, income=income)
    await checkin_row(
        db,
        client_id=ids["D"],
        status="answered",
        sent_at=now - 21 * day,
        resolved_at=now - 20 * day,
    )
    await checkin_row(db, client_id=ids["C"], status="missed", sent_at=now - 30 * day)
    await checkin_row(db, client_id=ids["F"], status="missed", sent_at=now - 30 * day)


async def test_a_caseworker_reads_her_area_as_text_and_as_a_chart(
    harness: Harness, db: Database
) -> None:
    await _province(db, harness.clock.now())
    ani = await staff_member(harness, db)

    reply = await ani.send("/ringkasan")

    text, chart = reply[-2], reply[-1]
    for line in (
        "📊 Ringkasan · wilayah Anda",
        "Klien terverifikasi: 5 (menunggu verifikasi: 0)",
        "• 👍 Berjalan lancar: 1",
        "• 📉 Berjalan, tapi menurun: 1",
        "• ❌ Sudah tutup: 1",
        "• Belum pernah lapor: 2",
        "Tingkat pelaporan 30 hari: 40% (2 dari 5 klien)",
        "Tanggapan check-in 90 hari: 50% (1 dijawab, 1 tidak)",
        "• Kab. Bojonegoro: Rp2.000.000 ↑",  # 3 jt and 1 jt now; 1,5 jt the month before
        "Tidak ada kabar 90 hari: 1 klien",
    ):
        assert line in text.text, (line, text.text.splitlines())
    assert "Malang" not in text.text and "Rp5.000.000" not in text.text  # not her area
    assert chart.photo and chart.caption and "Grafik ringkasan" in chart.caption
    stored = harness.emulator.state.files.get(chart.photo[-1].file_id)
    assert stored is not None and stored.data.startswith(b"\x89PNG")
    width, height = image_size(stored.data)
    assert 800 <= width <= 1000 and height > width / 2  # a phone's width, panels stacked


async def test_an_administrator_reads_the_province_and_a_partner_officer_cannot(
    harness: Harness, db: Database
) -> None:
    await _province(db, harness.clock.now())
    wati = await staff_member(harness, db, role=StaffRole.ADMIN, full_name="Wati", regions=())
    budi = await staff_member(harness, db, role=StaffRole.PARTNER, full_name="Budi", regions=())

    text = (await wati.send("/ringkasan"))[-2].text

    for line in (
        "📊 Ringkasan · Provinsi Jawa Timur",
        "Klien terverifikasi: 7",
        "• Belum pernah lapor: 3",
        "Tingkat pelaporan 30 hari: 43% (3 dari 7 klien)",
        "Tanggapan check-in 90 hari: 33% (1 dijawab, 2 tidak)",
        "• Kab. Malang: Rp5.000.000",
        "Tidak ada kabar 90 hari: 2 klien",
    ):
        assert line in text, (line, text)
    reply = await budi.send("/ringkasan")
    assert "Ringkasan" not in budi.text(reply) and not any(m.photo for m in reply)


async def test_an_area_with_no_clients_gets_the_text_and_no_empty_chart(
    harness: Harness, db: Database
) -> None:
    rina = await staff_member(harness, db, full_name="Rina", regions=("3578",))
    reply = await rina.send("/ringkasan")
    assert "Klien terverifikasi: 0" in reply[-1].text
    assert "Tingkat pelaporan 30 hari: belum ada data" in reply[-1].text
    assert not any(m.photo for m in reply)
