"""Tests of bot.domain.typed_choice: typed text read as a press of one of the buttons shown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.typed_choice import (
    NO_MATCH,
    Ambiguous,
    Chosen,
    Match,
    NoMatch,
    match_typed,
    normalize_words,
)

LOCALES = Path(__file__).resolve().parents[2] / "locales"

# The real button labels (msgid -> Basa Jawa, English), as in locales/*/LC_MESSAGES/messages.po.
TRANSLATIONS = {
    "👍 Berjalan lancar": ("👍 Mlampah lancar", "👍 Going well"),
    "📉 Berjalan, tapi menurun": ("📉 Mlampah, nanging mudhun", "📉 Running, but going down"),
    "⏸️ Berhenti sementara": ("⏸️ Leren sawetara", "⏸️ Stopped for now"),
    "❌ Sudah tutup": ("❌ Sampun tutup", "❌ Closed"),
    "👍 Lancar": ("👍 Lancar", "👍 Going well"),
    "⚠️ Ada kendala": ("⚠️ Wonten alangan", "⚠️ Having problems"),
    "⏸️ Usaha berhenti": ("⏸️ Usaha leren", "⏸️ Business stopped"),
    "⏰ Nanti saja": ("⏰ Mangke kemawon", "⏰ Later"),
    "✅ Saya setuju": ("✅ Kula setuju", "✅ I agree"),
    "❌ Tidak setuju": ("❌ Mboten setuju", "❌ I don't agree"),
    "Lewati": ("Liwati", "Skip"),
    "⏭️ Lewati": ("⏭️ Liwati", "⏭️ Skip"),
    "Belum ada penghasilan": ("Dereng wonten penghasilan", "No income yet"),
    "✅ Ya, benar": ("✅ Inggih, leres", "✅ Yes, that's right"),
    "✏️ Tulis lagi": ("✏️ Tulis malih", "✏️ Write again"),
}


def _options(language: str, *pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """The buttons as a person reading ``language`` sees them: (label, value)."""
    if language == "id":
        return list(pairs)
    column = 0 if language == "jv" else 1
    return [(TRANSLATIONS[label][column], value) for label, value in pairs]


BUSINESS = (
    ("👍 Berjalan lancar", "running"),
    ("📉 Berjalan, tapi menurun", "declining"),
    ("⏸️ Berhenti sementara", "paused"),
    ("❌ Sudah tutup", "closed"),
)
CHECK_IN = (
    ("👍 Lancar", "running"),
    ("⚠️ Ada kendala", "trouble"),
    ("⏸️ Usaha berhenti", "stopped"),
    ("⏰ Nanti saja", "later"),
)
CONSENT = (("✅ Saya setuju", "yes"), ("❌ Tidak setuju", "no"))
INCOME = (("Belum ada penghasilan", "0"),)
CONFIRM = (("✅ Ya, benar", "ok"), ("✏️ Tulis lagi", "again"))
SKIP = (("⏭️ Lewati", "skip"),)

Expected = str | tuple[str, ...] | None


def _expected(expected: Expected) -> Match[str]:
    if expected is None:
        return NO_MATCH
    if isinstance(expected, tuple):
        return Ambiguous(expected)
    return Chosen(expected)


CASES: list[tuple[tuple[tuple[str, str], ...], str, str, Expected]] = [
    # business status, Indonesian
    (BUSINESS, "id", "👍 Berjalan lancar", "running"),
    (BUSINESS, "id", "berjalan lancar", "running"),
    (BUSINESS, "id", "BERJALAN  LANCAR!!", "running"),
    (BUSINESS, "id", "lancar", "running"),
    (BUSINESS, "id", "Lancar.", "running"),
    (BUSINESS, "id", "menurun", "declining"),
    (BUSINESS, "id", "berjalan tapi menurun", "declining"),
    (BUSINESS, "id", "berhenti", "paused"),
    (BUSINESS, "id", "berhen", "paused"),
    (BUSINESS, "id", "sementara", "paused"),
    (BUSINESS, "id", "tutup", "closed"),
    (BUSINESS, "id", "sudah tutup", "closed"),
    (BUSINESS, "id", "udah tutup", "closed"),
    (BUSINESS, "id", "usahaku lancar kok", "running"),
    (BUSINESS, "id", "Alhamdulillah usaha saya lancar", "running"),
    (BUSINESS, "id", "berjalan", ("running", "declining")),
    (BUSINESS, "id", "masih berjalan", ("running", "declining")),
    (BUSINESS, "id", "dulu lancar, sekarang menurun", ("running", "declining")),
    (BUSINESS, "id", "tidak lancar", None),
    (BUSINESS, "id", "kurang lancar", None),
    (BUSINESS, "id", "gak tutup", None),
    (BUSINESS, "id", "sudah", None),
    (BUSINESS, "id", "ber", None),
    (BUSINESS, "id", "turun", None),
    (BUSINESS, "id", "👍", None),
    (BUSINESS, "id", "", None),
    (BUSINESS, "id", "halo", None),
    # business status, Javanese
    (BUSINESS, "jv", "mlampah lancar", "running"),
    (BUSINESS, "jv", "lancar", "running"),
    (BUSINESS, "jv", "usahaku lancar kok", "running"),
    (BUSINESS, "jv", "mudhun", "declining"),
    (BUSINESS, "jv", "leren", "paused"),
    (BUSINESS, "jv", "leren sawetara", "paused"),
    (BUSINESS, "jv", "tutup", "closed"),
    (BUSINESS, "jv", "wis tutup", "closed"),
    (BUSINESS, "jv", "mlampah", ("running", "declining")),
    (BUSINESS, "jv", "ora lancar", None),
    (BUSINESS, "jv", "sampun", None),
    # business status, English
    (BUSINESS, "en", "going well", "running"),
    (BUSINESS, "en", "Going well!", "running"),
    (BUSINESS, "en", "well", "running"),
    (BUSINESS, "en", "going down", "declining"),
    (BUSINESS, "en", "down", "declining"),
    (BUSINESS, "en", "stopped", "paused"),
    (BUSINESS, "en", "stop", "paused"),
    (BUSINESS, "en", "closed", "closed"),
    (BUSINESS, "en", "my shop is closed", "closed"),
    (BUSINESS, "en", "going", ("running", "declining")),
    (BUSINESS, "en", "not going well", None),
    (BUSINESS, "en", "for", None),
    # check-in
    (CHECK_IN, "id", "lancar", "running"),
    (CHECK_IN, "id", "kendala", "trouble"),
    (CHECK_IN, "id", "ada kendala", "trouble"),
    (CHECK_IN, "id", "ada kendala modal", "trouble"),
    (CHECK_IN, "id", "berhenti", "stopped"),
    (CHECK_IN, "id", "nanti", "later"),
    (CHECK_IN, "id", "nanti saja ya", "later"),
    (CHECK_IN, "id", "usaha", None),
    (CHECK_IN, "id", "ada", None),
    (CHECK_IN, "id", "saja", None),
    (CHECK_IN, "id", "tidak ada kendala", None),
    (CHECK_IN, "jv", "lancar", "running"),
    (CHECK_IN, "jv", "alangan", "trouble"),
    (CHECK_IN, "jv", "wonten alangan", "trouble"),
    (CHECK_IN, "jv", "leren", "stopped"),
    (CHECK_IN, "jv", "mangke", "later"),
    (CHECK_IN, "jv", "mangke mawon", "later"),
    (CHECK_IN, "jv", "wonten", None),
    (CHECK_IN, "en", "well", "running"),
    (CHECK_IN, "en", "problems", "trouble"),
    (CHECK_IN, "en", "problem", "trouble"),
    (CHECK_IN, "en", "stopped", "stopped"),
    (CHECK_IN, "en", "later", "later"),
    (CHECK_IN, "en", "maybe later", "later"),
    (CHECK_IN, "en", "business", None),
    (CHECK_IN, "en", "no problems", None),
    # consent: the negation decides
    (CONSENT, "id", "saya setuju", "yes"),
    (CONSENT, "id", "setuju", "yes"),
    (CONSENT, "id", "ya setuju", "yes"),
    (CONSENT, "id", "tidak setuju", "no"),
    (CONSENT, "id", "tidak", "no"),
    (CONSENT, "id", "gak setuju", "no"),
    (CONSENT, "id", "saya tidak setuju", "no"),
    (CONSENT, "id", "saya", None),
    (CONSENT, "id", "saya tidak", None),
    (CONSENT, "jv", "kula setuju", "yes"),
    (CONSENT, "jv", "setuju", "yes"),
    (CONSENT, "jv", "mboten setuju", "no"),
    (CONSENT, "jv", "ora setuju", "no"),
    (CONSENT, "jv", "mboten", "no"),
    (CONSENT, "en", "I agree", "yes"),
    (CONSENT, "en", "agree", "yes"),
    (CONSENT, "en", "I don't agree", "no"),
    (CONSENT, "en", "I don’t agree", "no"),
    (CONSENT, "en", "dont agree", "no"),
    (CONSENT, "en", "I do not agree", "no"),
    (CONSENT, "en", "I", None),
    # the income question's one button: only a "none" answer presses it
    (INCOME, "id", "belum ada penghasilan", "0"),
    (INCOME, "id", "belum", "0"),
    (INCOME, "id", "belum ada", "0"),
    (INCOME, "id", "penghasilan", None),
    (INCOME, "id", "penghasilan 3 juta", None),
    (INCOME, "id", "belum tahu", None),
    (INCOME, "jv", "dereng wonten", "0"),
    (INCOME, "en", "no income yet", "0"),
    (INCOME, "en", "no income", "0"),
    (INCOME, "en", "income 3 million", None),
    # confirm an amount
    (CONFIRM, "id", "ya", "ok"),
    (CONFIRM, "id", "ya benar", "ok"),
    (CONFIRM, "id", "benar", "ok"),
    (CONFIRM, "id", "tulis", "again"),
    (CONFIRM, "id", "salah, tulis lagi", "again"),
    (CONFIRM, "id", "lagi", None),
    (CONFIRM, "jv", "inggih", "ok"),
    (CONFIRM, "jv", "leres", "ok"),
    (CONFIRM, "jv", "tulis malih", "again"),
    (CONFIRM, "en", "yes", "ok"),
    (CONFIRM, "en", "that's right", "ok"),
    (CONFIRM, "en", "write again", "again"),
    # skip
    (SKIP, "id", "lewati", "skip"),
    (SKIP, "id", "Lewati saja", "skip"),
    (SKIP, "id", "lewat", "skip"),
    (SKIP, "jv", "liwati", "skip"),
    (SKIP, "en", "skip", "skip"),
    (SKIP, "en", "skip it", "skip"),
    (SKIP, "en", "ski", None),
]


@pytest.mark.parametrize(
    ("options", "language", "text", "expected"),
    CASES,
    ids=[f"{language}-{text!r}" for _, language, text, _ in CASES],
)
def test_real_labels(
    options: tuple[tuple[str, str], ...], language: str, text: str, expected: Expected
) -> None:
    assert match_typed(text, _options(language, *options)) == _expected(expected)


@pytest.mark.parametrize(("language", "column"), [("jv", 0), ("en", 1)])
def test_labels_here_are_the_catalog_translations(language: str, column: int) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    for msgid, translations in TRANSLATIONS.items():
        message = catalog.get(msgid)
        assert message is not None, msgid
        assert message.string == translations[column], msgid


NUMBERS = [(str(n), n) for n in range(1, 13)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", Chosen(2)),
        (" 2 ", Chosen(2)),
        ("2️⃣", Chosen(2)),
        ("١٢", Chosen(12)),  # Arabic-Indic digits
        ("1", Chosen(1)),
        ("12", Chosen(12)),
        ("13", NO_MATCH),
        ("pilih 2", NO_MATCH),  # numbers never choose from inside a sentence
    ],
)
def test_numbers_match_exactly(text: str, expected: Match[int]) -> None:
    assert match_typed(text, NUMBERS) == expected


def test_amount_buttons_match_only_the_whole_number() -> None:
    options = [("Rp1.500", 1_500), ("Rp1.500.000", 1_500_000), ("✏️ Tulis lagi", 0)]
    assert match_typed("Rp1.500.000", options) == Chosen(1_500_000)
    assert match_typed("1.500.000", options) == Chosen(1_500_000)
    assert match_typed("1.500", options) == Chosen(1_500)
    assert match_typed("1.500 ribu", options) == NO_MATCH
    assert match_typed("1,5 juta", options) == NO_MATCH


def test_accents_emoji_and_case_are_ignored() -> None:
    options = [("🍲 Sampéyan masak", "cook"), ("🧵 Jahit", "sew")]
    assert match_typed("SAMPEYAN MASAK", options) == Chosen("cook")
    assert match_typed("masak", options) == Chosen("cook")
    assert match_typed("jahít 🧵", options) == Chosen("sew")


def test_equal_values_are_one_answer() -> None:
    options = [("👍 Lancar", "running"), ("Berjalan lancar", "running"), ("Tutup", "closed")]
    assert match_typed("lancar", options) == Chosen("running")


def test_duplicate_labels_are_ambiguous() -> None:
    options = [("Lancar", 1), ("👍 lancar", 2)]
    assert match_typed("lancar", options) == Ambiguous((1, 2))


def test_no_options() -> None:
    assert match_typed("lancar", []) == NO_MATCH


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("👍 Berjalan lancar", ("berjalan", "lancar")),
        ("📉 Berjalan, tapi menurun", ("berjalan", "tapi", "menurun")),
        ("I don't agree", ("i", "dont", "agree")),
        ("Rp1.500.000,-", ("rp", "1500000")),
        ("Ṣāliḥ", ("salih",)),
        ("ꦱꦶꦠꦶ", ("ꦱꦶꦠꦶ",)),  # the vowel signs of Aksara Jawa are not accents
        ("2️⃣", ("2",)),
        ("  ", ()),
    ],
)
def test_normalize_words(text: str, words: tuple[str, ...]) -> None:
    assert normalize_words(text) == words


def test_long_text_is_fast() -> None:
    options = _options("id", *BUSINESS)
    text = "usahaku lancar kok " * 300 + "x" * 2000
    started = time.perf_counter()
    assert match_typed(text, options) == Chosen("running")
    assert time.perf_counter() - started < 0.5


LABELS = st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8)


@given(LABELS, st.data())
def test_typing_an_exact_label_chooses_it(labels: list[str], data: st.DataObject) -> None:
    normalized = [normalize_words(label) for label in labels]
    assume(all(normalized))
    assume(len(set(normalized)) == len(normalized))
    index = data.draw(st.integers(min_value=0, max_value=len(labels) - 1))
    options = [(label, i) for i, label in enumerate(labels)]
    assert match_typed(labels[index], options) == Chosen(index)


@given(st.text(max_size=60), LABELS)
def test_answers_are_option_values(text: str, labels: list[str]) -> None:
    options = [(label, i) for i, label in enumerate(labels)]
    result = match_typed(text, options)
    if isinstance(result, Chosen):
        assert 0 <= result.value < len(labels)
    elif isinstance(result, Ambiguous):
        assert len(result.values) >= 2
        assert list(result.values) == sorted(set(result.values))
    else:
        assert isinstance(result, NoMatch)
