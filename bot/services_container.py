"""The long-lived things every handler and job needs, passed explicitly (no bot_data grab-bag)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.config import Settings
from bot.storage.db import Database


@dataclass(frozen=True)
class AppServices:
    """Settings, the database and the clock."""

    settings: Settings
    db: Database
    clock: Clock

    def today(self) -> date:
        """Today's date in the configured timezone (WIB)."""
        return self.clock.now().astimezone(self.settings.timezone).date()
