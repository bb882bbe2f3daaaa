"""Handlers: translate Telegram updates into turns. `build_handlers` composes them in order."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.services_container import AppServices
from handlers.checkins import chat_member_handler
from handlers.features import Feature
from handlers.router import Router


def build_handlers(services: AppServices, features: tuple[Feature, ...] = ()) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every update from a person goes through one router, which keeps the flow state."""
    router = Router(services, features)
    return [
        CallbackQueryHandler(router),
        MessageHandler(filters.ALL, router),
        chat_member_handler(services),  # blocked / unblocked: no check-ins to a blocked chat
    ]


def all_features() -> tuple[Feature, ...]:
    """The features beyond onboarding and reports, in the order their hooks run."""
    from handlers.alerts import FEATURE as alerts
    from handlers.checkins import FEATURE as checkins
    from handlers.delivery import FEATURE as delivery
    from handlers.staff_checkins import FEATURE as staff_checkins
    from handlers.staff_menu import staff_features

    return (delivery, checkins, alerts, staff_checkins, staff_features())
