"""✅ Verifikasi of a self-registration: the caseworker sets the client's PPKS category, then the
client is verified and told.

Clients never label themselves with a PPKS category (many official names hurt), so the
caseworker chooses it here, from paged and translated buttons or by typing part of a name.
Opened from the client card (`handlers/caseload.py`) once the client is known to be hers and
still pending; everything is checked again when the category is chosen.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.actions import ShowMenu
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.services import caseload
from bot.services.caseload import ClientCard, ClientFilter, DecisionResult
from conversations import fields
from conversations.engine import END, Draft, Flow, Next


class S(StrEnum):
    """The one question: which category."""

    CATEGORY = "category"


class DecisionDraft(Draft):
    """Whom a caseworker decides about (verify or reject), and the list her card came from."""

    client_id: int
    name: str
    filter: ClientFilter = ClientFilter.ALL
    page: int = 0


async def start(turn: Turn, draft: DecisionDraft) -> None:
    """Ask the category of a client already checked to be the caseworker's and pending."""
    await FLOW.start(turn, draft)


def _prompt(turn: Turn, draft: DecisionDraft) -> str:
    _ = turn.gettext
    return _(
        "Sebelum memverifikasi <b>{name}</b>, pilih kategori PPKS-nya. Pilih dari tombol, "
        "atau ketik sebagian namanya (misalnya: disabilitas). Ketik /batal untuk membatalkan."
    ).format(name=escape(draft.name))


def back_to_card(turn: Turn, client_id: int, which: ClientFilter, page: int) -> Buttons:
    """⬅️ Kembali to the client's card (whose own Kembali returns to the list it came from),
    and ⬅️ Menu staf."""
    _ = turn.gettext
    return rows_of(
        [
            [(_("⬅️ Kembali"), ClientCard(client_id, which, page))],
            [(_("⬅️ Menu staf"), ShowMenu())],
        ]
    )


async def _verify(turn: Turn, draft: DecisionDraft, category: int) -> Next:
    """Verify with the chosen category; the client is told in her language."""
    _ = turn.gettext
    if not caseload.may_manage_clients(turn.staff) or turn.staff is None:  # deactivated meanwhile
        turn.say(_("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."))
        return END
    decision = await caseload.verify_client(
        turn.session,
        actor=turn.staff,
        client_id=draft.client_id,
        ppks_category=category,
        now=turn.now,
    )
    told = _("✅ {name} sudah diverifikasi. Klien sudah diberi tahu.")
    return say_decision(turn, draft, decision, told, _("✅ {name} sudah diverifikasi."))


def say_decision(
    turn: Turn, draft: DecisionDraft, decision: caseload.Decision, told: str, untold: str
) -> Next:
    """How a verification or rejection went (`told`/`untold`: done, and the client was or
    could not be told), with the way back to her card; the flow ends."""
    _ = turn.gettext
    if decision.result is DecisionResult.NOT_FOUND:
        text = _("Klien itu tidak ditemukan di wilayah Anda.")
    elif decision.result is DecisionResult.NOT_PENDING:
        text = _("Pendaftaran ini sudah diputuskan sebelumnya.")
    elif decision.notified:
        turn.queued_outbox = True  # her notice goes out right after the commit
        text = told.format(name=escape(decision.full_name))
    else:  # her Telegram account is gone: nobody to tell
        text = untold.format(name=escape(decision.full_name))
    turn.say(text, back_to_card(turn, draft.client_id, draft.filter, draft.page))
    return END


FLOW = Flow(
    name="ver",
    states=S,
    draft_model=DecisionDraft,
    steps={S.CATEGORY: fields.ppks_category(_prompt, _verify)},
    entry_command="klien",
)
