"""Fuzz the whole bot: random updates of every kind at every step of every flow, in parallel
processes, each with its own emulator, bot and database.

    .venv/bin/python -m bench.fuzz                 # 100,000 updates, one process per CPU
    .venv/bin/python -m bench.fuzz --updates 20000 --processes 4 --seed 7
    .venv/bin/python -m bench.fuzz --updates 2000 --fail-fast
    TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.fuzz --updates 20000

Prints the updates sent, the time, the updates per second and every finding; the exit code is
1 when something was found. `tests/e2e/fuzzing.py` says what is sent and what must hold;
`tests/e2e/test_fuzz.py` runs this in CI. One process per CPU by default: the bot, the emulator
and the simulated people share one event loop per process, so processes are what scale.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Summary:
    """Every process's figures, added up."""

    updates: int = 0
    seconds: float = 0.0  # wall time of the whole run, start-up included
    walking: float = 0.0  # the longest walk of one process
    processes: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    log_lines: int = 0

    @property
    def per_second(self) -> float:
        """Updates per second over the slowest process's walk."""
        return self.updates / self.walking if self.walking else 0.0


async def walk_here(
    *, updates: int, seed: int, fail_fast: bool, admin_url: str = ""
) -> dict[str, Any]:
    """One process's walk: a fresh database, the emulator, the bot, then the fuzz."""
    from bench.databases import drop_postgres, fresh_postgres
    from berdaya_sandbox.emulator import BotApiEmulator
    from bot.clock import FakeClock
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade_to_head
    from tests.e2e.fuzzing import FuzzFailed, fuzz
    from tests.harness import Harness
    from tests.keys import TEST_KEYS

    with tempfile.TemporaryDirectory() as folder:
        if admin_url:
            url = await fresh_postgres(admin_url, "berdaya_fuzz")
        else:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'fuzz.db'}"
        db = Database(url, keys=TEST_KEYS)
        await upgrade_to_head(db)
        emulator = BotApiEmulator(
            token="123456:TEST-TOKEN-berdaya", bot_username="berdaya_test_bot"
        )
        await emulator.start()
        harness = Harness(emulator, url, FakeClock())
        await harness.start()
        result: dict[str, Any] = {"updates": 0, "seconds": 0.0, "kinds": {}, "findings": []}
        try:
            run = await fuzz(harness, db, updates=updates, seed=seed, fail_fast=fail_fast)
            result.update(
                updates=run.updates,
                seconds=run.seconds,
                kinds=dict(run.kinds),
                findings=run.findings,
                log_lines=run.log_lines,
            )
        except FuzzFailed as failed:
            result["findings"] = [str(failed)]
        finally:
            await harness.stop()
            await emulator.stop()
            await db.dispose()
            if admin_url:
                await drop_postgres(admin_url, url)
    return result


def run_parallel(
    *,
    updates: int,
    processes: int,
    seed: int,
    fail_fast: bool,
    admin_url: str = "",
    timeout: float = 3600.0,
) -> Summary:
    """`updates` split over `processes` worker processes (seeds seed, seed+1, …)."""
    started = time.perf_counter()
    share, extra = divmod(updates, processes)
    env = dict(os.environ, TEST_DATABASE_URL=admin_url)
    children = []
    for index in range(processes):
        count = share + (1 if index < extra else 0)
        command = [
            sys.executable,
            "-m",
            "bench.fuzz",
            "--worker",
            "--updates",
            str(count),
            "--seed",
            str(seed + index),
        ]
        if fail_fast:
            command.append("--fail-fast")
        children.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        )
    summary = Summary(processes=processes)
    for child in children:
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
        lines = out.decode(errors="replace").strip().splitlines()
        if child.returncode != 0 or not lines:
            tail = err.decode(errors="replace")[-3000:]
            summary.findings.append(f"a fuzz process failed (exit {child.returncode}):\n{tail}")
            continue
        result = json.loads(lines[-1])
        summary.updates += result["updates"]
        summary.walking = max(summary.walking, result["seconds"])
        summary.kinds.update(result["kinds"])
        summary.log_lines += result.get("log_lines", 0)
        summary.findings += result["findings"]
    summary.seconds = time.perf_counter() - started
    return summary


def main() -> int:
    """Run the fuzz from the command line; exit code 1 when something was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first finding")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    admin_url = os.environ.get("TEST_DATABASE_URL", "")
    if args.worker:
        result = asyncio.run(
            walk_here(
                updates=args.updates, seed=args.seed, fail_fast=args.fail_fast, admin_url=admin_url
            )
        )
        print(json.dumps(result))
        return 0
    backend = "PostgreSQL" if admin_url else "SQLite"
    print(
        f"fuzz: {args.updates} updates, {args.processes} processes, seed {args.seed}, {backend}",
        flush=True,
    )
    summary = run_parallel(
        updates=args.updates,
        processes=args.processes,
        seed=args.seed,
        fail_fast=args.fail_fast,
        admin_url=admin_url,
    )
    print(
        f"{summary.updates} updates in {summary.seconds:.1f} s "
        f"({summary.per_second:.0f} updates/s while walking, {summary.processes} processes)"
    )
    print(f"log lines checked for personal data: {summary.log_lines}")
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in summary.kinds.most_common()))
    distinct = Counter(finding.split("\n", 1)[0] for finding in summary.findings)
    print(f"findings: {len(summary.findings)} ({len(distinct)} distinct)")
    for finding, count in distinct.most_common():
        print(f"  {count} × {finding}")
    return 1 if summary.findings else 0


if __name__ == "__main__":
    sys.exit(main())
