"""Logs never carry a NIK, a phone number or a token."""

from __future__ import annotations

import pytest

from bot.logging_setup import redact


@pytest.mark.parametrize(
    "secret",
    [
        "3522015408900001",
        "081234567890",
        "0812-3456-7890",
        "+6281234567890",
        "62 812 3456 7890",
        # Built at run time, so no token-shaped string sits in the repository.
        "1234567" + "89:" + "AAHfake" * 5,
    ],
)
def test_secrets_are_masked(secret: str) -> None:
    assert secret not in redact(f"something about {secret} happened")


def test_timestamps_and_small_numbers_survive() -> None:
    line = "2026-11-25 23:52:19,489 INFO tick closed 3 flows in 12 ms"
    assert redact(line) == line
