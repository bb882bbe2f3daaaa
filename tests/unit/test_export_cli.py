"""`berdaya export FILE.xlsx`: the workbook the office opens in Excel, read back with openpyxl:
Indonesian headers, typed cells, a frozen header row, the filters, and the audit record."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.unit.test_cli import berdaya

ROSTER = (
    "NIK,Nama,Kabupaten/Kota,Kategori PPKS,Selesai pelatihan\n"
    "3522015408900001,Siti Contoh,3522,9,2026-06-30\n"
    "3507014506950002,Ani Contoh,3507,,\n"
)


def _setup(tmp_path: Path) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert berdaya("clients", "import", str(roster), env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "b.db") as db:  # two reports of Siti's, months apart
        (siti,) = db.execute("SELECT id FROM clients WHERE region_code = '3522'").fetchone()
        for at, income in (("2026-07-15 03:00:00", 2_500_000), ("2026-11-20 03:00:00", 3_100_000)):
            db.execute(
                "INSERT INTO business_reports (client_id, business_status, monthly_income,"
                " employees, obstacles, photos, created_at) VALUES (?, 'running', ?, 2,"
                " 'capital,marketing', '[]', ?)",
                (siti, income, at),
            )
    return env


def test_the_workbook_has_typed_cells_under_a_frozen_indonesian_header(tmp_path: Path) -> None:
    env = _setup(tmp_path)
    out = tmp_path / "berdaya.xlsx"

    result = berdaya("export", str(out), env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "2 clients, 2 reports, 0 marketing requests, 0 program applications" in result.stdout
    book = load_workbook(out)
    assert book.sheetnames == ["Klien", "Laporan", "Permintaan pemasaran", "Pengajuan program"]
    clients = book["Klien"]
    assert clients.freeze_panes == "A2"
    header = [c.value for c in clients[1]]
    assert header[:5] == ["ID klien", "Nama", "NIK", "Nomor HP", "Kabupaten/Kota"]
    rows = {row[1]: row for row in clients.iter_rows(min_row=2, values_only=True)}
    siti = rows["Siti Contoh"]
    assert siti[2] == "3522015408900001" and siti[4] == "Kab. Bojonegoro"
    assert siti[5] == "Penyandang Disabilitas"
    assert isinstance(siti[0], int) and isinstance(siti[10], datetime)  # typed, not text
    reports = book["Laporan"]
    assert [c.value for c in reports[1]][-4:] == [
        "Status usaha",
        "Pendapatan per bulan (Rp)",
        "Karyawan",
        "Kendala",
    ]
    first = next(reports.iter_rows(min_row=2, values_only=True))
    assert first[3] == datetime(2026, 7, 15, 10, 0)  # 03:00 UTC is 10:00 WIB
    assert first[4:] == ("Berjalan lancar", 2_500_000, 2, "Modal, Pemasaran")
    with sqlite3.connect(tmp_path / "b.db") as db:
        (action,) = db.execute("SELECT action FROM audit_events ORDER BY id DESC").fetchone()
    assert action == "exported"


def test_a_region_and_a_date_range_narrow_the_rows(tmp_path: Path) -> None:
    env = _setup(tmp_path)
    out = tmp_path / "q4.xlsx"
    args = (
        "export",
        str(out),
        "--region",
        "3522",
        "--since",
        "2026-10-01",
        "--until",
        "2026-12-31",
    )

    result = berdaya(*args, env=env, cwd=tmp_path)

    assert "1 clients, 1 reports" in result.stdout, result.stdout
    book = load_workbook(out, read_only=True)
    incomes = [row[5] for row in book["Laporan"].iter_rows(min_row=2, values_only=True)]
    assert incomes == [3_100_000]
    bad = berdaya("export", str(out), "--region", "9999", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "unknown kabupaten/kota" in bad.stderr
    bad = berdaya("export", str(out), "--since", "1 Oktober", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
