"""`berdaya sandbox`, scripted: a registration and a report typed into the terminal chat."""

from __future__ import annotations

import io
from pathlib import Path

from berdaya_sandbox.terminal import run_sandbox

SCRIPT = [
    "/start",
    "#1",  # Bahasa Indonesia
    "#1",  # consent
    "#2",  # register on my own
    "Siti Rahayu",
    "3522015408900001",
    "bojonegoro",
    "#8",  # next page of PPKS categories
    "#2",  # Penyandang Disabilitas
    "Menjahit di UPT Bina Daksa Pasuruan",
    "Jahit seragam",
    "#2",  # reply keyboard: Lewati (no phone)
    "#1",  # save
    "/lapor",
    "#1",  # running well
    "3 juta",
    "#3",  # 2 employees
    "#7",  # no obstacles
    "#1",  # no photo
    "#1",  # save
    ":quit",
]


async def test_a_registration_and_a_report_in_the_sandbox(tmp_path: Path) -> None:
    out = io.StringIO()
    await run_sandbox(data_dir=tmp_path, stdin=io.StringIO("\n".join(SCRIPT) + "\n"), stdout=out)
    transcript = out.getvalue()
    assert "Pendaftaran Anda tersimpan" in transcript
    assert "Rp3.000.000" in transcript
    assert "Laporan Anda sudah tersimpan" in transcript
    assert "Traceback" not in transcript
    assert (tmp_path / "sandbox.db").exists()
