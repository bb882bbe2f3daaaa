"""Number-to-words writers used to generate test inputs for the parsers."""

from __future__ import annotations

INDONESIAN_UNITS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)
ENGLISH_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ENGLISH_TEENS = (
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
ENGLISH_TENS = (
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)


def indonesian_below_thousand(n: int) -> str:
    """Write 1..999 in Indonesian words ("seratus lima puluh")."""
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds == 1:
        parts.append("seratus")
    elif hundreds:
        parts.append(f"{INDONESIAN_UNITS[hundreds]} ratus")
    if rest == 10:
        parts.append("sepuluh")
    elif rest == 11:
        parts.append("sebelas")
    elif 12 <= rest <= 19:
        parts.append(f"{INDONESIAN_UNITS[rest - 10]} belas")
    elif rest >= 20:
        tens, units = divmod(rest, 10)
        parts.append(f"{INDONESIAN_UNITS[tens]} puluh")
        if units:
            parts.append(INDONESIAN_UNITS[units])
    elif rest:
        parts.append(INDONESIAN_UNITS[rest])
    return " ".join(parts)


def indonesian_words(n: int) -> str:
    """Write 0..999_999_999_999 in Indonesian words ("tiga juta lima ratus ribu")."""
    if n == 0:
        return "nol"
    parts: list[str] = []
    for scale, name, single in (
        (1_000_000_000, "miliar", "semiliar"),
        (1_000_000, "juta", "sejuta"),
        (1_000, "ribu", "seribu"),
    ):
        count, n = divmod(n, scale)
        if count == 1:
            parts.append(single)
        elif count:
            parts.append(f"{indonesian_below_thousand(count)} {name}")
    if n:
        parts.append(indonesian_below_thousand(n))
    return " ".join(parts)


def english_words(n: int) -> str:
    """Write 0..999 in English words ("two hundred and forty-one")."""
    if n == 0:
        return "zero"
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds:
        parts.append(f"{ENGLISH_UNITS[hundreds]} hundred")
        if rest:
            parts.append("and")
    if 10 <= rest <= 19:
        parts.append(ENGLISH_TEENS[rest - 10])
    elif rest >= 20:
        tens, units = divmod(rest, 10)
        parts.append(ENGLISH_TENS[tens] + (f"-{ENGLISH_UNITS[units]}" if units else ""))
    elif rest:
        parts.append(ENGLISH_UNITS[rest])
    return " ".join(parts)
