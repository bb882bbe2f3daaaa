"""The flow engine: multi-step conversations whose state lives in the database.

Each update is one *turn*: the router loads the chat's flow state, the current step takes the
input and names the next step, the state is written in the same transaction as any domain
change, and only after the commit are the replies sent. A restart (even kill -9) resumes at the
step the person last saw.

A flow declares its states as a `StrEnum`, its draft as a typed model (validated whenever it
is loaded from the database) and one step per state, built from the kinds in
`conversations/steps.py`. The engine adds what every flow needs: typed answers to button
questions, a word on unexpected input, recognising an answer sent twice, returning to the
summary after a correction, and stale-button detection (buttons carry their flow and step).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.chat.turn import UNCHANGED, FlowMeta, FlowState, Input, Kind, LastAnswer, Turn
from bot.domain.typed_choice import Ambiguous, Chosen, match_typed, normalize_words
from bot.i18n import N_


class Control(StrEnum):
    """What a step may return instead of the next state."""

    END = "__end__"  # the flow is over; its state is deleted
    REPEAT = "__repeat__"  # ask the current step again
    STAY = "__stay__"  # stay on the step without a new question (e.g. a toggled checkbox)


END, REPEAT, STAY = Control.END, Control.REPEAT, Control.STAY
Next = StrEnum  # a state of the flow, or a Control
RESENT_WINDOW = timedelta(minutes=10)
TEXT_AND_BUTTONS = frozenset({Kind.TEXT, Kind.BUTTON})
BUTTONS_ONLY = frozenset({Kind.BUTTON})
TEXT_ONLY = frozenset({Kind.TEXT})
_NAME = re.compile(r"[a-z][a-z0-9]{0,3}")
_STATE = re.compile(r"[a-z][a-z0-9_]{0,15}")


class Draft(BaseModel):
    """Base of every flow's draft: typed, strict, checked on every assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


D = TypeVar("D", bound=Draft)
S = TypeVar("S", bound=StrEnum)


class Step(Generic[D]):
    """One question of a flow: how to ask it and how to take the answer (see steps.py)."""

    accepts: frozenset[Kind] = TEXT_AND_BUTTONS

    async def ask(self, turn: Turn, draft: D) -> None:
        """Put the question on screen."""
        raise NotImplementedError

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Take the turn's input; return the next state or a Control."""
        raise NotImplementedError

    def takes_typed_words(self) -> bool:
        """True when typing a word of a button's label counts as pressing it."""
        return Kind.BUTTON in self.accepts and Kind.TEXT not in self.accepts


class DraftLost(Exception):
    """A stored draft no longer fits its flow (e.g. written by an older version)."""


@dataclass(frozen=True, eq=False)
class Flow(Generic[S, D]):
    """A named set of steps over one typed draft."""

    name: str  # short: it is part of every button's callback data
    states: type[S]
    draft_model: type[D]
    steps: Mapping[S, Step[D]]
    entry_command: str = ""  # the command that starts or resumes it, e.g. "lapor"
    # How "start again from the beginning" opens it; by default its entry command does.
    restart: Callable[[Turn], Awaitable[None]] | None = None
    order: tuple[S, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"flow name {self.name!r}: 1-4 lower-case letters or digits")
        missing = [s for s in self.states if s not in self.steps]
        if missing:
            raise ValueError(f"flow {self.name}: no step for {missing}")
        for state in self.states:
            if not _STATE.fullmatch(state.value):
                raise ValueError(f"flow {self.name}: bad state name {state.value!r}")
        object.__setattr__(self, "order", tuple(self.states))

    def draft(self, turn: Turn) -> D:
        """The open flow's draft, typed (the flow must be this one)."""
        state = turn.flow_state
        if (
            state is None
            or state.flow != self.name
            or not isinstance(state.draft, self.draft_model)
        ):
            raise RuntimeError(f"flow {self.name} is not open")
        return state.draft

    async def start(self, turn: Turn, draft: D, at: S | None = None) -> None:
        """Open this flow with `draft` and ask its first (or the given) step."""
        first = at if at is not None else self.order[0]
        turn.begin(self.name, first.value, draft)
        await ask(turn, self, first)

    def restore(self, state: str, data: Mapping[str, Any], *, paused: bool) -> FlowState:
        """A stored state, validated; raises DraftLost when it no longer fits the flow."""
        try:
            self.states(state)
            draft = self.draft_model.model_validate(data.get("draft", {}))
            meta = FlowMeta.model_validate(data.get("meta", {}))
        except (ValueError, ValidationError) as error:
            raise DraftLost(f"{self.name}:{state}: {type(error).__name__}") from None
        return FlowState(flow=self.name, state=state, draft=draft, meta=meta, paused=paused)


AnyFlow = Flow[Any, Any]


def dump(state: FlowState) -> dict[str, Any]:
    """A flow state as the JSON stored in the conversations table."""
    return {
        "draft": state.draft.model_dump(mode="json"),
        "meta": state.meta.model_dump(mode="json", exclude_defaults=True),
    }


def _step(flow: AnyFlow, turn: Turn) -> tuple[Step[Any], Any]:
    assert turn.flow_state is not None
    return flow.steps[flow.states(turn.flow_state.state)], turn.flow_state.draft


async def ask(turn: Turn, flow: AnyFlow, state: StrEnum) -> None:
    """Move the flow to `state` and ask its question."""
    assert turn.flow_state is not None
    if turn.flow_state.state != state.value:
        turn.flow_state.meta.clarify = None
        turn.flow_state.meta.choosing_field = False
    turn.flow_state.state = state.value
    step, draft = _step(flow, turn)
    await step.ask(turn, draft)


async def may_open(turn: Turn, flow_name: str) -> bool:
    """The opening of a client's flow command (/lapor, /pemasaran, /program): False when she is
    not registered (she is told) or a flow is open (its question is asked again, with a word
    when it is another flow); True when the caller may start its flow."""
    _ = turn.gettext
    active = turn.flow_state
    if turn.profile is None or not turn.profile.registered:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return False
    if active is not None:
        if active.flow != flow_name:
            turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        await repeat(turn, turn.conductor.flow(active.flow))
        return False
    return True


async def repeat(turn: Turn, flow: AnyFlow) -> None:
    """Ask the current step's question again."""
    assert turn.flow_state is not None
    await ask(turn, flow, flow.states(turn.flow_state.state))


async def feed(turn: Turn, flow: AnyFlow) -> None:
    """Give the turn's input to the current step and move on to the step it names."""
    assert turn.flow_state is not None
    step, draft = _step(flow, turn)
    pressed = turn.input.kind is Kind.BUTTON
    if turn.input.kind is Kind.TEXT and _sent_again(turn):
        await repeat(turn, flow)
        return
    typed_press = False
    if turn.input.kind is Kind.TEXT and Kind.BUTTON in step.accepts:
        typed = _typed_button(turn, words=step.takes_typed_words())
        if typed is None:  # several buttons fit what was typed: ask to press one
            await repeat(turn, flow)
            return
        typed_press = typed.kind is Kind.BUTTON
        turn.input = typed
    if turn.input.kind not in step.accepts:
        say_unexpected(turn)
        result: Next = REPEAT
    else:
        result = await step.handle(turn, draft)
    if turn.flow_state is not None and turn.input.kind is Kind.TEXT:
        _remember_answer(turn, result)
    if pressed and result is not STAY and turn.pressed_buttons is UNCHANGED:
        turn.pressed_buttons = ()  # the answered question's buttons have done their job
    if typed_press and result is STAY:
        # A typed label that ticks a box or turns a page has no pressed message to edit in
        # place, and a toast has no button to appear on: a typed message gets a message.
        if turn.toast:
            turn.say(turn.toast)
            turn.toast = None
        turn.pressed_buttons = UNCHANGED
        result = REPEAT
    await advance(turn, flow, result)


async def advance(turn: Turn, flow: AnyFlow, result: Next) -> None:
    """Act on what a step returned: end, repeat, stay, or ask the named step."""
    if result is END:
        turn.end()
        return
    if result is STAY or turn.flow_state is None or turn.flow_state.flow != flow.name:
        return  # (a step may have ended the flow or opened another one itself)
    if result is REPEAT:
        await repeat(turn, flow)
        return
    meta = turn.flow_state.meta
    target = flow.states(result)
    current = flow.states(turn.flow_state.state)
    if meta.return_to is not None and target != current and current.value != meta.return_to:
        back = flow.states(meta.return_to)
        # A corrected field goes straight back to the summary; a step that sends the person
        # back to an earlier question (e.g. a NIK that is taken) is followed as it is.
        if flow.order.index(target) > flow.order.index(current):
            target = back
        meta.return_to = None
    await ask(turn, flow, target)


def _typed_button(turn: Turn, *, words: bool) -> Input | None:
    """Someone who types a button's label (or, for button questions, a word of it) meant to
    press it; None when several buttons fit (she is told so)."""
    assert turn.flow_state is not None
    options = turn.flow_state.meta.options
    if not options:
        return turn.input
    text = turn.input.text[:200]
    if not words:  # the step reads text itself: only a button's whole label is the button
        typed = normalize_words(text)
        exact = [value for label, value in options if normalize_words(label) == typed]
        return Input(Kind.BUTTON, value=exact[0]) if typed and exact else turn.input
    match = match_typed(text, options)
    if isinstance(match, Chosen):
        return Input(Kind.BUTTON, value=match.value)
    if isinstance(match, Ambiguous):
        _ = turn.gettext
        turn.say(_("Ada beberapa tombol yang cocok. Tekan salah satu tombol di bawah."))
        return None
    return turn.input


def _sent_again(turn: Turn) -> bool:
    """The text the previous step just took, sent again (often after a slow or failed reply):
    say it is already saved rather than read it as the answer to the next question. If she
    sends it once more, it is her answer after all."""
    assert turn.flow_state is not None
    meta = turn.flow_state.meta
    last = meta.last_answer
    if last is None or last.step == turn.flow_state.state:
        return False
    if normalize_label(turn.input.text) != last.text or turn.now - last.at > RESENT_WINDOW:
        return False
    if last.warned:
        meta.last_answer = None
        return False
    last.warned = True
    _ = turn.gettext
    turn.say(
        _(
            "Jawaban itu sudah saya simpan untuk pertanyaan sebelumnya. "
            "Kalau itu juga jawaban untuk pertanyaan di bawah, kirim sekali lagi."
        )
    )
    return True


def _remember_answer(turn: Turn, result: Next) -> None:
    assert turn.flow_state is not None
    meta = turn.flow_state.meta
    if result in (REPEAT, STAY) or turn.input.kind is not Kind.TEXT:
        return
    meta.last_answer = LastAnswer(
        step=turn.flow_state.state, text=normalize_label(turn.input.text), at=turn.now
    )


def normalize_label(label: str) -> str:
    """Text compared as typed: letters and digits only, lower case."""
    return re.sub(r"[\W_]+", "", label.lower())


UNEXPECTED: dict[Kind, str] = {
    Kind.TEXT: N_("Silakan pilih salah satu tombol di bawah."),
    Kind.STICKER: N_("Stiker belum bisa saya baca."),
    Kind.VOICE: N_("Maaf, pesan suara belum bisa saya dengarkan. Mohon ketik atau pakai tombol."),
    Kind.PHOTO: N_("Foto belum diperlukan di langkah ini."),
    Kind.DOCUMENT: N_("Berkas belum bisa saya baca di langkah ini."),
    Kind.LOCATION: N_("Lokasi tidak diperlukan di langkah ini."),
    Kind.CONTACT: N_("Nomor kontak tidak diperlukan di langkah ini."),
    Kind.EDITED: N_("Pesan yang diubah tidak saya baca ulang. Kirim saja jawaban yang baru."),
    Kind.OTHER: N_("Maaf, pesan ini belum bisa saya baca."),
}


def say_unexpected(turn: Turn) -> None:
    """A short word on why the input was not taken; the step's question follows."""
    turn.say(turn.gettext(UNEXPECTED.get(turn.input.kind, UNEXPECTED[Kind.OTHER])))


Prompt = str | Callable[[Turn, Any], str]  # a msgid, or a function of the turn and the draft


def prompt_text(prompt: Prompt, turn: Turn, draft: Any) -> str:
    """The prompt in the turn's language."""
    return turn.gettext(prompt) if isinstance(prompt, str) else prompt(turn, draft)


def chunked(items: Sequence[tuple[str, str]], columns: int) -> list[list[tuple[str, str]]]:
    """Options laid out `columns` to a row."""
    return [list(items[i : i + columns]) for i in range(0, len(items), columns)]
