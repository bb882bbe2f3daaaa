"""The table of Bot API methods the emulator implements, looked up case-insensitively."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .params import Params
from .state import EmulatorState

Handler = Callable[[EmulatorState, Params], Awaitable[Any]]

# lower-cased name -> (Telegram's spelling, handler); Telegram ignores the case of method names.
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under the Bot API method ``name``."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def find_method(name: str) -> tuple[str, Handler] | None:
    """The canonical name and handler for a requested method name, if implemented."""
    return METHODS.get(name.lower())
