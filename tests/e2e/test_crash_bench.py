"""The crash bench (bench/crash.py) in small: three kills, and nothing lost."""

from __future__ import annotations

from pathlib import Path

from bench.crash import main


async def test_three_kills_lose_no_update_and_no_message(tmp_path: Path) -> None:
    figures = await main(
        [
            "--kills=3",
            "--seed=3",
            "--registrations=1",
            "--reports=1",
            "--caseworkers=3",
            "--checkins=3",
            "--flood=20",
            f"--json={tmp_path / 'crash.json'}",
        ]
    )
    assert figures.kills == 3
    assert figures.updates_lost == 0 and figures.updates_dropped == 0, figures.inbox
    assert figures.messages_lost == 0, figures.lost
    assert figures.unexpected == 0, figures.unexpected_texts
    assert figures.stuck == []
    # A kill repeats at most what was sent and not yet recorded: one batch of the outbox at most
    # (here the alert to the three caseworkers, or one reply).
    assert figures.messages_duplicated <= 3 * figures.kills, figures.duplicated
    assert figures.final_delay_s is not None
    assert (tmp_path / "crash.json").exists()
