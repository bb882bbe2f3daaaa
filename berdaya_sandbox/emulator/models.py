"""What the emulator remembers about chats: bot messages, buttons, files and API calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button. ``extra`` keeps other kinds (web_app, copy_text, ...)."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        """The button as the Bot API writes it inside a Message."""
        data: dict[str, Any] = {"text": self.text, **self.extra}
        if self.callback_data is not None:
            data["callback_data"] = self.callback_data
        if self.url is not None:
            data["url"] = self.url
        return data


@dataclass(frozen=True)
class ReplyButton:
    """One reply keyboard button; tapping it sends its text, or the contact/location asked for."""

    text: str
    request_contact: bool = False
    request_location: bool = False


@dataclass(frozen=True)
class PhotoSize:
    """One size of a photo, as in the Bot API's PhotoSize."""

    file_id: str
    file_unique_id: str
    width: int
    height: int
    file_size: int

    def to_api(self) -> dict[str, Any]:
        """The PhotoSize object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.file_size,
        }


@dataclass(frozen=True)
class DocumentInfo:
    """A document attached to a message, as in the Bot API's Document."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int

    def to_api(self) -> dict[str, Any]:
        """The Document object."""
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name is not None:
            data["file_name"] = self.file_name
        if self.mime_type is not None:
            data["mime_type"] = self.mime_type
        return data


@dataclass
class SentMessage:
    """A message the bot sent, kept up to date with later edits and deletion.

    ``text`` is the plain text (tags stripped, entities decoded) and ``html`` the markup as sent
    when parse_mode was HTML. For photos and documents the text is empty and the caption is in
    ``caption``/``caption_html``. ``history`` holds earlier texts (or captions) replaced by edits.
    """

    message_id: int
    chat_id: int
    date: int
    text: str = ""
    html: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    inline_keyboard: list[list[InlineButton]] = field(default_factory=list)
    reply_keyboard: list[list[ReplyButton]] | None = None
    keyboard_removed: bool = False
    force_reply: bool = False
    photo: list[PhotoSize] | None = None
    document: DocumentInfo | None = None
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    media_group_id: str | None = None  # the album (sendMediaGroup) this message belongs to
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False
    history: list[str] = field(default_factory=list)

    @property
    def button_labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [button.text for row in self.inline_keyboard for button in row]

    @property
    def buttons(self) -> list[InlineButton]:
        """All inline buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def reply_labels(self) -> list[str]:
        """The labels of the reply keyboard this message brought, if any."""
        return [button.text for row in self.reply_keyboard or [] for button in row]

    @property
    def has_text(self) -> bool:
        """True for text messages (as opposed to photos and documents)."""
        return self.photo is None and self.document is None

    def find_button(self, label: str) -> InlineButton | None:
        """The inline button with exactly this label, if the message shows one."""
        return next((b for b in self.buttons if b.text == label), None)


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one of the user's button presses."""

    query_id: str
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Length of the content in bytes."""
        return len(self.data)


@dataclass
class StoredFile:
    """A file known to the emulator, uploaded by the bot or sent by a simulated user."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes = field(repr=False)
    file_path: str = ""
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class ApiCall:
    """One Bot API request: the method, its decoded parameters and how it was answered."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None
    result: Any = None
    uploads: dict[str, Upload] = field(default_factory=dict)
    injected: bool = False  # the failure was asked for by a test (fail_next), not earned

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.status == 200
