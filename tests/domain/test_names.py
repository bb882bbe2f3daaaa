"""Full names as people type them."""

from __future__ import annotations

import pytest

from bot.domain.names import clean_full_name


def test_spaces_are_tidied() -> None:
    assert clean_full_name("  Siti   Rahayu ") == "Siti Rahayu"


@pytest.mark.parametrize("typed", ["", "Si", "x" * 101, "Siti 2", "1234", "!!!"])
def test_names_that_are_not_names_are_refused(typed: str) -> None:
    assert clean_full_name(typed) is None
