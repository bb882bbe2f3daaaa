"""A real `berdaya run` process, killed with SIGKILL midway, resumes where it stopped.

This also checks the privacy rule on the process's own log: no NIK, no phone, no message text.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from berdaya_sandbox.emulator import BotApiEmulator, SimulatedUser
from bot.services import registration
from bot.storage.db import Database
from bot.storage.models import BusinessReport
from tests.e2e.dialogs import NIK_SITI
from tests.keys import TEST_KEY_ENV

ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def bot_process(
    emulator: BotApiEmulator, database_url: str, log: Path, *args: str, **settings: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run [args]` against the emulator, its stderr into `log`; `settings` are
    more environment variables."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_URL": database_url,
        "BERDAYA_RATE_LIMIT": "0",
        "BERDAYA_API_TIMEOUT": "1",
        **TEST_KEY_ENV,
        **settings,
    }
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *args, cwd=ROOT, env=env, stdout=sink, stderr=sink
        )
        try:
            yield process
        except BaseException as error:  # a failure names what the bot was doing
            text = log.read_text(errors="replace")  # noqa: ASYNC240 (small, on failure only)
            lines = text.splitlines()[-40:]
            error.add_note("the bot's log, last lines:\n" + "\n".join(lines))
            raise
        finally:
            if process.returncode is None:
                process.kill()
            await process.wait()


async def _step(user: SimulatedUser, action: Callable[[], Awaitable[int]], expected: str) -> None:
    before = len(user.messages)
    await action()
    await user.wait_until(
        lambda: len(user.messages) > before and expected in user.last.text,
        timeout=30,
        what=repr(expected),
    )


async def _invitation(db: Database) -> str:
    """Siti's one-time invitation code."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name="Siti Rahayu",
            nik=NIK_SITI,
            region_code="3522",
            now=now,
            today=now.date(),
        )
    return invitation.code


async def _to_the_income_question(siti: SimulatedUser, code: str) -> None:
    """From the deep link, through consent, into a report up to the income question."""
    await _step(siti, lambda: siti.send(f"/start {code}"), "Pilih bahasa")
    await _step(siti, lambda: siti.press("Bahasa Indonesia"), "setuju")
    await _step(siti, lambda: siti.press("✅ Saya setuju"), "Apa yang ingin Anda lakukan?")
    await _step(siti, lambda: siti.send("/lapor"), "keadaan usaha")
    await _step(siti, lambda: siti.press("👍 Berjalan lancar"), "penghasilan bersih")


async def test_kill_9_in_the_middle_of_a_report_resumes_at_the_same_step(
    emulator: BotApiEmulator, database_url: str, db: Database, tmp_path: Path
) -> None:
    code = await _invitation(db)
    log = tmp_path / "bot.log"
    siti = emulator.user(first_name="Siti", language_code="id")

    async with bot_process(emulator, database_url, log) as first:
        await _to_the_income_question(siti, code)
        await _step(siti, lambda: siti.send("omzet 3jt sebulan"), "karyawan")
        first.kill()  # SIGKILL: no shutdown, no flush
        await first.wait()
    assert first.returncode == -9

    async with bot_process(emulator, database_url, log):
        await _step(siti, lambda: siti.press("2"), "kendala utama")
        await _step(siti, lambda: siti.press("Tidak ada kendala"), "foto produk")
        await _step(
            siti,
            lambda: siti.send_contact(phone_number="+6281234567890", own=True),
            "foto produk",
        )
        await _step(siti, lambda: siti.press("⏭️ Lewati"), "Ringkasan laporan")
        await _step(siti, lambda: siti.press("✅ Simpan"), "Apa yang ingin Anda lakukan?")

    assert any("Laporan Anda sudah tersimpan" in m.text for m in siti.messages)
    async with db.transaction() as session:
        [report] = (await session.execute(select(BusinessReport))).scalars().all()
    assert report.monthly_income == 3_000_000 and report.employees == 2

    logged = log.read_text()
    assert "Berdaya is running" in logged
    for secret in (NIK_SITI, "6281234567890", "omzet 3jt", code, emulator.token):
        assert secret not in logged


async def test_kill_9_between_the_commit_and_the_send_the_reply_comes_after_the_restart(
    emulator: BotApiEmulator, database_url: str, db: Database, tmp_path: Path
) -> None:
    from bot.storage.models import Conversation

    code = await _invitation(db)
    log = tmp_path / "bot.log"
    siti = emulator.user(first_name="Siti", language_code="id")
    question = "Berapa orang karyawan"

    async with bot_process(emulator, database_url, log) as first:
        await _to_the_income_question(siti, code)
        emulator.fail_next("sendMessage", hang=120)  # the reply's request never completes
        await siti.send("3jt")
        hung = await emulator.wait_for(
            lambda: any(c.description == "timed out" for c in emulator.calls), timeout=30
        )
        assert hung  # the turn has committed and its reply is on the wire: now kill
        first.kill()
        await first.wait()
    async with db.transaction() as session:
        state = await session.get(Conversation, siti.id)
    assert state is not None and state.state == "employees"
    assert state.data["draft"]["income"] == 3_000_000
    assert not any(question in m.text for m in siti.messages), [
        (c.method, c.status, c.description) for c in emulator.calls[-8:]
    ]

    async with bot_process(emulator, database_url, log):
        await siti.wait_until(
            lambda: any(question in m.text for m in siti.messages), timeout=45, what=question
        )
        await _step(siti, lambda: siti.press("2"), "kendala utama")
    assert len([m for m in siti.messages if question in m.text]) == 1
