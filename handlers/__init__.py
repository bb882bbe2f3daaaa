"""Handlers: translate Telegram updates into turns. `build_handlers` composes them in order."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.services_container import AppServices
from handlers.router import Router


def build_handlers(services: AppServices) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every update from a person goes through one router, which keeps the flow state."""
    router = Router(services)
    return [
        CallbackQueryHandler(router),
        MessageHandler(filters.ALL, router),
    ]
