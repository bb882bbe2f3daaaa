"""`berdaya programs import FILE.csv`: the sample file imports; bad rows are named and skipped."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_cli import ROOT, berdaya

SAMPLE = ROOT / "docs" / "programs_sample.csv"


def test_the_sample_file_imports_then_updates_by_name(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    result = berdaya("programs", "import", str(SAMPLE), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Programs created: 4, updated: 0" in result.stdout
    assert "  + UEP Menjahit 2026" in result.stdout
    again = berdaya("programs", "import", str(SAMPLE), env=env, cwd=tmp_path)
    assert "Programs created: 0, updated: 4" in again.stdout


def test_bad_rows_are_listed_with_their_line_and_exit_code_1(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    csv = tmp_path / "programs.csv"
    csv.write_text(
        "name,regions,quota,deadline\n"
        "Pelatihan Kemasan,3522,20,2026-12-31\n"
        "Tanpa Wilayah,9999,,\n"
        "Batas Aneh,,,31/12/2026\n",
        encoding="utf-8",
    )
    result = berdaya("programs", "import", str(csv), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Programs created: 1, updated: 0" in result.stdout
    assert "line 3: kode wilayah" in result.stdout
    assert "line 4: batas waktu ditulis TTTT-BB-HH" in result.stdout
    missing = berdaya("programs", "import", str(tmp_path / "none.csv"), env=env, cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
