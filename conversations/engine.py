"""The flow engine: multi-step conversations whose state lives in the database.

Each update is one *turn*: the router loads the chat's flow state, the current step handles the
input and names the next step, the state is written in the same transaction as any domain
change, and only after the commit are the replies sent. So a reply never claims what the database
does not hold, and a restart (even kill -9) resumes at the step the user last saw.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.i18n import Translator, translator
from bot.services.accounts import Profile
from bot.services.flows import FlowState
from bot.services.staff import StaffProfile
from bot.services_container import AppServices

END = "__end__"  # the flow is over; its state is deleted
REPEAT = "__repeat__"  # ask the current step again
STAY = "__stay__"  # stay on the step without a new message (e.g. a toggled checkbox)

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class Kind(StrEnum):
    """What sort of thing the user sent."""

    TEXT = "text"
    BUTTON = "button"
    CONTACT = "contact"
    PHOTO = "photo"
    STICKER = "sticker"
    VOICE = "voice"
    LOCATION = "location"
    DOCUMENT = "document"
    EDITED = "edited"
    OTHER = "other"


@dataclass(frozen=True)
class Input:
    """One user action, stripped of Telegram types."""

    kind: Kind
    text: str = ""
    value: str = ""  # a button's value, without its flow/step prefix
    phone: str | None = None
    own_contact: bool = False
    file_id: str | None = None


@dataclass
class Outgoing:
    """A message to send once the turn's transaction has committed."""

    text: str
    markup: ReplyMarkup | None = None


UNCHANGED: Any = object()


@dataclass
class Turn:
    """Everything one update's handling needs, and what it wants to send back."""

    session: AsyncSession
    services: AppServices
    telegram_id: int
    first_name: str
    language_code: str | None
    profile: Profile | None
    staff: StaffProfile | None  # set when the person is an active staff member
    flow_state: FlowState | None  # the active flow, if any
    paused: FlowState | None  # a flow closed for idleness, whose draft is kept
    input: Input
    now: datetime
    t: Translator = field(init=False)
    replies: list[Outgoing] = field(default_factory=list)
    toast: str | None = None  # the answer shown on a pressed button
    pressed_keyboard: Any = UNCHANGED  # new markup for the message whose button was pressed
    flow_ended: bool = False
    queued_outbox: bool = False  # something was queued for others: deliver right after commit
    bot_username: str = ""  # for deep links such as https://t.me/<bot>?start=<code>

    def __post_init__(self) -> None:
        self.t = translator(self.language, self.services.settings.timezone)

    @property
    def language(self) -> str:
        """The user's language: chosen, remembered, or guessed from Telegram."""
        from bot.i18n import guess_language

        if self.flow_state is not None and "lang" in self.flow_state.data:
            return str(self.flow_state.data["lang"])
        if self.profile is not None:
            return self.profile.language
        if self.staff is not None:
            return self.staff.language
        return guess_language(self.language_code)

    def set_language(self, language: str) -> None:
        """Switch the turn (and any open flow) to `language`."""
        if self.flow_state is not None:
            self.flow_state.data["lang"] = language
        if self.profile is not None:
            self.profile = replace(self.profile, language=language)
        if self.staff is not None:
            self.staff = replace(self.staff, language=language)
        self.t = translator(language, self.services.settings.timezone)

    @property
    def gettext(self) -> Callable[[str], str]:
        """The translation function for this turn's language."""
        return self.t.gettext

    @property
    def data(self) -> dict[str, Any]:
        """The open flow's draft."""
        if self.flow_state is None:
            raise RuntimeError("no flow is open")
        return self.flow_state.data

    def say(self, text: str, markup: ReplyMarkup | None = None) -> None:
        """Queue a message (HTML; escape anything the user typed)."""
        self.replies.append(Outgoing(text, markup))

    def begin(self, flow: str, state: str, data: dict[str, Any] | None = None) -> None:
        """Open a flow at `state` (the caller then asks that step)."""
        fresh = dict(data or {})
        if self.flow_state is not None and "lang" in self.flow_state.data:
            fresh.setdefault("lang", self.flow_state.data["lang"])
        self.flow_state = FlowState(flow=flow, state=state, data=fresh)
        self.paused = None  # a new flow replaces any kept draft
        self.flow_ended = False

    def end(self) -> None:
        """Close the open (or paused) flow; its state is deleted with this turn's commit."""
        self.flow_state = None
        self.paused = None
        self.flow_ended = True

    def resume(self) -> FlowState:
        """Make the paused flow active again."""
        assert self.paused is not None
        self.flow_state, self.paused = self.paused, None
        self.flow_state.paused = False
        return self.flow_state

    def keyboard(self, rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
        """Inline buttons (label, value) bound to the current step, so stale presses are known."""
        prefix = self.callback_prefix()
        labels: dict[str, str] = {}
        markup_rows = []
        for row in rows:
            markup_rows.append(
                [InlineKeyboardButton(label, callback_data=prefix + value) for label, value in row]
            )
            labels.update({normalize_label(label): value for label, value in row})
        if self.flow_state is not None:
            self.flow_state.data["_labels"] = labels
        return InlineKeyboardMarkup(markup_rows)

    def callback_prefix(self) -> str:
        """`flow:state:` for the current step, or the global prefix outside flows."""
        if self.flow_state is None:
            return "g:"
        return f"{self.flow_state.flow}:{self.flow_state.state}:"


def normalize_label(label: str) -> str:
    """Button labels compared as typed: letters and digits only, lower case."""
    return re.sub(r"[^\w]+", "", label.lower())


AskFn = Callable[[Turn], Awaitable[None]]
HandleFn = Callable[[Turn], Awaitable[str]]
TEXT_AND_BUTTONS = frozenset({Kind.TEXT, Kind.BUTTON})
BUTTONS_ONLY = frozenset({Kind.BUTTON})


@dataclass(frozen=True)
class Step:
    """One question of a flow: how to ask it, and how to take the answer."""

    ask: AskFn
    handle: HandleFn
    accepts: frozenset[Kind] = TEXT_AND_BUTTONS


@dataclass(frozen=True)
class Flow:
    """A named set of steps."""

    name: str  # short: it is part of every button's callback_data
    steps: Mapping[str, Step]
    entry_command: str  # the command that starts or resumes it, e.g. "lapor"
    # How "start again from the beginning" opens it; by default its entry command does.
    restart: Callable[[Turn], Awaitable[None]] | None = None


async def ask(turn: Turn, flow: Flow, state: str) -> None:
    """Move the flow to `state` and ask its question."""
    assert turn.flow_state is not None
    turn.flow_state.state = state
    await flow.steps[state].ask(turn)


async def repeat(turn: Turn, flow: Flow) -> None:
    """Ask the current step's question again."""
    assert turn.flow_state is not None
    await ask(turn, flow, turn.flow_state.state)


async def feed(turn: Turn, flow: Flow) -> None:
    """Give the turn's input to the current step and move on to the step it names."""
    assert turn.flow_state is not None
    step = flow.steps[turn.flow_state.state]
    if turn.input.kind is Kind.TEXT and Kind.BUTTON in step.accepts:
        turn.input = _typed_button(turn)
    if turn.input.kind not in step.accepts:
        say_unexpected(turn, step)
        result = REPEAT
    else:
        result = await step.handle(turn)
    await advance(turn, flow, result)


async def advance(turn: Turn, flow: Flow, result: str) -> None:
    """Act on what a step returned: end, repeat, stay, or ask the named step."""
    if result == END:
        turn.end()
    elif result == REPEAT:
        await repeat(turn, flow)
    elif result != STAY:
        await ask(turn, flow, result)


def _typed_button(turn: Turn) -> Input:
    """Someone who types a button's label meant to press it."""
    labels: dict[str, str] = turn.data.get("_labels", {})
    value = labels.get(normalize_label(turn.input.text))
    if value is None:
        return turn.input
    return Input(Kind.BUTTON, value=value)


def say_unexpected(turn: Turn, step: Step) -> None:
    """A short word on why the input was not taken; the step's question follows."""
    _ = turn.gettext
    kind = turn.input.kind
    messages = {
        Kind.STICKER: _("Stiker belum bisa saya baca."),
        Kind.VOICE: _(
            "Maaf, pesan suara belum bisa saya dengarkan. Mohon ketik atau pakai tombol."
        ),
        Kind.PHOTO: _("Foto belum diperlukan di langkah ini."),
        Kind.DOCUMENT: _("Berkas belum bisa saya baca di langkah ini."),
        Kind.LOCATION: _("Lokasi tidak diperlukan di langkah ini."),
        Kind.CONTACT: _("Nomor kontak tidak diperlukan di langkah ini."),
        Kind.EDITED: _("Pesan yang diubah tidak saya baca ulang. Kirim saja jawaban yang baru."),
        Kind.OTHER: _("Maaf, pesan ini belum bisa saya baca."),
    }
    if kind is Kind.TEXT:
        turn.say(_("Silakan pilih salah satu tombol di bawah."))
    else:
        turn.say(messages.get(kind, messages[Kind.OTHER]))
