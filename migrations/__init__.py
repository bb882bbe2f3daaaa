"""Alembic's migrations (the source files; `alembic revision` writes new ones here).

The wheel ships this folder inside the package as ``bot.migrations``, and bot/storage/migrate.py
finds it with importlib.resources, so `berdaya db upgrade` works without the source tree.
"""
