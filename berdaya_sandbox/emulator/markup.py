"""Reply markup (inline keyboards, reply keyboards, removal, force reply), checked like Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import errors
from .errors import bad_request
from .models import InlineButton, ReplyButton

# Inline button kinds besides callback_data and url; a button needs exactly one kind.
_OTHER_INLINE_KINDS = (
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
    "copy_text",
)


@dataclass(frozen=True)
class ParsedMarkup:
    """The decoded ``reply_markup`` of a send or edit call."""

    inline_keyboard: list[list[InlineButton]] = field(default_factory=list)
    reply_keyboard: list[list[ReplyButton]] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(errors.MARKUP_UNPARSABLE)
    return value


def _inline_button(raw: Any) -> InlineButton:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request(errors.MARKUP_UNPARSABLE)
    data = raw.get("callback_data")
    url = raw.get("url")
    extra = {kind: raw[kind] for kind in _OTHER_INLINE_KINDS if kind in raw}
    if data is None and url is None and not extra:
        raise bad_request(errors.TEXT_BUTTONS_UNALLOWED)
    # Telegram measures callback_data in UTF-8 bytes: 1-64.
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
        raise bad_request(errors.BUTTON_DATA_INVALID)
    if url is not None and (not isinstance(url, str) or not url.strip()):
        raise bad_request(f"Bad Request: inline keyboard button URL '{url}' is invalid")
    return InlineButton(text=raw["text"], callback_data=data, url=url, extra=extra)


def _reply_button(raw: Any) -> ReplyButton:
    # Telegram accepts plain strings as reply keyboard buttons.
    if isinstance(raw, str):
        return ReplyButton(text=raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request(errors.MARKUP_UNPARSABLE)
    return ReplyButton(
        text=raw["text"],
        request_contact=bool(raw.get("request_contact")),
        request_location=bool(raw.get("request_location")),
    )


def parse_reply_markup(value: Any) -> ParsedMarkup:
    """Decode and validate a reply_markup value (already JSON-decoded; None for no markup).

    Raises ApiError with Telegram's wording for invalid markup, e.g. BUTTON_DATA_INVALID.
    """
    if value is None:
        return ParsedMarkup()
    if not isinstance(value, dict):
        raise bad_request(errors.MARKUP_UNPARSABLE)
    if "inline_keyboard" in value:
        rows = _rows(value["inline_keyboard"])
        return ParsedMarkup(inline_keyboard=[[_inline_button(b) for b in row] for row in rows])
    if "keyboard" in value:
        rows = _rows(value["keyboard"])
        return ParsedMarkup(reply_keyboard=[[_reply_button(b) for b in row] for row in rows])
    if value.get("remove_keyboard"):
        return ParsedMarkup(remove_keyboard=True)
    if value.get("force_reply"):
        return ParsedMarkup(force_reply=True)
    raise bad_request(errors.MARKUP_UNPARSABLE)


def inline_keyboard_to_api(keyboard: list[list[InlineButton]]) -> dict[str, Any] | None:
    """The ``reply_markup`` field of a Message: only inline keyboards are shown there."""
    if not keyboard:
        return None
    return {"inline_keyboard": [[button.to_api() for button in row] for row in keyboard]}
