"""Kinds of step no flow uses yet (a document; photos one by one), as a person meets them.

The flows that will use them (marketing help, program applications) come with the next issues;
until then these steps are walked here through the engine itself, without a database.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from bot.chat.turn import Input, Kind, Turn
from bot.clock import FakeClock
from bot.config import Settings
from bot.services_container import AppServices
from conversations.engine import END, Draft, Flow, Next, feed
from conversations.steps import DONE, SKIP, Document, Photos


class S(StrEnum):
    PHOTOS = "photos"
    PAPER = "paper"


class Application(Draft):
    photos: list[str] = Field(default_factory=list)
    paper: str | None = None


async def _photos(_turn: Turn, draft: Application, photos: list[str]) -> Next:
    draft.photos = photos
    return S.PAPER


async def _paper(_turn: Turn, draft: Application, file_id: str, _name: str | None) -> Next:
    draft.paper = file_id
    return END


async def _no_paper(_turn: Turn, _draft: Application) -> Next:
    return END


FLOW = Flow(
    name="tst",
    states=S,
    draft_model=Application,
    steps={
        S.PHOTOS: Photos[Application](
            prompt="Kirim 1 sampai 5 foto.",
            store=_photos,
            at_most=5,
            collect=lambda draft: draft.photos,
        ),
        S.PAPER: Document[Application](
            prompt="Kirim surat keterangan (PDF).", store=_paper, skip=_no_paper
        ),
    },
)


def _turn(given: Input, state: Any = None) -> Turn:
    services = AppServices(settings=Settings(), db=None, clock=FakeClock())  # type: ignore[arg-type]
    turn = Turn(
        session=None,  # type: ignore[arg-type]
        services=services,
        telegram_id=1,
        first_name="Sari",
        language_code="id",
        profile=None,
        staff=None,
        flow_state=state,
        paused=None,
        input=given,
        now=services.clock.now(),
    )
    return turn


async def _send(state: Any, given: Input) -> Turn:
    turn = _turn(given, state)
    await feed(turn, FLOW)
    return turn


async def test_photos_one_by_one_then_lanjut_then_a_pdf() -> None:
    opening = _turn(Input(Kind.TEXT, text="/x"))
    await FLOW.start(opening, Application())
    assert [m.text for m in opening.replies] == ["Kirim 1 sampai 5 foto."]
    state = opening.flow_state

    turn = await _send(state, Input(Kind.PHOTO, file_ids=("a",)))
    assert turn.replies[0].text == "1 foto diterima. Kirim foto lain, atau tekan Lanjut."
    assert [[b.label for b in row] for row in turn.replies[0].buttons] == [["➡️ Lanjut"]]
    turn = await _send(state, Input(Kind.PHOTO, file_ids=("b", "c")))  # an album of two
    assert turn.replies[0].text == "3 foto diterima. Kirim foto lain, atau tekan Lanjut."
    turn = await _send(state, Input(Kind.BUTTON, value=DONE))
    assert turn.replies[-1].text == "Kirim surat keterangan (PDF)."
    assert FLOW.draft(turn).photos == ["a", "b", "c"]

    turn = await _send(state, Input(Kind.DOCUMENT, file_ids=("d",), mime_type="image/jpeg"))
    assert [m.text for m in turn.replies] == [
        "Kirim berkas PDF, ya.",
        "Kirim surat keterangan (PDF).",
    ]
    turn = await _send(
        state,
        Input(Kind.DOCUMENT, file_ids=("e",), file_name="sk.pdf", mime_type="application/pdf"),
    )
    assert turn.flow_ended and turn.flow_state is None


async def test_the_sixth_photo_is_not_kept_and_the_step_moves_on_by_itself() -> None:
    opening = _turn(Input(Kind.TEXT, text="/x"))
    await FLOW.start(opening, Application(photos=["a", "b", "c", "d"]))
    turn = await _send(opening.flow_state, Input(Kind.PHOTO, file_ids=("e", "f")))
    assert [m.text for m in turn.replies] == [
        "Saya simpan 5 foto pertama saja.",
        "5 foto diterima.",
        "Kirim surat keterangan (PDF).",
    ]
    turn = await _send(turn.flow_state, Input(Kind.BUTTON, value=SKIP))
    assert turn.flow_ended
