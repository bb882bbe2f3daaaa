"""Through the real bot: a registration leaves no name, NIK or typed text readable in the
database (the raw SQLite file, or a pg_dump), nor in any log line; a NIK taken between her
check and her save is answered like any taken NIK."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage import clients
from bot.storage.db import Database
from tests.e2e.dialogs import NIK_SITI, register_herself
from tests.harness import Harness

NAME = "Siti Rahayu"  # what register_herself types
TYPED = ("Menjahit di UPT Bina Daksa Pasuruan", "Jahit seragam")


async def _stored_bytes(database_url: str) -> bytes:
    """Everything the database holds: the SQLite file (its WAL folded in), or a pg_dump."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")  # noqa: ASYNC240
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = await asyncio.create_subprocess_exec(
        "pg_dump", "--no-owner", plain, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await dump.communicate()
    assert dump.returncode == 0 and b"CREATE TABLE public.clients" in out
    return out


async def test_a_registration_leaves_no_name_nik_or_typed_text_in_the_database_or_logs(
    harness: Harness, database_url: str, log_lines: Callable[[], str]
) -> None:
    siti = harness.person("Sekar", "id")  # her Telegram name differs from the one she types
    await register_herself(siti, save=False)
    await siti.press("✏️ Ubah")
    await siti.press("Nomor HP")  # she shares her number after all
    await siti.do(siti.user.tap_reply_button("📱 Kirim nomor HP saya"))
    phone = siti.user.phone_number
    assert phone in siti.last.text  # in the summary
    await siti.press(siti.last.button_labels[0])  # save
    assert any("Pendaftaran Anda tersimpan" in m.text for m in siti.messages)
    await harness.deliver()  # the caseworkers' alert, which names her
    await harness.stop()
    stored = await _stored_bytes(database_url)
    for secret in (NAME, NIK_SITI, phone, "Rahayu", "Sekar", *TYPED):
        assert secret.encode() not in stored, secret
    said = log_lines()
    assert "telegram.ext.Application" in said  # it was written, by the bot's formatter
    for secret in (NAME, NIK_SITI, phone, "Rahayu", "Sekar", *TYPED):
        assert secret not in said, secret


async def test_a_nik_taken_between_her_check_and_her_save_gets_the_nik_taken_answer(
    harness: Harness, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti, save=False)  # at the summary: her NIK was free at its step
    other = harness.person("Sari", "id")
    await register_herself(other)  # the same NIK, saved first
    assert any("Pendaftaran Anda tersimpan" in m.text for m in other.messages)

    async def checked_before_the_other_committed(_session: object, *, nik: str) -> None:
        return None

    monkeypatch.setattr(clients, "get_by_nik", checked_before_the_other_committed)
    reply = await siti.press(siti.last.button_labels[0])  # save: the unique index refuses it
    assert "NIK ini sudah terdaftar di Dinas Sosial" in siti.text(reply)
    assert "ada gangguan" not in siti.text(reply)  # not the apology
    [(count,)] = await _count_clients(db)
    assert count == 1


async def _count_clients(db: Database) -> list[tuple[int]]:
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        return [(int(row[0]),) for row in await conn.execute(text("SELECT COUNT(*) FROM clients"))]
