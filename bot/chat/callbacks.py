"""One typed codec for button data, in the spirit of aiogram's `CallbackData`.

A button action is a frozen dataclass that subclasses `CallbackData` with a short prefix:

    @dataclass(frozen=True)
    class AlertPress(CallbackData, prefix="al"):
        alert_id: int
        op: Op

`AlertPress(41, Op.CLAIM).pack()` gives ``"al:41:c"``; `unpack("al:41:c")` gives the object
back. Fields may be `int` (ASCII digits, below 2**31), `bool`, a `StrEnum`, `str` (letters,
digits and ``_.-``, at most 48) or `int | None`. Anything else, anything forged, too long or
with digits from another script unpacks to None, which the router answers as a stale button.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from enum import StrEnum
from types import NoneType, UnionType
from typing import Any, ClassVar, TypeVar

MAX_BYTES = 64  # Telegram's limit for callback_data
MAX_INT = 2**31  # ids are 32-bit columns; a larger one is forged (and would crash a query)
_PREFIX = re.compile(r"[a-z][a-z0-9]{0,3}", re.ASCII)
_INT = re.compile(r"(?:0|[1-9][0-9]{0,9})", re.ASCII)
_STR = re.compile(r"[A-Za-z0-9_.\-]{0,48}", re.ASCII)
SEPARATOR = ":"

C = TypeVar("C", bound="CallbackData")


class CallbackData:
    """Base of every button action; see the module docstring."""

    prefix: ClassVar[str]
    _registry: ClassVar[dict[str, type[CallbackData]]] = {}
    _fields: ClassVar[tuple[tuple[str, Any], ...] | None] = None

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:
            return
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"callback prefix {prefix!r}: 1-4 lower-case letters or digits")
        if prefix in CallbackData._registry:
            raise ValueError(f"callback prefix {prefix!r} is used twice")
        cls.prefix = prefix
        cls._fields = None
        CallbackData._registry[prefix] = cls

    @classmethod
    def _field_types(cls) -> tuple[tuple[str, Any], ...]:
        if cls._fields is None:
            hints = typing.get_type_hints(cls)
            cls._fields = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        return cls._fields

    def pack(self) -> str:
        """The callback data string; raises ValueError when it would not fit in 64 bytes."""
        parts = [self.prefix]
        for name, kind in self._field_types():
            parts.append(_encode(getattr(self, name), kind, name))
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
        return data

    @classmethod
    def unpack_as(cls: type[C], data: str) -> C | None:
        """`data` as this action, or None when it is another action or not valid."""
        found = unpack(data)
        return found if isinstance(found, cls) else None


def unpack(data: str) -> CallbackData | None:
    """The action a button press sent, or None when it is forged, stale or malformed."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    prefix, _sep, rest = data.partition(SEPARATOR)
    cls = CallbackData._registry.get(prefix)
    if cls is None:
        return None
    fields = cls._field_types()
    parts = rest.split(SEPARATOR) if _sep else []
    if len(parts) != len(fields):
        return None
    values: dict[str, Any] = {}
    for part, (name, kind) in zip(parts, fields, strict=True):
        try:
            values[name] = _decode(part, kind)
        except ValueError:
            return None
    return cls(**values)


def _encode(value: Any, kind: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, StrEnum):
        return str(value.value)
    if isinstance(value, int):
        if not 0 <= value < MAX_INT:
            raise ValueError(f"{name}={value}: out of range for callback data")
        return str(value)
    text = str(value)
    if SEPARATOR in text or not _STR.fullmatch(text):
        raise ValueError(f"{name}={text!r}: not allowed in callback data")
    return text


def _decode(part: str, kind: Any) -> Any:
    if isinstance(kind, UnionType) or typing.get_origin(kind) is typing.Union:
        options = [k for k in typing.get_args(kind) if k is not NoneType]
        if part == "":
            return None
        if len(options) != 1:
            raise ValueError("only Optional[X] unions are supported")
        return _decode(part, options[0])
    if kind is bool:
        if part not in ("0", "1"):
            raise ValueError(part)
        return part == "1"
    if kind is int:
        if not _INT.fullmatch(part) or int(part) >= MAX_INT:
            raise ValueError(part)
        return int(part)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(part)  # ValueError when not a member
    if kind is str:
        if not _STR.fullmatch(part):
            raise ValueError(part)
        return part
    raise ValueError(f"unsupported callback field type {kind!r}")
