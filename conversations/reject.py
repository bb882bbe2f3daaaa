"""Rejecting a self-registration: the caseworker types the reason, and the client is told it."""

from __future__ import annotations

from html import escape

from bot.i18n import translator
from bot.services import caseload, outbox
from bot.services.caseload import DecisionResult
from conversations.engine import END, REPEAT, Flow, Kind, Step, Turn, ask
from handlers.menu import global_keyboard
from handlers.staff_menu import back_to_menu

REASON = "reason"
MIN_REASON, MAX_REASON = 3, 300


async def start(turn: Turn, *, client_id: int, full_name: str) -> None:
    """Ask for the reason to reject this client (already checked to be hers and pending)."""
    turn.begin(FLOW.name, REASON, {"client_id": client_id, "name": full_name})
    await ask(turn, FLOW, REASON)


async def ask_reason(turn: Turn) -> None:
    """Why is the registration rejected? The client will read it."""
    _ = turn.gettext
    turn.say(
        _(
            "Tulis alasan penolakan pendaftaran <b>{name}</b> (3 sampai 300 huruf). "
            "Alasan ini akan dikirim kepada klien, jadi tulis dengan bahasa yang sopan dan jelas."
        ).format(name=escape(str(turn.data["name"]))),
        turn.keyboard([[(_("❌ Batal"), "cancel")]]),
    )


async def take_reason(turn: Turn) -> str:
    """Reject with the reason, tell the client in her language, or cancel."""
    _ = turn.gettext
    if turn.input.kind is Kind.BUTTON:
        if turn.input.value != "cancel":
            return REPEAT
        turn.say(
            _("Dibatalkan. Pendaftaran klien tidak jadi ditolak."),
            global_keyboard([back_to_menu(turn)]),
        )
        return END
    reason = " ".join(turn.input.text.split())
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        turn.say(_("Alasan harus 3 sampai 300 huruf."))
        return REPEAT
    if turn.staff is None:  # deactivated meanwhile
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    decision = await caseload.reject_client(
        turn.session,
        actor=turn.staff,
        client_id=int(turn.data["client_id"]),
        reason=reason,
        now=turn.now,
    )
    if decision.result is DecisionResult.NOT_FOUND:
        text = _("Klien itu tidak ditemukan di wilayah Anda.")
    elif decision.result is DecisionResult.NOT_PENDING:
        text = _("Pendaftaran ini sudah diputuskan sebelumnya.")
    else:
        await _tell_client(turn, decision, reason)
        text = _("Pendaftaran {name} ditolak. Alasannya sudah dikirim kepada klien.").format(
            name=escape(decision.full_name)
        )
    back = f"kl:c:{int(turn.data['client_id'])}"
    turn.say(text, global_keyboard([[(_("⬅️ Kembali"), back)], back_to_menu(turn)]))
    return END


async def _tell_client(turn: Turn, decision: caseload.Decision, reason: str) -> None:
    """The rejection and its reason, in the client's own language, through the outbox."""
    if decision.telegram_id is None:
        return
    t = translator(decision.language, turn.services.settings.timezone)
    text = t.gettext(
        "Maaf, pendaftaran Anda di Berdaya belum dapat diterima oleh Dinas Sosial.\n"
        "Alasan dari pendamping: {reason}\n"
        "Kalau ada pertanyaan, hubungi pendamping atau kantor Dinas Sosial terdekat."
    ).format(reason=escape(reason))
    await outbox.enqueue(
        turn.session,
        chat_id=decision.telegram_id,
        text=text,
        purpose="client_rejected",
        now=turn.now,
        dedupe_key=f"client:{int(turn.data['client_id'])}:rejected",
    )
    turn.queued_outbox = True


FLOW = Flow(
    name="rej",
    entry_command="klien",
    steps={REASON: Step(ask_reason, take_reason)},
)
