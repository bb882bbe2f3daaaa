"""Answers several flows ask for in the same way: a full name, a NIK."""

from __future__ import annotations

from bot.domain.names import clean_full_name
from bot.domain.nik import NikError, NikProblem
from conversations.engine import REPEAT, Turn


def take_full_name(turn: Turn, following: str) -> str:
    """Keep the typed full name in the draft and go on, or say what is wrong and ask again."""
    _ = turn.gettext
    name = clean_full_name(turn.input.text)
    if name is None:
        turn.say(_("Nama harus 3 sampai 100 huruf, tanpa angka."))
        return REPEAT
    turn.data["name"] = name
    return following


def explain_nik_error(turn: Turn, error: NikError) -> str:
    """What is wrong with a typed NIK, in words, and a request to try again."""
    _ = turn.gettext
    reasons = {
        NikProblem.NOT_16_DIGITS: _("NIK harus 16 angka."),
        NikProblem.NOT_JAWA_TIMUR: _("NIK ini bukan dari Jawa Timur (NIK Jawa Timur diawali 35)."),
        NikProblem.UNKNOWN_REGION: _(
            "Angka ke-3 dan ke-4 NIK tidak cocok dengan kabupaten/kota di Jawa Timur."
        ),
        NikProblem.BAD_DISTRICT: _("Kode kecamatan di NIK (angka ke-5 dan ke-6) tidak benar."),
        NikProblem.BAD_DATE: _("Tanggal lahir di NIK (angka ke-7 sampai ke-12) tidak benar."),
        NikProblem.FUTURE_BIRTH: _("Tanggal lahir di NIK lebih dari hari ini."),
        NikProblem.BAD_SERIAL: _("Empat angka terakhir NIK tidak boleh 0000."),
    }
    return reasons.get(error.problem, _("NIK tidak benar.")) + " " + _("Coba lagi.")
