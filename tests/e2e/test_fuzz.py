"""Random updates of every kind at every step of every flow break nothing (see
tests/e2e/fuzzing.py for what is sent and what must hold).

The big walk: 10,000 updates on SQLite, split over worker processes (one per CPU, at most
four), each with its own emulator, bot and database (`bench/fuzz.py`, which also runs far
longer walks from the command line). Then a short walk in this process on each backend, under
the end-to-end fixtures. `BERDAYA_FUZZ_SEED` repeats a run;
`BERDAYA_FUZZ_UPDATES` changes the big walk's size.
"""

from __future__ import annotations

import os

from bench.fuzz import run_parallel
from bot.storage.db import Database
from tests.e2e.fuzzing import fuzz
from tests.harness import Harness, Person

SEED = int(os.environ.get("BERDAYA_FUZZ_SEED", "20261203"))
BIG_WALK = int(os.environ.get("BERDAYA_FUZZ_UPDATES", "10000"))
PROCESSES = max(1, min(4, os.cpu_count() or 1))
SHORT_WALK = {"sqlite": 200, "postgresql": 600}


def test_ten_thousand_random_updates_break_nothing() -> None:
    summary = run_parallel(updates=BIG_WALK, processes=PROCESSES, seed=SEED, fail_fast=True)
    assert summary.findings == [], "\n\n".join(summary.findings[:5])
    assert summary.updates >= BIG_WALK
    print(
        f"\nfuzz: {summary.updates} updates in {summary.seconds:.1f} s, "
        f"{summary.per_second:.0f}/s over {summary.processes} processes"
    )


async def test_random_updates_break_nothing_on_each_backend(
    harness: Harness, db: Database, backend: str
) -> None:
    run = await fuzz(harness, db, updates=SHORT_WALK[backend], seed=SEED)
    assert run.findings == [], "\n".join(run.findings[:20])
    assert run.updates >= SHORT_WALK[backend]


# -- what the fuzz found, kept as plain regression tests -----------------------------------------


async def _at_obstacles(harness: Harness, db: Database) -> Person:
    from tests.e2e.dialogs import invited_client

    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press(siti.last.button_labels[0])
    await siti.send("3jt")
    await siti.press("2")
    return siti


async def test_a_typed_checkbox_label_gets_the_question_again_with_the_box_ticked(
    harness: Harness, db: Database
) -> None:
    siti = await _at_obstacles(harness, db)
    reply = await siti.send("Modal")  # she types a box's label instead of pressing it
    assert reply, "a typed label that ticks a box had no answer at all"
    assert "✅ Modal" in reply[-1].button_labels
