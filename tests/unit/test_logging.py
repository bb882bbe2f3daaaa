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


def test_every_line_names_its_update_flow_and_step(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from bot.log_context import bind_step, bind_update
    from bot.logging_setup import configure_logging

    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    configure_logging(logging.INFO)
    log = logging.getLogger("berdaya.test")
    log.info("outside any update")
    bind_update(4711)
    bind_step("rep", "income")
    log.info("income read")
    bind_update(None)
    root.handlers[:], root.level = saved, level
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith("berdaya.test [-]: outside any update")
    assert lines[1].endswith("berdaya.test [u=4711 rep/income]: income read")


def _read_count(typed: str) -> int:
    return int(typed)


def test_a_logged_traceback_shows_where_not_what_was_typed() -> None:
    import logging
    import sys

    from bot.logging_setup import RedactingFormatter

    typed, name = "saya " + "Siti Rahayu", "Siti " + "Rahayu"
    try:
        try:
            _read_count(typed)  # the ValueError quotes what she typed
        except ValueError as error:
            raise RuntimeError(f"handling {name}'s answer") from error
    except RuntimeError:
        failure = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "update failed", None, failure)
    line = RedactingFormatter("%(message)s").format(record)
    assert "Siti" not in line and "Rahayu" not in line
    assert "builtins.ValueError (message not logged)" in line
    assert "builtins.RuntimeError (message not logged)" in line
    assert "in _read_count" in line  # where it happened is still there
