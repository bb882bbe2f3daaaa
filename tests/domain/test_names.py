"""Full names as people type them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.names import MAX_NAME, MIN_NAME, NameProblem, check_full_name, clean_full_name


def test_spaces_are_tidied() -> None:
    assert clean_full_name("  Siti   Rahayu ") == "Siti Rahayu"
    assert check_full_name("Siti\tRahayu\n") == "Siti Rahayu"
    assert check_full_name("Siti\u00a0Rahayu") == "Siti Rahayu"


@pytest.mark.parametrize("typed", ["", "Si", "x" * 101, "Siti 2", "1234", "!!!"])
def test_names_that_are_not_names_are_refused(typed: str) -> None:
    assert clean_full_name(typed) is None


@pytest.mark.parametrize(
    "typed",
    [
        "Siti Rahayu",
        "Siti Nur'aini",
        "Siti Nur’aini",
        "Ni Luh Putu Ayu",
        "Dewi S.",
        "Abdul-Rahman",
        "Ṣāliḥ",
        "Ngatini",
        "Ahmad Ma‐ruf",  # U+2010 HYPHEN
        "Raden Mas Sastro",
        "I Gede Ngurah",
        "Nguyễn Thị Hoa",
        "ꦱꦶꦠꦶ ꦫꦲꦪꦸ",  # Aksara Jawa
        "Ali",
        "x" * 100,
    ],
)
def test_real_names_are_kept(typed: str) -> None:
    assert check_full_name(typed) == typed
    assert clean_full_name(typed) == typed


def test_separate_accents_are_joined() -> None:
    typed = unicodedata.normalize("NFD", "Ṣāliḥ")
    assert typed != "Ṣāliḥ"
    assert check_full_name(typed) == "Ṣāliḥ"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", NameProblem.TOO_SHORT),
        ("   ", NameProblem.TOO_SHORT),
        ("Si", NameProblem.TOO_SHORT),
        ("S.", NameProblem.TOO_SHORT),
        ("x" * 101, NameProblem.TOO_LONG),
        ("Siti " * 30, NameProblem.TOO_LONG),
        ("Siti 2", NameProblem.DIGITS),
        ("1234", NameProblem.DIGITS),
        ("Siti ٢", NameProblem.DIGITS),  # Arabic-Indic digit
        ("Ⅻ Siti", NameProblem.DIGITS),  # Roman numeral
        ("Siti ½", NameProblem.DIGITS),
        ("<b>&", NameProblem.SYMBOLS),
        ("<b>Siti</b>", NameProblem.SYMBOLS),
        ("Siti & Budi", NameProblem.SYMBOLS),
        ("siti@mail", NameProblem.SYMBOLS),
        ("#Siti", NameProblem.SYMBOLS),
        ("Siti 😀", NameProblem.SYMBOLS),
        ("Siti 👩‍👩‍👧", NameProblem.SYMBOLS),  # emoji joined by zero-width joiners
        ('Siti "Ani"', NameProblem.SYMBOLS),
        ("Siti «Ani»", NameProblem.SYMBOLS),
        ("Siti ‘Ani’", NameProblem.SYMBOLS),  # a left quote is not an apostrophe
        ("Siti/Ani", NameProblem.SYMBOLS),
        ("Siti\\Ani", NameProblem.SYMBOLS),
        ("Siti, S.Pd.", NameProblem.SYMBOLS),
        ("Siti_Ani", NameProblem.SYMBOLS),
        ("!!!", NameProblem.SYMBOLS),
        ("\u0301Siti", NameProblem.SYMBOLS),  # an accent on nothing
        ("Z" + "\u0301\u0302\u0303\u0304\u0305" + "algo", NameProblem.SYMBOLS),
        ("Siti\u200bRahayu", NameProblem.INVISIBLE),
        ("Siti\u200cRahayu", NameProblem.INVISIBLE),
        ("Siti\u200dRahayu", NameProblem.INVISIBLE),
        ("Siti\u2060Rahayu", NameProblem.INVISIBLE),
        ("\ufeffSiti Rahayu", NameProblem.INVISIBLE),
        ("Siti \u202eayahaR", NameProblem.INVISIBLE),
        ("\u202aSiti\u202c", NameProblem.INVISIBLE),
        ("\u202bSiti\u202c", NameProblem.INVISIBLE),
        ("\u202dSiti\u202c", NameProblem.INVISIBLE),
        ("\u2066Siti\u2069", NameProblem.INVISIBLE),
        ("\u2067Siti\u2069", NameProblem.INVISIBLE),
        ("\u2068Siti\u2069", NameProblem.INVISIBLE),
        ("Siti\u200e", NameProblem.INVISIBLE),
        ("Siti\u200f", NameProblem.INVISIBLE),
        ("Siti\u00adRahayu", NameProblem.INVISIBLE),  # soft hyphen
        ("Siti\x00", NameProblem.INVISIBLE),
        ("\u3164\u3164\u3164", NameProblem.INVISIBLE),  # Hangul filler, blank
        ("...", NameProblem.NO_LETTERS),
        ("'-.", NameProblem.NO_LETTERS),
    ],
)
def test_problems_are_named(typed: str, problem: NameProblem) -> None:
    assert check_full_name(typed) is problem
    assert clean_full_name(typed) is None


def test_problem_values() -> None:
    assert [problem.value for problem in NameProblem] == [
        "too_short",
        "too_long",
        "digits",
        "symbols",
        "invisible",
        "no_letters",
    ]


def _is_allowed(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM" or char in "'’.-‐ "


@given(st.text(max_size=120))
def test_an_accepted_name_has_letters_and_only_allowed_characters(text: str) -> None:
    name = check_full_name(text)
    if isinstance(name, NameProblem):
        return
    assert MIN_NAME <= len(name) <= MAX_NAME
    assert name == " ".join(name.split())
    assert any(unicodedata.category(char).startswith("L") for char in name)
    assert all(_is_allowed(char) for char in name)
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in name)


NAME_WORDS = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo")).filter(
        lambda char: char not in "\u115f\u1160\u3164\uffa0"
    ),
    min_size=1,
    max_size=12,
)


@given(st.lists(NAME_WORDS, min_size=1, max_size=5), st.sampled_from([" ", "  ", " \t"]))
def test_letters_and_spaces_make_a_name(words: list[str], gap: str) -> None:
    tidy = unicodedata.normalize("NFC", " ".join(words))
    result = check_full_name(gap.join(words))
    if MIN_NAME <= len(tidy) <= MAX_NAME:
        assert result == tidy
    else:
        assert result in (NameProblem.TOO_SHORT, NameProblem.TOO_LONG)


@pytest.mark.parametrize(
    ("typed", "tidy", "words"),
    [
        ("  Menjahit   di\nUPT  ", "Menjahit di UPT", True),
        ("\u202e\u200b\u2066", "", False),
        ("jahit\u200b seragam", "jahit seragam", True),
        ("👍👍", "👍👍", False),
        ("HP", "HP", True),
    ],
)
def test_free_text_loses_invisible_characters_and_needs_words(
    typed: str, tidy: str, words: bool
) -> None:
    from bot.domain.text import has_words, tidy_text

    assert tidy_text(typed) == tidy
    assert has_words(tidy_text(typed)) is words
