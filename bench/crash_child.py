"""`berdaya run` for the crash bench, with the check-in tick every 2 s instead of every minute.

The bench kills the bot every few seconds; with the production tick (its first run a minute
after the start) no check-in would ever be sent between two kills. Everything else is the
production bot, started exactly as `python -m bot run` starts it.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from handlers import checkins
from handlers.features import PeriodicJob

TICK = timedelta(seconds=2)


def main() -> int:
    """Shorten the check-in tick, then run the bot."""
    checkins.FEATURE = dataclasses.replace(
        checkins.FEATURE, jobs=(PeriodicJob("checkins", TICK, checkins.checkin_job),)
    )
    from bot.cli import main as berdaya

    return berdaya(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
