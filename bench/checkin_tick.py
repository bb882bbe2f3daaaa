"""How long one check-in tick takes with 100,000 clients, and the bot's memory while it runs.

    python3 dev.py bench                       # SQLite in a temporary folder
    TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres python3 dev.py bench

The goal (issue 3): one tick that finds the due check-ins and puts them in the outbox takes at
most 2 s on SQLite and on PostgreSQL, and the bot process stays under 300 MB RSS. The tick is
timed including its commit; the RSS is the peak of this process, which holds the bot's
Application and the local Bot API emulator while it delivers everything the busy tick queued.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.databases import drop_postgres, fresh_postgres
from bench.seed import seed_clients
from bot.config import Settings
from bot.storage.crypto import Keys, new_key
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import OutboxMessage

# A Tuesday, 10:00 WIB: outside quiet hours.
NOW = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)


# Throw-away keys for the seeded names (the bench database is dropped afterwards).
BENCH_DATA_KEY, BENCH_HMAC_KEY = new_key(), new_key()


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def time_ticks(url: str, clients: int, due_fraction: float) -> dict[str, float]:
    """Seed, then time a tick with work to do and a tick with nothing due."""
    from bot.services.checkins import run_checkin_tick

    db = Database(url, keys=Keys.from_text([BENCH_DATA_KEY], BENCH_HMAC_KEY))
    await upgrade_to_head(db)
    started = time.perf_counter()
    due = await seed_clients(db, count=clients, now=NOW, due_fraction=due_fraction)
    seeded = time.perf_counter() - started
    settings = Settings(database_url=url)
    figures: dict[str, float] = {"clients": clients, "due": due, "seed_s": seeded}
    for label in ("busy", "idle"):
        started = time.perf_counter()
        async with db.transaction() as session:
            result = await run_checkin_tick(session, now=NOW, settings=settings)
        figures[f"{label}_tick_s"] = time.perf_counter() - started
        figures[f"{label}_queued"] = result.queued
    async with db.transaction() as session:
        figures["outbox_rows"] = (
            await session.execute(select(func.count()).select_from(OutboxMessage))
        ).scalar_one()
    await db.dispose()
    return figures


async def bot_memory(url: str) -> float:
    """Run the real bot against the emulator on the seeded database: tick, deliver, peak RSS."""
    from berdaya_sandbox.emulator import BotApiEmulator
    from bot.outbox_sender import deliver_outbox
    from bot.runtime import start_bot
    from handlers.checkins import FEATURE as checkins

    emulator = BotApiEmulator(token="123456:TEST-TOKEN-berdaya")
    await emulator.start()
    settings = Settings(
        telegram_bot_token=SecretStr(emulator.token),
        telegram_api_url=emulator.base_url,
        database_url=url,
        rate_limit_per_second=0,
        data_keys=(SecretStr(BENCH_DATA_KEY),),
        hmac_key=SecretStr(BENCH_HMAC_KEY),
    )
    running = await start_bot(settings)
    app = running.application
    services = app.bot_data["services"]
    for job in checkins.jobs:  # the check-in job exactly as the JobQueue runs it
        await job.run(services, app.bot)
    for _ in range(20):  # then deliver the whole queue the busy tick left (emulator over HTTP)
        await deliver_outbox(services, app.bot, limit=500)
    await running.stop()
    await emulator.stop()
    return peak_rss_mb()


async def main() -> None:
    """Run the benchmark on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--due-fraction", type=float, default=1 / 30)
    args = parser.parse_args()
    admin_url = os.environ.get("TEST_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        if admin_url:
            url = await fresh_postgres(admin_url)
        else:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        try:
            figures = await time_ticks(url, args.clients, args.due_fraction)
            figures["peak_rss_mb"] = await bot_memory(url)
        finally:
            if admin_url:
                await drop_postgres(admin_url, url)
    backend = make_url(url).get_backend_name()
    print(f"backend: {backend}")
    for key, value in figures.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    asyncio.run(main())
