"""Reading Bot API parameters the way Telegram does, whatever the encoding.

PTB posts form fields whose non-string values are JSON-encoded (``chat_id=123``,
``reply_markup={"inline_keyboard": ...}``), multipart when it uploads files, and other clients
post JSON bodies. Only the method knows which type each parameter has, so values stay as they
arrived and the accessors below convert them on demand.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from .errors import ApiError, bad_request
from .models import Upload

# Parameters whose values are JSON structures, numbers or booleans, decoded for ApiCall records.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "message_ids",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "max_connections",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
    }
)


class Params:
    """The parameters of one request, plus any uploaded file parts."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads)

    def has(self, name: str) -> bool:
        """True if the parameter was sent (with any value)."""
        return name in self.values

    def get_str(self, name: str) -> str | None:
        """The parameter as text (a JSON body may carry numbers, which are turned into text)."""
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str) -> int | None:
        """The parameter as an integer, or None if missing.

        Raises a 400 when present but not an integer, as Telegram does for malformed numbers.
        """
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"Bad Request: invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        """The parameter as a number, or None if missing."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"Bad Request: invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        """The parameter as a boolean; missing means False."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def get_json(self, name: str, error: ApiError | None = None) -> Any:
        """The parameter as a decoded JSON value (None if missing).

        Raises ``error`` (or a generic 400) when the text is not JSON.
        """
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise error or bad_request(f"Bad Request: can't parse {name} JSON object") from None

    def get_file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (directly or via ``attach://``) or a string
        (file_id or URL). None when neither was sent."""
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        if value is None:
            return self.uploads.get(name)
        return value if isinstance(value, str) else None

    def for_record(self) -> dict[str, Any]:
        """Parameters with their values decoded by type, for ``emu.calls``.

        Values that fail to decode stay as they arrived; the method reports the error.
        """
        record: dict[str, Any] = {}
        for name, value in self.values.items():
            record[name] = value
            if not isinstance(value, str):
                continue
            if name in _JSON_PARAMS:
                with contextlib.suppress(ValueError):
                    record[name] = json.loads(value)
            elif name in _INT_PARAMS:
                with contextlib.suppress(ValueError):
                    record[name] = int(value)
            elif name in _BOOL_PARAMS:
                record[name] = value.strip().lower() in {"true", "1"}
        return record
