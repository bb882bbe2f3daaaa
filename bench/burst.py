"""One person floods the bot; how long do other people wait for an answer?

    python3 -m bench.burst                 # SQLite in a temporary folder
    TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres python3 -m bench.burst

The goal (issue 7 §2): while one person sends 500 messages in a burst, other people's
`/bantuan` (one each, one after another) is answered within 1 s at the 99th percentile, with
and without Telegram's flood control on the flooder's chat (a 429 with retry_after=20 on every
message to him). The real bot (`start_bot`, the pacer at 30/s) runs against the local Bot API
emulator over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from bench.checkin_tick import BENCH_DATA_KEY, BENCH_HMAC_KEY
from bench.databases import drop_postgres, fresh_postgres
from berdaya_sandbox.emulator import BotApiEmulator, SimulatedUser
from bot.config import Settings
from bot.runtime import start_bot


async def _answered(user: SimulatedUser, text: str) -> float:
    before = len(user.messages)
    started = time.perf_counter()
    await user.send(text)
    await user.wait_until(lambda: len(user.messages) > before, timeout=60, what="an answer")
    return time.perf_counter() - started


async def scenario(url: str, *, flood: int, probes: int, flood_control: bool) -> dict[str, object]:
    """One run: a flooder, and a second person timing her answers meanwhile."""
    emulator = BotApiEmulator(token="123456:TEST-TOKEN-berdaya")
    await emulator.start()
    settings = Settings(
        telegram_bot_token=SecretStr(emulator.token),
        telegram_api_url=emulator.base_url,
        database_url=url,
        rate_limit_per_second=30,
        data_keys=(SecretStr(BENCH_DATA_KEY),),
        hmac_key=SecretStr(BENCH_HMAC_KEY),
    )
    running = await start_bot(settings)
    flooder = emulator.user(first_name="Banjir", language_code="id")
    others = [emulator.user(first_name=f"Warga{i}", language_code="id") for i in range(probes)]
    await _answered(flooder, "/start")
    for other in others:
        await _answered(other, "/start")
    if flood_control:
        emulator.fail_next("sendMessage", retry_after=20, chat_id=flooder.id, times=10_000)

    async def burst() -> None:
        for i in range(flood):
            await flooder.send(f"pesan {i}")
            if i % 50 == 49:
                await asyncio.sleep(0.05)  # 500 messages in about half a second

    flooding = asyncio.create_task(burst())
    waits = []
    for other in others:  # one after another, each a different person, while he floods
        waits.append(await _answered(other, "/bantuan"))
    await flooding
    parts = running.application.bot_data["parts"]
    dropped = parts.intake.dropped
    await running.stop()
    await emulator.stop()
    waits.sort()
    return {
        "flood_control": flood_control,
        "flood": flood,
        "probes": probes,
        "p50_s": round(statistics.median(waits), 3),
        "p99_s": round(waits[min(len(waits) - 1, int(len(waits) * 0.99))], 3),
        "max_s": round(waits[-1], 3),
        "dropped_over_cap": dropped,
    }


async def main() -> None:
    """Both scenarios, on SQLite or on PostgreSQL when TEST_DATABASE_URL is set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=500)
    parser.add_argument("--probes", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    admin_url = os.environ.get("TEST_DATABASE_URL", "")
    results = []
    for flood_control in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            if admin_url:
                url = await fresh_postgres(admin_url)
            else:
                url = f"sqlite+aiosqlite:///{Path(folder) / 'burst.db'}"
            try:
                results.append(
                    await scenario(
                        url, flood=args.flood, probes=args.probes, flood_control=flood_control
                    )
                )
            finally:
                if admin_url:
                    await drop_postgres(admin_url, url)
    backend = "postgresql" if admin_url else "sqlite"
    for result in results:
        print(backend, json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps({"backend": backend, "results": results}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
