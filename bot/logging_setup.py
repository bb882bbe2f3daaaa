"""Logging that cannot leak personal data: NIKs, phone numbers and tokens are masked."""

from __future__ import annotations

import logging
import re

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
