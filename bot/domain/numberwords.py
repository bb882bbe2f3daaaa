"""Numbers as people type them in Indonesian, Javanese and English, in digits or in words.

Shared by :mod:`bot.domain.money` and :mod:`bot.domain.counting`. Text is first split into
tokens (:func:`tokenize`); then :func:`find_zero_answers` finds answers that mean "none"
("belum ada", "ora ana") and :func:`find_number_phrases` finds number phrases such as "3jt",
"1,5 juta", "tiga juta lima ratus ribu", "limang atus ewu" or "one and a half million".
Everything here runs in time linear in the length of the text.

A bare "M" after a number ("2M", "1,5 m") is *miliar* to an Indonesian reader and *million* to
an English one. The parser reads it as miliar (so phrase boundaries stay what they always were)
and also reports the million reading in :attr:`NumberPhrase.m_readings`; callers that care
about money decide what to ask.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum, auto
from fractions import Fraction
from typing import Literal

THOUSAND = 1_000
MILLION = 1_000_000
BILLION = 1_000_000_000
TRILLION = 1_000_000_000_000

TokenKind = Literal["num", "word", "sym"]


@dataclass(frozen=True, slots=True)
class Token:
    """One piece of normalized text: a run of digits, a word, or a single other character."""

    kind: TokenKind
    text: str
    space_before: bool


# Each alternative is a plain loop without nested choices, so matching is linear on any input.
_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+|\S")
# "Rp3.000.000,-": the ",-" only says "no cents"; left in, it would look like a range dash.
_NO_CENTS_RE = re.compile(r"(?<=[0-9a-z])[.,][-–—]+(?![0-9])")
# "3jt-an" / "3-an" means "about 3jt"; the dash must not read as a range.
_AN_SUFFIX_RE = re.compile(r"(?<=\w)-an\b")
# "s/d" and "s.d." abbreviate "sampai dengan" (up to).
_SD_RE = re.compile(r"\bs ?[/.] ?d\b\.?")
# Digit runs longer than this are not amounts or counts; the limit also keeps int() cheap.
_MAX_DIGITS = 40


def tokenize(text: str) -> list[Token]:
    """Casefold ``text``, undo a few typing conventions and split it into tokens."""
    text = text.casefold().replace("\u2212", "-")
    text = _NO_CENTS_RE.sub("", text)
    text = _AN_SUFFIX_RE.sub(" an", text)
    text = _SD_RE.sub(" sampai ", text)
    tokens: list[Token] = []
    previous_end = -1
    for match in _TOKEN_RE.finditer(text):
        piece = match.group()
        if piece[0] in "0123456789":
            kind: TokenKind = "num"
        elif piece[0].isalpha():
            kind = "word"
        else:
            kind = "sym"
        tokens.append(Token(kind, piece, match.start() != previous_end))
        previous_end = match.end()
    return tokens


def _ungroup(text: str, separator: str) -> str | None:
    """Join digit groups written with a thousands separator, or None if they are not groups of 3."""
    groups = text.split(separator)
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
        return None
    return "".join(groups)


def parse_digits(raw: str, *, comma_is_decimal: bool = False) -> Fraction | None:
    """Read a digit run with "." and "," separators, the Indonesian way first.

    "3.000.000" and "3,000,000" are grouped thousands; "1,5" and "1.5" are decimals;
    "3.000.000,00" has cents. A single separator followed by exactly three digits is a
    thousands separator ("1.500" is 1500), except "," when ``comma_is_decimal`` is set, which
    callers do before a unit word ("1,500 jt" is 1.5 juta). Returns None for malformed runs.
    """
    if len(raw) > _MAX_DIGITS:
        return None
    separators = [char for char in raw if char in ".,"]
    if not separators:
        return Fraction(int(raw))
    if len(set(separators)) == 2:
        # With both marks present, the last one is the decimal mark and the other groups thousands.
        decimal_mark = separators[-1]
        if separators.count(decimal_mark) != 1:
            return None
        whole, fraction = raw.rsplit(decimal_mark, 1)
        grouped = _ungroup(whole, "." if decimal_mark == "," else ",")
        if grouped is None:
            return None
        return Fraction(int(grouped)) + Fraction(int(fraction), 10 ** len(fraction))
    mark = separators[0]
    if len(separators) > 1:
        grouped = _ungroup(raw, mark)
        return None if grouped is None else Fraction(int(grouped))
    whole, fraction = raw.split(mark)
    is_grouping = (
        len(fraction) == 3
        and whole != "0"
        and len(whole) <= 3
        and not (mark == "," and comma_is_decimal)
    )
    if is_grouping:
        return Fraction(int(whole + fraction))
    return Fraction(int(whole)) + Fraction(int(fraction), 10 ** len(fraction))


class _Kind(Enum):
    NUMBER = auto()  # a digit run such as "1,5" or "3.000.000"
    DIGIT = auto()  # a word for 0–9, including Javanese linking forms ("rong", "limang")
    TENS = auto()  # "twenty", "seket": may be followed by a digit word
    VALUE = auto()  # a complete value below 100: "eleven", "selawe"
    PULUH = auto()
    BELAS = auto()
    LIKUR = auto()
    HUNDRED = auto()
    SCALE = auto()
    HALF = auto()
    QUARTER = auto()
    KOMA = auto()
    AND = auto()


@dataclass(frozen=True, slots=True)
class _Atom:
    kind: _Kind
    value: int = 0
    raw: str = ""


@dataclass(frozen=True, slots=True)
class _Item:
    first: int
    last: int
    atom: _Atom | None


def _digit(value: int) -> _Atom:
    return _Atom(_Kind.DIGIT, value)


def _scale(value: int) -> _Atom:
    return _Atom(_Kind.SCALE, value)


_ONE = _digit(1)
_BARE_M = "m"
_BARE_M_ATOM = _Atom(_Kind.SCALE, BILLION, raw=_BARE_M)
_PULUH = _Atom(_Kind.PULUH)
_BELAS = _Atom(_Kind.BELAS)
_LIKUR = _Atom(_Kind.LIKUR)
_HUNDRED = _Atom(_Kind.HUNDRED)
_HALF = _Atom(_Kind.HALF)

_DIGIT_WORDS: dict[str, int] = {
    # Indonesian
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "lapan": 8, "sembilan": 9,
    # Javanese ngoko, linking forms used before puluh/atus/ewu/yuta, and krama
    "siji": 1, "setunggal": 1, "loro": 2, "rong": 2, "kalih": 2, "telu": 3, "telung": 3,
    "papat": 4, "patang": 4, "sekawan": 4, "limo": 5, "limang": 5, "gangsal": 5, "enem": 6,
    "nem": 6, "pitu": 7, "pitung": 7, "wolu": 8, "wolung": 8, "sanga": 9, "songo": 9,
    "sangang": 9,
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_ENGLISH_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_VALUE_WORDS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "selawe": 25,
}  # fmt: skip
_SCALE_WORDS: dict[str, int] = {
    "ribu": THOUSAND, "rb": THOUSAND, "rbu": THOUSAND, "rebu": THOUSAND, "ewu": THOUSAND,
    "k": THOUSAND, "ribuan": THOUSAND, "rban": THOUSAND, "thousand": THOUSAND,
    "thousands": THOUSAND,
    "juta": MILLION, "jt": MILLION, "jta": MILLION, "jutaan": MILLION, "jtan": MILLION,
    "yuta": MILLION, "million": MILLION, "millions": MILLION, "mio": MILLION,
    "miliar": BILLION, "milyar": BILLION, "miliaran": BILLION, "milyaran": BILLION,
    "billion": BILLION, "billions": BILLION, "bn": BILLION,
    "triliun": TRILLION, "trilyun": TRILLION, "trillion": TRILLION,
}  # fmt: skip
# Javanese numbers 11–19 and 21–29 are single words built on -las/-welas and -likur.
_JAVANESE_TEENS = {
    "sewelas": 1, "rolas": 2, "telulas": 3, "patbelas": 4, "limalas": 5, "limolas": 5,
    "nembelas": 6, "pitulas": 7, "wolulas": 8, "sangalas": 9, "songolas": 9,
}  # fmt: skip
_JAVANESE_LIKUR = {
    "selikur": 1, "rolikur": 2, "telulikur": 3, "patlikur": 4, "nemlikur": 6, "pitulikur": 7,
    "wolulikur": 8, "sangalikur": 9, "songolikur": 9,
}  # fmt: skip

_WORDS: dict[str, tuple[_Atom, ...]] = {
    **{word: (_digit(value),) for word, value in _DIGIT_WORDS.items()},
    **{word: (_Atom(_Kind.TENS, value),) for word, value in _ENGLISH_TENS.items()},
    **{word: (_Atom(_Kind.VALUE, value),) for word, value in _VALUE_WORDS.items()},
    **{word: (_scale(value),) for word, value in _SCALE_WORDS.items()},
    # The bare "M" of "2M": miliar in Indonesian writing, million in English (see the docstring).
    _BARE_M: (_BARE_M_ATOM,),
    **{word: (_digit(value), _BELAS) for word, value in _JAVANESE_TEENS.items()},
    **{word: (_digit(value), _LIKUR) for word, value in _JAVANESE_LIKUR.items()},
    "seket": (_Atom(_Kind.TENS, 50),),
    "sewidak": (_Atom(_Kind.TENS, 60),),
    "puluh": (_PULUH,),
    "belas": (_BELAS,),
    "welas": (_BELAS,),
    "likur": (_LIKUR,),
    "ratus": (_HUNDRED,),
    "atus": (_HUNDRED,),
    "hundred": (_HUNDRED,),
    # "se-" means one: sepuluh, seratus, seribu, sejuta; Javanese sewu, satus, sayuta.
    "sepuluh": (_ONE, _PULUH),
    "sedasa": (_ONE, _PULUH),
    "sebelas": (_ONE, _BELAS),
    "seratus": (_ONE, _HUNDRED),
    "satus": (_ONE, _HUNDRED),
    "seribu": (_ONE, _scale(THOUSAND)),
    "sewu": (_ONE, _scale(THOUSAND)),
    "sejuta": (_ONE, _scale(MILLION)),
    "seyuta": (_ONE, _scale(MILLION)),
    "sayuta": (_ONE, _scale(MILLION)),
    "semiliar": (_ONE, _scale(BILLION)),
    "semilyar": (_ONE, _scale(BILLION)),
    "setengah": (_HALF,),
    "separuh": (_HALF,),
    "separo": (_HALF,),
    "half": (_HALF,),
    "seperempat": (_Atom(_Kind.QUARTER),),
    "koma": (_Atom(_Kind.KOMA),),
    "and": (_Atom(_Kind.AND),),
}
# "a" (English) and "sak" (Javanese) mean one only right before a hundred or a scale word.
_ONE_BEFORE = frozenset(
    {"hundred", "thousand", "million", "billion", "trillion", "atus", "ewu", "yuta", "juta"}
)
_ENGLISH_UNITS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})


def _word_at(tokens: Sequence[Token], index: int) -> str | None:
    if 0 <= index < len(tokens) and tokens[index].kind == "word":
        return tokens[index].text
    return None


def _is_reduplication(tokens: Sequence[Token], index: int) -> bool:
    """Tell whether a "2" glued to a word marks a doubled word ("kira2" = kira-kira)."""
    token = tokens[index]
    if token.text != "2" or token.space_before or index == 0:
        return False
    previous = tokens[index - 1]
    if previous.kind != "word" or previous.text in ("rp", "idr"):
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is None or following.space_before or following.kind == "sym"


def _is_joiner(tokens: Sequence[Token], index: int) -> bool:
    """Tell whether a dash joins English number words ("twenty-five") rather than a range."""
    if tokens[index].text != "-" or tokens[index].space_before or index + 1 >= len(tokens):
        return False
    return (
        not tokens[index + 1].space_before
        and _word_at(tokens, index - 1) in _ENGLISH_TENS
        and _word_at(tokens, index + 1) in _ENGLISH_UNITS
    )


def _lex(tokens: Sequence[Token], skip: frozenset[int]) -> list[_Item]:
    """Turn tokens into number atoms; tokens that are not part of numbers become empty items."""
    items: list[_Item] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.text if token.kind == "word" else None
        following = _word_at(tokens, index + 1)
        if index in skip:
            items.append(_Item(index, index, None))
        elif token.kind == "num":
            atom = None if _is_reduplication(tokens, index) else _Atom(_Kind.NUMBER, raw=token.text)
            items.append(_Item(index, index, atom))
        elif token.kind == "sym":
            if not _is_joiner(tokens, index):
                items.append(_Item(index, index, None))
        elif word == "and" and following == "a" and _word_at(tokens, index + 2) == "half":
            items.append(_Item(index, index + 2, _HALF))
            index += 3
            continue
        elif (word, following) in (("a", "half"), ("half", "a")):
            items.append(_Item(index, index + 1, _HALF))
            index += 2
            continue
        elif word in ("a", "sak"):
            items.append(_Item(index, index, _ONE if following in _ONE_BEFORE else None))
        elif word is not None and word in _WORDS:
            items.extend(_Item(index, index, atom) for atom in _WORDS[word])
        else:
            items.append(_Item(index, index, None))
        index += 1
    return items


@dataclass(frozen=True, slots=True)
class NumberPhrase:
    """A number found in text.

    ``first`` and ``last`` are token indexes (inclusive). ``scale`` is the unit word that
    multiplies the first part (1_000 for "3rb", 1_000_000 for "1jt 500rb"), or 1 when there is
    none. ``elided`` is set when a bare number after a unit may have lost its own unit
    ("3 juta 500", "sejuta lima", "seribu lima"): it is the colloquial reading (3_500_000,
    1_500_000, 1_500), while ``value`` is the literal one (3_000_500, 1_000_005, 1_005).

    A bare "M" unit ("2M") counts as miliar in ``value``, ``scale`` and ``elided``.
    ``m_readings`` then holds the same phrase read with "M" as million: its literal value, then
    its elided value if it has one ("2M" -> (2_000_000,), "1m 500" -> (1_000_500, 1_500_000)).
    It is empty when the phrase has no bare "M", or when the million reading is not a
    well-formed number (units must fall: "1M 1jt" is 1_001_000_000 and nothing else).
    """

    value: Fraction
    first: int
    last: int
    scale: int
    elided: Fraction | None = None
    m_readings: tuple[Fraction, ...] = ()


def _elided_reading(total: Fraction, tail: Fraction, scale: int) -> Fraction | None:
    """Return the colloquial reading of a bare number after a unit, or None if there is none.

    Speakers drop the next unit down: "sejuta lima ratus" and "1jt500" usually mean 1_500_000,
    and a single digit is the next decimal place ("sejuta lima" 1_500_000, "seribu lima" 1_500).
    After "ribu" only a single digit is ambiguous; "seribu lima ratus" is 1_500 either way.
    """
    if tail < 10:
        return total + tail * scale / 10
    if scale > THOUSAND:
        return total + tail * scale / THOUSAND
    return None


class _Parser:
    """Recursive-descent reader of number phrases over lexed items."""

    def __init__(
        self, items: list[_Item], tokens: Sequence[Token], blockers: frozenset[str]
    ) -> None:
        self.items = items
        self.tokens = tokens
        self.blockers = blockers
        self.pos = 0
        # What a bare "M" multiplies by: miliar by default, million for the English reading.
        self.bare_m = BILLION

    def _scale_of(self, atom: _Atom) -> int:
        return self.bare_m if atom.raw == _BARE_M else atom.value

    def _kind_at(self, offset: int) -> _Kind | None:
        index = self.pos + offset
        if index < len(self.items):
            atom = self.items[index].atom
            return None if atom is None else atom.kind
        return None

    def _atom(self) -> _Atom | None:
        return self.items[self.pos].atom if self.pos < len(self.items) else None

    def _below_hundred(self) -> Fraction | None:
        atom = self._atom()
        if atom is None:
            return None
        if atom.kind is _Kind.VALUE:
            self.pos += 1
            return Fraction(atom.value)
        if atom.kind is _Kind.TENS:
            self.pos += 1
            unit = self._atom()
            if unit is not None and unit.kind is _Kind.DIGIT and unit.value > 0:
                self.pos += 1
                return Fraction(atom.value + unit.value)
            return Fraction(atom.value)
        if atom.kind is _Kind.DIGIT:
            digit: Fraction | None = Fraction(atom.value)
        elif atom.kind is _Kind.NUMBER:
            digit = parse_digits(atom.raw, comma_is_decimal=self._kind_at(1) is _Kind.SCALE)
        else:
            return None
        if digit is None:
            return None
        self.pos += 1
        if digit.denominator != 1 or not 1 <= digit <= 9:
            return digit
        kind = self._kind_at(0)
        if kind is _Kind.PULUH:
            self.pos += 1
            unit = self._atom()
            if unit is not None and unit.kind is _Kind.DIGIT and unit.value > 0:
                self.pos += 1
                return digit * 10 + unit.value
            return digit * 10
        if kind is _Kind.BELAS:
            self.pos += 1
            return digit + 10
        if kind is _Kind.LIKUR:
            self.pos += 1
            return digit + 20
        return digit

    def _group(self) -> Fraction | None:
        value = self._below_hundred()
        if value is None:
            return None
        if self._kind_at(0) is _Kind.HUNDRED and value.denominator == 1 and 1 <= value <= 99:
            self.pos += 1
            value *= 100
            mark = self.pos
            if self._kind_at(0) is _Kind.AND:
                self.pos += 1
            rest = self._below_hundred()
            if rest is not None and rest.denominator == 1 and 0 < rest < 100:
                value += rest
            else:
                self.pos = mark
        return value

    def _decimal_digits(self) -> str:
        atom = self._atom()
        if atom is not None and atom.kind is _Kind.NUMBER and atom.raw.isdigit():
            self.pos += 1
            return atom.raw
        digits = ""
        while (atom := self._atom()) is not None and atom.kind is _Kind.DIGIT:
            digits += str(atom.value)
            self.pos += 1
        return digits

    def _quantity(self) -> Fraction | None:
        kind = self._kind_at(0)
        if kind is _Kind.HALF:
            self.pos += 1
            return Fraction(1, 2)
        if kind is _Kind.QUARTER:
            self.pos += 1
            return Fraction(1, 4)
        value = self._group()
        if value is None:
            return None
        if value.denominator == 1 and self._kind_at(0) is _Kind.HALF:
            self.pos += 1
            return value + Fraction(1, 2)
        if value.denominator == 1 and self._kind_at(0) is _Kind.KOMA:
            mark = self.pos
            self.pos += 1
            digits = self._decimal_digits()
            if digits:
                return value + Fraction(int(digits), 10 ** len(digits))
            self.pos = mark
        return value

    def _tail_blocked(self) -> bool:
        """Tell whether the token after the current item is a unit that is not money ("2 orang")."""
        following = self.items[self.pos - 1].last + 1
        if following >= len(self.tokens):
            return False
        return self.tokens[following].text in self.blockers

    def phrase(self, start: int) -> NumberPhrase | None:
        """Read the longest number phrase starting at item ``start``, or None."""
        self.pos = start
        total = Fraction(0)
        lead_scale = 0
        last_scale = 0
        elided: Fraction | None = None
        while True:
            mark = self.pos
            quantity = self._quantity()
            if quantity is None:
                self.pos = mark
                break
            atom = self._atom()
            if atom is not None and atom.kind is _Kind.SCALE:
                scale = self._scale_of(atom)
                # Scales must fall ("1jt 500rb"); "2jt 3jt" is two phrases, not one.
                if last_scale == 0 or (scale < last_scale and quantity < 1000):
                    self.pos += 1
                    total += quantity * scale
                    lead_scale = lead_scale or scale
                    last_scale = scale
                    if self._kind_at(0) is _Kind.HALF:
                        self.pos += 1
                        total += Fraction(scale, 2)
                    continue
                self.pos = mark
                break
            if last_scale == 0:
                total = quantity
                break
            if quantity.denominator == 1 and 0 < quantity < 1000 and not self._tail_blocked():
                elided = _elided_reading(total, quantity, last_scale)
                total += quantity
                break
            self.pos = mark
            break
        if self.pos == start:
            return None
        return NumberPhrase(
            value=total,
            first=self.items[start].first,
            last=self.items[self.pos - 1].last,
            scale=lead_scale or 1,
            elided=elided,
        )


def find_number_phrases(
    tokens: Sequence[Token],
    *,
    skip: frozenset[int] = frozenset(),
    blockers: frozenset[str] = frozenset(),
) -> list[NumberPhrase]:
    """Find every number phrase in ``tokens``, left to right, each as long as possible.

    Tokens whose index is in ``skip`` are never part of a phrase. A bare number after a unit
    ("3 juta 500") is not joined to the phrase when the token after it is in ``blockers``
    ("3 juta, 2 orang" style units that are not money).
    """
    items = _lex(tokens, skip)
    parser = _Parser(items, tokens, blockers)
    phrases: list[NumberPhrase] = []
    index = 0
    while index < len(items):
        found = parser.phrase(index) if items[index].atom is not None else None
        if found is None:
            index += 1
            continue
        end = parser.pos
        if any(item.atom is _BARE_M_ATOM for item in items[index:end]):
            found = replace(found, m_readings=_million_readings(parser, index, end))
        phrases.append(found)
        index = end
    return phrases


def _million_readings(parser: _Parser, start: int, end: int) -> tuple[Fraction, ...]:
    """Read the phrase at items ``start``..``end`` again with a bare "M" meaning million.

    Each phrase is read at most twice, so finding phrases stays linear in the text.
    """
    parser.bare_m = MILLION
    try:
        again = parser.phrase(start)
        if again is None or parser.pos != end:
            return ()
        return (again.value,) if again.elided is None else (again.value, again.elided)
    finally:
        parser.bare_m = BILLION
        parser.pos = end


_NEGATIONS = frozenset(
    {
        "tidak", "tdk", "tak", "ga", "gak", "gk", "g", "gag", "nggak", "ngga", "nggk", "ngak",
        "enggak", "engga", "ndak", "nda", "kagak", "belum", "blm", "ora", "ra", "durung",
        "dereng", "mboten", "boten", "no", "not",
    }
)  # fmt: skip
_EXISTS = frozenset(
    {"ada", "ana", "ono", "onok", "enek", "wonten", "punya", "pny", "duwe", "gadah", "have", "any"}
)
_ZERO_WORDS = frozenset(
    {
        "kosong", "nihil", "nil", "none", "nothing", "nobody", "gada", "gaada", "gakada",
        "nggakada", "tidakada", "tdkada", "blmada", "ndakada",
    }
)  # fmt: skip
_NOT_YET = frozenset({"belum", "blm", "durung", "dereng"})
# After "belum", these still mean "not yet any": "belum dapat", "belum laku".
_EARNING_WORDS = frozenset(
    {
        "dapat", "dpt", "laku", "jualan", "penghasilan", "pendapatan", "untung", "hasil",
        "income", "gaji", "omzet", "omset", "karyawan", "pegawai", "pekerja",
    }
)  # fmt: skip
_NO_NOUNS = frozenset(
    {
        "one", "income", "money", "revenue", "earnings", "profit", "sales", "employees",
        "employee", "staff", "workers", "worker",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ZeroAnswer:
    """Words meaning "none" or "not yet any", at token indexes ``first``..``last`` (inclusive)."""

    first: int
    last: int


def find_zero_answers(tokens: Sequence[Token]) -> list[ZeroAnswer]:
    """Find answers that mean zero: "tidak ada", "belum", "kosong", "ora ana", "none", "no one".

    "belum" counts only when nothing follows it or an earning word does, so "belum tahu"
    ("don't know yet") is not zero. A message that is only a negation ("tidak", "no") is zero.
    """
    answers: list[ZeroAnswer] = []
    index = 0
    while index < len(tokens):
        word = _word_at(tokens, index)
        following = _word_at(tokens, index + 1)
        at_end = index + 1 >= len(tokens) or tokens[index + 1].kind == "sym"
        if word is None:
            pass
        elif word in _ZERO_WORDS:
            answers.append(ZeroAnswer(index, index))
        elif word in _NEGATIONS and following in _EXISTS:
            answers.append(ZeroAnswer(index, index + 1))
            index += 2
            continue
        elif word == "no" and following in _NO_NOUNS:
            answers.append(ZeroAnswer(index, index + (following == "one")))
        elif word in _NOT_YET and (at_end or following in _EARNING_WORDS):
            answers.append(ZeroAnswer(index, index))
        index += 1
    if not answers:
        meaningful = [i for i, token in enumerate(tokens) if token.kind != "sym"]
        if len(meaningful) == 1 and _word_at(tokens, meaningful[0]) in _NEGATIONS:
            answers.append(ZeroAnswer(meaningful[0], meaningful[0]))
    return answers


def covered_tokens(answers: Sequence[ZeroAnswer]) -> frozenset[int]:
    """Return the token indexes used by ``answers``, to keep them out of number phrases."""
    return frozenset(i for answer in answers for i in range(answer.first, answer.last + 1))
