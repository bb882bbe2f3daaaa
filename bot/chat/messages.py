"""Outgoing messages without channel specifics: text, buttons as (label, action), keyboards.

The outbox stores these as JSON; the Telegram markup is rendered only when a message is sent
(`bot/render.py`), the way RapidPro's courier builds a keyboard at send time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.chat.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: what it says, and the encoded action a press sends back."""

    label: str
    action: str

    @classmethod
    def of(cls, label: str, action: CallbackData) -> Button:
        """A button whose press sends `action` back."""
        return cls(label, action.pack())


Buttons = tuple[tuple[Button, ...], ...]


def rows_of(rows: Iterable[Iterable[tuple[str, CallbackData]]]) -> Buttons:
    """Buttons from rows of (label, action)."""
    return tuple(tuple(Button.of(label, action) for label, action in row) for row in rows)


@dataclass(frozen=True, slots=True)
class ReplyButton:
    """A button of the keyboard that replaces the phone's keyboard (it sends its label)."""

    label: str
    request_contact: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """One message to a person (HTML subset: <b>, <i>, <code>, <a>; user text escaped)."""

    text: str
    buttons: Buttons = ()
    reply_keyboard: tuple[tuple[ReplyButton, ...], ...] = ()
    remove_reply_keyboard: bool = False
    # A file sent with the text as its caption: (file name, UTF-8 content), e.g. a data export.
    document: tuple[str, str] | None = None
    # Files Telegram already has, shown again by file id: (kind, file_id) with kind "photo" or
    # "document". One is sent with the text as its caption and the buttons; 2–10 of one kind
    # as an album (the caption on the first, no buttons possible). `outbox.enqueue(media=…)`
    # splits longer or mixed lists.
    media: tuple[tuple[str, str], ...] = ()
    # A picture the bot drew (file name, base64 of the PNG), e.g. /ringkasan's chart: sent as a
    # photo with the text as its caption (at most 1,024 characters) and the buttons.
    picture: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form for the outbox."""
        data: dict[str, Any] = {}
        if self.document is not None:
            data["document"] = list(self.document)
        if self.buttons:
            data["buttons"] = [[[b.label, b.action] for b in row] for row in self.buttons]
        if self.reply_keyboard:
            data["reply"] = [
                [[b.label, b.request_contact] for b in row] for row in self.reply_keyboard
            ]
        if self.remove_reply_keyboard:
            data["remove_reply"] = True
        if self.media:
            data["media"] = [[kind, file_id] for kind, file_id in self.media]
        if self.picture is not None:
            data["picture"] = list(self.picture)
        return data

    @classmethod
    def from_json(cls, text: str, data: dict[str, Any] | None) -> Message:
        """The message stored by `to_json`."""
        data = data or {}
        return cls(
            text=text,
            buttons=buttons_from_json(data.get("buttons")),
            reply_keyboard=tuple(
                tuple(ReplyButton(str(label), bool(contact)) for label, contact in row)
                for row in data.get("reply", [])
            ),
            remove_reply_keyboard=bool(data.get("remove_reply", False)),
            document=(str(data["document"][0]), str(data["document"][1]))
            if data.get("document")
            else None,
            media=tuple((str(kind), str(file_id)) for kind, file_id in data.get("media", [])),
            picture=(str(data["picture"][0]), str(data["picture"][1]))
            if data.get("picture")
            else None,
        )


def buttons_to_json(buttons: Buttons) -> list[list[list[str]]]:
    """Buttons as JSON rows of [label, action]."""
    return [[[b.label, b.action] for b in row] for row in buttons]


def buttons_from_json(rows: Sequence[Sequence[Sequence[str]]] | None) -> Buttons:
    """Buttons stored by `buttons_to_json`."""
    return tuple(
        tuple(Button(str(label), str(action)) for label, action in row) for row in rows or []
    )


@dataclass(frozen=True, slots=True)
class EditButtons:
    """Replace the buttons under a message already sent (None removes them), and with `text`
    its text too (a list turned to another page in place)."""

    message_id: int
    buttons: Buttons = field(default=())
    text: str | None = None


CAPTION_LIMIT = 1024  # characters of a photo's or a document's caption
MEDIA_GROUP_MAX = 10  # files of one album


def media_messages(text: str, buttons: Buttons, media: Sequence[tuple[str, str]]) -> list[Message]:
    """The messages that show files by file id with a text.

    Telegram sends one file with a caption and buttons, or an album of 2–10 files of one kind
    (photos, or documents) with a caption on the first and no buttons. So: files are grouped
    in runs of one kind, at most 10 each; the text is the first group's caption when it fits
    (1,024 characters) and no buttons are lost by it; otherwise it follows the files as a
    message of its own, with the buttons.
    """
    groups: list[list[tuple[str, str]]] = []
    for kind, file_id in media:
        if not groups or groups[-1][0][0] != kind or len(groups[-1]) == MEDIA_GROUP_MAX:
            groups.append([])
        groups[-1].append((kind, file_id))
    single = len(groups) == 1 and len(groups[0]) == 1
    as_caption = len(text) <= CAPTION_LIMIT and (single or not buttons)
    messages = [
        Message(
            text if as_caption and not index else "",
            buttons if as_caption and single else (),
            media=tuple(group),
        )
        for index, group in enumerate(groups)
    ]
    if not as_caption:
        if not text:
            raise ValueError("buttons under an album need a text")
        messages.append(Message(text, buttons))
    return messages
