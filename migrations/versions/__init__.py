"""The revisions. Alembic skips this file; it makes the folder part of ``bot.migrations``."""
