"""What every `berdaya` command shares: the error for unusable input and its exit code.

Kept apart from bot/cli.py so that the command modules (bot/admin_cli.py) can raise it without
importing the command line that imports them.
"""

from __future__ import annotations

EXIT_SETTINGS = 2  # a missing or malformed setting or argument: one line, then this code


class BadInput(Exception):
    """An argument the command cannot use; the message names it and fits on one line."""
