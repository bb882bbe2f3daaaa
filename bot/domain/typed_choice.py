"""Typed answers to button questions: which button, if any, did the person mean?

People often type instead of pressing a button: the whole label ("Sudah tutup"), one word of
it ("tutup"), the start of a word ("berhen"), or a sentence ("usahaku lancar kok").
:func:`match_typed` reads such text against the buttons shown and returns :class:`Chosen`
(one value), :class:`Ambiguous` (the values it could be, to ask about) or :class:`NoMatch`.
It prefers asking again to picking the wrong button.

Normalising (:func:`normalize_words`), the same for labels and typed text: case is folded,
accents are dropped ("é" = "e"), apostrophes are removed ("don't" = "dont"), emoji,
punctuation and extra spaces only separate words. A word is a run of letters (any script) or
a run of digits; "1.500.000" is the one number "1500000".

Rules, in order:

1. **Exact label.** Typed words equal to a label's words choose it ("sudah tutup!!" chooses
   "❌ Sudah tutup"; "2" chooses the label "2"). This always wins.
2. **Negation.** A label with a negation word ("Tidak setuju", "Belum ada penghasilan") can
   only be chosen by text with a negation word, and text with a negation can only choose such
   a label. So "setuju" is "✅ Saya setuju", "gak setuju" is "❌ Tidak setuju", and
   "tidak lancar", "kurang lancar" or "tidak ada kendala" choose nothing rather than the
   opposite of what was meant.
3. **Words of one label.** When every typed word is a word of a label (words of four or more
   letters may also be the start of one: "berhen" for "berhenti"), those labels are the
   answer: one is chosen, several are ambiguous ("berjalan" is in two labels). At least one
   typed word must be more than a function word: "saya" alone chooses nothing.
4. **A sentence.** Otherwise only content words of three or more letters count (not function
   words from :data:`STOP_WORDS`, not negations, not numbers). A label is named by a word
   that matches it and no other label; if exactly one label is named it is chosen
   ("usahaku lancar kok" chooses "Berjalan lancar"), if several are, they are ambiguous
   ("dulu lancar, sekarang menurun"). Words that match several labels ("berjalan") decide
   nothing alone: with no naming word they make the answer ambiguous between those labels.
   Numbers in a sentence never choose ("1.500 ribu" does not choose the label "Rp1.500").

Typos and word endings are not guessed: "menurun" is not "turun", "lancarlah" is not "lancar".
Options with equal values count as one: two labels for the same value are never ambiguous.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

V = TypeVar("V")

# A typed word this long or longer may be the start of a label word ("lanc" for "lancar").
MIN_PREFIX = 4
# In a sentence, shorter words are ignored ("ya", "di", "ok").
MIN_SENTENCE_WORD = 3

NEGATIONS = frozenset(
    {
        # Indonesian
        "tidak", "tdk", "tak", "gak", "ga", "gk", "nggak", "ngga", "nggk", "ngak", "enggak",
        "engga", "ndak", "nda", "kagak", "bukan", "bkn", "belum", "blm", "kurang",
        # Javanese
        "ora", "ra", "mboten", "boten", "dereng", "durung", "dudu",
        # English, apostrophes removed
        "no", "not", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "cant", "cannot",
        "never", "nope", "less",
    }
)  # fmt: skip
STOP_WORDS = frozenset(
    {
        # Indonesian pronouns, particles, conjunctions, prepositions, "already", "there is"
        "saya", "aku", "ku", "gue", "gua", "gw", "kami", "kita", "anda", "kamu", "dia",
        "mereka", "ini", "itu", "yang", "yg", "dan", "atau", "tapi", "tetapi", "namun", "juga",
        "sudah", "udah", "sdh", "dah", "telah", "masih", "sedang", "lagi", "akan", "mau", "ada",
        "adalah", "untuk", "utk", "buat", "dari", "dr", "di", "ke", "pada", "dengan", "dgn",
        "sama", "saja", "aja", "kok", "sih", "dong", "deh", "kan", "nih", "tuh", "lah", "pun",
        "nya",
        # Javanese (ngoko and krama)
        "kula", "kulo", "kowe", "sampeyan", "panjenengan", "iki", "iku", "niki", "niku",
        "menika", "punika", "sing", "ingkang", "lan", "kaliyan", "karo", "utawa", "utawi",
        "nanging", "ning", "wis", "wes", "uwis", "sampun", "isih", "taksih", "arep", "ajeng",
        "badhe", "ana", "ono", "onok", "enek", "wonten", "kanggo", "kangge", "saka", "seka",
        "soko", "ing", "nang", "neng", "dhateng", "mawon", "kemawon", "wae", "ae", "lho",
        "maneh", "meneh", "malih",
        # English
        "i", "me", "my", "we", "us", "our", "you", "your", "it", "its", "this", "that", "is",
        "am", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did",
        "the", "a", "an", "and", "or", "but", "so", "for", "of", "to", "in", "on", "at", "by",
        "with", "from", "just", "only", "now", "already", "still", "very", "really", "please",
        "again",
        # What every question here is about, so it names no answer: "usaha" alone is not
        # "Usaha berhenti", "penghasilan" alone is not "Belum ada penghasilan".
        "usaha", "usahaku", "usahane", "bisnis", "business", "penghasilan", "pendapatan",
        "income",
    }
)  # fmt: skip

_APOSTROPHES = frozenset("'’‘`´ʼʹ")
_DIGIT_SEPARATORS = frozenset(".,")
# Combining marks on letters below this code point (Latin, Greek, Cyrillic) are accents.
_LAST_ACCENTED_SCRIPT = "\u0530"


@dataclass(frozen=True, slots=True)
class Chosen(Generic[V]):
    """The text means this one option."""

    value: V


@dataclass(frozen=True, slots=True)
class Ambiguous(Generic[V]):
    """The text could mean any of these options (two or more, in the order shown)."""

    values: tuple[V, ...]


@dataclass(frozen=True, slots=True)
class NoMatch:
    """The text names no option."""


NO_MATCH = NoMatch()
Match: TypeAlias = Chosen[V] | Ambiguous[V] | NoMatch


def _folded(text: str) -> str:
    """Casefold, drop accents and emoji modifiers, write digits of any script in ASCII.

    Accents are dropped only from Latin, Greek and Cyrillic letters; the vowel signs of other
    scripts (Aksara Jawa, Arabic) are part of the word and stay.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    base = ""
    for char in decomposed:
        category = unicodedata.category(char)
        if char in _APOSTROPHES or category == "Me" or _is_variation_selector(char):
            continue
        if category == "Mn":
            if base < _LAST_ACCENTED_SCRIPT:
                continue
        else:
            base = char
        kept.append(str(unicodedata.digit(char)) if category == "Nd" else char)
    return "".join(kept)


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def normalize_words(text: str) -> tuple[str, ...]:
    """The words of a label or a typed answer, as :func:`match_typed` compares them."""
    folded = _folded(text)
    words: list[str] = []
    current: list[str] = []
    kind = ""
    for index, char in enumerate(folded):
        category = unicodedata.category(char)
        if category[0] in "LM":
            char_kind = "letters"
        elif category == "Nd":
            char_kind = "digits"
        elif (
            kind == "digits"
            and char in _DIGIT_SEPARATORS
            and index + 1 < len(folded)
            and unicodedata.category(folded[index + 1]) == "Nd"
        ):
            continue  # "1.500.000" is one number
        else:
            char_kind = ""
        if char_kind != kind and current:
            words.append("".join(current))
            current = []
        kind = char_kind
        if char_kind:
            current.append(char)
    if current:
        words.append("".join(current))
    return tuple(words)


def _matches(typed: str, label_word: str) -> bool:
    """A typed word is a label word, or (if long enough and not a number) the start of one."""
    if typed == label_word:
        return True
    return len(typed) >= MIN_PREFIX and not typed.isdigit() and label_word.startswith(typed)


def _in_label(typed: str, label: tuple[str, ...]) -> bool:
    return any(_matches(typed, word) for word in label)


def _is_negated(words: Sequence[str]) -> bool:
    return any(word in NEGATIONS for word in words)


def _sentence_word(word: str) -> bool:
    """A word that may name a label from inside a sentence."""
    return (
        len(word) >= MIN_SENTENCE_WORD
        and not word.isdigit()
        and word not in STOP_WORDS
        and word not in NEGATIONS
    )


def _answer(values: Sequence[V]) -> Match[V]:
    """One value is chosen; several different values are ambiguous; none is no match."""
    distinct: list[V] = []
    for value in values:
        if value not in distinct:
            distinct.append(value)
    if not distinct:
        return NO_MATCH
    if len(distinct) == 1:
        return Chosen(distinct[0])
    return Ambiguous(tuple(distinct))


def match_typed(text: str, options: Sequence[tuple[str, V]]) -> Match[V]:
    """Read typed ``text`` as a press of one of the buttons ``options`` ((label, value) pairs).

    See the module docstring for the rules.
    """
    typed = normalize_words(text)
    if not typed:
        return NO_MATCH
    labels = [(normalize_words(label), value) for label, value in options]
    exact = [value for words, value in labels if words == typed]
    if exact:
        return _answer(exact)

    negated = _is_negated(typed)
    eligible = [(words, value) for words, value in labels if _is_negated(words) == negated]
    if any(word not in STOP_WORDS for word in typed):
        whole = [
            value for words, value in eligible if all(_in_label(word, words) for word in typed)
        ]
        if whole:
            return _answer(whole)

    naming: set[int] = set()
    shared: set[int] = set()
    for word in dict.fromkeys(typed):
        if not _sentence_word(word):
            continue
        hits = {i for i, (words, _) in enumerate(eligible) if _in_label(word, words)}
        if len(hits) == 1:
            naming |= hits
        shared |= hits
    chosen = naming or shared
    return _answer([eligible[i][1] for i in sorted(chosen)])
