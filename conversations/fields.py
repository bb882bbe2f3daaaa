"""Fields several flows ask in the same way: a full name, a NIK, a kabupaten/kota, a PPKS
category. Each is a step factory: the flow says what to ask and what to do with the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.chat.turn import Turn
from bot.domain.names import NameProblem, check_full_name
from bot.domain.nik import NikError, NikInfo, NikProblem, validate_nik
from bot.domain.reference import PPKS_CATEGORIES, REGIONS, region_by_code
from bot.domain.vocabulary import ppks_label
from bot.i18n import N_
from conversations.engine import TEXT_ONLY, Draft, Next, Prompt
from conversations.steps import FreeText, PagedChoice, Parsed, Rejected

D = TypeVar("D", bound=Draft)

NAME_PROBLEMS = {
    NameProblem.TOO_SHORT: N_("Nama terlalu pendek: tulis paling sedikit 3 huruf."),
    NameProblem.TOO_LONG: N_("Nama terlalu panjang: paling banyak 100 huruf."),
    NameProblem.DIGITS: N_("Nama tidak boleh berisi angka."),
    NameProblem.SYMBOLS: N_(
        "Nama hanya boleh berisi huruf, spasi, titik, tanda petik (') dan tanda hubung (-)."
    ),
    NameProblem.INVISIBLE: N_("Nama berisi huruf tersembunyi. Ketik ulang namanya, ya."),
    NameProblem.NO_LETTERS: N_("Nama harus berisi huruf."),
}
NIK_PROBLEMS = {
    NikProblem.NOT_16_DIGITS: N_("NIK harus 16 angka."),
    NikProblem.NOT_JAWA_TIMUR: N_("NIK ini bukan dari Jawa Timur (NIK Jawa Timur diawali 35)."),
    NikProblem.UNKNOWN_REGION: N_(
        "Angka ke-3 dan ke-4 NIK tidak cocok dengan kabupaten/kota di Jawa Timur."
    ),
    NikProblem.BAD_DISTRICT: N_("Kode kecamatan di NIK (angka ke-5 dan ke-6) tidak benar."),
    NikProblem.BAD_DATE: N_("Tanggal lahir di NIK (angka ke-7 sampai ke-12) tidak benar."),
    NikProblem.FUTURE_BIRTH: N_("Tanggal lahir di NIK lebih dari hari ini."),
    NikProblem.BAD_SERIAL: N_("Empat angka terakhir NIK tidak boleh 0000."),
}


def full_name(prompt: Prompt, store: Callable[[Turn, D, str], Awaitable[Next]]) -> FreeText[D]:
    """A full name as on the KTP: letters (any script), spaces, ' . -; 3 to 100 of them."""

    async def take(turn: Turn, draft: D, text: str) -> Parsed:
        checked = check_full_name(text)
        if isinstance(checked, NameProblem):
            return Rejected(turn.gettext(NAME_PROBLEMS[checked]))
        return await store(turn, draft, checked)

    return FreeText(
        prompt=prompt,
        take=take,
        max_length=300,
        too_long=NAME_PROBLEMS[NameProblem.TOO_LONG],
        accepts=TEXT_ONLY,
    )


def explain_nik_error(turn: Turn, error: NikError) -> str:
    """What is wrong with a typed NIK, in words, and a request to try again."""
    _ = turn.gettext
    reason = (
        _(NIK_PROBLEMS[error.problem]) if error.problem in NIK_PROBLEMS else _("NIK tidak benar.")
    )
    return reason + " " + _("Coba lagi.")


def nik(prompt: Prompt, store: Callable[[Turn, D, NikInfo], Awaitable[Parsed]]) -> FreeText[D]:
    """A Jawa Timur NIK, checked digit by digit; `store` may still refuse it (e.g. taken)."""

    async def take(turn: Turn, draft: D, text: str) -> Parsed:
        try:
            info = validate_nik(text[:100], today=turn.services.today())
        except NikError as error:
            return Rejected(explain_nik_error(turn, error))
        return await store(turn, draft, info)

    return FreeText(prompt=prompt, take=take, max_length=100, accepts=TEXT_ONLY)


def region(
    prompt: Prompt,
    store: Callable[[Turn, D, str], Awaitable[Next]],
    *,
    codes: Callable[[Turn, D], Sequence[str]] | None = None,
    typed: bool = True,
) -> PagedChoice[D]:
    """A kabupaten/kota of Jawa Timur: paged buttons, or its name typed (limited to `codes`)."""

    def items(turn: Turn, draft: D) -> list[tuple[str, str]]:
        allowed = set(codes(turn, draft)) if codes is not None else None
        return [(r.label, r.code) for r in REGIONS if allowed is None or r.code in allowed]

    async def choose(turn: Turn, draft: D, code: str) -> Next:
        assert region_by_code(code) is not None
        return await store(turn, draft, code)

    return PagedChoice(
        prompt=prompt,
        items=items,
        choose=choose,
        per_page=10,
        columns=2,
        typed=typed,
        not_found=N_(
            "Kabupaten/kota itu tidak saya temukan di Jawa Timur. Pilih, atau ketik lagi."
        ),
    )


def ppks_category(
    prompt: Prompt,
    store: Callable[[Turn, D, int], Awaitable[Next]],
    *,
    cancel: Callable[[Turn, D], Awaitable[Next]] | None = None,
) -> PagedChoice[D]:
    """A PPKS category, translated, on paged buttons (staff set it; clients never label
    themselves)."""

    def items(turn: Turn, _draft: D) -> list[tuple[str, str]]:
        return [(turn.gettext(ppks_label(c)), str(c.no)) for c in PPKS_CATEGORIES]

    async def choose(turn: Turn, draft: D, value: str) -> Next:
        return await store(turn, draft, int(value))

    return PagedChoice(
        prompt=prompt, items=items, choose=choose, per_page=7, columns=1, cancel=cancel
    )
