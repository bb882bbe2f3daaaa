"""One update's handling, without Telegram types: who, what they did, and what to send back.

The router builds a `Turn` from an update, a flow step or a feature acts on it inside one
database transaction, and only after the commit does anything reach the person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.actions import StepAnswer
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Button, Buttons, Message, ReplyButton, media_messages
from bot.i18n import Translator, guess_language, translator
from bot.services.accounts import Profile
from bot.services.staff import StaffProfile
from bot.services_container import AppServices


class Kind(StrEnum):
    """What sort of thing the person sent."""

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
    """One action of the person, stripped of Telegram types."""

    kind: Kind
    text: str = ""
    value: str = ""  # a step button's value
    action: CallbackData | None = None  # a decoded button press
    phone: str | None = None
    own_contact: bool = False
    file_ids: tuple[str, ...] = ()  # a photo (largest size), every photo of an album, a document
    file_name: str | None = None
    mime_type: str | None = None
    message_id: int | None = None  # the message whose button was pressed

    @property
    def file_id(self) -> str | None:
        """The first (often the only) file."""
        return self.file_ids[0] if self.file_ids else None


class Clarify(BaseModel):
    """A follow-up question a step asked about an unclear answer, with the readings offered."""

    model_config = ConfigDict(extra="forbid")

    text: str
    options: list[tuple[str, str]]  # (label, value)


class LastAnswer(BaseModel):
    """The typed answer a step took last, to recognise the same text sent again."""

    model_config = ConfigDict(extra="forbid")

    step: str
    text: str
    at: datetime
    warned: bool = False


class FlowMeta(BaseModel):
    """What the engine keeps about a flow besides its draft."""

    model_config = ConfigDict(extra="forbid")

    lang: str | None = None
    options: list[tuple[str, str]] = []  # the current question's buttons, for typed answers
    pages: dict[str, int] = {}
    return_to: str | None = None  # the summary step an edited field goes back to
    choosing_field: bool = False  # the summary shows its "which field?" buttons
    clarify: Clarify | None = None
    last_answer: LastAnswer | None = None


@dataclass
class FlowState:
    """Where a chat stands: which flow, which step, the typed draft and the engine's notes."""

    flow: str
    state: str
    draft: BaseModel
    meta: FlowMeta = field(default_factory=FlowMeta)
    paused: bool = False


UNCHANGED: Any = object()


class Conductor(Protocol):
    """What a turn may ask of the bot around it (the dispatcher, which knows every feature)."""

    def show_menu(self, turn: Turn, greeting: bool) -> None:
        """Queue the person's menu, generated from the registry."""

    async def run_command(self, turn: Turn, name: str, args: str, *, pressed: bool = False) -> None:
        """Do what /<name> does, with the same role check (`pressed`: from a menu button)."""

    async def continue_or_menu(self, turn: Turn, *, menu: bool = True) -> None:
        """After an aside, put the open flow's question back on screen (or the menu)."""

    def flow(self, name: str) -> Any:
        """The registered flow of this name."""

    async def stale(self, turn: Turn) -> None:
        """Answer an outdated, forged or foreign button: a toast, and the question again."""


class _NoConductor:
    """Until the dispatcher sets itself (unit tests of single steps)."""

    def show_menu(self, turn: Turn, greeting: bool) -> None:
        """Nothing to show."""

    async def run_command(self, turn: Turn, name: str, args: str, *, pressed: bool = False) -> None:
        """Nothing to run."""
        raise RuntimeError("no dispatcher")

    async def continue_or_menu(self, turn: Turn, *, menu: bool = True) -> None:
        """Nothing to continue."""

    def flow(self, name: str) -> Any:
        """No flows."""
        raise KeyError(name)

    async def stale(self, turn: Turn) -> None:
        """Nothing to answer with."""


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
    bot_username: str = ""  # for deep links such as https://t.me/<bot>?start=<code>
    t: Translator = field(init=False)
    replies: list[Message] = field(default_factory=list)
    toast: str | None = None  # the answer shown on a pressed button
    pressed_buttons: Any = UNCHANGED  # new buttons for the pressed message; () removes them
    pressed_text: str | None = None  # new text for it too (set with `turn_page`)
    flow_ended: bool = False
    queued_outbox: bool = False  # something was queued for others: deliver right after commit
    # Stored media files (paths in the media folder) whose rows this turn deleted: removed from
    # disk right after the commit (never before it: a rolled-back turn keeps its files).
    files_to_remove: list[str] = field(default_factory=list)
    conductor: Conductor = field(default_factory=_NoConductor)

    def __post_init__(self) -> None:
        self.t = translator(self.language, self.services.settings.timezone)

    @property
    def language(self) -> str:
        """The person's language: chosen in the open flow, remembered, or guessed."""
        if self.flow_state is not None and self.flow_state.meta.lang:
            return self.flow_state.meta.lang
        if self.profile is not None:
            return self.profile.language
        if self.staff is not None:
            return self.staff.language
        return guess_language(self.language_code)

    def set_language(self, language: str) -> None:
        """Switch the turn (and any open flow) to `language`."""
        if self.flow_state is not None:
            self.flow_state.meta.lang = language
        if self.profile is not None:
            self.profile = replace(self.profile, language=language)
        if self.staff is not None:
            self.staff = replace(self.staff, language=language)
        self.t = translator(language, self.services.settings.timezone)

    @property
    def gettext(self) -> Callable[[str], str]:
        """The translation function for this turn's language."""
        return self.t.gettext

    def say(
        self,
        text: str,
        buttons: Buttons = (),
        *,
        reply_keyboard: Sequence[Sequence[ReplyButton]] = (),
        remove_reply_keyboard: bool = False,
        media: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Queue a message (HTML; escape anything a person typed). With `media` (kind, file
        id), the files are shown with the text as their caption (`media_messages`)."""
        if media:
            self.replies.extend(media_messages(text, buttons, media))
            return
        self.replies.append(
            Message(
                text,
                buttons,
                tuple(tuple(row) for row in reply_keyboard),
                remove_reply_keyboard,
            )
        )

    def show_menu(self, *, greeting: bool = False) -> None:
        """Queue the person's menu (the client menu, the staff menu, or the way in)."""
        self.conductor.show_menu(self, greeting)

    def turn_page(self, text: str, buttons: Buttons) -> None:
        """Show another page in the pressed message itself: its text and its buttons."""
        self.pressed_text = text
        self.pressed_buttons = buttons

    def begin(self, flow: str, state: str, draft: BaseModel) -> None:
        """Open a flow at `state` with a fresh draft (the caller then asks that step)."""
        meta = FlowMeta(lang=self.flow_state.meta.lang if self.flow_state else None)
        self.flow_state = FlowState(flow=flow, state=state, draft=draft, meta=meta)
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

    def keyboard(self, rows: Sequence[Sequence[tuple[str, str]]]) -> Buttons:
        """Buttons (label, value) bound to the current step, so that stale presses are known.

        Their labels are remembered, so typing one (or a word of one) counts as pressing it.
        """
        state = self.flow_state
        if state is None:
            raise RuntimeError("step buttons need an open flow")
        buttons = tuple(
            tuple(
                Button.of(label, StepAnswer(state.flow, state.state, value)) for label, value in row
            )
            for row in rows
        )
        state.meta.options = [(label, value) for row in rows for label, value in row]
        return buttons
