"""Neutral messages rendered as Bot API markup, at the moment they are sent."""

from __future__ import annotations

import re
from html import unescape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.chat.messages import Buttons, Message

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
_TAG = re.compile(r"<[^>]*>")


def inline_keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Inline buttons (callback data = the encoded action), or None for no buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in buttons]
    )


def reply_markup(message: Message) -> ReplyMarkup | None:
    """The one reply_markup a Telegram message can carry."""
    if message.buttons:
        return inline_keyboard(message.buttons)
    if message.reply_keyboard:
        return ReplyKeyboardMarkup(
            [
                [KeyboardButton(b.label, request_contact=b.request_contact or None) for b in row]
                for row in message.reply_keyboard
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if message.remove_reply_keyboard:
        return ReplyKeyboardRemove()
    return None


def plain_text(html: str) -> str:
    """What Telegram shows of a message written in its HTML (tags gone, entities decoded,
    the ends trimmed), to compare with a message's text as Telegram reports it."""
    return unescape(_TAG.sub("", html)).strip()


def same_buttons(buttons: Buttons, current: InlineKeyboardMarkup | None) -> bool:
    """True when `current` (a message's markup as Telegram reported it) shows exactly these."""
    now = [
        [(b.text, b.callback_data) for b in row]
        for row in (current.inline_keyboard if current else ())
    ]
    wanted = [[(b.label, b.action) for b in row] for row in buttons]
    return now == wanted
