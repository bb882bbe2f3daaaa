"""A local Telegram Bot API emulator for Berdaya's tests and sandbox.

The real python-telegram-bot Application, with its real HTTP client, talks to it over HTTP;
simulated users send messages and press buttons, and tests read what the bot sent them.
"""

from .errors import ApiError
from .html import HtmlParseError, ParsedText, parse_html
from .models import (
    ApiCall,
    CallbackAnswer,
    DocumentInfo,
    InlineButton,
    PhotoSize,
    ReplyButton,
    SentMessage,
)
from .server import DEFAULT_TOKEN, BotApiEmulator
from .users import SimulatedUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "DocumentInfo",
    "HtmlParseError",
    "InlineButton",
    "ParsedText",
    "PhotoSize",
    "ReplyButton",
    "SentMessage",
    "SimulatedUser",
    "parse_html",
]
