"""Monthly income as people type it ("3jt", "Rp 3.000.000", "sejuta setengah"); rupiah display.

:func:`parse_income` never guesses: when the text could mean more than one amount, or an
amount that is not believable as a month's net income, it returns :class:`Unclear` with the
reason and the amounts it could mean (smallest first), so the bot can ask again.

When to ask (the rules, in the order they apply to one amount):

* Zero ("0", "nol", "belum ada", "Rp0") is always :class:`Amount` (0).
* An "M" suffix ("2M", "1,5 m", "Rp2M") is miliar to an Indonesian and million to an English
  reader: AMBIGUOUS_UNIT, offering both (2_000_000, 2_000_000_000). Words are not ambiguous:
  "miliar"/"milyar" is 10^9, "million"/"juta"/"jt" is 10^6. Only the same amount said once
  more with a clear unit settles it ("2M, 2 juta" is Rp2.000.000; "2M, ya 2" still asks).
* A bare number below 1000 with no unit ("3", "500", "1,5", "Rp 1,5") could be ribu or juta:
  NO_UNIT, offering both (3_000, 3_000_000).
* A bare number from 1000 to 9999 with no unit and no "Rp"/"rupiah"/"perak" ("1.500",
  "5000") is too small to be a month's income as written, and "1.500" is often 1,5 juta with
  the unit left out: NO_UNIT, offering the literal amount and a thousand times it
  (1_500, 1_500_000).
* Anything else below :data:`MIN_PLAUSIBLE_INCOME` (Rp10.000) that is written with a unit or
  as rupiah ("Rp1.500", "500 rupiah", "seribu", "5rb") is what the person meant to write, but
  still worth confirming: TOO_SMALL, with the literal amount as the only candidate.
* Rp1 miliar or more ("Rp1.000.000.000", "5 miliar", "1000 juta") is not a plausible monthly
  income: TOO_LARGE, with the amount as the candidate.
* An amount that can be read two ways (the colloquial "3 juta 500") is NO_UNIT with both
  readings; if every reading is below Rp10.000 it is TOO_SMALL and if every reading is
  Rp1 miliar or more it is TOO_LARGE, still with all of them. An "M" amount is TOO_LARGE
  rather than AMBIGUOUS_UNIT when even its million reading is Rp1 miliar or more ("5000M").

Only amounts between :data:`MIN_PLAUSIBLE_INCOME` and :data:`MAX_PLAUSIBLE_INCOME`, or zero,
come back as :class:`Amount`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum, auto
from fractions import Fraction
from itertools import pairwise
from typing import Literal

from babel.numbers import format_currency

from bot.domain.numberwords import (
    MILLION,
    THOUSAND,
    NumberPhrase,
    Token,
    covered_tokens,
    find_number_phrases,
    find_zero_answers,
    tokenize,
)

# The smallest non-zero and the largest monthly income taken without asking (inclusive).
MIN_PLAUSIBLE_INCOME = 10_000
MAX_PLAUSIBLE_INCOME = 1_000_000_000 - 1


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount in whole rupiah."""

    value: int


class UnclearReason(StrEnum):
    """Why an income answer could not be read as one amount."""

    RANGE = "range"
    SEVERAL = "several"
    TOO_LARGE = "too_large"
    NO_UNIT = "no_unit"
    NOT_FOUND = "not_found"
    # "2M": juta (English "million") or miliar (Indonesian)? Candidates hold both.
    AMBIGUOUS_UNIT = "ambiguous_unit"
    # Below Rp10.000 a month: confirm the (single) amount before storing it.
    TOO_SMALL = "too_small"


@dataclass(frozen=True, slots=True)
class Unclear:
    """An answer to ask about again; ``candidates`` are the amounts it could mean (may be empty)."""

    reason: UnclearReason
    candidates: tuple[int, ...] = ()


def income_change_percent(previous: int | None, current: int) -> int | None:
    """The change from ``previous`` to ``current`` monthly income, in whole percent.

    None when there is nothing to compare with (``previous`` unknown or 0). Otherwise the
    percentage rounded half away from zero, except that the rounding never tells a false story:
    a drop to a non-zero amount is never -100 (at most -99), and a rise or a drop is never 0
    (at least 1 or -1). Only a drop to exactly 0 is -100. Incomes must not be negative.
    """
    if (previous is not None and previous < 0) or current < 0:
        raise ValueError("incomes are never negative")
    if not previous:
        return None
    change = Fraction(100 * (current - previous), previous)
    rounded = int(abs(change) + Fraction(1, 2))
    percent = rounded if change >= 0 else -rounded
    if current > previous:
        return max(percent, 1)
    if current == previous:
        return 0
    if current > 0:
        return min(max(percent, -99), -1)
    return -100


def format_rupiah(value: int) -> str:
    """Format whole rupiah the Indonesian way: 3000000 -> "Rp3.000.000"."""
    text = format_currency(value, "IDR", format="¤#,##0", currency_digits=False, locale="id")
    # CLDR data may put a (narrow) no-break space after the symbol; the product shows none.
    return text.replace("\xa0", "").replace("\u202f", "").replace(" ", "")


_CURRENCY_BEFORE = frozenset({"rp", "idr"})
_CURRENCY_AFTER = frozenset({"rp", "idr", "rupiah", "perak"})
# A bare number followed by one of these counts something other than money ("2 orang").
_NOT_MONEY_UNITS = frozenset(
    {
        "orang", "org", "wong", "anak", "karyawan", "pegawai", "pekerja", "jam", "hari", "hr",
        "dina", "minggu", "mgg", "pekan", "bulan", "bln", "sasi", "tahun", "thn", "th", "taun",
        "kali", "x", "%", "persen", "pcs", "biji", "buah", "potong", "kg", "kilo", "gram", "gr",
        "ons", "liter", "lt", "meter", "mtr", "unit", "lembar", "lbr", "pasang", "kodi", "lusin",
        "porsi", "bungkus", "botol", "item", "produk", "pelanggan", "customer", "people",
        "person", "employees", "hours", "hour", "days", "day", "weeks", "week", "months",
        "month", "years", "year", "times",
    }
)  # fmt: skip
# A bare number right after one of these is a date, age, time or phone number, not money.
_NOT_MONEY_CONTEXT = frozenset(
    {
        "tahun", "thn", "th", "tgl", "tanggal", "jam", "pukul", "nomor", "no", "nomer", "ke",
        "umur", "usia", "rt", "rw", "hp", "wa", "telp", "telepon", "bulan", "bln", "nik",
        "kode", "age", "year",
    }
)  # fmt: skip
_RANGE_LINKS = frozenset(
    {
        ("-",), ("–",), ("—",), ("~",), ("sampai",), ("sampe",), ("smp",), ("sd",),
        ("hingga",), ("sampai", "dengan"), ("sampai", "dgn"), ("to",), ("until",),
        ("nganti",), ("tekan",),
    }
)  # fmt: skip
_AND_WORDS = frozenset({"dan", "and", "karo", "lan", "&"})
_BETWEEN_WORDS = frozenset({"antara", "between", "kisaran", "range", "rentang", "antarane"})
_OR_WORDS = frozenset({"atau", "ato", "atw", "or", "utawa", "opo", "apa", "ataupun", "/"})
# Words before an amount that make it an open range ("kurang dari 1jt"), matched as suffixes.
_BOUNDS = frozenset(
    {
        ("kurang", "dari"), ("kurang", "dr"), ("krg", "dari"), ("krg", "dr"), ("di", "bawah"),
        ("dibawah",), ("lebih", "dari"), ("lebih", "dr"), ("lbh", "dari"), ("lbh", "dr"),
        ("di", "atas"), ("diatas",), ("sampai",), ("sampe",), ("nyampe",), ("hingga",),
        ("max",), ("maks",), ("maksimal",), ("maximal",), ("minimal",), ("minimum",),
        ("maximum",), ("paling", "banyak"), ("paling", "sedikit"), ("kurang", "saka"),
        ("luwih", "saka"), ("less", "than"), ("more", "than"), ("under",), ("below",),
        ("over",), ("above",), ("at", "least"), ("at", "most"), ("up", "to"), ("<",), (">",),
        ("≤",), ("≥",),
    }
)  # fmt: skip
_NEGATIVE_WORDS = frozenset(
    {"minus", "rugi", "merugi", "tekor", "nombok", "defisit", "boncos", "loss", "deficit"}
)
_DASHES = frozenset({"-", "–", "—"})


class _Link(Enum):
    RANGE = auto()
    ALTERNATIVE = auto()
    SEQUENCE = auto()


@dataclass(slots=True)
class _Mention:
    phrase: NumberPhrase
    value: Fraction
    scale: int
    rp: bool


@dataclass(frozen=True, slots=True)
class _Item:
    position: int
    kind: Literal["value", "range", "bound"]
    readings: tuple[int, ...]
    # Written with a bare "M", so the readings include juta and miliar.
    bare_m: bool = False


def _words_before(tokens: Sequence[Token], index: int, limit: int = 3) -> tuple[str, ...]:
    """Return up to ``limit`` token texts before ``index``, nearest last, skipping "Rp" and "."."""
    found: list[str] = []
    position = index - 1
    while position >= 0 and len(found) < limit:
        text = tokens[position].text
        if text not in _CURRENCY_BEFORE and text not in (".", ":"):
            found.append(text)
        position -= 1
    return tuple(reversed(found))


def _has_rp(tokens: Sequence[Token], phrase: NumberPhrase) -> bool:
    """Tell whether the amount is marked as rupiah ("Rp500", "500 rupiah", "500 perak")."""
    position = phrase.first - 1
    while position >= 0 and tokens[position].text in (".", ":") and phrase.first - position <= 2:
        position -= 1
    if position >= 0 and tokens[position].text in _CURRENCY_BEFORE:
        return True
    after = phrase.last + 1
    return after < len(tokens) and tokens[after].text in _CURRENCY_AFTER


def _is_money(tokens: Sequence[Token], phrase: NumberPhrase) -> bool:
    """Tell a number that may be money from a count, date, age or phone number."""
    if phrase.scale > 1:
        return True
    first = tokens[phrase.first]
    if first.kind == "num" and first.text.isdigit() and first.text.startswith("0"):
        return len(first.text) == 1
    after = phrase.last + 1
    if after < len(tokens) and tokens[after].text in _NOT_MONEY_UNITS:
        return False
    before = phrase.first - 1
    return before < 0 or tokens[before].text not in _NOT_MONEY_CONTEXT


def _link(tokens: Sequence[Token], left: NumberPhrase, right: NumberPhrase) -> _Link:
    """Classify what joins two amounts: a range ("2-3jt"), a choice ("3 atau 4") or nothing."""
    between = tuple(
        token.text
        for token in tokens[left.last + 1 : right.first]
        if token.text not in _CURRENCY_AFTER and token.text not in (".", ":")
    )
    if between in _RANGE_LINKS:
        return _Link.RANGE
    if len(between) == 1 and between[0] in _AND_WORDS:
        before = _words_before(tokens, left.first, limit=1)
        if before and before[0] in _BETWEEN_WORDS:
            return _Link.RANGE
    if between and between[0] in _OR_WORDS and len(between) <= 2:
        return _Link.ALTERNATIVE
    return _Link.SEQUENCE


def _share_scale(left: _Mention, right: _Mention) -> None:
    """Let a bare end borrow the other end's unit: "2-3 juta" is 2 juta to 3 juta."""
    for bare, other in ((left, right), (right, left)):
        if bare.scale == 1 and other.scale > 1 and bare.value < THOUSAND:
            bare.value *= other.scale
            bare.scale = other.scale


def _is_negative(tokens: Sequence[Token], mention: _Mention) -> bool:
    """Tell whether the amount is a loss ("-2jt", "minus 2 juta", "rugi 2jt")."""
    before = _words_before(tokens, mention.phrase.first, limit=1)
    if before and before[0] in _NEGATIVE_WORDS:
        return True
    position = mention.phrase.first - 1
    while position >= 0 and tokens[position].text in _CURRENCY_BEFORE:
        position -= 1
    if position < 0 or tokens[position].text not in _DASHES:
        return False
    glued = not tokens[position + 1].space_before
    return glued and (position == 0 or tokens[position].space_before)


def _is_bound(tokens: Sequence[Token], mention: _Mention) -> bool:
    """Tell whether the amount is only a limit ("kurang dari 1jt", "di atas 2 juta")."""
    before = _words_before(tokens, mention.phrase.first)
    return any(before[-length:] in _BOUNDS for length in (1, 2, 3) if len(before) >= length)


def _readings(mention: _Mention) -> tuple[int, ...]:
    """Return the whole-rupiah amounts a mention can mean, smallest first."""
    value = mention.value
    if mention.scale > 1:
        phrase = mention.phrase
        readings = {int(value), *(int(r) for r in phrase.m_readings)}
        if phrase.elided is not None:
            readings.add(int(phrase.elided))
        return tuple(sorted(readings))
    if value == 0:
        return (0,)
    if mention.rp and (value.denominator == 1 or value >= THOUSAND):
        return (int(value),)
    if value >= MIN_PLAUSIBLE_INCOME:
        return (int(value),)
    if value >= THOUSAND:
        # "1.500" alone is Rp1.500 as written, but more likely 1,5 juta without its unit.
        return (int(value), int(value * THOUSAND))
    # A bare "3" or "1,5" may be ribu or juta; rupiah have no fractions, so "Rp1,5" is bare too.
    return (int(value * THOUSAND), int(value * MILLION))


def _ask_or_take(candidates: tuple[int, ...], *, bare_m: bool) -> Amount | Unclear:
    """Decide about the amounts one answer can mean (smallest first): take one, or ask."""
    if len(candidates) == 1:
        value = candidates[0]
        if value > MAX_PLAUSIBLE_INCOME:
            return Unclear(UnclearReason.TOO_LARGE, candidates)
        if 0 < value < MIN_PLAUSIBLE_INCOME:
            return Unclear(UnclearReason.TOO_SMALL, candidates)
        return Amount(value)
    if candidates[0] > MAX_PLAUSIBLE_INCOME:
        return Unclear(UnclearReason.TOO_LARGE, candidates)
    if bare_m:
        return Unclear(UnclearReason.AMBIGUOUS_UNIT, candidates)
    if candidates[-1] < MIN_PLAUSIBLE_INCOME:
        return Unclear(UnclearReason.TOO_SMALL, candidates)
    return Unclear(UnclearReason.NO_UNIT, candidates)


def _ordered_union(items: Iterable[_Item]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(value for item in items for value in item.readings))


def _decide(items: list[_Item]) -> Amount | Unclear:
    """Turn the amounts found into one Amount, or say why that is not possible."""
    if not items:
        return Unclear(UnclearReason.NOT_FOUND)
    values = [item for item in items if item.kind == "value"]
    others = list(dict.fromkeys((i.kind, i.readings) for i in items if i.kind != "value"))
    if not others:
        common = set(values[0].readings).intersection(*(item.readings for item in values[1:]))
        if common:
            # "2M" is settled only by the same amount said once more without doubt ("2 juta").
            with_m = [item.readings for item in values if item.bare_m]
            if with_m and not any(len(i.readings) == 1 for i in values if not i.bare_m):
                either = set(with_m[0]).intersection(*with_m)
                return _ask_or_take(tuple(sorted(either)), bare_m=True)
            return _ask_or_take(tuple(sorted(common)), bare_m=False)
    elif not values and len(others) == 1:
        return Unclear(UnclearReason.RANGE, others[0][1])
    return Unclear(UnclearReason.SEVERAL, _ordered_union(items))


def _group_item(tokens: Sequence[Token], group: list[_Mention]) -> _Item:
    """Make one item of an amount, or of amounts joined by range words ("2 sampai 3 juta").

    A range or limit whose amount has no known unit ("2-3", "di bawah 3") gets no candidates.
    """
    position = group[0].phrase.first
    if len(group) == 1:
        readings = _readings(group[0])
        if _is_bound(tokens, group[0]):
            return _Item(position, "bound", readings if len(readings) == 1 else ())
        return _Item(position, "value", readings, bare_m=bool(group[0].phrase.m_readings))
    low, high = _readings(group[0]), _readings(group[-1])
    if len(low) != 1 or len(high) != 1:
        return _Item(position, "range", ())
    ends = tuple(sorted((low[0], high[0])))
    if ends[0] == ends[1]:
        return _Item(position, "value", ends[:1])
    return _Item(position, "range", ends)


def parse_income(text: str) -> Amount | Unclear:
    """Read a monthly net income in whole rupiah from what a person typed.

    Understands digits ("3.000.000", "Rp3.000.000,-", "1,5 jt", "750k"), words in Indonesian,
    Javanese and English ("sejuta setengah", "limang atus ewu", "1.5 million"), amounts inside a
    sentence ("omzet 3jt sebulan") and "none" answers ("belum ada"). Returns :class:`Unclear`
    for ranges, several different amounts, amounts with an "M" suffix, implausibly large or
    small amounts, bare numbers below 1000 without a unit, losses, and text without an amount
    (the module docstring lists the rules).
    """
    tokens = tokenize(text)
    zeros = find_zero_answers(tokens)
    phrases = find_number_phrases(tokens, skip=covered_tokens(zeros), blockers=_NOT_MONEY_UNITS)
    mentions = [
        _Mention(phrase, phrase.value, phrase.scale, _has_rp(tokens, phrase))
        for phrase in phrases
        if _is_money(tokens, phrase)
    ]
    links = [_link(tokens, a.phrase, b.phrase) for a, b in pairwise(mentions)]
    for link, (left, right) in zip(links, pairwise(mentions), strict=True):
        if link is not _Link.SEQUENCE:
            _share_scale(left, right)

    groups: list[list[_Mention]] = []
    for index, mention in enumerate(mentions):
        if index > 0 and links[index - 1] is _Link.RANGE:
            groups[-1].append(mention)
        elif _is_negative(tokens, mention):
            # A loss is not an income amount; the caller asks again rather than storing it.
            return Unclear(UnclearReason.NOT_FOUND)
        else:
            groups.append([mention])
    items = [_Item(zero.first, "value", (0,)) for zero in zeros]
    items.extend(_group_item(tokens, group) for group in groups)
    items.sort(key=lambda item: item.position)
    return _decide(items)
