"""`berdaya clients import FILE` (.csv or .xlsx): rows are upserted by NIK, idempotently; one
bad row and nothing is imported, every bad row named with its line."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from tests.unit.test_cli import berdaya

HEADER = "NIK,Nama,Kabupaten/Kota,Kategori PPKS,UPT,Pelatihan,Jenis usaha,Selesai pelatihan\n"


def _env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}


def _clients(tmp_path: Path) -> list[tuple[str, int | None, str | None]]:
    with sqlite3.connect(tmp_path / "b.db") as db:
        rows = db.execute("SELECT region_code, ppks_category, training_ended_on FROM clients")
        return sorted(rows.fetchall())


def test_the_template_imports_once_then_changes_nothing_then_updates(tmp_path: Path) -> None:
    env = _env(tmp_path)
    template = berdaya("clients", "template", env=env, cwd=tmp_path)
    assert template.returncode == 0 and template.stdout.startswith("NIK,Nama,Kabupaten/Kota")
    roster = tmp_path / "roster.csv"
    roster.write_text(template.stdout, encoding="utf-8")

    first = berdaya(
        "clients", "import", str(roster), "--bot-username", "berdaya_bot", env=env, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "Clients new: 1, updated: 0, unchanged: 0" in first.stdout
    assert (
        "line 2: invitation code " in first.stdout
        and "https://t.me/berdaya_bot?start=" in first.stdout
    )
    assert _clients(tmp_path) == [("3522", 9, "2026-06-30")]

    again = berdaya("clients", "import", str(roster), env=env, cwd=tmp_path)
    assert "Clients new: 0, updated: 0, unchanged: 1" in again.stdout
    roster.write_text(template.stdout.replace("Kab. Bojonegoro", "Malang"), encoding="utf-8")
    moved = berdaya("clients", "import", str(roster), env=env, cwd=tmp_path)
    assert "Clients new: 0, updated: 1, unchanged: 0" in moved.stdout
    assert _clients(tmp_path) == [("3507", 9, "2026-06-30")]  # a bare name: the kabupaten
    with sqlite3.connect(tmp_path / "b.db") as db:  # each import is in the audit log
        logged = db.execute("SELECT actor_id, action, detail FROM audit_events ORDER BY id")
        assert [row[:2] for row in logged.fetchall()] == [(None, "roster_imported")] * 3
        last = db.execute("SELECT detail FROM audit_events ORDER BY id DESC").fetchone()[0]
        assert json.loads(last) == {"created": 0, "updated": 1, "unchanged": 0}


def test_one_bad_row_and_nothing_is_imported_with_every_bad_row_named(tmp_path: Path) -> None:
    env = _env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        HEADER
        + "3522015408900001,Siti Contoh,3522,9,,Menjahit,,\n"
        + "12345,Tanpa NIK Benar,3522,,,,,\n"
        + "3522015408900001,Siti Lagi,Kota Atlantis,99,UPT Fiktif,,,30 Juni\n",
        encoding="utf-8",
    )
    result = berdaya("clients", "import", str(roster), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Nothing imported: 2 bad rows" in result.stdout
    assert "line 3: NIK:" in result.stdout
    bad = next(line for line in result.stdout.splitlines() if line.startswith("  line 4:"))
    for problem in ("NIK sama dengan baris 2", "Kabupaten/Kota", "Kategori PPKS", "UPT", "Selesai"):
        assert problem in bad, bad
    assert _clients(tmp_path) == []  # not even the good row


def test_an_xlsx_with_dates_and_a_semicolon_csv_both_import(tmp_path: Path) -> None:
    env = _env(tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nik", "NAMA", "kab_kota", "kategori ppks", "selesai pelatihan"])
    sheet.append(
        [
            "3522015408900001",
            "Siti Contoh",
            "Bojonegoro",
            "Penyandang Disabilitas",
            date(2026, 5, 2),
        ]
    )
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    book.save(tmp_path / "roster.xlsx")
    result = berdaya("clients", "import", str(tmp_path / "roster.xlsx"), env=env, cwd=tmp_path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Clients new: 1" in result.stdout

    semicolons = tmp_path / "roster2.csv"
    semicolons.write_text(
        "NIK;Nama;Kabupaten/Kota\n3507014506950002;Ani Contoh;3507\n", encoding="utf-8"
    )
    result = berdaya("clients", "import", str(semicolons), env=env, cwd=tmp_path)
    assert "Clients new: 1" in result.stdout
    assert _clients(tmp_path) == [("3507", None, None), ("3522", 9, "2026-05-02")]

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    result = berdaya("clients", "import", str(junk), env=env, cwd=tmp_path)
    assert result.returncode == 2 and "not a readable .xlsx workbook" in result.stderr
