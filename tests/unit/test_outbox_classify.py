"""Every answer the Bot API can give a send has an explicit outcome (bot/outbox_sender.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.outbox_sender import Blocked, Failed, Retry, Sent, backoff, classify


@pytest.mark.parametrize("wait", [timedelta(seconds=7), 7])
def test_a_429_waits_exactly_as_long_as_telegram_asked(wait: timedelta | int) -> None:
    outcome = classify(RetryAfter(wait), attempts=3, edit=False)  # type: ignore[arg-type]
    assert outcome == Retry(timedelta(seconds=7), "RetryAfter", throttled=True)


def test_a_403_means_the_person_blocked_the_bot() -> None:
    assert classify(
        Forbidden("Forbidden: bot was blocked by the user"), attempts=1, edit=False
    ) == (Blocked())


def test_a_400_is_permanent_and_keeps_telegrams_reason() -> None:
    outcome = classify(
        BadRequest("Can't parse entities: unexpected end tag"), attempts=1, edit=False
    )
    assert outcome == Failed("Can't parse entities: unexpected end tag")


@pytest.mark.parametrize(
    "description",
    [
        "Message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message",
        "Message to edit not found",
        "Message can't be edited",
    ],
)
def test_an_edit_that_has_nothing_left_to_do_is_done(description: str) -> None:
    assert classify(BadRequest(description), attempts=1, edit=True) == Sent()
    assert isinstance(classify(BadRequest(description), attempts=1, edit=False), Failed)


@pytest.mark.parametrize(
    "error",
    [
        NetworkError("Bad Gateway"),  # what PTB raises for a 502
        NetworkError("Internal Server Error (500)"),
        TimedOut("Timed out"),
        NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response."),
        InvalidToken(),
        Conflict("terminated by other getUpdates request"),
    ],
)
def test_5xx_timeouts_and_dropped_connections_are_retried_with_backoff(error: Exception) -> None:
    assert classify(error, attempts=4, edit=False) == Retry(
        timedelta(seconds=8), type(error).__name__
    )


def test_an_error_that_is_not_the_bot_apis_is_a_permanent_failure() -> None:
    assert classify(ValueError("bad markup"), attempts=1, edit=False) == Failed("ValueError")


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 12)] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300,
    ]  # fmt: skip
    assert backoff(0) == timedelta(seconds=1)
