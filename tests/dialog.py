"""Tests as dialogs, in the style of zulip_bots' `verify_dialog`.

A dialog is a list of (what the person does, what the bot answers). What she does is text to
send (a /command included), `Press(n)` (the n-th button of the newest message), `Press("label")`,
`Tap(n)` (a button of the phone keyboard the bot put up), `Album(n)`, `Photo()` or
`Document("surat.pdf")`. What the bot answers is
the exact list of its messages, each rendered as its text followed by its buttons:

    [Bahasa Indonesia] [Basa Jawa]      one row of inline buttons
    {📱 Kirim nomor HP saya}            one row of the phone keyboard
    (toast: Tombol ini sudah tidak berlaku.)
    (pressed message now: [✅ Modal] …)  the pressed message's buttons, edited in place
    (pressed message now: no buttons)

`render_dialog` writes a whole conversation that way; golden transcripts in tests/golden are
such renderings, compared character for character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from berdaya_sandbox.emulator import SentMessage
from tests.harness import Person


@dataclass(frozen=True)
class Press:
    """Press a button of the newest message with buttons: by position (from 0) or label."""

    button: int | str


@dataclass(frozen=True)
class Tap:
    """Tap the n-th button (from 0, row by row) of the phone keyboard the bot put up."""

    index: int


@dataclass(frozen=True)
class Album:
    """Send `count` photos as one album."""

    count: int


@dataclass(frozen=True)
class Photo:
    """Send one photo."""


@dataclass(frozen=True)
class Document:
    """Send a file as a document (a PDF unless told otherwise)."""

    file_name: str = "dokumen.pdf"
    mime_type: str = "application/pdf"


Action = str | Press | Tap | Album | Photo | Document


def render_message(message: SentMessage) -> str:
    """A message as the dialog shows it: its text, then its buttons row by row."""
    lines = [message.text]
    for row in message.inline_keyboard:
        lines.append(" ".join(f"[{button.text}]" for button in row))
    for reply_row in message.reply_keyboard or []:
        lines.append(" ".join("{" + button.text + "}" for button in reply_row))
    return "\n".join(lines)


def _describe(action: Action) -> str:
    if isinstance(action, Press):
        return f"> press {action.button!r}"
    if isinstance(action, Tap):
        return f"> tap {action.index}"
    if isinstance(action, Album):
        return f"> album of {action.count} photos"
    if isinstance(action, Photo):
        return "> a photo"
    if isinstance(action, Document):
        return f"> a document: {action.file_name}"
    return "> " + action


def _buttons(message: SentMessage) -> str:
    rows = [" ".join(f"[{b.text}]" for b in row) for row in message.inline_keyboard]
    return " / ".join(rows) if rows else "no buttons"


async def perform(
    person: Person, action: Action
) -> tuple[list[SentMessage], str | None, str | None]:
    """Do one action: the bot's new messages, the toast on a pressed button, and the pressed
    message's buttons when they were edited in place."""
    toasts = len(person.user.callback_answers)
    pressed: SentMessage | None = None
    if isinstance(action, Press):
        with_buttons = [m for m in person.messages if m.inline_keyboard]
        message = pressed = with_buttons[-1]
        before = _buttons(message)
        label = (
            message.button_labels[action.button]
            if isinstance(action.button, int)
            else action.button
        )
        replies = await person.press(label, message=message)
    elif isinstance(action, Tap):
        keyboard = person.user.reply_keyboard or []
        labels = [button.text for row in keyboard for button in row]
        replies = await person.do(person.user.tap_reply_button(labels[action.index]))
    elif isinstance(action, Album):
        replies = await person.send_album(action.count)
    elif isinstance(action, Photo):
        replies = await person.do(person.user.send_photo())
    elif isinstance(action, Document):
        replies = await person.do(
            person.user.send_document(file_name=action.file_name, mime_type=action.mime_type)
        )
    else:
        replies = await person.send(action)
    answers = person.user.callback_answers[toasts:]
    toast = answers[-1].text if answers else None
    edited = None
    if pressed is not None and _buttons(pressed) != before:
        edited = _buttons(pressed)
    return replies, toast, edited


def _answer(replies: Sequence[SentMessage], toast: str | None, edited: str | None) -> list[str]:
    shown = [render_message(m) for m in replies]
    if toast:
        shown.append(f"(toast: {toast})")
    if edited:
        shown.append(f"(pressed message now: {edited})")
    return shown


async def verify_dialog(person: Person, dialog: Sequence[tuple[Action, Sequence[str]]]) -> None:
    """Play the dialog; every answer must be exactly the one written down."""
    for step, (action, expected) in enumerate(dialog):
        replies, toast, edited = await perform(person, action)
        got = _answer(replies, toast, edited)
        assert got == list(expected), f"step {step} ({_describe(action)}): {got!r}"


async def render_dialog(person: Person, actions: Sequence[Action]) -> str:
    """Play the actions and write the whole conversation down, for a golden transcript."""
    blocks = []
    for action in actions:
        replies, toast, edited = await perform(person, action)
        blocks.append("\n".join([_describe(action), *_answer(replies, toast, edited)]))
    return "\n\n".join(blocks) + "\n"
