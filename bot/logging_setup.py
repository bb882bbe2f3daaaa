"""Logging that cannot leak personal data: NIKs, phone numbers and tokens are masked."""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from bot.log_context import UpdateContextFilter

# Bot tokens, Indonesian phone numbers (08…, +628…, 628…, spaced or not) and any run of 10 or
# more digits (a NIK has 16). Timestamps never have more than 4 digits in a row.
_PATTERNS = (
    (re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}"), "[token]"),
    (re.compile(r"(?<!\d)(?:\+?62|0)\s?8\d(?:[ .\-]?\d){6,11}(?!\d)"), "[phone]"),
    (re.compile(r"\d{10,}"), "[number]"),
)


def redact(text: str) -> str:
    """Mask tokens and long numbers in a log line."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter that masks what must never reach a log file."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then mask it."""
        return redact(super().format(record))

    def formatException(self, ei: Any) -> str:
        """The traceback without the exceptions' messages: a message may quote what a person
        typed ("invalid literal for int(): '…'") or a name; where it happened is enough."""
        _kind, error, _tb = ei
        return "\n".join(_frames_only(error)) if isinstance(error, BaseException) else ""


def _frames_only(error: BaseException, depth: int = 0) -> list[str]:
    """Each exception of the chain as its frames and its type, oldest first."""
    lines: list[str] = []
    earlier = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if earlier is not None and depth < 5:
        lines += _frames_only(earlier, depth + 1)
        lines.append("(then)")
    lines.append("Traceback (most recent call last):")
    lines += [
        line.rstrip("\n")
        for line in traceback.format_list(traceback.extract_tb(error.__traceback__))
    ]
    lines.append(f"{type(error).__module__}.{type(error).__qualname__} (message not logged)")
    return lines


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr, masked; quiet the HTTP client, whose URLs hold the token."""
    handler = logging.StreamHandler()
    handler.addFilter(UpdateContextFilter())
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s [%(turn)s]: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # These write request bodies (message texts, so names and NIKs) at DEBUG: never below INFO.
    for talkative in ("telegram", "aiosqlite", "asyncpg"):
        logging.getLogger(talkative).setLevel(max(level, logging.INFO))
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)  # INFO would echo SQL
    # It logs every 429 as an error with a traceback; the outbox handles (and logs) them itself.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
