"""The callback codec: typed button actions in at most 64 bytes, and nothing forged gets in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat.callbacks import MAX_BYTES, MAX_INT, CallbackData, unpack
from bot.services.checkins import Answer, CheckinAnswer


class Colour(StrEnum):
    RED = "r"
    BLUE = "b"


@dataclass(frozen=True)
class Sample(CallbackData, prefix="zt"):
    item_id: int
    colour: Colour
    flag: bool
    note: str
    maybe: int | None


def test_an_action_survives_the_round_trip() -> None:
    action = Sample(41, Colour.BLUE, True, "p3", None)
    assert action.pack() == "zt:41:b:1:p3:"
    assert unpack(action.pack()) == action
    assert Sample.unpack_as(action.pack()) == action
    assert CheckinAnswer.unpack_as(action.pack()) is None


@pytest.mark.parametrize(
    "data",
    [
        "ci:99999999999999999999999:ok",  # an id no database has
        f"ci:{MAX_INT}:ok",
        "ci:²:ok",  # a digit, but not an ASCII one
        "ci:١٢:ok",  # Arabic-Indic digits
        "ci:-1:ok",
        "ci:012:ok",
        "ci:12:zz",  # not an answer
        "ci:12",  # a field missing
        "ci:12:ok:x",  # one too many
        "zt:1:b:2:x:",  # not a bool
        "zt:1:b:1:a b:",  # a space in a text field
        "zt:1:b:1:x:y",  # not a number in an optional number
        "nope:1",
        "",
        "g:ci:12:ok",  # the old format
        "\u0000;DROP TABLE",
        "ci:" + "1" * 70,
    ],
)
def test_forged_stale_or_malformed_data_unpacks_to_nothing(data: str) -> None:
    assert unpack(data) is None


def test_packing_refuses_what_telegram_would_refuse() -> None:
    with pytest.raises(ValueError, match="longer than 64 bytes"):
        Sample(1, Colour.RED, False, "x" * 48, 2**30).pack()
    with pytest.raises(ValueError, match="out of range"):
        Sample(-1, Colour.RED, False, "", None).pack()
    with pytest.raises(ValueError, match="not allowed"):
        Sample(1, Colour.RED, False, "a:b", None).pack()


def test_a_prefix_is_short_and_used_once() -> None:
    with pytest.raises(ValueError, match="used twice"):

        @dataclass(frozen=True)
        class Again(CallbackData, prefix="zt"):
            x: int

    with pytest.raises(ValueError, match="1-4 lower-case"):

        @dataclass(frozen=True)
        class Long(CallbackData, prefix="toolong"):
            x: int


@given(
    st.integers(0, MAX_INT - 1),
    st.sampled_from(list(Answer)),
)
def test_every_check_in_answer_fits_and_comes_back(checkin_id: int, answer: Answer) -> None:
    data = CheckinAnswer(checkin_id, answer).pack()
    assert len(data.encode()) <= MAX_BYTES
    assert unpack(data) == CheckinAnswer(checkin_id, answer)


@given(st.text(max_size=80))
def test_any_text_unpacks_to_an_action_or_nothing_never_an_error(data: str) -> None:
    found = unpack(data)
    assert found is None or isinstance(found, CallbackData)
