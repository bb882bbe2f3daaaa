"""The Excel export on both databases: a caseworker's workbook holds only her area and no
personal columns; rows stream from the database (SQLite and PostgreSQL cursors alike)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.services import export, registration
from bot.storage.db import Database
from bot.storage.models import StaffRole
from tests.services.test_caseload import BOJONEGORO, MALANG, NOW, _linked_client, _staff

WIB = ZoneInfo("Asia/Jakarta")


async def test_a_caseworker_exports_her_area_without_personal_columns(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as session:  # more rows than one fetch (export.BATCH)
        for serial in range(1, 1_201):
            await registration.invite_client(
                session,
                full_name=f"Klien {serial}",
                nik=f"{BOJONEGORO}01540890{serial:04d}",
                region_code=BOJONEGORO,
                now=NOW,
                today=NOW.date(),
            )
    await _linked_client(db, name="Klien Malang", region=MALANG, serial=1)
    ani = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=11, regions=(BOJONEGORO,))
    out = tmp_path / "ani.xlsx"

    async with db.transaction() as session:
        counts = await export.write_workbook(
            session, out, viewer=ani, which=export.ExportFilter(), zone=WIB, now=NOW
        )

    assert counts.clients == 1_200
    sheet = load_workbook(out, read_only=True)["Klien"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("ID klien", "Kabupaten/Kota", "Kategori PPKS")  # no name, no NIK
    assert {row[1] for row in rows[1:]} == {"Kab. Bojonegoro"}
    assert not any("Klien" in str(cell) for row in rows[1:] for cell in row)
