"""The `berdaya` command line: run, db upgrade, clients invite, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import SettingsError, load_settings
from bot.logging_setup import configure_logging

EXIT_SETTINGS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berdaya",
        description="Berdaya: the Telegram bot of Dinas Sosial Jawa Timur for its former clients.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="long polling against the Bot API (applies migrations first)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations")
    clients = commands.add_parser("clients", help="client records")
    client_commands = clients.add_subparsers(
        dest="clients_command", required=True, metavar="ACTION"
    )
    invite = client_commands.add_parser(
        "invite", help="create a client record and print a one-time invitation code"
    )
    invite.add_argument("--name", required=True, help="full name, as on the KTP")
    invite.add_argument("--nik", required=True, help="16-digit NIK")
    invite.add_argument("--region", required=True, help="kabupaten/kota code, e.g. 3522")
    invite.add_argument("--bot-username", help="for the deep link; asked from the Bot API if unset")
    sandbox = commands.add_parser(
        "sandbox", help="the bot and a local Bot API emulator in this terminal (no token needed)"
    )
    sandbox.add_argument(
        "--data-dir",
        type=Path,
        default=Path("sandbox-data"),
        help="where the fresh SQLite file goes",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `berdaya` console script."""
    args = _parser().parse_args(argv)
    # The sandbox is a chat in this terminal: only warnings may interrupt it.
    configure_logging(logging.WARNING if args.command == "sandbox" else logging.INFO)
    try:
        if args.command == "run":
            from bot.runtime import serve

            asyncio.run(serve(load_settings()))
        elif args.command == "db":
            from bot.runtime import prepare_database

            asyncio.run(prepare_database(load_settings()))
            print("Database is up to date.")
        elif args.command == "clients":
            from bot.admin_cli import invite_client

            print(asyncio.run(invite_client(load_settings(), args)))
        elif args.command == "sandbox":
            from bot.sandbox import run_sandbox

            args.data_dir.mkdir(parents=True, exist_ok=True)
            asyncio.run(run_sandbox(data_dir=args.data_dir))
    except SettingsError as error:
        print(f"berdaya: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 130
    return 0
