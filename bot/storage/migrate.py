"""Apply Alembic migrations from inside the running event loop."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.storage.db import Database

# The top-level migrations/ folder, shipped inside the package (see pyproject.toml): in an
# editable install this is the source folder itself, in a wheel the copy under bot/migrations.
MIGRATIONS = "bot.migrations"


def migrations_dir() -> Path:
    """The installed migrations folder (Alembic needs a real directory, not a zip entry)."""
    location = files(MIGRATIONS)
    if not isinstance(location, Path) or not (location / "env.py").is_file():
        raise RuntimeError(f"{MIGRATIONS} is not installed as a folder with env.py")
    return location


def alembic_config() -> Config:
    """An Alembic config pointing at the installed migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


async def upgrade_to_head(db: Database) -> None:
    """Bring the schema up to the newest migration."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    if not db.is_sqlite:
        async with db.engine.begin() as connection:
            await connection.run_sync(_upgrade)
        return
    # SQLite alters a table by copying it and dropping the old one; with foreign keys on, that
    # DROP would first delete (ON DELETE CASCADE) every row that refers to it. They are off
    # while migrating (the pragma works outside a transaction only) and checked afterwards.
    async with db.engine.connect() as connection:
        await connection.run_sync(sqlite_pragma, "PRAGMA foreign_keys=OFF")
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
            broken = await connection.exec_driver_sql("PRAGMA foreign_key_check")
            if broken.first() is not None:
                raise RuntimeError("a migration left rows that refer to missing rows")
            await connection.commit()
        finally:
            await connection.run_sync(sqlite_pragma, "PRAGMA foreign_keys=ON")


def sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a pragma on the driver connection, outside any transaction."""
    cursor = connection.connection.cursor()
    cursor.execute(pragma)
    cursor.close()


async def pending_revisions(db: Database) -> list[str]:
    """Revisions not yet applied (empty when the schema is current)."""

    def _pending(connection: Connection) -> list[str]:
        script = ScriptDirectory.from_config(alembic_config())
        current = set(MigrationContext.configure(connection).get_current_heads())
        heads = script.get_revisions(script.get_heads())
        todo: list[str] = []
        for head in heads:
            for rev in script.iterate_revisions(head.revision, "base"):
                if rev.revision in current:
                    break
                todo.append(rev.revision)
        return todo

    async with db.engine.connect() as connection:
        return await connection.run_sync(_pending)
